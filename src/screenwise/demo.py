"""``make demo``: the main job on real data, as a user would run it from the shell.

Runs a fixed sequence of ``screenwise`` commands in-process and echoes each command line
first, so every step can be repeated by hand:

1. load the official lists (the offline snapshot directory when it exists, else the
   publishers' URLs) and show the active list versions;
2. show what changed between two OFAC SDN versions (a delta);
3. screen names in several scripts and spellings, with and without birth dates;
4. screen the seed news article and report its mentions of listed parties.

The store lives under ``SCREENWISE_DATA_DIR`` (the Makefile sets ``var/``), so the demo
never touches a user's real store. Exits non-zero when a step fails.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from screenwise.settings import default_shared_lists_dir

console = Console()

#: Folders of the offline snapshot that hold official list files (see its SOURCES.md).
OFFICIAL_LIST_DIRS = ("ofac", "ofac_cons", "un", "uk", "us_csl")


def _run(args: Sequence[str], why: str = "") -> None:
    """Run one ``screenwise`` command in-process, echoing it (and why); exit on failure."""
    from screenwise.cli.main import cli

    console.print(Rule(style="dim"))
    console.print(f"[bold cyan]$ screenwise {shlex.join(args)}[/]")
    if why:
        console.print(f"[dim]{why}[/]")
    try:
        cli.main(list(args), prog_name="screenwise", standalone_mode=False)
    except SystemExit as exc:  # commands exit through click/sys.exit on errors
        if exc.code not in (0, None):
            console.print(f"[bold red]step failed with exit code {exc.code}[/]")
            sys.exit(int(exc.code) if isinstance(exc.code, int) else 1)


def _seed_article(lists_dir: Path | None) -> Path | None:
    """Return the seed article path beside the offline snapshot, if present."""
    if lists_dir is None:
        return None
    candidate = lists_dir.parent / "news" / "seed-article.txt"
    return candidate if candidate.is_file() else None


def main() -> None:
    """Run the demo steps in order."""
    os.environ.setdefault("SCREENWISE_DATA_DIR", str(Path("var").resolve()))
    lists_dir = default_shared_lists_dir()
    if lists_dir is not None:
        # The official lists only: the snapshot's FtM files are partial samples and a PEP
        # dataset, loadable by hand with ``screenwise lists load PATH --list-id ID``.
        official = [lists_dir / name for name in OFFICIAL_LIST_DIRS if (lists_dir / name).is_dir()]
        _run(["lists", "load", *[str(p) for p in official or [lists_dir]]])
    else:
        console.print("[yellow]no offline list snapshot found; downloading from the publishers[/]")
        _run(["lists", "fetch"])
    _run(["lists"], "the active version of each list")
    _run(
        ["lists", "delta", "us_ofac_sdn", "--from", "2023-11-03", "--to", "2024-04-02"],
        "what changed on the SDN list between two published versions",
    )
    for args, why in (
        (["screen", "Kim Jong-un", "--schema", "Person"], "a listed person, spelt as in the news"),
        (["screen", "Владимир Путин", "--schema", "Person"], "the same kind of query in Cyrillic"),
        (
            ["screen", "Dmitry Peskov", "--schema", "Person", "--birth-date", "1967-10-17"],
            "a birth date ranks the right Peskov above the UK-listed namesake born 1975",
        ),
        (
            ["screen", "Kim Jong Il", "--schema", "Person", "--birth-date", "1942"],
            "Kim Jong Un's father, born 1942, is on none of these lists: no hit is the "
            "right answer (his son, born 1984, must not be reported for him)",
        ),
        (["screen", "Rosneft", "--schema", "Company"], "a company name, legal forms aside"),
    ):
        _run(args, why)
    article = _seed_article(lists_dir)
    if article is not None:
        _run(
            ["screen-text", str(article)],
            "the seed news page: listed people in the article body, page furniture ignored",
        )
    console.print(Rule(style="dim"))
    console.print("[bold green]demo complete[/]")


if __name__ == "__main__":
    main()
