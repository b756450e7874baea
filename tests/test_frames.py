"""Small frames built cheaply (``swp_data.frames``), and the partner ward table built without the analysts' one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from swp_data.access import PARTNER
from swp_data.frames import records_frame
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period
from swp_data.views import Dashboard

RECORDS = [
    {"ward_code": "E05014851", "value": 5.0, "shown_as": "", "rank": 1, "note": None},
    {"ward_code": "E05014852", "value": None, "shown_as": "<5", "rank": None, "note": None},
]


def test_records_frame_keeps_text_as_objects_and_every_value() -> None:
    frame = records_frame(RECORDS)
    plain = pd.DataFrame(RECORDS)
    assert list(frame.columns) == ["ward_code", "value", "shown_as", "rank", "note"]
    assert frame["ward_code"].dtype == object and frame["shown_as"].dtype == object
    assert plain["ward_code"].dtype != object  # pandas 3 would have made Arrow strings
    assert frame["value"].dtype == plain["value"].dtype == np.float64
    assert frame["ward_code"].tolist() == ["E05014851", "E05014852"]
    assert frame["shown_as"].tolist() == ["", "<5"]
    assert np.isnan(frame["value"].iloc[1]) and np.isnan(frame["rank"].iloc[1])
    assert frame["note"].isna().all()  # no text in it: left to pandas, as before
    pd.testing.assert_frame_equal(frame, plain, check_dtype=False)  # the same values, missing ones included


def test_records_frame_with_columns_and_no_records() -> None:
    assert list(records_frame([], columns=["ward_code", "value"]).columns) == ["ward_code", "value"]
    assert records_frame([]).empty
    assert list(records_frame(RECORDS, columns=["value", "ward_code"]).columns) == ["value", "ward_code"]


def test_a_partner_ward_table_judged_on_the_grid_needs_no_analysts_table(demo_db: Path) -> None:
    """For gridded KPIs the partner's ward table is built from the grid's parts alone: the same table."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        board = Dashboard(connection, access=PARTNER)
        checked = withheld = 0
        for period in (Period.parse("2022/23Q1", "2022/23Q4"), Period.parse("2023/24Q2")):
            for kpi in catalogue().values():
                if board.engine.ward_parts(kpi, period.start, period.months[-1]) is None:
                    continue
                analysts = board.engine.by_ward(kpi.key, period)
                alone = board.policy.by_ward(kpi, None, period)
                given = board.policy.by_ward(kpi, analysts, period)
                pd.testing.assert_frame_equal(alone, given)
                checked += 1
                withheld += int((alone["shown_as"] != "").sum())
        assert checked > 60 and withheld > 0
