"""Load benchmark: N concurrent dashboard sessions over Streamlit's own websocket protocol, on loopback.

Usage:
    python3 -m benchmarks.load                                 # N = 1, 5, 20 x 1 and 2 processes, 30 s each
    python3 -m benchmarks.load --sessions 20 --processes 2 --seconds 60
    python3 -m benchmarks.load --processes 2 --no-nginx        # 2 processes, sessions dealt round robin
    python3 -m benchmarks.load --url http://127.0.0.1:8501 --sessions 5   # a server already running
    python3 -m benchmarks.load --probe http://127.0.0.1:8501   # one session, one page: the deep health check
    python3 -m benchmarks.load --warm http://127.0.0.1:8501    # one visit to every page (deploy/warm.sh)

Each simulated visitor is what a browser tab is to the server: one websocket to
``/_stcore/stream`` carrying protobuf ``BackMsg``/``ForwardMsg`` (``streamlit.proto``). It opens
the dashboard, then keeps changing page, wards and period: each change is a ``rerun_script``
with a new query string and page, sent as a history navigation (what the browser sends on
Back/Forward), so Streamlit's URL-bound filter widgets take their values from the query string
exactly as from a shared link. A change is timed from sending the rerun to the
``script_finished`` message, and is only counted a success when the page's title says the page,
the wards and the period asked for (so every rerun measured recomputed the figures asked for).
Visitors send the next change as soon as a page is drawn (``--think 0``, the worst case a
visitor can cause) unless told to pause.

By default it starts its own servers on a demo store (or ``--db``): one ``streamlit run app.py``
per process on free loopback ports, and for two or more processes an nginx (Debian's) with the
site configuration of ``deploy/nginx/swp-dashboard.conf`` (sticky sessions by cookie) on a free
port, all in a temporary folder, stopped at the end. Each cell of the table gets fresh servers,
warmed by one visit to every page (as after the first visitor of the day).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from swp_data.periods import Period
from swp_data.selection import city, from_codes, ward_options
from swp_data.site import PAGES, PageSpec

# The pages a visitor changes filters on: every page whose title names the wards and period.
_FINAL = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)  # the end of a run chain
VIEW_PAGES: tuple[PageSpec, ...] = tuple(page for page in PAGES if page.reports_kpis or page.key == "ward_profile")
# The servers run as deploy/systemd/swp-dashboard@.service runs them: no file watcher (its threads
# polled the source tree through every run).
SERVER_OPTIONS = ("--server.fileWatcherType", "none")
BASELINE = "outside tester, same 2-core machine: 1 session p50 0.36 s; 20 sessions p50 7.9 s, p95 12.9 s, 0 errors"


@dataclass(frozen=True)
class View:
    """What a visitor asks for: a page, its wards (none = the city) and a period (quarter labels)."""

    page: PageSpec
    wards: tuple[str, ...]
    first: str
    last: str

    def query_string(self) -> str:
        """The query string a shared link to this view carries (README: "Shared links")."""
        pairs = [("wards", name) for name in self.wards]
        if self.page.key == "ward_profile":
            pairs.append(("ward", self.wards[0]))
        pairs += [("from", self.first), ("to", self.last)]
        return urllib.parse.urlencode(pairs)

    def title(self) -> str:
        """The page title the app draws for this view (``swp_app.page_header``)."""
        period = Period.parse(self.first, self.last).label
        if self.page.key == "ward_profile":
            return f"{self.page.title}: {self.wards[0]}, {period}"
        codes = {name: code for code, name in ward_options().items()}
        chosen = from_codes([codes[name] for name in self.wards]) if self.wards else city()
        return f"{self.page.title}: {chosen.label}, {period}"


@dataclass
class Run:
    """One script run as the visitor saw it."""

    seconds: float
    title: str = ""
    exceptions: list[str] = field(default_factory=list)
    quarters: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)
    problem: str = ""  # "", "exception", "wrong view", "timeout", "disconnect"


class Session:
    """One visitor: a websocket to one server (directly or through the proxy) speaking Streamlit's protocol.

    It does what the browser does that matters to the server: loads the page first (taking the
    cookies a proxy sets, so the websocket reaches the same process), sends its Origin (so the
    server's same-origin check runs), and tells the server which large messages it already holds
    (``cached_message_hashes``), so the server sends references instead, as it does to a browser.
    """

    def __init__(self, base_url: str, timeout: float = 60) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie = ""
        self._socket: ClientConnection | None = None
        self._cache: dict[str, ForwardMsg] = {}

    async def open(self) -> None:
        """Load the page (cookies) and open the websocket."""
        self.cookie = await asyncio.to_thread(_page_cookies, self.base_url, self.timeout)
        parsed = urllib.parse.urlsplit(self.base_url)
        scheme = "wss" if parsed.scheme == "https" else "ws"
        self._socket = await connect(
            f"{scheme}://{parsed.netloc}{parsed.path}/_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            origin=f"{parsed.scheme}://{parsed.netloc}",  # type: ignore[arg-type]
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            open_timeout=self.timeout,
        )

    async def close(self) -> None:
        """Close the websocket (the server then ends the session after its TTL)."""
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def run(self, query_string: str, page_name: str, *, history: bool = True) -> Run:
        """Ask for one script run with this query string and page; wait for it to finish.

        ``history``: sent as a Back/Forward navigation, so URL-bound widgets take the query
        string's values over the ones the session holds (a first visit takes them anyway).
        """
        if self._socket is None:
            raise RuntimeError("open() the session first")
        message = BackMsg()
        message.rerun_script.query_string = query_string
        message.rerun_script.page_name = page_name
        message.rerun_script.is_history_navigation = history
        message.rerun_script.cached_message_hashes.extend(self._cache)
        started = time.perf_counter()
        run = Run(0.0)
        await self._socket.send(message.SerializeToString())
        deadline = started + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                run.problem = "timeout"
                break
            try:
                data = await asyncio.wait_for(self._socket.recv(), remaining)
            except TimeoutError:
                run.problem = "timeout"
                break
            forward = ForwardMsg()
            forward.ParseFromString(data)
            if forward.ref_hash:
                if forward.ref_hash not in self._cache:
                    run.exceptions.append(f"the server referred to a message never sent ({forward.ref_hash})")
                    continue
                forward = self._cache[forward.ref_hash]
            elif forward.metadata.cacheable:
                self._cache[forward.hash] = forward
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._read_delta(forward, run)
            elif kind == "page_not_found":
                run.exceptions.append(f"page not found: {page_name!r}")
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.exceptions.append("the script did not compile")
                if forward.script_finished in _FINAL:
                    break  # FINISHED_EARLY_FOR_RERUN: st.rerun() in the app; the run goes on
            elif kind == "session_event" and forward.session_event.HasField("script_compilation_exception"):
                run.exceptions.append(forward.session_event.script_compilation_exception.message)
        run.seconds = time.perf_counter() - started
        if run.exceptions and not run.problem:
            run.problem = "exception"
        return run

    @staticmethod
    def _read_delta(forward: ForwardMsg, run: Run) -> None:
        if forward.delta.WhichOneof("type") != "new_element":
            return
        element = forward.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "heading" and element.heading.tag == "h1" and not run.title:
            run.title = element.heading.body
        elif kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "selectbox" and element.selectbox.label == "From quarter":
            run.quarters = list(element.selectbox.options)
        elif kind == "multiselect" and element.multiselect.label == "Wards":
            run.wards = list(element.multiselect.options)


def _page_cookies(base_url: str, timeout: float) -> str:
    """GET the page as a browser does first; the Cookie header its Set-Cookie lines make."""
    with urllib.request.urlopen(base_url + "/", timeout=timeout) as response:
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(line.split(";", 1)[0] for line in cookies)


def random_view(rng: random.Random, wards: list[str], quarters: list[str]) -> View:
    """A page; the city (20%), one ward (50%) or two or three wards; one to four quarters (recent ones more often)."""
    page = rng.choice(VIEW_PAGES)
    share = rng.random()
    count = 0 if share < 0.2 else 1 if share < 0.7 else rng.randint(2, 3)
    if page.key == "ward_profile":
        count = 1
    chosen = tuple(rng.sample(wards, count))
    last = len(quarters) - 1 - min(int(rng.expovariate(1 / 4)), len(quarters) - 5)
    first = max(0, last - rng.randint(0, 3))
    return View(page, chosen, quarters[first], quarters[last])


# --------------------------------------------------------------------------------------------
# Driving N visitors


@dataclass
class Record:
    """A finished run: when it ended, how long it took, and what went wrong (if anything)."""

    ended: float
    seconds: float
    problem: str
    detail: str = ""
    page: str = "opening"


class Visitor:
    """One simulated visitor: opens the dashboard, then changes view after view; reopens after a failure."""

    def __init__(self, index: int, targets: list[str], timeout: float, records: list[Record]) -> None:
        self.target = targets[index % len(targets)]  # several targets: dealt round robin, one per visitor
        self.rng = random.Random(1000 + index)
        self.timeout, self.records = timeout, records
        self.session: Session | None = None
        self.wards: list[str] = list(ward_options().values())
        self.quarters: list[str] = []

    async def open(self) -> bool:
        """Open a session at the dashboard's address, as typed (the Overview, the latest quarter)."""
        session = Session(self.target, self.timeout)
        try:
            await session.open()
            opened = await session.run("", "", history=False)
        except (OSError, ConnectionClosed, InvalidHandshake) as error:
            self.records.append(Record(time.perf_counter(), 0.0, "disconnect", f"opening: {error!r}"))
            await asyncio.sleep(1)
            return False
        ok = opened.title.startswith("Overview: ") and bool(opened.quarters) and not opened.problem
        problem = opened.problem or ("" if ok else "wrong view")
        detail = "; ".join(opened.exceptions) or (f"opened on {opened.title!r}" if problem else "")
        self.records.append(Record(time.perf_counter(), opened.seconds, problem, detail))
        if not ok:
            await session.close()
            return False
        self.session, self.quarters, self.wards = session, opened.quarters, opened.wards or self.wards
        return True

    async def open_by(self, deadline: float) -> None:
        """Open, trying again until ``deadline``."""
        while not await self.open() and time.perf_counter() < deadline:
            pass

    async def change_until(self, until: float, think: float) -> None:
        """Change page, wards and period until ``until`` (a run going then is awaited), pausing ``think`` on average."""
        while time.perf_counter() < until:
            if self.session is None:
                await self.open()
                continue
            view = random_view(self.rng, self.wards, self.quarters)
            try:
                run = await self.session.run(view.query_string(), view.page.link_path)
            except (OSError, ConnectionClosed) as error:
                self.records.append(Record(time.perf_counter(), 0.0, "disconnect", repr(error), view.page.key))
                self.session = None
                continue
            expected = view.title()
            problem = run.problem or ("" if run.title == expected else "wrong view")
            detail = "; ".join(run.exceptions) or (f"wanted {expected!r}, got {run.title!r}" if problem else "")
            if run.problem == "timeout":
                detail = f"{view.page.key} ({expected!r}): no script_finished within {self.timeout:g} s"
            self.records.append(Record(time.perf_counter(), run.seconds, problem, detail, view.page.key))
            if run.problem == "timeout":
                await self.close()  # its run may still be going: start afresh
            elif think:
                await asyncio.sleep(self.rng.uniform(0.5, 1.5) * think)

    async def close(self) -> None:
        """Close the session, if open."""
        if self.session is not None:
            await self.session.close()
            self.session = None


async def drive(
    targets: list[str], roots: list[int], sessions: int, seconds: float, think: float, timeout: float
) -> tuple[list[Record], float, float]:
    """Open ``sessions`` visitors, then let them change views for ``seconds``.

    Returns every run (openings too), the window's length (runs going at its end are awaited)
    and the CPU seconds the server processes ``roots`` used in it.
    """
    records: list[Record] = []
    visitors = [Visitor(i, targets, timeout, records) for i in range(sessions)]
    deadline = time.perf_counter() + 2 * timeout
    await asyncio.gather(*(v.open_by(deadline) for v in visitors))
    cpu, started = tree_cpu(roots), time.perf_counter()
    await asyncio.gather(*(v.change_until(started + seconds, think) for v in visitors))
    window, cpu = time.perf_counter() - started, tree_cpu(roots) - cpu
    await asyncio.gather(*(v.close() for v in visitors))
    return records, window, cpu


async def warm(url: str, timeout: float = 120) -> None:
    """One visit to every page of one process (the city, the latest quarter): its caches are then built."""
    session = Session(url, timeout)
    await session.open()
    opened = await session.run("", "", history=False)
    if not opened.quarters or opened.problem:
        raise RuntimeError(f"{url} did not draw the Overview: {opened.title!r} {opened.exceptions}")
    for page in VIEW_PAGES:
        wards = (opened.wards[0],) if page.key == "ward_profile" else ()
        view = View(page, wards, opened.quarters[-1], opened.quarters[-1])
        run = await session.run(view.query_string(), page.link_path)
        if run.problem or run.title != view.title():
            raise RuntimeError(f"{url}: warming {page.key} gave {run.title!r} {run.exceptions}")
    await session.close()


def warm_command(url: str, timeout: float) -> int:
    """``--warm``: every page visited once, as after a start or an import; prints the outcome, 0 when all were drawn."""
    started = time.perf_counter()
    try:
        asyncio.run(warm(url, timeout))
    except (OSError, RuntimeError, TimeoutError, ConnectionClosed, InvalidHandshake) as error:
        print(f"{url}: not warmed: {error}")
        return 1
    print(f"{url}: warmed, every page drawn, in {time.perf_counter() - started:.1f} s")
    return 0


def probe(url: str, timeout: float = 60) -> int:
    """The deep health check: one session draws the Overview and one priority page with figures; 0 when it did."""

    async def check() -> str:
        session = Session(url, timeout)
        await session.open()
        try:
            opened = await session.run("", "", history=False)
            if opened.problem or not opened.title.startswith("Overview: ") or not opened.quarters:
                return f"the Overview was not drawn: {opened.problem or opened.title!r} {opened.exceptions}"
            view = View(VIEW_PAGES[1], (opened.wards[0],), opened.quarters[-1], opened.quarters[-1])
            run = await session.run(view.query_string(), view.page.link_path)
            if run.problem or run.title != view.title():
                return f"{view.page.title} was not drawn: {run.problem or run.title!r} {run.exceptions}"
            return f"ok: {opened.seconds:.2f}s then {run.seconds:.2f}s ({run.title})"
        finally:
            await session.close()

    try:
        outcome = asyncio.run(check())
    except (OSError, ConnectionClosed, InvalidHandshake) as error:
        outcome = f"no session could be opened: {error!r}"
    print(f"{url}: {outcome}")
    return 0 if outcome.startswith("ok") else 1


# --------------------------------------------------------------------------------------------
# Memory of the server processes, from /proc


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _tree(roots: list[int]) -> list[int]:
    tree, found, stack = _children(), [], list(roots)
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += tree.get(pid, [])
    return found


def tree_rss(roots: list[int]) -> int:
    """Resident memory (bytes) of these processes and all their descendants, now."""
    total, page = 0, os.sysconf("SC_PAGE_SIZE")
    for pid in _tree(roots):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds (user + system) these processes and their descendants have used so far."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for pid in _tree(roots):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class ServerMeter:
    """Samples the RSS of process trees every ``interval`` seconds on a thread, keeping the peak."""

    def __init__(self, roots: list[int], interval: float = 0.5) -> None:
        self.roots, self.interval, self.peak = roots, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.roots))
            self._stop.wait(self.interval)

    def __enter__(self) -> ServerMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.roots))


def listening_pid(port: int) -> int | None:
    """The process listening on this TCP port on this machine (from /proc/net/tcp), if it can be seen."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{parts[9]}]")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                    return int(entry)
        except OSError:
            continue
    return None


# --------------------------------------------------------------------------------------------
# The table


@dataclass
class Cell:
    """One row of the table: the runs of one (processes, sessions) setting and what the servers used."""

    processes: int
    route: str
    sessions: int
    records: list[Record]
    seconds: float
    rss: int
    cpu: float
    load: float
    proxy_rss: int = 0
    note: str = ""

    def changes(self) -> list[float]:
        """The seconds of each successful change of view (openings left out)."""
        return [r.seconds for r in self.records if not r.problem and r.page != "opening"]

    def line(self) -> str:
        """The row, aligned under ``HEADER``."""
        times = self.changes()
        problems = Counter(r.problem for r in self.records if r.problem)
        p50 = f"{statistics.median(times):6.2f}" if times else "     -"
        p95 = f"{percentile(times, 0.95):6.2f}" if times else "     -"
        errors = "/".join(str(problems[k]) for k in ("exception", "wrong view", "timeout", "disconnect"))
        cpu = f"{self.cpu / len(times):7.2f}" if times else "      -"
        rate = len(times) / self.seconds
        return (
            f"{self.processes:>9} {self.route:<14} {self.sessions:>8} {len(times):>7} {rate:>8.2f} "
            f"{p50} {p95} {max(times, default=0):6.2f} {errors:>9} {self.rss / 2**20:>8.0f} {cpu} {self.load:>5.1f}"
            + (f"  (nginx {self.proxy_rss / 2**20:.0f} MB)" if self.proxy_rss else "")
        )


HEADER = (
    "processes route          sessions  reruns reruns/s  p50 s  p95 s  max s  e/w/t/d  RSS MB  CPU s  load\n"
    "--------- -------------- -------- ------- -------- ------ ------ ------ --------- -------- ------- -----"
)
LEGEND = """\
Each cell: the visitors open the dashboard (not counted here: see "opening" under the row), then change
page, wards and period for the window. reruns: successful changes in the window (one still going at its end
is awaited and counted; the window's length grows by it); reruns/s: their rate; p50/p95/max: seconds from
the rerun sent to its script_finished. e/w/t/d (errors, openings included): runs that showed an exception /
drew another view than asked (its title) / took longer than --timeout / lost or could not open their
websocket. RSS MB: peak resident memory of the Streamlit processes together (their process trees, sampled
from /proc every 0.5 s, openings included). CPU s: the Streamlit processes' CPU seconds (user + system,
/proc) in the window per rerun: what a change costs whatever else the machine runs. load: the machine's
1-minute load average at the cell's end (above the CPU count, other work shared the cores)."""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_average() -> float:
    """The machine's 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure(
    targets: list[str], roots: list[int], sessions: int, args: argparse.Namespace, route: str, processes: int
) -> Cell:
    """Drive ``sessions`` visitors against ``targets`` while metering the server processes ``roots``."""
    with ServerMeter(roots) as meter:
        records, window, cpu = asyncio.run(drive(targets, roots, sessions, args.seconds, args.think, args.timeout))
    return Cell(processes, route, sessions, records, window, meter.peak, cpu, load_average())


def own_servers_cell(db: Path, processes: int, sessions: int, args: argparse.Namespace) -> Cell:
    """Fresh servers (behind nginx for 2+ processes unless --no-nginx), warmed, driven, stopped."""
    from benchmarks import nginx
    from tests.browser.harness import start_app

    with tempfile.TemporaryDirectory(prefix="swp-load-") as folder:
        run_dir = Path(folder)
        servers: list = []
        proxy = None
        try:
            for number in range(processes):
                log = run_dir / f"streamlit-{number}.log"
                servers.append(start_app(db, log, timeout=120, options=SERVER_OPTIONS))
            urls = [url for _, url in servers]
            for url in urls:
                asyncio.run(warm(url))
            roots = [process.pid for process, _ in servers]
            if processes == 1 or args.no_nginx:
                return measure(urls, roots, sessions, args, "direct" if processes == 1 else "round robin", processes)
            proxy = nginx.start([int(url.rsplit(":", 1)[1]) for url in urls], run_dir)
            with ServerMeter([proxy.process.pid]) as proxy_meter:
                cell = measure([proxy.url], roots, sessions, args, "nginx (cookie)", processes)
            cell.proxy_rss, cell.note = proxy_meter.peak, nginx.stickiness(proxy, urls)
            return cell
        finally:
            if proxy is not None:
                proxy.stop()
            for process, _ in servers:
                process.terminate()
            for process, _ in servers:
                process.wait(timeout=30)


def main() -> None:
    """Parse the options, run the table's cells, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,5,20", help="concurrent visitors, a list (default 1,5,20)")
    parser.add_argument("--processes", default="1,2", help="Streamlit processes, a list (default 1,2)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the visitors run in each cell")
    parser.add_argument("--think", type=float, default=0, help="mean pause between a page drawn and the next change")
    parser.add_argument("--timeout", type=float, default=60, help="a run longer than this counts as an error")
    parser.add_argument("--db", type=Path, help="the store to serve (default: a demo store built in a temp folder)")
    parser.add_argument("--no-nginx", action="store_true", help="2+ processes: deal sessions round robin instead")
    parser.add_argument("--url", action="append", help="drive a server already running (repeat: round robin)")
    parser.add_argument("--pid", type=int, action="append", help="with --url: the server processes to meter")
    parser.add_argument("--probe", metavar="URL", help="one session, two pages; exit 1 unless both are drawn")
    parser.add_argument("--warm", metavar="URL", help="one visit to every page (its caches built); exit 1 on failure")
    parser.add_argument("--errors", type=int, default=5, help="how many error details to print per cell")
    args = parser.parse_args()
    if args.probe:
        sys.exit(probe(args.probe, args.timeout))
    if args.warm:
        sys.exit(warm_command(args.warm, args.timeout))
    counts = [int(n) for n in args.sessions.split(",")]
    print(
        f"load benchmark: {args.seconds:.0f} s per cell, think time {args.think:g} s, {os.cpu_count()} CPUs, "
        f"load average {load_average():.1f} at the start"
    )
    print(f"baseline ({BASELINE})\n")
    cells: list[Cell] = []
    if args.url:
        roots = args.pid or [pid for url in args.url if (pid := listening_pid(urllib.parse.urlsplit(url).port or 80))]
        print(f"driving {', '.join(args.url)}; metering process(es) {roots or 'none found'}")
        print(HEADER)
        for sessions in counts:
            cells.append(measure(args.url, roots, sessions, args, "given", len(args.url)))
            report(cells[-1], args.errors)
    else:
        with tempfile.TemporaryDirectory(prefix="swp-load-store-") as folder:
            db = args.db
            if db is None:
                from swp_data.demo import build_demo_store

                db = Path(folder) / "demo.duckdb"
                build_demo_store(db)
            print(f"store: {db} ({db.stat().st_size / 1e6:.0f} MB)")
            print(HEADER)
            for processes in [int(n) for n in args.processes.split(",")]:
                for sessions in counts:
                    cells.append(own_servers_cell(db, processes, sessions, args))
                    report(cells[-1], args.errors)
    print("\n" + HEADER)
    for cell in cells:
        print(cell.line())
    print(LEGEND)


def report(cell: Cell, details: int) -> None:
    """Print a cell's row as soon as it is measured, with its first error details and notes."""
    print(cell.line(), flush=True)
    pages: defaultdict[str, list[float]] = defaultdict(list)
    for record in cell.records:
        if not record.problem:
            pages[record.page].append(record.seconds)
    print("    p50 by page (s): " + ", ".join(f"{p} {statistics.median(t):.2f}" for p, t in sorted(pages.items())))
    for record in [r for r in cell.records if r.problem][:details]:
        print(f"    {record.problem}: {record.detail[:300]}")
    if cell.note:
        print(f"    {cell.note}")


if __name__ == "__main__":
    main()
