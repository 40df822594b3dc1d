"""``screenwise screen-text``: screen an article (path, URL or ``-``) for listed parties."""

from __future__ import annotations

from pathlib import Path

import click

from screenwise.cli.main import AppContext, cli, console, emit_json, pass_app


@cli.command("screen-text")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON document.")
@click.option(
    "--threshold", type=click.FloatRange(0.0, 1.0), default=None, help="Alert threshold in [0, 1]."
)
@click.option(
    "--html-report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write an HTML report (article with highlighted mentions, hits beside it).",
)
@click.option(
    "--content-type",
    type=click.Choice(["text/html", "text/plain"]),
    default=None,
    help="Force HTML or plain text (default: sniffed from the content).",
)
@pass_app
def screen_text_command(
    app: AppContext,
    source: str,
    as_json: bool,
    threshold: float | None,
    html_report: Path | None,
    content_type: str | None,
) -> None:
    """Screen SOURCE (a file path, an http(s) URL, or - for stdin) for mentions of listed parties.

    HTML pages are reduced to their article; scraped text gets boilerplate detection. Every
    mention carries offsets into the input, its sentence, score and region (body or
    boilerplate).
    """
    from screenwise.text import read_source, result_to_json
    from screenwise.text.render import render_html_report, render_terminal

    settings = app.settings
    raw = read_source(source, max_bytes=settings.max_text_bytes, timeout_s=settings.fetch_timeout_s)
    screener = app.screener()
    result = screener.screen_text(
        raw.text,
        content_type=content_type or raw.content_type,
        threshold=threshold,
        source=source,
    )
    result.warnings[:0] = raw.warnings
    if html_report is not None:
        html_report.write_text(render_html_report(result, raw.text), encoding="utf-8")
    if as_json:
        emit_json(result_to_json(result))
    else:
        render_terminal(result, raw.text, console)
