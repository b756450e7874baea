"""Imports build a new snapshot while the app serves: readers keep working, then move to the new data.

Issue 13 item 1: the app reads an immutable snapshot; an import copies, loads, verifies and swaps
it in atomically; sessions in flight finish on the old one and see the new one after their next
rerun; a second import at the same time is refused; a failed or killed import leaves the store
byte-identical.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_coverage import _month_of_crimes
from test_pages import APP, SIGN_IN, signed_in

from swp_data import settings, snapshots, sql, store
from swp_data.cli import main
from swp_data.importing import ImportFailure, import_paths

ROOT = Path(__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _crimes(connection: object) -> int:
    return int(sql.scalar(connection, "select count(*) from crime"))  # type: ignore[arg-type]


@pytest.fixture
def live(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo store that a test may import into."""
    target = tmp_path / "swp.duckdb"
    shutil.copyfile(demo_db, target)
    return target


@pytest.fixture
def october(tmp_path: Path) -> Path:
    """A month of 30 crimes after the demo's last month (September 2026)."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    return _month_of_crimes(folder, date(2026, 10, 1), 30)


def test_an_import_while_a_reader_is_open_swaps_in_a_new_snapshot(live: Path, october: Path) -> None:
    reader = store.connect(live, read_only=True)  # the app's connection: before, this refused the import
    before, first = _crimes(reader), snapshots.snapshot_id(live)
    report = import_paths([october], live, progress=False)
    assert report.rows_loaded == 30
    assert _crimes(reader) == before  # the reader finishes on the old snapshot, untouched
    assert snapshots.snapshot_id(live) != first  # ... and can tell that a new one is in place
    with store.opened(live, read_only=True) as fresh:
        assert _crimes(fresh) == before + 30
        assert snapshots.describe(live, fresh).number == 1
    reader.close()
    import_paths([_month_of_crimes(october.parent, date(2026, 11, 1), 5)], live, progress=False)
    with store.opened(live, read_only=True) as fresh:
        info = snapshots.describe(live, fresh)
    assert (info.number, info.next_pending, info.import_running) == (2, False, False)
    assert sorted(p.name for p in live.parent.iterdir()) == [
        "inputs",
        "swp.duckdb",
        "swp.duckdb.import-lock",
        "swp.duckdb.snapshots",
    ]
    assert live.is_symlink() and live.resolve().name == "000002.duckdb"
    import_paths([_month_of_crimes(october.parent, date(2026, 8, 1), 5)], live, progress=False)  # a late return
    # The current snapshot and the one before it are kept; older ones are removed.
    kept = sorted(p.name for p in snapshots.snapshot_folder(live).iterdir())
    assert kept == ["000002.duckdb", "000003.duckdb"]


def test_a_failed_import_leaves_the_store_byte_identical_and_no_snapshot_behind(live: Path, october: Path) -> None:
    before = _digest(live)
    bad = october.parent / "bad.csv"
    bad.write_text(october.read_text().replace("violence with injury", "not an offence", 1))
    with pytest.raises(ImportFailure):
        import_paths([october, bad], live, progress=False)
    assert _digest(live) == before
    assert not snapshots.snapshot_folder(live).exists()  # no half-built snapshot left behind


def test_a_killed_imports_leftover_is_removed_by_the_next(live: Path, october: Path) -> None:
    import_paths([_month_of_crimes(october.parent, date(2026, 11, 1), 5)], live, progress=False)
    leftover = snapshots.snapshot_folder(live) / "000002.duckdb"
    leftover.write_bytes(b"half a store, from an import killed with -9")
    before = _digest(live)
    with store.opened(live, read_only=True) as connection:
        assert snapshots.describe(live, connection).next_pending
    assert _digest(live) == before  # the live store was never the one being written
    import_paths([october], live, progress=False)
    assert not leftover.exists() or leftover.resolve() == live.resolve()
    with store.opened(live, read_only=True) as connection:
        assert _crimes(connection) > 35
        assert snapshots.describe(live, connection).number == 3  # numbered past the leftover


def test_a_second_import_at_the_same_time_is_refused_with_exit_code_3(
    live: Path, october: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(60)",
            str(snapshots.lock_path(live)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _digest(live)
        assert main(["--db", str(live), "import", "--quiet", str(october)]) == 3
        error = capsys.readouterr().err
        assert "another import into swp.duckdb is running" in error and "nothing was loaded" in error
        assert "Traceback" not in error
        assert _digest(live) == before
        with store.opened(live, read_only=True) as connection:
            assert snapshots.describe(live, connection).import_running
    finally:
        holder.kill()
        holder.wait()
    assert main(["--db", str(live), "import", "--quiet", str(october)]) == 0
    assert capsys.readouterr().out == ""  # a scheduled job's success prints nothing (cron mails output)


def test_import_exit_codes_for_a_bad_file_and_an_unusable_store(
    live: Path, october: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(october.read_text().replace("violence with injury", "not an offence", 1))
    assert main(["--db", str(live), "import", "--quiet", str(bad)]) == 2
    assert "Nothing was loaded" in capsys.readouterr().err
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a DuckDB file at all" * 100)
    assert main(["--db", str(broken), "import", "--quiet", str(october)]) == 4
    error = capsys.readouterr().err
    assert "Nothing was loaded" in error and "Traceback" not in error


def test_info_shows_the_snapshot_latest_loads_gaps_and_skipped_rows(
    live: Path, october: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # November 2026 after the demo's September leaves October uncovered: a gap of one month for crime.
    # (Months in the past: a record dated after today is refused.)
    import_paths([_month_of_crimes(october.parent, date(2026, 11, 1), 3)], live, progress=False)
    assert main(["--db", str(live), "info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Store: {live} (") and ", snapshot 1, built " in out
    assert "Latest load per source:" in out and "crime-2026-11.csv" in out
    gaps = out.split("Coverage gaps")[1].split("Rows skipped")[0]
    assert re.search(r"\n\s*crime\s+2026-10\s+2026-10\s+1\n", gaps), gaps
    assert "Rows skipped, by reason:" in out
    # The import rebuilt the repeat incidents and solved the partners' protections for its own loads.
    built = out.split("Built at import, so no page builds it:")[1]
    assert re.search(r"\n\s*repeat_incident .* \d+\s+yes\n", built), built
    assert re.search(r"\n\s*protected_cell .*\(threshold \d+\)\s+\d+\s+yes\n", built), built


# -- the app: sessions rerun while the import runs, then see the new data ----------------------------------


@pytest.fixture
def app_on_live(live: Path, monkeypatch: pytest.MonkeyPatch, modern_navigation: None) -> Path:
    monkeypatch.setenv("SWP_DB_PATH", str(live))
    settings.get_settings.cache_clear()
    yield live
    settings.get_settings.cache_clear()


def _as_of(app: AppTest) -> str:
    texts = [c.value for c in app.caption if str(c.value).startswith("Data as of")]
    assert texts, "the sidebar says what the data is as of"
    return str(texts[0])


def test_sessions_rerun_through_an_import_and_see_the_new_data_on_their_next_rerun(
    app_on_live: Path, october: Path
) -> None:
    partner = AppTest.from_file(APP, default_timeout=60)
    analyst = AppTest.from_file(APP, default_timeout=60)
    analyst.secrets = SIGN_IN
    analyst.user = signed_in("community.safety.analyst@wolverhampton.gov.uk")
    sessions = [partner, analyst]
    for app in sessions:
        app.run()
        assert not app.exception and _as_of(app) == "Data as of 30 Sep 2026"

    failures: list[BaseException] = []

    def load() -> None:
        try:
            time.sleep(0.2)
            import_paths([october], app_on_live, progress=False)
        except BaseException as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)

    importer = threading.Thread(target=load)
    importer.start()
    reruns = 0
    while importer.is_alive() or reruns < 2:
        for app in sessions:
            app.run()
            assert not app.exception, app.exception
            assert not app.error, [e.value for e in app.error]
            reruns += 1
    importer.join()
    assert not failures, failures
    assert reruns >= 2
    for app in sessions:
        app.run()  # the next rerun after the swap
        assert not app.exception
        assert _as_of(app) == "Data as of 31 Oct 2026"
