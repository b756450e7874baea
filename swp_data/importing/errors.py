"""The one error an import raises: it names the file, line, field and value."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path


class ImportFailure(Exception):
    """Bad input. The store is left exactly as it was before the command."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        value: str | None = None,
        more: int = 0,
        unit: str = "line",
        record_id: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.field = field
        self.value = value
        self.more = more
        # Where ``line`` counts: lines of a text file, or records of a JSON list ("record 3").
        self.line_unit = unit
        self.record_id = record_id
        self.sheet = sheet  # a workbook's sheet and cell (``B7``), where the problem is one cell
        self.cell = cell
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path.name]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.cell is not None:
            where.append(f"{'cells' if ':' in self.cell else 'cell'} {self.cell}")
        if self.line is not None:
            where.append(f"{self.line_unit} {self.line}" + (f" (id {self.record_id})" if self.record_id else ""))
        if self.field is not None:
            where.append(f"{'field' if self.line_unit == 'record' else 'column'} {self.field!r}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {self.value!r} "
        text += self.problem
        if self.more:
            text += f" ({self.more} more problem{'s' if self.more != 1 else ''} of this kind in the file)"
        return text


_LINE = re.compile(r"CSV Error on Line: (\d+)")
# DuckDB starts the original line on a new line when the file's lines end in CRLF.
_ORIGINAL = re.compile(r"Original Line: \n?(.*)")
_LINE_SIZE = re.compile(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)")


def _first_non_utf8_cell(path: Path, columns: Sequence[str]) -> tuple[int, str | None, str] | None:
    """Line, column and value (read as Windows-1252) of the first cell that is not UTF-8.

    Only called once a file has failed, to name the bad value: DuckDB's own
    report shows it with the undecodable bytes (and the byte after) mangled.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                # latin-1 maps bytes to characters one to one, so cells can be turned back into bytes.
                cells = next(csv.reader([raw.decode("latin-1").rstrip("\r\n")]), [])
                for index, cell in enumerate(cells):
                    data = cell.encode("latin-1")
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError:
                        field = columns[index] if index < len(columns) else None
                        return number, field, data.decode("cp1252", errors="replace")
                return number, None, raw.decode("cp1252", errors="replace").rstrip("\r\n")[:120]
    return None


def from_duckdb_csv_error(path: Path | str, error: Exception, columns: Sequence[str] = ()) -> ImportFailure:
    """Translate DuckDB's CSV reader error into a plain one, naming the line and, where known, the column.

    ``columns`` are the file's columns in order, so a short row can name the first
    column it lacks and a quote that never ends can name the column it opens.
    """
    text = str(error)
    line_match = _LINE.search(text)
    line = int(line_match[1]) if line_match else None
    original = _ORIGINAL.search(text)
    value = original[1][:120] if original else None
    field = None
    size = _LINE_SIZE.search(text)
    if size:
        problem = (
            f"is longer than {int(size[1]):,} bytes ({int(size[2]):,}): no row of a data file is that long, "
            "so the file is damaged or is not the export it looks like"
        )
        value = value[:120] if value else None
    elif "not utf-8" in text.lower() or "invalid unicode" in text.lower():
        problem = "is not UTF-8 text: save the file as 'CSV UTF-8' and import it again"
        located = _first_non_utf8_cell(Path(path), columns)
        if located:
            line, field, value = located
    elif "unterminated quote" in text.lower():
        problem = "has a quoted value that never ends: the file looks truncated or damaged"
        cells = next(csv.reader([original[1]]), []) if original else []
        if 0 < len(cells) <= len(columns):
            field = columns[len(cells) - 1]
    elif "Expected Number of Columns" in text:
        counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = f" (expected {counts[1]} values, found {counts[2]})" if counts else ""
        problem = f"has the wrong number of values{detail}: the file looks truncated or damaged"
        if counts and int(counts[2]) < len(columns):
            field = columns[int(counts[2])]  # the first column the row does not reach
    else:
        problem = "could not be read as CSV: " + text.splitlines()[0]
    return ImportFailure(path, problem, line=line, field=field, value=value)
