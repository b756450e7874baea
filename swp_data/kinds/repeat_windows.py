"""Counting people with repeat incidents per 12-month window.

At import a repeat KPI's incidents are stored per person, ward and month (``repeat_incident``),
and from them its counts for the 12 months to every month end, for each ward and the city
(``repeat_window``: a few thousand rows a KPI, whatever the store's size). Those are read once
per snapshot and looked up for any window; only the people with incidents in more than one
ward are counted from the incidents, for a selection of several wards. A store whose derived
tables are not current is counted from its records, inside DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from swp_data import derived

if TYPE_CHECKING:
    from swp_data.kinds.base import EngineView as Engine
    from swp_data.kinds.base import KpiSpec as Kpi

WINDOW_MONTHS = 12


def incident_select(kpi: Kpi) -> str:
    """The select giving the KPI's incidents, counted per person, ward and month (``?``: its key).

    People become numbers (1, 2, ...: nothing in the table names anyone) and a month's incidents
    one row, so a window over any wards is a small aggregate query. ``one_ward`` marks the people
    whose every incident is in one ward: for a selection of several wards, only the others need
    counting (see ``repeat_counts``).
    """
    return f"""
        with events as ({kpi.sql}),
        per_month as (
            select person, ward_code, month, count(*)::integer as incidents
            from events
            where ward_code is not null
            group by all
        ),
        people as (
            select person, dense_rank() over (order by person)::integer as number,
                   count(distinct ward_code) = 1 as one_ward
            from per_month
            group by person
        )
        select ?::varchar as kpi_key, p.number as person, m.ward_code, m.month, m.incidents, p.one_ward
        from per_month m
        join people p using (person)
    """


def window_select() -> str:
    """The select giving a repeat KPI's ``repeat_window`` rows (``?``: its key, then its threshold).

    Linear in the incidents, whatever the number of windows. Each incident is counted in at its
    month and out 12 months later, so a running sum over a person's months is their count for
    the 12 months to each month end, as steps. Each step with any incidents counts the person
    in at its month and out at their next step (a repeat if it reaches the threshold); a running
    sum of those gives the numerator and denominator from each month end on: for each ward and
    the city (every ward of the store, a person's incidents summed across them: ward_code NULL),
    and, for each ward, those of its people who have incidents in no other ward (``one_ward_``).
    """
    # One running sum over every person in turn, not one window partition per person (3x faster
    # at 10M crimes): a person's ins and outs sum to zero, so each person starts again from zero.
    # Rows of one person and month are peers and share the month's total; the steps of all but
    # the last of them start and end in that month, so they cancel. A person's last step is at
    # zero (not counted), so no step runs on into the next person.
    return f"""
        with incidents as (
            select kpi_key, person, ward_code, month, incidents, one_ward
            from {derived.INCIDENT_TABLE}
            where kpi_key = ? and ward_code in (select ward_code from ward)
        ),
        placed as (
            select kpi_key, person, ward_code, month, incidents, one_ward from incidents
            union all
            select kpi_key, person, null::varchar, month, incidents, one_ward from incidents
        ),
        changes as (
            select kpi_key, person, ward_code, one_ward,
                   unnest([month, (month + interval {WINDOW_MONTHS} month)::date]) as month,
                   unnest([incidents, -incidents]) as change
            from placed
        ),
        running as (
            select kpi_key, ward_code, month, one_ward,
                   sum(change) over people_in_turn as incidents,
                   lead(month) over people_in_turn as until
            from changes
            window people_in_turn as (order by person, ward_code, month)
        ),
        counted as (
            select kpi_key, ward_code, month, until, one_ward, (incidents >= ?)::integer as repeat
            from running
            where incidents > 0
        ),
        steps as (
            select kpi_key, ward_code, month,
                   sum(repeat) as numerator, count(*) as denominator,
                   sum(repeat) filter (where one_ward) as one_ward_numerator,
                   count(*) filter (where one_ward) as one_ward_denominator
            from counted
            group by all
            union all
            select kpi_key, ward_code, until,
                   -sum(repeat), -count(*), -sum(repeat) filter (where one_ward), -count(*) filter (where one_ward)
            from counted
            group by all
        ),
        per_month as (
            select kpi_key, ward_code, month,
                   sum(numerator) as numerator, sum(denominator) as denominator,
                   coalesce(sum(one_ward_numerator), 0) as one_ward_numerator,
                   coalesce(sum(one_ward_denominator), 0) as one_ward_denominator
            from steps
            group by all
        )
        select kpi_key, ward_code, month,
               (sum(numerator) over place_months)::integer as numerator,
               (sum(denominator) over place_months)::integer as denominator,
               (sum(one_ward_numerator) over place_months)::integer as one_ward_numerator,
               (sum(one_ward_denominator) over place_months)::integer as one_ward_denominator
        from per_month
        window place_months as (partition by kpi_key, ward_code order by month)
    """


def _incidents(engine: Engine, kpi: Kpi, spanning_wards_only: bool) -> tuple[str, list[object]]:
    """Where the KPI's incidents are read from, as SQL and its parameters (the same columns either way).

    The table built at import (only the people with incidents in more than one ward, if asked),
    or (a store written some other way, such as a test's) the records.
    """
    if spanning_wards_only or derived.current(engine.connection, engine.version, engine.cache):
        people = "and not one_ward" if spanning_wards_only else ""
        table = derived.INCIDENT_TABLE
        return f"select person, ward_code, month, incidents from {table} where kpi_key = ? {people}", [kpi.key]
    return f"select person, ward_code, month, 1 as incidents from ({kpi.sql}) where ward_code is not null", []


@dataclass(frozen=True)
class _Steps:
    """One place's ``repeat_window`` rows: from each month on (sorted), the counts until the next."""

    months: np.ndarray  # datetime64[D]
    counts: np.ndarray  # [row, measure]: numerator, denominator, one_ward_numerator, one_ward_denominator

    def as_of(self, last_months: np.ndarray, one_ward: bool) -> np.ndarray:
        """[window, numerator or denominator] for windows ending in ``last_months`` (zero before the first row)."""
        rows = np.searchsorted(self.months, last_months, side="right") - 1
        found = self.counts[np.maximum(rows, 0)][:, 2:4] if one_ward else self.counts[np.maximum(rows, 0)][:, 0:2]
        return np.where((rows >= 0)[:, None], found, 0)


_CITY = ""  # the key of the city's steps (its ward_code is NULL)
_MEASURES = "numerator, denominator, one_ward_numerator, one_ward_denominator"


def _stored_steps(engine: Engine, kpi: Kpi) -> dict[str, _Steps]:
    """The KPI's ``repeat_window`` rows by place (a ward code, or ``_CITY``), read once per snapshot."""

    def build() -> dict[str, _Steps]:
        frame = engine.connection.execute(
            f"select coalesce(ward_code, ?) as place, month, {_MEASURES} from {derived.WINDOW_TABLE} "
            "where kpi_key = ? order by place, month",
            [_CITY, kpi.key],
        ).df()
        measures = [m.strip() for m in _MEASURES.split(",")]
        return {
            str(place): _Steps(rows["month"].to_numpy("datetime64[D]"), rows[measures].to_numpy("int64"))
            for place, rows in frame.groupby("place", sort=False)
        }

    return engine.cache.get((engine.version, "repeat window steps", kpi.key), build)  # type: ignore[return-value]


def stored_windows(
    engine: Engine, kpi: Kpi, wards: tuple[str, ...], windows: list[tuple[date, date]], by_ward: bool
) -> pd.DataFrame:
    """``repeat_counts`` from ``repeat_window`` (the store's derived tables must be current).

    The city, one ward and every ward are looked up as they are. Several wards: the people seen
    in one ward only add up across wards, so theirs are looked up and summed; the others (people
    with incidents in more than one ward, whose incidents add up across just the wards chosen)
    are counted from the incidents, and the two added.
    """
    steps = _stored_steps(engine, kpi)
    last_months = np.array([last for _, last in windows], dtype="datetime64[D]")
    nobody = np.zeros((len(windows), 2), dtype="int64")

    def counts(place: str, one_ward: bool = False) -> np.ndarray:
        found = steps.get(place)
        return nobody if found is None else found.as_of(last_months, one_ward)

    window_ids = np.arange(len(windows))
    if by_ward:
        parts = [(code, counts(code)) for code in wards]
    elif set(wards) == set(engine.axis.wards):
        parts = [(None, counts(_CITY))]
    elif len(wards) == 1:
        parts = [(None, counts(wards[0]))]
    else:
        summed = sum((counts(code, one_ward=True) for code in wards), nobody)
        others = counted_windows(engine, kpi, wards, windows, spanning_wards_only=True)
        spanning = nobody.copy()
        spanning[others["window_id"].to_numpy(), :] = others[["numerator", "denominator"]].to_numpy()
        parts = [(None, summed + spanning)]
    ids = np.concatenate([window_ids for _ in parts])
    codes = np.array([code for code, _ in parts for _ in windows], dtype=object)
    numerators = np.concatenate([found[:, 0] for _, found in parts])
    denominators = np.concatenate([found[:, 1] for _, found in parts])
    # Windows with anyone in them, by window then ward: sorted on arrays, then one frame (a frame's
    # filter and sort cost more than the lookups, and every ward of a Ward Profile asks eight times).
    ward_order = np.array([sorted(wards).index(code) if code is not None else 0 for code, _ in parts])
    kept = np.flatnonzero(denominators > 0)
    kept = kept[np.lexsort((np.repeat(ward_order, len(windows))[kept], ids[kept]))]
    return pd.DataFrame(
        {
            "window_id": ids[kept],
            "ward_code": pd.array(codes[kept].tolist(), dtype="str") if by_ward else [None] * len(kept),
            "numerator": numerators[kept],
            "denominator": denominators[kept],
        }
    )


def repeat_counts(
    engine: Engine, kpi: Kpi, wards: tuple[str, ...], windows: list[tuple[date, date]], by_ward: bool = False
) -> pd.DataFrame:
    """People with ``threshold``+ incidents (numerator) and all people (denominator) per window (and ward).

    The same for analysts and partners, and shared by every session of the snapshot: looked up
    in the counts built at import (``stored_windows``; no person-level data is held in the
    server's memory), or, for a store whose derived tables are not current, counted from its
    records inside DuckDB.
    """
    key = (engine.version, "repeat counts", kpi.key, wards, tuple(windows), by_ward)

    def build() -> pd.DataFrame:
        if derived.current(engine.connection, engine.version, engine.cache):
            return stored_windows(engine, kpi, wards, windows, by_ward)
        return counted_windows(engine, kpi, wards, windows, by_ward)

    # The bounded cache of answers: every new selection and period adds a key.
    return engine.cache.results.get(key, build)  # type: ignore[return-value]


def counted_windows(
    engine: Engine,
    kpi: Kpi,
    wards: tuple[str, ...],
    windows: list[tuple[date, date]],
    by_ward: bool = False,
    spanning_wards_only: bool = False,
) -> pd.DataFrame:
    """``repeat_counts`` counted from the incidents, for any wards (what the stored counts are checked against).

    ``spanning_wards_only``: just the people with incidents in more than one ward (from the table).
    """
    source, parameters = _incidents(engine, kpi, spanning_wards_only)
    ward_column = "e.ward_code" if by_ward else "null::varchar"
    return engine.connection.execute(
        f"""
        with events as ({source}),
        windows as (
            select unnest(?::integer[]) as window_id,
                   unnest(?::date[]) as first_month,
                   unnest(?::date[]) as last_month
        ),
        per_person as (
            select w.window_id, {ward_column} as ward_code, e.person, sum(e.incidents) as incidents
            from events e
            join windows w on e.month between w.first_month and w.last_month
            where list_contains(?::varchar[], e.ward_code)
            group by all
        )
        select window_id, ward_code,
               count(*) filter (where incidents >= ?) as numerator,
               count(*) as denominator
        from per_person
        group by all
        order by window_id, ward_code
        """,
        [
            *parameters,
            list(range(len(windows))),
            [w[0] for w in windows],
            [w[1] for w in windows],
            list(wards),
            kpi.threshold,
        ],
    ).df()
