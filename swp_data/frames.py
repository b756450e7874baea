"""Small frames built cheaply: a by-ward table of twenty rows is made and read dozens of times a page.

pandas 3 stores text as Arrow strings. For twenty rows, converting Python strings to Arrow and
back costs more than all the arithmetic on them (measured: a quarter of a ward table's time), so
the small tables built on every new filter keep their text as Python objects. Values, missing
values and order are exactly those of ``pd.DataFrame(records)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def records_frame(records: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``pd.DataFrame(records, columns=columns)``, with every column of text (or text and None) as objects."""
    names = list(columns) if columns is not None else list(records[0]) if records else []
    data: dict[str, object] = {}
    for name in names:
        values = [record.get(name) for record in records]
        text = any(isinstance(v, str) for v in values) and all(v is None or isinstance(v, str) for v in values)
        data[name] = pd.Series(values, dtype=object) if text else values
    return pd.DataFrame(data, columns=names)


__all__ = ["records_frame"]
