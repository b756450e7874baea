"""The analysts' command line: the catalogue and KPI queries."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swp_data", *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_kpis_lists_the_catalogue_as_json() -> None:
    done = run("kpis", "--json")
    assert done.returncode == 0, done.stderr
    entries = {entry["key"]: entry for entry in json.loads(done.stdout)}
    assert entries["violence_with_injury"]["direction"] == "down"
    assert entries["violence_with_injury"]["breakdowns"] == ["victim_age"]


def test_query_gives_the_figure_as_json(demo_db: Path) -> None:
    done = run(
        "--db",
        str(demo_db),
        "query",
        "violence_with_injury",
        "--ward",
        "city",
        "--from",
        "2022/23Q1",
        "--to",
        "2022/23Q4",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["current"]["value"] == 3950
    assert result["comparison"]["figure"]["value"] == 3964
    assert result["comparison"]["label"] == "no significant change"


def test_query_by_ward_as_csv(demo_db: Path) -> None:
    done = run(
        "--db", str(demo_db), "query", "asb_incidents", "--ward", "city", "--from", "2024/25Q1", "--by", "ward", "--csv"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("# ASB incidents; Wolverhampton; 2024/25 Q1; Data as of 30 Sep 2026")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == 20 and rows[0]["rank"] == "1"


def test_query_by_quarter_for_a_group(demo_db: Path) -> None:
    done = run(
        "--db",
        str(demo_db),
        "query",
        "burglary_residential",
        "--ward",
        "Whitmore Reans",
        "--from",
        "2023/24Q1",
        "--to",
        "2023/24Q4",
        "--by",
        "quarter",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    quarters = json.loads(done.stdout)
    assert [q["quarter"] for q in quarters] == ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4"]


def test_bad_keys_wards_and_periods_give_plain_errors(demo_db: Path) -> None:
    for args, message in (
        (("query", "no_such_kpi"), "no KPI 'no_such_kpi'"),
        (("query", "hate_crime", "--ward", "Narnia"), "'Narnia' is not a current ward"),
        (("query", "hate_crime", "--from", "2023Q1"), "cannot read the quarter"),
    ):
        done = run("--db", str(demo_db), *args)
        assert done.returncode == 2
        assert message in done.stderr and "Traceback" not in done.stderr


def test_partner_flag_gives_what_a_partner_sees(demo_db: Path) -> None:
    args = (
        "--db",
        str(demo_db),
        "query",
        "hidden_harm",
        "--ward",
        "Heath Town",
        "--from",
        "2025/26Q1",
        "--to",
        "2025/26Q4",
    )
    analyst = json.loads(run(*args, "--json").stdout)
    partner = json.loads(run(*args, "--json", "--partner").stdout)
    assert 1 <= analyst["current"]["value"] <= 4  # a small count, shown to analysts
    assert partner["current"]["value"] is None and partner["suppressed"] and partner["shown_as"] == "<5"
    assert partner["comparison"]["change"] is None and partner["comparison"]["p_value"] is None
    by_ward = run(
        "--db",
        str(demo_db),
        "query",
        "hidden_harm",
        "--from",
        "2025/26Q1",
        "--to",
        "2025/26Q4",
        "--by",
        "ward",
        "--csv",
        "--partner",
    )
    rows = list(csv.DictReader(io.StringIO("\n".join(by_ward.stdout.splitlines()[1:]))))
    assert all(r["value"] == "" or float(r["value"]) >= 5 for r in rows)
    assert any(r["shown_as"] == "<5" for r in rows)
    monthly = run("--db", str(demo_db), "query", "hidden_harm", "--by", "month", "--partner")
    assert monthly.returncode == 2 and "not published for partners" in monthly.stderr


def test_overview_prints_every_kpi_as_the_screen_and_the_dashboard_give_it(demo_db: Path) -> None:
    """Issue 14 item 5: ``overview`` for a ward and a year, partner view: JSON typed, text as shown, CSV numeric."""
    import duckdb

    from swp_data.display import overview_display
    from swp_data.filters import Filters
    from swp_data.kpis import catalogue
    from swp_data.periods import Period
    from swp_data.selection import resolve
    from swp_data.views import Dashboard

    where = ["--db", str(demo_db), "overview", "--ward", "Heath Town", "--from", "2025/26Q1", "--to", "2025/26Q4"]
    board = Dashboard(duckdb.connect(str(demo_db), read_only=True))
    expected = board.overview(Filters(resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4")))
    typed = json.loads(run(*where, "--partner", "--json").stdout)
    assert [row["key"] for row in typed] == list(catalogue.catalogue())
    for row, (_, want) in zip(typed, expected.iterrows(), strict=True):
        assert row["state"] == want["state"], row["key"]
        if want["value"] != want["value"]:  # NaN: no figure
            assert row["value"] is None, row["key"]
        else:
            assert row["value"] == pytest.approx(want["value"], rel=1e-9), row["key"]
    assert any(row["state"] == "suppressed" and row["value"] is None for row in typed)  # a partner's withheld figure
    text = run(*where, "--partner").stdout
    assert text.startswith("Overview; Heath Town; 2025/26 (full year); Data as of 30 Sep 2026; partner view")
    for shown in overview_display(expected)["value"]:
        assert f" {shown} " in text
    written = run(*where, "--partner", "--csv").stdout
    rows = list(csv.DictReader(line for line in io.StringIO(written) if line[0] != "#"))
    total = next(r for r in rows if r["key"] == "total_recorded_crime")
    assert float(total["value"]) == expected.set_index("key").loc["total_recorded_crime", "value"]
