"""The scrutiny pack: everything one view shows, gathered once (``pack``) and written as a file.

``write_report`` picks the writer by the file's extension; ``write_each_ward`` writes one pack
per ward (the ward briefing packs partners ask for). Both read the store only through the
Dashboard they are given, so a partner's pack is disclosure-controlled as the screens are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from swp_data.filters import Filters
from swp_data.report.pack import Pack, build_pack
from swp_data.selection import from_codes, ward_options
from swp_data.views import Dashboard

Writer = Callable[[Pack, Path], Path]


SUFFIXES = (".pdf", ".xlsx", ".docx")
"""The file types a pack can be written as (known without importing their writers)."""


def writers() -> dict[str, Writer]:
    """The file types a pack can be written as, by extension."""
    from swp_data.report.docx import write_docx
    from swp_data.report.pdf import write_pdf
    from swp_data.report.xlsx import write_xlsx

    return {".pdf": write_pdf, ".xlsx": write_xlsx, ".docx": write_docx}


def write_report(board: Dashboard, filters: Filters, path: Path) -> Path:
    """Write the pack for the filters to ``path``, as its extension says."""
    if path.suffix.lower() not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise ValueError(f"cannot write a pack as {path.suffix or 'a file without an extension'!r}: use {known}")
    return writers()[path.suffix.lower()](build_pack(board, filters, charts=True), path)


def write_each_ward(board: Dashboard, filters: Filters, folder: Path, suffix: str) -> list[Path]:
    """One pack per ward for the filters' period, named by the ward, into ``folder``."""
    if suffix.lower() not in SUFFIXES:
        raise ValueError(f"cannot write packs as {suffix!r}: use {', '.join(sorted(SUFFIXES))}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code, name in ward_options().items():
        ward = Filters(from_codes([code]), filters.period, filters.comparison)
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        written.append(write_report(board, ward, folder / f"{slug}{suffix.lower()}"))
    return written
