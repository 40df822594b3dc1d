"""EVAL.md text metrics on the shared labelled articles (screenwise and the exact baseline).

The floors are the measured figures rounded down, so a regression by kind of fault fails;
the product targets (recall >= 0.98, <= 1 false alert per 100 ordinary articles) are
printed by ``benchmarks/text.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenwise.screening import Screener
from screenwise.text.evaluation import TextReport, evaluate_text, html_extraction_quality

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="session")
def text_report(eval_screener: Screener, shared_dir: Path) -> TextReport:
    return evaluate_text(eval_screener, shared_dir / "eval" / "text")


def test_every_article_is_screened(text_report: TextReport) -> None:
    assert text_report.errors == []
    assert text_report.matchers["screenwise"].folders["all"].articles == 169


def test_recall_and_false_alerts(text_report: TextReport) -> None:
    ours = text_report.matchers["screenwise"].folders
    assert ours["seed"].found == 3
    assert ours["all"].expected == 322
    assert ours["all"].found / ours["all"].expected >= 0.99
    assert ours["html"].found == ours["html"].expected
    assert 100 * ours["ordinary"].false_alerts / ours["ordinary"].articles <= 1.0
    assert ours["traps"].false_alerts == 0


def test_html_body_extraction_matches_the_ground_truth(shared_dir: Path) -> None:
    rows = html_extraction_quality(shared_dir / "eval" / "text")
    assert len(rows) == 18 and not any(r.error for r in rows)
    truth = sum(r.truth_words for r in rows)
    extracted = sum(r.extracted_words for r in rows)
    common = sum(r.common_words for r in rows)
    assert common / truth >= 0.98
    assert common / extracted >= 0.95


def test_no_boilerplate_failure(text_report: TextReport) -> None:
    assert text_report.matchers["screenwise"].boilerplate_failures == 0


def test_screenwise_beats_the_exact_baseline(text_report: TextReport) -> None:
    ours = text_report.matchers["screenwise"].folders["all"]
    base = text_report.matchers["exact baseline"].folders["all"]
    assert ours.found > base.found
    assert ours.false_alerts * 10 < base.false_alerts
    data = text_report.to_dict()
    assert set(data["matchers"]) == {"screenwise", "exact baseline"}
