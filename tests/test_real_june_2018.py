"""What a user reads from the real June 2018 data.police.uk records (shipped in data/reference, OGL v3).

Counts are taken independently from the raw API JSON: 2,463 unique records, of which 239 vehicle
crime, 21 theft from the person, 180 burglary and 58 robbery. data.police.uk gives a crime type but
no Home Office subgroup, so burglary and robbery cannot be split into residential / personal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import duckdb
import pytest
from support import API_FILES

from swp_data import selection, store
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period
from swp_data.views import Dashboard

JUNE_2018 = Period.parse("2018/19Q1")


@pytest.fixture(scope="module")
def board() -> Iterator[Dashboard]:
    connection = store.memory_store()
    import_paths(API_FILES, connection=connection)
    yield Dashboard(connection, access="analyst")
    connection.close()


@pytest.fixture(scope="module")
def categories() -> Counter[str]:
    unique = {r["id"]: r for path in API_FILES for r in json.loads(path.read_text())}
    return Counter(r["category"] for r in unique.values())


def test_the_raw_files_hold_what_this_suite_assumes(categories: Counter[str]) -> None:
    assert (categories["vehicle-crime"], categories["theft-from-the-person"]) == (239, 21)
    assert (categories["burglary"], categories["robbery"]) == (180, 58)


def test_neighbourhood_crime_counts_police_uk_vehicle_crime_and_theft_from_the_person(
    board: Dashboard, categories: Counter[str]
) -> None:
    filters = Filters(selection.city(), JUNE_2018)
    neighbourhood = board.result("neighbourhood_crime", filters)
    vehicle = board.result("vehicle_crime", filters)
    assert vehicle.current.value == categories["vehicle-crime"] == 239
    assert neighbourhood.current.value == 239 + 21
    assert neighbourhood.current.value >= vehicle.current.value
    # Burglary and robbery without a subgroup may be business offences: counted as unknown, said in a note.
    assert neighbourhood.availability == "partial"
    assert any(note.startswith(f"{180 + 58:,} records could not be counted") for note in neighbourhood.notes)


def test_the_neighbourhood_breakdown_marks_vehicle_crime_without_a_subgroup(board: Dashboard) -> None:
    frame = board.breakdown("neighbourhood_crime", "type", Filters(selection.city(), JUNE_2018))
    counts = dict(zip(frame["category"], frame["numerator"], strict=True))
    assert counts == {"vehicle crime (subgroup not recorded)": 239, "theft from the person": 21}


def test_residential_burglary_is_not_available_rather_than_zero(board: Dashboard) -> None:
    result = board.result("burglary_residential", Filters(selection.city(), JUNE_2018))
    assert result.availability == "not available"
    assert any(note.startswith("180 records could not be counted") for note in result.notes)


def test_no_neighbourhood_crime_is_lost_in_the_wards(board: Dashboard) -> None:
    wards = board.by_ward("neighbourhood_crime", Filters(selection.city(), JUNE_2018))
    assert wards["numerator"].sum() == 260
    connection: duckdb.DuckDBPyConnection = board.engine.connection
    in_wards = connection.execute(
        "select count(*) from crime where police_crime_type in ('Vehicle crime', 'Theft from the person')"
    ).fetchone()
    assert in_wards == (260,)


def test_the_overview_and_ward_profile_never_read_nan_or_none(board: Dashboard) -> None:
    """Missing values (no RAG, no comparison) show as words or blanks, never pandas' NaN."""
    from swp_app.tables import overview_display, ward_profile_display

    filters = Filters(selection.city(), JUNE_2018)
    shown = overview_display(board.overview(filters))
    profile = ward_profile_display(board.ward_profile("E05014848", filters))
    for frame in (shown, profile):
        cells = frame.drop(columns=[c for c in ("rank_of_20",) if c in frame]).astype(str).to_numpy().ravel()
        assert not {"nan", "None", "NaN", "<NA>"} & set(cells)
    assert "" in set(shown["rag"])  # KPIs without a rating read blank


def test_what_the_overview_reads_on_police_uk_data_alone(board: Dashboard) -> None:
    """One month loaded: 2018/19 Q1 is 'incomplete: 1 of 3 months'; flags police.uk lacks are 'not available'
    with the field named; KPIs from sources never loaded read 'no data' and are not RAG-rated; the
    comparison quarter (2017/18 Q1) was never loaded, so it reads 'no data', never 0."""
    from swp_app.tables import overview_display

    filters = Filters(selection.city(), JUNE_2018)
    table = board.overview(filters)
    shown = overview_display(table).set_index("key")
    assert shown.loc["vehicle_crime", "value"] == "239 (incomplete: 1 of 3 months)"
    assert shown.loc["vehicle_crime", "comparison"] == "no data"
    assert shown.loc["vehicle_crime", "change"] == "incomplete period"
    assert shown.loc["vehicle_crime", "rolling_12_months"] == "incomplete (fewer than 12 months loaded)"
    assert shown.loc["domestic_abuse_crimes", "value"].startswith("not available (source has no domestic-abuse flag)")
    assert shown.loc["violence_with_injury", "value"].startswith("not available (source has no offence subgroup)")
    assert shown.loc["hate_crime", "value"].startswith("not available (source has no hate-crime flag)")
    assert shown.loc["marac_cases", "value"] == "no data"
    assert shown.loc["marac_cases", "rag"] == ""
    assert set(shown["rag"]) == {""}  # nothing is rated on an incomplete quarter or on no data
    typed = table.set_index("key")
    assert typed.loc["domestic_abuse_crimes", "value"] is None or typed["value"].isna()["domestic_abuse_crimes"]


def test_a_not_available_kpi_never_shows_a_number(board: Dashboard) -> None:
    result = board.result("domestic_abuse_crimes", Filters(selection.city(), JUNE_2018))
    assert result.availability == "not available"
    assert result.current.value is None and result.current.low is None and result.current.high is None
    assert result.unavailable_reason == "source has no domestic-abuse flag"
    assert result.rag is None and result.comparison is None and result.rolling_12_months is None
    wards = board.by_ward("domestic_abuse_crimes", Filters(selection.city(), JUNE_2018))
    assert wards["value"].isna().all()


def test_the_default_quarter_is_the_latest_complete_one_or_the_latest_with_data(board: Dashboard) -> None:
    """June 2018 alone completes no quarter, so the first visit shows the only quarter there is."""
    assert board.default_quarter() == "2018/19Q1"
    result = board.result("vehicle_crime", Filters(selection.city(), JUNE_2018))
    assert result.coverage is not None and (result.coverage.covered, result.coverage.months) == (1, 3)
    assert result.coverage.missing == ["Apr 2018", "May 2018"]


def test_the_records_behind_vehicle_crime_are_the_239_vehicle_crimes(
    board: Dashboard, categories: Counter[str]
) -> None:
    """City, 2018/19 Q1 (only June 2018 loaded): 239 unique 'vehicle-crime' records in the raw JSON."""
    records = board.records("vehicle_crime", Filters(selection.city(), JUNE_2018), limit=None)
    assert records.total == len(records.frame) == categories["vehicle-crime"] == 239
    assert records.matches and records.note is None
    assert set(records.frame["police_crime_type"]) == {"Vehicle crime"}
    assert records.frame["crime_id"].is_unique


def test_the_records_behind_a_ward_are_the_wards_share_of_the_city(board: Dashboard) -> None:
    """Each ward's vehicle crimes are listed with its code, and the 20 wards' lists add up to the 239."""
    filters = Filters(selection.city(), JUNE_2018)
    wards = board.by_ward("vehicle_crime", filters)
    listed = 0
    for code, count in zip(wards["ward_code"], wards["numerator"], strict=True):
        records = board.records("vehicle_crime", Filters(selection.from_codes([code]), JUNE_2018), limit=None)
        assert records.total == count and set(records.frame["ward_code"]) <= {code}
        listed += records.total
    assert listed == 239


def test_knife_crime_and_hidden_harm_list_no_records_and_say_they_are_not_available(
    board: Dashboard, categories: Counter[str]
) -> None:
    """data.police.uk carries no knife flag or hidden harm marker: no record can be counted, none is listed.

    Knife crime cannot be judged for violence and robbery: 'violent-crime' + 'robbery' records
    (731 + 58 = 789 in the raw JSON). Hidden harm cannot be judged for any crime: every unique
    record that is not ASB (2,463 - 390 = 2,073). Those are the 'unknown' part, listed on request.
    """
    filters = Filters(selection.city(), JUNE_2018)
    knife_types = categories["violent-crime"] + categories["robbery"]
    crimes = sum(categories.values()) - categories["anti-social-behaviour"]
    assert (knife_types, crimes) == (789, 2073)
    for key, unjudged in (("knife_crime", knife_types), ("hidden_harm", crimes)):
        counted = board.records(key, filters)
        assert (counted.total, counted.figure) == (0, 0)
        assert board.result(key, filters).availability == "not available"
        assert counted.note is not None and "is not available for these records, rather than zero" in counted.note
        assert f"{unjudged:,} further records could not be judged" in counted.note
        unknown = board.records(key, filters, "unknown", limit=None)
        assert unknown.total == len(unknown.frame) == unknown.figure == unjudged
        assert set(unknown.frame["source_format"]) == {"police.uk api"}
