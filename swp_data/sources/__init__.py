"""Every source the dashboard reports on, declared once (see ``base.Source``)."""

from __future__ import annotations

from swp_data.sources.base import Column, Source, SourceRecord
from swp_data.sources.community import PARTNER_RETURNS, SURVEY
from swp_data.sources.context import COMPARATORS, POPULATION, SPEND
from swp_data.sources.health import DRUG_TESTS, TREATMENT
from swp_data.sources.justice import FIRST_TIME_ENTRANTS, PROBATION, REOFFENDING
from swp_data.sources.police import ASB, CRIME

SOURCES: dict[str, Source] = {
    source.table: source
    for source in (
        CRIME,
        ASB,
        REOFFENDING,
        FIRST_TIME_ENTRANTS,
        PROBATION,
        TREATMENT,
        DRUG_TESTS,
        SURVEY,
        PARTNER_RETURNS,
        COMPARATORS,
        SPEND,
        POPULATION,
    )
}

__all__ = ["SOURCES", "Column", "Source", "SourceRecord"]
