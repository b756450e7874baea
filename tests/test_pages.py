"""Every page through AppTest on the demo store: runs clean, follows the filters, restores from the URL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from swp_app.palette import INK
from swp_app.tables import overview_display, ward_profile_display
from swp_data import selection, settings, site
from swp_data.access import ANALYST
from swp_data.calc.render import assurance_text, format_value, value_text, variation_text
from swp_data.disclosure.cells import MARKER_EXPLANATIONS
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.records import UNJUDGED
from swp_data.results import KpiResult
from swp_data.views import Dashboard

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {page.key: page.title for page in site.PAGES}
PRIORITY_PAGES = list(site.PRIORITY_PAGES)
ANALYST_EMAIL = "community.safety.analyst@wolverhampton.gov.uk"
SIGN_IN = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-a-secret",
        "client_id": "swp-test",
        "client_secret": "not-a-secret",
        "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration",
    },
    "analysts": {"emails": [ANALYST_EMAIL], "groups": ["analyst-group-object-id"]},
}


pytestmark = pytest.mark.usefixtures("app_on_demo")  # every test here runs the app on the demo store


@pytest.fixture(scope="module")
def board(demo_db: Path) -> Dashboard:
    return Dashboard(duckdb.connect(str(demo_db), read_only=True))


@pytest.fixture(scope="module")
def analyst_board(demo_db: Path) -> Dashboard:
    return Dashboard(duckdb.connect(str(demo_db), read_only=True), access=ANALYST)


def open_page(
    page: str, query: dict[str, str | list[str]] | None = None, user: dict[str, object] | None = None
) -> AppTest:
    """Open the app (as from a link carrying ``query``) and go to a page; ``user`` signs someone in."""
    app = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        app.secrets = SIGN_IN
        app.user = user
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    if not site.page(page).default:
        app.switch_page(site.page(page).module).run()
    return app


def signed_in(email: str, **claims: object) -> dict[str, object]:
    """``AppTest.user`` for someone signed in through OpenID Connect."""
    return {"is_logged_in": True, "email": email, "name": email.split("@")[0], **claims}


def opened_drilldown(app: AppTest) -> object:
    """The records drill-down, opened as an analyst opens it (its records are listed only then)."""
    closed = next(e for e in app.expander if e.label.startswith("Records behind"))
    assert not closed.dataframe and not closed.info  # nothing is queried until it is opened
    app.session_state[closed.key] = True
    app.run()
    return next(e for e in app.expander if e.label.startswith("Records behind"))


def metric(app: AppTest, label: str) -> str:
    values = [m.value for m in app.metric if m.label == label]
    assert len(values) == 1, f"{len(values)} cards labelled {label!r}"
    return values[0]


def shown_for_partners(result: KpiResult) -> str:
    """What a partner's card shows for a withheld figure: the marker the data layer set."""
    assert result.suppressed and result.shown_as, result
    return result.shown_as


def test_every_page_file_is_registered_and_every_registered_page_has_its_file() -> None:
    files = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
    assert files == sorted(PAGES)
    assert all((ROOT / page.module).is_file() for page in site.PAGES)
    assert set(site.PRIORITY_PAGES) < set(site.PRIORITIES) <= set(PAGES)
    assert sum(page.default for page in site.PAGES) == 1


@pytest.mark.parametrize("page", list(PAGES))
def test_every_registered_page_runs_for_a_signed_in_analyst(page: str) -> None:
    app = open_page(page, user=signed_in(ANALYST_EMAIL))
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value.startswith(PAGES[page])
    assert any(s.value.startswith("Analyst view") for s in app.sidebar.success)
    assert not app.warning


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_with_its_title_and_the_demo_notice(page: str) -> None:
    app = open_page(page)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value.startswith(PAGES[page])
    assert any(info.value.startswith("**Demo data.**") for info in app.info)
    assert not app.warning


@pytest.mark.parametrize("page", PRIORITY_PAGES)
def test_every_priority_page_has_cards_titled_charts_and_downloads(page: str) -> None:
    app = open_page(page)
    charts = app.get("vega_lite_chart")
    assert len(app.metric) == len(catalogue.for_priority(page))  # a card for every KPI of the priority
    assert len(charts) >= 1
    for chart in charts:
        assert '"title"' in chart.proto.spec  # no chart without a title
    assert len(app.get("download_button")) >= len(charts)


def test_charts_write_their_words_in_ink_and_say_no_signal_or_judgement_by_colour_alone() -> None:
    """Streamlit's grey chart text (3.7:1) is replaced by INK; SPC signals and funnel judgements have shapes too."""
    app = open_page("violence_prevention")  # a trend with special causes, a map, a funnel and breakdowns
    specs = [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]
    assert len(specs) >= 3
    for spec in specs:
        config = spec["config"]
        assert config["axis"]["labelColor"] == config["legend"]["labelColor"] == config["title"]["color"] == INK
    coloured = {
        layer["encoding"]["color"]["field"]: layer["encoding"]
        for spec in specs
        for layer in spec.get("layer", [])
        if "field" in layer.get("encoding", {}).get("color", {})
    }
    assert {"signal", "against"} <= set(coloured)
    for field in ("signal", "against"):
        colour, shape = coloured[field]["color"], coloured[field]["shape"]
        assert shape["field"] == field and shape["scale"]["domain"] == colour["scale"]["domain"]
        shapes = shape["scale"]["range"]
        assert len(set(shapes)) == len(shapes) == len(colour["scale"]["domain"]) >= 3  # one shape per meaning


def test_cards_show_the_variation_and_assurance_icons_with_their_words(board: Dashboard) -> None:
    app = open_page("victimisation")
    icons = [h.proto.body for h in app.get("html") if "spc-icons" in h.proto.body]
    filters = Filters(selection.city(), Period.parse("2026/27Q2"))
    expected = []
    for kpi in catalogue.for_priority("victimisation"):
        spc = board.result(kpi.key, filters).spc
        if spc is not None and spc.variation != "not applicable":
            words = variation_text(spc.variation, spc.side)
            if spc.assurance:
                words += " " + assurance_text(spc.assurance, kpi.target.kind if kpi.target else "target")
            expected.append(words)
    assert expected and len(icons) == len(expected)
    for body, words in zip(icons, expected, strict=True):
        assert '<img src="data:image/svg+xml;base64,' in body and 'alt=""' in body  # the words are its text
        visible = re.sub(r"<[^>]+>", " ", body)
        assert " ".join(visible.split()) == words


def test_changing_ward_and_period_changes_the_figures_to_the_data_layers(board: Dashboard) -> None:
    app = open_page("violence_prevention")
    city_value = metric(app, "Violence with injury")
    app.sidebar.multiselect(key="wards").set_value(["Park"])
    app.sidebar.selectbox(key="from").set_value("2022/23 Q1")
    app.sidebar.selectbox(key="to").set_value("2022/23 Q4").run()
    assert not app.exception
    park_2022 = Filters(selection.resolve("Park"), Period.parse("2022/23Q1", "2022/23Q4"))
    expected = board.result("violence_with_injury", park_2022)
    assert metric(app, "Violence with injury") == format_value(expected.current.value, "count")
    assert metric(app, "Violence with injury") != city_value
    assert app.title[0].value == "Violence Prevention: Park, 2022/23 (full year)"
    # The filters persist on moving to another page.
    app.switch_page("pages/neighbourhood_crime.py").run()
    assert app.title[0].value == "Neighbourhood Crime: Park, 2022/23 (full year)"
    expected = board.result("vehicle_crime", park_2022)
    assert metric(app, "Vehicle crime") == format_value(expected.current.value, "count")


def test_choosing_a_ward_group_and_the_comparison(board: Dashboard) -> None:
    app = open_page("victimisation")
    app.sidebar.selectbox(key="group").set_value("Whitmore Reans (2014/15 priority area)")
    app.sidebar.selectbox(key="compare").set_value("Previous period").run()
    assert app.title[0].value == "Reducing Victimisation: Whitmore Reans (2014/15 priority area), 2026/27 Q2"
    assert app.sidebar.multiselect(key="wards").disabled
    filters = Filters(selection.resolve("Whitmore Reans"), Period.parse("2026/27Q2"), "previous")
    expected = board.result("business_crime_repeat", filters)
    assert metric(app, "Crimes against businesses") == format_value(expected.current.value, "count")
    # A sensitive count for a group is published for whole years only.
    assert metric(app, "Hate crimes recorded") == "not published"
    assert app.caption[0].value.startswith("Compared with 2026/27 Q1.")


def test_a_url_with_filters_restores_the_view(board: Dashboard) -> None:
    query = {"wards": ["Park", "St Peters"], "from": "2025/26 Q3", "to": "2026/27 Q2", "compare": "Previous period"}
    app = open_page("neighbourhood_crime", query)
    assert app.title[0].value == "Neighbourhood Crime: Park, St Peters, 2025/26 Q3 to 2026/27 Q2"
    assert app.sidebar.multiselect(key="wards").value == ["Park", "St Peters"]
    filters = Filters(selection.resolve("Park, St Peters"), Period.parse("2025/26Q3", "2026/27Q2"), "previous")
    expected = board.result("burglary_residential", filters)
    assert metric(app, "Residential burglary") == format_value(expected.current.value, "count")
    assert filters.compare_to.label == "2024/25 Q3 to 2025/26 Q2"
    assert app.caption[0].value.startswith(f"Compared with {filters.compare_to.label}.")


def test_a_url_can_open_a_named_ward_group_and_a_kpi() -> None:
    query = {"group": "Whitmore Reans (2014/15 priority area)", "kpi": "Repeat ASB callers"}
    app = open_page("anti_social_behaviour", query)
    assert app.title[0].value.startswith("Anti-Social Behaviour: Whitmore Reans (2014/15 priority area), ")
    assert app.selectbox(key="kpi").value == "Repeat ASB callers"
    titles = [chart.proto.spec for chart in app.get("vega_lite_chart")]
    assert any("Repeat ASB callers, rolling 12 months" in spec for spec in titles)


def test_an_impossible_period_gives_a_plain_message_not_a_traceback() -> None:
    app = open_page("violence_prevention")
    app.sidebar.selectbox(key="from").set_value("2026/27 Q2")
    app.sidebar.selectbox(key="to").set_value("2022/23 Q1").run()
    assert not app.exception
    assert "cannot be shown" in app.warning[0].value
    assert not app.metric


def test_a_link_with_an_impossible_period_gives_the_same_plain_message() -> None:
    app = open_page("about_data", {"from": "2026/27 Q2", "to": "2022/23 Q1"})
    assert not app.exception and "cannot be shown" in app.warning[0].value


def test_a_ward_with_no_records_in_the_period_shows_zero_or_no_data_not_an_error(
    board: Dashboard, analyst_board: Dashboard
) -> None:
    query = {"wards": ["Tettenhall Regis"], "from": "2019/20 Q1"}
    label = "First-time entrants to the youth justice system"
    filters = Filters(selection.resolve("Tettenhall Regis"), Period.parse("2019/20Q1", "2026/27Q2"))
    app = open_page("reducing_reoffending", query)
    assert not app.exception
    assert metric(app, label) == shown_for_partners(board.result("first_time_entrants", filters))
    # The analyst sees the figure itself.
    app = open_page("reducing_reoffending", query, user=signed_in(ANALYST_EMAIL))
    assert not app.exception
    expected = analyst_board.result("first_time_entrants", filters)
    assert expected.current.value is not None
    assert metric(app, label) == value_text(expected, short=True) == "63.2"  # the unit beneath: it fits the card
    assert any(c.value.startswith("per 100,000 a year") for c in app.caption)


def test_reoffending_shows_the_latest_cohort_and_marks_it_provisional() -> None:
    app = open_page("reducing_reoffending")
    captions = " ".join(c.value for c in app.caption)
    assert "latest cohort available: 2025/26 Q2" in captions
    assert "provisional" in captions


def test_overview_lists_every_kpi_grouped_by_priority_with_links(board: Dashboard) -> None:
    app = open_page("overview")
    tables = [frame.value for frame in app.dataframe if "kpi" in frame.value.columns]  # not the spend table
    assert len(tables) == len(site.PRIORITIES)
    rows = sum(len(t) for t in tables)
    figures = board.overview(Filters(selection.city(), Period.parse("2026/27Q2")))
    assert rows == len(figures)
    # Variation and assurance (Making Data Count) in words, as the data layer gives them.
    expected = overview_display(figures)
    shown = sorted((k, v, a) for t in tables for k, v, a in zip(t["kpi"], t["spc"], t["assurance"], strict=True))
    assert shown == sorted(zip(expected["kpi"], expected["spc"], expected["assurance"], strict=True))
    assert any(v == "Common cause variation" for _, v, _ in shown) and any(a != "no target" for _, _, a in shown)
    links = [link for table in tables for link in table["open"]]
    assert {link.split("?")[0] for link in links} == {site.page(key).link_path for key in site.PRIORITIES}
    assert any("kpi=Violence+with+injury" in link for link in links)
    # Every link opens a registered page, and its kpi is one that page offers (the browser test opens them).
    by_path = {site.page(key).link_path: key for key in site.PRIORITIES}
    for link in links:
        path, query = link.split("?", 1)
        kpi = parse_qs(query)["kpi"][0]
        assert kpi in {k.label for k in catalogue.for_priority(by_path[path])}, link


def test_ward_profile_follows_the_ward_in_the_url(board: Dashboard) -> None:
    app = open_page("ward_profile", {"ward": "Heath Town"})
    assert app.title[0].value == "Ward Profile: Heath Town, 2026/27 Q2"
    profile = board.ward_profile("E05014848", Filters(selection.city(), Period.parse("2026/27Q2")))
    shown = app.dataframe[0].value
    expected = ward_profile_display(profile)
    assert list(shown["ward"]) == list(expected[expected["priority"] == "Overview"]["ward"])
    # A figure, a marker the data layer set for partners ('<5', '[c]', ...), or 'no data'.
    markers = "|".join(f"^{re.escape(marker)}$" for marker in MARKER_EXPLANATIONS)
    assert shown["ward"].str.match(rf"^[\d,.]+%?$|{markers}|^no data$").all()


def test_partners_see_small_numbers_suppressed_with_the_reason() -> None:
    app = open_page("victimisation", {"wards": ["Heath Town"], "from": "2025/26 Q1", "to": "2025/26 Q4"})
    assert metric(app, "Hidden harm: forced marriage, honour-based abuse, FGM, modern slavery") == "<5"
    footnote = next(c.value for c in app.caption if c.value.startswith("<5 and [c]:"))
    assert "a count under 5 is shown as <5" in footnote and "subtraction" in footnote
    assert any(i.value.startswith("Partner view") for i in app.sidebar.info)
    assert any("sign-in is not configured" in c.value for c in app.sidebar.caption)
    assert not any(e.label.startswith("Records behind") for e in app.expander)


def test_no_url_parameter_turns_a_partner_into_an_analyst() -> None:
    query = {
        "wards": ["Heath Town"],
        "from": "2025/26 Q1",
        "to": "2025/26 Q4",
        "access": "analyst",
        "analyst": "true",
        "role": "analyst",
    }
    app = open_page("victimisation", query)
    assert metric(app, "Hidden harm: forced marriage, honour-based abuse, FGM, modern slavery") == "<5"
    assert any(i.value.startswith("Partner view") for i in app.sidebar.info)


HIDDEN_HARM = "Hidden harm: forced marriage, honour-based abuse, FGM, modern slavery"
HEATH_TOWN_2025 = {"wards": ["Heath Town"], "from": "2025/26 Q1", "to": "2025/26 Q4", "kpi": HIDDEN_HARM}


def test_an_analyst_on_the_list_sees_small_numbers_and_the_records_behind_them(
    board: Dashboard, analyst_board: Dashboard
) -> None:
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    partner, truth = board.result("hidden_harm", filters), analyst_board.result("hidden_harm", filters)
    assert partner.shown_as == "<5" and truth.current.value is not None and 1 <= truth.current.value <= 4
    app = open_page("victimisation", HEATH_TOWN_2025, user=signed_in(ANALYST_EMAIL))
    assert not app.exception, [e.value for e in app.exception]
    assert metric(app, HIDDEN_HARM) == format_value(truth.current.value, "count")
    assert not any(c.value.startswith("<5 and [c]:") for c in app.caption)
    assert any(s.value.startswith(f"Analyst view: {ANALYST_EMAIL}") for s in app.sidebar.success)
    assert [b.label for b in app.sidebar.button] == ["Sign out"]
    assert [e.label for e in app.expander if e.label.startswith("Records behind")] == [
        f"Records behind {HIDDEN_HARM} (analysts only)"
    ]
    drilldown = opened_drilldown(app)
    # The records are exactly those the card counts (1 to 4 here): the drill-down says so and lists them.
    count = round(truth.current.value)
    assert len(drilldown.dataframe[0].value) == count
    assert drilldown.caption[0].value.startswith(
        f"{count} record{'s' if count != 1 else ''}: the same as the figure's numerator ({count}). "
        "Crimes with a hidden harm marker, from crime, Heath Town, 2025/26 (full year)."
    )
    assert set(drilldown.dataframe[0].value["ward_code"]) == {"E05014848"}


KNIFE = "Knife crime (violence and robbery)"
ALCOHOL_VIOLENCE = "Alcohol-related violence with injury (%)"


def test_the_drilldown_lists_as_many_records_as_the_card_counts(analyst_board: Dashboard) -> None:
    """The measured defect: the drill-down listed every crime of the ward (1,991 behind a card saying 29)."""
    query = {"wards": ["Heath Town"], "from": "2025/26 Q1", "to": "2025/26 Q4", "kpi": KNIFE}
    app = open_page("violence_prevention", query, user=signed_in(ANALYST_EMAIL))
    assert not app.exception, [e.value for e in app.exception]
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    count = round(analyst_board.result("knife_crime", filters).current.value or 0)
    assert count > 5 and metric(app, KNIFE) == format_value(count, "count")
    drilldown = opened_drilldown(app)
    assert drilldown.caption[0].value.startswith(f"{count:,} records: the same as the figure's numerator ({count:,}).")
    assert len(drilldown.dataframe[0].value) == count
    # A count has no denominator: its records, or those whose knife flag is not recorded.
    assert drilldown.radio[0].options == ["Violence and robbery with a knife or sharp instrument", UNJUDGED]


def test_a_share_offers_its_denominator_records_too(analyst_board: Dashboard) -> None:
    query = {"wards": ["Heath Town"], "from": "2025/26 Q1", "to": "2025/26 Q4", "kpi": ALCOHOL_VIOLENCE}
    app = open_page("violence_prevention", query, user=signed_in(ANALYST_EMAIL))
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    figure = analyst_board.result("alcohol_related_violence", filters).current
    numerator, denominator = round(figure.numerator or 0), round(figure.denominator or 0)
    assert 0 < numerator < denominator
    drilldown = opened_drilldown(app)
    assert drilldown.caption[0].value.startswith(f"{numerator:,} records: the same as the figure's numerator")
    drilldown.radio[0].set_value("denominator").run()
    drilldown = next(e for e in app.expander if e.label.startswith("Records behind"))
    assert drilldown.caption[0].value.startswith(
        f"{denominator:,} records: the same as the figure's denominator ({denominator:,})."
    )
    assert len(drilldown.dataframe[0].value) == denominator


def test_a_kpi_without_records_says_why_on_the_page() -> None:
    query = {"from": "2025/26 Q1", "kpi": "Residents who feel safe in their neighbourhood"}
    app = open_page("anti_social_behaviour", query, user=signed_in(ANALYST_EMAIL))
    assert not app.exception, [e.value for e in app.exception]
    drilldown = opened_drilldown(app)
    assert not drilldown.dataframe
    assert drilldown.info[0].value.startswith("Records are not available for Residents who feel safe")


def test_an_analyst_named_by_group_is_an_analyst() -> None:
    user = signed_in("someone@wolverhampton.gov.uk", groups=["Analyst-Group-Object-Id"])
    app = open_page("victimisation", HEATH_TOWN_2025, user=user)
    assert metric(app, HIDDEN_HARM) != "<5"
    assert any(e.label.startswith("Records behind") for e in app.expander)


def test_a_signed_in_user_not_on_the_analyst_list_stays_a_partner(board: Dashboard) -> None:
    app = open_page("victimisation", HEATH_TOWN_2025, user=signed_in("a.partner@example.org", groups=["other"]))
    assert not app.exception, [e.value for e in app.exception]
    filters = Filters(selection.resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    assert metric(app, HIDDEN_HARM) == shown_for_partners(board.result("hidden_harm", filters)) == "<5"
    assert any(i.value.startswith("Partner view") for i in app.sidebar.info)
    assert [b.label for b in app.sidebar.button] == ["Sign out"]
    assert not any(e.label.startswith("Records behind") for e in app.expander)


def test_with_sign_in_configured_a_visitor_not_signed_in_is_a_partner_offered_sign_in() -> None:
    app = open_page("victimisation", HEATH_TOWN_2025, user={"is_logged_in": False})
    assert metric(app, HIDDEN_HARM) == "<5"
    assert [b.label for b in app.sidebar.button] == ["Analyst sign-in"]
    assert not any(e.label.startswith("Records behind") for e in app.expander)


@pytest.mark.parametrize("page", PRIORITY_PAGES)
def test_one_rerun_of_a_priority_page_builds_exactly_one_dashboard(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Dashboard] = []
    original = Dashboard.__init__

    def counting(self: Dashboard, *args: object, **kwargs: object) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Dashboard, "__init__", counting)
    app = open_page(page)
    built.clear()
    app.sidebar.multiselect(key="wards").set_value(["Park"]).run()
    assert not app.exception
    assert app.title[0].value.startswith(f"{PAGES[page]}: Park, ")
    assert len(built) == 1


def test_neighbourhood_crime_always_shows_the_west_midlands_ranks() -> None:
    app = open_page("neighbourhood_crime", {"from": "2022/23 Q1", "to": "2022/23 Q4"})
    assert any(h.value == "West Midlands comparison" for h in app.subheader)
    ranks = app.dataframe[-1].value
    home = ranks[(ranks["area"] == "Wolverhampton")].set_index("group")["rank"].to_dict()
    assert home == {
        "all neighbourhood crime": 2,
        "burglary": 5,
        "robbery": 5,
        "theft from the person": 5,
        "vehicle crime": 2,
    }


@pytest.fixture(scope="module")
def police_only_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding only the real June 2018 data.police.uk API records: most sources empty, one month."""
    from swp_data.importing import import_paths

    path = tmp_path_factory.mktemp("police-only") / "swp.duckdb"
    import_paths([Path(APP).parent / "data" / "reference" / "police_api_2018_06"], path, progress=False)
    return path


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_copes_with_a_store_of_real_police_data_only(
    page: str, police_only_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWP_DB_PATH", str(police_only_store))
    settings.get_settings.cache_clear()
    app = open_page(page)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value.startswith(PAGES[page])
    assert not any(info.value.startswith("**Demo data.**") for info in app.info)  # real data: no demo notice


def test_a_link_accepts_the_compact_period_form_of_the_command_line(board: Dashboard) -> None:
    """``from=2025/26Q3`` (as the CLI writes it) opens the same view as ``from=2025/26 Q3``."""
    app = open_page("neighbourhood_crime", {"wards": ["Park"], "from": "2025/26Q3", "to": "2026/27Q1"})
    assert not app.exception
    assert app.title[0].value == "Neighbourhood Crime: Park, 2025/26 Q3 to 2026/27 Q1"
    assert app.sidebar.selectbox(key="from").value == "2025/26 Q3"
    assert app.sidebar.selectbox(key="to").value == "2026/27 Q1"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"wards": ["Narnia"]}, "wards='Narnia' is not a current ward"),
        ({"wards": ["Park", "Atlantis"]}, "wards='Atlantis' is not a current ward"),
        ({"from": "2031/32Q1"}, "from='2031/32Q1' is not a quarter the store holds"),
        ({"to": "next year"}, "to='next year' is not a quarter the store holds"),
        ({"group": "Lost City"}, "group='Lost City' is not a named ward group"),
        ({"compare": "Forever"}, "compare='Forever' is not"),
    ],
)
def test_a_link_naming_something_unknown_says_so_and_shows_no_figures(query: dict[str, object], named: str) -> None:
    app = AppTest.from_file(APP, default_timeout=60)  # the link's first run is where it is read
    for key, value in query.items():
        app.query_params[key] = value  # type: ignore[assignment]
    app.run()
    assert not app.exception
    assert any(named in error.value for error in app.error), [e.value for e in app.error]
    assert not app.dataframe and not app.metric  # never a silent fallback to the whole city or the latest quarter


REAL_JUNE_2018_CARDS = {
    # page: {KPI key: what its card reads}, counted from the raw data.police.uk JSON (2,463 unique records)
    "neighbourhood_crime": {
        "neighbourhood_crime": "260",  # 239 vehicle crime + 21 theft from the person
        "vehicle_crime": "239",
        "theft_from_person": "21",
        "burglary_residential": "not available (source has no offence subgroup)",
    },
    "violence_prevention": {
        "violence_with_injury": "not available (source has no offence subgroup)",
        "knife_crime": "not available (source has no knife-crime flag, offence subgroup)",
        "domestic_abuse_crimes": "not available (source has no domestic-abuse flag)",
    },
    "anti_social_behaviour": {"asb_incidents": "390"},
    "victimisation": {
        "hate_crime": "not available (source has no hate-crime flag)",
        "marac_cases": "no data",
    },
    "reducing_reoffending": {"reoffending_rate_adult": "no data", "first_time_entrants": "no data"},
}


@pytest.mark.parametrize("page", list(REAL_JUNE_2018_CARDS))
@pytest.mark.parametrize("who", ["partner", "analyst"])
def test_what_each_page_reads_on_the_real_june_2018_records(
    page: str, who: str, police_only_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts, the coverage marker and the not-available and no-data states, as a user reads them."""
    monkeypatch.setenv("SWP_DB_PATH", str(police_only_store))
    settings.get_settings.cache_clear()
    app = open_page(page, user=signed_in(ANALYST_EMAIL) if who == "analyst" else None)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == f"{PAGES[page]}: Wolverhampton, 2018/19 Q1"
    captions = " ".join(c.value for c in app.caption)
    for key, reads in REAL_JUNE_2018_CARDS[page].items():
        if reads.startswith("not available ("):  # the card's value is short; the reason is beneath it
            assert metric(app, catalogue.get(key).label) == "not available", key
            assert reads.removeprefix("not available (").removesuffix(")") in captions, key
        else:
            assert metric(app, catalogue.get(key).label) == reads, key
    marked = "incomplete: 1 of 3 months (not compared or rated)" in captions
    # Only pages with a number to show mark it incomplete: on the others every KPI is not available (the
    # fields police.uk lacks) or has no data (sources never loaded).
    assert marked == (page in ("neighbourhood_crime", "anti_social_behaviour"))
    assert "RAG" not in captions  # nothing is rated on one month of three


@pytest.mark.parametrize("who", ["partner", "analyst"])
def test_the_overview_reads_the_real_june_2018_records(
    who: str, police_only_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWP_DB_PATH", str(police_only_store))
    settings.get_settings.cache_clear()
    app = open_page("overview", user=signed_in(ANALYST_EMAIL) if who == "analyst" else None)
    assert not app.exception
    table = pd.concat([frame.value for frame in app.dataframe], ignore_index=True)
    by_kpi = table.set_index("kpi") if "kpi" in table else table.set_index(table.columns[0])
    vehicle = by_kpi.loc[catalogue.get("vehicle_crime").label]
    assert vehicle["value"] == "239 (incomplete: 1 of 3 months)"
    assert vehicle["comparison"] == "no data" and vehicle["change"] == "incomplete period"
    assert by_kpi.loc[catalogue.get("domestic_abuse_crimes").label, "value"] == (
        "not available (source has no domestic-abuse flag)"
    )
    assert by_kpi.loc[catalogue.get("marac_cases").label, "value"] == "no data"
    assert not set(table.astype(str).to_numpy().ravel()) & {"nan", "None", "<NA>"}


def test_about_the_data_says_how_records_are_placed_and_populations_derived(demo_db: Path) -> None:
    app = open_page("about_data")
    assert not app.exception
    text = " ".join(block.value for block in app.markdown)
    assert "placed by its point in those polygons" in text
    assert "(areal weighting)" in text and "stays exactly 263,730" in text
    # Partners get the method, not the counts by method (not derived from any published figure).
    assert not any("placed_by" in frame.value.columns for frame in app.dataframe)
    app = open_page("about_data", user=signed_in(ANALYST_EMAIL))
    (placed,) = [frame.value for frame in app.dataframe if "placed_by" in frame.value.columns]
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        crimes, incidents = (
            connection.execute(f"select count(*) from {t}").fetchone()[0] for t in ("crime", "asb_incident")
        )
    # The demo's records carry no coordinates: every one is placed by its LSOA.
    assert placed.to_dict("records") == [
        {
            "source": "Police recorded crime",
            "placed_by": "by its LSOA's best-fit ward (no usable coordinates)",
            "records": crimes,
        },
        {
            "source": "ASB incidents",
            "placed_by": "by its LSOA's best-fit ward (no usable coordinates)",
            "records": incidents,
        },
    ]


def test_a_partner_is_offered_the_latest_published_year_for_ward_figures_in_one_click(board: Dashboard) -> None:
    app = open_page("victimisation")
    app.selectbox(key="kpi").set_value("Hate crimes recorded").run()
    offers = [i.value for i in app.info if "completed financial years only" in i.value]
    assert offers and "2026/27 Q2 is not one" in offers[0], [i.value for i in app.info]
    button = app.button(key="offer-period")
    assert button.label == "Show wards for 2025/26 (full year)"
    button.click().run()
    assert (app.sidebar.selectbox(key="from").value, app.sidebar.selectbox(key="to").value) == (
        "2025/26 Q1",
        "2025/26 Q4",
    )
    assert not [i.value for i in app.info if "completed financial years only" in i.value]
    year = board.by_ward("hate_crime", Filters(selection.city(), Period.parse("2025/26Q1", "2025/26Q4")))
    assert year["value"].notna().sum() >= 10  # most wards are published for a closed year
    # Analysts are never offered it: they see every period.
    analyst = open_page("victimisation", user={"is_logged_in": True, "email": ANALYST_EMAIL})
    analyst.selectbox(key="kpi").set_value("Hate crimes recorded").run()
    assert not [b for b in analyst.button if b.key == "offer-period"]


def test_the_overview_and_ward_profile_tables_show_every_row_without_an_inner_scroll_box(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each priority's table is as tall as its rows (Reducing Reoffending has 15): printed and projected whole.

    The height is a layout setting AppTest does not expose, so the call itself is recorded.
    """
    import streamlit

    from swp_app.tables import full_height

    calls: list[tuple[int, object]] = []
    real = streamlit.dataframe

    def recorded(data: object = None, *args: object, **kwargs: object) -> object:
        calls.append((len(data) if hasattr(data, "__len__") else -1, kwargs.get("height")))  # type: ignore[arg-type]
        return real(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(streamlit, "dataframe", recorded)
    open_page("overview")
    assert 15 in [rows for rows, _ in calls]
    assert calls and all(height == full_height(rows) for rows, height in calls), calls
    calls.clear()
    open_page("ward_profile", {"ward": "Heath Town"})
    assert calls and all(height == full_height(rows) for rows, height in calls), calls
