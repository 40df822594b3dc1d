"""Screening speed on one core with every list of the evaluation configuration loaded.

Prints the platform and input sizes, list parse time per list, index build time and the
time to load it from the disk cache, peak RSS, then queries per second and p50/p95/p99
latency per query (``Screener.screen``: retrieval of up to 50 candidates, qualifier bound,
full scoring of the rest, explained hits; one process), by wall clock and by CPU time
(the machine may be shared), whether those hits equal exhaustive scoring of every
candidate, and the same queries rescored by nomenklatura logic-v2 when it runs here.
With ``--cli`` it also loads the lists into a throw-away store and times a
``screenwise screen`` call with a cold and with a warm index cache. Offline; prints,
asserts nothing.

Usage: ``python benchmarks/speed.py [--queries N] [--cli] [--skip-logic-v2]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from common import load_logic_v2, platform_line, shared_dir
from screenwise.evaluation import eval_config_files, load_queries, query_from_labelled
from screenwise.screening import Screener
from screenwise.settings import Settings
from screenwise.sources import SOURCES
from screenwise.sources.base import ParsedList
from screenwise.sources.discover import discover


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=1000, help="number of queries timed")
    parser.add_argument("--cli", action="store_true", help="also time `screenwise screen`")
    parser.add_argument("--skip-logic-v2", action="store_true", help="skip logic-v2")
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
    names = screener._prepared.name_count
    console.print(
        f"index: {entities} entities, {names} names, built in {build_s:.1f} s, loaded from "
        f"the disk cache in {cached_s:.2f} s; peak RSS so far {_rss_mb():.0f} MB"
    )

    data = load_queries(shared / "eval" / "names" / "queries.jsonl")
    step = max(1, len(data) // args.queries)
    queries = [query_from_labelled(q) for q in data[::step]][: args.queries]
    for query in queries[:20]:
        screener.screen(query)  # warm-up
    # As the server does once its lists are loaded: move the index out of the collector's
    # reach, so full collections do not rescan it while queries allocate.
    gc.collect()
    gc.freeze()
    console.print(f"gc: {gc.get_freeze_count()} objects frozen after the index was built")
    latencies: list[float] = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    results = []
    for query in queries:
        t0 = time.perf_counter()
        results.append(screener.screen(query, lists=query.lists))
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    cpu_total = time.process_time() - cpu_started
    table = Table(title=f"screening {len(queries)} queries on one core (all lists loaded)")
    for column in (
        "matcher",
        "queries/s (wall)",
        "queries/s (CPU)",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "peak RSS MB",
    ):
        table.add_column(column)
    table.add_row(
        screener.algorithm,
        f"{len(queries) / total:.0f}",
        f"{len(queries) / cpu_total:.0f}",
        f"{_percentile(latencies, 0.5) * 1000:.1f}",
        f"{_percentile(latencies, 0.95) * 1000:.1f}",
        f"{_percentile(latencies, 0.99) * 1000:.1f}",
        f"{_rss_mb():.0f}",
    )
    differ = 0
    for query, result in zip(queries, results, strict=True):
        full = [
            (c.entity_id, s.score)
            for c, s in screener.score_candidates(query, lists=query.lists)
            if s.score >= screener.threshold and s.score > 0.0
        ][: screener.settings.limit]
        differ += [(h.entity_id, h.score) for h in result.hits] != full
    console.print(
        f"fast path vs exhaustive scoring of all candidates: {len(queries) - differ} of "
        f"{len(queries)} queries with identical hits"
    )
    logic_v2, description = (None, "logic-v2 skipped") if args.skip_logic_v2 else load_logic_v2()
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
    if args.cli:
        _time_cli(console, parsed)


def _time_cli(console: Console, parsed: list[ParsedList]) -> None:
    """Load the lists into a throw-away store and time ``screenwise screen`` calls."""
    from screenwise.store.versions import ListStore

    data_dir = Path(tempfile.mkdtemp(prefix="screenwise-cli-"))
    try:
        started = time.perf_counter()
        store = ListStore(f"sqlite:///{data_dir / 'screenwise.db'}")
        for result in parsed:
            store.load(result)
        store.close()
        load_s = time.perf_counter() - started
        env = {**os.environ, "SCREENWISE_DATA_DIR": str(data_dir)}
        command = [
            str(Path(sys.executable).with_name("screenwise")),
            "screen",
            "Kim Jong-un",
            "--schema",
            "Person",
            "--json",
        ]
        table = Table(title='`screenwise screen "Kim Jong-un" --json` (new process each)')
        for column in ("index cache", "seconds"):
            table.add_column(column)
        for label in ("cold (builds and writes it)", "warm", "warm"):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            table.add_row(label, f"{time.perf_counter() - started:.2f}")
        subprocess_import = [sys.executable, "-c", "import screenwise.cli.main"]
        started = time.perf_counter()
        subprocess.run(subprocess_import, env=env, check=True, capture_output=True)
        table.add_row("(python start + CLI imports only)", f"{time.perf_counter() - started:.2f}")
        console.print(f"store: the lists loaded into SQLite in {load_s:.1f} s")
        console.print(table)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
