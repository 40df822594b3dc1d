"""The name evaluation metrics on the shared labelled sets, at the default threshold.

Floors sit a little under the measured figures so a regression of a whole kind of fault
fails the test; the benchmark prints the exact figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenwise.evaluation import (
    build_names_report,
    load_pairs,
    load_queries,
    score_pairs,
    screen_eval_queries,
)
from screenwise.screening import Screener, compare_names

pytestmark = pytest.mark.realdata


def test_pairs_f1(shared_dir: Path) -> None:
    pairs = score_pairs(
        load_pairs(shared_dir / "eval" / "names" / "pairs.csv"),
        lambda a, b, schema: compare_names(a, b, schema=schema)[0],
    )
    report = build_names_report("screenwise", 0.7, pairs, [])
    assert report.pairs["overall"]["f1"] >= 0.86
    assert report.pairs["overall"]["precision"] >= 0.92
    by_schema = report.pairs["by_schema"]
    assert by_schema["Person"]["f1"] >= 0.86
    assert by_schema["Company"]["f1"] >= 0.83
    cells = {(c["quality"], c["is_match"]): c["mean_score"] for c in report.pairs["quality_cells"]}
    assert cells[("STRONG", True)] > cells[("MEDIUM", True)] > cells[("WEAK", False)]
    assert cells[("WEAK", False)] > cells[("MEDIUM", False)] > cells[("STRONG", False)]


def test_query_sample_metrics(eval_screener: Screener, shared_dir: Path) -> None:
    queries = load_queries(shared_dir / "eval" / "names" / "queries.jsonl")
    sample = queries[::10]
    report = build_names_report(
        "screenwise", eval_screener.threshold, [], screen_eval_queries(eval_screener, sample)
    )
    by_kind = report.queries["by_kind"]
    assert by_kind["cross-list"]["recall"] >= 0.97
    assert by_kind["cross-list"]["candidate_recall"] >= 0.99
    assert by_kind["negative"]["false_alert_rate"] <= 0.01
    assert by_kind["cross-script"]["recall"] >= 0.9
