"""``import_paths``: load files into the store, all or nothing, with a load log."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from swp_data import derived, geography, snapshots, sql, store
from swp_data.importing import police_uk, templates
from swp_data.importing.detect import SUPPORTED_SUFFIXES, Detected, detect
from swp_data.importing.errors import ImportFailure
from swp_data.importing.scan import MAX_LINE_BYTES, Scan, scan_file
from swp_data.importing.write import KeyConflict, LoadOutcome, store_key
from swp_data.kpis.catalogue import catalogue
from swp_data.sources import SOURCES, Source

_PROGRESS_FROM_BYTES = 16 << 20


@dataclass
class FileReport:
    """What one file did."""

    path: Path
    file_format: str
    tables: list[str]
    rows_read: int
    rows_loaded: int
    rows_replaced: int
    skipped: dict[str, int]
    first_month: date | None
    last_month: date | None
    seconds: float
    content_hash: str

    @property
    def rows_skipped(self) -> int:
        """Rows read but not loaded."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line for the terminal."""
        months = ""
        if self.first_month and self.last_month:
            months = f", {self.first_month:%b %Y} to {self.last_month:%b %Y}"
        skipped = ""
        if self.skipped:
            skipped = "; skipped " + ", ".join(f"{n:,} {reason}" for reason, n in sorted(self.skipped.items()))
        replaced = f" ({self.rows_replaced:,} replaced earlier rows)" if self.rows_replaced else ""
        return (
            f"{self.path.name}: {self.file_format} -> {', '.join(self.tables)}: read {self.rows_read:,}, "
            f"loaded {self.rows_loaded:,}{replaced}{skipped}{months} [{self.seconds:.2f}s]"
        )


@dataclass
class ImportReport:
    """What one import command did."""

    files: list[FileReport] = field(default_factory=list)
    ignored: dict[Path, str] = field(default_factory=dict)  # file -> why it was not loaded

    @property
    def rows_loaded(self) -> int:
        """Rows written across every file."""
        return sum(f.rows_loaded for f in self.files)


def expand(paths: Iterable[Path | str]) -> tuple[list[Path], dict[Path, str], set[Path]]:
    """Files to import (folders expanded, sorted), files passed over with why, and which came from folders."""
    files: list[Path] = []
    ignored: dict[Path, str] = {}
    from_folder: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                    from_folder.add(child)
                else:
                    ignored[child] = "not a .csv, .json or .xlsx file"
        else:
            files.append(path)
    return files, ignored, from_folder


def _stage(connection: duckdb.DuckDBPyConnection, path: Path, detected: Detected) -> Source | None:
    """Stage a file's rows as text with their line numbers; its template's source (None for police files)."""
    if detected.file_format == "police.uk csv":
        police_uk.stage_street_csv(connection, path)
        return None
    if detected.file_format == "police.uk api":
        police_uk.stage_api_json(connection, path, geography.lsoa_locator)
        return None
    if detected.file_format == "template xlsx":
        source, _header, frame = templates.read_xlsx(path)
        templates.stage_frame(connection, frame, source)
        return source
    assert detected.source is not None
    templates.stage_csv(connection, path, detected.source, list(detected.header))
    return detected.source


def _refuse_long_line(path: Path, scan: Scan) -> None:
    """DuckDB reads a line longer than its buffer as no rows, or drops the rest of the file: refuse it first."""
    if scan.long_line is None:
        return
    long = scan.long_line
    beginning = long.start.decode("utf-8", errors="replace")[:60]
    raise ImportFailure(
        path,
        f"is longer than {MAX_LINE_BYTES:,} bytes ({long.length:,} bytes, beginning {beginning!r}): no row of a "
        "data file is that long, so the file is damaged or is not the export it looks like",
        line=long.number,
    )


def _load_one(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    load_id: int,
    show_progress: bool,
    first_load_id: int | None = None,
) -> FileReport:
    """Load one file; any problem with it is an ImportFailure (never a traceback).

    ``first_load_id`` is the load id of the import's first file: a key an earlier file of the
    same import wrote may not be written again with other content (None: this file only).
    """
    try:
        return _load_file(connection, path, load_id, show_progress, first_load_id)
    except ImportFailure:
        raise
    except Exception as error:  # a file no check foresaw: still a plain message, and the store rolls back
        first_line = (str(error).strip().splitlines() or [""])[0][:200]
        raise ImportFailure(
            path,
            f"could not be imported ({type(error).__name__}: {first_line}): it is not a file the dashboard "
            "can read, or it is damaged",
        ) from error


def _load_file(
    connection: duckdb.DuckDBPyConnection, path: Path, load_id: int, show_progress: bool, first_load_id: int | None
) -> FileReport:
    started = time.perf_counter()
    started_at = datetime.now()
    detected = detect(path)
    if detected.unused_reason:
        raise ImportFailure(path, f"is {detected.unused_reason}")
    size = path.stat().st_size
    bar = None
    if show_progress and size >= _PROGRESS_FROM_BYTES:
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)
    is_csv = detected.file_format in ("police.uk csv", "template csv")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Scan while DuckDB parses: both read the file, neither waits for the other.
        scanning = pool.submit(scan_file, path, bar, text=is_csv)
        try:
            source = _stage(connection, path, detected)
        except (ImportFailure, duckdb.Error):
            # An over-long line is the cause of whatever DuckDB made of it: say so first.
            _refuse_long_line(path, scanning.result())
            raise
        scan = scanning.result()
        _refuse_long_line(path, scan)
        if bar is not None:
            bar.set_postfix_str("validating and placing")
        outcomes: list[LoadOutcome]
        try:
            if source is None:
                # Published street files hold no quotes, so a clean byte scan rules out control characters.
                text_checks = not is_csv or scan.text_may_hold_controls
                rows_read, outcomes = police_uk.load_staged(
                    connection,
                    path,
                    detected.file_format,
                    load_id,
                    first_load_id=first_load_id,
                    text_checks=text_checks,
                )
            else:
                rows_read = int(sql.scalar(connection, f"select count(*) from {templates.STAGED}"))
                outcomes = [templates.load_staged(connection, path, source, load_id, first_load_id=first_load_id)]
        except KeyConflict as conflict:
            raise _conflict_failure(connection, path, detected, conflict) from None
    content_hash = scan.content_hash
    if bar is not None:
        bar.close()
    skipped: dict[str, int] = {}
    for outcome in outcomes:
        for reason, rows in outcome.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + rows
    months = [m for o in outcomes for m in (o.first_month, o.last_month) if m is not None]
    report = FileReport(
        path=path,
        file_format=detected.file_format,
        tables=[o.table for o in outcomes],
        rows_read=rows_read,
        rows_loaded=sum(o.rows_loaded for o in outcomes),
        rows_replaced=sum(o.rows_replaced for o in outcomes),
        skipped=skipped,
        first_month=min(months) if months else None,
        last_month=max(months) if months else None,
        seconds=time.perf_counter() - started,
        content_hash=content_hash,
    )
    unaccounted = report.rows_read - report.rows_loaded - report.rows_skipped
    if unaccounted:
        raise ImportFailure(path, f"lost {unaccounted} rows between reading and loading (a bug: please report it)")
    connection.execute(
        """
        insert into load_log values (?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            load_id,
            path.name,
            str(path.resolve()),
            content_hash,
            detected.file_format,
            ", ".join(report.tables),
            report.rows_read,
            report.rows_loaded,
            report.rows_skipped,
            report.first_month,
            report.last_month,
            started_at,
            report.seconds,
        ],
    )
    for reason, rows in skipped.items():
        connection.execute("insert into load_skip values (?, ?, ?)", [load_id, reason, rows])
    return report


def _conflict_failure(
    connection: duckdb.DuckDBPyConnection, path: Path, detected: Detected, conflict: KeyConflict
) -> ImportFailure:
    """Name both places a record of this import stands, reading the earlier file again for its line."""
    row = sql.one(connection, "select file_name, file_path from load_log where load_id = ?", [conflict.other_load_id])
    other_name, other_path = (str(row[0]), Path(str(row[1]))) if row else ("an earlier file", None)
    other_line = _line_of_key(connection, other_path, conflict) if other_path else None
    api = detected.file_format == "police.uk api"
    unit = "record" if api else "line"
    if detected.file_format == "police.uk csv":
        field = "Crime ID"
    elif api:
        field = "id" if str(conflict.key[0]).startswith("api-") else "persistent_id"
    else:
        field = SOURCES[conflict.table].key[0]
    column = _named_as_in_the_file(detected, SOURCES[conflict.table], conflict.column)
    there = f"{other_name}, {'record' if other_name.endswith('.json') else 'line'} {other_line}"
    if other_line is None:
        there = other_name
    return ImportFailure(
        path,
        f"is also in {there} (earlier in this import), where its {column} is {conflict.there!r}, here "
        f"{conflict.here!r}: one import cannot hold two versions of a record. Remove one, or import the files one "
        "after the other (the later then replaces the earlier)",
        line=conflict.line,
        unit=unit,
        field=field,
        value=str(conflict.key[0])[4:] if field == "id" else ", ".join(str(v) for v in conflict.key),
    )


# The store's columns as a data.police.uk street file names them.
_STREET_NAMES = {
    "month": "Month",
    "longitude": "Longitude",
    "latitude": "Latitude",
    "location": "Location",
    "lsoa_code": "LSOA code",
    "police_crime_type": "Crime type",
    "offence_subgroup": "Crime type",
    "offence_group": "Crime type",
    "last_outcome": "Last outcome category",
    "ward_code": "ward (placed from the point or LSOA)",
    "placed_by": "ward (placed from the point or LSOA)",
}


def _named_as_in_the_file(detected: Detected, source: Source, column: str) -> str:
    """A store column as the file's own header (or API record) names it."""
    if detected.file_format in ("police.uk csv", "police.uk api"):
        name = _STREET_NAMES.get(column, column)
        return police_uk.API_FIELDS.get(name, name) if detected.file_format == "police.uk api" else name
    if column == "month" and source.month_from:
        return f"month (of {source.month_from})"
    if column == "discharge_month":
        return "month (of discharge_date)"
    if column == "ward_code":
        return "ward" if source.placement != "lsoa" else "ward (placed from the point or lsoa_code)"
    if column == "placed_by":
        return "ward (placed from the point or lsoa_code)"
    return column


def _line_of_key(connection: duckdb.DuckDBPyConnection, path: Path, conflict: KeyConflict) -> int | None:
    """The line (or record) of a key in a file loaded earlier in this import, by preparing it again."""
    typed = {"crime": "puk_crime", "asb_incident": "puk_asb"}
    try:
        detected = detect(path)
        source = _stage(connection, path, detected)
        if source is None:
            police_uk.prepare(connection, path, detected.file_format, conflict.other_load_id)
            table = typed[conflict.other_table]
        else:
            templates.prepare(connection, path, source, conflict.other_load_id)
            table = "typed"
        key = store_key(SOURCES[conflict.other_table])
        found = sql.scalar(
            connection,
            f"select min(line) from {table} where {' and '.join(f'{k} is not distinct from ?' for k in key)}",
            list(conflict.key),
        )
        return None if found is None else int(found)
    except Exception:  # the line is a courtesy: without it, the message still names the file
        return None


def import_paths(
    paths: Iterable[Path | str],
    db_path: Path | str | None = None,
    *,
    progress: bool | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    in_place: bool = False,
) -> ImportReport:
    """Import files and folders into the store in one transaction, as a new snapshot.

    Either every file loads, or none does and the store is exactly as before; a bad file raises
    ``ImportFailure`` naming its file, line, field and value. Loading the same records again
    replaces them, so figures never double. The live store is never written: the load goes into
    a copy that replaces it atomically once it is complete and checked (``swp_data.snapshots``),
    so the app keeps serving throughout. ``in_place`` loads straight into ``db_path`` (a store
    being built that nobody reads yet, like the demo's); ``connection`` loads into an open store.
    """
    files, ignored, from_folder = expand(paths)
    for path in [p for p in files if p in from_folder]:
        # Inside a folder (a data.police.uk download, say), recognised files the
        # dashboard does not take are listed as ignored; named alone, they are errors.
        reason = detect(path).unused_reason
        if reason:
            files.remove(path)
            ignored[path] = reason
    if not files:
        raise ImportFailure(
            Path(", ".join(str(p) for p in paths) or "."), "holds no .csv, .json or .xlsx file to import"
        )
    show_progress = sys.stderr.isatty() if progress is None else progress
    if connection is not None:
        return _load_all(connection, files, ignored, show_progress)
    target = Path(db_path or store.default_path())
    if in_place:
        return _load_into(target, files, ignored, show_progress)
    with snapshots.building(target) as following:
        return _load_into(following, files, ignored, show_progress)


def _load_into(target: Path, files: list[Path], ignored: dict[Path, str], show_progress: bool) -> ImportReport:
    created = not target.exists()
    connection = store.connect(target, create=True)
    try:
        report = _load_all(connection, files, ignored, show_progress)
        connection.execute("checkpoint")
    except BaseException:
        connection.close()
        if created:
            target.unlink(missing_ok=True)
        raise
    connection.close()
    return report


def _load_all(
    connection: duckdb.DuckDBPyConnection, files: list[Path], ignored: dict[Path, str], show_progress: bool
) -> ImportReport:
    """Every file in one transaction: all load, or the transaction is rolled back and the error raised."""
    report = ImportReport(ignored=ignored)
    try:
        connection.execute("begin transaction")
        next_id = int(sql.scalar(connection, "select coalesce(max(load_id), 0) from load_log")) + 1
        outer = tqdm(files, desc="files", unit="file", file=sys.stderr, disable=not show_progress or len(files) < 2)
        for offset, path in enumerate(outer):
            report.files.append(_load_one(connection, path, next_id + offset, show_progress, first_load_id=next_id))
        # In the same transaction: what pages would otherwise build on a first visit.
        derived.build(connection, catalogue().values())
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return report
