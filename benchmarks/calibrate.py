"""Refit the name-score calibration (``src/screenwise/data/name_calibration.yml``).

The score of a hit is ``sigmoid(slope * (similarity - s0) + logit(0.7) + qualifier
weights)`` (:mod:`screenwise.matching.algorithm`): two global parameters turn the raw name
similarity into a probability. This script fits them by maximum likelihood (logistic
regression with the qualifier weights as a fixed offset) on

* every pair of ``eval/names/pairs.csv`` (name only, no qualifiers), and
* the top five candidates of every query of ``eval/names/queries.jsonl`` whose label is
  known (an expected id is a true match; any candidate of a negative or namesake query,
  and any other candidate that is not expected, is not counted unless the query is a
  negative or namesake query, as in ``screenwise.evaluation``'s calibration table),

each source weighted equally, weak-alias hits left out (their probability is capped). It
prints the fitted values and the log-loss before and after, and with ``--write`` stores
them. Re-run it after any change to name comparison; a change of more than a few hundredths
in ``s0`` means the similarity scale moved.

Usage: ``python benchmarks/calibrate.py [--sample N] [--write]``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from common import shared_dir
from screenwise.entities import STRONG_NAME_PROPS
from screenwise.evaluation import load_eval_config, load_pairs, load_queries
from screenwise.matching.algorithm import (
    CALIBRATION_PATH,
    NAME_CURVE,
    CandidateEntity,
    PreparedQuery,
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


def _fit(points: list[tuple[float, float, bool, float]]) -> tuple[float, float]:
    """Newton's method for ``logit = a * sim + b + offset``; returns ``(a, b)``."""
    a, b = NAME_CURVE[0], _LOGIT_07 - NAME_CURVE[0] * NAME_CURVE[1]
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for sim, offset, label, weight in points:
            p = 1.0 / (1.0 + math.exp(-(a * sim + b + offset)))
            r = (p - (1.0 if label else 0.0)) * weight
            ga += r * sim
            gb += r
            w = p * (1 - p) * weight
            haa += w * sim * sim
            hab += w * sim
            hbb += w
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-7:
            break
    return a, b


def _log_loss(points: list[tuple[float, float, bool, float]], a: float, b: float) -> float:
    total = weights = 0.0
    for sim, offset, label, weight in points:
        p = 1.0 / (1.0 + math.exp(-(a * sim + b + offset)))
        p = min(max(p, 1e-9), 1 - 1e-9)
        total -= weight * math.log(p if label else 1 - p)
        weights += weight
    return total / weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=1, help="use every N-th query")
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION_PATH.name}")
    args = parser.parse_args()
    shared = shared_dir()
    names_dir = shared / "eval" / "names"
    pair_points = [
        (_pair_similarity(r["name1"], r["name2"], r.get("schema") or "LegalEntity"), 0.0,
         r["is_match"].strip().lower() == "true")
        for r in load_pairs(names_dir / "pairs.csv")
    ]  # fmt: skip
    screener = Screener.from_parsed(load_eval_config(shared))
    query_points: list[tuple[float, float, bool]] = []
    for data in load_queries(names_dir / "queries.jsonl")[:: args.sample]:
        query = Query(
            schema=data.get("schema", "LegalEntity"),
            properties={k: [str(v) for v in vs] for k, vs in data["properties"].items()},
        )
        expected = set(data.get("expected", []))
        labelled_all = data.get("kind") == "namesake" or not expected
        for candidate, scored in screener.score_candidates(query, lists=data.get("lists"))[:5]:
            if scored.comparison.similarity <= 0 or scored.matched_prop not in STRONG_NAME_PROPS:
                continue
            if labelled_all or candidate.entity_id in expected:
                offset = sum(f.weight for f in scored.features[1:])
                query_points.append(
                    (scored.comparison.similarity, offset, candidate.entity_id in expected)
                )
    points = [(s, o, m, 0.5 / len(pair_points)) for s, o, m in pair_points]
    points += [(s, o, m, 0.5 / len(query_points)) for s, o, m in query_points]
    old_a, old_b = NAME_CURVE[0], _LOGIT_07 - NAME_CURVE[0] * NAME_CURVE[1]
    a, b = _fit(points)
    slope, s0 = a, (_LOGIT_07 - b) / a
    print(f"points: {len(pair_points)} pairs, {len(query_points)} query candidates")
    print(f"current: slope={NAME_CURVE[0]:.3f} s0={NAME_CURVE[1]:.4f} "
          f"log-loss={_log_loss(points, old_a, old_b):.4f}")  # fmt: skip
    print(f"fitted:  slope={slope:.3f} s0={s0:.4f} log-loss={_log_loss(points, a, b):.4f}")
    if args.write:
        text = (
            "# Logistic calibration of name similarity (screenwise.matching.algorithm).\n"
            "# p_name = sigmoid(slope * (similarity - s0) + logit(0.7)): s0 is the similarity\n"
            "# scored 0.7. Fitted by benchmarks/calibrate.py (maximum likelihood, qualifier\n"
            "# weights as a fixed offset) on eval/names/pairs.csv and the labelled top-5\n"
            f"# candidates of eval/names/queries.jsonl (every {args.sample}. query), each\n"
            "# source weighted equally. Re-run it after changing name comparison.\n"
            f"slope: {slope:.3f}\n"
            f"s0: {s0:.4f}\n"
        )
        Path(CALIBRATION_PATH).write_text(text, encoding="utf-8")
        print(f"written to {CALIBRATION_PATH}")


if __name__ == "__main__":
    main()
