"""Text screening benchmark: EVAL.md text metrics (screenwise and exact baseline) and speed.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/text.py``). Loads the lists of the
evaluation configuration (``eval/EVAL.md``) from ``$SCREENWISE_SHARED`` (default
``../shared``), prints the platform and input sizes, then:

1. the EVAL.md "Text screening set" tables for screenwise and for the exact-match
   baseline (every list name, case-folded, whole word);
2. speed on one core with all lists loaded: MB/s of article text (the plain-text articles
   of the set, concatenated, screened in chunks of about 100 kB) and the time to screen one
   1 MB article, with the phrase-index build time reported separately.

Targets (issue 4): mention recall >= 0.98, <= 1 false alert per 100 ordinary articles,
>= 2 MB/s per core, a 1 MB article in <= 1 s.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from screenwise.evaluation import load_eval_config
from screenwise.screening import Screener
from screenwise.text import screen_text
from screenwise.text.evaluation import evaluate_text
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
    began = time.perf_counter()
    index = phrase_index_for(screener)
    console.print(
        f"phrase index: {len(index)} phrases, built in {time.perf_counter() - began:.1f} s"
    )

    report = evaluate_text(screener, text_dir)
    report.render(console)

    corpus = _corpus(text_dir)
    screen_text(screener, corpus[:20_000])  # warm the word caches
    chunk = 100_000
    pieces = [corpus[i : i + chunk] for i in range(0, len(corpus), chunk)]
    began = time.perf_counter()
    for piece in pieces:
        screen_text(screener, piece)
    elapsed = time.perf_counter() - began
    megabytes = len(corpus.encode("utf-8")) / 1e6
    article = corpus
    while len(article.encode("utf-8")) < 1_000_000:
        article += "\n\n" + corpus
    article = article.encode("utf-8")[:1_000_000].decode("utf-8", errors="ignore")
    began = time.perf_counter()
    result = screen_text(screener, article)
    one_mb = time.perf_counter() - began

    table = Table(title="Text screening speed (one core, all lists loaded)")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    table.add_row("article text screened", f"{megabytes:.2f} MB in {len(pieces)} chunks", "")
    table.add_row("throughput", f"{megabytes / elapsed:.2f} MB/s", ">= 2 MB/s")
    table.add_row("1 MB article", f"{one_mb:.2f} s ({len(result.mentions)} mentions)", "<= 1 s")
    console.print(table)


if __name__ == "__main__":
    main()
