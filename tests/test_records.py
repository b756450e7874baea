"""The records behind a figure: exactly the rows it counts, from the declaration its SQL is built from."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from swp_data import geography, selection, store
from swp_data.access import ANALYST, AccessDenied
from swp_data.calc.engine import Engine
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.kpis.scope import RecordScope
from swp_data.periods import Period
from swp_data.records import RecordsUnavailable, list_records, record_parts, unavailable_reason
from swp_data.selection import WardSelection
from swp_data.sources import SOURCES
from swp_data.views import Dashboard

PARK, PENN = "E05014851", "E05014852"
Q1_2023 = Period.parse("2023/24Q1")


def _lsoa_in(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def _crime(n: int, ward: str, day: str, subgroup: str, **fields: object) -> dict[str, object]:
    return {
        "crime_id": f"C{n}",
        "recorded_date": day,
        "lsoa_code": _lsoa_in(ward),
        "offence_subgroup": subgroup,
        **fields,
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Six crimes, counted by hand in the tests below."""
    crimes = [
        _crime(1, PARK, "2023-04-03", "robbery of personal property", knife_crime="yes", victim_id="V1"),
        _crime(2, PARK, "2023-05-10", "violence with injury", knife_crime="no", victim_id="V1"),
        _crime(3, PARK, "2023-06-20", "violence with injury", victim_id="V2"),  # knife flag blank: unknown
        _crime(4, PENN, "2023-04-15", "violence with injury", knife_crime="yes", victim_id="V3"),
        _crime(5, PARK, "2023-07-01", "violence with injury", knife_crime="yes", victim_id="V1"),  # 2023/24 Q2
        _crime(6, PARK, "2023-05-12", "shoplifting", knife_crime="yes", business_victim="yes", victim_id="B1"),
    ]
    path = tmp_path_factory.mktemp("records") / "crime.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES["crime"].columns])
        writer.writeheader()
        writer.writerows(crimes)
    connection = store.memory_store()
    import_paths([path], connection=connection)
    return Engine(connection)


def test_knife_crime_records_are_the_hand_counted_crimes(engine: Engine) -> None:
    """Knife crime = violence or robbery with the knife flag set.

    2023/24 Q1: C1 (Park robbery, knife) and C4 (Penn violence, knife) count; C2 has the flag 'no';
    C3 has it blank (unknown: 1, in Park); C5 is in Q2; C6 is shoplifting (not violence or robbery).
    City: C1, C4 (2 rows, both April, so in crime_id order). Park: C1 (1 row) and 1 unknown (C3).
    """
    city = list_records(engine, "knife_crime", selection.city(), Q1_2023)
    assert (city.total, city.figure, list(city.frame["crime_id"])) == (2, 2, ["C1", "C4"])
    park = list_records(engine, "knife_crime", selection.resolve("Park"), Q1_2023)
    assert (park.total, park.figure, list(park.frame["crime_id"])) == (1, 1, ["C1"])
    assert park.note is not None and park.note.startswith("1 further records could not be judged")
    unknown = list_records(engine, "knife_crime", selection.resolve("Park"), Q1_2023, "unknown")
    assert (unknown.total, unknown.figure, list(unknown.frame["crime_id"])) == (1, 1, ["C3"])
    assert unknown.note is None and park.matches and city.matches and unknown.matches


def test_the_columns_are_the_sources_store_columns_without_the_load_id(engine: Engine) -> None:
    frame = list_records(engine, "knife_crime", selection.city(), Q1_2023).frame
    assert list(frame.columns) == [c for c in SOURCES["crime"].store_columns if c != "load_id"]


def test_a_limit_caps_the_rows_never_the_count(engine: Engine) -> None:
    """Total recorded crime in 2023/24 Q1: C1, C2, C3, C4, C6 = 5 rows; limit 2 returns C1 and C4 (April)."""
    records = list_records(engine, "total_recorded_crime", selection.city(), Q1_2023, limit=2)
    assert (records.total, len(records.frame), records.truncated, records.matches) == (5, 2, True, True)
    assert list(records.frame["crime_id"]) == ["C1", "C4"]


def test_repeat_records_are_the_incidents_of_the_repeat_people(engine: Engine) -> None:
    """Repeat victimisation, 12 months to Jun 2023, victims of crimes against a person (not businesses).

    Incidents: V1 twice (C1, C2), V2 once (C3), V3 once (C4); C5 is after June, C6 a business.
    Numerator: V1 with 2 incidents -> 2 rows of 1 person. Denominator: 4 rows of 3 people.
    Penn alone: V3 only -> numerator 0 rows of 0 people, denominator 1 row of 1 person.
    """
    numerator = list_records(engine, "repeat_victimisation", selection.city(), Q1_2023)
    assert (numerator.total, numerator.people, list(numerator.frame["crime_id"])) == (2, 1, ["C1", "C2"])
    assert numerator.figure == 1 and numerator.matches
    assert numerator.summary() == "2 records of 1 distinct victim_id: the same as the figure's numerator (1)"
    denominator = list_records(engine, "repeat_victimisation", selection.city(), Q1_2023, "denominator")
    assert (denominator.total, denominator.people, denominator.figure) == (4, 3, 3)
    assert numerator.period == "12 months to Jun 2023"
    penn = [
        list_records(engine, "repeat_victimisation", selection.resolve("Penn"), Q1_2023, p)
        for p in record_parts(catalogue.get("repeat_victimisation"))
    ]
    assert [(r.total, r.people) for r in penn] == [(0, 0), (1, 1)]


def test_a_part_the_figure_does_not_have_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="no denominator records"):
        list_records(engine, "knife_crime", selection.city(), Q1_2023, "denominator")


# -- the whole catalogue on the demo store ---------------------------------------------------------------

NO_RECORDS = {
    # aggregate partner returns and comparator figures: no records exist
    "asb_case_reviews",
    "asb_case_reviews_held",
    "diversion_engagement",
    "marac_cases",
    "marac_repeat_rate",
    "sarc_referrals",
    "pact_issues_resolved",
    "pact_meetings",
    "wm_safety_rank",
    # declared with their own SQL over record-level sources: no record predicate
    "asb_feel_safe",
    "women_feel_safe_night",
    "residents_feel_safe",
    "residents_feel_safe_day",
    "reoffending_rate_adult",
    "reoffending_rate_youth",
    "reoffences_per_reoffender",
    "iom_reoffending_rate",
}


def test_exactly_these_kpis_have_no_records_and_each_says_why() -> None:
    kpis = catalogue.catalogue()
    assert {key for key, kpi in kpis.items() if unavailable_reason(kpi) is not None} == NO_RECORDS
    assert unavailable_reason(kpis["asb_feel_safe"]) == (
        "Records are not available for Residents who feel safe in their neighbourhood: a weighted survey "
        "proportion: its figure sums response weights rather than counting records, so no list of responses "
        "adds up to it"
    )
    assert "MoJ cohort measure" in (unavailable_reason(kpis["reoffending_rate_adult"]) or "")
    assert "partner returns" in (unavailable_reason(kpis["marac_cases"]) or "")
    assert all(record_parts(kpis[key]) == {} for key in NO_RECORDS)


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Engine:
    return Engine(duckdb.connect(str(demo_db), read_only=True))


LISTABLE = sorted(set(catalogue.catalogue()) - NO_RECORDS)
HEATH_TOWN = selection.resolve("Heath Town")


@pytest.mark.parametrize("key", LISTABLE)
@pytest.mark.parametrize("where", [HEATH_TOWN, selection.city()], ids=["Heath Town", "city"])
def test_every_listable_kpi_lists_as_many_records_as_its_figure_counts(
    demo: Engine, key: str, where: WardSelection
) -> None:
    """For a ward and a quarter and for the city: rows (people, for repeat measures) = the figure's parts.

    The figure's numerator and denominator are ``Engine.result``'s; the unknown part is the grid's unknown.
    """
    period = Period.parse("2025/26Q3")
    kpi = catalogue.get(key)
    result = demo.result(key, where, period, with_spc=False)
    for part in record_parts(kpi):
        records = list_records(demo, key, where, period, part, limit=0)
        expected = records.figure if part == "unknown" else getattr(result.current, part)
        assert expected is not None
        assert records.counted == round(expected), (key, part)
        assert records.figure == expected and records.matches


def test_the_demo_figures_are_not_trivially_zero(demo: Engine) -> None:
    """The catalogue test above compares real counts, not empty selections: hundreds of crimes in the ward."""
    period = Period.parse("2025/26Q3")
    city = list_records(demo, "total_recorded_crime", selection.city(), period, limit=0)
    ward = list_records(demo, "total_recorded_crime", HEATH_TOWN, period, limit=0)
    assert city.total > ward.total > 100


def test_a_city_wide_kpi_has_no_records_for_a_ward() -> None:
    kpi = catalogue.get("sarc_referrals")
    assert unavailable_reason(kpi, HEATH_TOWN) is not None


def test_partners_are_refused_records_and_offered_none(demo_db: Path) -> None:
    partner = Dashboard(duckdb.connect(str(demo_db), read_only=True))
    filters = Filters(HEATH_TOWN, Period.parse("2025/26Q1"))
    with pytest.raises(AccessDenied):
        partner.records("knife_crime", filters)
    assert partner.record_parts("knife_crime", filters) == {}
    assert partner.records_unavailable("knife_crime", filters) == "Record-level data is for signed-in analysts only."
    analyst = Dashboard(duckdb.connect(str(demo_db), read_only=True), access=ANALYST)
    with pytest.raises(RecordsUnavailable, match="weighted survey proportion"):
        analyst.records("asb_feel_safe", filters)
    assert list(analyst.record_parts("alcohol_related_share", filters)) == ["numerator", "denominator", "unknown"]


def test_a_kpi_whose_sql_is_not_its_scopes_grid_is_refused() -> None:
    """The figure and its records come from one declaration: a KPI cannot carry a scope its SQL does not match."""
    knife = catalogue.get("knife_crime")
    wider = RecordScope(table="crime", numerator="knife_crime")
    with pytest.raises(ValueError, match="not the grid of its record scope"):
        Kpi.model_validate({**knife.model_dump(exclude={"unit"}), "records": wider})
