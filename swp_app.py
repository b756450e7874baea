"""The one module joining the data layer to Streamlit: cached store, shared filters, cards, charts, downloads.

Pages import this and lay things out; every figure comes from ``swp_data.views.Dashboard``.
Filters are bound to the URL (``bind="query-params"``), so they persist across pages and
a pasted link reopens the same page, wards and period.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

import altair as alt
import duckdb
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from swp_data import demo, store
from swp_data.access import PARTNER, Access, level_for
from swp_data.calc.grid import GridCache
from swp_data.calc.render import format_value
from swp_data.calc.result import KpiResult
from swp_data.calc.selection import SelectionError, city, from_codes, from_group, load_ward_groups
from swp_data.geography import ward_boundaries
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, PeriodError
from swp_data.settings import get_settings
from swp_data.views import COMPARISONS, Dashboard, Filters, ward_options

DEMO_NOTICE = (
    "**Demo data.** Every figure here is generated: a seeded, calibrated city built to resemble "
    "Wolverhampton (real wards, populations and crime mix; totals near the partnership's published "
    "figures). It is not police or partner data. Load real files with `python -m swp_data import`."
)
# Okabe-Ito colour-blind-safe palette; blue = improvement and orange = concern, as NHS "Making Data Count".
IMPROVEMENT, CONCERN, NEUTRAL, INK, GRID = "#0072B2", "#E69F00", "#CC79A7", "#333333", "#999999"
# URL paths are the page files' names, so even Streamlit's legacy pages/ mode finds a deep link's page.
PAGE_PATHS = {
    priority: priority
    for priority in (
        "overview",
        "reducing_reoffending",
        "violence_prevention",
        "victimisation",
        "anti_social_behaviour",
        "neighbourhood_crime",
    )
}
FILTER_KEYS = ("wards", "group", "from", "to", "compare")


# -- the store ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the data store...")
def _database(path: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection to the store per process; built as the demo on first start."""
    if not Path(path).exists():
        with st.spinner("First start: building the demo data store (about 10 seconds)..."):
            demo.build_demo_store(path)
    return store.connect(path, read_only=True)


@st.cache_resource
def _grid_cache(path: str) -> GridCache:
    """KPI grids shared by every session of this process."""
    return GridCache()


def connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB cursor for this session (a connection is not thread-safe; a cursor per session is)."""
    path = str(get_settings().db_path)
    if st.session_state.get("_swp_cursor_path") != path:
        st.session_state["_swp_cursor"] = _database(path).cursor()
        st.session_state["_swp_cursor_path"] = path
    return st.session_state["_swp_cursor"]


def dashboard() -> Dashboard:
    """The figures for this session, at this user's access level."""
    return Dashboard(connection(), _grid_cache(str(get_settings().db_path)), access=access_level())


# -- access ---------------------------------------------------------------------------------------------------
def _secrets_section(name: str) -> Mapping[str, object] | None:
    try:
        return st.secrets.get(name, None)
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return None  # no .streamlit/secrets.toml: nothing configured


def sign_in_configured() -> bool:
    """Whether OpenID Connect sign-in is set up in .streamlit/secrets.toml."""
    return _secrets_section("auth") is not None


def access_level() -> Access:
    """Partner unless a signed-in identity is on the analyst list (nothing else can make an analyst)."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return PARTNER
    return level_for(st.user.to_dict(), _secrets_section("analysts"))


def access_panel() -> None:
    """Who is looking, and sign-in or sign-out where sign-in is configured."""
    with st.sidebar:
        level = access_level()
        if level == "analyst":
            st.success(
                f"Analyst view: {st.user.get('email') or st.user.get('name')}. Small numbers are shown.",
                icon=":material/lock_open:",
            )
        else:
            st.info("Partner view: small numbers are suppressed.", icon=":material/lock:")
        if sign_in_configured():
            if st.user.is_logged_in:
                st.button("Sign out", on_click=st.logout, icon=":material/logout:")
            else:
                st.button("Analyst sign-in", on_click=st.login, icon=":material/login:")
        else:
            st.caption("Analyst sign-in is not configured on this server (see the README).")


@st.cache_data(show_spinner=False)
def _is_demo(path: str) -> bool:
    return demo.is_demo(_database(path))


# -- filters -------------------------------------------------------------------------------------------------
def filters_sidebar() -> Filters | None:
    """The shared filters (in the sidebar, bound to the URL); None with a plain message if they make no sense.

    Bound widgets put their displayed text in the URL, so options are the readable labels
    themselves: a shared link reads ``?wards=Park&wards=St+Peters&from=2025/26+Q3``.
    """
    board = dashboard()
    quarters = [_quarter_label(code) for code in board.quarters()]
    codes_by_name = {name: code for code, name in ward_options().items()}
    groups = load_ward_groups()
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
        first = st.selectbox("From quarter", quarters, index=len(quarters) - 1, key="from", bind="query-params")
        last = st.selectbox("To quarter", quarters, index=len(quarters) - 1, key="to", bind="query-params")
        comparison = st.selectbox("Compare with", list(COMPARISON_LABELS), key="compare", bind="query-params")
        st.caption(board.as_of)
    try:
        period = Period.parse(first, last)
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


def current_filters() -> Filters:
    """The filters app.py set for this run (pages call this)."""
    if "_swp_filters" not in st.session_state:
        _leave_legacy_pages_mode()
    return st.session_state["_swp_filters"]


def _leave_legacy_pages_mode() -> None:
    """Recover when a page ran without app.py.

    Streamlit decides once per process, at its first session, whether a folder named
    ``pages/`` means its legacy multipage mode; only ``st.navigation`` turns that off. If
    the very first visitor opens a deep link (a page URL from a committee paper), the
    page runs on its own. Turning the flag off and rerunning hands control to app.py's
    ``st.navigation``, which then resolves the same URL, for this and every later session.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def filter_query(filters: Filters) -> str:
    """The URL query string for these filters (to link to another page with the same view)."""
    params = [
        ("from", filters.period.first.label),
        ("to", filters.period.last.label),
        ("compare", COMPARISONS[filters.comparison]),
    ]
    if filters.selection.kind == "group":
        params.append(("group", filters.selection.label))
    elif not filters.selection.is_city:
        names = ward_options()
        params += [("wards", names[code]) for code in filters.selection.wards]
    return "?" + urlencode(params)


# -- page frame -------------------------------------------------------------------------------------------------
def page_header(title: str, filters: Filters | None = None, subtitle: str | None = None) -> None:
    """A title that says what is shown, for which wards and period, and the demo notice when it applies."""
    # Titles say what, where and when; a smaller h1 keeps them on one line on a 1280x720 projector.
    st.html("<style>h1 { font-size: 2.1rem !important; }</style>")
    if filters is not None:
        st.title(f"{title}: {filters.selection.label}, {filters.period.label}")
        st.caption(
            f"Compared with {filters.compare_to.label}. {dashboard().as_of}." + (f" {subtitle}" if subtitle else "")
        )
    else:
        st.title(title)
        if subtitle:
            st.caption(subtitle)
    if _is_demo(str(get_settings().db_path)):
        st.info(DEMO_NOTICE, icon=":material/science:")


def download_csv(frame: pd.DataFrame, file_name: str, heading_lines: list[str], key: str) -> None:
    """A CSV download of exactly ``frame``, headed by comment lines naming the filters and the as-of date."""
    header = "".join(f"# {line}\n" for line in heading_lines)
    st.download_button(
        "Download CSV",
        data=header + frame.to_csv(index=False),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def headings(filters: Filters, what: str) -> list[str]:
    """Download header lines: what the table is, the filters and the as-of date."""
    return [what, *filters.heading_lines(dashboard().as_of)]


# -- KPI cards --------------------------------------------------------------------------------------------------
def _delta(result: KpiResult) -> tuple[str | None, str | None, str]:
    """The change as shown on a card: amount, words, colour (blue improved, orange worsened, grey otherwise)."""
    comparison = result.comparison
    if result.suppressed or comparison is None or comparison.change is None:
        return None, None, "off"
    amount = f"{comparison.change:+,.0f}" if result.unit in ("count", "rank") else f"{comparison.change:+.1f}"
    if result.unit == "percent":
        amount += " pts"
    colour = {"improved": "blue", "worsened": "orange"}.get(comparison.label, "gray")
    return amount, comparison.label, colour


def kpi_card(result: KpiResult, kpi: Kpi) -> None:
    """A metric card: value, change and whether it is significant, coloured by the desired direction."""
    if result.suppressed:
        value = result.shown_as or "[c]"
    elif result.current.value is not None:
        value = format_value(result.current.value, result.unit)
    else:
        value = result.availability
    delta, words, colour = _delta(result)
    help_text = f"{kpi.definition}\n\nBetter: {kpi.better}." + "".join(f"\n\n{note}" for note in result.notes)
    if result.suppression_note:
        help_text += f"\n\n{result.suppression_note}"
    st.metric(
        result.label,
        value,
        delta,
        delta_color=colour,
        help=help_text,
        border=True,
        delta_arrow="auto" if delta else "off",
        delta_description=words,
    )
    details = []
    if result.suppressed:
        details.append("withheld for partners (hover ? for why)")
    elif result.current.low is not None and result.current.high is not None:
        details.append(
            f"95% interval {format_value(result.current.low, result.unit)} to "
            f"{format_value(result.current.high, result.unit)}"
        )
    if result.current.rate_per_1000 is not None:
        details.append(f"{result.current.rate_per_1000:.2f} per 1,000 residents")
    if result.spc and result.spc.variation != "not applicable":
        details.append(f"SPC: {result.spc.variation}")
    if result.rag:
        details.append(f"RAG {result.rag.upper()} against {format_value(result.target, result.unit)}")
    if result.provisional:
        details.append("provisional")
    if result.period != current_filters().period.label:
        details.append(f"latest available: {result.period}")
    if result.availability in ("partial", "not available", "city only", "no data"):
        details.append(result.availability)
    if details:
        st.caption(" · ".join(details))


def kpi_cards(results: list[KpiResult], per_row: int = 3) -> None:
    """Cards in rows, with a footnote explaining any suppression."""
    kpis = catalogue.catalogue()
    for start in range(0, len(results), per_row):
        columns = st.columns(per_row)
        for column, result in zip(columns, results[start : start + per_row], strict=False):
            with column:
                kpi_card(result, kpis[result.key])
    note = next((r.suppression_note for r in results if r.suppressed and r.suppression_note), None)
    if note:
        st.caption(f"<5 and [c]: {note}")


def definitions(kpis: list[Kpi]) -> None:
    """Every definition on the page, one click away."""
    with st.expander("Definitions of these KPIs", icon=":material/menu_book:"):
        for kpi in kpis:
            denominator = f" Denominator: {kpi.denominator}." if kpi.denominator else ""
            st.markdown(
                f"**{kpi.label}** (`{kpi.key}`): {kpi.definition} Numerator: {kpi.numerator}.{denominator} "
                f"Better: {kpi.better}. Source: {kpi.source}." + (" Sensitive." if kpi.sensitive else "")
            )


# -- charts -----------------------------------------------------------------------------------------------------------
def _unit_title(kpi: Kpi) -> str:
    return {
        "count": "Count",
        "percent": "Per cent",
        "ratio": "Reoffences per reoffender",
        "rate per 100,000": "Per 100,000 aged 10-17",
        "rank": "Rank of 7 (1 = safest)",
    }[kpi.unit]


def trend_chart(kpi: Kpi, frame: pd.DataFrame, filters: Filters, key: str) -> None:
    """The series with SPC mean and limits, special-cause points marked; a CSV of exactly the points shown."""
    step = frame.attrs.get("step") or ("quarterly" if kpi.frequency == "quarter" else "monthly")
    title = f"{kpi.label}, {step}: {filters.selection.label}, to {filters.period.last.label}"
    if "suppressed" in frame and frame["suppressed"].astype(bool).any():
        withheld = ", ".join(frame.loc[frame["suppressed"].astype(bool), "period"])
        st.caption(f"Withheld for partners (small numbers): {withheld}.")
    shown = frame.dropna(subset=["value"]).copy()
    if shown.empty:
        st.info(f"No figures to chart for {kpi.label} in these wards and periods.")
        return
    shown["signal"] = "common cause"
    better_high = kpi.direction == "up"
    if kpi.direction != "neutral":
        shown.loc[shown["special_high"].astype(bool), "signal"] = "improvement" if better_high else "concern"
        shown.loc[shown["special_low"].astype(bool), "signal"] = "concern" if better_high else "improvement"
    else:
        shown.loc[shown["special_high"].astype(bool) | shown["special_low"].astype(bool), "signal"] = "special cause"
    order = list(shown["period"])
    x = alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=True))
    y = alt.Y("value:Q", title=_unit_title(kpi), scale=alt.Scale(zero=kpi.unit == "count"))
    line = alt.Chart(shown).mark_line(color=INK).encode(x=x, y=y)
    colour = alt.Color(
        "signal:N",
        title="SPC signal",
        scale=alt.Scale(
            domain=["common cause", "improvement", "concern", "special cause"],
            range=[GRID, IMPROVEMENT, CONCERN, NEUTRAL],
        ),
    )
    shape = alt.Shape(
        "provisional:N", title="Provisional", scale=alt.Scale(domain=[False, True], range=["circle", "triangle"])
    )
    encodings = {"shape": shape} if shown["provisional"].astype(bool).any() else {}
    points = (
        alt.Chart(shown)
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y=y,
            color=colour,
            **encodings,
            tooltip=["period", alt.Tooltip("value:Q", format=",.1f"), "numerator", "denominator", "signal", "rules"],
        )
    )
    layers = [line, points]
    if shown["mean"].notna().any():
        for column, dash in (("mean", []), ("lower", [4, 4]), ("upper", [4, 4])):
            layers.append(alt.Chart(shown).mark_line(color=GRID, strokeDash=dash).encode(x=x, y=f"{column}:Q"))
    if shown["low"].notna().any():
        layers.append(alt.Chart(shown).mark_rule(color=INK, opacity=0.5).encode(x=x, y="low:Q", y2="high:Q"))
    chart = alt.layer(*layers).properties(title=title, height=300)
    st.altair_chart(chart, width="stretch")
    if shown["mean"].isna().all() and kpi.measure != "repeat":
        st.caption("SPC limits need at least 12 periods with data.")
    download_csv(
        shown.drop(columns=["period_start"]), f"{kpi.key}-trend.csv", headings(filters, title), f"dl-trend-{key}"
    )


def period_shown(kpi: Kpi, filters: Filters) -> str:
    """The period a KPI's ward figures cover: the selected quarters, or 12 months to their end for repeats."""
    if kpi.measure == "repeat":
        return f"12 months to {filters.period.end:%b %Y}"
    return filters.period.label


def ward_map(kpi: Kpi, frame: pd.DataFrame, filters: Filters, key: str) -> None:
    """Choropleth of the KPI by ward (rate per 1,000 for counts), selected wards outlined."""
    measure = "rate_per_1000" if kpi.per_1000 else "value"
    what = "per 1,000 residents" if kpi.per_1000 else _unit_title(kpi).lower()
    title = f"{kpi.label} by ward ({what}), {period_shown(kpi, filters)}"
    values = frame.set_index("ward_code")
    title_lines = [f"{kpi.label} by ward", f"{what}, {period_shown(kpi, filters)}"]
    features = []
    for feature in ward_boundaries()["features"]:
        code = feature["properties"]["ward_code"]
        row = values.loc[code] if code in values.index else None
        properties = dict(feature["properties"])
        shown = None if row is None or pd.isna(row[measure]) else float(row[measure])
        marker = str(row["shown_as"]) if row is not None and "shown_as" in row and row["shown_as"] else ""
        properties.update(
            {
                "shown": shown,
                "withheld": marker,
                "selected": bool(row["selected"]) if row is not None else False,
                "rank": None if row is None or pd.isna(row["rank"]) else int(row["rank"]),
            }
        )
        features.append({**feature, "properties": properties})
    data = alt.Data(values=features)
    base = (
        alt.Chart(data)
        .mark_geoshape()
        .encode(
            color=alt.Color("properties.shown:Q", title=what, scale=alt.Scale(scheme="viridis", reverse=True)),
            stroke=alt.condition("datum.properties.selected", alt.value("#000000"), alt.value("#ffffff")),
            strokeWidth=alt.condition("datum.properties.selected", alt.value(3), alt.value(0.7)),
            tooltip=[
                alt.Tooltip("properties.ward_name:N", title="Ward"),
                alt.Tooltip("properties.shown:Q", title=what, format=",.2f"),
                alt.Tooltip("properties.withheld:N", title="Withheld"),
                alt.Tooltip("properties.rank:Q", title="Rank (1 = best)"),
            ],
        )
        .project(type="mercator")
        .properties(title=alt.TitleParams(title_lines, anchor="start"), height=360)
    )
    st.altair_chart(base, width="stretch")
    if not filters.selection.is_city:
        st.caption("Selected wards are outlined in black.")
    shown = pd.DataFrame(
        [
            {
                "ward_code": f["properties"]["ward_code"],
                "ward_name": f["properties"]["ward_name"],
                measure: f["properties"]["shown"],
                "withheld": f["properties"]["withheld"],
                "rank": f["properties"]["rank"],
                "selected": f["properties"]["selected"],
            }
            for f in features
        ]
    )
    download_csv(shown, f"{kpi.key}-map.csv", headings(filters, title), f"dl-map-{key}")


_NUMBER_FORMAT = {"count": "%d", "percent": "%.1f", "ratio": "%.2f", "rate per 100,000": "%.1f", "rank": "%d"}


def ward_table(kpi: Kpi, frame: pd.DataFrame, filters: Filters, key: str) -> None:
    """The ranked ward table with rates and intervals, and its download."""
    title = f"{kpi.label}: wards ranked, {period_shown(kpi, filters)} (1 = best for 'better: {kpi.better}')"
    columns = [
        "rank",
        "ward_name",
        "value",
        "shown_as",
        "low",
        "high",
        "numerator",
        "denominator",
        "rate_per_1000",
        "selected",
    ]
    shown = frame[[c for c in columns if c in frame.columns]]
    st.markdown(f"**{title}**")
    st.dataframe(
        shown,
        hide_index=True,
        height=360,
        column_config={
            "rank": st.column_config.NumberColumn("Rank"),
            "ward_name": "Ward",
            "value": st.column_config.NumberColumn(_unit_title(kpi), format=_NUMBER_FORMAT[kpi.unit]),
            "low": st.column_config.NumberColumn("95% low", format=_NUMBER_FORMAT[kpi.unit]),
            "high": st.column_config.NumberColumn("95% high", format=_NUMBER_FORMAT[kpi.unit]),
            "numerator": st.column_config.NumberColumn("Numerator", format="%d"),
            "denominator": st.column_config.NumberColumn("Denominator", format="%.0f"),
            "rate_per_1000": st.column_config.NumberColumn("Per 1,000", format="%.2f"),
            "selected": st.column_config.CheckboxColumn("Selected"),
            "shown_as": st.column_config.TextColumn(
                "Withheld", help="<5: fewer than 5; [c]: withheld so a small number cannot be worked out by subtraction"
            ),
        },
    )
    download_csv(shown, f"{kpi.key}-wards.csv", headings(filters, title), f"dl-wards-{key}")


def breakdown_chart(kpi: Kpi, label: str, frame: pd.DataFrame, filters: Filters, key: str) -> None:
    """A bar chart of a breakdown (with intervals for shares), and its download."""
    title = f"{kpi.label}, {label.lower()}: {filters.selection.label}, {filters.period.label}"
    share = frame["denominator"].notna().any() and kpi.unit == "percent"
    axis_title = "Per cent" if share else "Count"
    bars = (
        alt.Chart(frame)
        .mark_bar(color=IMPROVEMENT)
        .encode(
            y=alt.Y("category:N", sort="-x", title=None),
            x=alt.X("value:Q" if share else "numerator:Q", title=axis_title),
            tooltip=["category", "numerator", "denominator", alt.Tooltip("value:Q", format=",.1f")],
        )
    )
    layers = [bars]
    if share and frame["low"].notna().any():
        layers.append(
            alt.Chart(frame).mark_rule(color=INK).encode(y=alt.Y("category:N", sort="-x"), x="low:Q", x2="high:Q")
        )
    if "shown_as" in frame and frame["shown_as"].astype(bool).any():
        withheld = ", ".join(f"{c} ({m})" for c, m in zip(frame["category"], frame["shown_as"], strict=True) if m)
        st.caption(f"Withheld for partners: {withheld}.")
    # A height per bar (alt.Step): a fixed pixel height collapses discrete axes in Streamlit's sizing.
    st.altair_chart(alt.layer(*layers).properties(title=title, height=alt.Step(30)), width="stretch")
    download_csv(
        frame, f"{kpi.key}-{label.lower().replace(' ', '-')}.csv", headings(filters, title), f"dl-breakdown-{key}"
    )


# -- page layouts ---------------------------------------------------------------------------------------------
def priority_page(priority: str, title: str) -> None:
    """A priority page: its KPI cards, then one KPI explored as a trend, a map, a ranked table and breakdowns."""
    filters = current_filters()
    board = dashboard()
    page_header(title, filters)
    kpis = catalogue.for_priority(priority)
    kpi_cards(board.results([k.key for k in kpis], filters))
    definitions(kpis)
    st.subheader("Explore a KPI")
    keys_by_label = {k.label: k.key for k in kpis}
    label = st.selectbox("KPI to explore", list(keys_by_label), key="kpi", bind="query-params")
    key = keys_by_label[label]
    kpi = catalogue.get(key)
    trend_chart(kpi, board.series(key, filters), filters, key)
    if kpi.geography == "ward" and kpi.measure != "rank":
        left, right = st.columns([3, 2])
        wards = board.by_ward(key, filters)
        with left:
            ward_map(kpi, wards, filters, key)
        with right:
            ward_table(kpi, wards, filters, key)
    elif kpi.measure == "rank":
        rank_table(filters)
    else:
        st.info(f"{kpi.label} is a city-wide figure: partners return it for the whole city, not by ward.")
    for breakdown in kpi.breakdowns:
        frame = board.breakdown(key, breakdown.key, filters)
        if frame.empty:
            st.info(
                f"{kpi.label}, {breakdown.label.lower()}: published for partners for the whole city only, "
                "to protect small numbers."
            )
        else:
            breakdown_chart(kpi, breakdown.label, frame, filters, f"{key}-{breakdown.key}")
    if not board.partner:
        record_drilldown(kpi, filters)


def record_drilldown(kpi: Kpi, filters: Filters) -> None:
    """The records behind a figure (analysts only: the data layer refuses partners)."""
    with st.expander(f"Records behind {kpi.label} (analysts only)", icon=":material/table_rows:"):
        records = dashboard().records(kpi.key, filters)
        if records.empty:
            st.write("This KPI comes from aggregate returns: there are no records to show.")
            return
        st.caption(
            f"{len(records):,} records from {kpi.source}, {filters.selection.label}, {filters.period.label} "
            "(first 5,000). Pseudonymised identifiers only."
        )
        st.dataframe(records, hide_index=True, height=300)
        download_csv(
            records, f"{kpi.key}-records.csv", headings(filters, f"Records behind {kpi.label}"), f"dl-records-{kpi.key}"
        )


def rank_table(filters: Filters) -> None:
    """The 7 West Midlands CSPs ranked by rate per 1,000 for each neighbourhood crime group."""
    frame = dashboard().wm_ranks(filters)
    title = f"West Midlands CSPs ranked by neighbourhood crime per 1,000 residents, {filters.period.label} (1 = safest)"
    st.markdown(f"**{title}**")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "rate_per_1000": st.column_config.NumberColumn("Per 1,000", format="%.2f"),
            "rank": st.column_config.NumberColumn("Rank of 7"),
        },
    )
    download_csv(frame, "wm-ranks.csv", headings(filters, title), "dl-wm-ranks")
