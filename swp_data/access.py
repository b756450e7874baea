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

    ``claims`` are the identity token's claims (``email``, ``preferred_username`` or ``upn``,
    ``email_verified`` where the provider sends it, and ``groups`` for Microsoft Entra ID group
    object ids); ``analysts`` is the ``[analysts]`` table of the app's secrets: ``emails`` and
    ``groups`` lists. Anything missing means partner.

    A name on the ``emails`` list counts only while the provider has not said the address is
    unverified (see ``identity_verified``): otherwise anyone who can type an analyst's address into
    their own account at the provider would become an analyst. Groups are not affected: a group
    claim is written by the directory's administrators, never by the user.
    """
    if not claims or not analysts:
        return PARTNER
    emails = {str(e).strip().lower() for e in _strings(analysts.get("emails"))}
    groups = {str(g).strip().lower() for g in _strings(analysts.get("groups"))}
    identity = {str(claims.get(k, "")).strip().lower() for k in ("email", "preferred_username", "upn")} - {""}
    if not identity_verified(claims):
        identity = set()
    member_of = {str(g).strip().lower() for g in _strings(claims.get("groups"))}
    if identity & emails or member_of & groups:
        return ANALYST
    return PARTNER


def identity_verified(claims: Mapping[str, object]) -> bool:
    """Whether the user's name claims may be matched against the analyst list.

    True when the provider does not send ``email_verified`` (Microsoft Entra ID does not: its
    ``email`` and ``preferred_username`` come from the directory) or sends it as true (JSON
    ``true``, or the string ``"true"`` that some providers send). Any other value present,
    ``false``, ``"false"``, null or anything unexpected, is not a verification: the name claims
    (``email``, ``preferred_username``, ``upn``) are then ignored, because the provider has said
    it does not vouch for the address.
    """
    if "email_verified" not in claims:
        return True
    verified = claims["email_verified"]
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def _strings(value: object) -> Iterable[object]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return value
    return ()
