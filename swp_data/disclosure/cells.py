"""A partner-facing count: shown, or how it is withheld; and sums of such cells."""

from __future__ import annotations

from dataclasses import dataclass

from swp_data.disclosure.protect import is_primary
from swp_data.results import Figure

SUPPRESSED = "<5"
WITHHELD = "[c]"
RATE_SUPPRESSED = "suppressed (small numbers)"
NOT_PUBLISHED = "not published"
SUPPRESSION_NOTE = (
    "Suppressed for partners: a count under {n} is shown as <{n}; a rate or percentage built on one as "
    "'suppressed (small numbers)'; [c] is withheld so a small number cannot be worked out by subtraction."
)
MARKER_EXPLANATIONS: dict[str, str] = {
    SUPPRESSED: "a small count (under 5), withheld to protect the people counted",
    RATE_SUPPRESSED: "a rate or percentage withheld because it rests on a small count",
    WITHHELD: "withheld so a small number cannot be worked out from the other figures",
    NOT_PUBLISHED: (
        "partners see this figure for closed periods only (wards and groups: completed financial years; "
        "the city: completed quarters), so it never changes from one data load to the next"
    ),
}
"""Each marker a partner may see in place of a figure, in words: printed beneath any table or map showing it."""


def marker_for(cell: Cell, counts: bool) -> str:
    """The marker shown for a withheld figure: '<5' and '[c]' only for counts, words for rates."""
    if cell.status == "unpublished":
        return NOT_PUBLISHED
    if not counts:
        return RATE_SUPPRESSED
    return cell.label


@dataclass(frozen=True)
class Cell:
    """A partner-facing count: its value if shown, or how it is withheld."""

    value: float | None
    status: str  # 'shown' | 'primary' | 'secondary' | 'withheld' | 'unpublished'

    @property
    def shown(self) -> bool:
        """Whether partners may see it."""
        return self.status == "shown"

    @property
    def label(self) -> str:
        """What partners see in its place."""
        return {"primary": SUPPRESSED, "unpublished": NOT_PUBLISHED}.get(self.status, WITHHELD)


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
