"""The PDF pack on the demo store: rendered by poppler, read back as text, compared with the queries.

Three packs: the city for the latest quarter as an analyst and as a partner, and Heath Town for
2025/26 as a partner (a closed year, so partners see small counts as '<5': firearm crimes and
hidden harm are 3 each for the analyst). Every page is rendered to PNG by ``pdftoppm`` and must
have something drawn between its header and footer; ``pdftotext -raw`` gives the text in the
order it was drawn (table cells row by row), so a KPI's row reads label, value, comparison, ...
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from swp_data.calc.render import as_of_text, format_value, significance_text, value_text, variation_text
from swp_data.disclosure.cells import MARKER_EXPLANATIONS
from swp_data.filters import Filters
from swp_data.kinds import kind
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.report.pack import Pack, build_pack
from swp_data.report.pdf import write_pdf
from swp_data.results import KpiResult
from swp_data.selection import city, resolve
from swp_data.views import Dashboard, rolling_state

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")


@dataclass(frozen=True)
class Rendered:
    """A pack, its PDF, the Dashboard it came from and the PDF's text page by page (whitespace folded)."""

    pack: Pack
    path: Path
    board: Dashboard
    filters: Filters
    pages: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(path: Path) -> list[str]:
    """The text of each page in drawing order (``pdftotext -raw``), whitespace folded."""
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    pages = done.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [_fold(page) for page in pages]


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)


def page_sizes(path: Path, count: int) -> list[tuple[float, float]]:
    done = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(count), str(path)], capture_output=True, text=True, check=True
    )
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", done.stdout)]


@pytest.fixture(scope="module")
def connection(demo_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(demo_db), read_only=True)


def _render(
    connection: duckdb.DuckDBPyConnection, folder: Path, access: str, where: str, period: str | None
) -> Rendered:
    board = Dashboard(connection, access=access)  # type: ignore[arg-type]
    chosen = city() if where == "city" else resolve(where)
    filters = Filters(chosen, Period.parse(*(period or board.default_quarter()).split("-")))
    pack = build_pack(board, filters)
    path = write_pdf(pack, folder / f"{access}-{where.replace(' ', '_')}.pdf")
    return Rendered(pack, path, board, filters, pdf_pages(path))


@pytest.fixture(scope="module")
def analyst_city(connection: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(connection, tmp_path_factory.mktemp("pdf"), "analyst", "city", None)


@pytest.fixture(scope="module")
def partner_city(connection: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(connection, tmp_path_factory.mktemp("pdf"), "partner", "city", None)


@pytest.fixture(scope="module")
def partner_ward(connection: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return _render(connection, tmp_path_factory.mktemp("pdf"), "partner", "Heath Town", "2025/26Q1-2025/26Q4")


@pytest.fixture(params=["analyst_city", "partner_city", "partner_ward"])
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


# -- pages ----------------------------------------------------------------------------------------------
def test_every_page_renders_with_something_on_it(rendered: Rendered, tmp_path: Path) -> None:
    """pdftoppm renders every page; none is blank between its header and its footer."""
    count = int(pdf_info(rendered.path)["Pages"])
    assert 20 <= count <= 45, count  # a sensible length: sections fit their pages, no runaway tables
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(rendered.path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == count == len(rendered.pages)
    for number, image_path in enumerate(images, start=1):
        with Image.open(image_path) as image:
            width, height = image.convert("L").size
            # The body: below the marking and above the footer (both are on every page, blank or not).
            body = image.convert("L").crop((0, int(height * 0.1), width, int(height * 0.82)))
            darkest, lightest = body.getextrema()
            assert lightest > 200, f"page {number} is not on white"
            assert darkest < 128, f"page {number} is blank"
            inked = sum(body.histogram()[:200]) / (body.width * body.height)
            assert inked > 0.002, f"page {number} is all but blank ({inked:.4f} of its body inked)"


def test_a4_pages_and_the_summary_in_landscape(analyst_city: Rendered) -> None:
    sizes = page_sizes(analyst_city.path, len(analyst_city.pages))
    assert len(sizes) == len(analyst_city.pages)
    for (width, height), text in zip(sizes, analyst_city.pages, strict=True):
        assert sorted((round(width), round(height))) == [595, 842]  # A4, in points
        assert (width > height) == ("KPI Value Compared with 2025/26 Q2" in text)


def test_every_page_has_the_marking_the_footer_and_its_number(rendered: Rendered) -> None:
    pack, pages = rendered.pack, rendered.pages
    for number, text in enumerate(pages, start=1):
        assert text.startswith(pack.marking + " ") or text.startswith(pack.marking)
        assert f"Page {number} of {len(pages)}" in text
        # The footer (``Pack.footer``: wards, period, marking, link); a long link may wrap onto a second line.
        assert pack.footer.replace(" ", "") in text.replace(" ", ""), number


def test_the_cover_says_what_where_when_and_who(rendered: Rendered) -> None:
    cover, pack = rendered.pages[0], rendered.pack
    assert "Safer Wolverhampton Partnership: performance pack" in cover
    assert f"Geography {pack.geography}" in cover
    assert f"Period {pack.period}" in cover
    assert as_of_text(rendered.board.as_of) in cover and "Data as of 30 Sep 2026" in cover
    partner = rendered.board.partner
    assert ("Access level Partner:" in cover) == partner
    assert ("Access level Analyst:" in cover) == (not partner)
    assert pack.marking == ("OFFICIAL" if partner else "OFFICIAL-SENSITIVE")
    assert f"Protective marking {pack.marking}:" in cover


def test_metadata_outline_and_contents(analyst_city: Rendered) -> None:
    info = pdf_info(analyst_city.path)
    assert info["Title"].strip() == "Safer Wolverhampton Partnership: performance pack: Wolverhampton, 2026/27 Q2"
    raw = analyst_city.path.read_bytes()
    assert b"/Lang (en-GB)" in raw and b"/PageMode /UseOutlines" in raw and b"/DisplayDocTitle true" in raw
    titles = [
        t.replace(rb"\(", b"(").replace(rb"\)", b")").decode()
        for t in re.findall(rb"/Title \(((?:\\.|[^\\)])*)\)", raw)
    ]
    for heading in (
        "Cover",
        "Contents",
        "Summary of every KPI",
        "Reducing Reoffending",
        "Violence Prevention",
        "Reducing Victimisation",
        "Anti-Social Behaviour",
        "Neighbourhood Crime",
        "Draft commentary (DRAFT)",
        "Appendix A: definitions",
        "Appendix B: data quality",
    ):
        assert heading in titles, heading
    contents = analyst_city.pages[1]
    assert contents.startswith("OFFICIAL-SENSITIVE Contents")
    # Each contents line gives the page its section starts on, and that page starts with the heading.
    for heading, starts in (
        ("Summary of every KPI", "Summary of every KPI"),
        ("Violence Prevention: KPIs", "Violence Prevention Violence Prevention: KPIs"),
        ("Draft commentary (DRAFT)", "DRAFT for the officer to edit Draft commentary (DRAFT)"),
        ("Appendix B: data quality", "Appendix B: data quality"),
    ):
        page = int(re.search(re.escape(heading) + r" (\d+)", contents)[1])  # type: ignore[index]
        assert analyst_city.pages[page - 1].startswith(f"OFFICIAL-SENSITIVE {starts}"), heading


# -- the summary: every figure as the query gives it ------------------------------------------------------
def summary_text(rendered: Rendered) -> str:
    """The landscape pages: the summary table of every KPI."""
    sizes = page_sizes(rendered.path, len(rendered.pages))
    return " ".join(text for (w, h), text in zip(sizes, rendered.pages, strict=True) if w > h)


def rows_by_label(text: str, labels: list[str]) -> dict[str, str]:
    """Each label's row: from the label to the next label, found in table order."""
    rows, position = {}, 0
    starts = []
    for label in labels:
        found = text.find(label + " ", position)
        assert found >= 0, f"{label} not found after position {position}"
        starts.append(found)
        position = found + len(label)
    for i, label in enumerate(labels):
        end = starts[i + 1] if i + 1 < len(labels) else len(text)
        rows[label] = text[starts[i] + len(label) + 1 : end]
    return rows


def expected_cells(result: KpiResult, compare_label: str) -> list[str]:
    """What a summary row must say, worked out from the result itself (not through the pack's code)."""
    cells = [value_text(result)]
    comparison = result.comparison
    if result.suppressed:
        return [*cells, "[c]"]
    if comparison is not None and comparison.figure.value is not None:
        then = format_value(comparison.figure.value, result.measure)
        cells.append(then if comparison.period_label == compare_label else f"{then} ({comparison.period_label})")
    if comparison is not None and comparison.change is not None:
        change = f"{kind(result.measure).format_change(comparison)} ({comparison.label})"
        if comparison.p_value is not None:
            change += f"; {significance_text(comparison)}"
        cells.append(change)
    if rolling_state(result) == "shown" and result.rolling_12_months is not None:
        cells.append(format_value(result.rolling_12_months.value, result.measure))
    cells.append(variation_text(result.spc.variation, result.spc.side) if result.spc else "not applicable")
    if result.rag:
        cells.append(result.rag.capitalize())
    return cells


def test_every_summary_figure_is_the_dashboards(rendered: Rendered) -> None:
    """Each KPI's row holds its value, comparison, change and test, rolling 12 months and SPC, in order."""
    text = summary_text(rendered)
    kpis = list(catalogue.catalogue().values())
    order = [k for page in ("overview", *[s.key for s in rendered.pack.priorities]) for k in kpis if k.priority == page]
    rows = rows_by_label(text, [k.label for k in order])
    for kpi in order:
        result = rendered.board.result(kpi.key, rendered.filters)
        row = rows[kpi.label]
        assert row.startswith(value_text(result)), (kpi.key, row[:80])
        position = 0
        for cell in expected_cells(result, rendered.filters.compare_to.label):
            found = row.find(cell, position)
            assert found >= 0, (kpi.key, cell, row)
            position = found + len(cell)


@pytest.mark.parametrize(
    ("access", "key"),
    [("analyst", "violence_with_injury"), ("partner", "repeat_victimisation"), ("partner", "asb_repeat_callers")],
)
def test_summary_values_equal_the_command_line_query(access: str, key: str, request: pytest.FixtureRequest) -> None:
    """The same figure as ``python -m swp_data query KEY --json`` for the same filters and access level."""
    rendered: Rendered = request.getfixturevalue(f"{access}_city")
    quarter = rendered.filters.period.label.replace(" ", "")
    db = request.getfixturevalue("demo_db")
    args = ["--db", str(db), "query", key, "--ward", "city", "--from", quarter, "--to", quarter, "--json"]
    if access == "partner":
        args.append("--partner")
    done = subprocess.run(
        [sys.executable, "-m", "swp_data", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    queried = KpiResult.model_validate(json.loads(done.stdout))
    label = catalogue.get(key).label
    row = rows_by_label(summary_text(rendered), [label])[label]
    assert row.startswith(value_text(queried) + " ")
    assert value_text(queried) == value_text(rendered.board.result(key, rendered.filters))


def test_tables_repeat_their_header_on_every_page_they_run_onto(analyst_city: Rendered) -> None:
    pages = analyst_city.pages
    summary = [t for (w, h), t in zip(page_sizes(analyst_city.path, len(pages)), pages, strict=True) if w > h]
    assert len(summary) >= 2
    header = "KPI Value Compared with 2025/26 Q2 Change and its test Rolling 12 months SPC variation Assurance RAG"
    assert all(header in page for page in summary)
    first = next(i for i, t in enumerate(pages) if t.startswith("OFFICIAL-SENSITIVE Appendix A: definitions "))
    last = next(i for i, t in enumerate(pages) if t.startswith("OFFICIAL-SENSITIVE Appendix B: data quality "))
    definitions = pages[first:last]
    assert len(definitions) >= 2
    for page in definitions:
        assert "KPI Definition Source Better Sensitive" in page


# -- disclosure: a partner pack holds no figure the partner screens withhold -------------------------------------
NUMBER = re.compile(r"(?<![\w/.,<])-?\d[\d,]*(?:\.\d+)?%?(?![\w/])")


def numbers_in(text: str) -> set[str]:
    """Figures in a text, not parts of periods ('2025/26', 'Q2'), words or the marker '<5'."""
    return {n.lstrip("-").rstrip(",") for n in NUMBER.findall(text)}


def analyst_figures(result: KpiResult) -> set[str]:
    """Every figure an analyst's row would print for the KPI: value, comparison, change, rolling, parts."""
    texts = [value_text(result)]
    if result.comparison is not None:
        if result.comparison.figure.value is not None:
            texts.append(format_value(result.comparison.figure.value, result.measure))
        if result.comparison.change is not None:
            texts.append(kind(result.measure).format_change(result.comparison))
    if result.rolling_12_months is not None and result.rolling_12_months.value is not None:
        texts.append(format_value(result.rolling_12_months.value, result.measure))
    for part in (result.current.numerator, result.current.denominator):
        if part is not None:
            texts.append(f"{part:,.0f}")
    return {n for t in texts for n in numbers_in(t)}


def table_rows(text: str, label: str, shown: str, footer: str) -> list[str]:
    """Every table row of a KPI: its label then the value the viewer sees, up to the next KPI's label.

    A row that ends a page ends at the page's footer (``footer``: the page number is no figure).
    """
    others = [k.label for k in catalogue.catalogue().values() if k.label != label] + [footer, "Markers: "]
    rows = []
    for match in re.finditer(re.escape(f"{label} {shown}"), text):
        start = match.start() + len(label)
        window = text[start : start + 400]
        ends = [window.find(other) for other in others if other in window]
        rows.append(window[: min(ends, default=len(window))])
    return rows


@pytest.mark.parametrize("which", ["partner_city", "partner_ward"])
def test_a_partner_pack_holds_no_withheld_figure(
    which: str, connection: duckdb.DuckDBPyConnection, request: pytest.FixtureRequest
) -> None:
    """Where the partner screen withholds a KPI's figure, the analyst's figures appear nowhere in its rows."""
    rendered: Rendered = request.getfixturevalue(which)
    analyst = Dashboard(connection, access="analyst")
    checked = 0
    for kpi in catalogue.catalogue().values():
        partner = rendered.board.result(kpi.key, rendered.filters)
        if not partner.suppressed:
            continue
        secret = analyst_figures(analyst.result(kpi.key, rendered.filters))
        rows = table_rows(rendered.text, kpi.label, value_text(partner), rendered.pack.footer)
        assert len(rows) >= 2, kpi.key  # the summary row and the priority's KPI table row
        for row in rows:
            assert not numbers_in(row) & secret, (kpi.key, numbers_in(row) & secret, row)
        checked += 1
    assert checked >= (5 if which == "partner_ward" else 1)


def test_the_leak_check_would_catch_a_leak(analyst_city: Rendered, partner_city: Rendered) -> None:
    """The same check on the analyst's pack finds the analyst's figures (so the partner check can fail)."""
    caught = 0
    for kpi in catalogue.catalogue().values():
        if not partner_city.board.result(kpi.key, partner_city.filters).suppressed:
            continue
        result = analyst_city.board.result(kpi.key, analyst_city.filters)
        secret = analyst_figures(result)
        rows = table_rows(analyst_city.text, kpi.label, value_text(result), analyst_city.pack.footer)
        caught += any(numbers_in(row) & secret for row in rows)
    assert caught >= 1


def test_small_counts_print_as_markers_explained_beneath(partner_ward: Rendered) -> None:
    text = partner_ward.text
    firearms = catalogue.get("firearm_crime").label
    assert f"{firearms} <5 [c] no comparison [c]" in text
    assert f"<5: {MARKER_EXPLANATIONS['<5']}" in text
    assert f"[c]: {MARKER_EXPLANATIONS['[c]']}" in text
    assert f"not published: {MARKER_EXPLANATIONS['not published']}" in text


# -- the rest of the pack -------------------------------------------------------------------------------------
def test_each_priority_has_its_kpis_map_funnel_and_trends(analyst_city: Rendered) -> None:
    text = analyst_city.text
    for section in analyst_city.pack.priorities:
        assert f"{section.title}: KPIs KPI Value Details Change against 2025/26 Q2 SPC and assurance" in text
        assert f"{section.title}: trends with SPC limits" in text
        charted = [c for c in section.charts if c.series["value"].notna().any()]
        for drawn in charted:
            assert f"{drawn.kpi.label}, {drawn.step}" in text, drawn.kpi.key
    violence = analyst_city.board.by_ward("violence_with_injury", analyst_city.filters)
    # The heading, then the map's labels (each ward's rank), then the ranked table.
    assert re.search(r"Violence with injury by ward, 2026/27 Q2 (\d+ ){20}", text)
    assert "Rank Ward Count Per 1,000 Against the city" in text
    assert "Violence with injury: wards against the city, 2026/27 Q2" in text
    top = violence.sort_values("rank").iloc[0]
    assert f"1 {top['ward_name']} {top['value']:,.0f} {top['rate_per_1000']:.2f}" in text


def test_every_chart_is_described_in_words_beneath_it(analyst_city: Rendered) -> None:
    """WCAG non-text content: each chart's text alternative (the app's alt text) is printed in reading order."""
    from swp_data.alt_text import trend_alt

    text = analyst_city.text
    violence = next(c for s in analyst_city.pack.priorities for c in s.charts if c.kpi.key == "violence_with_injury")
    shown = violence.series[violence.series["value"].notna()]
    described = trend_alt(violence.kpi, shown, f"{violence.kpi.label}, {violence.step}")
    assert _fold(described) in text
    assert re.search(r"Line chart, Violence with injury, [^:]+: \d+ points from ", text)
    assert "Map of the 20 wards, Violence with injury by ward, 2026/27 Q2: highest " in text
    assert "Funnel plot, Violence with injury, 2026/27 Q2: each ward against the city's " in text
    charted = sum(c.series["value"].notna().any() for s in analyst_city.pack.priorities for c in s.charts)
    assert text.count("Line chart, ") == charted


def test_the_commentary_is_marked_draft_and_printed_whole(rendered: Rendered) -> None:
    draft = rendered.pack.commentary
    pages = [p for p in rendered.pages if "DRAFT for the officer to edit" in p]
    assert pages and pages[0].split(" ", 1)[1].startswith("DRAFT for the officer to edit Draft commentary (DRAFT)")
    text = " ".join(pages)
    assert _fold(draft.notice) in text and draft.heading in text
    for section in draft.sections:
        assert f"{section.title} {section.summary}" in text
        for paragraph in section.paragraphs:
            assert _fold(paragraph.text) in text, paragraph.key


def test_the_appendices_give_definitions_and_data_quality(analyst_city: Rendered) -> None:
    text = analyst_city.text
    for kpi in catalogue.catalogue().values():
        assert _fold(kpi.definition)[:60] in text, kpi.key
    assert "Coverage of each source Data as of 30 Sep 2026" in text
    crime = analyst_city.pack.sources.set_index("table").loc["crime"]
    assert (
        f"Police recorded crime Apr 2019 Sep 2026 {crime['months_loaded']} {crime['months_missing']} 0 "
        f"{crime['rows']:,} {crime['rows_skipped']}"
    ) in text
    assert "Proven reoffending, adults lags: latest cohort available is 2025/26 Q2" in text
    assert "Rows skipped when loading No rows have been skipped" in text


def test_a_store_with_little_in_it_still_gives_a_whole_pack(tmp_path: Path) -> None:
    """Five months of crimes in Park and nothing else: every section is there, saying what is missing."""
    from datetime import date

    from test_coverage import _month_of_crimes

    from swp_data import store
    from swp_data.importing import import_paths
    from swp_data.periods import add_months

    connection = store.memory_store()
    months = [add_months(date(2023, 4, 1), i) for i in range(5)]
    import_paths([_month_of_crimes(tmp_path, m, 20) for m in months], connection=connection)
    board = Dashboard(connection)
    filters = Filters(resolve("Park"), Period.parse(board.default_quarter()))
    path = write_pdf(build_pack(board, filters), tmp_path / "sparse.pdf")
    pages = pdf_pages(path)
    text = " ".join(pages)
    assert "Data as of 31 Aug 2023" in pages[0]
    assert "Proven reoffending, adults no data" in text
    assert "every ward: no data" in text  # a map with no figure anywhere says so once
    assert "No trend to chart" in text
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_tick_labels_say_exactly_where_the_ticks_are() -> None:
    from swp_data.report.charts import nice_ticks, tick_text

    ticks = nice_ticks(2.1, 11.8)
    assert ticks == [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]
    assert [tick_text(t, 2.5) for t in ticks] == ["0.0", "2.5", "5.0", "7.5", "10.0", "12.5"]
    assert [tick_text(t, 50) for t in nice_ticks(252, 375)] == ["250", "300", "350", "400"]
    assert tick_text(1250, 250) == "1,250"


def test_the_pack_shows_commissioned_spend_with_each_priority_headline(demo_db: Path, tmp_path: Path) -> None:
    """Issue 12 item 7: allocation against spend per priority in the PDF, as the Overview shows it."""
    from swp_data.display import spend_display
    from swp_data.selection import city

    board = Dashboard(duckdb.connect(str(demo_db), read_only=True))
    filters = Filters(city(), Period.parse("2025/26Q4"))
    pack = build_pack(board, filters)
    path = write_pdf(pack, tmp_path / "spend.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Commissioned spend, {pack.spend_year}" in text
    shown = spend_display(pack.spend)
    assert len(shown) > 0
    for record in shown.to_dict("records"):
        assert record["actual_spend"] in text, record
