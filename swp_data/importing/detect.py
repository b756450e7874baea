"""Recognising a file by its content, not its name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from swp_data.importing import police_uk, templates
from swp_data.importing.errors import ImportFailure
from swp_data.sources import Source

SUPPORTED_SUFFIXES = (".csv", ".json", ".xlsx")


@dataclass(frozen=True)
class Detected:
    """What a file is: its format and, for templates, its source."""

    file_format: str  # 'police.uk csv' | 'police.uk api' | 'template csv' | 'template xlsx' | 'unused'
    source: Source | None = None
    header: tuple[str, ...] = ()
    unused_reason: str | None = None  # a recognised file the dashboard does not take


def detect(path: Path) -> Detected:
    """Recognise a file from its first bytes and header."""
    if not path.is_file():
        raise ImportFailure(path, "does not exist or is not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        raise ImportFailure(path, f"could not be read ({error.strerror or error})") from error
    if not head.strip():
        raise ImportFailure(path, "is empty: there is nothing to load")
    if head.startswith(b"PK\x03\x04"):
        return Detected("template xlsx")
    _refuse_other_encodings(path, head)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return Detected("police.uk api")
    first_line = head.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailure(
            path, "is not UTF-8 text: save the file as 'CSV UTF-8' and import it again", line=1
        ) from error
    header = next(csv.reader(io.StringIO(text)), [])
    header = [h.strip() for h in header]
    templates.refuse_repeated_columns(path, header)
    if tuple(header) == police_uk.STREET_COLUMNS:
        return Detected("police.uk csv", header=tuple(header))
    if tuple(header) == police_uk.OUTCOMES_COLUMNS:
        return Detected(
            "unused",
            unused_reason="a data.police.uk outcomes file: the dashboard takes the street file, "
            "whose 'Last outcome category' already holds each crime's latest outcome",
        )
    if all(marker in header for marker in police_uk.STOP_SEARCH_MARKERS):
        return Detected(
            "unused", unused_reason="a data.police.uk stop-and-search file, which the dashboard does not report"
        )
    shared = set(header) & set(police_uk.STREET_COLUMNS)
    if len(shared) >= len(police_uk.STREET_COLUMNS) // 2 and "Outcome type" not in header:
        # Most of the street columns: a street file whose header was changed (any of its
        # columns may be the one renamed or dropped), not a template.
        missing = [c for c in police_uk.STREET_COLUMNS if c not in header]
        extra = [c for c in header if c not in police_uk.STREET_COLUMNS]
        problem = (
            f"is missing from the header of this data.police.uk street file (columns must be exactly: "
            f"{', '.join(police_uk.STREET_COLUMNS)})"
        )
        if missing:
            raise ImportFailure(path, problem, line=1, field=missing[0])
        if extra:
            raise ImportFailure(path, "is not a column of a data.police.uk street file", line=1, field=extra[0])
        raise ImportFailure(path, "has the data.police.uk street columns in the wrong order", line=1)
    source = templates.match_template(path, header)
    return Detected("template csv", source=source, header=tuple(header))


# Byte order marks, longest first (a UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def _wide_encoding(head: bytes) -> tuple[str, str] | None:
    """The encoding name and Python codec of UTF-16 or UTF-32 text, by its mark or its NUL bytes."""
    for mark, name in _BOMS:
        if head.startswith(mark):
            return name, name.lower().replace("-", "")
    sample = head[:400]
    if b"\x00" not in sample or len(sample) < 4:
        return None
    zero = [i for i, byte in enumerate(sample) if byte == 0]
    # ASCII text in a wide encoding: every character's other bytes are zero.
    for name, codec, width, text_at in (
        ("UTF-32", "utf-32-le", 4, 0),
        ("UTF-32", "utf-32-be", 4, 3),
        ("UTF-16", "utf-16-le", 2, 0),
        ("UTF-16", "utf-16-be", 2, 1),
    ):
        if len(zero) >= len(sample) * (width - 1) // width * 0.9 and all(i % width != text_at for i in zero):
            return name, codec
    return None


def _refuse_other_encodings(path: Path, head: bytes) -> None:
    """A UTF-16 or UTF-32 file (Excel's "Unicode text", Notepad's "Unicode") is refused with the right advice."""
    found = _wide_encoding(head)
    if found is None:
        return  # a stray control character is reported by the checks, with its line and column
    name, codec = found
    sample = head[: len(head) - len(head) % 4].decode(codec, errors="replace").lstrip("\ufeff \t\r\n")
    if sample[:1] in ("[", "{"):
        raise ImportFailure(
            path, f"is {name} text; data.police.uk JSON is UTF-8: download it again, or convert it to UTF-8"
        )
    raise ImportFailure(
        path,
        f"is {name} text, not UTF-8: save the file as 'CSV UTF-8' (in Excel: Save As, CSV UTF-8) and import it again",
        line=1,
    )
