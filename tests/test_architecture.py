"""The shape of the code: no import cycles, swp_data without Streamlit, kinds the only place that knows kinds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "swp_data"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the swp_data modules it imports (type-checking imports included: they are dependencies too)."""
    known = modules()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                    for alias in node.names
                ]
            for target in targets:
                resolved = resolve(target) if target.startswith("swp_data") else None
                if resolved and resolved != name:
                    graph[name].add(resolved)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between swp_data's top-level modules and subpackages."""

    def top(name: str) -> str:
        return ".".join(name.split(".")[:2])

    collapsed: dict[str, set[str]] = {top(name): set() for name in graph}
    for name, targets in graph.items():
        collapsed[top(name)] |= {top(t) for t in targets if top(t) != top(name)}
    return collapsed


def test_no_import_cycles_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_no_import_cycles_between_subpackages() -> None:
    assert cycles(packages(import_graph())) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_swp_data_never_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(import|from) streamlit\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


MEASURE_BRANCH = re.compile(
    r"""(\.measure|\.unit)\s*(==|!=|\bin\b|\bnot in\b)|\[\s*(kpi|result)\.(unit|measure)\s*\]|"""
    r"""["']rate per 100,000["']|Per 100,000 aged|Rank of 7|\{value:\.0f\} of 7"""
)


def test_only_the_kinds_module_branches_on_a_measure_or_unit() -> None:
    places = []
    for folder in ("swp_data", "swp_app", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            if path.is_relative_to(PACKAGE / "kinds"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if MEASURE_BRANCH.search(line):
                    places.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert places == []


def test_pages_hold_no_sql_and_no_arithmetic_on_figures() -> None:
    for path in (REPO / "pages").glob("*.py"):
        text = path.read_text()
        assert "duckdb" not in text and not re.search(r"\bselect\b.+\bfrom\b", text, re.IGNORECASE), path.name


UNTYPED_CHANNEL = re.compile(r'alt\.[A-Z][A-Za-z0-9]*\(\s*"[^":]+"\s*[,)]')


def test_every_chart_channel_names_its_type() -> None:
    """``alt.Tooltip("period:N")``, never ``alt.Tooltip("period")``.

    Altair infers a missing type by reading the schema of the chart's whole frame, once per
    untyped channel on every draw: about a quarter of a trend chart's time before this rule.
    """
    offenders = [
        f"{path.name}: {match.group(0)}"
        for path in [*(REPO / "swp_app").glob("*.py"), *(REPO / "pages").glob("*.py")]
        for match in UNTYPED_CHANNEL.finditer(path.read_text())
    ]
    assert offenders == []
    assert UNTYPED_CHANNEL.search('alt.Tooltip("rules")') and not UNTYPED_CHANNEL.search('alt.Tooltip("rules:N")')
