"""Store snapshots: an import builds the next store beside the live one and swaps it in atomically.

The configured store path (``data/swp.duckdb``) is a symbolic link to the current snapshot,
``data/swp.duckdb.snapshots/NNNNNN.duckdb``. An import copies the current snapshot to the next
number, loads into the copy, checks that it opens as a store, then points the link at it
(``os.replace`` of a new link: atomic). Readers open the link's target (``store.connect``
resolves it), so a reader that had the old snapshot open keeps reading it, and a new connection
gets the new one: every snapshot has its own file name, which also keeps DuckDB's per-process
instance cache (keyed by path) from handing back the old database. The app asks
``snapshot_id`` on every rerun and moves to a new snapshot between reruns; a session in flight
finishes on the old one. Each import then removes every snapshot but the new and the previous
one (POSIX keeps an open file readable after it is unlinked, so no reader is cut off).

One import at a time: a second is refused while the first holds the import lock. A killed import
leaves at most an unreferenced snapshot file, which the next import removes; the live snapshot is
never written by an import. A plain store file (the demo, or one built before snapshots) becomes
the first snapshot's source on the first import, and the link takes its place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from swp_data import sql, store
from swp_data.disclosure.closed import store_protections
from swp_data.settings import get_settings

SNAPSHOTS_SUFFIX = ".snapshots"
LOCK_SUFFIX = ".import-lock"
KEEP = 2  # the current snapshot and the one before it (a reader may be just opening it)


def snapshot_folder(target: Path) -> Path:
    """Where the snapshots live: beside the store path, so the swap stays on one filesystem."""
    return target.with_name(target.name + SNAPSHOTS_SUFFIX)


def lock_path(target: Path) -> Path:
    """The file an import holds locked while it builds the next snapshot."""
    return target.with_name(target.name + LOCK_SUFFIX)


def current_file(target: Path) -> Path | None:
    """The file the store path points at now (itself, for a plain file), or None if there is none."""
    resolved = target.resolve()
    return resolved if resolved.exists() else None


def snapshot_id(path: Path | str) -> str:
    """Which snapshot the store at ``path`` is now: it changes when an import swaps a new one in.

    A ``realpath`` and a ``stat`` (microseconds), so the app can ask on every rerun. Raises
    ``StoreMissing`` when there is no store.
    """
    resolved = os.path.realpath(path)
    try:
        status = os.stat(resolved)
    except FileNotFoundError as error:
        raise store.StoreMissing(f"no store at {path}") from error
    return f"{resolved}:{status.st_ino}:{status.st_mtime_ns}:{status.st_size}"


def _numbered(folder: Path) -> list[tuple[int, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.duckdb"):
        if path.stem.isdigit():
            found.append((int(path.stem), path))
    return sorted(found)


@dataclass(frozen=True)
class SnapshotInfo:
    """The live snapshot, as ``python -m swp_data info`` shows it."""

    path: Path
    bytes: int
    number: int | None  # counts the imports that built it (None: built before snapshots were numbered)
    built_at: datetime | None
    next_pending: bool  # a ``.next`` file exists: an import is running, or one was killed
    import_running: bool


def _meta(connection: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = sql.one(connection, "select value from meta where key = ?", [key])
    return None if row is None else str(row[0])


def describe(target: Path, connection: duckdb.DuckDBPyConnection) -> SnapshotInfo:
    """What the live snapshot is: its size, number and build time, and whether an import is under way."""
    number = _meta(connection, "snapshot")
    built = _meta(connection, "snapshot_built_at")
    return SnapshotInfo(
        path=target,
        bytes=target.stat().st_size,
        number=int(number) if number else None,
        built_at=datetime.fromisoformat(built) if built else None,
        next_pending=any(n > _number_of(target) for n, _ in _numbered(snapshot_folder(target))),
        import_running=import_running(target),
    )


def import_running(target: Path) -> bool:
    """Whether another process holds the import lock now."""
    path = lock_path(target)
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextmanager
def _import_lock(target: Path) -> Iterator[None]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(target).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip()
            raise store.StoreBusy(
                f"another import into {target.name} is running{f' ({holder})' if holder else ''}: "
                "nothing was loaded. Run this one again when it has finished."
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, since {datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy(source: Path, destination: Path) -> None:
    """Copy the live store (and a write-ahead log, if a writer left one) to start the next snapshot."""
    shutil.copyfile(source, destination)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, destination.with_name(destination.name + ".wal"))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _number_of(target: Path) -> int:
    """The current snapshot's number (0 for a plain file or no store)."""
    current = current_file(target)
    if current is None or current.parent != snapshot_folder(target).resolve() or not current.stem.isdigit():
        return 0
    return int(current.stem)


@contextmanager
def building(target: Path | str, built: Path | None = None) -> Iterator[Path]:
    """Build the next snapshot of the store at ``target``: yields the file to load into.

    It starts as a copy of the current snapshot (an empty store when there is none), or as
    ``built``, a finished store file moved in (the demo build's way in). If the block succeeds the
    file is checked and swapped in; on any error (or interruption) it is removed and the store is
    exactly as it was.
    """
    target = Path(target)
    with _import_lock(target):
        folder = snapshot_folder(target)
        folder.mkdir(parents=True, exist_ok=True)
        current = current_file(target)
        number = max([_number_of(target), *(n for n, _ in _numbered(folder))], default=0) + 1
        following = folder / f"{number:06d}.duckdb"
        try:
            if built is not None:
                os.replace(built, following)  # same filesystem: a rename
            elif current is not None:
                _copy(current, following)
            else:
                store.create_store(following)
            yield following
            _seal(following, number)
        except BaseException:
            _remove(following)
            if not any(folder.iterdir()):
                folder.rmdir()
            raise
        _point(target, following)
        _clean(folder, keep={following, *([current] if current else [])})


def install(target: Path | str, built: Path) -> Path:
    """Make the finished store file ``built`` the next snapshot of ``target``; returns its new path."""
    with building(target, built) as following:
        pass
    return following


def _point(target: Path, following: Path) -> None:
    """Point the store path at ``following``: a new link renamed over the old path (atomic)."""
    link = target.with_name(target.name + ".swap")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(following, target.parent), link)
    if not target.is_symlink():
        # A plain file was the store: its log (if a crashed writer left one) is in the copy, and
        # beside the link it would be nobody's.
        target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(link, target)
    _fsync(target.parent)  # the swap itself survives a power cut


def _clean(folder: Path, keep: set[Path]) -> None:
    """Remove every snapshot but those kept (and a killed import's leftovers)."""
    kept = {p.resolve() for p in keep}
    for _, path in _numbered(folder):
        if path.resolve() not in kept:
            _remove(path)


def _seal(following: Path, number: int) -> None:
    """Number the snapshot, write everything to disk, and check it opens as a store."""
    with store.opened(following) as connection:
        # Partners' protections for every closed period, solved once here rather than on first visits.
        store_protections(connection, get_settings().disclosure_threshold)
        connection.execute("delete from meta where key in ('snapshot', 'snapshot_built_at')")
        connection.execute(
            "insert into meta values ('snapshot', ?), ('snapshot_built_at', ?)",
            [str(number), datetime.now().isoformat(timespec="seconds")],
        )
        connection.execute("checkpoint")
    # Verify: the copy opens read-only as a store of this schema version (what every reader will do).
    with store.opened(following, read_only=True) as check:
        sql.scalar(check, "select count(*) from load_log")
    _remove_wal_if_empty(following)
    _fsync(following)


def _remove_wal_if_empty(path: Path) -> None:
    wal = path.with_name(path.name + ".wal")
    if wal.exists() and wal.stat().st_size == 0:
        wal.unlink()
