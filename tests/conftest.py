"""Shared pytest fixtures.

Fixture strategy: smallest fixture that has what you need; real data only under the
realdata marker. Unit and source tests use tiny hand-written files (inline or under
``tests/fixtures/<area>/``) in the official formats, malformed ones included. Tests marked
``@pytest.mark.realdata`` read the official list files staged in the shared folder through
the session-scoped :func:`shared_dir` fixture, which fails (never skips) when the folder is
missing; deselect them with ``-m "not realdata"``. Expensive real-data parses are
session-scoped so each file is parsed once per test run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Return the shared data folder: ``$SCREENWISE_SHARED``, else ``../shared`` of the repo.

    Fails the test (does not skip it) when the folder does not exist.
    """
    env = os.environ.get("SCREENWISE_SHARED")
    path = Path(env) if env else REPO_ROOT.parent / "shared"
    if not (path / "data" / "lists").is_dir():
        pytest.fail(f"shared data folder missing: {path} (set SCREENWISE_SHARED)")
    return path.resolve()


# -- store backends ------------------------------------------------------------------------
#
# The store runs on SQLite (the default) and on PostgreSQL. ``store_url`` gives a test an
# empty store URL on each backend in turn. The PostgreSQL server comes from
# ``SCREENWISE_TEST_PG_URL`` (``scripts/pg-test-server.sh`` starts one and prints it; CI
# exports it): without it the PostgreSQL cases are skipped locally but FAIL under
# ``CI=true``, so CI can never pass without having run them.

PG_URL_ENV = "SCREENWISE_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """Return the test server's SQLAlchemy URL from ``$SCREENWISE_TEST_PG_URL``.

    Skips when unset, except under ``CI=true`` where it fails the test.
    """
    url = os.environ.get(PG_URL_ENV, "").strip()
    if not url:
        message = (
            f"{PG_URL_ENV} is not set: run "
            f"`{PG_URL_ENV}=$(scripts/pg-test-server.sh) .venv/bin/pytest ...` "
            "to run the PostgreSQL store tests"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def pg_session_url(pg_server_url: str) -> Iterator[str]:
    """Create a database for this test session on the test server; drop it afterwards.

    One database per pytest process, so concurrent runs on the same server never meet.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(pg_server_url)
    name = f"screenwise_t_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    """Return the session database's URL with an empty ``public`` schema.

    Connections left open by earlier tests are ended first, so a leaked transaction cannot
    block the reset.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_session_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '10s'"))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return pg_session_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty store, once per backend (SQLite file, PostgreSQL).

    Several stores opened on the URL (list store, alert store, a second process's view)
    share one database on either backend.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))
