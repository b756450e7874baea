"""Debian's nginx in front of several Streamlit processes, with the site file of ``deploy/nginx``.

The load benchmark (``benchmarks.load``) serves the deployment recipe's own site
configuration: ``deploy/nginx/swp-dashboard.conf`` with its upstream ports and listen line
replaced, inside a minimal nginx.conf that keeps everything (pid, logs, temp files) in a
temporary folder. nginx runs in the foreground as a child of the benchmark, never as a daemon.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "deploy" / "nginx" / "swp-dashboard.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

_UPSTREAM_SERVER = re.compile(r"^([ \t]*)server 127\.0\.0\.1:\d+( [^;]*)?;\n", re.MULTILINE)
_LISTEN = re.compile(r"^([ \t]*)listen 80;", re.MULTILINE)


def site_config(ports: list[int], listen: str, site: Path = SITE) -> str:
    """The recipe's site file with one upstream line per port and ``listen`` (e.g. ``127.0.0.1:8080``)."""
    text = site.read_text()
    servers = list(_UPSTREAM_SERVER.finditer(text))
    if not servers or not _LISTEN.search(text):
        raise ValueError(f"{site}: no 'server 127.0.0.1:PORT ...;' upstream lines or no 'listen 80;' to replace")
    indent, options = servers[0].group(1), servers[0].group(2) or ""
    lines = "".join(f"{indent}server 127.0.0.1:{port}{options};\n" for port in ports)
    text = text[: servers[0].start()] + lines + text[servers[-1].end() :]
    return _LISTEN.sub(lambda m: f"{m.group(1)}listen {listen};", text, count=1)


def nginx_config(ports: list[int], listen: str, folder: Path) -> str:
    """A whole nginx.conf for a foreground nginx keeping its files in ``folder``, serving the site file.

    Its access log records, per request, the route key, the cookie sent and the process that
    answered, so ``stickiness`` can check that every visitor stayed with one process.
    """
    temp = folder / "nginx-temp"
    paths = "\n".join(
        f"    {kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
{paths}
    log_format route '$swp_route "$cookie_swp_route" $upstream_addr $status "$request"';
    access_log {folder / "nginx-access.log"} route;
{site_config(ports, listen)}
}}
"""


@dataclass
class Proxy:
    """A running nginx: its process, its URL and its access log."""

    process: subprocess.Popen[bytes]
    url: str
    access_log: Path

    def stop(self) -> None:
        """Fast shutdown (SIGTERM), then wait."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def write_config(ports: list[int], listen_port: int, folder: Path) -> Path:
    """Write nginx.conf (and its temp folders) into ``folder``; return its path."""
    temp = folder / "nginx-temp"
    temp.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # nginx started by root runs its workers as nobody: let them into the folder and temp files.
        folder.chmod(0o755)
        temp.chmod(0o777)
    path = folder / "nginx.conf"
    path.write_text(nginx_config(ports, f"127.0.0.1:{listen_port}", folder))
    return path


def check_config(path: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a written configuration."""
    return subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(path), "-e", str(folder / "nginx-error.log")],
        capture_output=True,
        text=True,
        check=False,
    )


def start(ports: list[int], folder: Path, timeout: float = 20) -> Proxy:
    """Start nginx in the foreground on a free loopback port in front of ``ports``; wait for it to answer."""
    from tests.browser.harness import free_port

    if not Path(NGINX).exists():
        raise RuntimeError("nginx is not installed: apt-get install nginx-light (or nginx), or use --no-nginx")
    listen = free_port()
    path = write_config(ports, listen, folder)
    checked = check_config(path, folder)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused {path}:\n{checked.stderr}")
    log = (folder / "nginx-stderr.log").open("w")
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(path), "-e", str(folder / "nginx-error.log")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped at once; see {folder / 'nginx-error.log'}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Proxy(process, url, folder / "nginx-access.log")
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"nginx did not answer within {timeout}s; see {folder / 'nginx-error.log'}")


def stickiness(proxy: Proxy, urls: list[str]) -> str:
    """From the access log: did every route cookie stay with one process, and how were websockets spread?"""
    processes: defaultdict[str, set[str]] = defaultdict(set)
    sockets: Counter[str] = Counter()
    line = re.compile(r'^(\S+) "([^"]*)" (\S+) (\d+) "(\S+) (\S+)')
    for entry in proxy.access_log.read_text().splitlines():
        match = line.match(entry)
        if not match:
            continue
        _, cookie, upstream, _, _, target = match.groups()
        if cookie and cookie != "-":  # nginx logs a missing cookie as "-"
            processes[cookie].add(upstream)
        if target.startswith("/_stcore/stream"):
            sockets[upstream] += 1
    split = sum(1 for answered in processes.values() if len(answered) > 1)
    names = {url.removeprefix("http://"): f"process {n + 1}" for n, url in enumerate(urls)}
    spread = ", ".join(f"{names.get(u, u)} {sockets[u]}" for u in sorted(sockets, key=lambda u: names.get(u, u)))
    return (
        f"sticky: {len(processes)} route cookies, {split} of them answered by more than one process; "
        f"websockets per process: {spread or 'none'}"
    )
