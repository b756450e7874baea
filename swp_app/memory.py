"""Keep Python's garbage collector off what a process holds for good: the store's grids and shared answers.

Streamlit's full collection after every run is turned off (``.streamlit/config.toml``:
``postScriptGC``), but Python's own collector still runs a full pass now and then, and a full pass
walks every object the process holds: the grids, tables and answers cached for every session,
about a million objects once a page has been drawn. That pass is about 0.1 s, and it lands on
whichever visitor's change happens to trigger it. After the first page a process draws, what it
holds is moved out of the collector's sight (``gc.freeze``): later passes walk only what was made
since. Nothing frozen is lost: frozen objects are still freed when nothing refers to them.
"""

from __future__ import annotations

import gc
import threading

_frozen = threading.Event()
_lock = threading.Lock()


def freeze_after_first_page() -> bool:
    """Move every object the process holds out of the collector's passes, once (True the time it does)."""
    if _frozen.is_set():
        return False
    with _lock:
        if _frozen.is_set():
            return False
        gc.freeze()
        _frozen.set()
        return True


__all__ = ["freeze_after_first_page"]
