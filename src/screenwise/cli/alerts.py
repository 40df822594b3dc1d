"""``screenwise alerts``, ``screenwise decide``, ``screenwise audit``: the alert queue on the CLI.

Each command makes one call into :class:`screenwise.store.alerts.AlertStore` (on the same
database as the list store, ``--db``) and renders the result as a rich table or, with
``--json``, as JSON. Statuses and decisions are accepted in either spelling (``true_match``
or ``true-match``, any case) and always shown as ``true_match`` / ``false_positive``, the
spelling of the HTTP API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich import box
from rich.table import Table

from screenwise.cli.main import AppContext, cli, console, emit_json, pass_app
from screenwise.errors import QueryError
from screenwise.store.alerts import DECISIONS, STATUSES, AlertStore, parse_decision, parse_status


class _Spelling(click.ParamType[str]):
    """A choice that accepts ``true_match``, ``true-match`` and ``True Match`` alike."""

    def __init__(self, name: str, choices: tuple[str, ...], parse: Callable[[str], str]) -> None:
        self.name = name
        self.choices = choices
        self._parse = parse

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.choices) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if text.strip().lower() == "all" and "all" in self.choices:
            return "all"
        try:
            return self._parse(text)
        except QueryError:
            self.fail(f"{text!r} is not one of {', '.join(self.choices)}", param, ctx)


STATUS_TYPE = _Spelling("status", (*STATUSES, "all"), parse_status)
DECISION_TYPE = _Spelling("decision", DECISIONS, parse_decision)


def _store(app: AppContext) -> AlertStore:
    return AlertStore(app.settings.db_url)


@cli.command("alerts")
@click.option(
    "--status",
    type=STATUS_TYPE,
    default="open",
    show_default=True,
    help="Alerts with this status.",
)
@click.option("--list", "list_id", default=None, help="Only alerts on this list id.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="Maximum alerts listed.",
)
@click.option(
    "--offset",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Alerts skipped before the first one listed (for paging).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the alerts as one JSON document.")
@pass_app
def alerts_command(
    app: AppContext, status: str, list_id: str | None, limit: int, offset: int, as_json: bool
) -> None:
    """List alerts, newest first (default: the open ones)."""
    store = _store(app)
    wanted = None if status == "all" else status
    alerts = store.list_alerts(status=wanted, list_id=list_id, limit=limit, offset=offset)
    if as_json:
        emit_json(
            {
                "alerts": [a.model_dump(mode="json", by_alias=True) for a in alerts],
                "total": store.count_alerts(status=wanted, list_id=list_id),
            }
        )
        return
    table = Table(title=f"alerts ({status})", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("id", "status", "score", "entity", "screened", "list version", "opened"):
        # ids and versions wrap instead of being cut short: a truncated id is useless
        table.add_column(
            column,
            justify="right" if column in ("id", "score") else "left",
            overflow="fold",
            no_wrap=column in ("id", "score", "entity"),
        )
    for a in alerts:
        table.add_row(
            str(a.id),
            a.status,
            f"{a.score:.2f}",
            f"{a.caption}\n{a.entity_id}",
            " / ".join(a.query.names) + (f"\n{a.query.id}" if a.query.id else ""),
            a.list_version_id,
            a.created_at.strftime("%Y-%m-%d"),
        )
    console.print(table)


@cli.command("decide")
@click.argument("alert_id", type=click.IntRange(1))
@click.argument("decision", type=DECISION_TYPE)
@click.option("--analyst", required=True, help="Who decides (name or login).")
@click.option("--comment", default="", help="Why (birth date, nationality, identifiers...).")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@pass_app
def decide_command(
    app: AppContext, alert_id: int, decision: str, analyst: str, comment: str, as_json: bool
) -> None:
    """Record a decision on an alert: true_match or false_positive (true-match and
    false-positive are accepted too)."""
    recorded = _store(app).decide(
        alert_id, decision, analyst=analyst, comment=comment, actor=f"{analyst} via cli"
    )
    if as_json:
        emit_json(recorded.model_dump(mode="json"))
        return
    console.print(
        f"alert {alert_id}: {recorded.decision.replace('_', ' ')} by {recorded.analyst} "
        f"(list version {recorded.list_version_id})"
    )


@cli.command("audit")
@click.argument("alert_id", type=click.IntRange(1), required=False)
@click.option(
    "--version", "version_id", default=None, help="Only events under this list version id."
)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@pass_app
def audit_command(
    app: AppContext, alert_id: int | None, version_id: str | None, as_json: bool
) -> None:
    """Show the audit trail (all events, or one alert's), oldest first.

    An unknown --version (neither a stored list version nor the version of any event) is
    an error, not an empty table.
    """
    events = _store(app).audit_trail(alert_id, list_version_id=version_id)
    if as_json:
        emit_json({"events": [e.model_dump(mode="json") for e in events]})
        return
    table = Table(title="audit trail", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("#", "when (UTC)", "alert", "event", "list version", "actor", "detail"):
        table.add_column(column, overflow="fold")
    for e in events:
        detail = e.detail.get("reason") or e.detail.get("comment") or ""
        if e.event == "decided":
            detail = f"{e.detail.get('decision')}: {detail}".rstrip(": ")
        table.add_row(
            str(e.id),
            e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            str(e.alert_id),
            e.event,
            e.list_version_id,
            e.actor,
            str(detail),
        )
    console.print(table)
