"""One page drawn at a time per process (``SWP_PAGE_RUNS``): later runs wait; a failed run lets the next in."""

from __future__ import annotations

import importlib
import threading
import time
from typing import Any

import pytest

from swp_data.settings import Settings, get_settings

navigation = importlib.import_module("swp_app.navigation")  # the module (the package exports its function)


class _Page:
    """A page whose run takes a while and counts how many runs overlap."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        if self.fail:
            raise RuntimeError("the page failed")


def _draw_at_once(page: _Page, visitors: int) -> list[BaseException]:
    failures: list[BaseException] = []

    def visit() -> None:
        try:
            navigation.run_page(page, None, None)  # type: ignore[arg-type]
        except Exception as error:  # every failure is returned and asserted on
            failures.append(error)

    threads = [threading.Thread(target=visit) for _ in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return failures


def test_one_page_at_a_time_by_default() -> None:
    assert Settings().page_runs == 1
    page = _Page()
    assert _draw_at_once(page, 4) == []
    assert page.most == 1


def test_a_failed_page_lets_the_next_one_run() -> None:
    page = _Page(fail=True)
    failures = _draw_at_once(page, 3)
    # Each ran, in turn: none was left waiting behind a failed one.
    assert [str(f) for f in failures] == ["the page failed"] * 3 and page.most == 1


def test_the_setting_allows_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_PAGE_RUNS", "3")
    assert Settings().page_runs == 3
    monkeypatch.setattr(navigation, "_PAGE_RUNS", threading.BoundedSemaphore(Settings().page_runs))
    page = _Page()
    _draw_at_once(page, 3)
    assert page.most == 3
    monkeypatch.setenv("SWP_PAGE_RUNS", "0")
    with pytest.raises(ValueError, match="page_runs"):
        Settings()


def test_the_process_reads_the_setting() -> None:
    held: Any = navigation._PAGE_RUNS
    assert held._initial_value == get_settings().page_runs  # the semaphore the module made from it
