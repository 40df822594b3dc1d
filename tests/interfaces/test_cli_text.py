"""``screenwise screen-text``: JSON shape, HTML report, stdin, and clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screenwise.cli.main import AppContext, cli
from screenwise.entities import make_entity
from screenwise.screening import Screener

ARTICLE = "Kremlin spokesman Dmitry Peskov said Vladimir Putin would talk about sanctions.\n"


@pytest.fixture()
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    peskov = make_entity("t", "peskov", "Person")
    peskov.add("name", "PESKOV, Dmitry Sergeyevich")
    peskov.add("position", "Press Secretary to Putin")
    putin = make_entity("t", "putin", "Person")
    putin.add("name", "PUTIN, Vladimir Vladimirovich")
    screener = Screener([peskov, putin])
    monkeypatch.setattr(AppContext, "screener", lambda self: screener)
    return CliRunner()


def test_help_documents_the_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["screen-text", "--help"])
    assert result.exit_code == 0
    assert "--html-report" in result.output and "--json" in result.output


def test_json_output_shape(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(cli, ["screen-text", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    mentions = data["mentions"]
    assert [(m["entity_id"], m["text"], m["match"], m["region"]) for m in mentions] == [
        ("t-peskov", "Dmitry Peskov", True, "body"),
        ("t-putin", "Vladimir Putin", True, "body"),
    ]
    first = mentions[0]
    assert {"list", "schema", "start", "end", "sentence", "score"} <= set(first)
    assert first["list"] == "t" and first["schema"] == "Person"
    assert ARTICLE[first["start"] : first["end"]] == "Dmitry Peskov"


def test_stdin_and_html_report(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = runner.invoke(cli, ["screen-text", "-", "--html-report", str(report)], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert "Dmitry Peskov" in result.output
    page = report.read_text(encoding="utf-8")
    assert '<mark id="m18" class="alert body"' in page
    assert "t-putin" in page


def test_bad_inputs_exit_with_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    binary = tmp_path / "file.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    result = runner.invoke(cli, ["screen-text", str(binary)])
    assert result.exit_code == 2
    assert "binary content" in " ".join(result.output.split())
    result = runner.invoke(cli, ["screen-text", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "no such file" in " ".join(result.output.split())
    empty_page = tmp_path / "page.html"
    empty_page.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    result = runner.invoke(cli, ["screen-text", str(empty_page)])
    assert result.exit_code == 2
    assert "no article found" in " ".join(result.output.split())


def test_more_bad_inputs_exit_with_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(cli, ["screen-text", str(empty)])
    assert result.exit_code == 2 and "the input is empty" in " ".join(result.output.split())
    result = runner.invoke(cli, ["screen-text", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in " ".join(result.output.split())
    result = runner.invoke(cli, ["screen-text", "http://127.0.0.1:9/article"])
    assert result.exit_code == 2 and "could not be fetched" in " ".join(result.output.split())
    big = tmp_path / "big.txt"
    big.write_bytes(ARTICLE.encode() * 100)
    result = runner.invoke(
        cli, ["screen-text", str(big)], env={"SCREENWISE_MAX_TEXT_BYTES": "1000"}
    )
    assert result.exit_code == 2
    assert "over the limit of 1000 bytes" in " ".join(result.output.split())
    assert "Dmitry Peskov" not in result.output  # nothing partial is shown


def test_utf16_without_byte_order_mark_is_screened(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-16-le"))
    result = runner.invoke(cli, ["screen-text", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [m["text"] for m in data["mentions"] if m["match"]] == [
        "Dmitry Peskov",
        "Vladimir Putin",
    ]
    assert any("utf-16-le" in w for w in data["warnings"])


def test_html_report_of_a_page_is_self_contained(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Talks</title>"
        '<script src="https://cdn.example/x.js"></script></head><body>'
        '<nav><a href="https://example.org/">Home</a></nav><article><h1>Talks</h1>'
        f"<p>{ARTICLE} The meeting took place in Moscow on Tuesday afternoon.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    report = tmp_path / "report.html"
    result = runner.invoke(cli, ["screen-text", str(page), "--html-report", str(report)])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "cdn.example" not in html
    assert '<mark class="alert body"' in html and ">Dmitry Peskov</mark>" in html
