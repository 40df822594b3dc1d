"""Renderings of a text screening result: JSON, terminal (rich) and an HTML report.

The JSON shape is the one the issue fixes: mentions are a list under ``mentions``, each
with ``entity_id``, ``list``, ``schema``, ``text``, ``start``, ``end``, ``sentence``,
``score``, ``match`` and ``region`` (plus ``caption``, ``matched_name`` and
``explanation``). The HTML report shows the original input with every mention highlighted
and a side panel of hits (Jinja template ``text/templates/report.html``, plain CSS).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from screenwise.results import Mention, TextScreeningResult

__all__ = ["mention_to_json", "render_html_report", "render_terminal", "result_to_json"]


def mention_to_json(mention: Mention) -> dict[str, Any]:
    """Return one mention in the ``--json`` shape (keys ``list`` and ``schema``)."""
    return {
        "entity_id": mention.entity_id,
        "list": mention.list_id,
        "schema": mention.schema_name,
        "caption": mention.caption,
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "sentence": mention.sentence,
        "score": mention.score,
        "match": mention.match,
        "region": mention.region,
        "matched_name": mention.matched_name,
        "explanation": mention.explanation,
    }


def result_to_json(result: TextScreeningResult) -> dict[str, Any]:
    """Return a whole result as a JSON-ready dict (the CLI ``--json`` and API shape)."""
    return {
        "source": result.source,
        "content_type": result.content_type,
        "title": result.title,
        "date": result.date,
        "author": result.author,
        "threshold": result.threshold,
        "complete": result.complete,
        "body_chars": result.body_chars,
        "countries": result.countries,
        "parties": [p.model_dump(by_alias=True) for p in result.parties],
        "mentions": [mention_to_json(m) for m in result.mentions],
        "warnings": result.warnings,
    }


def snippet_bounds(text: str, start: int, end: int, width: int = 70) -> tuple[int, int]:
    """Return the bounds of a context snippet around ``text[start:end]``, cut between words.

    Args:
        text: the input text.
        start, end: the mention's character offsets (end exclusive).
        width: characters of context wanted on each side, at most.

    Returns:
        ``(left, right)`` offsets: at most ``width`` characters either side, moved inwards
        to the nearest white space so that no word is cut (the text's own ends kept).
    """
    left = max(0, start - width)
    if left > 0 and not text[left - 1].isspace():
        space = min((text.find(c, left, start) for c in " \n\t"), key=lambda i: (i < 0, i))
        left = space + 1 if space >= 0 else start
    right = min(len(text), end + width)
    if right < len(text) and not text[right].isspace():
        space = max(text.rfind(c, end, right) for c in " \n\t")
        right = space if space >= 0 else end
    return left, right


def render_terminal(result: TextScreeningResult, original: str, console: Console) -> None:
    """Print the parties, then every body sentence with an alert, mentions highlighted."""
    head = result.title or result.source or "article"
    console.print(f"[bold]{head}[/]  {result.date or ''}  {result.author or ''}".rstrip())
    table = Table(title=f"Listed parties (threshold {result.threshold})")
    for column in ("party", "schema", "entity ids", "body mentions"):
        table.add_column(column)
    for party in result.parties:
        table.add_row(
            party.caption, party.schema_name, ", ".join(party.entity_ids), str(party.count)
        )
    console.print(table)
    if result.countries:
        console.print("Sanctioned jurisdictions named: " + ", ".join(result.countries))
    for mention in result.mentions:
        left, right = snippet_bounds(original, mention.start, mention.end)
        line = Text(" ".join(original[left : mention.start].split()) + " ")
        style = "bold red" if mention.match else "yellow"
        line.append(original[mention.start : mention.end], style=style)
        line.append(" " + " ".join(original[mention.end : right].split()))
        label = (
            f"[{mention.region}] {mention.start}-{mention.end} {mention.score:.2f} "
            f"{mention.entity_id} ({mention.caption}) "
        )
        console.print(Text(label, style="dim") + line)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def render_html_report(result: TextScreeningResult, original: str) -> str:
    """Return a standalone HTML page: the input with mentions highlighted, hits beside it.

    Mentions are located by their offsets into ``original`` (the input as decoded). For
    an HTML page the report shows the sentences around the mentions rather than the page
    source. The page has no scripts and loads nothing (inline CSS only).
    """
    spans: dict[tuple[int, int], list[Mention]] = {}
    for mention in result.mentions:
        spans.setdefault((mention.start, mention.end), []).append(mention)
    pieces: list[dict[str, Any]] = []
    cursor = 0
    for (start, end), mentions in sorted(spans.items()):
        if start < cursor:
            continue
        pieces.append({"text": original[cursor:start], "mention": None})
        best = max(mentions, key=lambda m: m.score)
        pieces.append({"text": original[start:end], "mention": best, "all": mentions})
        cursor = end
    pieces.append({"text": original[cursor:], "mention": None})
    is_html = result.content_type == "text/html"
    env = Environment(
        loader=PackageLoader("screenwise.text", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    template = env.get_template("report.html")
    return template.render(
        result=result,
        pieces=pieces,
        contexts=_sentence_contexts(result.mentions) if is_html else [],
        is_html=is_html,
    )


def _sentence_contexts(mentions: list[Mention]) -> list[list[dict[str, Any]]]:
    """Each distinct sentence with a mention, cut into plain and highlighted pieces.

    For an HTML page the page source is no reading matter: the report shows the visible
    sentences around the mentions instead (in order of first mention).
    """
    by_sentence: dict[str, dict[str, Mention]] = {}
    for mention in mentions:
        best = by_sentence.setdefault(mention.sentence, {})
        kept = best.get(mention.text)
        if kept is None or mention.score > kept.score:
            best[mention.text] = mention
    contexts: list[list[dict[str, Any]]] = []
    for sentence, found in by_sentence.items():
        marks: list[tuple[int, int, Mention]] = []
        for text, mention in found.items():
            at = sentence.find(text)
            if at >= 0 and not any(a < at + len(text) and at < b for a, b, _m in marks):
                marks.append((at, at + len(text), mention))
        marks.sort(key=lambda m: m[0])
        pieces: list[dict[str, Any]] = []
        cursor = 0
        for a, b, mention in marks:
            pieces.append({"text": sentence[cursor:a], "mention": None})
            pieces.append({"text": sentence[a:b], "mention": mention})
            cursor = b
        pieces.append({"text": sentence[cursor:], "mention": None})
        contexts.append(pieces)
    return contexts
