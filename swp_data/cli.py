"""The command line: ``python -m swp_data COMMAND``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from swp_data.importing import ImportFailure
from swp_data.store import StoreError

Handler = Callable[[argparse.Namespace], int]


def _import(args: argparse.Namespace) -> int:
    from swp_data.importing import import_paths

    report = import_paths(args.paths, args.db, progress=None if not args.quiet else False)
    for file_report in report.files:
        print(file_report.summary())
    for path, reason in report.ignored.items():
        print(f"{path.name}: ignored: {reason}")
    print(f"{len(report.files)} file(s) imported, {report.rows_loaded:,} rows loaded.")
    return 0


def _templates(args: argparse.Namespace) -> int:
    from swp_data.importing.template_files import write_templates

    written = write_templates(args.folder)
    print(f"Wrote {len(written)} files to {args.folder}: a CSV and an XLSX per source, and README.md.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from swp_data.demo import build_demo_store

    summary = build_demo_store(args.db, replace=args.replace, progress=not args.quiet)
    print(summary)
    return 0


def _info(args: argparse.Namespace) -> int:
    from swp_data import store
    from swp_data.status import source_status

    with store.opened(args.db, read_only=True) as connection:
        frame = source_status(connection)
    print(frame.to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="python -m swp_data",
        description="Safer Wolverhampton Partnership data store: import, demo data, KPIs.",
    )
    parser.add_argument("--db", type=Path, default=None, help="store file (default: $SWP_DB_PATH or data/swp.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    importer = commands.add_parser("import", help="load files or folders (recognised by content)")
    importer.add_argument("paths", nargs="+", type=Path, help="files or folders")
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=_import)

    templates = commands.add_parser("templates", help="write blank CSV/XLSX templates with a README")
    templates.add_argument("folder", type=Path)
    templates.set_defaults(handler=_templates)

    demo = commands.add_parser("demo", help="build the calibrated demo store (April 2019 to September 2026)")
    demo.add_argument("--replace", action="store_true", help="replace an existing store")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)

    info = commands.add_parser("info", help="what each source holds: period, rows, last load")
    info.set_defaults(handler=_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; bad input exits with status 2 and a plain message."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ImportFailure as failure:
        print(f"error: {failure}", file=sys.stderr)
        print("Nothing was loaded: the store is exactly as it was.", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
