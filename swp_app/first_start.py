"""First start: build the demo store with a progress bar the first visitor can watch.

A fresh clone has no store. The first session to arrive builds the demo store (about
7 seconds) in its own script run and draws each step; any other session arriving
meanwhile waits on the same build and draws the same progress, instead of a blank page.
A build that fails is not tried again for ``REBUILD_AFTER_SECONDS`` (the sessions waiting
meanwhile are told the same failure at once), so a server that cannot build it does not
spend its CPU building it over and over.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from swp_data import demo, store


@dataclass
class _Build:
    """The one demo build of this process, as the sessions waiting on it see it."""

    done: float = 0.0
    text: str = "Starting"
    error: str | None = None
    failed_at: float | None = None  # time.monotonic() of the last failure


_LOCK = threading.Lock()
_BUILD = _Build()
_POLL_SECONDS = 0.3
REBUILD_AFTER_SECONDS = 60.0


def _failed_lately() -> bool:
    """Whether this process's last demo build failed less than ``REBUILD_AFTER_SECONDS`` ago."""
    return _BUILD.failed_at is not None and time.monotonic() - _BUILD.failed_at < REBUILD_AFTER_SECONDS


def ensure_store(path: Path) -> None:
    """Make sure the store at ``path`` exists, building the demo there on first start.

    Raises ``store.StoreMissing`` (its text says why, for analysts and the log: it names server
    paths) when it could not be built; the caller shows the plain message.
    """
    if path.exists():
        return
    if _failed_lately():
        raise store.StoreMissing(f"the demo store could not be built at {path}: {_BUILD.error}")
    heading = "First start: building the demo data store (about 10 seconds). This happens once."
    bar = st.progress(0.0, text=heading)

    def show(done: float, text: str) -> None:
        _BUILD.done, _BUILD.text = done, text
        bar.progress(min(max(done, 0.0), 1.0), text=f"{heading}  \n{text}...")

    while not path.exists() and not _failed_lately():
        if _LOCK.acquire(blocking=False):
            try:
                if not path.exists():
                    _BUILD.error, _BUILD.failed_at = None, None
                    demo.build_demo_store(path, on_progress=show)
            except Exception as error:  # shown as a plain message: no visitor sees a traceback
                _BUILD.error, _BUILD.failed_at = f"{type(error).__name__}: {error}", time.monotonic()
                break
            finally:
                _LOCK.release()
        else:  # another visitor's session is building: show its progress until it ends
            bar.progress(min(max(_BUILD.done, 0.0), 1.0), text=f"{heading}  \n{_BUILD.text}...")
            time.sleep(_POLL_SECONDS)
    bar.empty()
    if not path.exists():
        raise store.StoreMissing(f"the demo store could not be built at {path}: {_BUILD.error}")
