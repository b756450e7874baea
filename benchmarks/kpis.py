"""Benchmark: KPI calculations on a store of 10 million crimes plus proportionate other sources.

Usage: python3 -m benchmarks.kpis [--copies 40] [--trials 100]
Goals: every KPI on a page for a random ward selection and quarter range at p95 < 150 ms;
the whole Overview (every KPI, city) < 1 s. Also reports the ratio to a naive pandas
computation of the same figures (the Violence Prevention page, from the raw records).

The store is the demo store with every source copied ``copies`` times (ids made
distinct per copy, so repeat victims stay within a copy), about 10M crimes at 40.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from swp_data import derived, selection
from swp_data.calc.engine import Engine
from swp_data.demo import build_demo_store
from swp_data.disclosure.closed import store_protections
from swp_data.grid import GridCache
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period
from swp_data.settings import get_settings
from swp_data.site import PRIORITIES
from swp_data.sources import SOURCES

ID_COLUMNS = {
    "crime": ["crime_id", "victim_id", "offender_id"],
    "asb_incident": ["incident_id", "caller_id", "location_id"],
    "reoffending_cohort": ["offender_id"],
    "youth_first_time_entrant": ["person_id"],
    "probation_termination": ["order_id"],
    "treatment_episode": ["episode_id", "client_id"],
    "drug_test": ["test_id"],
    "survey_response": ["response_id"],
}


def scale_store(path: Path, copies: int) -> None:
    """Copy every record-level source ``copies`` times in place (counts of aggregates scale too)."""
    connection = duckdb.connect(str(path))
    for table, ids in ID_COLUMNS.items():
        replace = ", ".join(f"{c} || '-' || k as {c}" for c in ids)
        columns = ", ".join(SOURCES[table].store_columns)
        connection.execute(f"create temp table base as select * from {table}")
        connection.execute(
            f"insert into {table} ({columns}) select {columns} from "
            f"(select * replace ({replace}) from base, range(1, {copies}) t(k)) order by month"
        )
        connection.execute("drop table base")
    connection.execute("update partner_return set value = value * ?", [copies])
    connection.execute("update comparator_area set count = count * ?, population = population * ?", [copies, copies])
    # What an import builds, rebuilt from the copied records (the load log is unchanged, so tables
    # built from one copy would otherwise pass as current).
    derived.build(connection, catalogue().values())
    store_protections(connection, get_settings().disclosure_threshold)
    connection.execute("checkpoint")
    connection.close()


def random_selection(rng: random.Random) -> selection.WardSelection:
    """The city, one ward, a group, or a few wards."""
    names = list(selection.ward_names())
    choice = rng.random()
    if choice < 0.2:
        return selection.city()
    if choice < 0.6:
        return selection.from_codes([rng.choice(names)])
    return selection.from_codes(rng.sample(names, rng.randint(2, 6)))


def random_period(engine: Engine, rng: random.Random) -> Period:
    """One to eight quarters, ending at least a year after the store begins."""
    quarters = engine.quarters()[4:]
    last = rng.randrange(len(quarters))
    first = max(0, last - rng.randint(0, 7))
    return Period(quarters[first], quarters[last])


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def naive_violence_page(frame: pd.DataFrame, wards: tuple[str, ...], period: Period) -> dict[str, float]:
    """The Violence Prevention page's crime KPIs computed straight from the records with pandas."""
    first, last = np.datetime64(period.start), np.datetime64(period.months[-1])
    scope = frame[frame["ward_code"].isin(wards)]
    now = scope[(scope["month"] >= first) & (scope["month"] <= last)]
    before = scope[
        (scope["month"] >= first - np.timedelta64(365, "D")) & (scope["month"] <= last - np.timedelta64(365, "D"))
    ]
    out = {}
    for name, part in (("now", now), ("before", before)):
        vwi = part["offence_subgroup"] == "violence with injury"
        out[f"vwi_{name}"] = int(vwi.sum())
        out[f"ppv_{name}"] = int((vwi & part["public_place"].fillna(False)).sum())
        out[f"knife_{name}"] = int(part["knife_crime"].fillna(False).sum())
        out[f"firearm_{name}"] = int(part["firearm"].fillna(False).sum())
        out[f"robbery_{name}"] = int((part["offence_subgroup"] == "robbery of personal property").sum())
        known = part[vwi & part["alcohol_related"].notna()]
        out[f"alcohol_{name}"] = float(known["alcohol_related"].mean()) if len(known) else 0.0
        out[f"da_{name}"] = int(part["domestic_abuse"].fillna(False).sum())
        out[f"sexual_{name}"] = int(part["offence_subgroup"].isin(["rape", "other sexual offences"]).sum())
    window = scope[(scope["month"] > last - np.timedelta64(365, "D")) & (scope["month"] <= last)]
    ppv = window[(window["offence_subgroup"] == "violence with injury") & window["public_place"].fillna(False)]
    counts = ppv.groupby("victim_id").size()
    out["repeat_ppv"] = float((counts >= 2).mean()) if len(counts) else 0.0
    return out


def main() -> None:
    """Build the large store, then time pages, the Overview and the naive pandas comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="reuse or keep the large store at this path")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "large.duckdb"
        if not path.exists():
            started = time.perf_counter()
            build_demo_store(path)
            scale_store(path, args.copies)
            print(f"built the large store in {time.perf_counter() - started:.0f}s")
        connection = duckdb.connect(str(path), read_only=True, config={"memory_limit": "6GB"})
        counts = {t: connection.execute(f"select count(*) from {t}").fetchall()[0][0] for t in ID_COLUMNS}
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))

        cache = GridCache()
        overview = list(catalogue())
        started = time.perf_counter()
        engine = Engine(connection, cache)
        latest = Period(engine.latest_quarter, engine.latest_quarter)
        engine.results(overview, selection.city(), latest)
        cold = time.perf_counter() - started
        warm_runs = []
        for _ in range(5):
            started = time.perf_counter()
            Engine(connection, cache).results(overview, selection.city(), random_period(engine, rng))
            warm_runs.append(time.perf_counter() - started)
        print(
            f"Overview (all {len(overview)} KPIs, city): first ever {cold:.2f}s (builds every grid); "
            f"afterwards median {statistics.median(warm_runs) * 1000:.0f} ms, worst {max(warm_runs) * 1000:.0f} ms "
            "(goal < 1 s)"
        )

        for priority, title in PRIORITIES.items():
            keys = [k for k, kpi in catalogue().items() if kpi.priority == priority]
            timings = []
            for _ in range(args.trials):
                chosen, period = random_selection(rng), random_period(engine, rng)
                started = time.perf_counter()
                Engine(connection, cache).results(keys, chosen, period)
                timings.append(time.perf_counter() - started)
            print(
                f"{title:24s} {len(keys):2d} KPIs: p50 {percentile(timings, 0.5) * 1000:6.1f} ms, "
                f"p95 {percentile(timings, 0.95) * 1000:6.1f} ms (goal p95 < 150 ms)"
            )

        violence = [k for k, kpi in catalogue().items() if kpi.priority == "violence_prevention"]
        frame = connection.execute(
            "select ward_code, month, offence_subgroup, public_place, knife_crime, firearm, alcohol_related, "
            "domestic_abuse, victim_id from crime"
        ).df()
        frame["month"] = frame["month"].astype("datetime64[ns]")
        naive, ours = [], []
        for _ in range(20):
            chosen, period = random_selection(rng), random_period(engine, rng)
            started = time.perf_counter()
            naive_violence_page(frame, chosen.wards, period)
            naive.append(time.perf_counter() - started)
            started = time.perf_counter()
            Engine(connection, cache).results(violence, chosen, period)
            ours.append(time.perf_counter() - started)
        print(
            f"Violence page vs naive pandas on the records: pandas median {statistics.median(naive) * 1000:.0f} ms, "
            f"engine median {statistics.median(ours) * 1000:.0f} ms: "
            f"{statistics.median(naive) / statistics.median(ours):.1f}x "
            "faster (the engine also gives intervals, tests, SPC and rolling figures)"
        )


if __name__ == "__main__":
    main()
