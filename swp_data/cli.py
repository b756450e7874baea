"""The command line: ``python3 -m swp_data COMMAND``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from swp_data.importing import ImportFailure
from swp_data.quiet import stdout_reserved_for_document
from swp_data.store import StoreBusy, StoreError

if TYPE_CHECKING:
    from swp_data.filters import Filters
    from swp_data.views import Dashboard

Handler = Callable[[argparse.Namespace, TextIO], int]


EXIT_CODES = {
    0: "loaded: the store now holds the new snapshot",
    2: "refused: a file, line, field or value is wrong (the message says which); nothing was loaded",
    3: "busy: another import is running; nothing was loaded (run again later)",
    4: "the store cannot be used (another schema version, unreadable, disk full); nothing was loaded",
}
"""``python -m swp_data import``'s exit codes, for a scheduled job (the README lists them too)."""


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data.importing import import_paths

    report = import_paths(args.paths, args.db, progress=None if not args.quiet else False)
    if args.quiet:  # a scheduled job: silent when all is well (cron mails whatever is printed)
        return 0
    for file_report in report.files:
        print(file_report.summary(), file=out)
    for path, reason in report.ignored.items():
        print(f"{path.name}: ignored: {reason}", file=out)
    print(f"{len(report.files)} file(s) imported, {report.rows_loaded:,} rows loaded.", file=out)
    return 0


def _templates(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data.importing.template_files import write_templates

    written = write_templates(args.folder)
    print(f"Wrote {len(written)} files to {args.folder}: a CSV and an XLSX per source, and README.md.", file=out)
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data.demo import build_demo_store

    summary = build_demo_store(args.db, replace=args.replace, progress=not args.quiet)
    print(summary, file=out)
    return 0


def _info(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data import snapshots, store
    from swp_data.status import built_at_import, coverage_gaps, latest_loads, skipped_reasons, source_status

    target = Path(args.db or store.default_path())
    with store.opened(target, read_only=True) as connection:
        snapshot = snapshots.describe(target, connection)
        sections = [
            ("What each source holds", source_status(connection)),
            ("Latest load per source", latest_loads(connection)),
            ("Coverage gaps (months with no data between the first and last covered)", coverage_gaps(connection)),
            ("Rows skipped, by reason", skipped_reasons(connection)),
            ("Built at import, so no page builds it", built_at_import(connection)),
        ]
    number = f"snapshot {snapshot.number}" if snapshot.number else "snapshot (not numbered: built before snapshots)"
    built = f", built {snapshot.built_at:%Y-%m-%d %H:%M:%S}" if snapshot.built_at else ""
    print(f"Store: {snapshot.path} ({snapshot.bytes / 1e6:,.1f} MB), {number}{built}", file=out)
    if snapshot.import_running:
        print("An import is running now: it will swap in the next snapshot when it has finished.", file=out)
    elif snapshot.next_pending:
        folder = snapshots.snapshot_folder(target).name
        print(f"A stopped import left an unfinished snapshot in {folder}: the next import removes it.", file=out)
    for title, frame in sections:
        print(f"\n{title}:", file=out)
        # A blank is "does not apply" (a yearly source has no months), never a missing figure.
        shown = frame.astype(object).where(frame.notna(), "")
        print(shown.to_string(index=False) if not frame.empty else "  none", file=out)
    return 0


def _kpis(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data.kpis.catalogue import catalogue

    kpis = list(catalogue().values())
    if args.json:
        print(
            json.dumps(
                [
                    kpi.model_dump(exclude={"sql", "breakdowns"}) | {"breakdowns": [b.key for b in kpi.breakdowns]}
                    for kpi in kpis
                ],
                indent=2,
            ),
            file=out,
        )
        return 0
    width = max(len(k.key) for k in kpis)
    for priority in dict.fromkeys(k.priority_title for k in kpis):
        print(f"\n{priority}", file=out)
        for kpi in (k for k in kpis if k.priority_title == priority):
            flags = ", ".join(
                f for f in ("sensitive" if kpi.sensitive else "", "city-wide" if kpi.geography == "city" else "") if f
            )
            facts = f"{kpi.unit}; better {kpi.better}{'; ' + flags if flags else ''}"
            print(f"  {kpi.key:<{width}}  {kpi.label} [{facts}]", file=out)
    return 0


def _query(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data import store
    from swp_data.access import ANALYST, PARTNER
    from swp_data.calc.render import as_of_text, describe
    from swp_data.downloads import comment_line, safe_csv
    from swp_data.kpis.catalogue import get
    from swp_data.tables import kpi_table
    from swp_data.views import Dashboard

    get(args.key)  # a clear error for an unknown key before opening the store
    with store.opened(args.db, read_only=True) as connection:
        board = Dashboard(connection, access=PARTNER if args.partner else ANALYST)
        filters = _filters(args, board)
        selection, period = filters.selection, filters.period
        if args.by:
            frame = kpi_table(board, args.key, filters, args.by)
            if args.json:
                print(frame.to_json(orient="records", date_format="iso", indent=2), file=out)
            elif args.csv:
                view = "partner view (small numbers suppressed)" if args.partner else "analyst view"
                about = f"{get(args.key).label}; {selection.label}; {period.label}; {as_of_text(board.as_of)}; {view}"
                print(safe_csv(frame, [about]), end="", file=out)
            else:
                print(frame.to_string(index=False), file=out)
            return 0
        result = board.result(args.key, filters)
        if args.json:
            print(result.model_dump_json(indent=2), file=out)
        elif args.csv:
            print(comment_line(as_of_text(board.as_of)), file=out)
            print(pd_row(result), end="", file=out)
        else:
            print(describe(result), file=out)
            print(as_of_text(board.as_of), file=out)
    return 0


def _overview(args: argparse.Namespace, out: TextIO) -> int:
    """The Overview table for wards and quarters: as the screen shows it, or typed (``--json``, ``--csv``)."""
    from swp_data import store
    from swp_data.access import ANALYST, PARTNER
    from swp_data.calc.render import as_of_text
    from swp_data.display import overview_display
    from swp_data.downloads import safe_csv
    from swp_data.views import Dashboard

    with store.opened(args.db, read_only=True) as connection:
        board = Dashboard(connection, access=PARTNER if args.partner else ANALYST)
        filters = _filters(args, board)
        table = board.overview(filters)
    view = "partner view (small numbers suppressed)" if args.partner else "analyst view"
    about = f"Overview; {filters.selection.label}; {filters.period.label}; {as_of_text(board.as_of)}; {view}"
    if args.json:
        print(table.to_json(orient="records", date_format="iso", indent=2), file=out)
    elif args.csv:
        print(safe_csv(table, [about]), end="", file=out)
    else:
        shown = overview_display(table)
        print(about, file=out)
        print(shown.drop(columns=["page"], errors="ignore").to_string(index=False), file=out)
    return 0


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data import store
    from swp_data.access import ANALYST, PARTNER
    from swp_data.report import write_each_ward, write_report
    from swp_data.views import Dashboard

    if (args.out is None) == (args.each_ward is None):
        raise ValueError("give either --out FILE or --each-ward DIR (with --format)")
    with store.opened(args.db, read_only=True) as connection:
        board = Dashboard(connection, access=PARTNER if args.partner else ANALYST)
        filters = _filters(args, board)
        if args.out is not None:
            written = [write_report(board, filters, Path(args.out))]
        else:
            written = write_each_ward(board, filters, Path(args.each_ward), "." + args.format)
    view = "partner" if args.partner else "analyst"
    for path in written:
        print(f"wrote {path} ({view} view, {filters.period.label})", file=out)
    return 0


def _filters(args: argparse.Namespace, board: Dashboard) -> Filters:
    """The wards (``--ward``) and quarters (``--from``, ``--to``; default the latest) a command asks for."""
    from swp_data import selection as selections
    from swp_data.filters import Filters
    from swp_data.periods import Period
    from swp_data.tables import default_period

    selection = selections.resolve(args.ward)
    if args.start:
        period = Period.parse(args.start, args.end)
    elif args.end:
        period = Period.parse(args.end)
    else:
        period = default_period(board.engine)
    return Filters(selection, period)


PARTNER_REFUSED = (
    "error: records are for analysts only: a partner session (--partner) gets disclosure-controlled "
    "aggregates, never record-level data. Run `records` without --partner as an analyst."
)


def _records(args: argparse.Namespace, out: TextIO) -> int:
    from swp_data import store
    from swp_data.access import ANALYST
    from swp_data.calc.render import as_of_text
    from swp_data.downloads import safe_csv
    from swp_data.kpis.catalogue import get
    from swp_data.views import Dashboard

    if args.partner:
        print(PARTNER_REFUSED, file=sys.stderr)
        return 2
    get(args.key)  # a clear error for an unknown key before opening the store
    with store.opened(args.db, read_only=True) as connection:
        board = Dashboard(connection, access=ANALYST)
        filters = _filters(args, board)
        records = board.records(args.key, filters, args.part, limit=None)
        as_of = as_of_text(board.as_of)
    about = f"Records behind {records.label}: {records.described}; {records.selection}; {records.period}; {as_of}"
    if records.note:
        print(f"note: {records.note}", file=sys.stderr)
    if args.json:
        document = {
            "kpi": records.key,
            "part": records.part,
            "described": records.described,
            "selection": records.selection,
            "period": records.period,
            "as_of": as_of,
            "records": records.total,
            "people": records.people,
            "figure": records.figure,
            "matches_figure": records.matches,
            "note": records.note,
            "rows": json.loads(records.frame.to_json(orient="records", date_format="iso")),
        }
        print(json.dumps(document, indent=2), file=out)
    elif args.csv:
        comments = [f"{about}; analyst view", records.summary(), *([records.note] if records.note else [])]
        print(safe_csv(records.frame, comments), end="", file=out)
    else:
        print(about, file=out)
        print(f"{records.summary()}.", file=out)
        if not records.frame.empty:
            print(records.frame.to_string(index=False), file=out)
    return 0


def pd_row(result: object) -> str:
    """One KPI result as a two-line CSV (text cells neutralised for spreadsheets)."""
    import pandas as pd

    from swp_data.calc.render import flat
    from swp_data.downloads import safe_csv

    return safe_csv(pd.DataFrame([flat(result)]))  # type: ignore[arg-type]


def _add_filters(command: argparse.ArgumentParser, key: bool = True) -> None:
    """The KPI and the filters ``query``, ``records`` and ``report`` share (read by ``_filters``)."""
    if key:
        command.add_argument("key", help="KPI key (see `kpis`)")
    command.add_argument(
        "--ward", default="city", help="ward code or name, a ward group, comma-separated wards, or city"
    )
    command.add_argument("--from", dest="start", help="first quarter, e.g. 2022/23Q1 (default: the latest quarter)")
    command.add_argument("--to", dest="end", help="last quarter, e.g. 2023/24Q4 (default: same as --from)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="python3 -m swp_data",
        description="Safer Wolverhampton Partnership data store: import, demo data, KPIs.",
    )
    parser.add_argument("--db", type=Path, default=None, help="store file (default: $SWP_DB_PATH or data/swp.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    importer = commands.add_parser("import", help="load files or folders (recognised by content)")
    importer.add_argument("paths", nargs="+", type=Path, help="files or folders")
    importer.add_argument(
        "--quiet", action="store_true", help="for scheduled jobs: no progress bar, nothing printed unless it fails"
    )
    importer.epilog = "exit codes: " + "; ".join(f"{code} {words}" for code, words in EXIT_CODES.items())
    importer.set_defaults(handler=_import)

    templates = commands.add_parser("templates", help="write blank CSV/XLSX templates with a README")
    templates.add_argument("folder", type=Path)
    templates.set_defaults(handler=_templates)

    demo = commands.add_parser("demo", help="build the calibrated demo store (April 2019 to September 2026)")
    demo.add_argument("--replace", action="store_true", help="replace an existing store")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)

    info = commands.add_parser(
        "info", help="the snapshot, what each source holds, the latest loads, coverage gaps, rows skipped by reason"
    )
    info.set_defaults(handler=_info)

    kpis = commands.add_parser("kpis", help="the KPI catalogue")
    kpis.add_argument("--json", action="store_true", help="machine-readable")
    kpis.set_defaults(handler=_kpis)

    query = commands.add_parser("query", help="compute a KPI for wards and financial-year quarters")
    _add_filters(query)
    query.add_argument("--by", choices=["ward", "quarter", "month"], help="break the figure down")
    query.add_argument(
        "--partner", action="store_true", help="what a partner sees: small numbers suppressed, no record-level data"
    )
    output = query.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true")
    query.set_defaults(handler=_query)

    overview = commands.add_parser("overview", help="the Overview table (every KPI) for wards and quarters")
    _add_filters(overview, key=False)
    overview.add_argument("--partner", action="store_true", help="what a partner sees: small numbers suppressed")
    output = overview.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="typed values, one record per KPI")
    output.add_argument("--csv", action="store_true", help="typed values as CSV (numbers stay numbers)")
    overview.set_defaults(handler=_overview)

    report = commands.add_parser("report", help="write the scrutiny pack for wards and quarters (.pdf, .xlsx, .docx)")
    _add_filters(report, key=False)
    report.add_argument("--partner", action="store_true", help="the partner pack: small numbers suppressed")
    report.add_argument("--out", help="the file to write; its extension says what (.pdf, .xlsx or .docx)")
    report.add_argument("--each-ward", metavar="DIR", help="write one pack per ward into DIR")
    report.add_argument(
        "--format", default="pdf", choices=["pdf", "xlsx", "docx"], help="with --each-ward: the file type"
    )
    report.set_defaults(handler=_report)

    records = commands.add_parser("records", help="the records behind a KPI's figure (analysts only)")
    _add_filters(records)
    records.add_argument(
        "--part",
        choices=["numerator", "denominator", "unknown"],
        default="numerator",
        help="which records: those the figure counts (default), a share's denominator, or those not judged",
    )
    records.add_argument("--partner", action="store_true", help="refused: partners never get record-level data")
    output = records.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true")
    records.set_defaults(handler=_records)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; bad input exits with status 2 and a plain message."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        if getattr(args, "json", False) or getattr(args, "csv", False):
            # A promised document owns stdout: whatever else is printed meanwhile goes to stderr.
            with stdout_reserved_for_document() as document:
                return handler(args, document)
        return handler(args, sys.stdout)
    except ImportFailure as failure:
        print(f"error: {failure}", file=sys.stderr)
        print("Nothing was loaded: the store is exactly as it was.", file=sys.stderr)
        return 2
    except StoreBusy as error:
        print(f"error: {error}", file=sys.stderr)
        return 3 if args.command == "import" else 2
    except (StoreError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        if args.command == "import":
            print("Nothing was loaded: the store is exactly as it was.", file=sys.stderr)
            return 4
        return 2
    except (KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: say so plainly rather than print a traceback at the user
        print(f"error: an unexpected {type(error).__name__}: {error} (a bug: please report it)", file=sys.stderr)
        if args.command == "import":
            print("Nothing was loaded: the store is exactly as it was.", file=sys.stderr)
        return 1
