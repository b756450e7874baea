"""Accessibility (WCAG 2.2 AA) in a real browser: axe-core on every page, as a partner and as a signed-in analyst.

axe-core (bundled by ``axe-playwright-python``: no network at run time) runs its WCAG 2.0 to 2.2 A and
AA rules and its best practices on each page once the page's charts are drawn, with the WCAG 2.2
target-size rule (2.5.8, off by default in axe) switched on. No violation may be serious or
critical. Streamlit's own frontend has one we cannot fix from the app's code: it is excused element
by element (``STREAMLIT_OWN``), never by switching a rule off, so the same rule still fails anywhere
else. Every report is saved under tests/artifacts/axe/.

axe does not judge text inside an SVG, so the charts' words are checked here (contrast against the
white chart), and so is "never by colour alone": each coloured change on a card has its words, each
SPC icon its words, and a RAG rating is written as a word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from swp_data import site
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import free_port, start_app, start_identity_provider, wait_for_app
from tests.browser.test_journeys import CHARTS_DRAWN, charts_on
from tests.browser.test_sign_in import ANALYST, HEATH_TOWN_2025, KNIFE, SignInSite, sign_in_as, write_secrets

REPORTS = ARTIFACTS / "axe"
BLOCKING = {"serious", "critical"}
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
PAGES = [page.key for page in site.PAGES]
# A sensitive KPI for one ward over a whole year: the partner's map has withheld (hatched) wards.
SENSITIVE_MAP = "/violence_prevention?wards=Heath+Town&from=2025/26Q1&to=2025/26Q4&kpi=Crimes+involving+a+firearm"
AXE = Axe()


@dataclass(frozen=True)
class Excused:
    """One rule on the elements matching one selector, inside Streamlit's frontend, and why."""

    rule: str
    selector: str
    why: str


STREAMLIT_OWN = (
    # st.navigation with sections: Streamlit's sidebar menu (SidebarNav) writes each section as a <div>
    # (its heading and its links) directly inside the menu's <ul>, so the <ul> holds <div>s and each
    # page's <li> sits in a <div>, not a list. The markup is Streamlit's; our sections come from the
    # page registry. A screen reader still reads every link with its name, and the section headings.
    Excused("list", '[data-testid="stSidebarNavItems"]', "Streamlit's sectioned sidebar menu: <div> inside <ul>"),
    Excused("listitem", '[data-testid="stSidebarNavItems"] li', "Streamlit's sectioned sidebar menu: <li> in <div>"),
)

EXCUSED_NODES = """([selector, targets]) => targets.map(target => {
    if (target.length !== 1) return false;  // inside a frame or shadow root: never ours to excuse
    const element = document.querySelector(target[0]);
    return Boolean(element && element.matches(selector));
})"""
# Every word drawn in a chart (SVG text, drawn and visible) that is not a halo (white under the words).
CHART_TEXT = """() => [...document.querySelectorAll('.vega-embed svg text')]
    .filter(t => t.textContent.trim() && Number(getComputedStyle(t).opacity) > 0
        && t.getAttribute('stroke') !== t.getAttribute('fill'))
    .map(t => [t.textContent.trim(), getComputedStyle(t).fill, Number(getComputedStyle(t).fillOpacity)])"""
# Each coloured change on a card, with the words beside it (Streamlit's delta description).
CARD_CHANGES = """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
    .filter(m => m.querySelector('[data-testid="stMetricDelta"]'))
    .map(m => [m.querySelector('[data-testid="stMetricLabel"]').innerText,
               (m.querySelector('[data-testid="stMetricDeltaDescription"]') || {innerText: ''}).innerText])"""
SPC_ICONS = """() => [...document.querySelectorAll('.spc-icons > span')]
    .map(s => [s.querySelectorAll('img').length, s.innerText.trim()])"""


def audit(tab: object, name: str) -> list[str]:
    """Run axe on the page as it is; save its report; return the serious or critical findings, one line each."""
    report = AXE.run(tab, options=OPTIONS).response
    for violation in report["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        excused = [False] * len(targets)
        for rule in STREAMLIT_OWN:
            if rule.rule == violation["id"]:
                matched = tab.evaluate(EXCUSED_NODES, [rule.selector, targets])  # type: ignore[attr-defined]
                excused = [was or now for was, now in zip(excused, matched, strict=True)]
                for node, now in zip(violation["nodes"], matched, strict=True):
                    if now:
                        node["excused"] = rule.why
        violation["blocking_nodes"] = [n["target"] for n, e in zip(violation["nodes"], excused, strict=True) if not e]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(report, indent=1))
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; {len(v['blocking_nodes'])} element(s), first: "
        + ", ".join(" ".join(t) for t in v["blocking_nodes"][:3])
        for v in report["violations"]
        if v["impact"] in BLOCKING and v["blocking_nodes"]
    ]


def assert_clean(findings: list[str]) -> None:
    """No serious or critical finding; else each one, with its rule, impact, help and first elements."""
    assert not findings, "axe found serious or critical violations:\n" + "\n".join(findings)


def contrast(rgb: str, opacity: float = 1.0) -> float:
    """WCAG contrast of a CSS ``rgb(...)`` colour (at ``opacity``) against white, the charts' background."""
    channels = [float(c) for c in re.findall(r"[\d.]+", rgb)[:3]]
    blended = [opacity * c + (1 - opacity) * 255 for c in channels]
    linear = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in blended]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@dataclass(frozen=True)
class Checked:
    """How many of each thing ``check_what_axe_cannot`` looked at (so a check that found nothing shows)."""

    chart_words: int
    card_changes: int
    spc_icons: int
    rag_ratings: int


def check_what_axe_cannot(tab: object) -> Checked:
    """Chart words readable (4.5:1), and nothing said by colour alone: card changes, SPC icons, RAG ratings."""
    words = tab.evaluate(CHART_TEXT)  # type: ignore[attr-defined]
    faint = [(text, fill) for text, fill, alpha in words if contrast(fill, alpha) < 4.5]
    assert not faint, f"chart text under 4.5:1 on white: {faint[:5]}"
    changes = tab.evaluate(CARD_CHANGES)  # type: ignore[attr-defined]
    assert all(re.search(r"[a-z]{4}", said) for _, said in changes), changes  # "improved", "no significant change"
    icons = tab.evaluate(SPC_ICONS)  # type: ignore[attr-defined]
    assert all(images == 1 and re.search(r"[a-z]{4}", said) for images, said in icons), icons
    text = tab.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    ratings = re.findall(r"RAG \S+", text)
    assert all(re.fullmatch(r"RAG (RED|AMBER|GREEN)", rating) for rating in ratings), ratings
    return Checked(len(words), len(changes), len(icons), len(ratings))


def open_page(tab: object, url: str, key: str) -> None:
    """Open a page and wait until its script has run and its charts are drawn (axe sees the finished page)."""
    tab.goto(url)  # type: ignore[attr-defined]
    wait_for_app(tab)
    if charts_on(key):
        tab.wait_for_function(CHARTS_DRAWN, timeout=20_000)  # type: ignore[attr-defined]
    tab.wait_for_timeout(300)  # type: ignore[attr-defined]  # the charts' last layout pass


def page_url(base: str, key: str) -> str:
    """A page's link (the default page is served at the root)."""
    return f"{base}/{site.page(key).link_path}"


@pytest.mark.parametrize("key", PAGES)
def test_every_page_has_no_serious_accessibility_violation_for_a_partner(app_url: str, page: object, key: str) -> None:
    open_page(page, page_url(app_url, key), key)
    assert page.locator("h1").first.inner_text().startswith(site.page(key).title)  # type: ignore[attr-defined]
    assert_clean(audit(page, f"partner-{key}"))
    checked = check_what_axe_cannot(page)
    if key in site.PRIORITY_PAGES:  # cards with their changes and SPC icons, and charts
        assert checked.chart_words and checked.card_changes and checked.spc_icons, checked


def test_a_ward_chosen_in_the_sidebar_and_the_open_ward_list_have_no_serious_violation(
    app_url: str, page: object
) -> None:
    open_page(page, f"{app_url}/violence_prevention", "violence_prevention")
    wards = page.get_by_role("combobox", name="Wards")  # type: ignore[attr-defined]
    wards.click()
    page.keyboard.type("Heath Town")  # type: ignore[attr-defined]  # typing opens the list, filtered
    page.get_by_role("option", name="Heath Town").wait_for()  # type: ignore[attr-defined]
    open_list = audit(page, "partner-ward-list-open")
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    page.wait_for_function("document.querySelector('h1').innerText.includes('Heath Town')")  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN)  # type: ignore[attr-defined]
    assert "wards=Heath+Town" in page.url  # type: ignore[attr-defined]
    assert_clean(open_list)
    assert_clean(audit(page, "partner-ward-chosen"))
    check_what_axe_cannot(page)


def test_a_sensitive_kpis_map_with_withheld_wards_and_the_definitions_open_have_no_serious_violation(
    app_url: str, page: object
) -> None:
    open_page(page, app_url + SENSITIVE_MAP, "violence_prevention")
    assert "Hatched grey: withheld for partners" in page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    page.get_by_text("Definitions of these KPIs").click()  # type: ignore[attr-defined]
    page.get_by_text("Numerator:").first.wait_for()  # type: ignore[attr-defined]
    assert_clean(audit(page, "partner-sensitive-map"))
    check_what_axe_cannot(page)


@pytest.fixture(scope="module")
def sign_in_site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSite]:
    """The app with analyst sign-in through a real OpenID Connect provider on loopback (as test_sign_in's)."""
    provider, issuer = start_identity_provider(free_port(), ARTIFACTS / "identity-provider-axe.log")
    app_port = free_port()
    secrets_file = write_secrets(tmp_path_factory.mktemp("axe-sign-in"), app_port, issuer)
    try:
        app, url = start_app(demo_db, ARTIFACTS / "streamlit-axe-sign-in.log", port=app_port, secrets=secrets_file)
    except BaseException:
        provider.terminate()
        raise
    yield SignInSite(url, issuer)
    for process in (app, provider):
        process.terminate()
        process.wait(timeout=20)


def test_every_page_has_no_serious_accessibility_violation_for_a_signed_in_analyst(
    sign_in_site: SignInSite, page: object
) -> None:
    """One sign-in, then every page (the identity cookie carries over), then the records behind a figure."""
    sign_in_as(page, sign_in_site, ANALYST)
    found: dict[str, list[str]] = {}
    ratings = 0
    for key in PAGES:
        open_page(page, page_url(sign_in_site.url, key), key)
        assert f"Analyst view: {ANALYST}" in page.locator('[data-testid="stSidebar"]').inner_text()  # type: ignore[attr-defined]
        found[key] = audit(page, f"analyst-{key}")
        ratings += check_what_axe_cannot(page).rag_ratings
    assert ratings  # some card is rated against its target, in words
    open_page(page, f"{sign_in_site.url}/violence_prevention?{HEATH_TOWN_2025}", "violence_prevention")
    page.get_by_text(f"Records behind {KNIFE} (analysts only)").click()  # type: ignore[attr-defined]
    page.get_by_text("records: the same as the figure's numerator").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    # Opening the drill-down reruns the page: until that run ends, Streamlit fades the rest of the
    # page (stale elements), which axe rightly reads as low contrast. Audit the finished page.
    wait_for_app(page)
    found["records"] = audit(page, "analyst-records")
    assert_clean([f"{key}: {line}" for key, lines in found.items() for line in lines])
