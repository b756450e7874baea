"""A store that cannot be read (busy with an import, missing, unreadable) gives a plain message, never a traceback.

Partners read what happened and that the page tries again by itself, with no server path, process id
or exception text; analysts also get the exception in an expander. Once the store can be read the
next run shows the figures (in a browser the retry timer reruns the page by itself:
tests/browser/test_store_busy.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import ANALYST_EMAIL, APP, SIGN_IN

from swp_app import first_start, unavailable
from swp_data import settings

ANALYST = {"is_logged_in": True, "email": ANALYST_EMAIL, "name": "analyst"}


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, modern_navigation: None) -> Iterator[Path]:
    """Where the app under test looks for its store (SWP_DB_PATH); nothing there yet.

    A path of its own, so no connection cached by an earlier test of this process is reused; and a
    clean slate for the first-start build, whose failures this process remembers for a minute.
    """
    path = tmp_path / "store" / "swp.duckdb"
    monkeypatch.setenv("SWP_DB_PATH", str(path))
    monkeypatch.setattr(first_start, "_BUILD", first_start._Build())
    settings.get_settings.cache_clear()
    yield path
    settings.get_settings.cache_clear()


@pytest.fixture
def demo_copy(store_path: Path, demo_db: Path) -> Path:
    """The demo store, copied to ``store_path``."""
    store_path.parent.mkdir(parents=True)
    shutil.copy(demo_db, store_path)
    return store_path


@contextmanager
def written_by_another_process(path: Path) -> Iterator[None]:
    """Another process holds the store open for writing (as ``python3 -m swp_data import`` does) until the end."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.communicate("\n", timeout=30)  # it closes its connection and exits


def page_text(app: AppTest) -> str:
    """Everything drawn on the page, main area and sidebar: the text of every element Streamlit sent."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    walk(app.sidebar)
    return "\n".join(parts)


def assert_plain(app: AppTest, message: str, tmp_path: Path) -> None:
    """The page shows ``message`` and nothing a partner must not see."""
    assert not app.exception, [e.value for e in app.exception]
    text = page_text(app)
    assert message in [m.value for m in [*app.info, *app.warning]]
    for leak in ("Traceback", str(tmp_path), "swp.duckdb", "PID", "IO Error", "Error:"):
        assert leak not in text, leak
    assert not app.expander  # the details are for analysts
    assert not app.metric  # and no figures


def test_a_partner_visiting_during_an_import_reads_a_plain_message_then_the_figures(
    demo_copy: Path, tmp_path: Path
) -> None:
    with written_by_another_process(demo_copy):
        app = AppTest.from_file(APP, default_timeout=60).run()
        assert_plain(app, unavailable.MESSAGES["busy"], tmp_path)
        assert app.title[0].value == "Overview"  # the page asked for, by name
        assert "Trying again every 5 seconds." in [c.value for c in app.caption]
        assert "Partner view: small numbers are suppressed." in [i.value for i in app.sidebar.info]
        app.run()  # still busy: the same message, still no traceback
        assert_plain(app, unavailable.MESSAGES["busy"], tmp_path)
    app.run()  # the import has finished
    assert not app.exception
    assert app.title[0].value.startswith("Overview: Wolverhampton")
    assert unavailable.MESSAGES["busy"] not in [i.value for i in app.info]
    assert not [w for w in app.warning if w.value in unavailable.MESSAGES.values()]


def test_an_analyst_gets_the_same_message_and_the_details(demo_copy: Path) -> None:
    writer = duckdb.connect(str(demo_copy))  # this process writes the store, as a first-start build would
    try:
        app = AppTest.from_file(APP, default_timeout=60)
        app.secrets, app.user = SIGN_IN, ANALYST
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert unavailable.MESSAGES["busy"] in [i.value for i in app.info]
        assert [e.label for e in app.expander] == [unavailable.DETAILS_LABEL]
        details = app.expander[0].code[0].value
        assert details.startswith("StoreBusy: ") and str(demo_copy) in details
        assert any(s.value.startswith("Analyst view") for s in app.sidebar.success)
    finally:
        writer.close()
    app.run()
    assert not app.exception
    assert app.title[0].value.startswith("Overview: Wolverhampton")
    assert not app.expander or unavailable.DETAILS_LABEL not in [e.label for e in app.expander]


def test_a_store_that_cannot_be_built_says_so_plainly_and_is_not_rebuilt_at_every_visit(
    store_path: Path, tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path.parent.write_text("a file where the store's folder should be")  # the demo cannot be built here
    builds = []
    real_build = first_start.demo.build_demo_store
    monkeypatch.setattr(first_start.demo, "build_demo_store", lambda *a, **k: builds.append(1) or real_build(*a, **k))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert_plain(app, unavailable.MESSAGES["missing"], tmp_path)
    app.run()  # a minute has not passed: the failure is told again at once, with no second build
    assert_plain(app, unavailable.MESSAGES["missing"], tmp_path)
    assert len(builds) == 1
    # Whoever runs the server puts a store in place: the page shows it.
    store_path.parent.unlink()
    store_path.parent.mkdir()
    shutil.copy(demo_db, store_path)
    app.run()
    assert not app.exception
    assert app.title[0].value.startswith("Overview: Wolverhampton")


def test_an_unreadable_store_says_so_plainly(store_path: Path, tmp_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"not a DuckDB file " * 100)
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert_plain(app, unavailable.MESSAGES["unreadable"], tmp_path)
    app.switch_page("pages/violence_prevention.py").run()  # every page: the message under its own title
    assert_plain(app, unavailable.MESSAGES["unreadable"], tmp_path)
    assert app.title[0].value == "Violence Prevention"
