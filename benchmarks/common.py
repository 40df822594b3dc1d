"""Shared helpers of the name benchmarks: shared folder, eval lists, comparison matcher.

The comparison matcher is nomenklatura's ``logic-v2`` (OpenSanctions, used by yente),
installed as the benchmark-only extra (``pip install -e '.[dev,bench]'``). When it cannot
be imported or run, :func:`load_logic_v2` returns None and the reason, which the
benchmarks print instead of its tables.
"""

from __future__ import annotations

import itertools
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from screenwise.results import Query

REPO = Path(__file__).resolve().parent.parent
_query_ids = itertools.count()


def shared_dir() -> Path:
    """Return the shared folder (``$SCREENWISE_SHARED`` or ``../shared``)."""
    env = os.environ.get("SCREENWISE_SHARED")
    path = Path(env) if env else REPO.parent / "shared"
    if not (path / "eval" / "EVAL.md").is_file():
        sys.exit(f"shared folder not found at {path} (set SCREENWISE_SHARED)")
    return path.resolve()


def platform_line() -> str:
    """One line describing the machine and interpreter."""
    return f"{platform.platform()} | Python {platform.python_version()} | {os.cpu_count()} CPUs"


def load_logic_v2() -> tuple[Callable[[Query, Any], float] | None, str]:
    """Return ``(score(query, entity) -> float, description)`` for nomenklatura logic-v2.

    Returns ``(None, reason)`` when nomenklatura is missing or fails to run against the
    installed followthemoney.
    """
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except Exception as exc:
        return None, f"nomenklatura logic-v2 unavailable: {type(exc).__name__}: {exc}"
    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        return None, "nomenklatura has no 'logic-v2' algorithm"
    config = ScoringConfig.defaults()

    def _make(data: dict[str, Any]) -> Any:
        try:
            from followthemoney import StatementEntity as Entity  # type: ignore[attr-defined]
        except ImportError:
            from followthemoney import EntityProxy as Entity  # type: ignore[attr-defined,no-redef]
        return Entity.from_dict(data) if hasattr(Entity, "from_dict") else model.get_proxy(data)

    def score(query: Query, entity: Any) -> float:
        # logic-v2 caches comparisons by entity id: every query entity gets its own id.
        left = _make(
            {
                "id": f"query-{next(_query_ids)}",
                "schema": query.schema_name,
                "properties": query.properties,
            }
        )
        right = _make(
            {
                "id": entity.id,
                "schema": entity.schema.name,
                "properties": entity.to_dict()["properties"],
            }
        )
        result = algorithm.compare(left, right, config)
        return float(result.score)

    try:
        probe = Query(schema="Person", properties={"name": ["Vladimir Putin"]})
        from screenwise.entities import make_entity

        entity = make_entity("probe", "1", "Person")
        entity.add("name", "PUTIN, Vladimir Vladimirovich")
        score(probe, entity)
    except Exception as exc:
        return (
            None,
            f"nomenklatura logic-v2 fails against followthemoney here: {type(exc).__name__}: {exc}",
        )
    return score, "nomenklatura logic-v2 (threshold 0.7)"
