"""Making Data Count variation and assurance icons as small inline SVGs, each with its text equivalent.

The icons follow the MDC shapes in spirit (a coloured disc with a letter): blue for improvement,
orange for concern, purple for special cause of neither kind, grey for common cause; assurance
P (always meets), F (never meets), ? (may or may not). The words are always shown beside the
icon: they are its text equivalent, so the icon is marked decorative (``alt=""``: read once, not
twice) and keeps a ``title`` for a pointer hovering over it.
"""

from __future__ import annotations

import base64
from html import escape

from swp_app.palette import CONCERN, GRID, IMPROVEMENT, NEUTRAL, TARGET
from swp_data.calc.render import assurance_text, variation_text
from swp_data.results import Spc

FAIL, PASS = TARGET, IMPROVEMENT
_VARIATION_COLOURS = {"improvement": IMPROVEMENT, "concern": CONCERN, "neither": NEUTRAL, "common cause": GRID}
_ASSURANCE = {"always meets": (PASS, "P"), "never meets": (FAIL, "F"), "may meet": (GRID, "?")}


def _disc(colour: str, letter: str, words: str) -> str:
    # An <img> of an SVG data URI: Streamlit's HTML sanitiser drops inline <svg>, but keeps images.
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28">'
        f'<circle cx="14" cy="14" r="12" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f'<text x="14" y="19" text-anchor="middle" font-family="sans-serif" font-size="14" font-weight="bold" '
        f'fill="{colour}">{escape(letter)}</text></svg>'
    )
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        f'<img src="{source}" alt="" title="{escape(words, quote=True)}" width="28" height="28" '
        'style="vertical-align:middle;margin-right:4px">'
    )


def variation_icon(spc: Spc) -> str:
    """The variation icon (H or L for the side of a special cause; a dash for common cause); '' if none applies."""
    if spc.variation == "not applicable":
        return ""
    letter = {"high": "H", "low": "L"}.get(spc.side or "", "~")
    return _disc(_VARIATION_COLOURS[spc.variation], letter, variation_text(spc.variation, spc.side))


def assurance_icon(spc: Spc, what: str = "target") -> str:
    """The assurance icon; '' where there is no assurance."""
    if spc.assurance is None:
        return ""
    colour, letter = _ASSURANCE[spc.assurance]
    return _disc(colour, letter, assurance_text(spc.assurance, what))


def icons_html(spc: Spc, what: str = "target") -> str:
    """Both icons, each followed by its words (the words are the text equivalent, not only the labels)."""
    parts = []
    for icon, words in (
        (variation_icon(spc), variation_text(spc.variation, spc.side)),
        (assurance_icon(spc, what), assurance_text(spc.assurance, what)),
    ):
        if icon:
            parts.append(f'<span style="margin-right:12px;font-size:0.85rem">{icon}{escape(words)}</span>')
    return f'<div class="spc-icons">{"".join(parts)}</div>' if parts else ""
