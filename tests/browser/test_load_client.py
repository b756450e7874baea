"""The load benchmark's protocol client (benchmarks/load.py) against the real ``streamlit run app.py``.

No browser: the client speaks Streamlit's websocket protocol itself. It lives with the browser
tests for their running server (``app_url``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from benchmarks import nginx
from benchmarks.load import VIEW_PAGES, Session, View
from swp_data.site import PAGES_BY_KEY
from tests.browser.harness import REPO, free_port

Visited = tuple[list[str], list[str], str]  # the titles drawn, the quarters offered, the route cookie


def _run(visit: Coroutine[Any, Any, Visited]) -> Visited:
    """Run the client in a thread of its own: Playwright's sync API (the browser tests' fixtures) keeps
    an event loop running in this one, where ``asyncio.run`` refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, visit).result()


async def _visit(url: str, views: list[View]) -> Visited:
    session = Session(url, timeout=60)
    await session.open()
    try:
        opened = await session.run("", "", history=False)
        assert not opened.problem, opened.exceptions
        titles = []
        for view in views:
            run = await session.run(view.query_string(), view.page.link_path)
            assert not run.problem, run.exceptions
            titles.append(run.title)
        return [opened.title, *titles], opened.quarters, session.cookie
    finally:
        await session.close()


def test_a_new_query_string_redraws_the_page_for_those_wards_and_quarters(app_url: str) -> None:
    views = [
        View(PAGES_BY_KEY["violence_prevention"], ("Park",), "2024/25 Q1", "2024/25 Q4"),
        View(PAGES_BY_KEY["anti_social_behaviour"], ("Bilston North", "St Peters"), "2023/24 Q1", "2023/24 Q2"),
        View(PAGES_BY_KEY["overview"], (), "2025/26 Q3", "2025/26 Q3"),
        View(PAGES_BY_KEY["ward_profile"], ("Oxley",), "2022/23 Q1", "2022/23 Q4"),
    ]
    titles, quarters, _ = _run(_visit(app_url, views))
    assert titles[0] == f"Overview: Wolverhampton, {quarters[-1]}"  # the address as typed: the latest quarter
    assert titles[1:] == [
        "Violence Prevention: Park, 2024/25 (full year)",
        "Anti-Social Behaviour: Bilston North, St Peters, 2023/24 Q1 to 2023/24 Q2",
        "Overview: Wolverhampton, 2025/26 Q3",
        "Ward Profile: Oxley, 2022/23 (full year)",
    ]
    assert [view.title() for view in views] == titles[1:]  # what the benchmark checks every run against
    assert {page.key for page in VIEW_PAGES} >= {"overview", "ward_profile", "violence_prevention"}


def test_the_recipes_nginx_site_carries_the_session_and_sets_the_route_cookie(app_url: str) -> None:
    if not Path(nginx.NGINX).exists():
        pytest.fail("nginx is not installed: run `apt-get install nginx-light` (bash .ci/run does)")
    port = urllib.parse.urlsplit(app_url).port
    assert port is not None
    with tempfile.TemporaryDirectory() as folder:
        proxy = nginx.start([port], Path(folder))
        try:
            view = View(PAGES_BY_KEY["neighbourhood_crime"], ("Penn",), "2025/26 Q1", "2025/26 Q2")
            titles, _, cookie = _run(_visit(proxy.url, [view]))
        finally:
            proxy.stop()
        log = proxy.access_log.read_text()
    assert titles[1] == "Neighbourhood Crime: Penn, 2025/26 Q1 to 2025/26 Q2"
    assert cookie.startswith("swp_route=") and len(cookie) == len("swp_route=") + 32
    route = cookie.removeprefix("swp_route=")
    # The websocket came back with the cookie the page was given, and was hashed on it.
    socket = f'{route} "{route}" 127.0.0.1:{port} 101 "GET /_stcore/stream'
    assert any(line.startswith(socket) for line in log.splitlines()), log


def test_warming_visits_every_page_of_a_running_process_and_a_silent_port_fails(app_url: str) -> None:
    """``deploy/warm.sh PORT`` (run after a start and after an import): every page drawn, exit 0.

    A port where nothing answers is reported by the health-check wait, with exit 1.
    """
    port = urllib.parse.urlsplit(app_url).port
    environment = {**os.environ, "SWP_PYTHON": sys.executable, "SWP_WARM_WAIT": "3"}
    warmed = subprocess.run(
        [str(REPO / "deploy" / "warm.sh"), str(port)], capture_output=True, text=True, env=environment, timeout=300
    )
    assert warmed.returncode == 0, warmed.stdout + warmed.stderr
    assert warmed.stdout.strip().startswith(f"http://127.0.0.1:{port}: warmed, every page drawn, in ")
    silent = free_port()
    refused = subprocess.run(
        [str(REPO / "deploy" / "warm.sh"), str(silent)], capture_output=True, text=True, env=environment, timeout=60
    )
    assert refused.returncode == 1
    assert refused.stdout.strip() == f"FAIL  http://127.0.0.1:{silent} did not answer its health check within 3 s"
