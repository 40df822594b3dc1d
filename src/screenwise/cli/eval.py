"""``screenwise eval``: quality metrics over labelled evaluation sets (EVAL.md layout)."""

from __future__ import annotations

from pathlib import Path

import click

from screenwise.cli.main import THRESHOLD, AppContext, cli, console, emit_json, pass_app


@cli.command("eval")
@click.option(
    "--names",
    "names_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory laid out like eval/names (pairs.csv, queries.jsonl).",
)
@click.option(
    "--text",
    "text_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory laid out like eval/text (labels.jsonl, articles/).",
)
@click.option(
    "--threshold",
    type=THRESHOLD,
    default=None,
    help="Threshold to report at (default: the engine's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON document.")
@pass_app
def eval_command(
    app: AppContext,
    names_dir: Path | None,
    text_dir: Path | None,
    threshold: float | None,
    as_json: bool,
) -> None:
    """Compute the EVAL.md metrics for name and/or text evaluation sets.

    Screens against the store's active list versions; load the evaluation configuration
    first (``screenwise lists load``).
    """
    if names_dir is None and text_dir is None:
        raise click.UsageError("give --names DIR and/or --text DIR")
    screener = app.screener()
    out: dict[str, object] = {}
    if names_dir is not None:
        from screenwise.evaluation import evaluate_names

        names_report = evaluate_names(screener, names_dir, threshold=threshold)
        out["names"] = names_report.to_dict()
        if not as_json:
            names_report.render(console)
    if text_dir is not None:
        from screenwise.text.evaluation import evaluate_text

        text_report = evaluate_text(screener, text_dir, threshold=threshold)
        out["text"] = text_report.to_dict()
        if not as_json:
            text_report.render(console)
    if as_json:
        emit_json(out)
