"""Reference word lists for text screening, read from ``screenwise/data/text_*.yml``.

Each accessor returns one YAML key, loaded once and cached. The lists are data, not code
(the rigour habit): callers cite the ``file::KEY`` they use in their docstrings.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["load_wordlist", "phrase_list"]


@cache
def _load(name: str) -> dict[str, Any]:
    text = resources.files("screenwise").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"screenwise/data/{name}: expected a mapping of keys to lists")
    return data


def load_wordlist(name: str, key: str) -> Any:
    """Return the value of ``key`` in ``screenwise/data/<name>``.

    Raises:
        KeyError: when the file has no such key (a packaging error, not a user error).
    """
    data = _load(name)
    if key not in data:
        raise KeyError(f"screenwise/data/{name} has no key {key}")
    return data[key]


@cache
def phrase_list(name: str, key: str) -> tuple[str, ...]:
    """Return a YAML list of phrases, lower-cased, longest first."""
    values = load_wordlist(name, key)
    phrases = {str(value).strip().lower() for value in values if str(value).strip()}
    return tuple(sorted(phrases, key=lambda p: (-len(p), p)))
