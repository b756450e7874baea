"""The colours charts and icons share: Okabe-Ito, colour-blind safe; blue improvement, orange concern (as MDC)."""

from __future__ import annotations

IMPROVEMENT, CONCERN, NEUTRAL, INK, GRID = "#0072B2", "#E69F00", "#CC79A7", "#333333", "#999999"
TARGET = "#D55E00"  # vermilion: the target line, and the 'never meets' assurance icon
