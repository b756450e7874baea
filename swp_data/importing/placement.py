"""SQL that places staged rows on current wards, through an LSOA or a ward name/code."""

from __future__ import annotations

from swp_data.importing.validate import Check, quote, text_of

OLD_WARD_PATTERN = "^E050013(2[1-9]|3[0-9]|40)$"


def normalised_ward_sql(identifier: str) -> str:
    """SQL twin of ``geography.normalise_ward_text`` (kept in step by a test)."""
    raw = f"lower(trim({quote(identifier)}))"
    stripped = f"replace(replace(replace(replace({raw}, '&', 'and'), '''', ''), '\u2019', ''), '.', '')"
    # Python's \s on text: ASCII whitespace, \x0b, \x1c-\x1f, \x85 and the Unicode separators
    # (no-break space and the like, pasted from web pages); RE2's \s is ASCII only.
    return f"trim(regexp_replace({stripped}, '[\\s\\x0b\\x1c-\\x1f\\x{{85}}\\p{{Z}}]+', ' ', 'g'))"


def ward_join(identifier: str, alias: str = "wa") -> str:
    """A left join resolving a staged ward name or code to ``{alias}.ward_code``."""
    return f"left join ward_alias {alias} on {alias}.alias = {normalised_ward_sql(identifier)}"


def ward_checks(identifier: str, *, city_allowed: bool, resolved: str = "_placed_ward") -> list[Check]:
    """A given ward must be a current Wolverhampton ward (or 'city' where allowed)."""
    raw = text_of(identifier)
    city = f" and lower({raw}) <> 'city'" if city_allowed else ""
    return [
        Check(
            identifier,
            f"regexp_matches(upper({raw}), '{OLD_WARD_PATTERN}')",
            "is a 2004-2023 ward code: records must give their current (May 2023) ward",
        ),
        Check(
            identifier,
            f"{raw} is not null and {resolved} is null{city}",
            "is not a current Wolverhampton ward (give a code E05014838-E05014857 or a ward name)",
        ),
    ]


def lsoa_join(identifier: str, alias: str = "ls", staged: str = "s") -> str:
    """A left join resolving a staged LSOA code (of the table aliased ``staged``) to ``{alias}.ward_code``."""
    # Qualified: the lsoa table has a column of the same name (lsoa_code).
    return f"left join lsoa {alias} on {alias}.lsoa_code = upper(nullif(trim({staged}.{quote(identifier)}), ''))"
