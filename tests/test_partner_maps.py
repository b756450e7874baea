"""What a partner reads on the by-ward map and the tables: markers drawn and explained, never 'None' or 'NaN'.

AppTest on the demo store as a partner (nobody signed in). The expected markers and figures come
from the partner Dashboard itself (the data layer owns the marker words); these tests check how the
pages draw them: a hatched grey layer with the marker at each withheld ward, the selected ward
outlined whether shown or withheld, a colour scale over the figures shown only, and text tables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.ipc
import pytest
from shapely.geometry import Point, shape
from streamlit.testing.v1 import AppTest

from swp_app.tables import MISSING_WORDS, marker_notes, rank_text, ward_table_display
from swp_app.ward_map import WITHHELD_FILL, _map_features, _map_labels, _short_label
from swp_data import selection, site
from swp_data.disclosure.cells import MARKER_EXPLANATIONS
from swp_data.filters import Filters
from swp_data.geography import ward_boundaries, ward_label_points
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.views import Dashboard

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HEATH_TOWN = "E05014848"
FIREARM = "Crimes involving a firearm"
YEAR = {"wards": "Heath Town", "from": "2025/26Q1", "to": "2025/26Q4", "kpi": FIREARM}
LATEST_QUARTER = {"wards": "Heath Town", "kpi": FIREARM}  # the default period: the latest quarter


pytestmark = pytest.mark.usefixtures("app_on_demo")  # every test here runs the app on the demo store


@pytest.fixture(scope="module")
def board(demo_db: Path) -> Dashboard:
    """The partner view (the Dashboard's default), which the pages show to anyone not signed in."""
    return Dashboard(duckdb.connect(str(demo_db), read_only=True))


def open_page(page: str, query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    if not site.page(page).default:
        app.switch_page(site.page(page).module).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def map_spec(app: AppTest, label: str) -> dict[str, Any]:
    """The Vega-Lite spec of the by-ward map of ``label`` (its title's first line)."""
    charts = [(json.loads(chart.proto.spec), chart.proto) for chart in app.get("vega_lite_chart")]
    maps = [
        (s, p) for s, p in charts if isinstance(s.get("title"), dict) and s["title"]["text"][0] == f"{label} by ward"
    ]
    assert len(maps) == 1, [s.get("title") for s, _ in charts]
    spec, proto = maps[0]
    # The map's data travels as named datasets (swp_app.charts.draw): nested polygons in the spec,
    # flat tables (the labels) as Arrow beside it, as Streamlit sends them. Read each in place.
    datasets: dict[str, Any] = dict(spec.get("datasets", {}))
    for dataset in proto.datasets:
        table = pyarrow.ipc.open_stream(dataset.data.data).read_pandas()
        datasets[dataset.name] = table.astype(object).where(table.notna(), None).to_dict("records")
    for layer in spec["layer"]:
        if "name" in layer.get("data", {}):
            layer["data"] = {"values": datasets[layer["data"]["name"]]}
    return spec


def layers(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The map's layers by role: colour, withheld, empty, halo, labels, outline."""
    found: dict[str, dict[str, Any]] = {}
    for layer in spec["layer"]:
        mark = layer["mark"]
        if mark["type"] == "text":
            found["halo" if mark.get("stroke") == "#FFFFFF" else "labels"] = layer
        elif mark.get("filled") is False:
            found["outline"] = layer
        elif mark.get("fill") == WITHHELD_FILL:
            found["withheld"] = layer
        elif "color" in layer.get("encoding", {}):
            found["colour"] = layer
        else:
            found["empty"] = layer
    return found


def codes(layer: dict[str, Any]) -> set[str]:
    return {feature["properties"]["ward_code"] for feature in layer["data"]["values"]}


def chart_data_is_plain(spec: dict[str, Any]) -> bool:
    """No layer's data holds a null, NaN or the word None/NaN (tooltips and labels read them), nor the legend."""
    data = json.dumps([layer["data"] for layer in spec["layer"] if "data" in layer])
    colours = [layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    legends = json.dumps(colours)
    return not any(word in text for text in (data, legends) for word in ("NaN", "null", "None", "Infinity"))


def no_missing_words(frame: pd.DataFrame) -> list[str]:
    """Every cell a reader would see as 'None', 'NaN', 'nan', '<NA>' (a missing value or its text)."""
    bad = []
    for row in frame.astype(object).itertuples(index=False):
        for cell in row:
            if (
                cell is None
                or (not isinstance(cell, str | bool) and pd.isna(cell))
                or str(cell).strip() in MISSING_WORDS
            ):
                bad.append(repr(cell))
    return bad


# -- a whole year: some wards shown, some withheld ------------------------------------------------------------


def test_a_whole_years_map_draws_withheld_wards_grey_labelled_and_the_selected_ward_outlined(board: Dashboard) -> None:
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    wards = board.by_ward("firearm_crime", filters).set_index("ward_code")
    withheld = {code for code, marker in wards["shown_as"].items() if marker}
    shown = wards.loc[wards["value"].notna(), "value"].astype(float)
    assert HEATH_TOWN in withheld and len(shown) >= 2 and len(withheld) >= 5  # the demo's partner view

    app = open_page("violence_prevention", YEAR)
    spec = map_spec(app, FIREARM)
    found = layers(spec)
    # Withheld wards: the hatched grey layer, each with the marker the data layer set.
    assert codes(found["withheld"]) == withheld
    markers = {f["properties"]["ward_code"]: f["properties"]["withheld"] for f in found["withheld"]["data"]["values"]}
    assert markers == {code: wards.loc[code, "shown_as"] for code in withheld}
    # ... written on the ward itself (a point inside its polygon), under a white halo.
    polygons = {f["properties"]["ward_code"]: shape(f["geometry"]) for f in ward_boundaries()["features"]}
    labels = found["labels"]["data"]["values"]
    assert found["halo"]["data"] == found["labels"]["data"]
    assert {label["label"] for label in labels} == {_short_label(marker) for marker in markers.values()}
    for label in labels:
        (code,) = [
            c for c, polygon in polygons.items() if polygon.contains(Point(label["longitude"], label["latitude"]))
        ]
        assert code in withheld
    # The selected ward is outlined on top although it is withheld.
    assert codes(found["outline"]) == {HEATH_TOWN}
    order = [id(layer) for layer in spec["layer"]]
    fills = [found[role] for role in ("colour", "withheld", "empty") if role in found]
    assert found["outline"]["mark"]["strokeWidth"] == 3
    assert all(order.index(id(fill)) < order.index(id(found["outline"])) for fill in fills)  # drawn over them
    # Colour: the shown wards only, the scale over their figures and nothing else.
    assert codes(found["colour"]) == set(shown.index)
    assert found["colour"]["encoding"]["color"]["scale"]["domain"] == [shown.min(), shown.max()]
    assert chart_data_is_plain(spec)
    captions = " ".join(c.value for c in app.caption)
    assert "Hatched grey: withheld for partners" in captions and "Selected wards are outlined in black" in captions
    assert MARKER_EXPLANATIONS["<5"] in captions


def test_the_ward_table_reads_markers_and_not_ranked_never_none(board: Dashboard) -> None:
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    wards = board.by_ward("firearm_crime", filters)
    app = open_page("violence_prevention", YEAR)
    (table,) = [d.value for d in app.dataframe if "ward_name" in d.value and "rank" in d.value]
    assert no_missing_words(table) == []
    heath = table[table["ward_name"] == "Heath Town"].iloc[0]
    marker = wards.loc[wards["ward_code"] == HEATH_TOWN, "shown_as"].iloc[0]
    assert (heath["value"], heath["rank"]) == (marker, "not ranked")
    # The partner gets no intervals, denominators or rates: those columns are left out, not shown empty.
    assert {"low", "high", "denominator", "rate_per_1000"}.isdisjoint(table.columns)
    ranked = table[table["rank"] != "not ranked"]
    assert list(ranked["value"]) == [f"{v:,.0f}" for v in wards.dropna(subset=["rank"])["value"]]


# -- the latest quarter: no ward published for partners -------------------------------------------------------


def test_a_period_partners_cannot_see_is_drawn_grey_with_one_label_and_no_legend() -> None:
    app = open_page("violence_prevention", LATEST_QUARTER)
    spec = map_spec(app, FIREARM)
    found = layers(spec)
    markers = {f["properties"]["withheld"] for f in found["withheld"]["data"]["values"]}
    assert len(codes(found["withheld"])) == 20 and len(markers) == 1
    assert "colour" not in found  # no figure shown: no colour scale, so no 'NaN' legend
    assert [label["label"] for label in found["labels"]["data"]["values"]] == [f"every ward: {markers.pop()}"]
    assert codes(found["outline"]) == {HEATH_TOWN}
    assert chart_data_is_plain(spec)
    for frame in (d.value for d in app.dataframe):
        assert no_missing_words(frame) == []


# -- the Overview and the Ward Profile -------------------------------------------------------------------------


def test_the_overview_shows_the_data_layers_markers_explained_and_no_missing_words(board: Dashboard) -> None:
    app = open_page("overview", {"wards": "Heath Town", "from": "2025/26Q1", "to": "2025/26Q4"})
    assert all(no_missing_words(d.value) == [] for d in app.dataframe)  # the KPI tables and the spend table
    tables = pd.concat([d.value for d in app.dataframe if "kpi" in d.value.columns], ignore_index=True)
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    result = board.result("firearm_crime", filters)
    assert result.suppressed and result.shown_as
    row = tables[tables["kpi"] == catalogue.get("firearm_crime").label].iloc[0]
    assert row["value"] == result.shown_as
    captions = " ".join(c.value for c in app.caption)
    assert MARKER_EXPLANATIONS[result.shown_as] in captions


def test_the_ward_profile_shows_markers_and_ranks_as_words() -> None:
    app = open_page("ward_profile", {"ward": "Heath Town", "from": "2025/26Q1", "to": "2025/26Q4"})
    tables = pd.concat([d.value for d in app.dataframe], ignore_index=True)
    assert no_missing_words(tables) == []
    firearm = tables[tables["kpi"] == catalogue.get("firearm_crime").label].iloc[0]
    assert firearm["rank_of_20"] == "not ranked" and firearm["ward"] in MARKER_EXPLANATIONS
    assert any(MARKER_EXPLANATIONS[firearm["ward"]] in c.value for c in app.caption)


# -- the display helpers on their own ---------------------------------------------------------------------------


def test_ward_states_other_than_withheld_are_pale_and_labelled_with_their_state() -> None:
    kpi = catalogue.get("knife_crime")
    frame = pd.DataFrame(
        {
            "ward_code": [HEATH_TOWN, "E05014851", "E05014852"],
            "ward_name": ["Heath Town", "Park", "Penn"],
            "value": [12.0, None, float("nan")],
            "shown_as": ["", None, float("nan")],
            "availability": ["available", "not available", "no data"],
            "rank": pd.array([1, None, None], dtype="Int64"),
            "selected": [False, True, False],
        }
    )
    features = _map_features(kpi, frame, "value")
    states = {f["properties"]["ward_code"]: f["properties"]["state"] for f in features}
    assert (states[HEATH_TOWN], states["E05014851"], states["E05014852"]) == ("shown", "not available", "no data")
    assert sum(state == "no data" for state in states.values()) == 18  # wards not in the frame: no data
    assert not any(f["properties"]["withheld"] for f in features)
    labels = {(label["longitude"], label["latitude"]): label["label"] for label in _map_labels(features)}
    assert labels[ward_label_points()["E05014851"]] == "not\navailable"
    assert "null" not in json.dumps(features) and "NaN" not in json.dumps(features)


def test_a_long_marker_is_labelled_short_on_the_map_and_given_in_full_in_the_tooltip() -> None:
    """A ward is too small for 'suppressed (small numbers)': the map writes 'suppressed'; the rest is kept."""
    assert _short_label("suppressed (small numbers)") == "suppressed"
    assert (_short_label("<5"), _short_label("[c]"), _short_label("no data")) == ("<5", "[c]", "no data")
    assert _short_label("not published") == "not\npublished"


def test_the_ward_table_says_why_a_cell_is_empty() -> None:
    kpi = catalogue.get("knife_crime")
    frame = pd.DataFrame(
        {
            "ward_name": ["Heath Town", "Park", "Penn"],
            "value": [12.0, None, None],
            "low": [6.2, None, None],
            "high": [21.0, None, None],
            "denominator": [None, None, None],
            "shown_as": ["", "<5", None],
            "availability": ["available", "available", "not available"],
            "rank": pd.array([1, None, None], dtype="Int64"),
            "versus_city": ["similar", None, None],
            "judgement": ["similar", None, None],
            "selected": [True, False, False],
        }
    )
    table = ward_table_display(kpi, frame)
    assert list(table["value"]) == ["12", "<5", "not available"]
    assert list(table["low"]) == ["6", "<5", "not available"]
    assert list(table["rank"]) == ["1", "not ranked", "not ranked"]
    assert list(table["versus_city"]) == ["similar to the city", "not compared", "not compared"]
    assert "denominator" not in table  # nothing to show in any row
    assert no_missing_words(table) == []
    assert rank_text(pd.NA) == rank_text(None) == rank_text(float("nan")) == "not ranked"


def test_marker_notes_explain_each_marker_that_appears_once() -> None:
    notes = marker_notes(["<5", "12", "[c]", "<5", None, float("nan")])
    assert notes is not None
    assert notes.count(MARKER_EXPLANATIONS["<5"]) == 1 and MARKER_EXPLANATIONS["[c]"] in notes
    assert "\\[c\\]" in notes  # '[c]' escaped, so Markdown shows it as written
    assert marker_notes(["12", "no data"]) is None
