"""UK financial-year quarters: 2022/23 Q1 is April to June 2022."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_QUARTER_PATTERN = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*Q([1-4])\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be read or makes no sense."""


@dataclass(frozen=True, order=True)
class Quarter:
    """One financial-year quarter, ordered in time."""

    fy_start: int  # 2022 for 2022/23
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2022/23Q1``, ``2022/23 Q1`` or ``2022-23 Q1``."""
        match = _QUARTER_PATTERN.match(text)
        if not match:
            raise PeriodError(f"cannot read the quarter {text!r}: write it like 2022/23Q1 (April-June 2022)")
        start, end, number = int(match[1]), match[2], int(match[3])
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year % 100 != (start + 1) % 100:
            raise PeriodError(f"{text!r} is not a financial year: {start} must be followed by {start + 1}")
        return cls(start, number)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """The financial-year quarter a date falls in."""
        fy_start = day.year if day.month >= 4 else day.year - 1
        number = ((day.month - 4) % 12) // 3 + 1
        return cls(fy_start, number)

    @property
    def start(self) -> date:
        """First day of the quarter."""
        month = 4 + 3 * (self.number - 1)
        year = self.fy_start + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter."""
        return add_months(self.start, 3) - _ONE_DAY

    @property
    def months(self) -> list[date]:
        """First day of each of the quarter's three months."""
        return list(_quarter_months(self))

    @property
    def fy_label(self) -> str:
        """The financial year, e.g. ``2022/23``."""
        return f"{self.fy_start}/{(self.fy_start + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """The quarter, e.g. ``2022/23 Q1``."""
        return f"{self.fy_label} Q{self.number}"

    @property
    def code(self) -> str:
        """The compact form used in URLs and the CLI, e.g. ``2022/23Q1``."""
        return f"{self.fy_label}Q{self.number}"

    def shift(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (or earlier when negative)."""
        index = self.fy_start * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Period:
    """A run of consecutive quarters, first to last inclusive."""

    first: Quarter
    last: Quarter

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the period ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def parse(cls, first: str, last: str | None = None) -> Period:
        """A period from one or two quarter codes."""
        start = Quarter.parse(first)
        return cls(start, Quarter.parse(last) if last else start)

    @property
    def start(self) -> date:
        """First day of the period."""
        return self.first.start

    @property
    def end(self) -> date:
        """Last day of the period."""
        return self.last.end

    @property
    def quarters(self) -> list[Quarter]:
        """Every quarter in the period, in order."""
        return list(_period_quarters(self.first, self.last))

    @property
    def months(self) -> list[date]:
        """First day of every month in the period."""
        return list(_period_months(self.first, self.last))

    @property
    def month_count(self) -> int:
        """How many months the period spans."""
        return 3 * len(self.quarters)

    def shift(self, quarters: int) -> Period:
        """The same length of period, moved by ``quarters``."""
        return Period(self.first.shift(quarters), self.last.shift(quarters))

    def year_earlier(self) -> Period:
        """The same quarters one year before."""
        return self.shift(-4)

    @property
    def label(self) -> str:
        """``2022/23 Q1`` or ``2022/23 Q1 to 2023/24 Q4``."""
        if self.first == self.last:
            return self.first.label
        if self.first.number == 1 and self.last.number == 4 and self.first.fy_start == self.last.fy_start:
            return f"{self.first.fy_label} (full year)"
        return f"{self.first.label} to {self.last.label}"

    def __str__(self) -> str:
        return self.label


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month (day is ignored)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# Every rerun asks for the months of the same few dozen quarters thousands of times (a series
# is one span per point): they are worked out once. The caches return tuples; the properties
# hand out fresh lists, so no caller can change a cached answer.
@lru_cache(maxsize=4096)
def _quarter_months(quarter: Quarter) -> tuple[date, ...]:
    return tuple(add_months(quarter.start, offset) for offset in range(3))


@lru_cache(maxsize=4096)
def _period_quarters(first: Quarter, last: Quarter) -> tuple[Quarter, ...]:
    count = (last.fy_start - first.fy_start) * 4 + last.number - first.number
    return tuple(first.shift(i) for i in range(count + 1))


@lru_cache(maxsize=4096)
def _period_months(first: Quarter, last: Quarter) -> tuple[date, ...]:
    return tuple(month for quarter in _period_quarters(first, last) for month in _quarter_months(quarter))


def month_end(month_start: date) -> date:
    """The last day of the month that starts on ``month_start``."""
    return add_months(month_start, 1) - _ONE_DAY
