"""``screenwise screen | screen-file | explain | compare | rescreen``: name screening commands.

Each command parses its arguments, makes one call into :mod:`screenwise.screening` and
renders the result (rich table, or JSON with ``--json``).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import IO, Any

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from screenwise.cli.main import (
    LIMIT,
    THRESHOLD,
    AppContext,
    cli,
    console,
    emit_json,
    err_console,
    pass_app,
)
from screenwise.entities import LIST_SCHEMATA
from screenwise.results import (
    Hit,
    Query,
    ScreeningResult,
    clean_query_country,
    clean_query_date,
)


def _parse_columns(value: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=COLUMN, got {item!r}", param_hint="--columns")
        out[field.strip()] = column.strip()
    return out


def _hits_table(result: ScreeningResult) -> Table:
    table = Table(
        title=f"{len(result.hits)} hit(s) for {', '.join(result.query.names)!r} (threshold {result.threshold:.2f})"
    )
    ids = max((len(hit.entity_id) for hit in result.hits), default=6)
    lists = max((len(hit.list_id) for hit in result.hits), default=4)
    table.add_column("score", no_wrap=True)
    table.add_column("entity", no_wrap=True, min_width=ids)
    table.add_column("list", no_wrap=True, min_width=lists)
    table.add_column("schema", no_wrap=True)
    for column in ("matched name", "programs", "explanation"):
        table.add_column(column, overflow="fold")
    for hit in result.hits:
        style = "bold red" if hit.match else "dim"
        table.add_row(
            Text(f"{hit.score:.3f}", style=style),
            hit.entity_id,
            hit.list_id,
            hit.schema_name,
            hit.matched_name,
            ", ".join(hit.programs),
            hit.explanation.summary,
        )
    return table


def _hit_line(query_id: str | None, hit: Hit) -> dict[str, Any]:
    """One output line of a hit: the keys the issue fixes, then what a reviewer reads."""
    return {
        "query_id": query_id,
        "entity_id": hit.entity_id,
        "list": hit.list_id,
        "score": hit.score,
        "match": hit.match,
        "list_version": hit.list_version,
        "schema": hit.schema_name,
        "caption": hit.caption,
        "matched_name": hit.matched_name,
        "explanation": hit.explanation.summary,
    }


def _skipped_line(query_id: str | None, line: int | None, reason: str) -> dict[str, Any]:
    """The output line of a record that was not screened."""
    return {"query_id": query_id, "line": line, "skipped": reason}


def _write_lines(out: IO[str], lines: list[dict[str, Any]]) -> None:
    """Append JSON lines and flush (an interrupted run resumes after the last line)."""
    out.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    out.flush()


def _warn_duplicate_ids(queries: list[Query], path: Path) -> None:
    """Warn when records share a query id: their hits land under one ``query_id``."""
    counts = Counter(q.id for q in queries)
    repeated = {qid: n for qid, n in counts.items() if n > 1}
    if repeated:
        sample = ", ".join(f"{qid!r} ×{n}" for qid, n in list(repeated.items())[:5])
        err_console.print(
            f"[yellow]warning:[/] {path}: {len(repeated)} query id(s) used by more than one "
            f"record ({sample}); their hits share one query_id in the output and a resumed "
            "run treats them as one",
            highlight=False,
        )


def _make_query(
    name: str,
    schema: str,
    birth_date: str | None,
    country: str | None,
    ids: tuple[str, ...],
    lists: tuple[str, ...],
) -> Query:
    return Query.from_name(
        name,
        schema=schema,
        birth_date=birth_date,
        country=country,
        identifiers=list(ids) or None,
        lists=list(lists) or None,
    )


#: ``--schema`` of the screening commands: the list schemata, and Thing for "anything".
SCHEMA = click.Choice([*LIST_SCHEMATA, "Thing"], case_sensitive=False)


def _check_birth_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Reject a ``--birth-date`` that is not YYYY, YYYY-MM or YYYY-MM-DD."""
    if value is None:
        return None
    cleaned = clean_query_date(value)
    if cleaned is None:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return cleaned


def _check_country(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Turn a ``--country`` name or code into its ISO code; reject unknown ones."""
    if value is None:
        return None
    code = clean_query_country(value)
    if code is None:
        raise click.BadParameter(
            f"{value!r} is not a known country: use an ISO 3166 alpha-2 code (ru, kp) or a "
            "country name"
        )
    return code


def _query_options(func: Any) -> Any:
    for option in reversed(
        (
            click.option(
                "--schema",
                type=SCHEMA,
                default="LegalEntity",
                show_default=True,
                help="FtM schema of the queried party.",
            ),
            click.option(
                "--birth-date",
                callback=_check_birth_date,
                help="Birth date (YYYY, YYYY-MM or YYYY-MM-DD).",
            ),
            click.option(
                "--country",
                callback=_check_country,
                help="Country or nationality (ISO 3166 alpha-2 code or country name).",
            ),
            click.option(
                "--id",
                "ids",
                multiple=True,
                help="Identifier (passport, IMO, registration number); repeatable.",
            ),
            click.option("--list", "lists", multiple=True, help="Only this list id; repeatable."),
        )
    ):
        func = option(func)
    return func


@cli.command("screen")
@click.argument("name")
@_query_options
@click.option(
    "--threshold", type=THRESHOLD, help="Score threshold for a match (default: settings)."
)
@click.option("--limit", type=LIMIT, help="Maximum hits shown.")
@click.option(
    "--all", "include_below", is_flag=True, help="Also show candidates below the threshold."
)
@click.option("--json", "as_json", is_flag=True, help="Print the ScreeningResult as JSON.")
@pass_app
def screen_command(
    app: AppContext,
    name: str,
    schema: str,
    birth_date: str | None,
    country: str | None,
    ids: tuple[str, ...],
    lists: tuple[str, ...],
    threshold: float | None,
    limit: int | None,
    include_below: bool,
    as_json: bool,
) -> None:
    """Screen one NAME against the active list versions."""
    query = _make_query(name, schema, birth_date, country, ids, lists)
    result = app.screener().screen(
        query, threshold=threshold, limit=limit, include_below=include_below
    )
    if as_json:
        emit_json(result.model_dump(mode="json", by_alias=True))
    else:
        console.print(_hits_table(result))


class _RateColumn(ProgressColumn):
    """Queries per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} q/s" if speed else "- q/s")


def _done_ids(path: Path) -> set[str]:
    done: set[str] = set()
    if not path.is_file():
        return done
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by an interruption: the query is screened again
            if isinstance(data, dict) and data.get("query_id") is not None:
                done.add(str(data["query_id"]))
    return done


@cli.command("screen-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="JSON lines output (appended; resumable).",
)
@click.option(
    "--columns", help="Field=column mapping, e.g. name=full_name,birth_date=dob,country=nat."
)
@click.option(
    "--threshold", type=THRESHOLD, help="Score threshold for a match (default: settings)."
)
@click.option("--limit", type=LIMIT, help="Maximum hits per query.")
@click.option("--processes", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Text encoding of a CSV or JSON lines file (e.g. latin-1, cp1252).",
)
@click.option(
    "--alerts",
    "open_alerts",
    is_flag=True,
    help="Also open an alert in the store for every match (see `screenwise alerts`).",
)
@pass_app
def screen_file_command(
    app: AppContext,
    path: Path,
    output: Path,
    columns: str | None,
    threshold: float | None,
    limit: int | None,
    processes: int,
    no_progress: bool,
    encoding: str,
    open_alerts: bool,
) -> None:
    """Screen every record of a CSV, JSONL or Parquet customer file.

    Writes one JSON line per hit ({"query_id", "entity_id", "list", "score", "match"}, then
    "list_version", "schema", "caption", "matched_name" and the "explanation" summary),
    {"query_id", "hits": 0} for a query without hits, and {"query_id", "line", "skipped"}
    for a record that could not be screened (no name, not JSON, a name with nothing to
    compare), so every record is accounted for. Records sharing an id are warned about.
    Restarting with the same -o skips the query ids already written. With --alerts, every
    match also opens an alert tied to its list version (decided false positives are not
    raised again).
    """
    from screenwise.errors import QueryError
    from screenwise.screening import SkippedRecord, read_queries

    screener = app.screener()
    alert_store = None
    if open_alerts:
        from screenwise.store.alerts import AlertStore

        alert_store = AlertStore(app.settings.db_url)
    done = _done_ids(output)
    skipped: list[SkippedRecord] = []
    every = list(
        read_queries(
            path, columns=_parse_columns(columns), encoding=encoding, on_skip=skipped.append
        )
    )
    _warn_duplicate_ids(every, path)
    if not every and not skipped:
        err_console.print(f"[yellow]warning:[/] {path}: no records to screen", highlight=False)
    queries = [q for q in every if q.id not in done]
    if done:
        err_console.print(
            f"resuming: {len(done)} queries already in {output}, {len(queries)} to go"
        )
        if open_alerts:
            err_console.print(
                f"[yellow]note:[/] --alerts opens alerts only for the queries screened now; "
                f"the {len(done)} already in {output} opened none unless that run had --alerts "
                "(write to a new -o file to screen them again)",
                highlight=False,
            )
    progress = Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=no_progress,
    )
    with progress, output.open("a", encoding="utf-8") as out:
        for record in skipped:
            if record.query_id not in done:
                _write_lines(out, [_skipped_line(record.query_id, record.line, record.reason)])
        failed = len(skipped)

        def on_error(query: Query, error: QueryError) -> None:
            nonlocal failed
            failed += 1
            err_console.print(f"[yellow]warning:[/] query {query.id!r}: {error}", highlight=False)
            _write_lines(out, [_skipped_line(query.id, None, str(error))])
            progress.advance(task)

        task = progress.add_task("screen", total=len(queries))
        for result in screener.screen_many(
            queries, threshold=threshold, limit=limit, processes=processes, on_error=on_error
        ):
            lines = [_hit_line(result.query.id, h) for h in result.hits]
            if not lines:
                lines = [{"query_id": result.query.id, "hits": 0}]
            _write_lines(out, lines)
            if alert_store is not None:
                alert_store.record_result(result, actor="cli")
            progress.advance(task)
    if failed:
        err_console.print(
            f"[yellow]{failed} record(s) not screened[/]: see the \"skipped\" lines in {output}",
            highlight=False,
        )


@cli.command("explain")
@click.argument("name")
@click.argument("entity_id")
@_query_options
@click.option("--json", "as_json", is_flag=True, help="Print the hit with its explanation as JSON.")
@pass_app
def explain_command(
    app: AppContext,
    name: str,
    entity_id: str,
    schema: str,
    birth_date: str | None,
    country: str | None,
    ids: tuple[str, ...],
    lists: tuple[str, ...],
    as_json: bool,
) -> None:
    """Show the full feature trace of NAME against one listed ENTITY_ID."""
    screener = app.screener()
    query = _make_query(name, schema, birth_date, country, ids, lists)
    hit = screener.score_entity(query, screener.get_entity(entity_id))
    if as_json:
        emit_json(hit.model_dump(mode="json", by_alias=True))
        return
    exp = hit.explanation
    console.print(
        f"[bold]{hit.entity_id}[/] {hit.caption} ({hit.schema_name}, {hit.list_id}) score [bold]{hit.score:.3f}[/] match={hit.match}"
    )
    console.print(
        f"query name {exp.query_name!r} ~ listed {exp.matched_name_kind} {exp.matched_name!r}"
    )
    parts = Table(title="name parts")
    for column in ("query part", "listed part", "how", "score"):
        parts.add_column(column)
    for p in exp.parts:
        parts.add_row(p.query_part or "-", p.candidate_part or "-", p.how, f"{p.score:.2f}")
    console.print(parts)
    features = Table(title="features (weights are log-odds effects)")
    for column in ("feature", "score", "weight", "detail", "description"):
        features.add_column(column, overflow="fold")
    for f in exp.features:
        features.add_row(f.name, f"{f.score:.3f}", f"{f.weight:+.2f}", f.detail, f.description)
    console.print(features)


@cli.command("compare")
@click.argument("name1", required=False)
@click.argument("name2", required=False)
@click.option(
    "--schema",
    type=SCHEMA,
    default="LegalEntity",
    show_default=True,
    help="FtM schema of both names.",
)
@click.option(
    "--file",
    "pairs_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with pair_id,schema,name1,name2.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def compare_command(
    app: AppContext,
    name1: str | None,
    name2: str | None,
    schema: str,
    pairs_file: Path | None,
    as_json: bool,
) -> None:
    """Score NAME1 (query side) against NAME2 (listed side), or every pair of --file."""
    from screenwise.screening import compare_names

    threshold = app.settings.threshold
    if pairs_file is not None:
        with pairs_file.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                score, _ = compare_names(
                    row["name1"],
                    row["name2"],
                    schema=row.get("schema") or schema,
                    settings=app.settings,
                )
                emit_json(
                    {"pair_id": row.get("pair_id"), "score": score, "match": score >= threshold}
                )
        return
    if not name1 or not name2:
        raise click.UsageError("give NAME1 and NAME2, or --file PAIRS.csv")
    score, explanation = compare_names(name1, name2, schema=schema, settings=app.settings)
    if as_json:
        emit_json(
            {
                "score": score,
                "match": score >= threshold,
                "explanation": explanation.model_dump(mode="json"),
            }
        )
    else:
        console.print(
            f"score [bold]{score:.3f}[/] match={score >= threshold} — {explanation.summary}"
        )


@cli.command("rescreen")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--list", "list_id", required=True, help="List whose update to rescreen against.")
@click.option(
    "--from",
    "from_ref",
    help="Old version (id, date or hash prefix; default: the one before --to).",
)
@click.option("--to", "to_ref", help="New version (default: the active one).")
@click.option("--columns", help="Field=column mapping, as for screen-file.")
@click.option(
    "--threshold", type=THRESHOLD, help="Score threshold for a match (default: settings)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON lines output file (default: standard output).",
)
@click.option(
    "--encoding", default="utf-8", show_default=True, help="Text encoding of the file."
)
@pass_app
def rescreen_command(
    app: AppContext,
    path: Path,
    list_id: str,
    from_ref: str | None,
    to_ref: str | None,
    columns: str | None,
    threshold: float | None,
    output: Path | None,
    encoding: str,
) -> None:
    """Screen a customer file only against what changed between two list versions.

    Writes JSON lines as screen-file does (hits carry the new version as "list_version";
    records that cannot be screened get a "skipped" line), to -o or standard output.
    """
    from screenwise.delta import default_base_version, diff_versions
    from screenwise.screening import SkippedRecord, read_queries

    store = app.existing_store
    new = store.resolve_version(list_id, to_ref)
    if from_ref is not None:
        old = store.resolve_version(list_id, from_ref)
    else:
        old = default_base_version(store, new.version_id)
    if old.published and new.published and old.published > new.published:
        raise click.UsageError(
            f"--from {old.version_id} is newer than --to {new.version_id}: rescreening "
            "screens against what an update added or changed, from an older version to a "
            "newer one"
        )
    delta = diff_versions(store, old.version_id, new.version_id)
    err_console.print(
        f"{old.version_id} -> {new.version_id}: {len(delta.added)} added, {len(delta.changed)} changed"
    )
    for note in delta.notes:
        err_console.print(f"note: {escape(note)}", highlight=False)
    screener = app.screener()
    skipped: list[SkippedRecord] = []
    queries = list(
        read_queries(
            path, columns=_parse_columns(columns), encoding=encoding, on_skip=skipped.append
        )
    )
    # "-" is standard output (click does not close it).
    with click.open_file(str(output) if output else "-", "w", encoding="utf-8") as out:
        _write_lines(out, [_skipped_line(r.query_id, r.line, r.reason) for r in skipped])
        for result in screener.rescreen(queries, delta, threshold=threshold):
            _write_lines(
                out,
                [_hit_line(result.query.id, h) for h in result.hits]
                or [{"query_id": result.query.id, "hits": 0}],
            )
