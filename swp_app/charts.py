"""Charts and tables: SPC trends, ward maps, ranked tables, breakdowns; each with its CSV."""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import streamlit as st

from swp_app.cards import download_csv, headings, marker_caption
from swp_app.palette import CONCERN, GRID, IMPROVEMENT, INK, NEUTRAL, TARGET
from swp_app.tables import versus_city_text, ward_table_display
from swp_data.alt_text import breakdown_alt, funnel_alt, trend_alt
from swp_data.filters import Filters
from swp_data.funnels import WardFunnel
from swp_data.kinds.rank import AREAS
from swp_data.kpis.model import Kpi
from swp_data.settings import get_settings

SIGNALS = ["common cause", "improvement", "concern", "special cause (neither)", "no limits"]
SIGNAL_COLOURS = [GRID, IMPROVEMENT, CONCERN, NEUTRAL, "#DDDDDD"]
SIGNAL_SHAPES = ["circle", "diamond", "square", "triangle-up", "cross"]
"""A trend's points: Making Data Count's colours, and a shape for each signal (the PDF pack's, and a cross
for a point without limits)."""


def _unit_title(kpi: Kpi) -> str:
    return kpi.kind.axis_title(kpi)


# Altair validates every part of a chart against the Vega-Lite schema as it is built ("debug
# mode") and again when it is converted: about a second of a priority page's rerun, and
# Streamlit converts under a lock every session of the process waits on. Our charts are fixed
# code, validated whole by the tests (``SWP_VALIDATE_CHARTS``), so the server skips it.
alt.utils.schemapi.disable_debug_mode()


def _readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with every word on it in INK, set in place.

    Altair's ``configure_*`` would return a deep copy of the whole chart, data included, for each
    of the three: about a third of drawing a priority page's charts.
    """
    chart.config = alt.Config(
        axis=alt.AxisConfig(labelColor=INK, titleColor=INK),
        legend=alt.LegendConfig(labelColor=INK, titleColor=INK),
        title=alt.TitleConfig(color=INK, subtitleColor=INK),
    )
    return chart


def draw_chart(
    chart: alt.TopLevelMixin, alt_text: str, datasets: dict[str, list[dict[str, object]]] | None = None
) -> None:
    """Show a chart full width with its text alternative, every word on it in INK.

    Streamlit's chart theme writes axis and legend text in #808495, 3.7:1 on white: short of WCAG 2.2
    AA's 4.5:1 for text (axe does not check text inside an SVG, so its check in the browser tests is ours).

    Speed: Streamlit converts the chart itself (its data as Arrow) by calling ``to_dict()``; this
    chart's own ``to_dict`` is told whether to validate. Every encoding is a channel object
    (``alt.Y("value:Q")``, not ``"value:Q"``): Altair resolves a shorthand string by building a
    schema lookup each time, about 0.1 s apiece. ``datasets``: named data (``alt.NamedData``) put
    into the spec as it is, for data Altair need not walk (a map's polygons).
    """
    readable = _readable(chart)
    validate = get_settings().validate_charts
    if datasets is not None:
        spec = readable.to_dict(validate=validate)
        view = spec.get("config", {}).get("view", {})
        for default in ("continuousWidth", "continuousHeight"):  # Altair's theme; Streamlit sizes the chart
            view.pop(default, None)
        spec.setdefault("datasets", {}).update(datasets)
        st.vega_lite_chart(spec=spec, width="stretch", alt=alt_text)
        return
    if not validate:
        object.__setattr__(readable, "to_dict", functools.partial(type(readable).to_dict, readable, validate=False))
    st.altair_chart(readable, width="stretch", alt=alt_text)


def trend_chart(kpi: Kpi, frame: pd.DataFrame, step: str, filters: Filters, key: str, *, as_of: str) -> None:
    """The series with SPC mean and limits, special-cause points marked; a CSV of exactly the points shown."""
    title = f"{kpi.label}, {step}: {filters.selection.label}, to {filters.period.last.label}"
    if "suppressed" in frame and frame["suppressed"].astype(bool).any():
        withheld = ", ".join(frame.loc[frame["suppressed"].astype(bool), "period"])
        st.caption(f"Withheld for partners (small numbers): {withheld}.")
    shown = frame.dropna(subset=["value"]).copy()
    if shown.empty:
        st.info(
            f"No figures to chart for {kpi.label} in these wards and periods: no data, not available, or (for "
            "partners) not published at this level."
        )
        return
    if "complete" in shown and not shown["complete"].astype(bool).all():
        partial = ", ".join(shown.loc[~shown["complete"].astype(bool), "period"])
        st.caption(f"Incomplete (not every month loaded): {partial}. Drawn, but left out of the SPC mean and limits.")
    # The data layer classifies each point (Making Data Count rules); "" is a point without limits.
    shown["signal"] = shown["signal"].replace({"": "no limits", "neither": "special cause (neither)"})
    order = list(shown["period"])
    # The chart's data: only the columns it draws or names (each layer's data is converted to Arrow).
    plotted = shown[[c for c in TREND_COLUMNS if c in shown]]
    x = alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    y = alt.Y("value:Q", title=_unit_title(kpi), scale=alt.Scale(zero=kpi.kind.axis_from_zero))
    line = alt.Chart(plotted).mark_line(color=INK).encode(x=x, y=y)
    # Never colour alone: each signal has its shape too (as the PDF pack draws it), named in one legend.
    legend = {"title": "SPC signal", "legend": alt.Legend(symbolStrokeColor=INK, symbolStrokeWidth=0.5)}
    colour = alt.Color("signal:N", scale=alt.Scale(domain=SIGNALS, range=SIGNAL_COLOURS), **legend)
    shape = alt.Shape("signal:N", scale=alt.Scale(domain=SIGNALS, range=SIGNAL_SHAPES), **legend)
    # Parts only where the viewer has them (partners get the value alone): never a "null" in a tooltip.
    tooltip = (
        [alt.Tooltip("period:N"), alt.Tooltip("value:Q", format=",.1f")]
        + [alt.Tooltip(f"{c}:Q") for c in ("numerator", "denominator") if c in shown and shown[c].notna().any()]
        + [alt.Tooltip("signal:N"), alt.Tooltip("rules:N"), alt.Tooltip("provisional:N")]
    )
    provisional = shown["provisional"].astype(bool)
    # Final points filled in their signal's colour; provisional ones unfilled, outlined in ink. A layer
    # is drawn only with something in it: an empty one is an unlabelled graphic to a screen reader.
    layers = [line]
    if not provisional.all():
        layers.append(
            alt.Chart(plotted[~provisional])
            .mark_point(filled=True, size=70, stroke=INK, strokeWidth=0.5)
            .encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
        )
    if provisional.any():
        layers.append(
            alt.Chart(plotted[provisional])
            .mark_point(filled=False, size=70, stroke=INK, strokeWidth=1.5)
            .encode(x=x, y=y, shape=shape, tooltip=tooltip)
        )
    if shown["mean"].notna().any():
        # One line per segment (detail), so the limits break where they were rebased.
        limits = plotted.dropna(subset=["mean"])
        for column, dash in (("mean", []), ("lower", [4, 4]), ("upper", [4, 4])):
            if limits[column].isna().all():
                continue
            layers.append(
                alt.Chart(limits)
                .mark_line(color=GRID, strokeDash=dash)
                .encode(x=x, y=alt.Y(f"{column}:Q"), detail=alt.Detail("segment:N"))
            )
    if "target" in shown and shown["target"].notna().any():
        layers.append(
            alt.Chart(plotted)
            .mark_line(color=TARGET, strokeDash=[2, 2])
            .encode(x=x, y=alt.Y("target:Q"), detail=alt.Detail("segment:N"))
        )
    if shown["low"].notna().any():
        layers.append(
            alt.Chart(plotted).mark_rule(color=INK, opacity=0.5).encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"))
        )
    markers = _spc_markers(kpi, shown)
    if not markers.empty:
        rules = alt.Chart(markers).mark_rule(color=INK, strokeDash=[6, 3]).encode(x=x)
        labels = alt.Chart(markers).mark_text(align="left", dx=3, dy=-6, color=INK, fontSize=11, baseline="top")
        layers += [rules, labels.encode(x=x, y=alt.YValue(0), text=alt.Text("label:N"))]
    chart = alt.layer(*layers).properties(title=title, height=300)
    draw_chart(chart, trend_alt(kpi, shown, title))
    if provisional.any():
        st.caption(f"Unfilled points are provisional: {', '.join(shown.loc[provisional, 'period'])}.")
    if shown["mean"].isna().all() and kpi.kind.spc_applies:
        st.caption("SPC limits need at least 12 periods with data.")
    if not markers.empty:
        st.caption(" ".join(markers["caption"]))
    download_csv(
        shown.drop(columns=["period_start"]), f"{kpi.key}-trend.csv", headings(filters, title, as_of), f"dl-trend-{key}"
    )


TREND_COLUMNS = (
    *("period", "value", "numerator", "denominator", "low", "high", "signal", "rules", "provisional"),
    *("mean", "lower", "upper", "segment", "target"),
)
"""What a trend chart draws or names in its tooltips (the CSV beside it has every column)."""


def _spc_markers(kpi: Kpi, shown: pd.DataFrame) -> pd.DataFrame:
    """Where the SPC limits were rebased or their fixed baseline ends: a rule and a label on the chart."""
    rows = []
    periods, segments, starts = list(shown["period"]), list(shown["segment"]), list(shown["period_start"])
    fixed = list(shown["baseline"].astype(bool))
    for i in range(1, len(shown)):
        if segments[i] != segments[i - 1]:
            why = next((r for when, r in reversed(kpi.rebase_reasons) if when <= starts[i]), "")
            caption = f"Limits rebased from {periods[i]}" + (f": {why}." if why else ".")
            rows.append({"period": periods[i], "label": "rebased", "caption": caption})
        elif fixed[i - 1] and not fixed[i] and pd.notna(shown["mean"].iloc[i]):
            rows.append(
                {
                    "period": periods[i],
                    "label": "limits fixed",
                    "caption": f"Limits fixed on the baseline before {periods[i]} and extended forward.",
                }
            )
    return pd.DataFrame(rows, columns=["period", "label", "caption"])


def period_shown(kpi: Kpi, filters: Filters) -> str:
    """The period a KPI's ward figures cover: the selected quarters, or 12 months to their end for repeats."""
    return kpi.kind.period_shown(filters.period)


VERSUS_COLOURS = {"better": IMPROVEMENT, "worse": CONCERN, "similar": "#BBBBBB", "not judged": NEUTRAL}
"""Fingertips-style: blue better than the city, orange worse, grey similar, purple higher/lower but not judged."""
VERSUS_SHAPES = {"better": "diamond", "worse": "square", "similar": "circle", "not judged": "triangle-up"}
"""And a shape for each, as the PDF pack's funnel draws them: the judgement never rests on colour alone."""


def ward_table(kpi: Kpi, frame: pd.DataFrame, filters: Filters, key: str, *, as_of: str) -> None:
    """The ranked ward table with rates, intervals and 'higher / similar / lower than the city', and its download.

    Shown as text (``ward_table_display``): a ward without a figure reads its marker or state, never
    'None'; the download keeps the figures as numbers.
    """
    title = f"{kpi.label}: wards ranked, {period_shown(kpi, filters)} ({kpi.kind.rank_order(kpi)})"
    columns = [
        "rank",
        "ward_name",
        "versus_city",
        "value",
        "shown_as",
        "low",
        "high",
        "numerator",
        "denominator",
        "rate_per_1000",
        "availability",
        "selected",
    ]
    typed = frame[[c for c in columns if c in frame.columns]].copy()
    if "versus_city" in typed:
        typed["versus_city"] = [
            versus_city_text(v, j) for v, j in zip(frame["versus_city"], frame["judgement"], strict=True)
        ]
    shown = ward_table_display(kpi, frame)
    st.markdown(f"**{title}**")
    st.dataframe(
        shown.style.map(_versus_colour, subset=["versus_city"]),
        hide_index=True,
        height=360,
        column_config={
            "rank": st.column_config.TextColumn("Rank", help=kpi.kind.rank_order(kpi)),
            "ward_name": "Ward",
            "versus_city": st.column_config.TextColumn(
                "Against the city",
                help="Outside the funnel's 95% limits around the city value (overdispersion allowed for); "
                f"coloured by the desired direction ({kpi.better}).",
            ),
            "value": st.column_config.TextColumn(_unit_title(kpi)),
            "low": st.column_config.TextColumn("95% low"),
            "high": st.column_config.TextColumn("95% high"),
            "numerator": st.column_config.TextColumn("Numerator"),
            "denominator": st.column_config.TextColumn("Denominator"),
            "rate_per_1000": st.column_config.TextColumn("Per 1,000"),
            "selected": st.column_config.CheckboxColumn("Selected"),
            "availability": st.column_config.TextColumn(
                "State",
                help="available, partial (some records unknown), not available (the source lacks the field) "
                "or no data (nothing loaded for these months)",
            ),
        },
    )
    marker_caption(shown["value"])
    download_csv(typed, f"{kpi.key}-wards.csv", headings(filters, title, as_of), f"dl-wards-{key}")


def _versus_colour(text: str) -> str:
    for judgement, colour in VERSUS_COLOURS.items():
        if f"({judgement})" in text or (judgement == "similar" and text.startswith("similar")):
            return f"background-color: {colour}33"
    return ""


def funnel_chart(kpi: Kpi, found: WardFunnel | None, filters: Filters, key: str, *, as_of: str) -> None:
    """Wards against the city: value by size with 95% and 99.8% limits (Fingertips style), and its download."""
    if found is None:
        st.caption("No funnel plot: the city figure or the wards' figures for this period are not available.")
        return
    title = f"{kpi.label}: wards against the city, {period_shown(kpi, filters)}"
    size_title, value_title = kpi.kind.funnel_size_title(kpi), kpi.kind.funnel_title(kpi)
    limits = found.limits.melt("size", var_name="limit", value_name="value")
    limits["limit"] = limits["limit"].map(
        {"lower_95": "95%", "upper_95": "95% ", "lower_998": "99.8%", "upper_998": "99.8% "}
    )
    lines = (
        alt.Chart(limits)
        .mark_line(color=GRID)
        .encode(
            x=alt.X("size:Q", title=size_title),
            y=alt.Y("value:Q", title=value_title),
            detail=alt.Detail("limit:N"),
            strokeDash=alt.StrokeDash(
                "limit:N",
                scale=alt.Scale(domain=["95%", "95% ", "99.8%", "99.8% "], range=[[4, 3], [4, 3], [1, 0], [1, 0]]),
                legend=None,
            ),
        )
    )
    city_line = alt.Chart(pd.DataFrame({"value": [found.city_value]})).mark_rule(color=INK).encode(y=alt.Y("value:Q"))
    # A ward with no position is drawn as similar; colour and shape both say the judgement, in one legend.
    points = found.points.assign(against=[j if j in VERSUS_COLOURS else "similar" for j in found.points["judgement"]])
    seen = [j for j in VERSUS_COLOURS if j in set(points["against"])]  # the legend names only what is drawn
    judged = {"title": "Against the city", "legend": alt.Legend(symbolStrokeColor=INK, symbolStrokeWidth=0.5)}
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=90, opacity=0.9, stroke=INK, strokeWidth=0.5)
        .encode(
            x=alt.X("size:Q"),
            y=alt.Y("value:Q"),
            color=alt.Color(
                "against:N", scale=alt.Scale(domain=seen, range=[VERSUS_COLOURS[j] for j in seen]), **judged
            ),
            shape=alt.Shape(
                "against:N", scale=alt.Scale(domain=seen, range=[VERSUS_SHAPES[j] for j in seen]), **judged
            ),
            tooltip=[
                alt.Tooltip("ward_name:N", title="Ward"),
                alt.Tooltip("value:Q", title=value_title, format=",.2f"),
                alt.Tooltip("size:Q", title=size_title, format=",.0f"),
                alt.Tooltip("versus_city:N", title="Against the city"),
            ],
        )
    )
    draw_chart(alt.layer(lines, city_line, dots).properties(title=title, height=320), funnel_alt(kpi, found, title))
    widening = f" Limits widened for overdispersion (phi = {found.phi:.2f})." if found.phi > 1 else ""
    st.caption(
        f"Black line: Wolverhampton ({found.city_value:,.2f}). Dashed: 95% limits; solid: 99.8%.{widening} "
        "Blue diamonds: better than the city; orange squares: worse; grey circles: similar; purple triangles: "
        "higher or lower, not judged."
    )
    download_csv(found.points, f"{kpi.key}-funnel.csv", headings(filters, title, as_of), f"dl-funnel-{key}")


def breakdown_chart(kpi: Kpi, label: str, frame: pd.DataFrame, filters: Filters, key: str, *, as_of: str) -> None:
    """A bar chart of a breakdown (with intervals for shares), and its download."""
    title = f"{kpi.label}, {label.lower()}: {filters.selection.label}, {filters.period.label}"
    share = bool(frame["denominator"].notna().any())  # the data layer gives shares within categories
    axis_title = "Per cent" if share else "Count"
    if "shown_as" in frame and frame["shown_as"].astype(bool).any():
        withheld = ", ".join(f"{c} ({m})" for c, m in zip(frame["category"], frame["shown_as"], strict=True) if m)
        st.caption(f"Withheld for partners: {withheld}.")
    if not frame["value" if share else "numerator"].notna().any():
        # Not an empty chart: a chart with no bars is an unlabelled graphic to a screen reader.
        st.info(
            f"No figures to chart for {kpi.label}, {label.lower()}, in these wards and periods: no data, not "
            "available, or (for partners) not published at this level."
        )
        return
    bars = (
        alt.Chart(frame)
        .mark_bar(color=IMPROVEMENT)
        .encode(
            y=alt.Y("category:N", sort="-x", title=None),
            x=alt.X("value:Q" if share else "numerator:Q", title=axis_title),
            tooltip=[
                alt.Tooltip("category:N"),
                alt.Tooltip("numerator:Q"),
                alt.Tooltip("denominator:Q"),
                alt.Tooltip("value:Q", format=",.1f"),
            ],
        )
    )
    layers = [bars]
    if share and frame["low"].notna().any():
        layers.append(
            alt.Chart(frame)
            .mark_rule(color=INK)
            .encode(y=alt.Y("category:N", sort="-x"), x=alt.X("low:Q"), x2=alt.X2("high:Q"))
        )
    # A height per bar (alt.Step): a fixed pixel height collapses discrete axes in Streamlit's sizing.
    chart = alt.layer(*layers).properties(title=title, height=alt.Step(30))
    draw_chart(chart, breakdown_alt(label, frame, title, share))
    download_csv(
        frame,
        f"{kpi.key}-{label.lower().replace(' ', '-')}.csv",
        headings(filters, title, as_of),
        f"dl-breakdown-{key}",
    )


def rank_table(frame: pd.DataFrame, filters: Filters, *, as_of: str) -> None:
    """The 7 West Midlands CSPs ranked by rate per 1,000 for each neighbourhood crime group (``Dashboard.wm_ranks``)."""
    title = f"West Midlands CSPs ranked by neighbourhood crime per 1,000 residents, {filters.period.label} (1 = safest)"
    st.markdown(f"**{title}**")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "rate_per_1000": st.column_config.NumberColumn("Per 1,000", format="%.2f"),
            "rank": st.column_config.NumberColumn(f"Rank of {AREAS}"),
        },
    )
    download_csv(frame, "wm-ranks.csv", headings(filters, title, as_of), "dl-wm-ranks")
