"""Keep stdout for the document a command promises, whatever a library prints.

Some native libraries write straight to file descriptor 1, below Python's ``sys.stdout``:
HiGHS 1.16, for one, prints its licence banner when the first solver is constructed.
A command that promises JSON or CSV must write that document and nothing else, so it
runs with descriptor 1 pointed at stderr and writes the document to the saved original.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

_LOCK = threading.Lock()


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Send whatever native code writes to descriptor 1 to /dev/null for the duration."""
    with _LOCK:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as sink:
                os.dup2(sink.fileno(), 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


@contextlib.contextmanager
def stdout_reserved_for_document() -> Iterator[TextIO]:
    """Yield a stream on the real stdout; meanwhile descriptor 1 and ``sys.stdout`` go to stderr.

    Anything printed by Python code or native libraries during the block lands on stderr,
    so the only bytes on stdout are the ones written to the yielded stream.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1)
    document = open(saved, "w", encoding="utf-8", newline="", closefd=True)  # noqa: SIM115 (closed below)
    os.dup2(2, 1)
    original = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield document
    finally:
        sys.stdout = original
        document.flush()
        os.dup2(document.fileno(), 1)
        document.close()
