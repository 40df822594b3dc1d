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
