"""Configuration: one ``Settings`` object, read from ``SCREENWISE_*`` environment variables.

Settings are built once (``Settings()``) at the edge of the program (CLI entry point,
``create_app``) and passed down; nothing reads the environment at import time. An
invalid value raises a pydantic ``ValidationError`` naming the variable: there is no
silent fallback to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "screenwise"


def default_shared_lists_dir() -> Path | None:
    """Return the offline snapshot directory of official list files, if one exists.

    Looks at ``$SCREENWISE_SHARED/data/lists`` and then ``../shared/data/lists`` relative to
    the current directory. Returns None when neither exists.
    """
    candidates = []
    shared = os.environ.get("SCREENWISE_SHARED")
    if shared:
        candidates.append(Path(shared) / "data" / "lists")
    candidates.append(Path.cwd().parent / "shared" / "data" / "lists")
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    return None


class Settings(BaseSettings):
    """All screenwise settings; each maps to ``SCREENWISE_<NAME>``.

    Attributes:
        data_dir: directory for the embedded store and downloads.
        db: SQLAlchemy URL of the store; default ``sqlite:///<data_dir>/screenwise.db``.
        threshold: default score threshold in [0, 1] for a hit to count as a match/alert.
        limit: default maximum number of hits returned per query.
        api_keys: comma-separated API keys accepted by the HTTP API (empty = none needed on
            loopback; the server refuses to bind to a public address without keys).
        api_keys_file: file with one API key per line (alternative to ``api_keys``).
        max_text_bytes: request body limit for text screening, in bytes.
        max_batch_queries: maximum queries per batch request.
        rate_limit_per_minute: requests per minute per API key (0 = unlimited).
        fetch_timeout_s: timeout for list and article downloads, in seconds.
        fetch_max_bytes: size limit for one download, in bytes.
    """

    model_config = SettingsConfigDict(env_prefix="SCREENWISE_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    db: str | None = None
    threshold: float = Field(0.7, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=500)
    api_keys: str = ""
    api_keys_file: Path | None = None
    max_text_bytes: int = Field(2_000_000, ge=1)
    max_batch_queries: int = Field(1000, ge=1)
    rate_limit_per_minute: int = Field(600, ge=0)
    fetch_timeout_s: float = Field(60.0, gt=0)
    fetch_max_bytes: int = Field(200_000_000, ge=1)

    @property
    def db_url(self) -> str:
        """The store URL: ``db`` when set, else an SQLite file under ``data_dir``."""
        if self.db:
            return self.db
        return f"sqlite:///{self.data_dir / 'screenwise.db'}"
