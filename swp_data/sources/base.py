"""How a source is declared: a pydantic record model plus how it is keyed and placed.

The record model is the one description of a source's fields. The store's
table, the import validation and the blank templates (with their README) are
all derived from it, so a field is added in exactly one place.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import annotated_types
from pydantic import BaseModel, ConfigDict

from swp_data.sources.measures import Measure, Measures

Placement = Literal["lsoa", "ward", "ward_or_city", "none"]


class SourceRecord(BaseModel):
    """Base for one row of a source; rejects fields it does not know."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


@dataclass(frozen=True)
class Column:
    """One field of a source as the store and the import see it."""

    name: str
    sql_type: str  # varchar | date | boolean | bigint | double
    required: bool
    description: str
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    example: str = ""

    @property
    def kind(self) -> str:
        """A plain-English type for templates and error messages."""
        if self.allowed:
            return "one of: " + "; ".join(self.allowed)
        return {
            "varchar": "text",
            "date": "date (YYYY-MM-DD)",
            "boolean": "yes / no (blank = not known)",
            "bigint": "whole number",
            "double": "number",
        }[self.sql_type]


@dataclass(frozen=True)
class Source:
    """A table of the store, declared once."""

    table: str
    title: str
    grain: str
    description: str
    record: type[SourceRecord]
    key: tuple[str, ...]
    placement: Placement
    month_from: str | None = None  # the date field whose month is stored as `month`
    store_only: dict[str, str] = field(default_factory=dict)  # derived columns
    caveat: str = ""  # what a reader must know about this source's figures (About the Data, packs)
    record_level: bool = True  # one row per crime, person or response (False: aggregate returns)
    declared_measures: tuple[Measure, ...] = ()  # what KPIs can count of its records
    # Coverage: how many months from its ``month`` one record's period spans (SQL over the record's
    # columns: a quarterly return covers three), and whether the source flows every month (counts
    # over a period with a month missing are short) or is a snapshot (a survey wave stands alone).
    record_months: str = "1"
    flows_monthly: bool = True
    # "load": a month a load spans is covered for every KPI on the source. "rows": each figure is
    # returned on its own (partner returns), so a month is covered for a KPI only where it has a row.
    coverage_by: Literal["load", "rows"] = "load"

    @property
    def has_months(self) -> bool:
        """Whether its records fall in months (coverage is judged on such sources)."""
        return "month" in self.store_columns

    @property
    def measures(self) -> Measures:
        """Its measures by name (``CRIME.measures.knife_crime``), each bound to this table."""
        return Measures(self.table, self.declared_measures)

    @property
    def columns(self) -> list[Column]:
        """The template's columns, in order."""
        return [_column(name, info) for name, info in self.record.model_fields.items()]

    @property
    def required_columns(self) -> list[str]:
        """Columns a file must have."""
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        """One column by name."""
        for candidate in self.columns:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.table} has no column {name!r}")

    @property
    def store_columns(self) -> dict[str, str]:
        """Every column of the store's table with its DuckDB type."""
        out: dict[str, str] = {}
        for col in self.columns:
            name = "ward_code" if col.name == "ward" else col.name
            out[name] = col.sql_type
        if self.placement == "lsoa":
            out["ward_code"] = "varchar"
        if self.month_from:
            out["month"] = "date"
        out.update(self.store_only)
        out["load_id"] = "bigint"
        return out


def _column(name: str, info: typing.Any) -> Column:
    annotation = info.annotation
    required = info.is_required()
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        annotation = inner[0]
        required = required and type(None) not in args
    allowed: tuple[str, ...] | None = None
    if typing.get_origin(annotation) is Literal:
        allowed = tuple(str(v) for v in typing.get_args(annotation))
        sql_type = "varchar"
    else:
        sql_type = {str: "varchar", date: "date", bool: "boolean", int: "bigint", float: "double"}[annotation]
    minimum = maximum = None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            minimum = float(meta.ge)
        if isinstance(meta, annotated_types.Le):
            maximum = float(meta.le)
    examples = info.examples or [""]
    return Column(
        name=name,
        sql_type=sql_type,
        required=required,
        description=info.description or "",
        allowed=allowed,
        minimum=minimum,
        maximum=maximum,
        example=str(examples[0]),
    )
