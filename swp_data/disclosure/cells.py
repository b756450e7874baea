"""A partner-facing count: shown, or how it is withheld; and sums of such cells."""

from __future__ import annotations

from dataclasses import dataclass

from swp_data.disclosure.protect import is_primary
from swp_data.results import Figure

SUPPRESSED = "<5"
WITHHELD = "[c]"
SUPPRESSION_NOTE = (
    "Suppressed for partners: counts from 1 to {t} are shown as <{n}, and other figures are withheld ([c]) "
    "where they would let a small count be worked out by subtraction."
)
MARKER_EXPLANATIONS: dict[str, str] = {
    SUPPRESSED: "fewer than 5, withheld to protect the people counted",
    "suppressed (small numbers)": "a rate or percentage withheld because it rests on a small count",
    WITHHELD: "withheld so a small number cannot be worked out",
    "not published": "not released to partners for this period; an earlier, completed period may show it",
}
"""Each marker a partner may see in place of a figure, in words: printed beneath any table or map showing it."""


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
        return {"primary": SUPPRESSED, "unpublished": "not published"}.get(self.status, WITHHELD)


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
