"""SPC columns on a series frame: mean, limits and special-cause flags, or none where SPC does not apply."""

from __future__ import annotations

import pandas as pd

from swp_data.stats import spc


def add_spc(frame: pd.DataFrame, direction: spc.Direction) -> pd.DataFrame:
    """XmR mean, limits and special causes of the frame's ``value`` column (blank when SPC cannot apply)."""
    chart = spc.xmr(frame["value"].astype(float).to_numpy(), direction)
    frame["mean"], frame["lower"], frame["upper"] = chart.mean, chart.lower, chart.upper
    frame["special_high"] = chart.high or [False] * len(frame)
    frame["special_low"] = chart.low or [False] * len(frame)
    frame["rules"] = [", ".join(r) for r in chart.rules] or [""] * len(frame)
    return frame


def no_spc(frame: pd.DataFrame) -> pd.DataFrame:
    """The same columns, empty: for rolling measures and ranks, where SPC does not apply."""
    for column in ("mean", "lower", "upper"):
        frame[column] = None
    frame["special_high"] = False
    frame["special_low"] = False
    frame["rules"] = ""
    return frame
