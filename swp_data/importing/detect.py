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
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise ImportFailure(path, "is empty: there is nothing to load")
    if head.startswith(b"PK\x03\x04"):
        return Detected("template xlsx")
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
