"""The shared filters: in the sidebar, bound to the URL, the same on every page."""

from __future__ import annotations

import streamlit as st

from swp_data.calc.render import as_of_text
from swp_data.filters import COMPARISONS, Filters, query_string
from swp_data.periods import Period, PeriodError, Quarter
from swp_data.selection import SelectionError, city, from_codes, from_group, load_ward_groups, ward_options
from swp_data.site import PAGES
from swp_data.views import Dashboard

PAGE_PATHS = {page.key: page.link_path for page in PAGES if page.reports_kpis}
"""The URL path of each page KPIs belong to (the Overview links each KPI to its page)."""


def filters_sidebar(board: Dashboard) -> Filters | None:
    """The shared filters (in the sidebar, bound to the URL); None with a plain message if they make no sense.

    Bound widgets put their displayed text in the URL, so options are the readable labels
    themselves: a shared link reads ``?wards=Park&wards=St+Peters&from=2025/26+Q3``.
    """
    quarters = [_quarter_label(code) for code in board.quarters()]
    _accept_compact_periods_in_the_link(quarters)
    codes_by_name = {name: code for code, name in ward_options().items()}
    groups = load_ward_groups()
    problems = _link_problems(quarters, list(codes_by_name), [NO_GROUP, *groups])
    default = _quarter_label(board.default_quarter())
    _pin_the_period(quarters, default, rerun=not problems)  # a bad link is reported on this run, not rerun away
    with st.sidebar:
        st.header("Filters")
        group = st.selectbox(
            "Ward group",
            [NO_GROUP, *groups],
            key="group",
            bind="query-params",
            help="Named groups from data/ward_groups.toml (analysts can edit it).",
        )
        chosen = st.multiselect(
            "Wards",
            list(codes_by_name),
            key="wards",
            bind="query-params",
            placeholder="Whole city (all 20 wards)",
            disabled=group != NO_GROUP,
            help="Leave empty for the whole city.",
        )
        # No default (index=None) and the latest quarter set in session state: a bound widget drops its
        # parameter from the URL while it shows its default, so both ends of the period stay in the link.
        first = st.selectbox("From quarter", quarters, index=None, key="from", bind="query-params")
        last = st.selectbox("To quarter", quarters, index=None, key="to", bind="query-params")
        comparison = st.selectbox("Compare with", list(COMPARISON_LABELS), key="compare", bind="query-params")
        st.caption(as_of_text(board.as_of))
    if problems:
        st.error(
            "This link cannot be shown as written: " + "; ".join(problems) + ". Check the link, or choose the "
            "wards and quarters in the sidebar.",
            icon=":material/link_off:",
        )
        return None
    try:
        period = Period.parse(first or default, last or default)
        if group != NO_GROUP:
            selection = from_group(group, groups)
        else:
            selection = from_codes([codes_by_name[name] for name in chosen]) if chosen else city()
    except (PeriodError, SelectionError) as error:
        st.warning(f"These filters cannot be shown: {error}. Choose a 'To quarter' on or after the 'From quarter'.")
        return None
    return Filters(selection, period, COMPARISON_LABELS[comparison])


NO_GROUP = "None (use the wards below)"


COMPARISON_LABELS = {label: key for key, label in COMPARISONS.items()}


def _quarter_label(code: str) -> str:
    return code.replace("Q", " Q")


def _link_problems(quarters: list[str], wards: list[str], groups: list[str]) -> list[str]:
    """What a link asks for that does not exist, named: a bound widget would silently drop it.

    Only a value the session has not yet taken into its widgets is checked (a link is read on the
    session's first run; valid compact quarters were already taken in by the step before).
    """
    problems = []
    choices = {"from": quarters, "to": quarters, "group": groups, "compare": list(COMPARISON_LABELS)}
    for key, options in choices.items():
        written = st.query_params.get(key)
        if key not in st.session_state and written and written not in options:
            problems.append(f"{key}={written!r} is not {_WHAT[key]}")
    if "wards" not in st.session_state:
        problems += [
            f"wards={name!r} is not a current ward" for name in st.query_params.get_all("wards") if name not in wards
        ]
    return problems


_WHAT = {
    "from": "a quarter the store holds (write 2025/26Q1)",
    "to": "a quarter the store holds (write 2025/26Q1)",
    "group": "a named ward group",
    "compare": "'Same period last year' or 'Previous period'",
}


def _pin_the_period(quarters: list[str], default: str, rerun: bool = True) -> None:
    """Keep both ends of the period in the address bar, starting at the latest complete quarter.

    Streamlit writes a bound widget's value to the URL only when it differs from the widget's
    default and was set by the user or, on a later run, through session state; a default that
    is never written would make a pasted link move when a newer quarter is loaded. So the
    period has no default, is set here, and a first visit reruns once to write it.
    """
    first_visit = False
    for key in ("from", "to"):
        if st.query_params.get(key) in quarters:
            continue
        if st.session_state.get(key) in quarters:
            st.session_state[key] = st.session_state[key]  # re-set before the widget: Streamlit then writes it
        else:
            st.session_state[key] = default
            first_visit = True
    if first_visit and rerun:
        st.rerun()


def _accept_compact_periods_in_the_link(quarters: list[str]) -> None:
    """Let a link say ``from=2025/26Q1`` as the CLI does, not only the displayed ``2025/26 Q1``.

    A bound widget only accepts its option labels from the URL (and silently drops anything
    else), so a period written in any form ``Quarter.parse`` reads is rewritten to its
    label before the widget is built; the address bar then shows the canonical form.
    """
    for key in ("from", "to"):
        if key in st.session_state:
            continue  # the widget already exists in this session: the URL was read on its first run
        written = st.query_params.get(key)
        if not written or written in quarters:
            continue
        try:
            label = Quarter.parse(written).label
        except PeriodError:
            continue
        if label in quarters:
            st.session_state[key] = label


def filter_query(filters: Filters) -> str:
    """The URL query string for these filters (to link to another page with the same view)."""
    return query_string(filters)


def offer_period(kpi_label: str, period_label: str, offer: Period) -> None:
    """Say that a KPI's ward figures are not published to partners for this period; offer the latest that is.

    One click sets the period filters (so the link follows).
    """

    def choose() -> None:
        st.session_state["from"] = offer.quarters[0].label
        st.session_state["to"] = offer.last.label

    st.info(
        f"Ward figures of {kpi_label.lower()} are published for partners for completed financial years only "
        f"(so no figure changes from one data load to the next): {period_label} is not one.",
        icon=":material/event_busy:",
    )
    st.button(f"Show wards for {offer.label}", on_click=choose, key="offer-period", icon=":material/event:")
