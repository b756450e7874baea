"""The KPI catalogue: every KPI of the spec under its key, with the spec's direction and sensitivity."""

from __future__ import annotations

import duckdb
import pytest

from swp_data.kpis import catalogue as kpis
from swp_data.kpis.catalogue import CatalogueError, validate
from swp_data.kpis.compose import breakdown, repeat, share
from swp_data.kpis.model import Kpi
from swp_data.schema import full_ddl
from swp_data.sources import SOURCES
from swp_data.sources.measures import either

# From the KPI catalogue spec: key -> (desired direction, sensitive). wm_safety_rank is "up (towards 1st)",
# i.e. a smaller rank number: stored as numeric direction "down" with the words kept in `better`.
SPEC: dict[str, tuple[str, bool]] = {
    "alcohol_related_share": ("down", False),
    "drug_related_share": ("down", False),
    "total_recorded_crime": ("down", False),
    "reoffending_rate_adult": ("down", True),
    "reoffending_rate_youth": ("down", True),
    "reoffences_per_reoffender": ("down", True),
    "iom_reoffending_rate": ("down", True),
    "first_time_entrants": ("down", True),
    "community_order_completion": ("up", False),
    "unpaid_work_completion": ("up", False),
    "post_release_completion": ("up", False),
    "drr_atr_completion": ("up", True),
    "cj_treatment_referrals": ("up", True),
    "treatment_successful_completion": ("up", True),
    "treatment_representation": ("down", True),
    "drug_tests_positive": ("neutral", True),
    "violence_with_injury": ("down", False),
    "public_place_violence": ("down", False),
    "knife_crime": ("down", False),
    "firearm_crime": ("down", True),
    "personal_robbery": ("down", False),
    "alcohol_related_violence": ("down", False),
    "domestic_abuse_crimes": ("up", True),
    "serious_sexual_offences": ("up", True),
    "repeat_ppv": ("down", True),
    "repeat_victimisation": ("down", True),
    "marac_cases": ("up", True),
    "hate_crime": ("up", True),
    "hidden_harm": ("up", True),
    "vawg_offences": ("up", True),
    "women_feel_safe_night": ("up", False),
    "residents_feel_safe": ("up", False),
    "business_crime_repeat": ("down", False),
    "sarc_referrals": ("up", True),
    "pact_issues_resolved": ("up", False),
    "asb_incidents": ("neutral", False),
    "asb_repeat_callers": ("down", False),
    "asb_interventions": ("up", False),
    "asb_case_reviews": ("neutral", False),
    "diversion_engagement": ("up", False),
    "asb_feel_safe": ("up", False),
    "neighbourhood_crime": ("down", False),
    "burglary_residential": ("down", False),
    "vehicle_crime": ("down", False),
    "theft_from_person": ("down", False),
    "wm_safety_rank": ("down", False),
    "nc_repeat_victims": ("down", False),
    "nc_repeat_offenders": ("down", True),
    "nc_positive_outcomes": ("up", False),
}
REOFFENDING_AND_TREATMENT_SOURCES = {"reoffending_cohort", "treatment_episode", "drug_test"}


def test_every_spec_kpi_is_declared_with_its_direction_and_sensitivity() -> None:
    declared = kpis.catalogue()
    assert set(SPEC) <= set(declared)
    for key, (direction, sensitive) in SPEC.items():
        assert (declared[key].direction, declared[key].sensitive) == (direction, sensitive), key
    assert "towards 1st" in declared["wm_safety_rank"].better


def test_more_reporting_is_better_where_the_strategy_says_so() -> None:
    for key in (
        "domestic_abuse_crimes",
        "serious_sexual_offences",
        "hidden_harm",
        "hate_crime",
        "sarc_referrals",
        "cj_treatment_referrals",
        "marac_cases",
    ):
        assert kpis.get(key).direction == "up", key


def test_anything_from_reoffending_or_treatment_is_sensitive() -> None:
    for kpi in kpis.catalogue().values():
        if kpi.source in REOFFENDING_AND_TREATMENT_SOURCES:
            assert kpi.sensitive, kpi.key


def test_companions_point_at_top_level_kpis_on_the_same_page() -> None:
    declared = kpis.catalogue()
    for kpi in declared.values():
        if kpi.parent:
            assert declared[kpi.parent].priority == kpi.priority, kpi.key


def _copy(original: str, **changes: object) -> Kpi:
    return kpis.get(original).model_copy(update=changes)


def test_duplicate_keys_and_labels_are_refused() -> None:
    with pytest.raises(CatalogueError, match="declared twice"):
        validate([kpis.get("hate_crime"), _copy("hate_crime", label="Another label")])
    with pytest.raises(CatalogueError, match="used twice"):
        validate([kpis.get("hate_crime"), _copy("hate_crime", key="hate_crime_2")])


def test_a_kpi_that_cannot_run_against_the_schema_is_refused() -> None:
    with pytest.raises(CatalogueError, match="does not run against the schema"):
        validate(
            [_copy("hate_crime", sql="select ward_code, month, count(*) as numerator from crime_typo group by all")]
        )
    with pytest.raises(CatalogueError, match="returns"):
        validate([_copy("hate_crime", sql="select ward_code, month, count(*) as numerator from crime group by all")])
    with pytest.raises(CatalogueError, match="unknown source"):
        validate([_copy("hate_crime", source="nowhere")])


def declared(key: str) -> dict[str, object]:
    """A KPI's declaration as a dict (the unit is not declared: it follows from the kind)."""
    return kpis.get(key).model_dump(exclude={"unit"})


def test_declarations_check_their_own_consistency() -> None:
    # The unit follows from the kind, so a share in a count unit cannot even be declared.
    assert kpis.get("alcohol_related_share").unit == "percent"
    with pytest.raises(ValueError, match="unit"):
        Kpi.model_validate(declared("alcohol_related_share") | {"unit": "count"})
    with pytest.raises(ValueError, match="needs its denominator"):
        Kpi.model_validate(declared("alcohol_related_share") | {"denominator": None})
    with pytest.raises(ValueError, match="only counts carry a rate per 1,000"):
        Kpi.model_validate(declared("alcohol_related_share") | {"per_1000": True})
    with pytest.raises(ValueError, match="not a registered kind"):
        Kpi.model_validate(declared("alcohol_related_share") | {"measure": "percentage"})
    with pytest.raises(ValueError, match="not a page that reports KPIs"):
        Kpi.model_validate(declared("alcohol_related_share") | {"priority": "ward_profile"})


def test_every_source_measure_runs_against_the_schema() -> None:
    schema = duckdb.connect()
    try:
        schema.execute(full_ddl())
        for source in SOURCES.values():
            for measure in source.measures:
                query = (
                    f"select {measure.month}, {measure.value} filter (where {measure.condition}), "
                    f"count(*) filter (where {measure.unknown}) from {measure.table} group by all"
                )
                try:
                    schema.execute(query).fetchall()
                except duckdb.Error as error:  # pragma: no cover - the message names the measure
                    pytest.fail(f"{measure.ref} does not run against the schema: {error}")
    finally:
        schema.close()


def test_every_source_measure_is_used_by_a_kpi() -> None:
    used = set()
    for kpi in kpis.catalogue().values():
        used.update(kpi.measures)
        for split in kpi.breakdowns:
            used.update(split.measures)
    declared = {measure.ref for source in SOURCES.values() for measure in source.measures}
    assert declared, "no source declares measures"
    assert not declared - used, f"measures no KPI composes: {sorted(declared - used)}"
    assert used <= declared


_OWN = {  # a KPI's own fields, for compositions that should be refused
    "key": "example",
    "label": "Example",
    "priority": "reducing_reoffending",
    "definition": "An example.",
    "direction": "up",
    "better": "up",
    "sensitive": True,
}


def test_compositions_refuse_what_they_cannot_compute() -> None:
    treatment, probation = SOURCES["treatment_episode"].measures, SOURCES["probation_termination"].measures
    with pytest.raises(ValueError, match="different sources"):
        share(treatment.cj_referrals, of=probation.completed, **_OWN)
    with pytest.raises(ValueError, match="different months"):
        share(treatment.successful_completion, of=treatment.all_referrals, **_OWN)
    with pytest.raises(ValueError, match="needs the record's month"):
        breakdown("substance", "By substance", by="substance_group", of=treatment.successful_completion)
    with pytest.raises(ValueError, match="needs the record's month"):
        repeat(treatment.successful_completion, person="client_id", **_OWN)


def test_partner_shares_scan_only_their_two_indicators() -> None:
    assert either("indicator_key = 'a'", "indicator_key = 'b'") == "indicator_key in ('a', 'b')"
    assert either("completed", "indicator_key = 'b'") == "(completed) or (indicator_key = 'b')"
    assert "where indicator_key in ('marac_repeat_cases', 'marac_cases')" in kpis.get("marac_repeat_rate").sql


def test_every_breakdown_partners_see_declares_its_categories() -> None:
    """A partner's city-wide breakdown has a row for every category, records or not: a missing row is a zero."""
    from swp_data.disclosure.closed import PublishedCells

    seen = {
        kpi.key: kpi.breakdowns[0]
        for kpi in kpis.catalogue().values()
        if kpi.sensitive and PublishedCells.count_breakdown(None, kpi) is not None  # type: ignore[arg-type]
    }
    assert set(seen) == {"cj_treatment_referrals", "serious_sexual_offences", "hate_crime", "hidden_harm"}
    assert all(spec.categories for spec in seen.values()), [k for k, s in seen.items() if not s.categories]


def test_kpis_sharing_a_sensitive_measure_must_share_its_zero_rule() -> None:
    """A count shown as 0 would open its share's withheld zero: the catalogue refuses the mismatch."""
    kpis_now = list(kpis.catalogue().values())
    count = kpis.catalogue()["cj_treatment_referrals"]
    assert count.zero_disclosive and kpis.catalogue()["cj_treatment_referral_share"].zero_disclosive
    mismatched = [k if k.key != count.key else k.model_copy(update={"zero_is_disclosive": False}) for k in kpis_now]
    with pytest.raises(CatalogueError, match=r"treatment_episode\.cj_referrals is used by sensitive KPIs"):
        validate(mismatched)
