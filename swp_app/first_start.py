"""First start: build the demo store with a progress bar the first visitor can watch.

A fresh clone has no store. The first session to arrive builds the demo store (about
7 seconds) in its own script run and draws each step; any other session arriving
meanwhile waits on the same build and draws the same progress, instead of a blank page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from swp_data import demo


@dataclass
class _Build:
    """The one demo build of this process, as the sessions waiting on it see it."""

    done: float = 0.0
    text: str = "Starting"
    error: str | None = None


_LOCK = threading.Lock()
_BUILD = _Build()
_POLL_SECONDS = 0.3


def ensure_store(path: Path) -> bool:
    """Make sure the store at ``path`` exists, building the demo there on first start.

    Returns False (with a plain message on the page) when it could not be built.
    """
    if path.exists():
        return True
    heading = "First start: building the demo data store (about 10 seconds). This happens once."
    bar = st.progress(0.0, text=heading)

    def show(done: float, text: str) -> None:
        _BUILD.done, _BUILD.text = done, text
        bar.progress(min(max(done, 0.0), 1.0), text=f"{heading}  \n{text}...")

    while not path.exists():
        if _LOCK.acquire(blocking=False):
            try:
                if not path.exists():
                    _BUILD.error = None
                    demo.build_demo_store(path, on_progress=show)
            except Exception as error:  # shown as a plain message: no visitor sees a traceback
                _BUILD.error = f"{type(error).__name__}: {error}"
                break
            finally:
                _LOCK.release()
        else:  # another visitor's session is building: show its progress until it ends
            bar.progress(min(max(_BUILD.done, 0.0), 1.0), text=f"{heading}  \n{_BUILD.text}...")
            time.sleep(_POLL_SECONDS)
    bar.empty()
    if not path.exists():
        st.error(
            f"The demo data store could not be built at {path}. "
            f"Build it from the command line with `python3 -m swp_data demo` to see why. ({_BUILD.error})"
        )
        return False
    return True
