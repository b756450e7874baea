"""Display strings for the data layer's typed tables (the Overview, the Ward Profile): made here, at the edge."""

from __future__ import annotations

import math

import pandas as pd

from swp_data.calc.render import assurance_text, variation_text
from swp_data.kinds import kind
from swp_data.results import Comparison


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _records(table: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with None (not NaN) wherever a value is missing: pandas turns None into NaN."""
    return table.astype(object).where(table.notna(), None).to_dict("records")  # type: ignore[return-value]


def _text(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _assurance(row: dict[str, object]) -> str:
    """The assurance in words: 'no target' where the KPI has none, 'not applicable' where SPC cannot say."""
    what = _text(row.get("target_kind"))
    if what is None:
        return "no target"
    return assurance_text(_text(row.get("assurance")), what) or "not applicable"


def shown(value: object, state: str, measure: str, rate: bool = False, reason: object = None) -> str:
    """A value as a reader sees it: the number in its unit, or why there is none."""
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
        value = shown(row["value"], str(row["state"]), measure, reason=row.get("unavailable_reason"))
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
            comparison_text = rolling = "suppressed"
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
    out["ward"] = [
        shown(r["ward_value"], r["ward_state"], r["measure"], rate=r["per_1000"], reason=r["ward_reason"])
        for r in records
    ]
    out["city"] = [
        shown(r["city_value"], r["city_state"], r["measure"], rate=r["per_1000"], reason=r["city_reason"])
        for r in records
    ]
    out["measure"] = [
        "per 1,000 residents a year" if r["per_1000"] else kind(r["measure"]).unit for r in _records(profile)
    ]
    out["rank_of_20"] = profile["rank_of_20"]
    out["rank_order"] = profile["rank_order"]
    out["versus_city"] = [versus_city_text(r["versus_city"], r["judgement"]) for r in records]
    out["change"] = profile["change"]
    out["better"] = profile["better"]
    return out


def versus_city_text(versus: object, judgement: object) -> str:
    """'higher than the city (worse)', 'similar to the city', or 'not compared'."""
    if not isinstance(versus, str) or not versus:
        return "not compared"
    if versus == "similar":
        return "similar to the city"
    word = f" ({judgement})" if judgement in ("better", "worse") else ""
    return f"{versus} than the city{word}"
