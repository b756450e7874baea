"""Measure kinds: each owns its figure, test, interval, SPC series, disclosure relations and labels.

Importing this package registers every kind; ``kind(name)`` (or ``Kpi.kind``) returns one.
"""

from __future__ import annotations

from swp_data.kinds import gridded, rank, repeat
from swp_data.kinds.base import KINDS, EngineView, MeasureKind, Parts, PolicyView, Unit, base_result, kind, register

__all__ = [
    "KINDS",
    "EngineView",
    "MeasureKind",
    "Parts",
    "PolicyView",
    "Unit",
    "base_result",
    "gridded",
    "kind",
    "rank",
    "register",
    "repeat",
]
