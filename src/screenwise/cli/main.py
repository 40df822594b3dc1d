"""The ``screenwise`` entry point: global options, shared helpers, one error mapping.

Each command module (``cli/lists.py``, ``cli/screen.py``, ``cli/text.py``, ``cli/serve.py``,
``cli/eval.py``) registers its commands on :data:`cli`. Commands parse arguments, make one
library call and render the result; a ``ScreenwiseError`` becomes a one-line message on
stderr and the error's exit code.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError as SettingsError
from rich.console import Console
from rich.markup import escape

from screenwise.errors import ScreenwiseError
from screenwise.settings import Settings

if TYPE_CHECKING:
    from screenwise.screening import Screener
    from screenwise.store.versions import ListStore

console = Console()
err_console = Console(stderr=True)

#: Width of tables written to a file or pipe (rich would cut them at 80 columns).
PIPE_WIDTH = 200


def fit_consoles() -> None:
    """Give both consoles a wide fixed width when their output is not a terminal.

    Off a terminal rich falls back to 80 columns and folds ids and words across lines
    (``us_ofac_s`` / ``dn-20157``); a file or a pipe gets :data:`PIPE_WIDTH` columns
    instead, unless ``COLUMNS`` says otherwise. On a terminal the terminal's own width is
    used.
    """
    if os.environ.get("COLUMNS", "").isdigit():
        return
    for target in (console, err_console):
        if not target.is_terminal:
            target.width = PIPE_WIDTH


class ScreenwiseGroup(click.Group):
    """A click group that maps ``ScreenwiseError`` to a message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        fit_consoles()
        try:
            return super().invoke(ctx)
        except ScreenwiseError as exc:
            err_console.print(
                "[bold red]error:[/]", escape(str(exc)), highlight=False, soft_wrap=True
            )
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.stderr.close()
            raise click.Abort() from None


class AppContext:
    """Per-invocation state: settings, and the store and screener built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: ListStore | None = None
        self._screener: Screener | None = None

    @property
    def store(self) -> ListStore:
        """The list-version store selected by ``--db`` / ``SCREENWISE_DB``, created when
        it does not exist yet (commands that write: ``lists load``, ``lists fetch``).

        Raises:
            StoreError: when the store cannot be opened (see :class:`ListStore`).
        """
        if self._store is None:
            from screenwise.store.versions import ListStore

            self._store = ListStore(self.settings.db_url)
        return self._store

    @property
    def existing_store(self) -> ListStore:
        """The store of :attr:`store`, for commands that only read it.

        Raises:
            StoreError: when the store does not exist (a mistyped ``--db`` path is
                reported instead of being created empty), or cannot be opened.
        """
        if self._store is None:
            from screenwise.store.versions import ListStore

            self._store = ListStore(self.settings.db_url, create=False)
        return self._store

    def screener(self) -> Screener:
        """A screener over the store's active list versions.

        Raises:
            NotReadyError: when no list version is loaded.
            StoreError: when the store does not exist or cannot be opened.
        """
        if self._screener is None:
            from screenwise.screening import Screener

            self._screener = Screener.from_store(self.existing_store, settings=self.settings)
        return self._screener


pass_app = click.make_pass_decorator(AppContext)

#: Click type of every ``--threshold`` option: a score in [0, 1].
THRESHOLD = click.FloatRange(0.0, 1.0)
#: Click type of every ``--limit`` option on screening commands.
LIMIT = click.IntRange(1, 500)


def build_settings(overrides: dict[str, Any]) -> Settings:
    """Build :class:`Settings`, turning a bad ``SCREENWISE_*`` value into a usage error.

    Raises:
        click.UsageError: naming the environment variable and what is wrong with it.
    """
    try:
        return Settings(**overrides)
    except SettingsError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            problems.append(f"SCREENWISE_{field.upper()}: {error['msg']}")
        raise click.UsageError("invalid setting: " + "; ".join(problems)) from None


def emit_json(data: Any) -> None:
    """Write one JSON document (or line) to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


@click.group(cls=ScreenwiseGroup)
@click.option(
    "--db",
    envvar="SCREENWISE_DB",
    help="SQLAlchemy URL of the store (default: SQLite under the data dir).",
)
@click.option(
    "--data-dir",
    envvar="SCREENWISE_DATA_DIR",
    type=click.Path(file_okay=False),
    help="Directory for the store and downloads.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="screenwise")
@click.pass_context
def cli(ctx: click.Context, db: str | None, data_dir: str | None, verbose: int) -> None:
    """screenwise: screen names and texts against official sanctions lists."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    overrides: dict[str, Any] = {}
    if db:
        overrides["db"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    ctx.obj = AppContext(build_settings(overrides))


def _register() -> None:
    """Import the command modules so they attach their commands to :data:`cli`."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"screenwise.cli.{name}")


#: Modules under ``screenwise.cli`` that define commands (imported after :data:`cli` exists).
COMMAND_MODULES = ("lists", "screen", "text", "serve", "eval", "alerts")

_register()
