"""The pack's charts as vector drawings (ReportLab graphics): SPC trends, the ward map and the funnel plot.

Drawn directly rather than through a chart library: the shapes stay vector in the PDF, every
label is real text, nothing needs a browser, and a page of eight charts draws in milliseconds.
No signal is shown by colour alone: each kind of point has its own shape, named in a legend.
Only what the viewer's figures hold is drawn (a partner's withheld points are gaps, their wards
grey with the marker written on them), and the axes span the figures drawn and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from swp_data.funnels import WardFunnel
from swp_data.geography import ward_boundaries, ward_label_points
from swp_data.kpis.model import Kpi
from swp_data.palette import CONCERN, GRID, IMPROVEMENT, INK, NEUTRAL, TARGET

FONT, BOLD = "Helvetica", "Helvetica-Bold"  # replaced by the pack's embedded fonts (``use_fonts``)
TICK_SIZE, LABEL_SIZE = 5.5, 6.0
LIGHT = colors.HexColor("#E6E6E6")
WITHHELD = colors.HexColor("#C8C8C8")
EMPTY = colors.HexColor("#F4F4F4")
VIRIDIS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
"""Viridis reversed (light for low, dark for high), the app's map scheme: ordered in lightness, so it prints in grey."""


def use_fonts(regular: str, bold: str) -> None:
    """Draw every chart's text in the pack's fonts (embedded, so the PDF's text extracts exactly)."""
    global FONT, BOLD
    FONT, BOLD = regular, bold


def _colour(hex_code: str) -> colors.Color:
    return colors.HexColor(hex_code)


# -- markers: one shape per meaning --------------------------------------------------------------------------
def _circle(x: float, y: float, r: float, fill: colors.Color | None, stroke: colors.Color) -> Circle:
    return Circle(x, y, r, fillColor=fill, strokeColor=stroke, strokeWidth=0.5)


def _square(x: float, y: float, r: float, fill: colors.Color | None, stroke: colors.Color) -> Rect:
    s = r * 0.9
    return Rect(x - s, y - s, 2 * s, 2 * s, fillColor=fill, strokeColor=stroke, strokeWidth=0.5)


def _diamond(x: float, y: float, r: float, fill: colors.Color | None, stroke: colors.Color) -> Polygon:
    s = r * 1.25
    return Polygon([x, y + s, x + s, y, x, y - s, x - s, y], fillColor=fill, strokeColor=stroke, strokeWidth=0.5)


def _triangle(x: float, y: float, r: float, fill: colors.Color | None, stroke: colors.Color) -> Polygon:
    s = r * 1.2
    return Polygon(
        [x, y + s, x + s, y - s * 0.8, x - s, y - s * 0.8], fillColor=fill, strokeColor=stroke, strokeWidth=0.5
    )


Marker = Callable[[float, float, float, "colors.Color | None", colors.Color], object]
SPC_MARKERS: dict[str, tuple[Marker, str, str]] = {
    "common cause": (_circle, GRID, "common cause (circle)"),
    "improvement": (_diamond, IMPROVEMENT, "special cause improving (diamond)"),
    "concern": (_square, CONCERN, "special cause concerning (square)"),
    "neither": (_triangle, NEUTRAL, "special cause, neither (triangle)"),
    "": (_circle, "#FFFFFF", "no limits yet (open circle)"),
}
"""Each SPC signal's shape, colour and legend words (Making Data Count's colours, and a shape for each)."""
FUNNEL_MARKERS: dict[str, tuple[Marker, str, str]] = {
    "better": (_diamond, IMPROVEMENT, "better than the city (diamond)"),
    "worse": (_square, CONCERN, "worse than the city (square)"),
    "similar": (_circle, "#BBBBBB", "similar to the city (circle)"),
    "not judged": (_triangle, NEUTRAL, "higher or lower, not judged (triangle)"),
}


# -- axes ----------------------------------------------------------------------------------------------------
def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values spanning ``low`` to ``high`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-9:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_text(value: float, step: float) -> str:
    """A tick label with as many decimals as the step needs (2.5 apart: one), thousands separated."""
    decimals = next((d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 3)
    return f"{value:,.{decimals}f}"


class _Frame:
    """A plot area inside a drawing, mapping data to points."""

    def __init__(
        self, left: float, bottom: float, width: float, height: float, ys: list[float], xs: list[float]
    ) -> None:
        self.left, self.bottom, self.width, self.height = left, bottom, width, height
        self.y_ticks = ys
        self.x_ticks = xs
        self.y0, self.y1 = ys[0], ys[-1]
        self.x0, self.x1 = xs[0], xs[-1]

    def x(self, value: float) -> float:
        return self.left + (value - self.x0) / ((self.x1 - self.x0) or 1) * self.width

    def y(self, value: float) -> float:
        return self.bottom + (value - self.y0) / ((self.y1 - self.y0) or 1) * self.height


def _y_axis(group: Group, frame: _Frame, title: str) -> None:
    step = frame.y_ticks[1] - frame.y_ticks[0] if len(frame.y_ticks) > 1 else 1.0
    for tick in frame.y_ticks:
        y = frame.y(tick)
        group.add(Line(frame.left, y, frame.left + frame.width, y, strokeColor=LIGHT, strokeWidth=0.4))
        group.add(
            String(frame.left - 2, y - 2, tick_text(tick, step), fontName=FONT, fontSize=TICK_SIZE, textAnchor="end")
        )
    group.add(
        String(
            frame.left,
            frame.bottom + frame.height + 4,
            title,
            fontName=FONT,
            fontSize=LABEL_SIZE,
            fillColor=_colour(INK),
        )
    )
    group.add(
        Line(
            frame.left, frame.bottom, frame.left + frame.width, frame.bottom, strokeColor=_colour(GRID), strokeWidth=0.5
        )
    )


def _legend(group: Group, x: float, y: float, width: float, items: Sequence[tuple[Marker, str, str]]) -> float:
    """Legend entries (shape, colour, words) in rows from (x, y) downwards; returns the y below the last row."""
    cursor_x, cursor_y = x, y
    for marker, colour, words in items:
        entry = 10 + len(words) * LABEL_SIZE * 0.5
        if cursor_x + entry > x + width and cursor_x > x:
            cursor_x, cursor_y = x, cursor_y - 8
        group.add(marker(cursor_x + 3, cursor_y + 2, 2.2, _colour(colour), _colour(INK)))
        group.add(String(cursor_x + 8, cursor_y, words, fontName=FONT, fontSize=LABEL_SIZE - 0.5))
        cursor_x += entry + 6
    return cursor_y - 8


def _numbers(frame: pd.DataFrame, columns: Sequence[str]) -> list[float]:
    found: list[float] = []
    for column in columns:
        if column in frame:
            found += [float(v) for v in pd.to_numeric(frame[column], errors="coerce").dropna()]
    return found


def _short_period(period: object) -> str:
    """A period as an axis label: '12 months to Sep 2025' as 'Sep 2025' (the chart's title says rolling)."""
    return str(period).removeprefix("12 months to ")


def _period_labels(group: Group, plot: _Frame, labels: list[str]) -> None:
    """The latest period's label, then every n-th back: as many as fit without touching each other."""
    count = len(labels)
    widest = max(stringWidth(label, FONT, TICK_SIZE) for label in labels) + 6
    every = max(1, math.ceil(widest / (plot.width / max(count, 1))))
    for i in range(count - 1, -1, -every):
        half = stringWidth(labels[i], FONT, TICK_SIZE) / 2
        if plot.x(i) - half < plot.left - 12:
            break  # would run into the value axis's labels
        group.add(String(plot.x(i), plot.bottom - 7, labels[i], fontName=FONT, fontSize=TICK_SIZE, textAnchor="middle"))


# -- the SPC trend -------------------------------------------------------------------------------------------
def spc_chart(kpi: Kpi, series: pd.DataFrame, width: float, height: float) -> Drawing | None:
    """The series with its SPC mean and limits, each point shaped by its signal (None: nothing to draw).

    Periods without a figure the viewer may see (withheld, no data) stay on the axis as gaps.
    """
    if series.empty or series["value"].notna().sum() == 0:
        return None
    frame = series.reset_index(drop=True)
    periods = list(frame["period"])
    count = len(periods)
    shown = frame[frame["value"].notna()]
    values = _numbers(shown, ("value", "mean", "lower", "upper", "target", "low", "high"))
    low, high = min(values), max(values)
    if kpi.kind.axis_from_zero:
        low = min(0.0, low)
    legend_rows = 2
    bottom = 14 + legend_rows * 8
    plot = _Frame(30, bottom, width - 36, height - bottom - 12, nice_ticks(low, high), [-0.5, count - 0.5])
    drawing = Drawing(width, height)
    group = Group()
    _y_axis(group, plot, kpi.kind.axis_title(kpi))
    _period_labels(group, plot, [_short_period(p) for p in periods])
    # SPC mean (solid) and limits (dashed), broken where the limits were rebased.
    if "mean" in frame and frame["mean"].notna().any():
        for _, segment in frame[frame["mean"].notna()].groupby("segment", sort=False):
            index = list(segment.index)
            for column, dash in (("mean", None), ("lower", (3, 2)), ("upper", (3, 2))):
                points = [
                    v
                    for i in index
                    if pd.notna(frame.at[i, column])
                    for v in (plot.x(i), plot.y(float(frame.at[i, column])))
                ]
                if len(points) >= 4:
                    group.add(PolyLine(points, strokeColor=_colour(GRID), strokeWidth=0.7, strokeDashArray=dash))
    if "target" in frame and frame["target"].notna().any():
        points = [
            v
            for i in frame.index
            if pd.notna(frame.at[i, "target"])
            for v in (plot.x(i), plot.y(float(frame.at[i, "target"])))
        ]
        if len(points) >= 4:
            group.add(PolyLine(points, strokeColor=_colour(TARGET), strokeWidth=0.8, strokeDashArray=(1, 1.5)))
    if "low" in frame and frame["low"].notna().any():
        for i in shown.index:
            if pd.notna(frame.at[i, "low"]) and pd.notna(frame.at[i, "high"]):
                x = plot.x(i)
                group.add(
                    Line(
                        x,
                        plot.y(float(frame.at[i, "low"])),
                        x,
                        plot.y(float(frame.at[i, "high"])),
                        strokeColor=_colour(GRID),
                        strokeWidth=0.4,
                    )
                )
    # The values: a line through consecutive shown points, broken at gaps.
    run: list[float] = []
    for i in range(count):
        value = frame.at[i, "value"]
        if pd.isna(value):
            if len(run) >= 4:
                group.add(PolyLine(run, strokeColor=_colour(INK), strokeWidth=0.8))
            run = []
            continue
        run += [plot.x(i), plot.y(float(value))]
    if len(run) >= 4:
        group.add(PolyLine(run, strokeColor=_colour(INK), strokeWidth=0.8))
    signals_seen: list[str] = []
    provisional_seen = False
    for i in shown.index:
        signal = str(frame.at[i, "signal"] or "") if "signal" in frame else ""
        signal = signal if signal in SPC_MARKERS else "common cause"
        marker, colour, _ = SPC_MARKERS[signal]
        provisional = bool(frame.at[i, "provisional"]) if "provisional" in frame else False
        provisional_seen |= provisional
        fill = None if provisional else _colour(colour)
        group.add(marker(plot.x(i), plot.y(float(frame.at[i, "value"])), 2.0, fill, _colour(INK if signal else GRID)))
        if signal not in signals_seen:
            signals_seen.append(signal)
    items = [SPC_MARKERS[s] for s in SPC_MARKERS if s in signals_seen]
    if provisional_seen:
        items.append((_circle, "#FFFFFF", "provisional (unfilled)"))
    keys: list[tuple[Marker, str, str]] = list(items)
    y = _legend(group, 4, 8 + 8, width - 8, keys)
    lines = "SPC mean: solid grey; limits: dashed grey"
    if "target" in frame and frame["target"].notna().any():
        lines += "; target: dotted"
    group.add(String(4, max(y, 1), lines, fontName=FONT, fontSize=LABEL_SIZE - 0.5, fillColor=_colour(INK)))
    drawing.add(group)
    return drawing


# -- the funnel plot -----------------------------------------------------------------------------------------
def funnel_chart(kpi: Kpi, found: WardFunnel, width: float, height: float) -> Drawing:
    """Wards' values by size against the city with 95% (dashed) and 99.8% (solid) limits; outliers named."""
    limits, points = found.limits, found.points
    values = _numbers(points, ("value",)) + _numbers(limits, ("lower_95", "upper_95", "lower_998", "upper_998"))
    values.append(found.city_value)
    sizes = _numbers(points, ("size",)) + _numbers(limits, ("size",))
    bottom = 44
    plot = _Frame(
        36,
        bottom,
        width - 46,
        height - bottom - 14,
        nice_ticks(min(values), max(values)),
        nice_ticks(min(sizes), max(sizes)),
    )
    drawing = Drawing(width, height)
    group = Group()
    _y_axis(group, plot, kpi.kind.funnel_title(kpi))
    x_step = plot.x_ticks[1] - plot.x_ticks[0] if len(plot.x_ticks) > 1 else 1.0
    for tick in plot.x_ticks:
        group.add(
            String(
                plot.x(tick),
                plot.bottom - 7,
                tick_text(tick, x_step),
                fontName=FONT,
                fontSize=TICK_SIZE,
                textAnchor="middle",
            )
        )
    group.add(
        String(
            plot.left + plot.width / 2,
            plot.bottom - 16,
            kpi.kind.funnel_size_title(kpi),
            fontName=FONT,
            fontSize=LABEL_SIZE,
            textAnchor="middle",
        )
    )
    for column, dash in (("lower_95", (3, 2)), ("upper_95", (3, 2)), ("lower_998", None), ("upper_998", None)):
        line = [
            v
            for size, value in zip(limits["size"], limits[column], strict=True)
            if pd.notna(value)
            for v in (plot.x(float(size)), plot.y(float(value)))
        ]
        if len(line) >= 4:
            group.add(PolyLine(line, strokeColor=_colour(GRID), strokeWidth=0.7, strokeDashArray=dash))
    city_y = plot.y(found.city_value)
    group.add(Line(plot.left, city_y, plot.left + plot.width, city_y, strokeColor=_colour(INK), strokeWidth=0.8))
    seen: list[str] = []
    for row in points.itertuples():
        judgement = str(row.judgement) if str(row.judgement) in FUNNEL_MARKERS else "similar"
        marker, colour, _ = FUNNEL_MARKERS[judgement]
        x, y = plot.x(float(row.size)), plot.y(float(row.value))
        group.add(marker(x, y, 2.6, _colour(colour), _colour(INK)))
        if bool(row.selected):
            group.add(Circle(x, y, 4.5, fillColor=None, strokeColor=_colour(INK), strokeWidth=1.0))
        if judgement != "similar" or bool(row.selected):
            group.add(String(x + 4, y + 2, str(row.ward_name), fontName=FONT, fontSize=TICK_SIZE))
        if judgement not in seen:
            seen.append(judgement)
    items = [FUNNEL_MARKERS[j] for j in FUNNEL_MARKERS if j in seen]
    y = _legend(group, 4, 12, width - 8, items)
    group.add(
        String(
            4,
            max(y, 1),
            "Wolverhampton: solid black line; 95% limits: dashed; 99.8%: solid grey",
            fontName=FONT,
            fontSize=LABEL_SIZE - 0.5,
        )
    )
    drawing.add(group)
    return drawing


# -- the ward map --------------------------------------------------------------------------------------------
def _ramp(t: float) -> colors.Color:
    """Viridis (reversed) at ``t`` in [0, 1]."""
    t = min(1.0, max(0.0, t)) * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    a, b = colors.HexColor(VIRIDIS[i]), colors.HexColor(VIRIDIS[i + 1])
    f = t - i
    return colors.Color(a.red + (b.red - a.red) * f, a.green + (b.green - a.green) * f, a.blue + (b.blue - a.blue) * f)


def _rings(geometry: dict[str, object]) -> list[list[tuple[float, float]]]:
    """The outer rings of a Polygon or MultiPolygon (holes are not drawn: the wards have none that matter)."""
    coordinates = geometry["coordinates"]
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons]  # type: ignore[index,union-attr]


def ward_map(kpi: Kpi, wards: pd.DataFrame, width: float, height: float) -> Drawing:
    """The wards coloured by the KPI (as the app's map), each shown ward labelled with its rank.

    Withheld wards are grey with their marker written on them; wards with no figure are pale with
    their state; selected wards are outlined in black. The colour scale spans the shown figures only.
    """
    field = kpi.kind.map_field(kpi)
    rows = wards.set_index("ward_code").to_dict("index") if not wards.empty else {}
    features = ward_boundaries()["features"]
    rings = {f["properties"]["ward_code"]: _rings(f["geometry"]) for f in features}
    xs = [x for parts in rings.values() for ring in parts for x, _ in ring]
    ys = [y for parts in rings.values() for ring in parts for _, y in ring]
    scale_x = math.cos(math.radians((min(ys) + max(ys)) / 2))
    legend_height = 30
    span_x, span_y = (max(xs) - min(xs)) * scale_x, max(ys) - min(ys)
    scale = min((width - 8) / span_x, (height - legend_height - 8) / span_y)
    offset_x = (width - span_x * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return offset_x + (lon - min(xs)) * scale_x * scale, legend_height + 4 + (lat - min(ys)) * scale

    shown = {code: float(row[field]) for code, row in rows.items() if field in row and pd.notna(row[field])}
    low, high = (min(shown.values()), max(shown.values())) if shown else (0.0, 1.0)
    drawing = Drawing(width, height)
    labels = Group()
    outlines = Group()
    withheld_seen = empty_seen = False
    placed: list[tuple[float, float, str, float]] = []
    for feature in features:
        code = feature["properties"]["ward_code"]
        row = rows.get(code, {})
        marker = row.get("shown_as")
        marker = marker if isinstance(marker, str) and marker and code not in shown else ""
        if code in shown:
            fill = _ramp((shown[code] - low) / ((high - low) or 1))
        else:
            fill = WITHHELD if marker else EMPTY
            withheld_seen, empty_seen = withheld_seen or bool(marker), empty_seen or not marker
        for ring in rings[code]:
            flat = [v for lon, lat in ring for v in project(lon, lat)]
            drawing.add(Polygon(flat, fillColor=fill, strokeColor=colors.white, strokeWidth=0.6))
            if bool(row.get("selected")):
                outlines.add(Polygon(flat, fillColor=None, strokeColor=colors.black, strokeWidth=1.6))
        x, y = project(*ward_label_points()[code])
        rank = row.get("rank")
        if code in shown and rank is not None and pd.notna(rank):
            text = f"{int(rank)}"
        elif marker:
            text = marker.split(" (")[0]
        else:
            text = "not available" if row.get("availability") == "not available" else "no data"
        placed.append((x, y, text, 5.5 if code in shown else 4.5))
    if not shown and len({text for *_, text, _ in placed}) == 1:
        # Every ward alike (no data anywhere): one label mid-map rather than twenty.
        middle_x = sum(x for x, *_ in placed) / len(placed)
        middle_y = sum(y for _, y, *_ in placed) / len(placed)
        placed = [(middle_x, middle_y, f"every ward: {placed[0][2]}", 8.0)]
    for x, y, text, size in placed:
        text_width = stringWidth(text, BOLD, size) + 2
        labels.add(
            Rect(
                x - text_width / 2,
                y - 1.5,
                text_width,
                size + 1,
                fillColor=colors.white,
                strokeColor=None,
                fillOpacity=0.8,
            )
        )
        labels.add(String(x, y, text, fontName=BOLD, fontSize=size, textAnchor="middle", fillColor=_colour(INK)))
    drawing.add(outlines)
    drawing.add(labels)
    # The legend: a ramp from the lowest to the highest figure shown, and what grey and pale mean.
    legend = Group()
    steps = 24
    bar_width = min(110.0, width * 0.45)
    for i in range(steps):
        legend.add(
            Rect(
                4 + i * bar_width / steps,
                16,
                bar_width / steps + 0.3,
                6,
                fillColor=_ramp(i / (steps - 1)),
                strokeColor=None,
            )
        )
    what = kpi.kind.map_title(kpi)
    legend.add(String(4, 25, what, fontName=FONT, fontSize=LABEL_SIZE))
    if shown:
        step = (high - low) / 10 or 1.0  # the legend's title gives the unit: the ends are numbers only
        legend.add(String(4, 9, tick_text(low, step), fontName=FONT, fontSize=TICK_SIZE))
        legend.add(String(4 + bar_width, 9, tick_text(high, step), fontName=FONT, fontSize=TICK_SIZE, textAnchor="end"))
    keys_x, key_y = 12 + bar_width, 16
    for present, fill, words in (
        (withheld_seen, WITHHELD, "withheld (marker on the ward)"),
        (empty_seen, EMPTY, "no figure (state on the ward)"),
    ):
        if present:
            legend.add(Rect(keys_x, key_y, 6, 6, fillColor=fill, strokeColor=_colour(GRID), strokeWidth=0.3))
            legend.add(String(keys_x + 8, key_y + 1, words, fontName=FONT, fontSize=TICK_SIZE))
            key_y -= 10
    legend.add(String(4, 1, "Numbers on wards: rank (see the table)", fontName=FONT, fontSize=TICK_SIZE))
    drawing.add(legend)
    return drawing
