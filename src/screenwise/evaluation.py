"""Name-screening quality metrics over labelled sets laid out like ``eval/names``.

Computes every metric that ``eval/EVAL.md`` ("Metrics the benchmark must print") asks for,
from two files:

* ``pairs.csv`` (``pair_id,schema,name1,name2,is_match,source,category,quality``):
  precision, recall and F1 at the threshold and over a sweep (0.50..0.95), by schema and
  by source, and the mean score per (quality, is_match) cell.
* ``queries.jsonl`` (yente-shaped queries with ``expected``, ``not_expected``,
  ``namesake_of``, ``kind``, ``script`` labels): recall, candidate recall in the top 50,
  false-alert rate, namesake metrics and alert volume, by kind, script, schema and
  overall, plus an overall threshold sweep.

The same report can be built for any matcher from its scores
(:func:`build_names_report`), so ``benchmarks/quality.py`` prints identical tables for a
comparison matcher run on the same candidates. :func:`load_eval_config` parses the list
versions of EVAL.md's "Evaluation configuration" table through the source parsers.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from screenwise.errors import InputError
from screenwise.results import Query

if TYPE_CHECKING:
    from screenwise.screening import Screener
    from screenwise.sources.base import ParsedList

__all__ = [
    "SWEEP",
    "NamesReport",
    "PairOutcome",
    "QueryOutcome",
    "build_names_report",
    "evaluate_names",
    "load_eval_config",
    "load_pairs",
    "load_queries",
    "query_from_labelled",
    "score_pairs",
    "screen_eval_queries",
]

log = logging.getLogger(__name__)

#: Thresholds of the sweep (EVAL.md: 0.50 to 0.95 in steps of 0.05).
SWEEP: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
#: Candidates kept per query (EVAL.md: top 50).
TOP_CANDIDATES = 50


# --- inputs -----------------------------------------------------------------------------


def load_pairs(path: Path) -> list[dict[str, str]]:
    """Read ``pairs.csv``.

    Raises:
        InputError: naming the file and line when a required column is missing.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, row in enumerate(rows, start=2):
        for column in ("pair_id", "name1", "name2", "is_match"):
            if not row.get(column):
                raise InputError(f"{path} line {line}: column {column!r} is empty or missing")
    return rows


def load_queries(path: Path) -> list[dict[str, Any]]:
    """Read ``queries.jsonl`` (one labelled query per line).

    Raises:
        InputError: naming the file and line on invalid JSON or a query without ``id``.
    """
    out: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {line_no}: invalid JSON ({exc.msg})") from None
            if "id" not in data:
                raise InputError(f"{path} line {line_no}: field 'id' missing")
            out.append(data)
    return out


def query_from_labelled(data: dict[str, Any]) -> Query:
    """Build the screener's query from a labelled line (``schema``, ``properties``, ``lists``).

    A birth date or country that is not a valid value (the UN "treated" rows change one
    part of a date on purpose, e.g. day 32) is left out of the query, as a batch screen of
    a customer file would do, and logged; the rest of the query is screened.
    """
    from screenwise.results import clean_query_country, clean_query_date

    checks = {"birthDate": clean_query_date, "deathDate": clean_query_date}
    for prop in ("nationality", "country", "citizenship", "jurisdiction"):
        checks[prop] = clean_query_country
    properties: dict[str, list[str]] = {}
    for key, values in data.get("properties", {}).items():
        kept: list[str] = []
        for value in values:
            check = checks.get(key)
            if check is not None and str(value).strip() and check(str(value)) is None:
                log.info("query %s: dropping invalid %s %r", data.get("id"), key, value)
                continue
            kept.append(str(value))
        properties[key] = kept
    return Query(
        id=str(data["id"]),
        schema=data.get("schema", "LegalEntity"),
        properties=properties,
        lists=data.get("lists"),
    )


# --- outcomes ---------------------------------------------------------------------------


@dataclass
class PairOutcome:
    """One scored pair: labels and the matcher's score."""

    pair_id: str
    schema: str
    source: str
    quality: str
    is_match: bool
    score: float


@dataclass
class QueryOutcome:
    """One screened query: labels and the top candidates with scores (best first)."""

    query_id: str
    kind: str
    script: str
    schema: str
    expected: list[str]
    not_expected: list[str]
    namesake_of: list[str]
    candidates: list[tuple[str, float]] = field(default_factory=list)


def score_pairs(
    rows: Iterable[dict[str, str]], scorer: Callable[[str, str, str], float]
) -> list[PairOutcome]:
    """Score labelled pairs with any scorer ``(name1, name2, schema) -> score``."""
    return [
        PairOutcome(
            pair_id=r["pair_id"],
            schema=r.get("schema") or "LegalEntity",
            source=r.get("source", ""),
            quality=r.get("quality") or "-",
            is_match=r["is_match"].strip().lower() == "true",
            score=scorer(r["name1"], r["name2"], r.get("schema") or "LegalEntity"),
        )
        for r in rows
    ]


def screen_eval_queries(
    screener: Screener, queries: Sequence[dict[str, Any]]
) -> list[QueryOutcome]:
    """Screen labelled queries and keep the top 50 candidates of each with scores.

    Only ``schema``, ``properties`` and ``lists`` go to the screener.
    """
    out: list[QueryOutcome] = []
    for data in queries:
        query = query_from_labelled(data)
        ranked = screener.score_candidates(query, lists=query.lists, limit=TOP_CANDIDATES)
        out.append(_outcome(data, [(c.entity_id, s.score) for c, s in ranked]))
    return out


def _outcome(data: dict[str, Any], candidates: list[tuple[str, float]]) -> QueryOutcome:
    return QueryOutcome(
        query_id=str(data["id"]),
        kind=data.get("kind", "-"),
        script=data.get("script", "-"),
        schema=data.get("schema", "LegalEntity"),
        expected=list(data.get("expected", [])),
        not_expected=list(data.get("not_expected", [])),
        namesake_of=list(data.get("namesake_of", [])),
        candidates=candidates[:TOP_CANDIDATES],
    )


# --- metrics ----------------------------------------------------------------------------


def _prf(outcomes: Sequence[PairOutcome], threshold: float) -> dict[str, float]:
    tp = sum(1 for o in outcomes if o.is_match and o.score >= threshold)
    fp = sum(1 for o in outcomes if not o.is_match and o.score >= threshold)
    fn = sum(1 for o in outcomes if o.is_match and o.score < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(outcomes),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _query_metrics(outcomes: Sequence[QueryOutcome], threshold: float) -> dict[str, float]:
    positives = [o for o in outcomes if o.expected]
    negatives = [o for o in outcomes if not o.expected]
    found = 0
    cand_found = 0
    for o in positives:
        expected = set(o.expected)
        if any(eid in expected and score >= threshold for eid, score in o.candidates):
            found += 1
        if any(eid in expected for eid, _ in o.candidates):
            cand_found += 1
    false_alert_queries = 0
    for o in outcomes:
        alerts = [eid for eid, score in o.candidates if score >= threshold]
        if (
            (not o.expected and alerts)
            or (o.kind == "namesake" and any(eid not in o.expected for eid in alerts))
            or set(alerts) & set(o.not_expected)
        ):
            false_alert_queries += 1
    namesakes = [o for o in outcomes if o.kind == "namesake"]
    ns_alert = 0
    ns_outranked = 0
    for o in namesakes:
        expected = set(o.expected)
        others = set(o.namesake_of)
        if any(score >= threshold and eid not in expected for eid, score in o.candidates):
            ns_alert += 1
        best_expected = max((s for e, s in o.candidates if e in expected), default=-1.0)
        best_other = max((s for e, s in o.candidates if e in others), default=-1.0)
        if best_other > best_expected:
            ns_outranked += 1
    alerts_total = sum(1 for o in outcomes for _, score in o.candidates if score >= threshold)
    n = len(outcomes)
    return {
        "queries": n,
        "positives": len(positives),
        "negatives": len(negatives),
        "recall": found / len(positives) if positives else float("nan"),
        "candidate_recall": cand_found / len(positives) if positives else float("nan"),
        "false_alert_rate": false_alert_queries / n if n else float("nan"),
        "negative_false_alert_rate": (
            sum(1 for o in negatives if any(s >= threshold for _, s in o.candidates))
            / len(negatives)
            if negatives
            else float("nan")
        ),
        "namesakes": len(namesakes),
        "namesake_false_alert": ns_alert / len(namesakes) if namesakes else float("nan"),
        "namesake_outranked": ns_outranked / len(namesakes) if namesakes else float("nan"),
        "alert_volume": alerts_total / n if n else float("nan"),
    }


def _calibration(
    pairs: Sequence[PairOutcome], queries: Sequence[QueryOutcome]
) -> list[dict[str, float]]:
    """Observed share of true matches per score band (pairs + top query candidates)."""
    points: list[tuple[float, bool]] = [(p.score, p.is_match) for p in pairs]
    for o in queries:
        expected = set(o.expected)
        for eid, score in o.candidates[:5]:
            if o.kind == "namesake" or not o.expected or eid in expected:
                points.append((score, eid in expected))
    bands = []
    for low in (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        high = {0.0: 0.3, 0.3: 0.5, 0.5: 0.6, 0.6: 0.7, 0.7: 0.8, 0.8: 0.9, 0.9: 0.95, 0.95: 1.01}[
            low
        ]
        inside = [(s, m) for s, m in points if low <= s < high]
        if not inside:
            continue
        bands.append(
            {
                "low": low,
                "high": min(high, 1.0),
                "n": len(inside),
                "mean_score": sum(s for s, _ in inside) / len(inside),
                "observed": sum(1 for _, m in inside if m) / len(inside),
            }
        )
    return bands


@dataclass
class NamesReport:
    """Every name metric of EVAL.md for one matcher on one labelled directory.

    Attributes:
        matcher: name of the matcher (e.g. ``screenwise-v1``, ``logic-v2``).
        threshold: the threshold reported at.
        pairs: pair metrics (overall, sweep, by schema, by source, quality cells).
        queries: query metrics (overall, sweep, by kind, by script, by schema).
        calibration: observed share of true matches per score band.
    """

    matcher: str
    threshold: float
    pairs: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, Any] = field(default_factory=dict)
    calibration: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready nested dicts."""
        return {
            "matcher": self.matcher,
            "threshold": self.threshold,
            "pairs": self.pairs,
            "queries": self.queries,
            "calibration": self.calibration,
        }

    def render(self, console: Console) -> None:
        """Print the report as rich tables."""
        console.rule(f"[bold]{self.matcher}[/] — name screening at threshold {self.threshold:.2f}")
        if self.pairs:
            overall = self.pairs["overall"]
            console.print(
                f"pairs: n={overall['n']} precision={overall['precision']:.3f} "
                f"recall={overall['recall']:.3f} F1={overall['f1']:.3f}"
            )
            console.print(_prf_table("pairs: threshold sweep", "threshold", self.pairs["sweep"]))
            console.print(_prf_table("pairs by schema", "schema", self.pairs["by_schema"]))
            console.print(_prf_table("pairs by source", "source", self.pairs["by_source"]))
            table = Table(title="pairs: mean score per (quality, is_match)")
            for column in ("quality", "is_match", "n", "mean score"):
                table.add_column(column)
            for cell in self.pairs["quality_cells"]:
                table.add_row(
                    cell["quality"],
                    str(cell["is_match"]),
                    str(cell["n"]),
                    f"{cell['mean_score']:.3f}",
                )
            console.print(table)
        if self.queries:
            console.print(_query_table("queries: overall", {"overall": self.queries["overall"]}))
            console.print(_query_table("queries by kind", self.queries["by_kind"]))
            console.print(_query_table("queries by script", self.queries["by_script"]))
            console.print(_query_table("queries by schema", self.queries["by_schema"]))
            console.print(_query_table("queries: threshold sweep (overall)", self.queries["sweep"]))
        if self.calibration:
            table = Table(title="calibration: observed share of true matches per score band")
            for column in ("band", "n", "mean score", "observed true"):
                table.add_column(column)
            for band in self.calibration:
                table.add_row(
                    f"{band['low']:.2f}-{band['high']:.2f}",
                    str(band["n"]),
                    f"{band['mean_score']:.3f}",
                    f"{band['observed']:.3f}",
                )
            console.print(table)


def _fmt(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"


def _prf_table(title: str, label: str, rows: dict[str, dict[str, float]]) -> Table:
    table = Table(title=title)
    for column in (label, "n", "precision", "recall", "F1"):
        table.add_column(column)
    for key, m in rows.items():
        table.add_row(key, str(m["n"]), _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"]))
    return table


def _query_table(title: str, rows: dict[str, dict[str, float]]) -> Table:
    table = Table(title=title)
    columns = (
        "",
        "queries",
        "pos",
        "recall",
        "cand@50",
        "neg",
        "false alerts",
        "namesakes",
        "ns alert",
        "ns outranked",
        "alerts/query",
    )
    for column in columns:
        table.add_column(column)
    for key, m in rows.items():
        table.add_row(
            key,
            str(m["queries"]),
            str(m["positives"]),
            _fmt(m["recall"]),
            _fmt(m["candidate_recall"]),
            str(m["negatives"]),
            _fmt(m["false_alert_rate"]),
            str(m["namesakes"]),
            _fmt(m["namesake_false_alert"]),
            _fmt(m["namesake_outranked"]),
            _fmt(m["alert_volume"]),
        )
    return table


def _group(items: Sequence[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def build_names_report(
    matcher: str,
    threshold: float,
    pairs: Sequence[PairOutcome],
    queries: Sequence[QueryOutcome],
) -> NamesReport:
    """Compute every EVAL.md name metric from scored pairs and screened queries.

    Args:
        matcher: matcher name for the report.
        threshold: the matcher's default threshold.
        pairs: scored pairs (may be empty).
        queries: screened queries with their top candidates (may be empty).

    Returns:
        The :class:`NamesReport`.
    """
    thresholds = sorted({*SWEEP, round(threshold, 4)})
    report = NamesReport(matcher=matcher, threshold=threshold)
    if pairs:
        cells: list[dict[str, Any]] = []
        for key, group in _group(pairs, lambda p: f"{p.quality}|{p.is_match}").items():
            quality, is_match = key.split("|")
            cells.append(
                {
                    "quality": quality,
                    "is_match": is_match == "True",
                    "n": len(group),
                    "mean_score": sum(p.score for p in group) / len(group),
                }
            )
        order = {
            ("STRONG", True): 0,
            ("MEDIUM", True): 1,
            ("WEAK", True): 2,
            ("WEAK", False): 3,
            ("MEDIUM", False): 4,
            ("STRONG", False): 5,
        }
        cells.sort(
            key=lambda c: (
                order.get((c["quality"], c["is_match"]), 9),
                c["quality"],
                not c["is_match"],
            )
        )
        report.pairs = {
            "overall": _prf(pairs, threshold),
            "sweep": {f"{t:.2f}": _prf(pairs, t) for t in thresholds},
            "by_schema": {
                k: _prf(v, threshold) for k, v in _group(pairs, lambda p: p.schema).items()
            },
            "by_source": {
                k: _prf(v, threshold) for k, v in _group(pairs, lambda p: p.source).items()
            },
            "quality_cells": cells,
        }
    if queries:
        report.queries = {
            "overall": _query_metrics(queries, threshold),
            "by_kind": {
                k: _query_metrics(v, threshold)
                for k, v in _group(queries, lambda o: o.kind).items()
            },
            "by_script": {
                k: _query_metrics(v, threshold)
                for k, v in _group(queries, lambda o: o.script).items()
            },
            "by_schema": {
                k: _query_metrics(v, threshold)
                for k, v in _group(queries, lambda o: o.schema).items()
            },
            "sweep": {f"{t:.2f}": _query_metrics(queries, t) for t in thresholds},
        }
    report.calibration = _calibration(pairs, queries)
    return report


def evaluate_names(
    screener: Screener, names_dir: Path, *, threshold: float | None = None
) -> NamesReport:
    """Compute the EVAL.md name metrics of a screener on a labelled directory.

    Args:
        screener: the screener (normally over the evaluation configuration's lists).
        names_dir: a directory with ``pairs.csv`` and/or ``queries.jsonl``.
        threshold: threshold to report at (default: the screener's).

    Returns:
        The :class:`NamesReport` (``.to_dict()``, ``.render(console)``).

    Raises:
        InputError: when neither file exists or one is malformed.
    """
    from screenwise.screening import compare_names

    threshold = screener.threshold if threshold is None else threshold
    pairs_path = names_dir / "pairs.csv"
    queries_path = names_dir / "queries.jsonl"
    if not pairs_path.is_file() and not queries_path.is_file():
        raise InputError(f"{names_dir}: neither pairs.csv nor queries.jsonl found")
    pairs: list[PairOutcome] = []
    if pairs_path.is_file():
        settings = screener.settings
        pairs = score_pairs(
            load_pairs(pairs_path),
            lambda a, b, schema: compare_names(a, b, schema=schema, settings=settings)[0],
        )
    outcomes: list[QueryOutcome] = []
    if queries_path.is_file():
        outcomes = screen_eval_queries(screener, load_queries(queries_path))
    return build_names_report(screener.algorithm, threshold, pairs, outcomes)


# --- evaluation configuration --------------------------------------------------------------

_CONFIG_ROW = re.compile(r"^\|\s*`(?P<list>[a-z0-9_]+)`\s*\|(?P<files>[^|]+)\|")
_BACKTICK = re.compile(r"`([^`]+)`")


def eval_config_files(shared_dir: Path) -> dict[str, list[Path]]:
    """Read the "Evaluation configuration" table of ``eval/EVAL.md``.

    Args:
        shared_dir: the shared folder (with ``eval/EVAL.md`` and ``data/lists``).

    Returns:
        list id -> the files of its version (a bare file name lives beside the previous one).

    Raises:
        InputError: when EVAL.md is missing, has no table, or names a missing file.
    """
    eval_md = shared_dir / "eval" / "EVAL.md"
    if not eval_md.is_file():
        raise InputError(f"{eval_md}: not found")
    lists_dir = shared_dir / "data" / "lists"
    config: dict[str, list[Path]] = {}
    in_section = False
    for line_no, line in enumerate(eval_md.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("## "):
            in_section = "Evaluation configuration" in line
            continue
        match = _CONFIG_ROW.match(line) if in_section else None
        if match is None:
            continue
        files: list[Path] = []
        folder: Path | None = None
        for name in _BACKTICK.findall(match.group("files")):
            path = lists_dir / name if "/" in name or folder is None else folder / name
            if not path.is_file():
                raise InputError(f"{eval_md} line {line_no}: file {path} does not exist")
            folder = path.parent
            files.append(path)
        config[match.group("list")] = files
    if not config:
        raise InputError(f"{eval_md}: no 'Evaluation configuration' table found")
    return config


def load_eval_config(shared_dir: Path, *, cache_dir: Path | None = None) -> list[ParsedList]:
    """Parse exactly the list versions of EVAL.md's evaluation configuration.

    Parsed lists are cached as a pickle under ``cache_dir`` (default: the settings'
    ``data_dir/cache``), keyed by the sha256 of every input file, so later runs skip
    parsing.

    Args:
        shared_dir: the shared folder.
        cache_dir: where to keep the parsed-list cache.

    Returns:
        One ``ParsedList`` per list id of the table.

    Raises:
        InputError: when the table is missing or a file does not exist.
        ListParseError: when a list file does not parse.
    """
    from screenwise.screening import _default_settings
    from screenwise.sources import SOURCES
    from screenwise.sources.discover import discover

    config = eval_config_files(shared_dir)
    digest = hashlib.sha256()
    for list_id, files in sorted(config.items()):
        digest.update(list_id.encode())
        for path in files:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    cache_dir = cache_dir or Path(_default_settings().data_dir) / "cache"
    cache = cache_dir / f"eval-config-{digest.hexdigest()[:16]}.pickle"
    if cache.is_file():
        try:
            with cache.open("rb") as fh:
                cached: list[ParsedList] = pickle.load(fh)
            return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("ignoring unreadable cache %s: %s", cache, exc)
    parsed: list[ParsedList] = []
    for list_id, files in config.items():
        found = discover(files, SOURCES, list_id=list_id)
        if len(found.sets) != 1:
            reasons = "; ".join(str(s) for s in found.skipped) or f"{len(found.sets)} version sets"
            raise InputError(
                f"evaluation configuration {list_id}: cannot form one version ({reasons})"
            )
        version_set = found.sets[0]
        log.info("parsing %s", version_set.describe())
        parsed.append(version_set.source.parse(version_set.files, published=version_set.date))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError as exc:
        log.warning("cannot write cache %s: %s", cache, exc)
    return parsed
