"""Text alternatives for every chart (WCAG 2.2 non-text content): what the chart shows, in words.

Built from the same frame the chart draws, so a screen reader hears the figures a sighted reader
sees, never more (a partner's alt text holds only the partner's figures).
"""

from __future__ import annotations

import pandas as pd

from swp_data.calc.render import variation_text
from swp_data.funnels import WardFunnel
from swp_data.kinds import kind
from swp_data.kpis.model import Kpi


def _value(kpi: Kpi, value: object) -> str:
    return "no figure" if value is None or pd.isna(value) else kind(kpi.measure).format(float(value))  # type: ignore[arg-type]


def trend_alt(kpi: Kpi, shown: pd.DataFrame, title: str) -> str:
    """The trend in words: its points, latest, lowest and highest, SPC limits and any special cause."""
    if shown.empty:
        return f"{title}: no points to chart."
    first, last = shown.iloc[0], shown.iloc[-1]
    text = (
        f"Line chart, {title}: {len(shown)} points from {first['period']} to {last['period']}. "
        f"Latest {_value(kpi, last['value'])}; lowest {_value(kpi, shown['value'].min())}, "
        f"highest {_value(kpi, shown['value'].max())}."
    )
    if "mean" in shown and shown["mean"].notna().any():
        limits = shown.dropna(subset=["mean"]).iloc[-1]
        text += f" SPC mean {_value(kpi, limits['mean'])}"
        if pd.notna(limits.get("lower")) and pd.notna(limits.get("upper")):
            text += f", limits {_value(kpi, limits['lower'])} to {_value(kpi, limits['upper'])}"
        text += "."
    if "signal" in shown:
        special = shown[shown["signal"].isin(["improvement", "concern"])]
        if not special.empty:
            latest = special.iloc[-1]
            text += f" Special cause at {latest['period']}: {variation_text(str(latest['signal'])).lower()}."
    return text


def map_alt(kpi: Kpi, frame: pd.DataFrame, title: str) -> str:
    """The map in words: the highest and lowest wards shown, and how many have no figure shown."""
    markers = frame["shown_as"].fillna("").astype(bool) if "shown_as" in frame else pd.Series(False, index=frame.index)
    shown = frame[frame["value"].notna() & ~markers]
    withheld = len(frame) - len(shown)
    if shown.empty:
        return f"Map, {title}: no ward has a figure shown" + (
            f" ({withheld} withheld or not published)." if withheld else "."
        )
    ordered = shown.sort_values("value")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    text = (
        f"Map of the 20 wards, {title}: highest {high['ward_name']} ({_value(kpi, high['value'])}), "
        f"lowest {low['ward_name']} ({_value(kpi, low['value'])})."
    )
    if withheld:
        text += f" {withheld} wards have no figure shown (withheld for partners, or no data)."
    return text + " The ward table beside it lists every ward."


def funnel_alt(kpi: Kpi, found: WardFunnel, title: str) -> str:
    """The funnel in words: the city's figure and the wards outside its 95% limits."""
    points = found.points

    def names(which: str) -> str:
        chosen = sorted(points.loc[points["versus_city"] == which, "ward_name"])
        return ", ".join(chosen) if chosen else "none"

    return (
        f"Funnel plot, {title}: each ward against the city's {found.city_value:,.2f} with 95% and 99.8% limits. "
        f"Higher than the city: {names('higher')}. Lower: {names('lower')}. The rest are similar."
    )


def breakdown_alt(label: str, frame: pd.DataFrame, title: str, share: bool) -> str:
    """The bars in words: each category's figure, or its marker."""
    column = "value" if share else "numerator"
    parts = []
    for record in frame.to_dict("records"):
        marker = record.get("shown_as")
        value = record.get(column)
        if marker:
            parts.append(f"{record['category']} withheld ({marker})")
        elif value is None or pd.isna(value):
            parts.append(f"{record['category']} no figure")
        else:
            parts.append(f"{record['category']} {value:,.1f}{'%' if share else ''}".replace(".0 ", " "))
    return f"Bar chart, {title}: " + "; ".join(parts) + "."
