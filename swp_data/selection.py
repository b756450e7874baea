"""Which wards a figure is for: the city, one ward, several, or a named group from the configuration."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from swp_data import geography
from swp_data.settings import get_settings

CITY = "city"


class SelectionError(ValueError):
    """A ward, group or selection that cannot be resolved."""


@dataclass(frozen=True)
class WardGroup:
    """A named group of current wards (from ``data/ward_groups.toml``)."""

    name: str
    wards: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class WardSelection:
    """A set of current wards with a label for titles and downloads."""

    wards: tuple[str, ...]  # ward codes, sorted
    label: str
    kind: str  # 'city' | 'ward' | 'wards' | 'group'

    @property
    def is_city(self) -> bool:
        """Whether the selection is the whole city (all 20 wards)."""
        return self.kind == CITY


@cache
def ward_names() -> dict[str, str]:
    """Current ward code -> name."""
    frame = geography.reference_tables().ward
    return dict(zip(frame["ward_code"], frame["ward_name"], strict=True))


@cache
def _aliases() -> dict[str, str]:
    frame = geography.reference_tables().ward_alias
    return dict(zip(frame["alias"], frame["ward_code"], strict=True))


def _code_for(text: str) -> str | None:
    return _aliases().get(geography.normalise_ward_text(text))


def load_ward_groups(path: Path | None = None) -> dict[str, WardGroup]:
    """The named ward groups, validated: every ward must be a current ward (re-read when the file changes)."""
    source = Path(path or get_settings().ward_groups_path)
    if not source.exists():
        return {}
    return _read_ward_groups(source, source.stat().st_mtime_ns)


@cache
def _read_ward_groups(source: Path, modified: int) -> dict[str, WardGroup]:
    # ``modified`` is only part of the cache key: an edited file is read again.
    with source.open("rb") as handle:
        raw = tomllib.load(handle)
    groups: dict[str, WardGroup] = {}
    for entry in raw.get("group", []):
        codes = []
        for ward in entry["wards"]:
            code = _code_for(ward)
            if code is None:
                raise SelectionError(f"{source.name}: group {entry['name']!r} names {ward!r}, not a current ward")
            codes.append(code)
        groups[entry["name"]] = WardGroup(entry["name"], tuple(sorted(set(codes))), entry.get("note", ""))
    return groups


def city() -> WardSelection:
    """All 20 current wards."""
    return WardSelection(tuple(sorted(ward_names())), "Wolverhampton", CITY)


def from_codes(codes: list[str] | tuple[str, ...]) -> WardSelection:
    """A selection of wards by code; all 20 (or none) is the city."""
    names = ward_names()
    unknown = [c for c in codes if c not in names]
    if unknown:
        raise SelectionError(f"not current ward codes: {', '.join(unknown)}")
    chosen = tuple(sorted(set(codes)))
    if not chosen or len(chosen) == len(names):
        return city()
    if len(chosen) == 1:
        return WardSelection(chosen, names[chosen[0]], "ward")
    label = ", ".join(names[c] for c in chosen) if len(chosen) <= 3 else f"{len(chosen)} wards"
    return WardSelection(chosen, label, "wards")


def from_group(name: str, groups: dict[str, WardGroup] | None = None) -> WardSelection:
    """A named group's wards."""
    known = load_ward_groups() if groups is None else groups
    if name not in known:
        raise SelectionError(f"no ward group {name!r} (groups: {', '.join(known) or 'none configured'})")
    return WardSelection(known[name].wards, known[name].name, "group")


def canonical(selection: WardSelection) -> WardSelection:
    """The selection rebuilt from its wards: a group only if a configured group has exactly these wards.

    Whatever a caller built, figures and disclosure then follow the wards, never a label or kind.
    """
    if selection.kind == "group":
        groups = load_ward_groups()
        group = groups.get(selection.label)
        if group is not None and group.wards == tuple(sorted(set(selection.wards))):
            return from_group(selection.label, groups)
    return from_codes(selection.wards)


def resolve(text: str) -> WardSelection:
    """Read ``city``, a ward code or name, a group name, or a comma-separated list of wards."""
    cleaned = text.strip()
    if cleaned.lower() in (CITY, "all", "wolverhampton"):
        return city()
    groups = load_ward_groups()
    for name in groups:
        if name.lower() == cleaned.lower() or name.lower().startswith(cleaned.lower() + " ("):
            return from_group(name, groups)
    codes = []
    for part in cleaned.split(","):
        code = _code_for(part)
        if code is None:
            raise SelectionError(
                f"{part.strip()!r} is not a current ward, a ward group or 'city' "
                f"(wards: {', '.join(sorted(ward_names().values()))})"
            )
        codes.append(code)
    return from_codes(codes)


def ward_options() -> dict[str, str]:
    """Current ward code -> name, in name order (for filters)."""
    return dict(sorted(ward_names().items(), key=lambda item: item[1]))
