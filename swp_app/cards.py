"""The page frame (title, demo notice, downloads) and KPI cards."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from swp_app.session import DEMO_NOTICE, is_demo
from swp_app.spc_icons import icons_html
from swp_app.tables import marker_notes
from swp_data.calc.render import as_of_text, significance_text, value_text
from swp_data.disclosure.cells import WITHHELD, explain_marker, small_count_marker
from swp_data.display import card_lines
from swp_data.downloads import safe_csv
from swp_data.filters import Filters
from swp_data.kinds import kind
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.results import KpiResult
from swp_data.settings import get_settings
from swp_data.views import Dashboard


def page_header(board: Dashboard, title: str, filters: Filters | None = None, subtitle: str | None = None) -> None:
    """A title that says what is shown, for which wards and period, and the demo notice when it applies."""
    # Titles say what, where and when; a smaller h1 keeps them on one line on a 1280x720 projector.
    st.html("<style>h1 { font-size: 2.1rem !important; }</style>")
    if filters is not None:
        st.title(f"{title}: {filters.selection.label}, {filters.period.label}")
        st.caption(
            f"Compared with {filters.compare_to.label}. {as_of_text(board.as_of)}."
            + (f" {subtitle}" if subtitle else "")
        )
    else:
        st.title(title)
        if subtitle:
            st.caption(subtitle)
    if is_demo(str(get_settings().db_path)):
        st.info(DEMO_NOTICE, icon=":material/science:")


def download_csv(frame: pd.DataFrame, file_name: str, heading_lines: list[str], key: str) -> None:
    """A CSV download of exactly ``frame``, headed by comment lines naming the filters and the as-of date.

    Written by ``safe_csv``: text a spreadsheet would run (``=HYPERLINK(...)`` in a location) is neutralised.
    Written when clicked, not on every rerun (a page holds several): the frame is this run's own copy.
    """
    written, lines = frame.copy(), list(heading_lines)
    st.download_button(
        "Download CSV",
        data=lambda: safe_csv(written, lines),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def marker_caption(cells: Iterable[object]) -> None:
    """Beneath a table: what each suppression marker among ``cells`` means, in words (nothing if none shows)."""
    notes = marker_notes(cells)
    if notes:
        st.caption(notes)


def headings(filters: Filters, what: str, as_of: str) -> list[str]:
    """Download header lines: what the table is, the filters and the as-of date (``Dashboard.as_of``)."""
    return [
        what,
        "Safer Wolverhampton Partnership performance dashboard",
        f"Wards: {filters.selection.label}",
        f"Period: {filters.period.label}; compared with {filters.compare_to.label}",
        as_of,
    ]


def _delta(result: KpiResult) -> tuple[str | None, str | None, str]:
    """The change as shown on a card: amount, words, colour (blue improved, orange worsened, grey otherwise)."""
    comparison = result.comparison
    if result.suppressed or comparison is None or comparison.change is None:
        return None, None, "off"
    amount = kind(result.measure).format_change_amount(comparison.change)
    colour = {"improved": "blue", "worsened": "orange"}.get(comparison.label, "gray")
    return amount, comparison.label, colour


def kpi_card(result: KpiResult, kpi: Kpi, filters: Filters) -> None:
    """A metric card: value, change and whether it is significant, coloured by the desired direction."""
    value = value_text(result, short=True)
    delta, words, colour = _delta(result)
    help_text = f"{kpi.definition}\n\nBetter: {kpi.better}." + "".join(f"\n\n{note}" for note in result.notes)
    comparison = result.comparison
    if comparison is not None and comparison.p_value is not None and not result.suppressed:
        # The test's name says what it allowed for (small counts, the series' overdispersion): why the
        # change's words and the SPC chart beside them agree, or answer different questions.
        help_text += f"\n\nAgainst {comparison.period_label}: {comparison.label} ({significance_text(comparison)})."
    if result.suppression_note:
        help_text += f"\n\n{result.suppression_note}"
    st.metric(
        result.label,
        value,
        delta,
        delta_color=colour,
        help=help_text,
        border=True,
        # A change that shows as zero has no sign, and no arrow.
        delta_arrow="auto" if delta and delta[0] in "+-" else "off",
        delta_description=words,
    )
    # In words on the card itself: a tooltip cannot be read on a projector or on paper.
    withheld = f"withheld for partners: {explain_marker(result.shown_as or '') or 'small numbers'}"
    details = card_lines(result, filters.period.label, withheld)
    if result.spc and result.spc.variation != "not applicable":
        # MDC icons with their words beside them: the words are the text equivalent for every reader.
        st.html(icons_html(result.spc, kpi.target.kind if kpi.target else "target"))
    if details:
        st.caption(" · ".join(details))


def kpi_cards(results: list[KpiResult], filters: Filters, threshold: int, per_row: int = 3) -> None:
    """Cards in rows, with a footnote explaining any suppression (``threshold``: the partners' one)."""
    kpis = catalogue.catalogue()
    for start in range(0, len(results), per_row):
        columns = st.columns(per_row)
        for column, result in zip(columns, results[start : start + per_row], strict=False):
            with column:
                kpi_card(result, kpis[result.key], filters)
    note = next((r.suppression_note for r in results if r.suppressed and r.suppression_note), None)
    if note:
        st.caption(f"{small_count_marker(threshold)} and {WITHHELD}: {note}")


def definitions(kpis: list[Kpi]) -> None:
    """Every definition on the page, one click away."""
    with st.expander("Definitions of these KPIs", icon=":material/menu_book:"):
        for kpi in kpis:
            denominator = f" Denominator: {kpi.denominator}." if kpi.denominator else ""
            st.markdown(
                f"**{kpi.label}** (`{kpi.key}`): {kpi.definition} Numerator: {kpi.numerator}.{denominator} "
                f"Better: {kpi.better}. Source: {kpi.source}." + (" Sensitive." if kpi.sensitive else "")
            )
