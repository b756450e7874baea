"""Who sees what: partner (the default) or analyst.

A partner sees figures with disclosure control and never record-level data. An analyst
sees everything, including the records behind a figure. Only a signed-in identity that
the analyst list names makes someone an analyst: no setting, URL or session value does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

Access = Literal["partner", "analyst"]
PARTNER: Access = "partner"
ANALYST: Access = "analyst"


class AccessDenied(PermissionError):
    """A partner asked for something only analysts may see."""


def level_for(claims: Mapping[str, object] | None, analysts: Mapping[str, object] | None) -> Access:
    """The access level of a signed-in user.

    ``claims`` are the identity token's claims (``email`` or ``preferred_username``, and
    ``groups`` for Microsoft Entra ID group object ids); ``analysts`` is the ``[analysts]``
    table of the app's secrets: ``emails`` and ``groups`` lists. Anything missing means partner.
    """
    if not claims or not analysts:
        return PARTNER
    emails = {str(e).strip().lower() for e in _strings(analysts.get("emails"))}
    groups = {str(g).strip().lower() for g in _strings(analysts.get("groups"))}
    identity = {str(claims.get(k, "")).strip().lower() for k in ("email", "preferred_username", "upn")} - {""}
    member_of = {str(g).strip().lower() for g in _strings(claims.get("groups"))}
    if identity & emails or member_of & groups:
        return ANALYST
    return PARTNER


def _strings(value: object) -> Iterable[object]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return value
    return ()
