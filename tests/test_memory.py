"""The objects a process holds after its first page are moved out of the garbage collector's passes, once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from swp_app import memory


@pytest.fixture
def fresh_process() -> Iterator[None]:
    """As a new server process: nothing frozen yet (and unfrozen again after, for the other tests)."""
    gc.unfreeze()
    memory._frozen.clear()
    yield
    gc.unfreeze()
    memory._frozen.clear()


def test_the_first_page_freezes_what_the_process_holds_and_later_pages_do_not(fresh_process: None) -> None:
    held = [{"grid": i} for i in range(1000)]  # what a first page leaves cached
    assert gc.get_freeze_count() == 0
    assert memory.freeze_after_first_page() is True
    frozen = gc.get_freeze_count()
    assert frozen >= len(held)
    later = [{"answer": i} for i in range(1000)]  # made by later pages: still collected as usual
    assert memory.freeze_after_first_page() is False
    assert gc.get_freeze_count() == frozen
    assert len(later) == 1000


def test_sessions_finishing_together_freeze_once(fresh_process: None) -> None:
    answers: list[bool] = []
    threads = [threading.Thread(target=lambda: answers.append(memory.freeze_after_first_page())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 7 + [True]


def test_the_app_freezes_after_drawing_its_page() -> None:
    """app.py calls it after the page (the first visitor's page is drawn before anything is frozen)."""
    from pathlib import Path

    lines = (Path(__file__).resolve().parent.parent / "app.py").read_text().splitlines()
    calls = [i for i, line in enumerate(lines) if line.startswith("swp_app.")]
    assert lines[calls[-1]].startswith("swp_app.freeze_after_first_page()")
    assert lines[calls[-2]].startswith("swp_app.run_page(")
