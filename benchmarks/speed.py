"""Screening speed on one core with every list of the evaluation configuration loaded.

Prints the platform and input sizes, list parse time per list, index build time, peak
RSS, then queries per second and p50/p95/p99 latency per query (retrieval + scoring of
up to 50 candidates, one process), and the same queries rescored by nomenklatura
logic-v2 when it runs here. Offline; prints, asserts nothing.

Usage: ``python benchmarks/speed.py [--queries N]``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from common import load_logic_v2, platform_line, shared_dir
from screenwise.evaluation import _query_of, eval_config_files, load_queries
from screenwise.screening import Screener
from screenwise.settings import Settings
from screenwise.sources import SOURCES
from screenwise.sources.discover import discover


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=1000, help="number of queries timed")
    args = parser.parse_args()
    console = Console(width=140)
    shared = shared_dir()
    console.print(f"[bold]speed benchmark[/] — {platform_line()}")

    parse_table = Table(title="list parse time (one core)")
    for column in ("list", "entities", "seconds"):
        parse_table.add_column(column)
    parsed = []
    for list_id, files in eval_config_files(shared).items():
        version_set = discover(files, SOURCES, list_id=list_id).sets[0]
        started = time.perf_counter()
        result = version_set.source.parse(version_set.files, published=version_set.date)
        parse_table.add_row(
            list_id, str(len(result.entities)), f"{time.perf_counter() - started:.2f}"
        )
        parsed.append(result)
    console.print(parse_table)

    cache = Path(tempfile.mkdtemp(prefix="screenwise-bench-"))
    try:
        settings = Settings(data_dir=cache)
        started = time.perf_counter()
        screener = Screener.from_parsed(parsed, settings=settings)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        Screener.from_parsed(parsed, settings=settings)
        cached_s = time.perf_counter() - started
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    entities = sum(len(p.entities) for p in parsed)
    console.print(
        f"index: {entities} entities, built in {build_s:.1f} s, loaded from the disk cache in "
        f"{cached_s:.1f} s; peak RSS so far {_rss_mb():.0f} MB"
    )

    data = load_queries(shared / "eval" / "names" / "queries.jsonl")
    step = max(1, len(data) // args.queries)
    queries = [_query_of(q) for q in data[::step]][: args.queries]
    for query in queries[:20]:
        screener.screen(query)  # warm-up
    latencies: list[float] = []
    started = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter()
        screener.screen(query, lists=query.lists)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    table = Table(title=f"screening {len(queries)} queries on one core (all lists loaded)")
    for column in ("matcher", "queries/s", "p50 ms", "p95 ms", "p99 ms", "peak RSS MB"):
        table.add_column(column)
    table.add_row(
        screener.algorithm,
        f"{len(queries) / total:.0f}",
        f"{_percentile(latencies, 0.5) * 1000:.1f}",
        f"{_percentile(latencies, 0.95) * 1000:.1f}",
        f"{_percentile(latencies, 0.99) * 1000:.1f}",
        f"{_rss_mb():.0f}",
    )
    logic_v2, description = load_logic_v2()
    if logic_v2 is not None:
        nk_latencies: list[float] = []
        subset = queries[:200]
        started = time.perf_counter()
        for query in subset:
            ranked = screener.score_candidates(query, lists=query.lists)
            t0 = time.perf_counter()
            for candidate, _ in ranked:
                logic_v2(query, screener.get_entity(candidate.entity_id))
            nk_latencies.append(time.perf_counter() - t0)
        nk_total = sum(nk_latencies)
        table.add_row(
            "logic-v2 (scoring the same 50 candidates)",
            f"{len(subset) / nk_total:.0f}",
            f"{_percentile(nk_latencies, 0.5) * 1000:.1f}",
            f"{_percentile(nk_latencies, 0.95) * 1000:.1f}",
            f"{_percentile(nk_latencies, 0.99) * 1000:.1f}",
            f"{_rss_mb():.0f}",
        )
    console.print(table)
    if logic_v2 is None:
        console.print(f"[yellow]{description}[/]")


if __name__ == "__main__":
    main()
