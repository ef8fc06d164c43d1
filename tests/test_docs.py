"""A user generates the ontology documentation in HTML from the ontology."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli


def test_docs_command_writes_html_for_every_class(tmp_path: Path) -> None:
    out = tmp_path / "ontology.html"
    run_cli("docs", "-o", str(out), check=True)
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") or "<html" in html[:500].lower()
    for term in ("Summit", "Tenure", "SidelineMeeting", "inCapacityOf", "term of office"):
        assert term in html, term
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_cli_help_lists_the_commands() -> None:
    result = run_cli("--help", check=True)
    for command in ("build", "validate", "query", "queries", "export", "stats", "docs"):
        assert command in result.stdout
