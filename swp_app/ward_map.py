"""The by-ward map: shown wards coloured, withheld wards hatched grey with their marker, selection outlined."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd
import streamlit as st

from swp_app.cards import download_csv, headings, marker_caption
from swp_app.charts import draw_chart, period_shown
from swp_app.palette import INK
from swp_app.tables import rank_text
from swp_data.alt_text import map_alt
from swp_data.disclosure.cells import explain_marker
from swp_data.filters import Filters
from swp_data.geography import ward_boundaries, ward_label_points
from swp_data.kpis.model import Kpi

WITHHELD_FILL = {
    "gradient": "linear",
    "x1": 0,
    "y1": 0,
    "x2": 1,
    "y2": 1,
    # Hard-edged stops: diagonal stripes, a hatch that prints in grey and reads without colour.
    "stops": [
        {"offset": round(edge / 16, 4), "color": colour}
        for i in range(8)
        for edge, colour in ((2 * i, "#BDBDBD"), (2 * i + 1, "#BDBDBD"), (2 * i + 1, "#E3E3E3"), (2 * i + 2, "#E3E3E3"))
    ],
}
"""Wards whose figure is withheld for partners: grey, hatched (Vega gradients draw in SVG and canvas alike)."""
EMPTY_FILL = "#F4F4F4"
"""Wards with no figure for another reason (no data, not available): pale, plain."""


def ward_map(kpi: Kpi, frame: pd.DataFrame, filters: Filters, key: str, *, as_of: str) -> None:
    """Choropleth of the KPI by ward (rate per 1,000 for counts), selected wards outlined.

    Only wards with a figure are coloured, so the colour scale (and its legend) spans the figures
    shown and nothing else. A withheld ward is hatched grey with its marker written on it ('<5',
    '[c]'); a ward without a figure for another reason is pale with its state ('no data', 'not
    available'); the selected wards are outlined on top, whether their figure is shown or not.
    """
    measure = kpi.kind.map_field(kpi)
    what = kpi.kind.map_title(kpi).lower()
    title = f"{kpi.label} by ward ({what}), {period_shown(kpi, filters)}"
    title_lines = [f"{kpi.label} by ward", f"{what}, {period_shown(kpi, filters)}"]
    features = _map_features(kpi, frame, measure)
    shown_features = [f for f in features if f["properties"]["state"] == "shown"]
    # The polygons go in as named datasets beside the spec: Altair would walk every coordinate.
    datasets: dict[str, list[dict[str, object]]] = {}

    def data(name: str, values: list[dict[str, object]]) -> alt.NamedData:
        datasets[name] = values
        return alt.NamedData(name)

    withheld = [f for f in features if f["properties"]["withheld"]]
    empty = [f for f in features if f["properties"]["state"] != "shown" and not f["properties"]["withheld"]]
    ward = alt.Tooltip("properties.ward_name:N", title="Ward")
    rank = alt.Tooltip("properties.rank_text:N", title=f"Rank ({kpi.kind.rank_order(kpi)})")
    figure = alt.Tooltip("properties.value_text:N", title=kpi.kind.map_title(kpi))
    tooltip = [ward, figure, rank]
    tooltip_missing = [ward, figure, alt.Tooltip("properties.why:N", title="Why no figure")]
    layers = []
    if shown_features:
        figures = [f["properties"]["shown"] for f in shown_features]
        layers.append(
            alt.Chart(data("shown", shown_features))
            .mark_geoshape(stroke="#ffffff", strokeWidth=0.7)
            .encode(
                color=alt.Color(
                    "properties.shown:Q",
                    title=what,
                    scale=alt.Scale(scheme="viridis", reverse=True, domain=[min(figures), max(figures)]),
                    legend=alt.Legend(format=kpi.kind.map_legend_format(kpi)),
                ),
                tooltip=tooltip,
            )
        )
    if withheld:
        layers.append(
            alt.Chart(data("withheld", withheld))
            .mark_geoshape(fill=WITHHELD_FILL, stroke="#ffffff", strokeWidth=0.7)
            .encode(tooltip=tooltip_missing)
        )
    if empty:
        layers.append(
            alt.Chart(data("empty", empty))
            .mark_geoshape(fill=EMPTY_FILL, stroke="#BBBBBB", strokeWidth=0.7)
            .encode(tooltip=tooltip_missing)
        )
    # The selected wards' outline over every fill (shown or not), under the labels so they stay legible.
    selected = [f for f in features if f["properties"]["selected"]]
    if selected:
        layers.append(
            alt.Chart(data("selected", selected))
            .mark_geoshape(filled=False, stroke="#000000", strokeWidth=3)
            .encode(tooltip=[ward, figure, rank])
        )
    labels = _map_labels(features)
    if labels:
        # Inline, not named: Streamlit sends a flat named table as Arrow, and these are few.
        text = alt.Chart(alt.Data(values=labels)).encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            text=alt.Text("label:N"),
            size=alt.Size("size:Q", scale=None),
        )
        style = {"fontWeight": "bold", "lineBreak": "\n"}
        # A white halo under the words keeps them legible on the hatch, on a projector or in print.
        layers.append(text.mark_text(**style, color="#FFFFFF", stroke="#FFFFFF", strokeWidth=3, strokeJoin="round"))
        layers.append(text.mark_text(**style, color=INK))
    chart = (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(title=alt.TitleParams(title_lines, anchor="start"), height=360)
    )
    draw_chart(chart, map_alt(kpi, frame, " ".join(title_lines)), datasets=datasets)
    st.caption(_map_caption(withheld, empty, filters))
    marker_caption(f["properties"]["withheld"] for f in withheld)
    shown = pd.DataFrame(
        [
            {
                "ward_code": f["properties"]["ward_code"],
                "ward_name": f["properties"]["ward_name"],
                measure: f["properties"].get("shown"),
                "state": f["properties"]["state"],
                "withheld": f["properties"]["withheld"],
                "rank": f["properties"].get("rank"),
                "selected": f["properties"]["selected"],
            }
            for f in features
        ]
    )
    download_csv(shown, f"{kpi.key}-map.csv", headings(filters, title, as_of), f"dl-map-{key}")


def _map_features(kpi: Kpi, frame: pd.DataFrame, measure: str) -> list[dict[str, object]]:
    """The ward polygons, each with its figure, state, marker, rank and label as plain values (never NaN)."""
    values = frame.set_index("ward_code")
    fmt = (lambda v: f"{v:,.2f}") if measure == "rate_per_1000" else kpi.kind.format
    features = []
    for feature in ward_boundaries()["features"]:
        code = feature["properties"]["ward_code"]
        row = values.loc[code].to_dict() if code in values.index else {}
        number = row.get(measure)
        shown = None if number is None or pd.isna(number) else float(number)
        given = row.get("shown_as")
        marker = given if isinstance(given, str) and given and shown is None else ""  # NaN is no marker
        state = "shown" if shown is not None else (marker or _empty_state(row))
        rank = row.get("rank")
        rank = None if rank is None or pd.isna(rank) else int(rank)
        # Plain values only: a missing figure or rank is left out (never null or NaN in the chart's data).
        properties: dict[str, object] = {
            **feature["properties"],
            "state": state,
            "withheld": marker,
            "value_text": fmt(shown) if shown is not None else state,
            "rank_text": rank_text(rank),
            "selected": bool(row.get("selected", False)),
        }
        if shown is not None:
            properties["shown"] = shown
        else:
            properties["why"] = explain_marker(marker) or state
        if rank is not None:
            properties["rank"] = rank
        features.append({**feature, "properties": properties})
    return features


def _map_labels(features: list[dict[str, object]]) -> list[dict[str, object]]:
    """A label at each ward without a figure (its marker or state); one label mid-map if every ward has the same."""
    points = ward_label_points()
    missing = [f["properties"] for f in features if f["properties"]["state"] != "shown"]  # type: ignore[index]
    if not missing:
        return []
    if len(missing) == len(features) and len({p["state"] for p in missing}) == 1:
        longitudes, latitudes = zip(*points.values(), strict=True)
        middle = (sum(longitudes) / len(longitudes), sum(latitudes) / len(latitudes))
        label = f"every ward: {missing[0]['state']}"
        return [{"longitude": middle[0], "latitude": middle[1], "label": label, "size": 13}]
    return [
        {
            "longitude": points[p["ward_code"]][0],
            "latitude": points[p["ward_code"]][1],
            "label": _short_label(str(p["state"])),
            "size": 11 if len(str(p["state"])) <= 3 else 9,
            "ward_name": p["ward_name"],
        }
        for p in missing
    ]


def _short_label(state: str) -> str:
    """A label that fits on a ward: the marker without its bracketed gloss, on two short lines at most.

    'suppressed (small numbers)' is written 'suppressed' (the tooltip and the note beneath the map
    give it in full); '<5' and '[c]' as they are; 'not available' on two lines.
    """
    return "\n".join(textwrap.wrap(state.split(" (")[0], 10))


def _map_caption(withheld: list[dict[str, object]], empty: list[dict[str, object]], filters: Filters) -> str:
    """The map's key in words: what hatched and pale wards mean, and the selected wards' outline."""
    parts = []
    if withheld:
        parts.append("Hatched grey: withheld for partners (the label says how).")
    if empty:
        states = sorted({str(f["properties"]["state"]) for f in empty})  # type: ignore[index]
        parts.append(f"Pale: no figure ({', '.join(states)}).")
    if not filters.selection.is_city:
        parts.append("Selected wards are outlined in black.")
    return " ".join(parts) or "Every ward has a figure."


def _empty_state(row: dict[str, object]) -> str:
    """Why a ward has no value on the map: no data for these months, or the source cannot say."""
    return "not available" if row.get("availability") == "not available" else "no data"
