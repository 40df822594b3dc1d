"""Name-screening quality: the EVAL.md tables for screenwise and for nomenklatura logic-v2.

Loads the evaluation configuration (EVAL.md), screens every query of
``eval/names/queries.jsonl`` and scores every pair of ``pairs.csv`` with screenwise, then
re-scores the same top-50 candidates and the same pairs with logic-v2 (when it runs here)
and prints the same tables for both. logic-v2 scores about eight queries a second, so it
runs on a deterministic sample of the screened queries (every ``--logic-v2-sample``-th,
default 10) plus all pairs, and screenwise's query tables are printed again for that same
sample beside it. Offline; prints, asserts nothing.

Usage: ``python benchmarks/quality.py [--sample N] [--logic-v2-sample M] [--skip-logic-v2]``
(every N-th query, default 1 = all; ``--skip-logic-v2`` prints screenwise's tables only).
"""

from __future__ import annotations

import argparse
import itertools
import time

from rich.console import Console

from common import load_logic_v2, platform_line, shared_dir
from screenwise.entities import make_entity
from screenwise.evaluation import (
    QueryOutcome,
    build_names_report,
    load_eval_config,
    load_pairs,
    load_queries,
    query_from_labelled,
    score_pairs,
    screen_eval_queries,
)
from screenwise.results import Query
from screenwise.screening import Screener, compare_names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=1, help="use every N-th query")
    parser.add_argument(
        "--skip-logic-v2", action="store_true", help="skip the slow logic-v2 comparison"
    )
    parser.add_argument(
        "--logic-v2-sample",
        type=int,
        default=10,
        help="logic-v2 rescores every M-th screened query (default 10; 1 = all)",
    )
    args = parser.parse_args()
    console = Console(width=160)
    shared = shared_dir()
    names_dir = shared / "eval" / "names"
    console.print(f"[bold]quality benchmark[/] — {platform_line()}")
    started = time.perf_counter()
    parsed = load_eval_config(shared)
    screener = Screener.from_parsed(parsed)
    console.print(
        "lists: "
        + ", ".join(f"{p.list_id}={len(p.entities)}" for p in parsed)
        + f" (loaded in {time.perf_counter() - started:.1f} s)"
    )
    queries = load_queries(names_dir / "queries.jsonl")[:: args.sample]
    pair_rows = load_pairs(names_dir / "pairs.csv")
    console.print(f"inputs: {len(pair_rows)} pairs, {len(queries)} queries")

    started = time.perf_counter()
    pairs = score_pairs(pair_rows, lambda a, b, schema: compare_names(a, b, schema=schema)[0])
    outcomes = screen_eval_queries(screener, queries)
    console.print(f"screenwise scored in {time.perf_counter() - started:.1f} s")
    report = build_names_report(screener.algorithm, screener.threshold, pairs, outcomes)
    report.render(console)
    if args.skip_logic_v2:
        return

    logic_v2, description = load_logic_v2()
    if logic_v2 is None:
        console.print(f"[yellow]{description}[/]")
        return
    step = max(1, args.logic_v2_sample)
    sampled = outcomes[::step]
    console.rule(
        f"[bold]logic-v2 comparison[/]: all {len(pair_rows)} pairs and every {step}. "
        f"screened query ({len(sampled)} of {len(outcomes)}), same candidates"
    )
    build_names_report(
        f"{screener.algorithm} ({len(sampled)}-query sample)", screener.threshold, [], sampled
    ).render(console)
    started = time.perf_counter()

    pair_ids = itertools.count()

    def pair_score(a: str, b: str, schema: str) -> float:
        entity = make_entity("pairs", str(next(pair_ids)), schema)
        entity.add("name", b)
        return logic_v2(Query(schema=schema, properties={"name": [a]}), entity)

    nk_pairs = score_pairs(pair_rows, pair_score)
    nk_outcomes: list[QueryOutcome] = []
    by_id = {str(q["id"]): q for q in queries}
    for outcome in sampled:
        data = by_id[outcome.query_id]
        query = query_from_labelled(data)
        rescored = [
            (eid, logic_v2(query, screener.get_entity(eid))) for eid, _ in outcome.candidates
        ]
        rescored.sort(key=lambda item: -item[1])
        nk_outcomes.append(
            QueryOutcome(
                query_id=outcome.query_id,
                kind=outcome.kind,
                script=outcome.script,
                schema=outcome.schema,
                expected=outcome.expected,
                not_expected=outcome.not_expected,
                namesake_of=outcome.namesake_of,
                candidates=rescored,
            )
        )
    console.print(
        f"{description}: scored in {time.perf_counter() - started:.1f} s "
        f"(same candidates, {len(sampled)} queries)"
    )
    label = f"logic-v2 ({len(sampled)}-query sample)"
    build_names_report(label, 0.7, nk_pairs, nk_outcomes).render(console)


if __name__ == "__main__":
    main()
