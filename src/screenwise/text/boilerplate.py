"""Plain text scraped from a page -> article body vs page furniture, line by line.

Scraped text carries the page around the article: front matter, share buttons, date
stamps, tickers of headlines, photo credits, donation appeals, ad placeholders, link
targets and inline HTML tags. :func:`classify_text` fills a
:class:`~screenwise.text.extract.Document`'s ``body`` and ``masked`` ranges.

Order of the rules (fixed):

1. Markup is masked (never scanned): HTML tags and character references, Markdown link
   targets ``](...)``, bare URLs.
2. A leading front-matter block (``---`` ... ``---``) is furniture, except the value of the
   first title key (``text_furniture.yml::TITLE_KEYS``), which is body; date and author keys
   fill the metadata.
3. Each remaining line is furniture when it is: an ad placeholder (``[ad_1]``); a short line
   with a furniture phrase (``LINE_PHRASES``); a date stamp or byline line (mostly dates,
   times, handles and separators); a ticker or menu (three or more ``|``/``•`` separated
   items); a line that is only links; or part of an appeal block (``APPEAL_HEADINGS``, in
   the last half of the text, to the end). A photo credit (``CREDIT_PREFIXES``) makes the
   rest of its line furniture.
4. Everything else is body.

The rules describe kinds of furniture, not one site: nothing here names a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from screenwise.text.dates import stamp_date
from screenwise.text.extract import Document
from screenwise.text.wordlists import load_wordlist, phrase_list

__all__ = ["LineClass", "classify_lines", "classify_text", "markup_ranges"]

_FILE = "text_furniture.yml"

_MARKUP = re.compile(
    r"(?=[<&\]hw])(?:"  # every kind starts with one of these (a fast skip for the rest)
    r"<!--.*?-->"  # HTML comments
    r"|</?[A-Za-z][^<>]{0,2000}?/?>"  # HTML tags
    r"|&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"  # character references
    r"|\]\([^)\s]{0,2000}(?:\s+\"[^\"]*\")?\)"  # Markdown link targets
    r"|\b(?:https?://|www\.)[^\s<>\"')\]]+)",  # bare URLs
    re.S,
)
#: Characters without which a line holds no markup (a fast pre-check for _MARKUP).
_MARKUP_HINT = re.compile(r"[<&]|\]\(|https?:|www\.")
_AD_PLACEHOLDER = re.compile(r"^\s*\[ad_\d+\]\s*$", re.I)
_WORD = re.compile(r"[^\W_]+", re.U)
#: Words of a date stamp or byline line besides numbers and handles.
# fmt: off
_DATE_WORDS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "am", "pm", "ist", "gmt", "utc", "est", "edt", "bst", "cet", "at", "on", "updated",
    "published", "posted", "by",
)
# fmt: on
_DATE_WORD_SET = frozenset(_DATE_WORDS)
_DATE_TOKENS = re.compile(rf"\b(?:{'|'.join(_DATE_WORDS)})\b|\d+|@\w+", re.I)
_SEPARATORS = re.compile(r"\s[|•·»]\s")
_MD_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*):\s*(.*)$")


@dataclass(frozen=True)
class LineClass:
    """The class of one line of a plain text.

    Attributes:
        start, end: the line's range in the text (end exclusive, without the newline).
        region: ``body`` or ``boilerplate``.
        reason: why (``front matter``, ``share/follow``, ``date stamp``, ``ticker``, ...);
            empty for body lines.
    """

    start: int
    end: int
    region: str
    reason: str = ""


def markup_ranges(text: str) -> list[tuple[int, int]]:
    """Return the ranges of ``text`` that are markup: tags, references, link targets, URLs."""
    return [(m.start(), m.end()) for m in _MARKUP.finditer(text)]


@cache
def _phrase_pattern(key: str) -> re.Pattern[str]:
    phrases = phrase_list(_FILE, key)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)


@cache
def _first_words(key: str) -> tuple[str, ...]:
    return tuple(sorted({phrase.split()[0] for phrase in phrase_list(_FILE, key)}))


#: Characters that ``re.IGNORECASE`` matches to an ASCII letter but ``str.lower`` does not
#: turn into it (every code point tried): dotted and dotless i, long s.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _fold(line: str) -> str:
    """Lower-case ``line`` so that every case-insensitive match of an ASCII word is a substring."""
    if line.isascii() or not ("\u0130" in line or "\u0131" in line or "\u017f" in line):
        return line.lower()
    return line.translate(_FOLD).lower()


def _may_contain(folded: str, key: str) -> bool:
    """Cheap pre-check: the folded line holds the first word of some phrase of ``key``.

    Phrases are matched by regular expressions (:func:`_phrase_pattern`); a line without
    any first word cannot match, so most lines skip the expression.
    """
    return any(word in folded for word in _first_words(key))


def _may_be_stamp(stripped: str, words: list[str]) -> bool:
    """Cheap pre-check of the date-stamp rule of :func:`_line_reason` (never a false no).

    Without a handle (``@``), a word of letters that is not a date word survives the
    removal of date tokens whole; the rule needs at most one survivor, fewer than half
    the words.
    """
    if "@" in stripped:
        return True
    survivors = sum(1 for word in words if word.isalpha() and _fold(word) not in _DATE_WORD_SET)
    return survivors <= 1 and survivors < len(words) / 2


def _visible(line: str) -> str:
    return _MARKUP.sub(" ", line)


def _front_matter(text: str) -> tuple[int, list[tuple[int, int]], dict[str, str]]:
    """Find a leading front-matter block; return its end, the title ranges and metadata."""
    if not text.startswith("---"):
        return 0, [], {}
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return 0, [], {}
    close = re.compile(r"^---[ \t]*$", re.M).search(text, first_nl + 1)
    if close is None or close.start() - first_nl > 20000:
        return 0, [], {}
    title_keys = set(phrase_list(_FILE, "TITLE_KEYS"))
    date_keys = set(phrase_list(_FILE, "DATE_KEYS"))
    author_keys = set(phrase_list(_FILE, "AUTHOR_KEYS"))
    meta: dict[str, str] = {}
    title_ranges: list[tuple[int, int]] = []
    pos = first_nl + 1
    for line in text[first_nl + 1 : close.start()].split("\n"):
        match = _FRONT_KEY.match(line)
        if match:
            key = match.group(1).lower()
            value = match.group(2).strip()
            clean = value.strip("'\"").strip()
            if key in title_keys and not title_ranges and clean and clean not in (">", "|"):
                value_start = pos + match.start(2) + (len(match.group(2)) - len(value))
                inner = value_start + value.find(clean)
                title_ranges.append((inner, inner + len(clean)))
                meta["title"] = clean
            elif key in date_keys and clean and "date" not in meta:
                meta["date"] = clean
            elif key in author_keys and clean and "author" not in meta:
                meta["author"] = clean
        pos += len(line) + 1
    end = close.end()
    return end, title_ranges, meta


#: Lines with more white-space separated pieces than this are paragraphs (more than 40
#: words: longer than any appeal heading, share bar or date stamp).
_LONG_LINE = 80


def _long_line_reason(visible: str, raw: str) -> str:
    """The furniture kinds a long line can be: a ticker or menu, or a list of links."""
    if ("|" in visible or "•" in visible or "·" in visible or "»" in visible) and len(
        _SEPARATORS.findall(f" {visible.strip()} ")
    ) >= 3:
        return "ticker or menu"
    if "](" in raw and _MD_LINK.search(raw):
        outside = _WORD.findall(_visible(_MD_LINK.sub(" ", raw)))
        if len(outside) <= 1:
            return "links only"
    return ""


def _line_reason(visible: str, raw: str, words: list[str], folded: str) -> str:
    """Return why a whole line is furniture, or "" when it is body.

    ``words``: the words of ``visible``; ``folded``: ``raw`` through :func:`_fold`.
    """
    stripped = visible.strip()
    if _AD_PLACEHOLDER.match(raw):
        return "ad placeholder"
    if not words:
        return "markup" if raw.strip() else ""
    if (
        len(words) <= 12
        and _may_contain(folded, "LINE_PHRASES")
        and _phrase_pattern("LINE_PHRASES").search(stripped)
    ):
        return "share/follow/navigation"
    if 2 <= len(words) <= 25 and _may_be_stamp(stripped, words):
        leftover = _WORD.findall(_DATE_TOKENS.sub(" ", stripped))
        if len(leftover) <= 1 and len(leftover) < len(words) / 2:
            return "date stamp or byline"
    if (
        ("|" in stripped or "•" in stripped or "·" in stripped or "»" in stripped)
        and len(_SEPARATORS.findall(f" {stripped} ")) >= 3
    ) or (stripped.startswith("|") and len(words) <= 12):
        return "ticker or menu"
    links = _MD_LINK.findall(raw) if "](" in raw else None
    if links:
        outside = _WORD.findall(_visible(_MD_LINK.sub(" ", raw)))
        if len(outside) <= 1:
            return "links only"
    return ""


def classify_lines(text: str) -> tuple[list[LineClass], dict[str, str]]:
    """Classify every line of a scraped plain text as body or furniture.

    Args:
        text: the whole text (not stripped; offsets are into it).

    Returns:
        ``(lines, meta)``: one :class:`LineClass` per non-empty line (a photo credit splits
        its line in two), in text order, and the metadata found in front matter
        (``title``, ``date``, ``author``).

    Data: ``text_furniture.yml::LINE_PHRASES``, ``APPEAL_HEADINGS``, ``CREDIT_PREFIXES``,
    ``TITLE_KEYS``, ``DATE_KEYS``, ``AUTHOR_KEYS``.
    """
    fm_end, title_ranges, meta = _front_matter(text)
    lines: list[LineClass] = []
    if fm_end:
        cursor = 0
        for start, end in title_ranges:
            lines.append(LineClass(cursor, start, "boilerplate", "front matter"))
            lines.append(LineClass(start, end, "body"))
            cursor = end
        lines.append(LineClass(cursor, fm_end, "boilerplate", "front matter"))
    appeal = _phrase_pattern("APPEAL_HEADINGS")
    credit = _phrase_pattern("CREDIT_PREFIXES")
    in_appeal = False
    half = len(text) // 2
    pos = fm_end
    for raw in text[fm_end:].split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        if not raw.strip():
            continue
        if in_appeal:
            lines.append(LineClass(start, end, "boilerplate", "appeal"))
            continue
        visible = _visible(raw) if _MARKUP_HINT.search(raw) else raw
        # Phrases are looked for only in lines that hold a first word of one (a substring
        # of the folded raw line: markup blanking never joins letters).
        folded = _fold(raw)
        if len(visible.split()) > _LONG_LINE:
            # A paragraph: only tickers, link lists and credits can make it furniture.
            reason = _long_line_reason(visible, raw)
        else:
            words = _WORD.findall(visible)
            if (
                start >= half
                and len(words) <= 40
                and _may_contain(folded, "APPEAL_HEADINGS")
                and appeal.search(visible)
            ):
                in_appeal = True
                lines.append(LineClass(start, end, "boilerplate", "appeal"))
                continue
            reason = _line_reason(visible, raw, words, folded)
        if reason:
            lines.append(LineClass(start, end, "boilerplate", reason))
            continue
        credit_match = credit.search(raw) if _may_contain(folded, "CREDIT_PREFIXES") else None
        if credit_match:
            if credit_match.start() > 0:
                lines.append(LineClass(start, start + credit_match.start(), "body"))
            lines.append(LineClass(start + credit_match.start(), end, "boilerplate", "credit"))
            continue
        lines.append(LineClass(start, end, "body"))
    return lines, meta


_BYLINE = re.compile(
    r"^\s*(?:by|written by)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*$", re.I
)
_HANDLE = re.compile(r"(?:^|[\s|])(?P<name>@\w{2,30})(?=$|[\s|])")
#: Lines looked at for a leading date stamp or byline.
_LEAD_LINES = 12
#: A headline has this many words (inclusive) and no closing sentence punctuation.
_HEADLINE_WORDS = (5, 30)


#: Lines after the headline searched for the article's date stamp or byline.
_AFTER_TITLE = 3
#: Furniture kinds that may stand in an article's header, between its headline (or
#: first paragraph) and its date stamp.
_HEADER_REASONS = frozenset({"date stamp or byline", "share/follow/navigation"})


def _header_date(text: str, lines: list[LineClass], anchor: int) -> str | None:
    """The date of the article header around ``lines[anchor]`` (headline or first paragraph).

    First the short lines right after the anchor (up to :data:`_AFTER_TITLE`, stopping
    at a paragraph), then the lines right before it, walking back over date stamps,
    bylines and share bars only: a date beyond a ticker, a photo caption or body text
    belongs to the page, not to the article.
    """
    for line in lines[anchor + 1 : anchor + 1 + _AFTER_TITLE]:
        raw = text[line.start : line.end].strip()
        if len(raw.split()) > 12:
            break
        stamp = stamp_date(raw)
        if stamp:
            return stamp
    for line in reversed(lines[max(0, anchor - _LEAD_LINES) : anchor]):
        raw = text[line.start : line.end].strip()
        is_byline = bool(_BYLINE.match(raw))
        if line.region == "body" and not is_byline:
            break
        if line.region == "boilerplate" and line.reason not in _HEADER_REASONS:
            break
        stamp = stamp_date(raw) if len(raw.split()) <= 10 else None
        if stamp:
            return stamp
    return None


def plain_metadata(text: str, lines: list[LineClass]) -> dict[str, str]:
    """Title, date and author of a scraped plain text without front matter.

    * title: the first body line shaped like a headline (five to thirty words, starting
      with a capital, not ending in sentence punctuation) before the first paragraph of
      the article;
    * date: a date stamp (at most ten words, a date written with the month's name or as
      ISO 8601) in the article's header: the lines just after the headline, else those
      just before it or before the first paragraph, with only bylines, date stamps and
      share bars in between (:func:`_header_date`). A "today" banner above the site's
      menus and a copyright notice are not the article's date: no date is reported
      rather than one of those;
    * author: a byline (``By Jane Doe``) or a handle (``| @agency |``) in a leading line
      that the classifier made furniture or that is only a byline.

    Args:
        text: the whole text.
        lines: its classified lines (:func:`classify_lines`).

    Returns:
        The keys found among ``title``, ``date``, ``author``.
    """
    meta: dict[str, str] = {}
    for line in lines[:_LEAD_LINES]:
        raw = text[line.start : line.end].strip()
        if "author" not in meta and len(raw.split()) <= 12:
            byline = _BYLINE.match(raw)
            handle = _HANDLE.search(raw) if line.region == "boilerplate" else None
            if byline or handle:
                meta["author"] = (byline or handle).group("name")  # type: ignore[union-attr]
    low, high = _HEADLINE_WORDS
    anchor: int | None = None
    for position, line in enumerate(lines):
        if line.region != "body":
            continue
        raw = text[line.start : line.end].strip()
        words = raw.split()
        if len(words) > high:
            if anchor is None and not _BYLINE.match(raw):
                anchor = position  # no headline: the header ends at the first paragraph
            break  # the article has begun
        if low <= len(words) and raw[:1].isupper() and raw[-1] not in '.!?:;,"”’)':
            meta["title"] = raw
            anchor = position
            break
    if anchor is not None:
        date = _header_date(text, lines, anchor)
        if date:
            meta["date"] = date
    return meta


def classify_text(document: Document) -> Document:
    """Fill a plain-text document's ``body``, ``masked`` and metadata from its lines.

    Args:
        document: a document from :func:`~screenwise.text.extract.plain_document`.

    Returns:
        The same document, updated in place (body ranges merged, markup masked, title,
        date and author from front matter when present, else from a leading date
        stamp, a byline and the headline line: :func:`plain_metadata`).
    """
    lines, meta = classify_lines(document.text)
    body: list[tuple[int, int]] = []
    for line in lines:
        if line.region != "body" or line.end <= line.start:
            continue
        if body and line.start - body[-1][1] <= 1:
            body[-1] = (body[-1][0], line.end)
        else:
            body.append((line.start, line.end))
    document.body = body
    document.masked = markup_ranges(document.text)
    if not meta:
        meta = plain_metadata(document.text, lines)
    document.title = document.title or meta.get("title")
    document.date = document.date or meta.get("date")
    document.author = document.author or meta.get("author")
    return document


def furniture_phrases() -> dict[str, list[str]]:
    """Return the furniture phrase lists, by YAML key (for documentation and tests)."""
    keys = ("LINE_PHRASES", "APPEAL_HEADINGS", "CREDIT_PREFIXES")
    return {key: list(load_wordlist(_FILE, key)) for key in keys}
