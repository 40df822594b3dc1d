"""Real-data fixtures for name screening: one screener over the evaluation configuration.

The lists of ``eval/EVAL.md``'s "Evaluation configuration" are parsed once per test run
(and cached between runs under pytest's cache directory, keyed by file hashes), and one
session-scoped :class:`screenwise.screening.Screener` serves every real-data screening
test. Fails, never skips, when the shared folder is missing (see ``tests/conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenwise.evaluation import load_eval_config
from screenwise.screening import Screener
from screenwise.settings import Settings


@pytest.fixture(scope="session")
def eval_screener(shared_dir: Path, request: pytest.FixtureRequest) -> Screener:
    """A screener over the evaluation configuration's list versions."""
    cache_dir = Path(request.config.cache.mkdir("screenwise"))
    parsed = load_eval_config(shared_dir.resolve(), cache_dir=cache_dir)
    return Screener.from_parsed(parsed, settings=Settings(data_dir=cache_dir))
