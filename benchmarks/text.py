"""Text screening benchmark: EVAL.md text metrics (screenwise and exact baseline) and speed.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/text.py``). Loads the lists of the
evaluation configuration (``eval/EVAL.md``) from ``$SCREENWISE_SHARED`` (default
``../shared``), prints the platform and input sizes, then:

1. the EVAL.md "Text screening set" tables for screenwise and for the exact-match
   baseline (every list name, case-folded, whole word);
2. extraction quality on ``html/``: word-level recall and precision of the extracted
   article body against each page's ground-truth ``articleBody``;
3. speed on one core with all lists loaded: MB/s of article text (the plain-text articles
   of the set, concatenated, screened in chunks of about 100 kB) and the time to screen one
   1 MB article, with the phrase-index build time (and its load from the disk cache)
   reported separately. Times are CPU seconds of this process (the best of five runs,
   so that other work on a shared machine does not count) beside wall-clock seconds.
   Throughput is measured twice: with the heap as loading left it, and after
   ``gc.collect(); gc.freeze()`` (what a server does once its lists are loaded, so that
   the cyclic collector no longer walks the loaded entities); the output says which row
   is which.

Targets (issue 4): mention recall >= 0.98, <= 1 false alert per 100 ordinary articles,
>= 2 MB/s per core, a 1 MB article in <= 1 s.
"""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from screenwise.evaluation import load_eval_config
from screenwise.screening import Screener
from screenwise.text import screen_text
from screenwise.text.evaluation import evaluate_text, html_extraction_quality
from screenwise.text.phrases import build_phrase_index
from screenwise.text.screen import phrase_index_for


def _shared() -> Path:
    env = os.environ.get("SCREENWISE_SHARED")
    path = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"
    if not (path / "eval" / "text" / "labels.jsonl").is_file():
        sys.exit(f"shared folder not found at {path} (set SCREENWISE_SHARED)")
    return path


def _corpus(text_dir: Path) -> str:
    texts = []
    for folder in ("seed", "sanctions", "ordinary"):
        for path in sorted((text_dir / "articles" / folder).iterdir()):
            if path.suffix in (".txt", ".md"):
                texts.append(path.read_text(encoding="utf-8"))
    return "\n\n".join(texts)


def main() -> None:
    console = Console(width=160)
    shared = _shared()
    text_dir = shared / "eval" / "text"
    console.print(
        f"platform: {platform.platform()} | python {platform.python_version()} | "
        f"cpus {os.cpu_count()} (one core used)"
    )
    began = time.perf_counter()
    parsed = load_eval_config(shared)
    screener = Screener.from_parsed(parsed)
    console.print(
        f"lists: {', '.join(p.list_id for p in parsed)} | entities: {len(screener.entities)} | "
        f"loaded in {time.perf_counter() - began:.1f} s"
    )
    gc.disable()  # as phrase_index_for builds it: without cyclic collections
    began, began_cpu = time.perf_counter(), time.process_time()
    index = build_phrase_index(screener.entities)
    built, built_cpu = time.perf_counter() - began, time.process_time() - began_cpu
    gc.enable()
    began, began_cpu = time.perf_counter(), time.process_time()
    index = phrase_index_for(screener)  # from the disk cache when an earlier run wrote it
    loaded, loaded_cpu = time.perf_counter() - began, time.process_time() - began_cpu
    console.print(
        f"phrase index: {len(index)} phrases, built in {built_cpu:.1f} s CPU ({built:.1f} s "
        f"wall); screener's index ready in {loaded_cpu:.1f} s CPU ({loaded:.1f} s wall; "
        "from the disk cache keyed by list versions when an earlier run wrote it)"
    )

    report = evaluate_text(screener, text_dir)
    report.render(console)
    _extraction_table(console, text_dir)

    corpus = _corpus(text_dir)
    screen_text(screener, corpus)  # warm the word caches
    chunk = 100_000
    pieces = [corpus[i : i + chunk] for i in range(0, len(corpus), chunk)]
    megabytes = len(corpus.encode("utf-8")) / 1e6
    runs = 5
    cpu_loaded, wall_loaded = _best_of(runs, lambda: [screen_text(screener, p) for p in pieces])
    gc.collect()
    gc.freeze()  # as a server does after loading its lists
    cpu, wall = _best_of(runs, lambda: [screen_text(screener, piece) for piece in pieces])
    article = corpus
    while len(article.encode("utf-8")) < 1_000_000:
        article += "\n\n" + corpus
    article = article.encode("utf-8")[:1_000_000].decode("utf-8", errors="ignore")
    result = screen_text(screener, article)
    one_cpu, one_wall = _best_of(runs, lambda: screen_text(screener, article))

    table = Table(title="Text screening speed (one core, all lists loaded)")
    for column in ("measure", f"CPU (best of {runs})", f"wall clock (best of {runs})", "target"):
        table.add_column(column)
    table.add_row("article text screened", f"{megabytes:.2f} MB in {len(pieces)} chunks", "", "")
    table.add_row(
        "throughput, heap as loaded",
        f"{megabytes / cpu_loaded:.2f} MB/s",
        f"{megabytes / wall_loaded:.2f} MB/s",
        "",
    )
    table.add_row(
        "throughput, after gc.freeze()",
        f"{megabytes / cpu:.2f} MB/s",
        f"{megabytes / wall:.2f} MB/s",
        ">= 2 MB/s",
    )
    table.add_row(
        "1 MB article (after gc.freeze())",
        f"{one_cpu:.2f} s ({len(result.mentions)} mentions)",
        f"{one_wall:.2f} s",
        "<= 1 s",
    )
    console.print(table)
    console.print(
        "gc.freeze(): after loading, the lists' objects are moved out of the cyclic "
        "collector's generations, as the server does; the first throughput row keeps them in."
    )


def _best_of(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """Run ``work`` several times; return the best CPU and the best wall-clock seconds."""
    cpu = wall = float("inf")
    for _ in range(runs):
        began_cpu, began_wall = time.process_time(), time.perf_counter()
        work()
        cpu = min(cpu, time.process_time() - began_cpu)
        wall = min(wall, time.perf_counter() - began_wall)
    return cpu, wall


def _extraction_table(console: Console, text_dir: Path) -> None:
    rows = html_extraction_quality(text_dir)
    table = Table(title="HTML body extraction vs ground-truth articleBody (word level)")
    for column in ("page", "truth words", "extracted words", "recall", "precision", "error"):
        table.add_column(column, justify="left" if column in ("page", "error") else "right")
    for row in rows:
        table.add_row(
            row.file[:16],
            str(row.truth_words),
            str(row.extracted_words),
            f"{row.recall:.3f}",
            f"{row.precision:.3f}",
            row.error[:40],
        )
    truth = sum(r.truth_words for r in rows)
    extracted = sum(r.extracted_words for r in rows)
    common = sum(r.common_words for r in rows)
    table.add_row(
        "all",
        str(truth),
        str(extracted),
        f"{common / truth if truth else 1.0:.3f}",
        f"{common / extracted if extracted else 0.0:.3f}",
        "",
    )
    console.print(table)


if __name__ == "__main__":
    main()
