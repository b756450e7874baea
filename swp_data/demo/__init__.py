"""The demo store: a seeded, calibrated city for every source, April 2019 to September 2026.

The demo writes ordinary template files and loads them through the same
import path as real files, so it exercises exactly what partners' files do.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from swp_data import snapshots, store
from swp_data.demo import calibration
from swp_data.demo.asb import generate_asb
from swp_data.demo.community import (
    generate_comparators,
    generate_partner_returns,
    generate_spend,
    generate_surveys,
    generate_youth_population,
)
from swp_data.demo.crime import generate_crimes
from swp_data.demo.services import (
    generate_drug_tests,
    generate_first_time_entrants,
    generate_probation,
    generate_reoffending,
    generate_treatment,
)
from swp_data.importing import import_paths
from swp_data.sources import SOURCES

__all__ = ["build_demo_store", "generate_files", "is_demo"]


Progress = Callable[[float, str], None]
"""Told the share of the work done (0 to 1) and what is being done now."""


_GENERATION_SHARE = 0.55  # of the build's time, measured: generation 3.3 s, import 2.8 s


def _no_progress(_done: float, _text: str) -> None:
    return None


def generate_files(
    folder: Path | str, seed: int = calibration.SEED, *, on_progress: Progress = _no_progress
) -> list[Path]:
    """Write one template CSV per source into ``folder``; the same seed gives the same bytes."""
    rng = np.random.default_rng(seed)
    frames: dict[str, pd.DataFrame] = {}
    # The order of generation fixes the random stream, so it must not change.
    generators: dict[str, Callable[[], pd.DataFrame]] = {
        "crime": lambda: generate_crimes(rng),
        "asb_incident": lambda: generate_asb(rng),
        "reoffending_cohort": lambda: generate_reoffending(rng),
        "youth_first_time_entrant": lambda: generate_first_time_entrants(rng),
        "probation_termination": lambda: generate_probation(rng),
        "treatment_episode": lambda: generate_treatment(rng),
        "drug_test": lambda: generate_drug_tests(rng),
        "survey_response": lambda: generate_surveys(rng),
        "partner_return": lambda: generate_partner_returns(rng),
        "comparator_area": lambda: generate_comparators(frames["crime"], rng),
        "commissioned_spend": lambda: generate_spend(rng),
        "ward_population": generate_youth_population,
    }
    for step, (table, generate) in enumerate(generators.items()):
        on_progress(_GENERATION_SHARE * step / len(generators), f"Generating {SOURCES[table].title.lower()}")
        frames[table] = generate()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in frames.items():
        columns = [c.name for c in SOURCES[table].columns]
        path = target / f"demo_{table}.csv"
        frame.reindex(columns=columns).to_csv(path, index=False)
        written.append(path)
    return written


def build_demo_store(
    db_path: Path | str | None = None,
    *,
    replace: bool = False,
    progress: bool = False,
    on_progress: Progress = _no_progress,
) -> str:
    """Build the demo store at ``db_path`` (default: the configured store). Returns a summary line.

    ``progress`` draws a bar on stderr; ``on_progress`` is told each step (the app's first start shows it).
    """
    started = time.perf_counter()
    target = Path(db_path or store.default_path())
    if target.exists() and not replace:
        raise store.StoreError(f"{target} already exists: pass --replace to rebuild it as the demo store")
    building = target.with_name(target.name + ".demo-building")
    building.unlink(missing_ok=True)
    store.create_store(building)
    try:
        with tempfile.TemporaryDirectory(prefix="swp-demo-") as folder:
            files = generate_files(folder, on_progress=on_progress)
            generated = time.perf_counter() - started
            on_progress(_GENERATION_SHARE, "Loading the generated files through the import path")
            report = import_paths(files, building, progress=progress, in_place=True)
        with store.opened(building) as connection:
            connection.execute(
                "insert into meta values ('dataset', 'demo'), ('demo_seed', ?), ('demo_range', ?)",
                [str(calibration.SEED), f"{calibration.FIRST_MONTH:%b %Y} to {calibration.LAST_MONTH:%b %Y}"],
            )
            connection.execute("checkpoint")
        on_progress(1.0, "Done")
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    # In as a snapshot, like an import: a running app moves to it on its next rerun.
    snapshots.install(target, building)
    seconds = time.perf_counter() - started
    return (
        f"Demo store built at {target}: {report.rows_loaded:,} rows across {len(report.files)} sources, "
        f"{calibration.FIRST_MONTH:%B %Y} to {calibration.LAST_MONTH:%B %Y}, in {seconds:.1f}s "
        f"(generation {generated:.1f}s, import {seconds - generated:.1f}s)."
    )


def is_demo(connection: object) -> bool:
    """Whether a store holds demo data (so every page can say so)."""
    from swp_data import sql

    return sql.scalar(connection, "select value from meta where key = 'dataset'") == "demo"  # type: ignore[arg-type]
