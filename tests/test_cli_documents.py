"""Every command that promises JSON or CSV writes only that document to stdout.

A fresh process is the honest test: native libraries (HiGHS prints a licence banner
when its first solver is made) write to descriptor 1 once per process.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_cli_query import run

from swp_data.cli import main
from swp_data.kpis.catalogue import catalogue

SENSITIVE = "firearm_crime"  # partner cells suppressed and audited: the HiGHS auditor runs
PLAIN = "asb_incidents"
PERIOD = ("--from", "2023/24Q1", "--to", "2023/24Q4")


def parse_csv(text: str) -> list[dict[str, str]]:
    """Our CSVs start with '#' lines naming the filters; the rest is one CSV table."""
    body = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert rows, text
    return rows


@pytest.mark.parametrize("key", [SENSITIVE, PLAIN])
@pytest.mark.parametrize("partner", [True, False], ids=["partner", "analyst"])
@pytest.mark.parametrize("by", [None, "ward", "quarter"])
@pytest.mark.parametrize("form", ["--json", "--csv"])
def test_query_documents_parse_in_a_fresh_process(
    demo_db: Path, key: str, partner: bool, by: str | None, form: str
) -> None:
    args = ["--db", str(demo_db), "query", key, "--ward", "Heath Town" if by != "ward" else "city", *PERIOD, form]
    args += ["--by", by] if by else []
    args += ["--partner"] if partner else []
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert "HiGHS" not in done.stdout
    if form == "--json":
        document = json.loads(done.stdout)
        assert document
    else:
        rows = parse_csv(done.stdout)
        assert "value" in rows[0]


def test_kpis_json_parses_in_a_fresh_process() -> None:
    done = run("kpis", "--json")
    assert done.returncode == 0, done.stderr
    assert {entry["key"] for entry in json.loads(done.stdout)} == set(catalogue())


def test_native_writes_to_descriptor_one_go_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """Whatever writes to fd 1 while a document is being made lands on stderr, not in the document."""
    import os

    from swp_data.quiet import stdout_reserved_for_document

    with stdout_reserved_for_document() as document:
        os.write(1, b"Running HiGHS 1.16.0 banner\n")
        print("a library's print")
        document.write('{"ok": true}\n')
    captured = capfd.readouterr()
    assert json.loads(captured.out) == {"ok": True}
    assert "banner" in captured.err and "a library's print" in captured.err


SENSITIVE_KEYS = sorted(key for key, kpi in catalogue().items() if kpi.sensitive)


def test_there_are_sensitive_kpis_to_check() -> None:
    assert len(SENSITIVE_KEYS) >= 10


@pytest.mark.parametrize("key", SENSITIVE_KEYS)
def test_every_sensitive_kpi_partner_json_parses(demo_db: Path, key: str, capfd: pytest.CaptureFixture[str]) -> None:
    """The issue's bar: ``query KEY --partner --json | json.load`` for every sensitive KPI (fd-level capture)."""
    code = main(["--db", str(demo_db), "query", key, "--ward", "Heath Town", *PERIOD, "--partner", "--json"])
    captured = capfd.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert document["key"] == key
    # It reveals no SPC total: the city's SPC mean times its points is the sum of the quarters the CLI
    # publishes for the same 16 quarters (``--by quarter``), nothing more.
    code = main(["--db", str(demo_db), "query", key, "--from", "2025/26Q4", "--to", "2025/26Q4", "--partner", "--json"])
    city = json.loads(capfd.readouterr().out)
    spc = city.get("spc") or {}
    if code == 0 and spc.get("mean") is not None:
        by_quarter = ["--from", "2022/23Q1", "--to", "2025/26Q4", "--by", "quarter", "--partner", "--json"]
        assert main(["--db", str(demo_db), "query", key, *by_quarter]) == 0
        quarters = json.loads(capfd.readouterr().out)
        shown = [row["value"] for row in quarters if row["value"] is not None][-spc["points"] :]
        assert len(shown) == spc["points"] and abs(spc["mean"] * spc["points"] - sum(shown)) < 1e-6, key


def test_the_cli_reads_both_period_forms_alike(demo_db: Path) -> None:
    compact = run("--db", str(demo_db), "query", PLAIN, "--from", "2025/26Q1", "--to", "2025/26Q4", "--json")
    spaced = run("--db", str(demo_db), "query", PLAIN, "--from", "2025/26 Q1", "--to", "2025/26 Q4", "--json")
    assert compact.returncode == spaced.returncode == 0, compact.stderr + spaced.stderr
    assert json.loads(compact.stdout) == json.loads(spaced.stdout)
    assert json.loads(compact.stdout)["period"] == "2025/26 (full year)"
