"""Coverage: a period is complete only when every month is loaded for every source its KPI needs.

The store of the issue: a flat 40 crimes a month in Park, April 2023 to May 2024 (one
file a month, as data.police.uk publishes). 2024/25 Q1 then holds April and May only.
By hand: the quarter shows 80 (2 of 3 months), is not tested against 2023/24 Q1 (120),
is not RAG-rated and gets no SPC verdict; the default period is 2023/24 Q4; the rolling
12 months to March 2024 is 12 x 40 = 480; the 12 months to June 2024 hold 11 loaded
months and the 12 months to June 2023 hold 3, so neither is given.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from swp_data import geography, store
from swp_data.calc.engine import Engine
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period, add_months
from swp_data.selection import city
from swp_data.sources import SOURCES
from swp_data.tables import default_period

PARK = "E05014851"
REPO = Path(__file__).resolve().parents[1]


def _lsoa_in(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def _write(path: Path, table: str, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES[table].columns])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _month_of_crimes(folder: Path, month: date, per_month: int = 40) -> Path:
    rows = [
        {
            "crime_id": f"C{month:%Y%m}-{i}",
            "recorded_date": f"{month:%Y-%m}-{1 + i % 28:02d}",
            "lsoa_code": _lsoa_in(PARK),
            "offence_subgroup": "violence with injury",
        }
        for i in range(per_month)
    ]
    return _write(folder / f"crime-{month:%Y-%m}.csv", "crime", rows)


@pytest.fixture(scope="module")
def flat_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("flat")
    files = [_month_of_crimes(folder, add_months(date(2023, 4, 1), i)) for i in range(14)]  # Apr 2023..May 2024
    target = folder / "flat.duckdb"
    import_paths(files, target, progress=False)
    return target


@pytest.fixture
def engine(flat_store: Path):  # type: ignore[no-untyped-def]
    connection = store.connect(flat_store, read_only=True)
    yield Engine(connection)
    connection.close()


def test_the_store_records_each_month_loaded(engine: Engine) -> None:
    months = [
        row[0] for row in engine.connection.execute("select month from coverage where table_name = 'crime'").fetchall()
    ]
    assert sorted(months) == [add_months(date(2023, 4, 1), i) for i in range(14)]


def test_a_quarter_with_a_month_missing_is_shown_marked_and_not_judged(engine: Engine) -> None:
    result = engine.result("total_recorded_crime", city(), Period.parse("2024/25Q1"))
    assert result.current.value == 80
    assert result.coverage is not None
    assert (result.coverage.months, result.coverage.covered, result.coverage.complete) == (3, 2, False)
    assert result.coverage.missing == ["Jun 2024"]
    assert result.comparison is not None
    assert result.comparison.figure.value == 120
    assert result.comparison.label == "incomplete period"
    assert result.comparison.p_value is None and result.comparison.change is None
    assert result.rag is None
    assert result.spc is not None and result.spc.variation == "not applicable"
    assert "incomplete: 2 of 3 months" in result.notes[0]


def test_a_complete_quarter_is_compared(engine: Engine) -> None:
    result = engine.result("total_recorded_crime", city(), Period.parse("2023/24Q4"), Period.parse("2023/24Q3"))
    assert result.coverage is not None and result.coverage.complete
    assert result.comparison is not None
    assert (result.current.value, result.comparison.figure.value) == (120, 120)
    assert result.comparison.label == "no significant change"


def test_rolling_twelve_months_needs_twelve_loaded_months(engine: Engine) -> None:
    q4 = engine.result("total_recorded_crime", city(), Period.parse("2023/24Q4"))
    assert q4.rolling_12_months is not None and q4.rolling_12_months.value == 12 * 40  # Apr 2023-Mar 2024
    latest = engine.result("total_recorded_crime", city(), Period.parse("2024/25Q1"))
    assert latest.rolling_12_months is None  # Jul 2023-Jun 2024: June is not loaded, so 11 of 12
    assert latest.rolling_coverage is not None and latest.rolling_coverage.covered == 11
    first = engine.result("total_recorded_crime", city(), Period.parse("2023/24Q1"))
    assert first.rolling_12_months is None  # Jul 2022-Jun 2023: 3 of 12 months loaded
    assert first.rolling_coverage is not None and first.rolling_coverage.covered == 3


def test_no_data_is_not_zero(engine: Engine) -> None:
    """2022/23 Q1 (the comparison of 2023/24 Q1) was never loaded: no value, not 0."""
    result = engine.result("total_recorded_crime", city(), Period.parse("2023/24Q1"))
    assert result.comparison is not None
    assert result.comparison.figure.value is None
    before = engine.result("total_recorded_crime", city(), Period.parse("2022/23Q1"))
    assert before.current.value is None and before.availability == "no data"


def test_the_default_period_is_the_latest_complete_quarter(engine: Engine) -> None:
    assert engine.latest_quarter.code == "2024/25Q1"
    assert default_period(engine) == Period.parse("2023/24Q4")


def test_the_series_marks_the_incomplete_quarter_and_leaves_it_out_of_spc(engine: Engine) -> None:
    frame = engine.series("total_recorded_crime", city(), Period.parse("2024/25Q1"))
    assert list(frame["value"])[-2:] == [40, 40]  # monthly: Apr and May 2024 are both loaded months
    assert frame["complete"].all()


def test_cli_json_and_csv_carry_the_coverage(flat_store: Path) -> None:
    env = {"SWP_DB_PATH": str(flat_store), "PATH": "/usr/bin:/bin"}
    run = [
        sys.executable,
        "-m",
        "swp_data",
        "query",
        "total_recorded_crime",
        "--from",
        "2024/25Q1",
        "--to",
        "2024/25Q1",
    ]
    document = json.loads(
        subprocess.run([*run, "--json"], cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout
    )
    assert document["coverage"] == {"months": 3, "covered": 2, "complete": False, "missing": ["Jun 2024"]}
    text = subprocess.run([*run, "--csv"], cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows[0]["coverage"] == "incomplete: 2 of 3 months"


def test_a_filters_object_defaults_to_the_complete_quarter_through_the_dashboard(flat_store: Path) -> None:
    from swp_data.access import ANALYST
    from swp_data.views import Dashboard

    connection = store.connect(flat_store, read_only=True)
    board = Dashboard(connection, access=ANALYST)
    assert board.default_quarter() == "2023/24Q4"
    result = board.result("total_recorded_crime", Filters(city(), Period.parse("2024/25Q1"), "year"))
    assert result.coverage is not None and result.coverage.state == "incomplete"
    connection.close()


def test_a_month_missing_between_loads_is_a_gap_not_a_zero(tmp_path: Path) -> None:
    """Files for April-June and August-September 2023: July was never loaded.

    By hand: 2023/24 Q2 holds 2 of 3 months (July missing) and reads 80; About the Data shows 5 months
    loaded and 1 missing; July itself reads no data, never 0.
    """
    months = [date(2023, 4, 1), date(2023, 5, 1), date(2023, 6, 1), date(2023, 8, 1), date(2023, 9, 1)]
    files = [_month_of_crimes(tmp_path, m) for m in months]
    target = tmp_path / "gap.duckdb"
    import_paths(files, target, progress=False)
    from swp_data.status import source_status

    with store.opened(target, read_only=True) as connection:
        engine = Engine(connection)
        q2 = engine.result("total_recorded_crime", city(), Period.parse("2023/24Q2"))
        assert q2.current.value == 80 and q2.coverage is not None and q2.coverage.missing == ["Jul 2023"]
        series = engine.series("total_recorded_crime", city(), Period.parse("2023/24Q2"))
        july = series[series["period"] == "Jul 2023"]
        assert july["value"].isna().all()
        status = source_status(connection).set_index("table")
        assert (status.loc["crime", "months_loaded"], status.loc["crime", "months_missing"]) == (5, 1)
        assert default_period(engine) == Period.parse("2023/24Q1")
