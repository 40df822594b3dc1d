"""Screen one article: extract, classify, find mentions, score them, summarise parties.

Pipeline (fixed order): decode (bytes) -> HTML extraction or plain-text boilerplate
classification -> tokenisation -> mention finding against the phrase index of the
screener's entities -> context scoring -> per-party body counts -> sanctioned countries.

The phrase index is built once per screener (seconds for all lists) and cached in memory
and on disk (:func:`phrase_index_for`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import threading
import weakref
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from followthemoney import ValueEntity

from screenwise.bulk import gc_paused
from screenwise.results import Mention, PartySummary, TextScreeningResult
from screenwise.text.boilerplate import classify_text
from screenwise.text.context import (
    has_domain_vocabulary,
    qualifier_window,
    same_party,
    score_span,
)
from screenwise.text.countries import find_sanctioned_countries
from screenwise.text.extract import Document, extract_html, looks_like_html, plain_document
from screenwise.text.inputs import decode_bytes
from screenwise.text.mentions import find_mentions
from screenwise.text.phrases import PhraseIndex, build_phrase_index
from screenwise.text.tokens import MARKUP_FILL, mask_text, tokenize_text

__all__ = ["ScreenerLike", "build_document", "phrase_index_for", "screen_text"]

log = logging.getLogger(__name__)

#: Candidates scoring below this are not reported at all (not even as namesakes).
REPORT_FLOOR = 0.2
_WS = re.compile(r"\s+")


class ScreenerLike(Protocol):
    """What text screening needs from a screener: its entities and its threshold."""

    @property
    def entities(self) -> Mapping[str, ValueEntity]: ...

    @property
    def threshold(self) -> float: ...


_INDEXES: weakref.WeakKeyDictionary[Any, PhraseIndex] = weakref.WeakKeyDictionary()
_INDEXES_BY_ID: dict[int, tuple[Any, PhraseIndex]] = {}
_LOCK = threading.Lock()


def phrase_index_for(screener: ScreenerLike) -> PhraseIndex:
    """Return the phrase index of a screener's entities, building it on first use.

    The index is cached per screener object (a new list version means a new screener),
    and on disk under ``<data_dir>/cache/phrases-<key>.pickle`` when the screener names
    its list versions (``list_versions``): the key hashes the list version ids, the word
    lists the index depends on and :data:`PHRASE_CACHE_FORMAT`, so a new list version or
    a new release builds a new index. An unreadable cache file is ignored and rebuilt.
    """
    with _LOCK:
        try:
            cached = _INDEXES.get(screener)
        except TypeError:
            entry = _INDEXES_BY_ID.get(id(screener))
            cached = entry[1] if entry and entry[0] is screener else None
        if cached is not None:
            return cached
        path = _cache_path(screener)
        with gc_paused():
            index = _read_cached(path) if path is not None else None
            if index is None:
                index = build_phrase_index(screener.entities)
                if path is not None:
                    _write_cached(path, index)
        try:
            _INDEXES[screener] = index
        except TypeError:
            _INDEXES_BY_ID[id(screener)] = (screener, index)
        return index


#: Bump when the phrase index's shape or its building rules change.
PHRASE_CACHE_FORMAT = "text-phrases-4"


def _cache_path(screener: ScreenerLike) -> Path | None:
    versions = getattr(screener, "list_versions", None)
    settings = getattr(screener, "settings", None)
    data_dir = getattr(settings, "data_dir", None)
    if not versions or data_dir is None:
        return None
    digest = hashlib.sha256(PHRASE_CACHE_FORMAT.encode())
    for list_id, version in sorted(versions.items()):
        digest.update(f"\n{list_id}={version}".encode())
    data = resources.files("screenwise").joinpath("data")
    for name in ("text_words.yml", "text_countries.yml"):
        digest.update(data.joinpath(name).read_bytes())
    return Path(data_dir) / "cache" / f"phrases-{digest.hexdigest()[:16]}.pickle"


def _read_cached(path: Path) -> PhraseIndex | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("ignoring unreadable phrase index cache %s: %s", path, exc)
        return None
    if not isinstance(index, PhraseIndex):
        log.warning("ignoring phrase index cache %s: not a phrase index", path)
        return None
    return index


def _write_cached(path: Path, index: PhraseIndex) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        log.warning("cannot write phrase index cache %s: %s", path, exc)


def build_document(
    text_or_html: str | bytes, *, content_type: str | None = None, source: str = ""
) -> Document:
    """Turn an input into a :class:`Document` with body ranges and masks.

    Args:
        text_or_html: the article as text, or as bytes (decoded safely).
        content_type: ``text/html`` or ``text/plain``; sniffed from the content when None.
        source: the input's name for messages.

    Raises:
        InputError: binary or undecodable bytes, or an HTML page without an article.
    """
    warnings: list[str] = []
    if isinstance(text_or_html, bytes):
        text, _encoding, warnings = decode_bytes(text_or_html, name=source or "<input>")
    else:
        text = text_or_html
    if text.startswith("\ufeff"):
        text = text[1:]
    is_html = (
        content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml")
        if content_type
        else looks_like_html(text)
    )
    if is_html:
        document = extract_html(text, name=source or "<input>")
    else:
        document = classify_text(plain_document(text))
    document.warnings = warnings + document.warnings
    return document


_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|"
    r"footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|td|th|title|tr|ul)\b",
    re.I,
)


def _block_breaks(plain: str, document: Document) -> str:
    """``plain`` with the masked block-level tags (``<p>``, ``<h2>``, ...) as line breaks.

    A heading and the paragraph after it are two sentences even when their tags stand on
    one line of a plain text; offsets are kept (one character per masked character).
    """
    breaks = [
        (start, end)
        for start, end in document.masked
        if _BLOCK_TAG.match(document.text, start, end)
    ]
    return mask_text(plain, breaks, "\n") if breaks else plain


_SENTENCE_STOP = re.compile(r"\n|[.!?](?=\s|\Z)")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)`` (at most 300 characters either side)."""
    window_start = max(0, start - 300)
    before = text[window_start:start]
    left = max(before.rfind("\n"), before.rfind(". "), before.rfind("! "), before.rfind("? "))
    if left < 0:
        left_pos = window_start
    else:
        left_pos = window_start + left + (1 if before[left] == "\n" else 2)
    stop = _SENTENCE_STOP.search(text, end, min(len(text), end + 300))
    right = (
        stop.end()
        if stop and text[stop.start()] != "\n"
        else (stop.start() if stop else min(len(text), end + 300))
    )
    return _WS.sub(" ", text[left_pos:right]).strip()


def screen_text(
    screener: ScreenerLike,
    text_or_html: str | bytes,
    *,
    content_type: str | None = None,
    threshold: float | None = None,
    source: str = "",
) -> TextScreeningResult:
    """Screen an article (plain text or raw HTML) for mentions of listed parties.

    Args:
        screener: the screener whose entities (active list versions) are searched.
        text_or_html: the article; bytes are decoded safely (binary content refused).
        content_type: ``text/html`` or ``text/plain``; sniffed when None.
        threshold: score in [0, 1] from which a mention is an alert; the screener's
            threshold when None.
        source: the input's path, URL or ``-`` (echoed in the result and messages).

    Returns:
        A :class:`~screenwise.results.TextScreeningResult`: every mention (alerts and
        lower-scored namesakes) with offsets into the original input, the listed parties
        with body mention counts, and the sanctioned jurisdictions the body names.

    Raises:
        InputError: unreadable input or an HTML page without an article.
        QueryError: a threshold outside [0, 1].
    """
    from screenwise.errors import QueryError

    limit = screener.threshold if threshold is None else threshold
    if not 0.0 <= limit <= 1.0:
        raise QueryError(f"threshold: {limit} is not in [0, 1]")
    document = build_document(text_or_html, content_type=content_type, source=source)
    index = phrase_index_for(screener)
    # Markup blanked out once: with a separator for tokens (no name runs across markup),
    # with spaces for sentences and context windows.
    if document.masked:
        separated = mask_text(document.text, document.masked, MARKUP_FILL)
        plain = separated.replace(MARKUP_FILL, " ")
        readable = _block_breaks(plain, document)
    else:
        separated = plain = readable = document.text
    tokens = tokenize_text(separated)
    domain = has_domain_vocabulary(tokens)
    spans = find_mentions(document.text, tokens, index, domain=domain)
    prior: dict[str, float] = {}
    mentions: list[Mention] = []
    span_groups: list[tuple[str, list[str]]] = []
    for position, found in enumerate(spans):
        scored = score_span(
            found,
            plain,
            tokens,
            index.facts,
            article_date=document.date,
            domain_text=domain,
            prior=prior,
            window=qualifier_window(spans, position, tokens),
        )
        region = document.region_of(found.start, found.end)
        start, end = document.to_input(found.start, found.end)
        sentence = _sentence(readable, found.start, found.end)
        matched_ids: list[str] = []
        for candidate in scored[:10]:
            if candidate.score < REPORT_FLOOR:
                continue
            fact = index.facts[candidate.entity_id]
            if not found.inherit:
                prior[candidate.entity_id] = max(
                    prior.get(candidate.entity_id, 0.0), candidate.score
                )
            # Only body mentions are alerts: a name in page furniture (a ticker, a
            # menu) is reported, never raised.
            is_match = candidate.score >= limit and region == "body"
            if is_match:
                matched_ids.append(candidate.entity_id)
            mentions.append(
                Mention(
                    entity_id=candidate.entity_id,
                    list_id=fact.list_id,
                    schema=fact.schema,
                    caption=fact.caption,
                    text=document.text[found.start : found.end],
                    start=start,
                    end=end,
                    sentence=sentence,
                    score=candidate.score,
                    match=is_match,
                    region=region,  # type: ignore[arg-type]
                    explanation=candidate.explanation,
                    matched_name=candidate.matched_name,
                )
            )
        if matched_ids:
            span_groups.append((region, matched_ids))
    parties = _summarise(span_groups, index)
    return TextScreeningResult(
        source=source,
        content_type=document.content_type,
        title=document.title,
        date=document.date,
        author=document.author,
        mentions=mentions,
        parties=parties,
        countries=find_sanctioned_countries(tokens, document.body),
        threshold=limit,
        body_chars=document.body_chars,
        complete=True,
        warnings=document.warnings,
    )


def _summarise(span_groups: list[tuple[str, list[str]]], index: PhraseIndex) -> list[PartySummary]:
    """Group alerting entity ids into parties and count their body mentions."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _region, ids in span_groups:
        for a in ids:
            find(a)
            for b in ids:
                if a < b and same_party(index.facts[a], index.facts[b]):
                    parent[find(a)] = find(b)
    counts: dict[str, int] = {}
    members: dict[str, set[str]] = {}
    for region, ids in span_groups:
        roots = {find(x) for x in ids}
        for root in roots:
            members.setdefault(root, set()).update(x for x in ids if find(x) == root)
            if region == "body":
                counts[root] = counts.get(root, 0) + 1
    parties: list[PartySummary] = []
    for root, member_ids in members.items():
        if root not in counts:
            continue
        ordered = sorted(member_ids)
        parties.append(
            PartySummary(
                entity_ids=ordered,
                caption=index.facts[ordered[0]].caption,
                schema=index.facts[ordered[0]].schema,
                count=counts[root],
                max_score=1.0,
                match=True,
            )
        )
    # Entity ids break ties: parties of one caption (two ministries) keep a stable order.
    parties.sort(key=lambda p: (-p.count, p.caption, p.entity_ids))
    return parties
