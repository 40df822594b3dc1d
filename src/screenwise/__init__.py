"""screenwise: sanctions and adverse-media screening.

Official lists in (``sources``), immutable list versions (``store``), explained hits out
(``screening``). The public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Query",
    "Screener",
    "ScreeningResult",
    "Settings",
    "__version__",
]

from screenwise.results import Query, ScreeningResult
from screenwise.settings import Settings

if TYPE_CHECKING:
    from screenwise.screening import Screener


def __getattr__(name: str) -> Any:
    # Lazy: the screener pulls in the matching stack, which the CLI's --help need not load.
    if name == "Screener":
        from screenwise.screening import Screener

        return Screener
    raise AttributeError(name)
