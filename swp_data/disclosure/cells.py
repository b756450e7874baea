"""A partner-facing count: shown, or how it is withheld; and sums of such cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from swp_data.disclosure.protect import is_primary
from swp_data.results import Figure
from swp_data.settings import Settings


def small_count_marker(threshold: int) -> str:
    """What partners read in place of a small count: '<5' where counts 1 to 4 are withheld (threshold 4)."""
    return f"<{threshold + 1}"


DEFAULT_THRESHOLD: int = Settings.model_fields["disclosure_threshold"].default
SUPPRESSED = small_count_marker(DEFAULT_THRESHOLD)
"""The small-count marker at the default threshold ('<5'); a configured threshold has its own."""
WITHHELD = "[c]"
RATE_SUPPRESSED = "suppressed (small numbers)"
NOT_PUBLISHED = "not published"
SUPPRESSION_NOTE = (
    "Suppressed for partners: a count under {n} is shown as <{n}; a rate or percentage built on one as "
    "'suppressed (small numbers)'; [c] is withheld so a small number cannot be worked out by subtraction."
)
_SMALL_COUNT = re.compile(r"<(\d+)(?![\d.,])")  # '<5', not '<0.1%'
OTHER_MARKERS: dict[str, str] = {  # the markers besides a small count's, in the order legends list them
    RATE_SUPPRESSED: "a rate or percentage withheld because it rests on a small count",
    WITHHELD: "withheld so a small number cannot be worked out from the other figures",
    NOT_PUBLISHED: (
        "partners see this figure for closed periods only (wards and groups: completed financial years; "
        "the city: completed quarters), so it never changes from one data load to the next"
    ),
}


def marker_explanations(threshold: int) -> dict[str, str]:
    """Each marker a partner may see in place of a figure, in words, for a threshold (small counts first).

    Printed beneath any table or map showing one, and in full on a pack's key.
    """
    return {small_count_marker(threshold): explain_marker(small_count_marker(threshold)) or "", **OTHER_MARKERS}


def explain_marker(marker: str) -> str | None:
    """A marker in words ('<5': a small count, under 5, ...); None for text that is no marker."""
    small = _SMALL_COUNT.fullmatch(marker)
    if small:
        return f"a small count (under {small.group(1)}), withheld to protect the people counted"
    return OTHER_MARKERS.get(marker)


def markers_in(text: str) -> list[str]:
    """The markers a piece of text holds ('<5', '[c]', ...), small counts first."""
    small = [f"<{n}" for n in dict.fromkeys(_SMALL_COUNT.findall(text))]
    return [*small, *(marker for marker in OTHER_MARKERS if marker in text)]


MARKER_EXPLANATIONS: dict[str, str] = marker_explanations(DEFAULT_THRESHOLD)
"""The markers in words at the default threshold (``marker_explanations`` for a configured one)."""


def marker_for(cell: Cell, counts: bool, threshold: int) -> str:
    """The marker shown for a withheld figure: '<5' and '[c]' only for counts, words for rates."""
    if cell.status == "unpublished":
        return NOT_PUBLISHED
    if not counts:
        return RATE_SUPPRESSED
    return small_count_marker(threshold) if cell.status == "primary" else WITHHELD


@dataclass(frozen=True)
class Cell:
    """A partner-facing count: its value if shown, or how it is withheld."""

    value: float | None
    status: str  # 'shown' | 'primary' | 'secondary' | 'withheld' | 'unpublished'

    @property
    def shown(self) -> bool:
        """Whether partners may see it."""
        return self.status == "shown"


def combine(cells: list[Cell]) -> Cell:
    """A sum of cells: shown only if every cell is; otherwise withheld, never '<5' (it is no single small count)."""
    if not cells:
        return Cell(None, "unpublished")
    if all(c.shown for c in cells):
        return Cell(float(sum(c.value or 0 for c in cells)), "shown")
    if len(cells) == 1:
        return cells[0]
    return Cell(None, "unpublished" if any(c.status == "unpublished" for c in cells) else "secondary")


def primary_only(shown: Figure, threshold: int, zero_disclosive: bool = True) -> tuple[Figure, Cell]:
    """A repeat figure under the primary rule: suppressed if repeats, non-repeats or everyone are small."""
    numerator, denominator = shown.numerator or 0, shown.denominator or 0
    small = any(is_primary(v, threshold, zero_disclosive) for v in (numerator, denominator - numerator))
    small = small or is_primary(denominator, threshold, False)
    if small:
        return Figure(value=None, suppressed=True), Cell(None, "primary")
    return Figure(value=shown.value), Cell(shown.value, "shown")
