"""Renderings of a text screening result: JSON, terminal (rich) and an HTML report.

The JSON shape is the one the issue fixes: mentions are a list under ``mentions``, each
with ``entity_id``, ``list``, ``schema``, ``text``, ``start``, ``end``, ``sentence``,
``score``, ``match`` and ``region`` (plus ``caption``, ``matched_name`` and
``explanation``). The HTML report shows the original input with every mention highlighted
and a side panel of hits (Jinja template ``text/templates/report.html``, plain CSS).
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from screenwise.results import Mention, TextScreeningResult

_SPACES = re.compile(r"\s+")

__all__ = [
    "mention_status",
    "mention_to_json",
    "render_html_report",
    "render_terminal",
    "result_to_json",
]


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


def _reading_text(result: TextScreeningResult, original: str) -> str | None:
    """The input with its markup blanked (same length), or None for an HTML page.

    For plain text the snippets are cut from the input itself (offsets are input
    offsets), with tags and link targets shown as spaces. An HTML page's source is no
    reading matter: its mentions are shown in their (plain-text) sentence instead.
    """
    if result.content_type == "text/html":
        return None
    from screenwise.text.boilerplate import markup_ranges
    from screenwise.text.tokens import mask_text

    masked = markup_ranges(original)
    return mask_text(original, masked, " ") if masked else original


def _snippet(mention: Mention, reading: str | None, style: str) -> Text:
    """The mention with up to 70 characters of context either side, the name styled."""
    if reading is not None:
        text, start, end = reading, mention.start, mention.end
    else:
        text = mention.sentence
        name = " ".join(mention.text.split())
        start = text.find(name)
        if start < 0:
            start = text.casefold().find(name.casefold())
        if start < 0:
            return Text(name, style=style) + Text(f"  ({text})")
        end = start + len(name)
    left, right = snippet_bounds(text, start, end)
    line = Text(_collapse(text[left:start]).lstrip())
    line.append(" ".join(text[start:end].split()), style=style)
    line.append(_collapse(text[end:right]).rstrip())
    return line


def _collapse(text: str) -> str:
    """White-space runs as one space, kept at the ends (``Putin,`` stays unspaced)."""
    return _SPACES.sub(" ", text)


def mention_status(mention: Mention, threshold: float) -> str:
    """A short tag saying why a mention is or is not an alert.

    Returns:
        ``ALERT`` (score at or above the threshold, in the article body), ``below
        threshold`` (a namesake or a weaker reading, reported with ``match: false``) or
        ``furniture, not an alert`` (a name in page furniture is never an alert).
    """
    if mention.match:
        return "ALERT"
    if mention.score < threshold:
        return "below threshold"
    return "furniture, not an alert"


def render_terminal(result: TextScreeningResult, original: str, console: Console) -> None:
    """Print the parties, then every mention in context, the name highlighted.

    Each mention line starts with its status (:func:`mention_status`): alerts in bold
    red, mentions below the threshold and mentions in page furniture dimmed and tagged,
    so that a namesake listed next to an alert is not read as one. Mentions of one span
    with one status (a party listed on several lists) share a line.
    """
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
    reading = _reading_text(result, original)
    # One line per span and status: the same party's entries on several lists (OFAC, UK,
    # CSL) are one mention to read, their ids listed together.
    grouped: dict[tuple[int, int, str], list[Mention]] = {}
    for mention in result.mentions:
        key = (mention.start, mention.end, mention_status(mention, result.threshold))
        grouped.setdefault(key, []).append(mention)
    for (start, end, status), same in grouped.items():
        mention = max(same, key=lambda m: m.score)
        alert = mention.match
        ids = ", ".join(dict.fromkeys(m.entity_id for m in same))
        label = Text(f"[{status}] ", style="bold red" if alert else "yellow")
        label.append(
            f"[{mention.region}] {start}-{end} {mention.score:.2f} {ids} ({mention.caption}) ",
            style="" if alert else "dim",
        )
        line = _snippet(mention, reading, "bold red" if alert else "yellow")
        if not alert:
            line.stylize("dim")
        # One output line per mention, whatever the terminal width (grep and wc count them).
        console.print(label + line, soft_wrap=True)
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
