"""``python -m swp_data records``: the records behind a figure, as a process an analyst runs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb

from swp_data import selection
from swp_data.calc.engine import Engine
from swp_data.periods import Period

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swp_data", *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def figure(demo_db: Path, key: str, ward: str, first: str, last: str) -> tuple[float, float | None]:
    """The figure's numerator and denominator, from the engine in this process (not through the CLI)."""
    engine = Engine(duckdb.connect(str(demo_db), read_only=True))
    current = engine.result(key, selection.resolve(ward), Period.parse(first, last), with_spc=False).current
    assert current.numerator is not None
    return current.numerator, current.denominator


def test_records_as_csv_are_exactly_the_rows_the_figure_counts(demo_db: Path) -> None:
    done = run(
        "--db",
        str(demo_db),
        "records",
        "knife_crime",
        "--ward",
        "Heath Town",
        "--from",
        "2025/26Q1",
        "--to",
        "2025/26Q4",
        "--csv",
    )
    assert done.returncode == 0, done.stderr
    numerator, _ = figure(demo_db, "knife_crime", "Heath Town", "2025/26Q1", "2025/26Q4")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("# Records behind Knife crime (violence and robbery): Violence and robbery with a knife")
    assert lines[1] == f"# {numerator:,.0f} records: the same as the figure's numerator ({numerator:,.0f})"
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert len(rows) == numerator > 5
    assert {row["ward_code"] for row in rows} == {"E05014848"}
    assert all(row["knife_crime"] == "True" for row in rows)
    assert all("2025-04-01" <= row["month"] <= "2026-03-01" for row in rows)
    assert [row["month"] for row in rows] == sorted(row["month"] for row in rows)


def test_a_shares_denominator_records_as_json(demo_db: Path) -> None:
    done = run(
        "--db",
        str(demo_db),
        "records",
        "alcohol_related_share",
        "--from",
        "2025/26Q2",
        "--part",
        "denominator",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    _, denominator = figure(demo_db, "alcohol_related_share", "city", "2025/26Q2", "2025/26Q2")
    assert document["records"] == len(document["rows"]) == denominator
    assert document["matches_figure"] is True and document["part"] == "denominator"
    assert all(row["alcohol_related"] is not None for row in document["rows"])


def test_partners_are_refused_records(demo_db: Path) -> None:
    done = run("--db", str(demo_db), "records", "knife_crime", "--partner", "--csv")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: records are for analysts only: a partner session (--partner)")


def test_an_unknown_kpi_is_named(demo_db: Path) -> None:
    done = run("--db", str(demo_db), "records", "knife_crimes")
    assert done.returncode == 2
    assert done.stderr == "error: no KPI 'knife_crimes'; `python3 -m swp_data kpis` lists them\n"


def test_a_kpi_without_records_says_why(demo_db: Path) -> None:
    done = run("--db", str(demo_db), "records", "reoffending_rate_adult", "--csv")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: Records are not available for Proven reoffending, adults: an MoJ cohort")
