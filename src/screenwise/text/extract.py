"""Raw HTML or plain text -> a screenable document with an offset map back to the input.

A :class:`Document` holds the text that is scanned for mentions, a map from every one of
its characters to an offset in the *original* input, the ranges that are article body, and
the ranges that are markup (never scanned). Mentions are located in document coordinates
and reported in input coordinates through :meth:`Document.to_input`.

Pipeline for HTML (fixed order):

1. The page's visible text is rebuilt with the standard library's HTML tokenizer
   (``html.parser``), one character at a time, so each visible character keeps the offset
   of the byte-decoded input character it came from; character references map to the
   position of their ``&``; block elements become line breaks (mapped to the tag).
2. trafilatura (``bare_extraction``) finds the article: title, date, author and body.
3. Each body paragraph trafilatura returns is located in the visible text (white space
   compared collapsed); the located ranges are the body, everything else is page furniture.

Plain text is screened as it is (identity offset map); :mod:`screenwise.text.boilerplate`
then classifies its lines into body and furniture.

Sources: HTML tokenization, WHATWG HTML Living Standard section 13.2 (as implemented by
Python's ``html.parser``); trafilatura documentation, https://trafilatura.readthedocs.io.
"""

from __future__ import annotations

import bisect
import datetime
import html
import logging
import re
from array import array
from dataclasses import dataclass, field
from html.parser import HTMLParser

from screenwise.errors import InputError

__all__ = ["Document", "extract_html", "looks_like_html", "plain_document"]

log = logging.getLogger(__name__)

#: Elements whose content is never visible text.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
#: Elements that start a new line of visible text.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td",
        "th", "title", "tr", "ul", "button", "option", "select", "label",
    }
)  # fmt: skip
#: Elements that hold the article (its own headings are the title candidates).
_ARTICLE_TAGS = frozenset({"article", "main"})
#: Elements of the site around the article (a banner heading there is not a title).
_SITE_TAGS = frozenset({"header", "nav", "footer", "aside"})
_HEADING_TAGS = frozenset({"h1", "h2"})
_HTML_SNIFF = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
_WS = re.compile(r"\s+")
#: A page whose main text has fewer words than this has no article.
MIN_ARTICLE_WORDS = 10


@dataclass
class Document:
    """Text to screen, with its map back to the original input and its regions.

    Attributes:
        text: the text scanned for mentions (plain text: the input itself; HTML: the
            page's visible text).
        offsets: ``offsets[i]`` is the offset in the original input of ``text[i]``, with
            one extra entry for ``len(text)``; None means the identity map.
        input_length: length of the original input, in characters.
        body: sorted, non-overlapping ``(start, end)`` ranges of ``text`` that are article
            body (end exclusive). Everything else is page furniture.
        masked: ranges of ``text`` that are markup or link targets: never scanned.
        content_type: ``text/html`` or ``text/plain``.
        title, date, author: article metadata when found.
        warnings: problems met while reading or extracting.
    """

    text: str
    offsets: array[int] | None = None
    input_length: int = 0
    body: list[tuple[int, int]] = field(default_factory=list)
    masked: list[tuple[int, int]] = field(default_factory=list)
    content_type: str = "text/plain"
    title: str | None = None
    date: str | None = None
    author: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` range of :attr:`text` to a range of the original input.

        The end maps to one past the input offset of the last character, so a range's
        input slice contains the whole of its last character even when that character was
        a character reference (``&amp;``) in the input.
        """
        if self.offsets is None:
            return start, end
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def region_of(self, start: int, end: int) -> str:
        """Return ``body`` when ``[start, end)`` lies inside a body range, else ``boilerplate``."""
        k = bisect.bisect_right(self.body, (start, len(self.text) + 1)) - 1
        if k >= 0 and self.body[k][0] <= start and end <= self.body[k][1]:
            return "body"
        return "boilerplate"

    @property
    def body_chars(self) -> int:
        """Number of characters of :attr:`text` classified as article body."""
        return sum(end - start for start, end in self.body)


def looks_like_html(text: str) -> bool:
    """Return True when ``text`` is an HTML page (starts with a doctype, ``<html>`` or ``<head>``).

    A text with a few inline tags (an HTML fragment inside Markdown) is not a page and is
    screened as plain text, with its tags masked.
    """
    return bool(_HTML_SNIFF.match(text[:4096]))


def plain_document(text: str) -> Document:
    """Wrap plain text in a :class:`Document` with the identity offset map and no regions.

    Regions are filled in by :func:`screenwise.text.boilerplate.classify_text`.
    """
    return Document(text=text, input_length=len(text), content_type="text/plain")


@dataclass
class _Heading:
    """An ``<h1>``/``<h2>`` of the page: its level, visible-text range and surroundings."""

    tag: str
    start: int
    end: int = -1
    in_article: bool = False
    in_site: bool = False


class _VisibleText(HTMLParser):
    """Collects a page's visible text with the input offset of every character.

    Also records the page's ``<h1>``/``<h2>`` headings, each with whether it stands
    inside ``<article>``/``<main>`` or inside the site's ``<header>``/``<nav>``/
    ``<footer>``/``<aside>``.
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.chars: list[str] = []
        self.offsets = array("q")
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())
        self._skip_depth = 0
        self._article_depth = 0
        self._site_depth = 0
        self.headings: list[_Heading] = []
        self._open_heading: _Heading | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _newline(self) -> None:
        if self.chars and self.chars[-1] != "\n":
            self.chars.append("\n")
            self.offsets.append(self._pos())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
            return
        if tag in _ARTICLE_TAGS:
            self._article_depth += 1
        elif tag in _SITE_TAGS:
            self._site_depth += 1
        if tag in _BLOCK_TAGS:
            self._newline()
        if tag in _HEADING_TAGS and self._open_heading is None and not self._skip_depth:
            self._open_heading = _Heading(
                tag,
                len(self.chars),
                in_article=self._article_depth > 0,
                in_site=self._site_depth > 0 and self._article_depth == 0,
            )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag in _ARTICLE_TAGS:
            self._article_depth = max(0, self._article_depth - 1)
        elif tag in _SITE_TAGS:
            self._site_depth = max(0, self._site_depth - 1)
        heading = self._open_heading
        if heading is not None and tag == heading.tag:
            heading.end = len(self.chars)
            self.headings.append(heading)
            self._open_heading = None
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        start = self._pos()
        self.chars.extend(data)
        self.offsets.extend(range(start, start + len(data)))

    def _reference(self, ref: str) -> None:
        if self._skip_depth:
            return
        start = self._pos()
        for char in html.unescape(ref):
            self.chars.append(char)
            self.offsets.append(start)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")


def _collapse(text: str) -> tuple[str, list[int]]:
    """Collapse white-space runs to one space; return the text and a map to input indexes."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, char in enumerate(text):
        if char.isspace():
            if not in_space:
                out.append(" ")
                index.append(i)
            in_space = True
        else:
            out.append(char)
            index.append(i)
            in_space = False
    index.append(len(text))
    return "".join(out), index


def _locate(haystack: str, needle: str, cursor: int) -> int:
    """Find ``needle`` in ``haystack`` at or after ``cursor``, else anywhere; -1 if absent."""
    found = haystack.find(needle, cursor)
    if found < 0:
        found = haystack.find(needle)
    return found


def _body_ranges(visible: str, paragraphs: list[str]) -> list[tuple[int, int]]:
    """Locate trafilatura's body paragraphs in the visible text (white space collapsed)."""
    collapsed, index = _collapse(visible)
    ranges: list[tuple[int, int]] = []
    cursor = 0
    for paragraph in paragraphs:
        needle = _WS.sub(" ", paragraph).strip()
        if not needle:
            continue
        found = _locate(collapsed, needle, cursor)
        pieces = [(found, needle)] if found >= 0 else []
        if found < 0:
            # trafilatura rewrote part of the paragraph: fall back to its sentences.
            for piece in re.split(r"(?<=[.!?;:])\s+", needle):
                if len(piece) < 12:
                    continue
                at = _locate(collapsed, piece, cursor)
                if at >= 0:
                    pieces.append((at, piece))
        for at, piece in pieces:
            start, end = index[at], index[at + len(piece) - 1] + 1
            ranges.append((start, end))
            cursor = at + len(piece)
    return _merge(ranges)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def extract_html(source: str, *, name: str = "<input>") -> Document:
    """Reduce an HTML page to its visible text, with the article body located in it.

    Args:
        source: the page as decoded text.
        name: the input's name for error messages (path, URL or ``-``).

    Returns:
        A :class:`Document` over the page's visible text: ``offsets`` maps each character
        to the input, ``body`` holds the article (trafilatura's extraction, located in the
        visible text), ``title``/``date``/``author`` the metadata trafilatura found.

    Raises:
        InputError: when the page has no article (trafilatura finds no main text, or one of
            fewer than :data:`MIN_ARTICLE_WORDS` words).
    """
    import trafilatura

    parser = _VisibleText(source)
    parser.feed(source)
    parser.close()
    visible = "".join(parser.chars)
    offsets = parser.offsets
    offsets.append(len(source))

    document = trafilatura.bare_extraction(
        source,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # Dates from the page's metadata and date elements only: the extensive search
        # reads any year on the page, such as the footer's "© 2024", as a date.
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": datetime.date.today().isoformat(),
        },
    )
    extracted: dict[str, object] = {}
    if document is not None:
        extracted = document if isinstance(document, dict) else document.as_dict()
    body_text = extracted.get("text")
    if not isinstance(body_text, str) or len(body_text.split()) < MIN_ARTICLE_WORDS:
        raise InputError(
            f"{name}: no article found in the HTML page (main text has fewer than "
            f"{MIN_ARTICLE_WORDS} words); nothing was screened"
        )
    paragraphs = [line for line in body_text.split("\n") if line.strip()]
    body = _body_ranges(visible, paragraphs)
    warnings: list[str] = []
    located = sum(end - start for start, end in body)
    if located < 0.8 * len(_WS.sub(" ", body_text)):
        warnings.append(
            f"{name}: only {located} of {len(body_text)} article characters could be "
            "located in the page; mentions outside them are reported as boilerplate"
        )
    log.debug("%s: %d visible characters, %d body ranges", name, len(visible), len(body))
    title, heading = _article_title(visible, parser.headings, _clean_meta(extracted.get("title")))
    date = _clean_meta(extracted.get("date")) or _header_date(visible, heading, body)
    return Document(
        text=visible,
        offsets=offsets,
        input_length=len(source),
        body=body,
        content_type="text/html",
        title=title,
        date=date,
        author=_clean_meta(extracted.get("author")),
        warnings=warnings,
    )


def _heading_text(visible: str, heading: _Heading) -> str:
    return _WS.sub(" ", visible[heading.start : heading.end]).strip()


def _article_title(
    visible: str, headings: list[_Heading], extracted: str | None
) -> tuple[str | None, _Heading | None]:
    """Choose the article's title among its headings and trafilatura's title.

    Order: the first ``<h1>`` inside ``<article>``/``<main>``; trafilatura's title
    unless it is the text of a heading of the site's own header, menu, footer or side
    column (a banner headline, not the article's); the first ``<h2>`` inside the article;
    else no title.

    Returns:
        ``(title, heading)``: the heading is the one the title was read from (or that
        shows trafilatura's title), used to find the article's date beside it.
    """
    named = [(h, _heading_text(visible, h)) for h in headings]
    for heading, text in named:
        if heading.tag == "h1" and heading.in_article and text:
            return text, heading
    if extracted is not None:
        folded = extracted.casefold()
        if not any(h.in_site and text.casefold() == folded for h, text in named):
            return extracted, next((h for h, text in named if text.casefold() == folded), None)
    for heading, text in named:
        if heading.tag == "h2" and heading.in_article and text:
            return text, heading
    return None, None


#: Lines after the article's heading searched for its date stamp.
_DATE_LINES = 3


def _header_date(visible: str, heading: _Heading | None, body: list[tuple[int, int]]) -> str | None:
    """A date stamp in the short lines right after the article's heading, else right
    before the first body paragraph (never a copyright line: :func:`stamp_date`)."""
    from screenwise.text.dates import stamp_date

    if heading is not None:
        lines = visible[heading.end :].lstrip("\n").split("\n", _DATE_LINES)[:_DATE_LINES]
    elif body:
        lines = visible[: body[0][0]].rstrip("\n").rsplit("\n", _DATE_LINES)[-_DATE_LINES:]
        lines.reverse()
    else:
        return None
    for line in lines:
        if len(line.split()) > 12:
            break
        stamp = stamp_date(line)
        if stamp:
            return stamp
    return None


def _clean_meta(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
