"""Ward populations for the ward polygons: the shipped area shares, the arithmetic, and the About the Data note."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import census_population, lsoa21_lookup

from swp_data import ward_population
from swp_data.ward_population import _largest_remainder, ward_populations

BILSTON_NORTH, BILSTON_SOUTH, BLAKENHALL = "E05014838", "E05014839", "E05014840"


def best_fit_shares() -> ward_population.Shares:
    """Every LSOA wholly in its best-fit ward: the old geography, as shares."""
    return {code: {row["WD25CD"]: 1.0} for code, row in lsoa21_lookup().items()}


def best_fit_sums() -> dict[str, int]:
    sums: dict[str, int] = {}
    for code, row in lsoa21_lookup().items():
        sums[row["WD25CD"]] = sums.get(row["WD25CD"], 0) + census_population()[code]
    return sums


def test_the_shipped_area_shares_are_what_the_boundaries_give(tmp_path: Path) -> None:
    """``python3 -m swp_data.ward_population`` rewrites the shipped file byte for byte."""
    derived = ward_population.derive_shares()
    assert derived == ward_population.shipped_shares()
    written = ward_population.write_shares(derived, tmp_path / "shares.csv")
    assert written.read_bytes() == ward_population.SHARES_FILE.read_bytes()
    assert len(derived) == 161
    for shares in derived.values():
        assert sum(shares.values()) == pytest.approx(1, abs=2e-5)  # 1 up to six-decimal rounding


def test_largest_remainder_rounding_by_hand() -> None:
    """1.5 + 1.25 + 2.25 = 5: floors 1, 1, 2 make 4, so the largest remainder (a, 0.5) rounds up."""
    assert _largest_remainder({"a": 1.5, "b": 1.25, "c": 2.25}, 5) == {"a": 2, "b": 1, "c": 2}
    # A tie goes to the lower code, so the result never depends on dictionary order.
    assert _largest_remainder({"b": 0.5, "a": 0.5}, 1) == {"a": 1, "b": 0}


def test_with_best_fit_shares_the_populations_are_the_best_fit_sums() -> None:
    wards = ward_populations(best_fit_shares())
    assert {w.ward_code: w.population for w in wards} == best_fit_sums()
    assert all(w.from_minority_parts == 0 for w in wards)


def test_one_lsoa_split_by_hand() -> None:
    """E01010410 (2,432 residents, best fit Bilston South) split 60/40 with Bilston North:
    2,432 x 0.4 = 972.8 to Bilston North, 1,459.2 stay. Every other ward is whole, so the one
    resident left over by the floors goes to the larger remainder (Bilston North's 0.8):
    Bilston North = 11,322 + 973 = 12,295 and Bilston South = 16,393 - 973 = 15,420."""
    shares = best_fit_shares()
    assert census_population()["E01010410"] == 2_432 and shares["E01010410"] == {BILSTON_SOUTH: 1.0}
    shares["E01010410"] = {BILSTON_SOUTH: 0.6, BILSTON_NORTH: 0.4}
    wards = {w.ward_code: w for w in ward_populations(shares)}
    assert (best_fit_sums()[BILSTON_NORTH], best_fit_sums()[BILSTON_SOUTH]) == (11_322, 16_393)
    assert (wards[BILSTON_NORTH].population, wards[BILSTON_SOUTH].population) == (12_295, 15_420)
    assert sum(w.population for w in wards.values()) == 263_730
    assert wards[BILSTON_NORTH].from_minority_parts == pytest.approx(972.8)  # 40% is not the main part
    assert wards[BILSTON_SOUTH].from_minority_parts == 0
    assert ward_population.straddling_lsoas(shares) == 1


def test_the_shipped_populations() -> None:
    """From the shipped shares: the city total is the Census total exactly; Bilston North gains 2,401 on
    its best-fit sum (13,723 against 11,322), the largest difference; the absolute differences of the
    20 wards, E05014838 to E05014857, are 2401 + 852 + 57 + 939 + 713 + 1143 + 624 + 6 + 621 + 4 + 1098
    + 5 + 514 + 259 + 16 + 451 + 1581 + 965 + 700 + 1663 = 14,612, a mean of 730.6."""
    wards = ward_populations()
    assert sum(w.population for w in wards) == 263_730 == sum(census_population().values())
    differences = {w.ward_code: w.population - w.population_lsoa_best_fit for w in wards}
    assert differences[BILSTON_NORTH] == 13_723 - 11_322 == 2_401 == max(abs(d) for d in differences.values())
    assert sum(abs(d) for d in differences.values()) == 14_612
    assert sum(differences.values()) == 0
    assert ward_population.straddling_lsoas() == 53


def test_about_the_data_says_how_and_how_far_out() -> None:
    note = ward_population.method_note()
    for phrase in (
        "53 of the 161 LSOAs",
        "in proportion to area (areal weighting)",
        "stays exactly 263,730",
        "differ by 731 on average and at most 2,401 (21% of Bilston North's best-fit figure)",
        "cannot be measured",
    ):
        assert phrase in note, phrase
