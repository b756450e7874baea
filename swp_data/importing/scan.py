"""One pass over a file's bytes, alongside DuckDB's parse: its hash, and what the CSV reader would not say.

DuckDB's CSV reader cannot be trusted with a line longer than its buffer: it reads
no rows, or silently drops the rest of the file, where a shorter over-long line is a
clear error. And it accepts control characters (a NUL byte in a Crime ID) as text.
Checking those bytes in SQL costs a regular expression per value; here they cost a
table lookup per byte, in a thread that is reading the file for its hash anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

CHUNK = 8 << 20
MAX_LINE_BYTES = 1_000_000
"""No line of a data file is longer: a street row is about 250 bytes, a template row rarely 1,000."""

_WINDOW = MAX_LINE_BYTES // 2
# C0 control characters and DEL, except tab and the line ends (CR, LF) a text file is made of.
_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[*range(0, 9), 11, 12, *range(14, 32), 127]] = True


class _Progress(Protocol):
    def update(self, n: float | None = ...) -> bool | None: ...


@dataclass(frozen=True)
class LongLine:
    """The first line longer than ``MAX_LINE_BYTES``."""

    number: int
    length: int
    start: bytes  # its first bytes, to show


@dataclass(frozen=True)
class Scan:
    """What one read of the file found."""

    content_hash: str
    long_line: LongLine | None = None
    control_offset: int | None = None  # byte offset of the first control character, if any
    has_quote: bool = False  # a quoted value may hold a line break, which the byte scan cannot tell from a line end
    lone_return: bool = False  # a carriage return not ending a line (more CRs than LFs): it may sit in a value

    @property
    def text_may_hold_controls(self) -> bool:
        """Whether a value may hold a control character (else the checks for them can be skipped)."""
        return self.control_offset is not None or self.has_quote or self.lone_return


def _head_of_line(path: Path, start: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(120)


def scan_file(path: Path, bar: _Progress | None = None, *, text: bool = True) -> Scan:
    """Hash the file; for a text file, also find its first over-long line and first control character."""
    digest = hashlib.sha256()
    offset = 0  # absolute offset of the chunk
    line_start = 0  # absolute offset where the current line began
    newlines = 0  # newlines before the current chunk
    long_line: tuple[int, int, int] | None = None  # (line number, start, length)
    control: int | None = None
    quote = False
    returns = line_feeds = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if text:
                counts = _byte_counts(chunk)
                if control is None and counts.controls:
                    control = offset + int(_CONTROL[np.frombuffer(chunk, dtype=np.uint8)].argmax())
                quote = quote or b'"' in chunk
                returns += counts.returns
                line_feeds += counts.line_feeds
                if long_line is None:
                    long_line = _long_line_in(chunk, offset, line_start, newlines)
                    last = chunk.rfind(b"\n")
                    if last >= 0:
                        line_start = offset + last + 1
                    newlines += counts.line_feeds
            offset += len(chunk)
            if bar is not None:
                bar.update(len(chunk))
    if text and long_line is None and offset - line_start > MAX_LINE_BYTES:
        long_line = (newlines + 1, line_start, offset - line_start)  # the last line, with no line end
    found = None
    if long_line is not None:
        number, start, length = long_line
        found = LongLine(number, length, _head_of_line(path, start))
    return Scan(digest.hexdigest(), found, control, quote, returns > line_feeds)


@dataclass(frozen=True)
class _Counts:
    controls: int  # control characters (C0 but tab, CR and LF; and DEL)
    returns: int
    line_feeds: int


def _byte_counts(chunk: bytes) -> _Counts:
    """Control characters, CRs and LFs in a chunk.

    By vector comparisons (a lookup table per byte is five times slower): the C0 bytes, less
    the tabs, CRs and LFs a text file is made of, plus any DEL.
    """
    data = np.frombuffer(chunk, dtype=np.uint8)
    low = int(np.count_nonzero(data < 32))
    feeds = int(np.count_nonzero(data == 10))
    returns = int(np.count_nonzero(data == 13))
    tabs = int(np.count_nonzero(data == 9)) if b"\t" in chunk else 0
    controls = low - feeds - returns - tabs + (1 if b"\x7f" in chunk else 0)
    return _Counts(controls, returns, feeds)


def _long_line_in(chunk: bytes, offset: int, line_start: int, newlines: int) -> tuple[int, int, int] | None:
    """(line number, start offset, length) of the first line over the limit that ends in this chunk.

    A line longer than the limit holds a whole window of half the limit, aligned on the
    chunk's first line end: only a window with no line end needs a closer look.
    """
    first = chunk.find(b"\n")
    if first < 0:
        return None  # the line goes on into the next chunk (or is the file's last)
    if offset + first - line_start > MAX_LINE_BYTES:
        return newlines + 1, line_start, offset + first - line_start
    for position in range(first, len(chunk), _WINDOW):
        if chunk.find(b"\n", position, position + _WINDOW) >= 0:
            continue
        begin = chunk.rfind(b"\n", 0, position) + 1
        end = chunk.find(b"\n", position + _WINDOW)
        if end < 0:
            return None  # runs past the chunk: measured from the next chunk's first line end
        if end - begin > MAX_LINE_BYTES:
            return newlines + chunk.count(b"\n", 0, begin) + 1, offset + begin, end - begin
    return None
