"""``import_paths``: load files into the store, all or nothing, with a load log."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from swp_data import geography, snapshots, sql, store
from swp_data.importing import police_uk, templates
from swp_data.importing.detect import SUPPORTED_SUFFIXES, detect
from swp_data.importing.errors import ImportFailure
from swp_data.importing.write import LoadOutcome

_CHUNK = 8 << 20
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


def _hash_file(path: Path, bar: tqdm | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if bar is not None:
                bar.update(len(chunk))
    return digest.hexdigest()


def _load_one(connection: duckdb.DuckDBPyConnection, path: Path, load_id: int, show_progress: bool) -> FileReport:
    started = time.perf_counter()
    started_at = datetime.now()
    detected = detect(path)
    if detected.unused_reason:
        raise ImportFailure(path, f"is {detected.unused_reason}")
    size = path.stat().st_size
    bar = None
    if show_progress and size >= _PROGRESS_FROM_BYTES:
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=sys.stderr, leave=False)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Hash while DuckDB parses: both read the file, neither waits for the other.
        hashing = pool.submit(_hash_file, path, bar)
        outcomes: list[LoadOutcome]
        if detected.file_format in ("police.uk csv", "police.uk api"):
            if detected.file_format == "police.uk csv":
                police_uk.stage_street_csv(connection, path)
            else:
                police_uk.stage_api_json(connection, path, geography.lsoa_locator)
            if bar is not None:
                bar.set_postfix_str("validating and placing")
            rows_read, outcomes = police_uk.load_staged(connection, path, detected.file_format, load_id)
        else:
            if detected.file_format == "template xlsx":
                source, _header, frame = templates.read_xlsx(path)
                templates.stage_frame(connection, frame, source)
            else:
                assert detected.source is not None
                source = detected.source
                templates.stage_csv(connection, path, source, list(detected.header))
            rows_read = int(sql.scalar(connection, f"select count(*) from {templates.STAGED}"))
            if bar is not None:
                bar.set_postfix_str("validating and placing")
            outcomes = [templates.load_staged(connection, path, source, load_id)]
        content_hash = hashing.result()
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
            report.files.append(_load_one(connection, path, next_id + offset, show_progress))
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return report
