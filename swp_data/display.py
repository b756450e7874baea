"""Display strings for the data layer's typed tables (the Overview, the Ward Profile, a ward table).

Shared by every edge that prints figures as text: the app's tables (``swp_app.tables``) and the
scrutiny pack (``swp_data.report``), so a figure reads the same on screen and on paper.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd

from swp_data.calc.render import assurance_text, coverage_text, format_value, limits_text, variation_text
from swp_data.disclosure.cells import OTHER_MARKERS, WITHHELD, explain_marker, markers_in
from swp_data.kinds import kind
from swp_data.kpis.model import Kpi
from swp_data.results import Comparison, KpiResult

MISSING_WORDS = ("None", "NaN", "nan", "<NA>", "NaT", "null")
"""What a table must never show a reader in place of a figure (pandas' and Arrow's missing values)."""


def _missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: no value to show."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with None (not NaN, NA or NaT) wherever a value is missing: pandas turns None into NaN.

    Cleaned in Python: a 54-row table's ``astype(object).where(...)`` cost more than the figures.
    """
    rows = table.to_dict("records")
    return [{name: None if _missing(value) else value for name, value in row.items()} for row in rows]


def _text(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _assurance(row: dict[str, object]) -> str:
    """The assurance in words: 'no target' where the KPI has none, 'not applicable' where SPC cannot say."""
    what = _text(row.get("target_kind"))
    if what is None:
        return "no target"
    return assurance_text(_text(row.get("assurance")), what) or "not applicable"


def marker_legend(cells: Iterable[object]) -> list[tuple[str, str]]:
    """Each suppression marker among ``cells``, with its words ('<5', 'a small count ...'), in a fixed order.

    Printed beneath a table or map, so a marker is explained where it is read (on a projector or on
    paper, where no tooltip can be hovered).
    """
    found = dict.fromkeys(marker for cell in cells if isinstance(cell, str) and cell for marker in markers_in(cell))
    small = sorted((m for m in found if m.startswith("<")), key=lambda m: int(m[1:]))
    ordered = [*small, *(m for m in OTHER_MARKERS if m in found)]
    return [(marker, explain_marker(marker) or "") for marker in ordered]


def withheld_text(marker: object) -> str:
    """The marker the data layer set for a withheld figure ('<5', '[c]', 'not published', ...)."""
    return marker if isinstance(marker, str) and marker else WITHHELD


def shown(
    value: object, state: str, measure: str, rate: bool = False, reason: object = None, marker: object = None
) -> str:
    """A value as a reader sees it: the number in its unit, or why there is none (a suppressed one: its marker)."""
    if state == "suppressed":
        return withheld_text(marker)
    if state == "not available" and reason:
        return f"not available ({reason})"
    if state == "city only":
        return "city-wide only"
    if state != "shown":
        return state
    if rate:
        return "not available" if _missing(value) else f"{value:.2f}"
    return kind(measure).format(None if _missing(value) else float(value))  # type: ignore[arg-type]


def overview_display(table: pd.DataFrame) -> pd.DataFrame:
    """The Overview as shown: one text column per figure ('1,991', '-6.7% (improved)', 'suppressed')."""
    rows = []
    for row in _records(table):
        measure = str(row["measure"])
        value = shown(
            row["value"], str(row["state"]), measure, reason=row.get("unavailable_reason"), marker=row.get("shown_as")
        )
        if row.get("latest_available"):
            value += f" (latest cohort available: {row['latest_available']})"
        if row.get("coverage") == "incomplete" and row["state"] == "shown":
            value += f" (incomplete: {row['months_loaded']:.0f} of {row['months_in_period']:.0f} months)"
        if row["change"] is None or _missing(row["change"]):
            change = str(row["change_label"])
        else:
            comparison = Comparison(
                period_label=str(row["comparison_period"]),
                figure={"value": row["comparison_value"]},  # type: ignore[arg-type]
                change=float(row["change"]),
                change_percent=None if _missing(row["change_percent"]) else float(row["change_percent"]),
                p_value=None if _missing(row["p_value"]) else float(row["p_value"]),
                significant=None,
                test=str(row["test"] or ""),
                label=row["change_label"],
            )
            change = f"{kind(measure).format_change(comparison)} ({comparison.label})"
        if row["state"] == "suppressed":
            # With the change they would give the withheld figure away: withheld in the same words.
            comparison_text = rolling = WITHHELD
        else:
            if row["comparison_period"] is None:
                comparison_text = "no comparison"
            elif _missing(row["comparison_value"]):
                comparison_text = "no data"
            else:
                comparison_text = kind(measure).format(row["comparison_value"])
            rolling_state = str(row.get("rolling_state") or "no data")
            rolling = (
                kind(measure).format(row["rolling_12_months"])
                if rolling_state == "shown"
                else {"incomplete": "incomplete (fewer than 12 months loaded)"}.get(rolling_state, rolling_state)
            )
        rows.append(
            {
                "priority": row["priority"],
                "kpi": f"  {row['kpi']}" if row["companion"] else row["kpi"],
                "key": row["key"],
                "value": value + (" *" if row["partial"] else ""),
                "comparison": comparison_text,
                "change": change,
                "rolling_12_months": rolling,
                "spc": variation_text(str(row["spc"]), _text(row.get("spc_side"))),
                "assurance": _assurance(row),
                "better": row["better"],
                "rag": row["rag"] or "",
                "availability": row["availability"],
                "page": row["page"],
            }
        )
    return pd.DataFrame(rows)


def ward_profile_display(profile: pd.DataFrame) -> pd.DataFrame:
    """The Ward Profile as shown: the ward's and the city's figures as text, with what they measure."""
    out = profile[["priority", "kpi", "key"]].copy()
    records = _records(profile)
    for side in ("ward", "city"):
        out[side] = [
            shown(
                r[f"{side}_value"],
                r[f"{side}_state"],
                r["measure"],
                rate=r["per_1000"],
                reason=r[f"{side}_reason"],
                marker=r.get(f"{side}_shown_as"),
            )
            for r in records
        ]
    out["measure"] = [
        "per 1,000 residents a year" if r["per_1000"] else kind(r["measure"]).unit for r in _records(profile)
    ]
    # Text, so a ward without a rank reads 'not ranked', never a blank 'None'.
    out["rank_of_20"] = [rank_text(r["rank_of_20"]) for r in records]
    out["rank_order"] = profile["rank_order"]
    out["versus_city"] = [versus_city_text(r["versus_city"], r["judgement"]) for r in records]
    out["change"] = profile["change"]
    out["better"] = profile["better"]
    return out


def rank_text(rank: object) -> str:
    """A ward's rank as text: '3', or 'not ranked' (the figure beside it says why), never a blank 'None'."""
    if not _missing(rank):
        return f"{int(rank)}"  # type: ignore[call-overload]
    return "not ranked"


def ward_state(row: dict[str, object], field: str = "value") -> str:
    """A ward row's ``field`` in words: 'shown', or why not (its marker, 'not available' or 'no data')."""
    if not _missing(row.get(field)):
        return "shown"
    marker = row.get("shown_as")
    if isinstance(marker, str) and marker:
        return marker
    if row.get("availability") == "not available":
        return "not available"
    return "no data"


def ward_table_display(kpi: Kpi, frame: pd.DataFrame) -> pd.DataFrame:
    """The ranked ward table as text: figures in their unit, the marker or state where a ward has none.

    Columns with nothing to show (a partner gets no intervals, denominators or rates) are left out
    rather than shown empty; a missing cell in a column that has figures says why.
    """
    records = _records(frame)
    fmt = kind(kpi.measure).format
    number_columns = {
        "value": fmt,
        "low": fmt,
        "high": fmt,
        "numerator": lambda v: f"{v:,.0f}",
        "denominator": lambda v: f"{v:,.0f}",
        "rate_per_1000": lambda v: f"{v:.2f}",
    }
    out: dict[str, list[object]] = {
        "rank": [rank_text(r["rank"]) for r in records],
        "ward_name": [r["ward_name"] for r in records],
        "versus_city": [versus_city_text(r.get("versus_city"), r.get("judgement")) for r in records],
    }
    for column, formatter in number_columns.items():
        if column not in frame or (column != "value" and frame[column].isna().all()):
            continue  # the value column always shows: where there is no figure, it says why
        out[column] = [_cell_text(r, column, formatter) for r in records]
    if "availability" in frame:
        out["availability"] = [str(r["availability"]) for r in records]
    out["selected"] = [bool(r.get("selected")) for r in records]
    return pd.DataFrame(out)


def _cell_text(row: dict[str, object], column: str, formatter: Callable[[float], str]) -> str:
    """One figure of a ward row as text; missing: the ward's state, or 'not available' beside a shown value."""
    if not _missing(row[column]):
        return formatter(float(row[column]))  # type: ignore[arg-type]
    why = ward_state(row)
    return "not available" if why == "shown" else why


def versus_city_text(versus: object, judgement: object) -> str:
    """'higher than the city (worse)', 'similar to the city', or 'not compared'."""
    if not isinstance(versus, str) or not versus:
        return "not compared"
    if versus == "similar":
        return "similar to the city"
    word = f" ({judgement})" if judgement in ("better", "worse") else ""
    return f"{versus} than the city{word}"


def spend_display(summary: pd.DataFrame) -> pd.DataFrame:
    """Commissioned spend per priority as shown: pounds, and the headline outcome in words beside it."""

    def pounds(value: object) -> str:
        return "not given" if value is None or pd.isna(value) else f"£{value:,.0f}"  # type: ignore[arg-type]

    def signed(value: object) -> str:
        if value is None or pd.isna(value):  # type: ignore[arg-type]
            return "not given"
        sign = "+" if value > 0 else "-" if value < 0 else ""  # type: ignore[operator]
        return f"{sign}£{abs(value):,.0f}"  # type: ignore[arg-type]

    def headline(row: dict[str, object]) -> str:
        if not row.get("headline") or pd.isna(row["headline"]):  # type: ignore[arg-type]
            return "no priority page"
        value, measure = row["headline_value"], row["headline_measure"]
        if value is None or pd.isna(value):  # type: ignore[arg-type]
            figure = str(row["headline_state"])
        else:
            figure = kind(str(measure)).format(float(value))  # type: ignore[arg-type]
        return f"{row['headline']}: {figure} ({row['headline_change'] or 'no comparison'})"

    records = _records(summary)
    return pd.DataFrame(
        {
            "priority": summary["priority"],
            "services": summary["services"],
            "allocation": [pounds(r["allocation"]) for r in records],
            "actual_spend": [pounds(r["actual_spend"]) for r in records],
            "difference": [signed(r["difference"]) for r in records],
            "headline": [headline(r) for r in records],
        }
    )


def card_lines(result: KpiResult, period_label: str, withheld: str, unit_beneath: bool = True) -> list[str]:
    """What a KPI card says beneath its value (unit, interval, rate, SPC limits, RAG, lags, caveats).

    ``withheld`` is what a withheld figure's card says (the app explains the marker in words on the
    card; the pack prints the marker and explains it once beneath its table). ``unit_beneath``: the
    headline is a card's short value, its unit said here. Shared by the app's cards and the pack.
    """
    details = []
    if unit_beneath and not result.suppressed and result.current.value is not None:
        unit = kind(result.measure).card_value(result.current.value)[1]
        if unit:
            details.append(unit)
    if result.suppressed:
        details.append(withheld)
    elif result.current.low is not None and result.current.high is not None:
        details.append(
            f"95% interval {format_value(result.current.low, result.measure)} to "
            f"{format_value(result.current.high, result.measure)}"
        )
    if result.current.rate_per_1000 is not None and not result.suppressed:
        details.append(f"{result.current.rate_per_1000:.2f} per 1,000 residents a year")
    if result.spc and limits_text(result.spc):
        details.append(f"SPC {limits_text(result.spc)}")
    if result.rag:
        details.append(f"RAG {result.rag.upper()} against {format_value(result.target, result.measure)}")
    if result.provisional:
        details.append("provisional")
    if result.period != period_label:
        details.append(f"latest cohort available: {result.period}")
    if result.unavailable_reason and not result.suppressed:
        details.append(result.unavailable_reason)
    elif result.coverage and result.coverage.state == "incomplete" and result.current.value is not None:
        details.append(f"{coverage_text(result.coverage)} (not compared or rated)")
    if result.availability == "partial" and result.unknown:
        details.append(f"partly known: {result.unknown:,.0f} records could not be judged")
    elif result.availability == "no data" and result.current.value is None and not result.suppressed:
        details.append("no data loaded for these months")
    return details
