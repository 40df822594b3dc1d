"""List sources: one module per official list format (download -> read -> entities).

:data:`SOURCES` maps each list id to the module-level :class:`~screenwise.sources.base.Source`
object that reads its published formats. Each Source carries its official download URLs
(``urls``: role -> URL, used by ``screenwise lists fetch``) and the URL of the official
format specification (``spec_url``).

| list id | module | publisher formats |
|---|---|---|
| ``us_ofac_sdn`` | ``us_ofac.SDN`` | legacy CSV set (sdn/alt/add/sdn_comments.csv), classic XML |
| ``us_ofac_cons`` | ``us_ofac.CONS`` | cons_prim/alt/add/comments.csv, classic XML, Enhanced XML |
| ``un_sc_sanctions`` | ``un_sc`` | UN SC consolidated XML |
| ``gb_hmt_sanctions`` | ``gb_hmt`` | OFSI ConList CSV and XLSX |
| ``us_trade_csl`` | ``us_csl`` | US Consolidated Screening List CSV |
| ``eu_fsf`` | ``eu_fsf`` | EU Financial Sanctions File XML |
| FtM lists | ``ftm`` | FollowTheMoney JSON lines (entities and delta files) |

:data:`SET_LAYOUTS` says which files of a format belong together in one list version
(a primary file and its companions) for :mod:`screenwise.sources.discover`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from screenwise.sources.base import ParsedList, Source

__all__ = [
    "SET_LAYOUTS",
    "SOURCES",
    "SOURCE_MODULES",
    "ParsedList",
    "SetLayout",
    "Source",
    "get_source",
    "set_layout",
]

log = logging.getLogger(__name__)

#: Source modules, in registry order; each exposes module-level Source objects.
SOURCE_MODULES: tuple[str, ...] = ("us_ofac", "un_sc", "gb_hmt", "us_csl", "eu_fsf", "ftm")

#: Registry key of the FtM source; FtM files carry their own list ids.
FTM_KEY = "ftm"


@dataclass(frozen=True)
class SetLayout:
    """How the files of one list version group together.

    Attributes:
        companions: primary role -> roles of companion files that complete it, e.g. the
            OFAC legacy CSV ``sdn`` with ``alt``, ``add`` and ``comments``. A role not
            listed anywhere is a primary file that forms a version on its own.
        date_window_days: companion role -> number of days its file-name date may lie
            *before* the primary file's date. OFAC publishes ``sdn_comments.csv`` as an
            overflow of the remarks field that changes far less often than ``sdn.csv``;
            other companions must carry exactly the primary file's date.

    Source: OFAC "SDN List - legacy CSV format" (sdn.csv, add.csv, alt.csv,
    sdn_comments.csv), https://ofac.treasury.gov/specially-designated-nationals-list-data-formats-data-schemas
    """

    companions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_window_days: Mapping[str, int] = field(default_factory=dict)

    def companion_roles(self) -> set[str]:
        """Return every role that is a companion of some primary role."""
        return {role for roles in self.companions.values() for role in roles}


#: OFAC legacy CSV: ``sdn.csv``/``cons_prim.csv`` (role ``primary``) with its companions.
_OFAC_CSV = SetLayout(
    companions={"primary": ("alt", "add", "comments")},
    date_window_days={"comments": 7},
)

#: list id -> layout. Lists not named here have one file per version.
SET_LAYOUTS: dict[str, SetLayout] = {
    "us_ofac_sdn": _OFAC_CSV,
    "us_ofac_cons": _OFAC_CSV,
}


def set_layout(source: Source) -> SetLayout:
    """Return the file layout of a source's versions.

    A Source may declare its own ``companions`` (and ``date_window_days``) attributes;
    otherwise :data:`SET_LAYOUTS` is used, and a source found in neither has one file per
    version.
    """
    companions = getattr(source, "companions", None)
    if isinstance(companions, Mapping):
        window = getattr(source, "date_window_days", None)
        return SetLayout(
            companions={k: tuple(v) for k, v in companions.items()},
            date_window_days=dict(window) if isinstance(window, Mapping) else {},
        )
    return SET_LAYOUTS.get(source.list_id, SetLayout())


def _collect() -> dict[str, Source]:
    """Import the source modules and return their Source objects by list id.

    Imported on first use of :data:`SOURCES` (not when ``screenwise.sources.base`` is
    imported), so a command that needs no parser does not load lxml and openpyxl.
    """
    from screenwise.sources.eu_fsf import EU_FSF
    from screenwise.sources.ftm import FTM
    from screenwise.sources.gb_hmt import GB_HMT_SANCTIONS
    from screenwise.sources.un_sc import UN_SC_SANCTIONS
    from screenwise.sources.us_csl import US_TRADE_CSL
    from screenwise.sources.us_ofac import CONS, SDN

    # OfacSource is a frozen dataclass: its attributes are read-only, which the Protocol's
    # plain attribute declarations do not express, hence the cast.
    ordered: list[Source] = [
        cast(Source, SDN),
        cast(Source, CONS),
        UN_SC_SANCTIONS,
        GB_HMT_SANCTIONS,
        US_TRADE_CSL,
        EU_FSF,
        FTM,
    ]
    return {source.list_id: source for source in ordered}


_registry: dict[str, Source] | None = None

if TYPE_CHECKING:
    #: list id -> Source, for every source module present (built on first access, so
    #: importing ``screenwise.sources.base`` does not import every parser).
    SOURCES: dict[str, Source]


def __getattr__(name: str) -> Any:
    global _registry
    if name == "SOURCES":
        if _registry is None:
            _registry = _collect()
        return _registry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_source(list_id: str) -> Source:
    """Return the Source of a list id.

    Raises:
        KeyError: naming the list id and the known ones, when the list id is unknown.
    """
    sources: dict[str, Source] = __getattr__("SOURCES")
    try:
        return sources[list_id]
    except KeyError:
        known = ", ".join(sorted(sources)) or "none"
        raise KeyError(f"unknown list id {list_id!r} (known: {known})") from None
