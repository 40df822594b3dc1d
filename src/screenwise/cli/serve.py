"""``screenwise serve``: run the HTTP API (yente-compatible routes, review pages) with uvicorn.

The server loads the store's active list versions in the background; ``/readyz`` answers
503 until they are loaded. While it runs it checks the store every few seconds and swaps in
list versions promoted since (``screenwise lists load`` in another shell) without a
restart; the versions it serves are reported by ``/lists`` and ``/readyz``. It refuses to bind to a non-loopback address unless API keys
are configured (``SCREENWISE_API_KEYS`` or ``SCREENWISE_API_KEYS_FILE``).
"""

from __future__ import annotations

import logging
import os

import click

from screenwise.cli.main import AppContext, cli, err_console, pass_app
from screenwise.errors import AuthError


def check_bind(host: str, keys: list[str]) -> None:
    """Refuse to serve on a non-loopback address without API keys.

    Args:
        host: the address to bind (``127.0.0.1``, ``::1``, ``localhost``, ``0.0.0.0``...).
        keys: the configured API keys.

    Raises:
        AuthError: ``host`` is not a loopback address and ``keys`` is empty.
    """
    from screenwise.api.security import is_loopback

    if not keys and not is_loopback(host):
        raise AuthError(
            f"refusing to serve on {host} without API keys: set SCREENWISE_API_KEYS or "
            "SCREENWISE_API_KEYS_FILE, or bind to 127.0.0.1"
        )


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (screening is CPU-bound: use one per core).",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Write the JSON access log (one line per request) to stderr.",
)
@pass_app
def serve_command(app: AppContext, host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the HTTP API and the review pages.

    Routes: /match/{dataset} and /search/{dataset} (yente-compatible), /screen/batch,
    /screen/text, /entities/{id}, /lists, /alerts, /review, /healthz, /readyz; the
    OpenAPI reference is at /docs and /openapi.json. List versions loaded while the
    server runs are picked up within seconds, without a restart.

    With --workers N each worker process loads the lists and keeps its own rate-limit
    buckets: SCREENWISE_RATE_LIMIT_PER_MINUTE applies per worker (a keep-alive client
    stays on one worker; a client spread over many connections can reach N times it).
    Put a hard global limit in the reverse proxy.
    """
    import uvicorn

    from screenwise.api.app import create_app
    from screenwise.api.security import load_api_keys

    settings = app.settings
    check_bind(host, load_api_keys(settings))
    logging.getLogger("screenwise.access").setLevel(logging.INFO if access_log else logging.WARNING)
    if access_log:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access = logging.getLogger("screenwise.access")
        access.addHandler(handler)
        access.propagate = False
    err_console.print(
        f"serving on http://{host}:{port} with {workers} worker(s) (lists load in the background)"
    )
    if workers == 1:
        uvicorn.run(
            create_app(settings, settle_heap=True),
            host=host,
            port=port,
            access_log=False,
            log_level="warning",
        )
        return
    # Worker processes build their own app from the environment.
    os.environ["SCREENWISE_DB"] = settings.db_url
    os.environ["SCREENWISE_DATA_DIR"] = str(settings.data_dir)
    uvicorn.run(
        "screenwise.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        # screening is CPU-bound: a busy worker must not be restarted for a slow health ping
        timeout_worker_healthcheck=120,
    )
