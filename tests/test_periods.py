"""Financial-year quarters: 2022/23 Q1 is April to June 2022, Q4 is January to March 2023."""

from __future__ import annotations

from datetime import date

import pytest

from swp_data.periods import Period, PeriodError, Quarter


def test_quarter_boundaries() -> None:
    q1 = Quarter.parse("2022/23Q1")
    assert (q1.start, q1.end) == (date(2022, 4, 1), date(2022, 6, 30))
    q4 = Quarter.parse("2022/23 Q4")
    assert (q4.start, q4.end) == (date(2023, 1, 1), date(2023, 3, 31))
    assert q4.months == [date(2023, 1, 1), date(2023, 2, 1), date(2023, 3, 1)]
    assert Quarter.containing(date(2023, 3, 31)).label == "2022/23 Q4"
    assert Quarter.containing(date(2023, 4, 1)).label == "2023/24 Q1"
    assert Quarter.containing(date(2022, 12, 31)).label == "2022/23 Q3"
    assert q4.shift(1).label == "2023/24 Q1" and q1.shift(-1).label == "2021/22 Q4"


def test_periods() -> None:
    year = Period.parse("2022/23Q1", "2022/23Q4")
    assert year.label == "2022/23 (full year)"
    assert year.month_count == 12 and year.months[0] == date(2022, 4, 1) and year.months[-1] == date(2023, 3, 1)
    assert year.year_earlier().label == "2021/22 (full year)"
    assert Period.parse("2022/23Q3", "2023/24Q2").label == "2022/23 Q3 to 2023/24 Q2"


@pytest.mark.parametrize("text", ["2022Q1", "2022/24Q1", "2022/23Q5", "Q1 2022", ""])
def test_bad_quarters_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Quarter.parse(text)


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(PeriodError, match="ends"):
        Period.parse("2023/24Q1", "2022/23Q4")
