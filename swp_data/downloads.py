"""Downloads a spreadsheet cannot run: every CSV (and Excel cell) the dashboard writes goes through here.

OWASP's CSV-injection guidance: a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return may be run as a formula when the file is opened in a spreadsheet (``=HYPERLINK(...)``
in a crime's location sends whoever clicks it to any address). Such text is prefixed with a single
quote, so the spreadsheet shows it as text, and the field is quoted as CSV requires (the csv writer
quotes a field holding a comma, a quote or a line break). Numbers stay numbers: a float or int
(a change of -6.7, a longitude of -2.13) is never touched, and neither is text that is only a
negative number ("-6.7", "-1,234", "-12%"), since a spreadsheet reads it as a number, never a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet treat a cell as a formula (OWASP)."""

# Only digits, thousands commas, a decimal part and a percent sign after the minus: no operator,
# no function, no cell reference, so nothing a spreadsheet could run.
_NEGATIVE_NUMBER = re.compile(r"-\d[\d,]*(?:\.\d+)?%?")


def neutralise(value: object) -> object:
    """``value`` made safe for a spreadsheet cell: text starting with a trigger gets a leading ``'``.

    Anything that is not text (numbers, dates, missing values) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numeric columns untouched."""
    safe = frame.copy()
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue  # numbers, booleans and dates are never text: a spreadsheet cannot run them
        safe.isetitem(position, series.astype(object).map(neutralise))
    safe.columns = [neutralise(column) for column in frame.columns]
    return safe


def comment_line(text: str) -> str:
    """One ``# ...`` heading line of a download, safe to open in a spreadsheet.

    A spreadsheet splits the line at its commas; the first cell starts with ``#`` (never run), and
    any later part that would start with a trigger gets the same leading ``'``. Quotes become
    apostrophes and line breaks spaces, so the line stays one line and never opens a quoted field.
    """
    flat = text.replace('"', "'").replace("\r", " ").replace("\n", " ")
    parts = flat.split(",")
    safe = [parts[0]] + [_neutralise_part(part) for part in parts[1:]]
    return "# " + ",".join(safe)


def _neutralise_part(part: str) -> str:
    """A comma-separated part of a heading line, its first non-space character made harmless."""
    body = part.lstrip(" ")
    return part[: len(part) - len(body)] + str(neutralise(body))


def safe_csv(frame: pd.DataFrame, comments: Iterable[str] = ()) -> str:
    """``frame`` as CSV text (no index), headed by ``# `` comment lines, every text cell neutralised."""
    header = "".join(comment_line(line) + "\n" for line in comments)
    return header + _minimal_csv(neutralise_frame(frame))


def _minimal_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV, every field holding a comma, quote, carriage return or line feed quoted.

    pandas (and Python's csv writer) quote only the characters of the line terminator, so a cell
    holding a carriage return would be written bare and a reader would split the row there. pandas
    formats the values (its dates and floats) with every field quoted; they are then re-quoted
    only where CSV requires.
    """
    rendered = frame.to_csv(index=False, quoting=csv.QUOTE_ALL)
    rows = csv.reader(io.StringIO(rendered, newline=""))
    return "".join(",".join(_field(cell) for cell in row) + "\n" for row in rows)


def _field(cell: str) -> str:
    """One CSV field, quoted (and its quotes doubled) only when it must be."""
    if any(character in cell for character in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def safe_excel_row(sheet: object, values: Sequence[object]) -> None:
    """Append ``values`` to an openpyxl worksheet as data, never as formulas.

    openpyxl stores text starting with ``=`` as a formula; here every such text is kept as text
    and marked with Excel's own quote prefix (shown as text, without an apostrophe in the cell).
    """
    sheet.append(list(values))  # type: ignore[attr-defined]
    if not values:
        return
    for cell in sheet[sheet.max_row]:  # type: ignore[attr-defined]
        if neutralise(cell.value) is not cell.value:
            cell.data_type = "s"
            cell.quotePrefix = True
