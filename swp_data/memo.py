"""Answers shared by every session of a process: a Dashboard method's result, keyed by what was asked.

Twenty people opening the same briefing link ask the same questions of the same snapshot: the
first pays, the rest read the answer. The key is the method, the store version (a snapshot's
loads), the access level, the disclosure threshold and the arguments (filters are frozen and
canonical), so a partner never receives an analyst's answer and a new import is never answered
from the old one. Each caller gets its own copy of a frame, so no page can change another's.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

Method = TypeVar("Method", bound=Callable[..., Any])


def private_copy(value: object) -> object:
    """A copy the caller may change: frames copied (inside tuples, lists and dataclasses too)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(private_copy(v) for v in value)
    if isinstance(value, list):
        return [private_copy(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: private_copy(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if any(changes[name] is not getattr(value, name) for name in changes):
            return dataclasses.replace(value, **changes)
    return value  # frozen models, strings, numbers: nothing to change


def shared(ignore: tuple[str, ...] = (), bypass: tuple[str, ...] = ()) -> Callable[[Method], Method]:
    """Cache a Dashboard method's answers across sessions (``GridCache.results``).

    ``ignore``: arguments that do not change the answer (a result passed in to save work).
    ``bypass``: arguments that, when given, make the call uncacheable (a frame passed in).
    """

    def decorate(method: Method) -> Method:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def answer(self: Any, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            asked = {k: v for k, v in bound.arguments.items() if k != "self"}
            if any(asked.get(name) is not None for name in bypass):
                return method(self, *args, **kwargs)
            key = (
                method.__qualname__,
                self.engine.version,
                self.access,
                self.policy.threshold,
                tuple((k, v) for k, v in asked.items() if k not in ignore),
            )
            found = self.engine.cache.results.get(key, lambda: method(self, *args, **kwargs))
            return private_copy(found)

        return answer  # type: ignore[return-value]

    return decorate
