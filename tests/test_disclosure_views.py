"""Partners cannot see small numbers anywhere, cannot recover them by differencing, and get no records."""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from streamlit.testing.v1 import AppTest

from swp_data import access, geography, selection, store
from swp_data.access import AccessDenied
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period
from swp_data.selection import load_ward_groups
from swp_data.sources import SOURCES
from swp_data.views import Dashboard

THRESHOLD = 4
YEAR = Period.parse("2023/24Q1", "2023/24Q4")
QUARTER_STARTS = ["2023-04-15", "2023-07-15", "2023-10-15", "2024-01-15"]
WARDS = sorted(selection.ward_names())
STRANDS = ["race", "religion", "disability"]


def _lsoa(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def build_store(folder: Path, counts: np.ndarray, strands: np.ndarray) -> duckdb.DuckDBPyConnection:
    """Hate crimes: counts[w, q] in ward w and quarter q, strand[i] for each crime in order."""
    rows = []
    serial = 0
    for w, ward in enumerate(WARDS):
        for q, day in enumerate(QUARTER_STARTS):
            for _ in range(int(counts[w, q])):
                rows.append(
                    {
                        "crime_id": f"H{serial}",
                        "recorded_date": day,
                        "lsoa_code": _lsoa(ward),
                        "offence_subgroup": "public order",
                        "hate_crime": "yes",
                        "hate_strand": STRANDS[int(strands[serial % len(strands)])],
                    }
                )
                serial += 1
    for q, day in enumerate(QUARTER_STARTS):  # the source covers every quarter of the year
        rows.append(
            {
                "crime_id": f"Z{q}",
                "recorded_date": day,
                "lsoa_code": _lsoa(WARDS[0]),
                "offence_subgroup": "shoplifting",
                "hate_crime": "no",
            }
        )
    path = folder / "crime.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES["crime"].columns])
        writer.writeheader()
        writer.writerows(rows)
    connection = store.memory_store()
    import_paths([path], connection=connection)
    return connection


def visible(text: str | None) -> bool:
    return text is None or text == ""


def partner_views(board: Dashboard) -> dict[tuple, float | str]:
    """Every hate crime figure a partner can reach for the year: each ward, group, the city, each quarter,
    each strand, each strand by quarter, and the ward table. Values, or the marker shown instead."""
    seen: dict[tuple, float | str] = {}

    def record(key: tuple, result: object) -> None:
        seen[key] = result.shown_as if result.suppressed else result.current.value  # type: ignore[attr-defined]

    record(("C",), board.result("hate_crime", Filters(selection.city(), YEAR)))
    for q, quarter in enumerate(YEAR.quarters):
        record(("Q", q), board.result("hate_crime", Filters(selection.city(), Period(quarter, quarter))))
        strands = board.breakdown("hate_crime", "strand", Filters(selection.city(), Period(quarter, quarter)))
        for _, row in strands.iterrows():
            seen[("BQ", row["category"], q)] = row["shown_as"] or row["value"]
    for _, row in board.breakdown("hate_crime", "strand", Filters(selection.city(), YEAR)).iterrows():
        seen[("B", row["category"])] = row["shown_as"] or row["value"]
    for w, ward in enumerate(WARDS):
        record(("W", w), board.result("hate_crime", Filters(selection.from_codes([ward]), YEAR)))
    for name in load_ward_groups():
        record(("G", name), board.result("hate_crime", Filters(selection.from_group(name), YEAR)))
    table = board.by_ward("hate_crime", Filters(selection.city(), YEAR))
    for _, row in table.iterrows():
        assert (row["shown_as"] or row["value"]) == seen[("W", WARDS.index(row["ward_code"]))]
    return seen


def attack(seen: dict[tuple, float | str], wards: int, strand_names: list[str]) -> dict[tuple, tuple[float, float]]:
    """An independent attacker: least and greatest value of every withheld figure, from all that is visible."""
    groups = {name: [WARDS.index(c) for c in g.wards] for name, g in load_ward_groups().items()}
    k = len(strand_names)
    n = wards * 4 + k * 4  # ward x quarter counts, then strand x quarter counts

    def vector(key: tuple) -> np.ndarray:
        grid, split = np.zeros((wards, 4)), np.zeros((k, 4))
        if key[0] == "C":
            grid[:, :] = 1
        elif key[0] == "Q":
            grid[:, key[1]] = 1
        elif key[0] == "W":
            grid[key[1], :] = 1
        elif key[0] == "G":
            grid[groups[key[1]], :] = 1
        elif key[0] == "B":
            split[strand_names.index(key[1]), :] = 1
        elif key[0] == "BQ":
            split[strand_names.index(key[1]), key[2]] = 1
        return np.concatenate([grid.ravel(), split.ravel()])

    rows, rhs, upper, upper_rhs = [], [], [], []
    for key, value in seen.items():
        if value == "not published":
            continue
        if isinstance(value, str):
            if value == "<5":
                upper += [vector(key), -vector(key)]
                upper_rhs += [THRESHOLD, -1]
            else:
                upper.append(-vector(key))
                upper_rhs.append(-1)
        else:
            rows.append(vector(key))
            rhs.append(value)
    for q in range(4):  # strands of a quarter add up to the quarter
        row = np.zeros(n)
        row[[w * 4 + q for w in range(wards)]] = 1
        row[[wards * 4 + s * 4 + q for s in range(k)]] = -1
        rows.append(row)
        rhs.append(0)
    out = {}
    for key, value in seen.items():
        if not isinstance(value, str) or value == "not published":
            continue
        options = {"A_eq": np.array(rows), "b_eq": np.array(rhs), "bounds": (0, None), "method": "highs"}
        if upper:
            options.update({"A_ub": np.array(upper), "b_ub": np.array(upper_rhs)})
        low = linprog(vector(key), **options)
        high = linprog(-vector(key), **options)
        assert low.status == 0 and high.status in (0, 3), "what a partner sees contradicts itself"
        out[key] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return out


@st.composite
def small_counts(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    busy = draw(st.lists(st.integers(0, len(WARDS) - 1), min_size=1, max_size=5, unique=True))
    counts = np.zeros((len(WARDS), 4), dtype=int)
    for w in busy:
        counts[w] = draw(st.lists(st.integers(0, 6), min_size=4, max_size=4))
    strands = np.array(draw(st.lists(st.integers(0, 2), min_size=1, max_size=10)))
    return counts, strands


def generated_figures(counts: np.ndarray, strands: np.ndarray) -> dict[tuple, int]:
    """Every figure ``partner_views`` reaches, counted from the crimes ``build_store`` writes (same order)."""
    figures: dict[tuple, int] = {("C",): int(counts.sum())}
    for q in range(4):
        figures[("Q", q)] = int(counts[:, q].sum())
    for w in range(len(WARDS)):
        figures[("W", w)] = int(counts[w].sum())
    for name, ward_group in load_ward_groups().items():
        figures[("G", name)] = int(sum(counts[WARDS.index(code)].sum() for code in ward_group.wards))
    serial = 0
    for w in range(len(WARDS)):
        for q in range(4):
            for _ in range(int(counts[w, q])):
                strand = STRANDS[int(strands[serial % len(strands)])]
                figures[("B", strand)] = figures.get(("B", strand), 0) + 1
                figures[("BQ", strand, q)] = figures.get(("BQ", strand, q), 0) + 1
                serial += 1
    return figures


def analyst_figure(truth: Dashboard, key: tuple) -> float:
    """The true value of a figure in ``partner_views``, as an analyst's Dashboard gives it."""
    city = selection.city()
    if key[0] in ("C", "Q", "W", "G"):
        chosen = city
        if key[0] == "W":
            chosen = selection.from_codes([WARDS[key[1]]])
        elif key[0] == "G":
            chosen = selection.from_group(key[1])
        period = Period(YEAR.quarters[key[1]], YEAR.quarters[key[1]]) if key[0] == "Q" else YEAR
        value = truth.result("hate_crime", Filters(chosen, period)).current.value
        return 0.0 if value is None else float(value)
    quarter = YEAR.quarters[key[2]] if key[0] == "BQ" else None
    period = Period(quarter, quarter) if quarter else YEAR
    frame = truth.breakdown("hate_crime", "strand", Filters(city, period)).set_index("category")
    return float(frame["value"].get(key[1], 0) or 0)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(small_counts())
def test_no_suppressed_count_can_be_recovered_from_everything_a_partner_sees(tmp_path: Path, data: tuple) -> None:
    counts, strands = data
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    connection = build_store(folder, counts, strands)
    board = Dashboard(connection, access="partner")
    seen = partner_views(board)
    kinds = {key[0] for key in seen}  # every kind of cell is checked below, strands wherever there are crimes
    assert kinds >= {"C", "Q", "W", "G", "B"}, kinds  # every declared strand has a row, crimes or not
    truth = Dashboard(connection, access="analyst")
    generated = generated_figures(counts, strands)
    actual = {key: analyst_figure(truth, key) for key in seen}
    for key, value in actual.items():  # the analyst's figures are the generated data's: a true reference
        assert value == generated.get(key, 0), (key, value)
    for key, value in seen.items():
        if isinstance(value, str):  # a marker says what it hides: "<5" only ever hides 1 to 4
            assert value != "<5" or 1 <= actual[key] <= THRESHOLD, (key, actual[key])
        else:  # a figure a partner sees is the true figure, and never a small one
            assert value == actual[key], (key, value, actual[key])
            assert value == 0 or value > THRESHOLD, (key, value)
    names = list(board.engine.breakdown_grids(catalogue()["hate_crime"], "strand"))
    for key, (low, high) in attack(seen, len(WARDS), names).items():  # wards, groups, city, quarters, strands
        assert low - 1e-6 <= actual[key] <= high + 1e-6, (key, actual[key], low, high)  # the attack is sound
        if 1 <= actual[key] <= THRESHOLD:
            assert high - low >= 1 - 1e-6, (key, actual[key], low, high)


@pytest.fixture(scope="module")
def partner(demo_db: Path) -> Dashboard:
    return Dashboard(duckdb.connect(str(demo_db), read_only=True), access="partner")


SENSITIVE_COUNTS = [k for k, v in catalogue().items() if v.sensitive and v.measure in ("count", "population_rate")]
SENSITIVE_RATES = [k for k, v in catalogue().items() if v.sensitive and v.measure not in ("count", "population_rate")]
VIEWS = [
    Filters(selection.city(), Period.parse("2025/26Q1")),
    Filters(selection.city(), Period.parse("2024/25Q1", "2024/25Q4")),
    Filters(selection.resolve("Heath Town"), Period.parse("2024/25Q1", "2024/25Q4")),
    Filters(selection.resolve("Whitmore Reans"), Period.parse("2024/25Q1", "2024/25Q4")),
    Filters(selection.resolve("Tettenhall Regis"), Period.parse("2025/26Q3")),
]


def small(value: object, zero_too: bool) -> bool:
    return (
        isinstance(value, (int, float))
        and not np.isnan(value)
        and (1 <= value <= THRESHOLD or (zero_too and value == 0))
    )


@pytest.mark.parametrize("filters", VIEWS, ids=lambda f: f"{f.selection.label}-{f.period.label}")
def test_no_view_a_partner_can_open_shows_a_small_sensitive_count(partner: Dashboard, filters: Filters) -> None:
    kpis = catalogue()
    for key in SENSITIVE_COUNTS:
        zero = kpis[key].zero_disclosive
        result = partner.result(key, filters)
        assert not small(result.current.value, zero), (key, result.current)
        if result.comparison:
            assert not small(result.comparison.figure.value, zero)
        frames = [partner.series(key, filters), partner.by_ward(key, filters)]
        frames += [partner.breakdown(key, b.key, filters) for b in kpis[key].breakdowns]
        for frame in frames:  # exactly the frames the page downloads
            for column in ("value", "numerator"):
                if column in frame:
                    assert not any(small(v, zero) for v in frame[column]), (key, column)
    for key in SENSITIVE_RATES:  # rates: no counts, no intervals
        result = partner.result(key, filters)
        assert result.current.numerator is None and result.current.denominator is None
        assert result.current.low is None and result.current.high is None
        table = partner.by_ward(key, filters)
        if not table.empty:
            assert table["numerator"].isna().all() and table["denominator"].isna().all()


def test_the_overview_and_ward_profile_for_partners_hold_no_small_sensitive_counts(partner: Dashboard) -> None:
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2024/25Q1", "2024/25Q4"))
    labels = {v.label: v for v in catalogue().values() if v.sensitive and v.measure == "count"}
    overview = partner.overview(filters)
    profile = partner.ward_profile("E05014848", filters)
    checked = 0
    for frame, column in ((overview, "value"), (profile, "ward_value")):
        for _, row in frame.iterrows():
            if row["kpi"] in labels and row[column] is not None and not pd.isna(row[column]):
                assert not 1 <= float(row[column]) <= 4, (row["kpi"], row[column])
                checked += 1
    assert checked  # the check read real numbers


def test_partner_sessions_get_no_records_and_run_only_aggregate_queries(demo_db: Path) -> None:
    connection = duckdb.connect(str(demo_db), read_only=True)
    columns_seen: list[str] = []

    class Recording:
        def __init__(self, inner: duckdb.DuckDBPyConnection) -> None:
            self.inner = inner

        def execute(self, query: str, params: object = None) -> duckdb.DuckDBPyConnection:
            result = self.inner.execute(query, params or [])
            columns_seen.extend(d[0] for d in (result.description or []))
            return result

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    board = Dashboard(Recording(connection), access="partner")  # type: ignore[arg-type]
    for filters in VIEWS[:3]:
        for key, kpi in catalogue().items():
            board.result(key, filters)
            board.series(key, filters)
            board.by_ward(key, filters)
            for breakdown in kpi.breakdowns:
                board.breakdown(key, breakdown.key, filters)
    identifiers = {
        "person",
        "crime_id",
        "incident_id",
        "victim_id",
        "offender_id",
        "caller_id",
        "location_id",
        "client_id",
        "episode_id",
        "person_id",
        "order_id",
        "test_id",
        "response_id",
        "person_index",
    }
    assert not identifiers & set(columns_seen)
    with pytest.raises(AccessDenied):
        board.records("violence_with_injury", VIEWS[0])


def test_analysts_see_everything_including_records(demo_db: Path) -> None:
    analyst = Dashboard(duckdb.connect(str(demo_db), read_only=True), access="analyst")
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1"))
    assert analyst.result("hidden_harm", filters).suppressed is False
    records = analyst.records("hidden_harm", filters)
    assert records.total > 0 and "victim_id" in records.frame.columns
    assert records.total == analyst.result("hidden_harm", filters).current.value


def test_only_a_listed_identity_is_an_analyst() -> None:
    analysts = {"emails": ["Analyst@Wolverhampton.gov.uk"], "groups": ["1a2b-group"]}
    assert access.level_for({"email": "analyst@wolverhampton.gov.uk"}, analysts) == "analyst"
    assert access.level_for({"preferred_username": "x@y.org", "groups": ["1A2B-group"]}, analysts) == "analyst"
    assert access.level_for({"email": "officer@wolverhampton.gov.uk"}, analysts) == "partner"
    assert access.level_for({"email": "analyst@wolverhampton.gov.uk"}, None) == "partner"
    assert access.level_for(None, analysts) == "partner"
    assert access.level_for({}, {}) == "partner"


REPO = Path(__file__).resolve().parent.parent


def _tracked(folder: str) -> list[str] | None:
    """The files git tracks under ``folder``: exactly what a fresh clone holds (None outside a git checkout)."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "--", folder], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return listed.stdout.splitlines()


@pytest.fixture
def clone_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Streamlit reads its secrets only where a fresh clone would have them: a copy of the tracked
    ``.streamlit`` folder and an empty home folder, never this machine's own secrets.toml files."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    clone, home = tmp_path / "clone" / ".streamlit", tmp_path / "home" / ".streamlit"
    clone.mkdir(parents=True)
    tracked = _tracked(".streamlit")
    for name in tracked if tracked is not None else [".streamlit/config.toml"]:
        shutil.copy(REPO / name, clone / Path(name).name)
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(home / "secrets.toml"), str(clone / "secrets.toml")])
    monkeypatch.setattr(secrets_singleton, "_secrets", None)  # forget secrets already read from elsewhere
    try:
        yield clone
    finally:
        config.set_option("secrets.files", before)


def test_a_fresh_clone_runs_in_partner_mode(
    clone_secrets: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch, modern_navigation: None
) -> None:
    tracked = _tracked(".streamlit")
    if tracked is not None:  # a clone has no secrets file, and git keeps one made locally out of commits
        assert ".streamlit/secrets.toml" not in tracked
        ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", ".streamlit/secrets.toml"])
        assert ignored.returncode == 0
    assert ".streamlit/secrets.toml" in (REPO / ".gitignore").read_text()
    assert not (clone_secrets / "secrets.toml").exists()
    from swp_data.settings import Settings, get_settings

    assert "access" not in Settings.model_fields  # no setting can grant analyst access

    monkeypatch.setenv("SWP_DB_PATH", str(demo_db))
    get_settings.cache_clear()
    try:
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    finally:
        get_settings.cache_clear()
    assert not app.exception, [e.value for e in app.exception]
    sidebar = [info.value for info in app.sidebar.info]
    assert "Partner view: small numbers are suppressed." in sidebar
    assert not app.sidebar.success  # no analyst banner
    assert "Analyst sign-in is not configured on this server (see the README)." in [
        c.value for c in app.sidebar.caption
    ]
    assert not [b for b in app.sidebar.button if b.label in ("Analyst sign-in", "Sign out")]


@pytest.mark.parametrize("where", ["city", "Heath Town"])
def test_a_partner_spc_reveals_no_total_beyond_the_published_trend(partner: Dashboard, where: str) -> None:
    """For every sensitive KPI: the SPC mean times its points is the sum of the trend's shown points."""
    chosen = selection.city() if where == "city" else selection.resolve(where)
    checked = 0
    for key, kpi in catalogue().items():
        if not kpi.sensitive:
            continue
        filters = Filters(chosen, Period.parse("2025/26Q1", "2025/26Q4"))
        spc = partner.result(key, filters).spc
        if spc is None or spc.mean is None:
            continue
        series = partner.series(key, filters)
        shown = series.loc[series["value"].notna(), "value"].tolist()[-spc.points :]
        assert len(shown) == spc.points and abs(spc.mean * spc.points - sum(shown)) < 1e-6, key
        assert not series["numerator"].notna().any() and not series["denominator"].notna().any(), key
        checked += 1
    assert checked >= (5 if where == "city" else 0)
