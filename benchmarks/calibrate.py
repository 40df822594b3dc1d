"""Refit the name-score calibration (``src/screenwise/data/name_calibration.yml``).

The score of a hit is ``sigmoid(k * (similarity - s0) + logit(0.7) + qualifier weights)``
(:mod:`screenwise.matching.algorithm`), ``k`` being ``slope`` above ``s0`` and
``slope_low`` below it: three global parameters of one monotone curve turn the raw name
similarity into a probability. This script fits them by maximum likelihood (``s0`` on a
grid of 0.005 steps, each slope by Newton's method on its side of ``s0``, the qualifier
weights as a fixed offset) on

* every pair of ``eval/names/pairs.csv`` (name only, no qualifiers), and
* the top five candidates of every query of ``eval/names/queries.jsonl`` whose label is
  known (an expected id is a true match; any candidate of a negative or namesake query,
  and any other candidate that is not expected, is not counted unless the query is a
  negative or namesake query, as in ``screenwise.evaluation``'s calibration table),

each source weighted equally, weak-alias hits and hits capped at ``ONE_PART_CAP`` left out
(their probability does not follow the curve). It
prints the fitted values and the log-loss before and after, and with ``--write`` stores
them. Re-run it after any change to name comparison; a change of more than a few hundredths
in ``s0`` means the similarity scale moved.

``--s0`` keeps the similarity scored 0.7 (the decision boundary at the default threshold)
fixed and fits only the two slopes.

Usage: ``python benchmarks/calibrate.py [--sample N] [--s0 S] [--write]``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from common import shared_dir
from screenwise.entities import STRONG_NAME_PROPS
from screenwise.evaluation import (
    load_eval_config,
    load_pairs,
    load_queries,
    query_from_labelled,
)
from screenwise.matching.algorithm import (
    CALIBRATION_PATH,
    NAME_CURVE,
    NAME_SLOPE_LOW,
    CandidateEntity,
    PreparedQuery,
    name_probability,
    score_candidate,
)
from screenwise.names.parts import name_kind, prepare_names
from screenwise.results import Query
from screenwise.screening import Screener

_LOGIT_07 = math.log(0.7 / 0.3)


def _pair_similarity(name1: str, name2: str, schema: str) -> float:
    candidate = CandidateEntity(
        entity_id="",
        list_id="",
        schema=schema,
        caption=name2,
        names=tuple(("name", name2, p) for p in prepare_names(name2, name_kind(schema))),
        birth_dates=(),
        countries=(),
        identifiers={},
        programs=(),
    )
    query = Query(schema=schema, properties={"name": [name1]})
    return score_candidate(PreparedQuery.from_query(query), candidate).comparison.similarity


Point = tuple[float, float, bool, float]


def _fit_slope(points: list[Point], s0: float, start: float) -> float:
    """Newton's method for the slope of ``logit = slope * (sim - s0) + logit(0.7) + offset``."""
    slope = start
    for _ in range(50):
        grad = hess = 0.0
        for sim, offset, label, weight in points:
            x = sim - s0
            p = 1.0 / (1.0 + math.exp(-(slope * x + _LOGIT_07 + offset)))
            grad += (p - (1.0 if label else 0.0)) * weight * x
            hess += p * (1 - p) * weight * x * x
        if hess <= 0:
            break
        step = grad / hess
        slope = min(max(slope - step, 1.0), 60.0)
        if abs(step) < 1e-6:
            break
    return slope


def _probability(sim: float, offset: float, curve: tuple[float, float, float]) -> float:
    slope, s0, slope_low = curve
    z = (slope if sim >= s0 else slope_low) * (sim - s0) + _LOGIT_07 + offset
    return 1.0 / (1.0 + math.exp(-z))


def _log_loss(points: list[Point], curve: tuple[float, float, float]) -> float:
    total = weights = 0.0
    for sim, offset, label, weight in points:
        p = min(max(_probability(sim, offset, curve), 1e-9), 1 - 1e-9)
        total -= weight * math.log(p if label else 1 - p)
        weights += weight
    return total / weights


def _fit(points: list[Point], fixed_s0: float | None = None) -> tuple[float, float, float]:
    """Grid over ``s0``; for each, the two slopes fitted on their own side of ``s0``."""
    best: tuple[float, tuple[float, float, float]] | None = None
    grid = [fixed_s0] if fixed_s0 is not None else [0.70 + 0.005 * i for i in range(33)]
    for s0 in grid:
        high = _fit_slope([p for p in points if p[0] >= s0], s0, NAME_CURVE[0])
        low = _fit_slope([p for p in points if p[0] < s0], s0, NAME_CURVE[0])
        curve = (high, s0, low)
        loss = _log_loss(points, curve)
        if best is None or loss < best[0]:
            best = (loss, curve)
    assert best is not None
    return best[1]


def collect_points(sample: int = 1) -> list[Point]:
    """Return ``(similarity, qualifier offset, is true match, weight)`` for the fit."""
    shared = shared_dir()
    names_dir = shared / "eval" / "names"
    pair_points = [
        (_pair_similarity(r["name1"], r["name2"], r.get("schema") or "LegalEntity"), 0.0,
         r["is_match"].strip().lower() == "true")
        for r in load_pairs(names_dir / "pairs.csv")
    ]  # fmt: skip
    screener = Screener.from_parsed(load_eval_config(shared))
    query_points: list[tuple[float, float, bool]] = []
    for data in load_queries(names_dir / "queries.jsonl")[::sample]:
        query = query_from_labelled(data)
        expected = set(data.get("expected", []))
        labelled_all = data.get("kind") == "namesake" or not expected
        for candidate, scored in screener.score_candidates(query, lists=data.get("lists"))[:5]:
            if scored.comparison.similarity <= 0 or scored.matched_prop not in STRONG_NAME_PROPS:
                continue
            if scored.name_probability < name_probability(scored.comparison.similarity):
                # Capped (ONE_PART_CAP): its probability does not follow the curve.
                continue
            if labelled_all or candidate.entity_id in expected:
                offset = sum(f.weight for f in scored.features[1:])
                query_points.append(
                    (scored.comparison.similarity, offset, candidate.entity_id in expected)
                )
    print(f"points: {len(pair_points)} pairs, {len(query_points)} query candidates")
    points = [(s, o, m, 0.5 / len(pair_points)) for s, o, m in pair_points]
    points += [(s, o, m, 0.5 / len(query_points)) for s, o, m in query_points]
    return points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=1, help="use every N-th query")
    parser.add_argument(
        "--s0",
        type=float,
        default=None,
        help="keep the similarity scored 0.7 fixed (default: fit it too)",
    )
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION_PATH.name}")
    args = parser.parse_args()
    points = collect_points(args.sample)
    current = (NAME_CURVE[0], NAME_CURVE[1], NAME_SLOPE_LOW)
    slope, s0, slope_low = _fit(points, args.s0)
    print(f"current: slope={current[0]:.3f} s0={current[1]:.4f} slope_low={current[2]:.3f} "
          f"log-loss={_log_loss(points, current):.4f}")  # fmt: skip
    print(f"fitted:  slope={slope:.3f} s0={s0:.4f} slope_low={slope_low:.3f} "
          f"log-loss={_log_loss(points, (slope, s0, slope_low)):.4f}")  # fmt: skip
    if args.write:
        text = (
            "# Logistic calibration of name similarity (screenwise.matching.algorithm).\n"
            "# p_name = sigmoid(k * (similarity - s0) + logit(0.7)), k = slope above s0 and\n"
            "# slope_low below it (one monotone curve): s0 is the similarity scored 0.7.\n"
            "# Fitted by benchmarks/calibrate.py (maximum likelihood, qualifier weights as a\n"
            "# fixed offset, s0 on a grid) on eval/names/pairs.csv and the labelled top-5\n"
            f"# candidates of eval/names/queries.jsonl (every {args.sample}. query), each\n"
            "# source weighted equally"
            + (f", s0 kept at {args.s0}" if args.s0 is not None else "")
            + ". Re-run it after changing name comparison.\n"
            f"slope: {slope:.3f}\n"
            f"s0: {s0:.4f}\n"
            f"slope_low: {slope_low:.3f}\n"
        )
        Path(CALIBRATION_PATH).write_text(text, encoding="utf-8")
        print(f"written to {CALIBRATION_PATH}")


if __name__ == "__main__":
    main()
