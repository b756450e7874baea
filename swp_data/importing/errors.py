"""The one error an import raises: it names the file, line, field and value."""

from __future__ import annotations

import re
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
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.field = field
        self.value = value
        self.more = more
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path.name]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"column {self.field!r}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"value {self.value!r} "
        text += self.problem
        if self.more:
            text += f" ({self.more} more problem{'s' if self.more != 1 else ''} of this kind in the file)"
        return text


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"Original Line: (.*)")


def from_duckdb_csv_error(path: Path | str, error: Exception) -> ImportFailure:
    """Translate DuckDB's CSV reader error into a plain one."""
    text = str(error)
    line_match = _LINE.search(text)
    line = int(line_match[1]) if line_match else None
    original = _ORIGINAL.search(text)
    if "not utf-8" in text.lower() or "invalid unicode" in text.lower():
        problem = "is not UTF-8 text: save the file as 'CSV UTF-8' and import it again"
    elif "unterminated quote" in text.lower():
        problem = "has a quoted value that never ends: the file looks truncated or damaged"
    elif "Expected Number of Columns" in text:
        counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = f" (expected {counts[1]} values, found {counts[2]})" if counts else ""
        problem = f"has the wrong number of values{detail}: the file looks truncated or damaged"
    else:
        problem = "could not be read as CSV: " + text.splitlines()[0]
    failure = ImportFailure(path, problem, line=line)
    if original:
        failure.value = original[1][:120]
    return failure
