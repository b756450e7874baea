"""SQL shapes behind the composed KPIs (``swp_data.kpis.compose``) and the survey KPIs.

Every grid query returns one row per ward and month: ``ward_code, month,
numerator, denominator, unknown``. Conditions are our own SQL (never user input).
"""

from __future__ import annotations

from swp_data import vocab
from swp_data.sources.measures import quoted


def records_grid(
    table: str, numerator: str, denominator: str | None = None, unknown: str = "false", month: str = "month"
) -> str:
    """Records meeting each part's condition per ward and month (a count has no ``denominator``).

    The one shape of every composed count, share and rate: ``swp_data.kpis.scope`` lists the
    records behind each part with the very same conditions.
    """
    denominator_sql = "null::bigint" if denominator is None else f"count(*) filter (where {denominator})"
    return f"""
select ward_code, {month} as month,
       count(*) filter (where {numerator}) as numerator,
       {denominator_sql} as denominator,
       count(*) filter (where {unknown}) as unknown
from {table}
where {month} is not null
group by all
"""


def category_grid(table: str, category: str, condition: str, denominator: str | None = None) -> str:
    """A breakdown: records meeting ``condition`` per ward, month and ``category``.

    With ``denominator`` the breakdown is a share within each category.
    """
    if denominator is None:
        numerator, denominator_sql = "count(*)", "null::bigint"
        scope = condition
    else:
        numerator, denominator_sql = f"count(*) filter (where {condition})", "count(*)"
        scope = denominator
    return f"""
select ward_code, month, {category} as category,
       {numerator} as numerator,
       {denominator_sql} as denominator,
       0 as unknown
from {{table}}
where {scope}
group by all
""".replace("{table}", table)


SURVEY_NO_RECORDS = (
    "a weighted survey proportion: its figure sums response weights rather than counting records, "
    "so no list of responses adds up to it"
)
"""Why the survey KPIs list no records behind their figure."""


def survey_grid(answer_column: str, safe_answers: tuple[str, ...], condition: str = "true") -> str:
    """Weighted share of respondents giving a safe answer ('don't know' and blanks excluded from the base)."""
    valid = f"{answer_column} is not null and {answer_column} not in ({quoted(vocab.UNKNOWN_ANSWERS)})"
    return f"""
select ward_code, month,
       sum(coalesce(weight, 1)) filter (where {answer_column} in ({quoted(safe_answers)})) as numerator,
       sum(coalesce(weight, 1)) filter (where {valid}) as denominator,
       count(*) filter (where not ({valid})) as unknown,
       count(*) filter (where {valid}) as respondents,
       sum(coalesce(weight, 1) ^ 2) filter (where {valid}) as weight_sq
from survey_response
where {condition}
group by all
"""


def people_events(table: str, person: str, condition: str) -> str:
    """Incidents of a person (victim, offender, caller, place) for repeat KPIs."""
    return f"""
select {person} as person, ward_code, month
from {table}
where {person} is not null and ({condition})
"""
