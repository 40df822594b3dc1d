"""Text-screening metrics over a labelled article set laid out like ``eval/text``.

Implements "Text screening set -> Metrics the benchmark must print" of the shared
``eval/EVAL.md``: mention recall (micro per folder and overall, macro over articles with
expected parties), false alerts per 100 articles (ordinary articles as the main figure, the
share of ordinary articles with any, the trap articles on their own, the other folders),
false alerts by the ``why`` of the ``not_expected`` entry they hit, boilerplate failures,
recall on the HTML pages beside the text folders, and count accuracy. The same figures are
computed for the comparison matcher :class:`ExactBaseline` (every list name, case-folded,
whole word, no boilerplate detection).

Layout read: ``<dir>/labels.jsonl`` (one object per article: ``file``, ``folder``,
``format``, ``expected``, ``not_expected``) and ``<dir>/articles/<folder>/<file>``;
``<dir>/articles/<folder>/MANIFEST.tsv`` marks trap articles in its ``hard_negative``
column.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from screenwise.entities import NAME_PROPS
from screenwise.errors import InputError
from screenwise.text.screen import ScreenerLike, screen_text

__all__ = [
    "ExactBaseline",
    "ExtractionQuality",
    "MatcherMetrics",
    "TextReport",
    "evaluate_text",
    "html_extraction_quality",
]

log = logging.getLogger(__name__)

#: A reported party: its entity ids, its body mention count, the texts it was found as.
Reported = tuple[frozenset[str], int, frozenset[str]]
_WORD = re.compile(r"\w+", re.U)
_FOLDERS = ("seed", "sanctions", "ordinary", "html")


class ExactBaseline:
    """Comparison matcher: every list name (weak aliases included), case-folded, whole word.

    The text is screened whole (no boilerplate detection, no guards); every entity whose
    name occurs is reported, the entities found at the same spans forming one party.
    """

    def __init__(self, screener: ScreenerLike) -> None:
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        self.lengths: dict[str, set[int]] = {}
        for entity_id, entity in screener.entities.items():
            for prop in NAME_PROPS:
                if prop not in entity.schema.properties:
                    continue
                for name in entity.get(prop, quiet=True):
                    tokens = tuple(_WORD.findall(name.casefold()))
                    if tokens:
                        self.phrases.setdefault(tokens, set()).add(entity_id)
                        self.lengths.setdefault(tokens[0], set()).add(len(tokens))

    def screen(self, text: str) -> list[Reported]:
        """Return the parties whose names occur in ``text`` with their occurrence counts."""
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text.casefold())]
        found: dict[frozenset[str], list[str]] = {}
        i = 0
        while i < len(words):
            for length in sorted(self.lengths.get(words[i][0], ()), reverse=True):
                key = tuple(w for w, _s, _e in words[i : i + length])
                ids = self.phrases.get(key)
                if ids:
                    found.setdefault(frozenset(ids), []).append(" ".join(key))
                    i += length - 1
                    break
            i += 1
        return [(ids, len(texts), frozenset(texts)) for ids, texts in found.items()]


@dataclass
class _Cell:
    articles: int = 0
    expected: int = 0
    found: int = 0
    false_alerts: int = 0
    articles_with_false_alert: int = 0
    macro_sum: float = 0.0
    macro_n: int = 0
    count_exact: int = 0
    count_absdiff: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "expected": self.expected,
            "found": self.found,
            "recall": _ratio(self.found, self.expected),
            "macro_recall": _ratio(self.macro_sum, self.macro_n),
            "false_alerts": self.false_alerts,
            "false_alerts_per_100": _ratio(100.0 * self.false_alerts, self.articles),
            "articles_with_false_alert": self.articles_with_false_alert,
            "count_exact_share": _ratio(self.count_exact, self.found),
            "count_mean_abs_diff": _ratio(self.count_absdiff, self.found),
        }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


@dataclass
class MatcherMetrics:
    """Every EVAL.md text metric for one matcher.

    Attributes:
        name: the matcher's name.
        folders: folder -> cell of counts (``all`` = overall, ``text`` = the text folders,
            ``traps`` = the trap articles of ``ordinary``).
        by_why: ``why`` of the not_expected entry hit -> number of false alerts.
        boilerplate_failures: reported parties named only in page furniture.
        seconds: screening time; chars: characters screened.
        misses: ``(file, expected name)`` of the expected parties not found.
        false_alert_examples: ``(file, texts, ids)`` of false alerts.
    """

    name: str
    folders: dict[str, _Cell] = field(default_factory=dict)
    by_why: dict[str, int] = field(default_factory=dict)
    boilerplate_failures: int = 0
    seconds: float = 0.0
    chars: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_alert_examples: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def cell(self, name: str) -> _Cell:
        return self.folders.setdefault(name, _Cell())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of every figure."""
        return {
            "name": self.name,
            "folders": {k: v.to_dict() for k, v in self.folders.items()},
            "false_alerts_by_why": dict(sorted(self.by_why.items())),
            "boilerplate_failures": self.boilerplate_failures,
            "seconds": round(self.seconds, 3),
            "chars": self.chars,
            "misses": [list(m) for m in self.misses],
            "false_alert_examples": [list(x) for x in self.false_alert_examples],
        }


@dataclass
class TextReport:
    """Text metrics of screenwise and of the exact-match baseline on one labelled set.

    Attributes:
        threshold: the threshold reported at.
        matchers: matcher name -> :class:`MatcherMetrics` (``screenwise``, ``exact baseline``).
        errors: ``(file, message)`` of articles that could not be screened.
    """

    threshold: float
    matchers: dict[str, MatcherMetrics] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the report."""
        return {
            "threshold": self.threshold,
            "matchers": {k: v.to_dict() for k, v in self.matchers.items()},
            "errors": [list(e) for e in self.errors],
        }

    def render(self, console: Console) -> None:
        """Print one table per matcher (a line per folder plus overall) and the breakdowns."""
        for metrics in self.matchers.values():
            table = Table(title=f"Text screening - {metrics.name} (threshold {self.threshold})")
            for column in (
                "folder", "articles", "expected", "found", "recall", "macro recall",
                "false alerts", "FA /100 art.", "art. with FA", "count exact", "count |diff|",
            ):  # fmt: skip
                table.add_column(column, justify="left" if column == "folder" else "right")
            for folder in (*_FOLDERS, "text", "traps", "all"):
                if folder not in metrics.folders:
                    continue
                d = metrics.folders[folder].to_dict()
                table.add_row(
                    folder,
                    str(d["articles"]),
                    str(d["expected"]),
                    str(d["found"]),
                    _fmt(d["recall"]),
                    _fmt(d["macro_recall"]),
                    str(d["false_alerts"]),
                    _fmt(d["false_alerts_per_100"]),
                    str(d["articles_with_false_alert"]),
                    _fmt(d["count_exact_share"]),
                    _fmt(d["count_mean_abs_diff"]),
                )
            console.print(table)
            why = ", ".join(f"{k}: {v}" for k, v in sorted(metrics.by_why.items())) or "none"
            console.print(f"false alerts by why: {why}")
            console.print(f"boilerplate failures: {metrics.boilerplate_failures} (target 0)")
        for file, message in self.errors:
            console.print(f"[red]error[/] {file}: {message}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _traps(text_dir: Path) -> set[str]:
    traps: set[str] = set()
    for manifest in (text_dir / "articles").glob("*/MANIFEST.tsv"):
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if (row.get("hard_negative") or "").strip():
                    traps.add(row["file"])
    return traps


def _score_article(
    metrics: MatcherMetrics,
    label: dict[str, Any],
    reported: list[Reported],
    is_trap: bool,
) -> None:
    folder = label["folder"]
    expected = label.get("expected", [])
    not_expected = label.get("not_expected", [])
    cells = [metrics.cell(folder), metrics.cell("all")]
    if folder != "html":
        cells.append(metrics.cell("text"))
    if is_trap:
        cells.append(metrics.cell("traps"))
    found = 0
    for item in expected:
        ids = set(item["entity_ids"])
        hits = [r for r in reported if r[0] & ids]
        if hits:
            found += 1
            count = max(r[1] for r in hits)
            for cell in cells:
                cell.count_exact += int(count == item["count"])
                cell.count_absdiff += abs(count - item["count"])
        else:
            metrics.misses.append((label["file"], item["name"]))
    expected_ids = {i for item in expected for i in item["entity_ids"]}
    false_alerts = [r for r in reported if not r[0] & expected_ids]
    for party_ids, _count, texts in false_alerts:
        why = "none"
        for entry in not_expected:
            if set(entry.get("entity_ids", [])) & party_ids or entry["text"].casefold() in {
                t.casefold() for t in texts
            }:
                why = entry["why"]
                break
        metrics.by_why[why] = metrics.by_why.get(why, 0) + 1
        if len(metrics.false_alert_examples) < 200:
            metrics.false_alert_examples.append(
                (label["file"], sorted(texts), sorted(party_ids)[:4])
            )
    for entry in not_expected:
        if entry["why"] != "boilerplate":
            continue
        ids = set(entry.get("entity_ids", []))
        if ids and not ids & expected_ids and any(r[0] & ids for r in reported):
            metrics.boilerplate_failures += 1
    for cell in cells:
        cell.articles += 1
        cell.expected += len(expected)
        cell.found += found
        cell.false_alerts += len(false_alerts)
        cell.articles_with_false_alert += int(bool(false_alerts))
        if expected:
            cell.macro_sum += found / len(expected)
            cell.macro_n += 1


def _load_labels(text_dir: Path) -> list[dict[str, Any]]:
    path = text_dir / "labels.jsonl"
    if not path.is_file():
        raise InputError(f"{path}: no labels.jsonl (expected the eval/text layout)")
    labels: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                labels.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {number}: not JSON ({exc.msg})") from exc
    return labels


def evaluate_text(
    screener: ScreenerLike,
    text_dir: Path,
    *,
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> TextReport:
    """Screen every labelled article and compute the EVAL.md text metrics.

    Args:
        screener: a screener over the lists of the evaluation configuration.
        text_dir: a directory laid out like ``eval/text``.
        threshold: the threshold to report at; the screener's when None.
        progress: called with each file name before it is screened.

    Returns:
        A :class:`TextReport` with screenwise's and the exact baseline's metrics.

    Raises:
        InputError: when ``labels.jsonl`` is missing or malformed.
    """
    limit = screener.threshold if threshold is None else threshold
    labels = _load_labels(text_dir)
    traps = _traps(text_dir)
    report = TextReport(threshold=limit)
    ours = report.matchers.setdefault("screenwise", MatcherMetrics("screenwise"))
    base = report.matchers.setdefault("exact baseline", MatcherMetrics("exact baseline"))
    baseline = ExactBaseline(screener)
    for label in labels:
        path = text_dir / "articles" / label["folder"] / label["file"]
        if progress:
            progress(label["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.errors.append((label["file"], f"cannot be read ({exc.strerror})"))
            continue
        content_type = "text/html" if label.get("format") == "html" else "text/plain"
        began = time.perf_counter()
        try:
            result = screen_text(
                screener, data, content_type=content_type, threshold=limit, source=str(path)
            )
        except InputError as exc:
            report.errors.append((label["file"], str(exc)))
            continue
        ours.seconds += time.perf_counter() - began
        ours.chars += result.body_chars
        reported = _reported(result.parties, result.mentions)
        _score_article(ours, label, reported, label["file"] in traps)
        text = data.decode("utf-8", errors="replace")
        began = time.perf_counter()
        base_reported = baseline.screen(text)
        base.seconds += time.perf_counter() - began
        base.chars += len(text)
        _score_article(base, label, base_reported, label["file"] in traps)
    return report


def _reported(parties: Iterable[Any], mentions: Iterable[Any]) -> list[Reported]:
    texts: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.match and mention.region == "body":
            texts.setdefault(mention.entity_id, set()).add(mention.text)
    out: list[Reported] = []
    for party in parties:
        words = set().union(*(texts.get(i, set()) for i in party.entity_ids))
        out.append((frozenset(party.entity_ids), party.count, frozenset(words)))
    return out


@dataclass
class ExtractionQuality:
    """How well the article body extracted from one HTML page matches its ground truth.

    Word-level (bags of lower-cased words): ``recall`` is the share of the ground-truth
    body's words found in the extracted body, ``precision`` the share of the extracted
    body's words that are in the ground truth.

    Attributes:
        file: the page's file name.
        truth_words, extracted_words, common_words: word counts.
        error: why the page could not be extracted (empty when it was).
    """

    file: str
    truth_words: int
    extracted_words: int
    common_words: int
    error: str = ""

    @property
    def recall(self) -> float:
        """Share of ground-truth words extracted, in [0, 1]."""
        return self.common_words / self.truth_words if self.truth_words else 1.0

    @property
    def precision(self) -> float:
        """Share of extracted words in the ground truth, in [0, 1]."""
        return self.common_words / self.extracted_words if self.extracted_words else 0.0


def html_extraction_quality(text_dir: Path) -> list[ExtractionQuality]:
    """Compare the body extracted from each ``html/`` page with its ground-truth article body.

    Args:
        text_dir: a directory laid out like ``eval/text``; each ``articles/html/<id>.html``
            has ``<id>.ground_truth.json`` beside it with the human-annotated
            ``articleBody`` (EVAL.md, "Files").

    Returns:
        One :class:`ExtractionQuality` per page that has a ground truth, in file order.
    """
    from collections import Counter

    from screenwise.text.screen import build_document

    out: list[ExtractionQuality] = []
    for page in sorted((text_dir / "articles" / "html").glob("*.html")):
        truth_path = page.with_name(page.stem + ".ground_truth.json")
        if not truth_path.is_file():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8")).get("articleBody") or ""
        truth_bag = Counter(_WORD.findall(truth.lower()))
        try:
            document = build_document(page.read_bytes(), content_type="text/html")
        except InputError as exc:
            out.append(ExtractionQuality(page.name, sum(truth_bag.values()), 0, 0, str(exc)))
            continue
        body = " ".join(document.text[a:b] for a, b in document.body)
        bag = Counter(_WORD.findall(body.lower()))
        common = sum((truth_bag & bag).values())
        out.append(ExtractionQuality(page.name, sum(truth_bag.values()), sum(bag.values()), common))
    return out
