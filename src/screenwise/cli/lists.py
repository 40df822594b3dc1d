"""``screenwise lists``, ``screenwise entity``, ``screenwise export``: list versions on the CLI.

Each command parses its arguments, makes one call into :mod:`screenwise.ingest`,
:mod:`screenwise.delta` or the store, and renders the result as a rich table, or as JSON
with ``--json``. Progress goes to stderr, so stdout stays clean for ``--json`` and
``export``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from screenwise.cli.main import AppContext, cli, console, emit_json, err_console, pass_app
from screenwise.delta import default_base_version, diff_versions
from screenwise.entities import NAME_PROPS
from screenwise.errors import (
    InputError,
    ListFetchError,
    ListParseError,
    NotFoundError,
    ValidationError,
    mask_url,
)
from screenwise.ingest import LoadReport, Progress, fetch_lists, load_paths
from screenwise.store.versions import (
    DROP_WARN_RATIO,
    ListOverview,
    ListVersion,
    LoadResult,
    activation_hint,
)

#: Warnings shown per version in the table output (all of them with ``--json``).
_WARNINGS_SHOWN = 5


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """Yield a progress callback that shows a rich status line on stderr."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    with err_console.status("starting") as status:
        yield lambda text: status.update(text)


def _schemas(counts: dict[str, int]) -> str:
    return "\n".join(
        f"{schema} {n:,}" for schema, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )


def _day(value: date | None) -> str:
    return value.isoformat() if value else "undated"


def _versions_table(
    title: str,
    versions: list[ListVersion],
    *,
    status: bool,
    ages: dict[str, int | None] | None = None,
) -> Table:
    """One row per version; the version id already carries the publication date."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    width = max((len(v.version_id) for v in versions), default=20)
    table.add_column("version (list@published#hash)", no_wrap=True, min_width=width)
    if status:
        table.add_column("status", min_width=8)
    if ages is not None:
        table.add_column("age", justify="right", no_wrap=True)
    table.add_column("entities", justify="right", min_width=6)
    table.add_column("by schema", min_width=18)
    table.add_column("files")
    for v in versions:
        files = "\n".join(sorted(v.files)) + ("" if v.complete else "\n(incomplete)")
        row = [v.version_id, v.status] if status else [v.version_id]
        if ages is not None:
            age = ages.get(v.version_id)
            row.append("undated" if age is None else f"{age:,} days")
        row += [f"{v.entity_count:,}", _schemas(v.schema_counts), files]
        table.add_row(*row)
    return table


def _render_overview(overview: list[ListOverview]) -> None:
    """The active versions table, then per list what is newer but not active, and why."""
    active = [o.active for o in overview if o.active is not None]
    ages = {o.active.version_id: o.age_days for o in overview if o.active is not None}
    console.print(_versions_table("active list versions", active, status=False, ages=ages))
    console.print(
        "age: days since the active version's publication date", style="dim", highlight=False
    )
    for item in overview:
        if item.active is None:
            console.print(
                f"[red]{item.list_id}: no active version[/] (screening skips this list); "
                "stored versions: `screenwise lists versions " + item.list_id + "`",
                highlight=False,
            )
        if not item.newer:
            continue
        count = len(item.newer)
        console.print(
            f"[yellow]{item.list_id}: {count} newer version{'s' if count > 1 else ''} "
            "not active:[/]",
            highlight=False,
        )
        for v in item.newer:
            why = v.status_reason or "no reason recorded"
            console.print(
                f"  {v.version_id} ({v.status}, {v.entity_count:,} entities"
                f"{'' if v.complete else ', incomplete set'}): {why}",
                highlight=False,
                soft_wrap=True,
            )
            console.print(f"    {activation_hint(v.version_id)}", highlight=False, soft_wrap=True)


def _render_report(report: LoadReport) -> None:
    """One block per version set: result, counts by schema, files, reason, notes, warnings."""
    for r in report:
        v = r.version
        title = v.version_id if v else f"{r.list_id} ({', '.join(sorted(r.files.values()))})"
        console.print(f"[bold]{title}[/]  [{_style(r)}]{r.status}[/]", highlight=False)
        if v is not None:
            schemas = _schemas(v.schema_counts).replace("\n", ", ")
            console.print(
                f"  published {_day(v.published)}; {v.entity_count:,} entities: {schemas}",
                highlight=False,
            )
        files = ", ".join(sorted(r.files))
        if v is not None and not v.complete:
            files += " (incomplete: companion files missing)"
        console.print(f"  files: {files}", highlight=False)
        console.print(f"  {escape(r.reason)}", highlight=False, soft_wrap=True)
        if v is not None:
            console.print(f"  entities: {r.changes()}", highlight=False, soft_wrap=True)
        if r.drop_warning:
            console.print(
                f"  [bold red]WARNING:[/] [bold]{escape(r.drop_warning)}[/]",
                highlight=False,
                soft_wrap=True,
            )
        console.print(f"  time: parse {r.parse_s:.2f} s, store {r.store_s:.2f} s", highlight=False)
        lines = [f"note: {n}" for n in r.notes] + [f"warning: {w}" for w in r.warnings]
        for line in lines[:_WARNINGS_SHOWN]:
            console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
        if len(lines) > _WARNINGS_SHOWN:
            console.print(f"  ... and {len(lines) - _WARNINGS_SHOWN} more (use --json)")
    for skipped in report.skipped:
        console.print(f"[yellow]skipped[/] {escape(str(skipped))}", highlight=False, soft_wrap=True)
    for path in report.unloaded:
        console.print(
            f"[bold red]nothing loaded from {escape(str(path))}[/]: no list file found there "
            "(see the skipped lines above)",
            highlight=False,
            soft_wrap=True,
        )


def _style(result: LoadResult) -> str:
    return {
        "promoted": "green",
        "stored": "yellow",
        "unchanged": "dim",
        "rejected": "red",
        "failed": "red",
    }[result.status]


def _report_json(report: LoadReport) -> dict[str, object]:
    return {
        "results": [r.to_dict() for r in report],
        "skipped": [{"path": str(s.path), "reason": s.reason} for s in report.skipped],
        "unloaded": [str(p) for p in report.unloaded],
        "drop_warnings": [r.drop_warning for r in report if r.drop_warning],
    }


def _exit_for(report: LoadReport, failure: type[Exception]) -> None:
    """Exit non-zero when a version set failed (parse/fetch) or was rejected, or a given
    path held no list file at all."""
    if any(r.status == "failed" for r in report):
        sys.exit(getattr(failure, "exit_code", 1))
    if any(r.status == "rejected" for r in report):
        sys.exit(ValidationError.exit_code)
    if report.unloaded:
        sys.exit(InputError.exit_code)


@cli.group("lists", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def lists_group(ctx: click.Context, as_json: bool) -> None:
    """Show the active version of every list (or run a subcommand).

    A list version is one publication of one list: its entities, content hash and
    publication date. Screening uses each list's active version. The table gives its age
    (days since its publication date) and, per list, the newer stored versions that are
    not active, with the reason and the command that activates them; --json gives the
    same as "age_days" and "newer_versions".
    """
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    overview = app.existing_store.overview()
    if as_json:
        emit_json([o.to_dict() for o in overview if o.active is not None])
        return
    if not overview:
        console.print(
            f"the store {mask_url(app.settings.db_url)} is empty: no list loaded yet; run "
            "`screenwise lists load PATH` or `lists fetch`",
            highlight=False,
            soft_wrap=True,
        )
        return
    _render_overview(overview)


#: ``--warn-drop`` of ``lists load`` and ``lists fetch``.
_WARN_DROP = click.option(
    "--warn-drop",
    type=click.FloatRange(0.0, 1.0),
    default=DROP_WARN_RATIO,
    show_default=True,
    help="Warn when a promoted version removes more than this share of the previously "
    "active version's entities.",
)


@lists_group.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--list-id",
    help="Only load files of this list (e.g. us_ofac_sdn); for FtM JSON files, the list id "
    "to give their entities.",
)
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date (YYYY-MM-DD) for files that state none.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Promote even when older, incomplete or much smaller than the active version.",
)
@_WARN_DROP
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def load_command(
    app: AppContext,
    paths: tuple[Path, ...],
    list_id: str | None,
    published: object,
    force: bool,
    warn_drop: float,
    as_json: bool,
) -> None:
    """Load list files or directories (format detected from each file).

    Files of one list version are grouped by the date in their names (sdn-2023-12-28.csv.gz
    with alt-2023-12-28.csv.gz) or by sitting together undated in one directory. Each
    version is validated before it becomes active; the output says which companion files
    were present, why a version was not promoted, and how many entities were added and
    removed against the version that was active. Exits non-zero when a file fails to
    parse, a version is rejected, or a given path holds no list file.
    """
    day = published.date() if hasattr(published, "date") else None
    with _progress(not as_json) as progress:
        report = load_paths(
            app.store,
            paths,
            list_id=list_id,
            published=day,
            force=force,
            progress=progress,
            warn_drop=warn_drop,
        )
    if as_json:
        emit_json(_report_json(report))
    else:
        if not report and not report.skipped:
            console.print("no list files found")
        _render_report(report)
    _exit_for(report, ListParseError)


@lists_group.command("fetch")
@click.argument("list_ids", nargs=-1)
@click.option("--force", is_flag=True, help="Promote even over the sanity checks.")
@_WARN_DROP
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def fetch_command(
    app: AppContext, list_ids: tuple[str, ...], force: bool, warn_drop: float, as_json: bool
) -> None:
    """Download lists from the publishers' official URLs, check and load them.

    With no LIST_ID, every list with registered URLs is fetched. Downloads go to a staging
    directory under the data directory; a failed, truncated or corrupted download leaves
    the active version in place.
    """
    with _progress(not as_json) as progress:
        report = fetch_lists(
            app.store, list_ids, app.settings, force=force, progress=progress, warn_drop=warn_drop
        )
    if as_json:
        emit_json(_report_json(report))
    else:
        _render_report(report)
    _exit_for(report, ListFetchError)


@lists_group.command("versions")
@click.argument("list_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def versions_command(app: AppContext, list_id: str, as_json: bool) -> None:
    """Show every stored version of a list, oldest first."""
    versions = app.existing_store.versions(list_id)
    if not versions:
        raise NotFoundError(f"no version of list {list_id!r} is stored")
    if as_json:
        emit_json([v.to_dict() for v in versions])
        return
    console.print(_versions_table(f"versions of {list_id}", versions, status=True))
    for v in versions:
        if v.status_reason:
            console.print(f"{v.version_id}: {v.status_reason}", highlight=False)


@lists_group.command("activate")
@click.argument("version")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def activate_command(app: AppContext, version: str, as_json: bool) -> None:
    """Make a stored VERSION the active one of its list (rollback or roll forward).

    VERSION is LIST@DATE (us_ofac_sdn@2024-05-03), LIST@HASH-PREFIX or a full version id
    as `screenwise lists versions LIST` shows it. The sanity checks of `lists load` are
    not applied: this is your decision.
    """
    result = app.existing_store.activate(version)
    if as_json:
        emit_json(result.to_dict())
        return
    v = result.version
    assert v is not None  # activate always names the version it resolved
    if result.status == "unchanged":
        console.print(f"{v.list_id}: {v.version_id} already is the active version", highlight=False)
        return
    was = f" (was {result.previous_active})" if result.previous_active else ""
    console.print(
        f"[green]{v.list_id}: {v.version_id} is now the active version[/]{was}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"  published {_day(v.published)}; {v.entity_count:,} entities; {result.changes()}",
        highlight=False,
        soft_wrap=True,
    )


@lists_group.command("delta")
@click.argument("list_id")
@click.option("--from", "from_ref", help="Old version (id, date or hash prefix).")
@click.option("--to", "to_ref", help="New version (default: the active version).")
@click.option("--limit", default=10, show_default=True, help="Entries listed per kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@pass_app
def delta_command(
    app: AppContext,
    list_id: str,
    from_ref: str | None,
    to_ref: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Compare two versions of a list: added, removed and changed entities.

    Without --from, the newest earlier version parsed from the same files is used (so a
    full OFAC CSV set is compared with the previous full set), else the one just before.
    """
    store = app.existing_store
    new = store.resolve_version(list_id, to_ref)
    if from_ref is None:
        old = default_base_version(store, new.version_id)
    else:
        old = store.resolve_version(list_id, from_ref)
    delta = diff_versions(store, old.version_id, new.version_id)
    if as_json:
        emit_json(delta.to_dict(limit=limit))
        return
    counts = delta.counts()
    console.print(f"[bold]{old.version_id}[/] -> [bold]{new.version_id}[/]", highlight=False)
    console.print(
        f"[green]+{counts['added']:,} added[/], [red]-{counts['removed']:,} removed[/], "
        f"[yellow]{counts['changed']:,} changed[/], {counts['unchanged']:,} unchanged",
        highlight=False,
    )
    table = Table(title=f"first {limit} changes of each kind", title_justify="left")
    table.add_column("change", no_wrap=True)
    table.add_column("entity", no_wrap=True)
    table.add_column("schema", no_wrap=True)
    table.add_column("caption / changed properties")
    for entity in delta.added[:limit]:
        table.add_row("[green]added[/]", str(entity.id), entity.schema.name, entity.caption)
    for entity in delta.removed[:limit]:
        table.add_row("[red]removed[/]", str(entity.id), entity.schema.name, entity.caption)
    for change in delta.changed[:limit]:
        props = ", ".join(sorted(change.properties))
        table.add_row(
            "[yellow]changed[/]",
            change.entity_id,
            change.new.schema.name,
            f"{change.new.caption}: {props}",
        )
    console.print(table)
    for note in delta.notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if delta.changed:
        top = ", ".join(f"{p} {n:,}" for p, n in list(delta.property_counts().items())[:8])
        console.print(f"changed properties: {top}", highlight=False)


@cli.command("entity")
@click.argument("entity_id")
@click.option(
    "--version",
    "version_id",
    help="Read from this list version: id, publication date or hash prefix (default: active).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the entity as FtM JSON.")
@pass_app
def entity_command(app: AppContext, entity_id: str, version_id: str | None, as_json: bool) -> None:
    """Show one entity with all its properties and its provenance (list, version)."""
    found = app.existing_store.find_entity(entity_id, version_id)
    entity, version = found.entity, found.version
    programs = sorted(entity.get("program", quiet=True))
    provenance = {
        "list_id": version.list_id,
        "version_id": version.version_id,
        "version_status": version.status,
        "published": version.published.isoformat() if version.published else None,
        "source": version.source,
        "programs": programs,
    }
    if as_json:
        data = entity.to_dict()
        emit_json({"id": data.pop("id"), **data, "provenance": provenance})
        return
    console.print(
        f"[bold]{entity.caption}[/]  {entity.id}  ({entity.schema.name})", highlight=False
    )
    table = Table(show_header=True, title_justify="left")
    table.add_column("property", no_wrap=True)
    table.add_column("values")
    props = entity.properties
    ordered = [p for p in NAME_PROPS if p in props] + sorted(
        p for p in props if p not in NAME_PROPS
    )
    for prop in ordered:
        table.add_row(prop, "\n".join(props[prop]))
    console.print(table)
    status = "" if version.active else f" ([yellow]{version.status}[/]: not the active version)"
    console.print(
        f"list {version.list_id}, version {version.version_id}{status}, "
        f"published {_day(version.published)}, programs: "
        f"{', '.join(programs) or 'none'}",
        highlight=False,
    )
    console.print(f"source: {version.source}", highlight=False, soft_wrap=True)


@cli.command("export")
@click.argument("list_id")
@click.option("--version", "version_ref", help="Version id, date or hash prefix (default: active).")
@pass_app
def export_command(app: AppContext, list_id: str, version_ref: str | None) -> None:
    """Write a list version's entities to stdout as FtM JSON lines (id first)."""
    store = app.existing_store
    version = store.resolve_version(list_id, version_ref)
    try:
        for line in store.iter_entity_json(version.version_id):
            sys.stdout.write(line)
            sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (``| head``): exit quietly, as FtM tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
