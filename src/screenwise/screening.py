"""The screening service layer: queries in, explained hits out.

:class:`Screener` is the only thing the interfaces (CLI, API, batch jobs, text screening)
call. It holds the prepared list entities of a set of list versions, the candidate index
over them (:mod:`screenwise.index`), and the scoring algorithm
(:mod:`screenwise.matching.algorithm`):

``query -> index.retrieve (<= 50 candidates) -> qualifier bound -> score_candidate -> hits``.

:meth:`Screener.screen` first rules out, exactly, every candidate whose qualifiers
(another birth date, another kind of party) keep it below the threshold even with an
identical name, and scores only the rest in full; explanations are built for returned
hits only. :meth:`Screener.score_candidates` scores every candidate (the reference path of
the evaluation), and the unit tests check that both give the same hits.

Preparing every listed name costs tens of seconds for all lists, so :meth:`from_store` and
:meth:`from_parsed` cache the prepared tables and the index on disk
(``<data_dir>/cache/index-<key>.pickle``, :mod:`screenwise.prepared`), keyed by the list
versions and by a digest of the name-preparation code; a later process loads them in
well under a second, and a screener from the store reads list entities only for the hits
it returns.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import math
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from followthemoney import ValueEntity

from screenwise.bulk import gc_paused
from screenwise.entities import IDENTIFIER_PROPS, list_id_of
from screenwise.errors import NotFoundError, NotReadyError, QueryError
from screenwise.index import CandidateIndex, Retrieval
from screenwise.matching.algorithm import (
    ALGORITHM,
    CandidateEntity,
    PreparedQuery,
    ScoredCandidate,
    candidate_from_entity,
    name_probability,
    score_candidate,
)
from screenwise.matching.features import (
    MIN_IDENTIFIER_LENGTH,
    compare_birth_dates,
    compare_countries,
    compare_identifiers,
    compare_schemata,
    normalize_identifier,
)
from screenwise.names.parts import NameKind, name_kind, prepare_names
from screenwise.prepared import PreparedEntities
from screenwise.results import (
    Explanation,
    Hit,
    Query,
    ScreeningResult,
    TextScreeningResult,
    check_query_value,
)
from screenwise.settings import Settings

if TYPE_CHECKING:
    from screenwise.delta import Delta
    from screenwise.sources.base import ParsedList
    from screenwise.store.versions import ListStore

__all__ = ["CANDIDATE_LIMIT", "Screener", "SkippedRecord", "compare_names", "read_queries"]

log = logging.getLogger(__name__)

#: Candidates retrieved from the index per query.
CANDIDATE_LIMIT = 50
#: Bumped whenever the cached index layout changes (the code of the name preparation is
#: part of the cache key anyway, see :func:`_code_fingerprint`).
CACHE_FORMAT = "5"
#: Index caches kept in ``<data_dir>/cache`` (most recently used first); each is 30-40 MB
#: for all lists, and every new list version or code change writes a new one.
CACHE_KEEP = 6


#: Scores are rounded to 4 decimals; bounds keep this much slack.
_ROUNDING = 1e-4
_MAX_NAME_PROB = min(name_probability(1.0), 1.0 - 1e-6)
#: log-odds of the highest name probability (two identical names).
_MAX_NAME_LOGIT = math.log(_MAX_NAME_PROB / (1.0 - _MAX_NAME_PROB))
_SCHEMA_WEIGHTS: dict[tuple[str, str], float] = {}
#: Name kinds a query may be prepared with (a typed query uses its own for both).
_NAME_KINDS: tuple[NameKind, ...] = ("person", "org")


def _default_settings() -> Settings:
    """Settings from the environment (``SCREENWISE_*``), defaults otherwise."""
    overrides: dict[str, Any] = {}
    return Settings(**overrides)


_FINGERPRINT: str | None = None


def _code_fingerprint() -> str:
    """Digest of the code and word lists that decide how listed names are prepared.

    Part of the index cache key, so a change to name preparation, retrieval keys or the
    word lists invalidates cached indexes instead of silently serving stale ones.
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        digest = hashlib.sha256()
        package = resources.files("screenwise")
        files = ["entities.py", "index.py", "prepared.py", "data/names.yml"]
        files += [f"names/{p.name}" for p in package.joinpath("names").iterdir()]
        files += ["matching/algorithm.py"]
        for name in sorted(set(files)):
            if name.endswith((".py", ".yml")):
                digest.update(name.encode())
                digest.update(package.joinpath(name).read_bytes())
        for dist in ("rigour", "normality", "followthemoney", "pyicu"):
            try:
                digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
            except importlib.metadata.PackageNotFoundError:
                digest.update(dist.encode())
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


class _LazyEntities(Mapping[str, ValueEntity]):
    """Entity id -> list entity, read from the store only when asked for.

    Single entities (the hits of a query) are read one by one; iterating values or items
    reads every entity once.
    """

    def __init__(
        self,
        ids: Sequence[str],
        fetch_one: Callable[[str], ValueEntity],
        fetch_all: Callable[[], Iterable[ValueEntity]],
    ) -> None:
        self._ids = ids
        self._known: set[str] | None = None
        self._fetch_one = fetch_one
        self._fetch_all = fetch_all
        self._loaded: dict[str, ValueEntity] = {}
        self._complete = False

    def __getitem__(self, entity_id: str) -> ValueEntity:
        entity = self._loaded.get(entity_id)
        if entity is None:
            if entity_id not in self:
                raise KeyError(entity_id)
            entity = self._fetch_one(entity_id)
            self._loaded[entity_id] = entity
        return entity

    def __contains__(self, entity_id: object) -> bool:
        if self._known is None:
            self._known = set(self._ids)
        return entity_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def _load_all(self) -> None:
        if not self._complete:
            for entity in self._fetch_all():
                if entity.id is not None:
                    self._loaded.setdefault(entity.id, entity)
            self._complete = True

    def values(self) -> Any:
        """Every entity (reads them all on first use)."""
        self._load_all()
        return [self[i] for i in self._ids]

    def items(self) -> Any:
        """Every ``(entity id, entity)`` pair (reads them all on first use)."""
        self._load_all()
        return [(i, self[i]) for i in self._ids]


class Screener:
    """Screens queries against list entities (normally the store's active list versions).

    Args:
        entities: the list entities (FtM ``ValueEntity``, ids unique).
        list_versions: list id -> version id screened against (reported in results).
        settings: settings (threshold, limit); defaults to ``Settings()``.

    Attributes:
        threshold: default threshold in [0, 1].
        algorithm: name of the scoring algorithm.
        list_versions: list id -> version id.
    """

    def __init__(
        self,
        entities: Iterable[ValueEntity],
        *,
        list_versions: Mapping[str, str] | None = None,
        settings: Settings | None = None,
        _prepared: tuple[PreparedEntities, CandidateIndex] | None = None,
        _lazy: _LazyEntities | None = None,
    ) -> None:
        self.settings = settings or _default_settings()
        self.threshold: float = self.settings.threshold
        self.algorithm: str = ALGORITHM
        self.list_versions: dict[str, str] = dict(list_versions or {})
        self._entities: Mapping[str, ValueEntity]
        if _lazy is not None:
            self._entities = _lazy
        else:
            loaded: dict[str, ValueEntity] = {}
            for entity in entities:
                if entity.id is not None:
                    loaded[entity.id] = entity
            self._entities = loaded
        if _prepared is not None:
            prepared, index = _prepared
        else:
            with gc_paused():
                prepared = PreparedEntities.from_entities(self._entities.values())
                index = CandidateIndex(prepared)
        self._prepared = prepared
        self._index = index
        self._id_postings: dict[str, list[int]] | None = None

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_store(
        cls,
        store: ListStore,
        *,
        lists: Sequence[str] | None = None,
        settings: Settings | None = None,
    ) -> Screener:
        """Build a screener over the store's active list versions (index cached on disk).

        With a cached index no entity is read at start-up: hits read theirs from the
        store when they are returned, and :attr:`entities` reads all on first full use.

        Args:
            store: the list-version store.
            lists: only these list ids (None = every active list).
            settings: settings; ``data_dir`` holds the index cache.

        Raises:
            NotReadyError: when no list version is active (load a list first).
        """
        settings = settings or _default_settings()
        versions = [v for v in store.active_versions() if lists is None or v.list_id in lists]
        if not versions:
            raise NotReadyError(
                "no active list version"
                + (f" for lists {', '.join(lists)}" if lists else "")
                + ": load one with `screenwise lists load`"
            )
        list_versions = {v.list_id: v.version_id for v in versions}
        key = sorted(list_versions.values())

        def load_all() -> Iterator[ValueEntity]:
            for version in versions:
                yield from store.iter_entities(version.version_id)

        path = cls._cache_path(key, settings)
        cached = cls._read_cache(path)
        if cached is None:
            screener = cls(load_all(), list_versions=list_versions, settings=settings)
            screener._write_cache(path)
            return screener
        prepared = cached[0]

        def load_one(entity_id: str) -> ValueEntity:
            pos = prepared.position(entity_id)
            version_id = list_versions[prepared.list_id(pos)] if pos is not None else None
            return store.get_entity(entity_id, version_id)

        lazy = _LazyEntities(prepared.entity_ids, load_one, load_all)
        return cls((), list_versions=list_versions, settings=settings, _prepared=cached, _lazy=lazy)

    @classmethod
    def from_parsed(
        cls, parsed: Iterable[ParsedList], *, settings: Settings | None = None
    ) -> Screener:
        """Build a screener over parsed list versions (index cached by content hash).

        Args:
            parsed: parsed lists (``screenwise.sources.base.ParsedList``), one per list.
            settings: settings; ``data_dir`` holds the index cache.
        """
        settings = settings or _default_settings()
        parsed = list(parsed)
        list_versions = {
            p.list_id: f"{p.list_id}@{p.published or 'undated'}#{p.content_hash[:8]}"
            for p in parsed
        }
        entities = [e for p in parsed for e in p.entities]
        key = sorted(f"{p.list_id}:{p.content_hash}" for p in parsed)
        path = cls._cache_path(key, settings)
        cached = cls._read_cache(path)
        screener = cls(entities, list_versions=list_versions, settings=settings, _prepared=cached)
        if cached is None:
            screener._write_cache(path)
        return screener

    @staticmethod
    def _cache_path(key_parts: list[str], settings: Settings) -> Path:
        text = "\n".join([CACHE_FORMAT, _code_fingerprint(), *key_parts])
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return Path(settings.data_dir) / "cache" / f"index-{digest}.pickle"

    @staticmethod
    def _read_cache(path: Path) -> tuple[PreparedEntities, CandidateIndex] | None:
        if not path.is_file():
            return None
        try:
            prepared, extra = PreparedEntities.load(path)
            os.utime(path)  # marks it as recently used (see _write_cache)
            return prepared, CandidateIndex(prepared, extra["index"])
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            KeyError,
            TypeError,
        ) as exc:
            log.warning("ignoring unreadable index cache %s: %s", path, exc)
            return None

    def _write_cache(self, path: Path) -> None:
        """Write the index cache and drop all but the most recently used ones."""
        try:
            self._prepared.dump(path, {"index": self._index.state()})
            others = sorted(
                path.parent.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in others[CACHE_KEEP:]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot write index cache %s: %s", path, exc)

    # -- entities ------------------------------------------------------------------------

    @property
    def entities(self) -> Mapping[str, ValueEntity]:
        """Entity id -> list entity, for every entity screened against."""
        return self._entities

    def get_entity(self, entity_id: str) -> ValueEntity:
        """Return a list entity by id.

        Raises:
            NotFoundError: when no loaded list has the id.
        """
        try:
            return self._entities[entity_id]
        except KeyError:
            raise NotFoundError(
                f"entity {entity_id!r} is not in the screened list versions"
            ) from None

    # -- screening -----------------------------------------------------------------------

    def _hit(self, candidate: CandidateEntity, scored: ScoredCandidate, threshold: float) -> Hit:
        entity = self._entities.get(candidate.entity_id)
        return Hit(
            entity_id=candidate.entity_id,
            list_id=candidate.list_id,
            list_version=self.list_versions.get(candidate.list_id),
            schema=candidate.schema,
            caption=candidate.caption,
            matched_name=scored.matched_name,
            programs=list(candidate.programs),
            score=scored.score,
            match=scored.score >= threshold,
            explanation=scored.explanation(),
            properties=dict(entity.properties) if entity is not None else {},
        )

    def _retrieve(
        self, query: Query, lists: Sequence[str] | None, limit: int
    ) -> tuple[PreparedQuery, Retrieval]:
        if not query.names:
            raise QueryError("query has no name (property 'name')")
        prepared = PreparedQuery.from_query(query)
        if not any(p.parts for kind in _NAME_KINDS for _, p in prepared.prepared(kind)):
            raise QueryError(
                f"nothing to screen in name {', '.join(map(repr, query.names))}: no letters "
                "or digits beyond punctuation, titles and legal forms",
                field="name",
            )
        wanted = lists if lists is not None else query.lists
        if wanted is not None:
            unknown = [lid for lid in wanted if lid not in self._prepared.list_ids]
            if unknown:
                raise QueryError(
                    f"lists: unknown list id {', '.join(map(repr, unknown))} (lists here: "
                    f"{', '.join(sorted(self._prepared.list_ids))})",
                    field="lists",
                )
        found = self._index.retrieve(prepared, limit=limit, lists=wanted)
        by_id = self._identifier_matches(query, wanted)
        if by_id:
            # Entities sharing a strong identifier come first, whatever their names (a
            # renamed vessel found by its IMO number).
            seen = set(by_id)
            rest = [(int(e), float(v)) for e, v in zip(found.entities, found.scores, strict=True)]
            kept = [(e, v) for e, v in rest if e not in seen]
            top = max((v for _, v in rest), default=1.0)
            merged = ([(e, top) for e in by_id] + kept)[:limit]
            found = Retrieval(
                entities=np.array([e for e, _ in merged], dtype=np.int32),
                scores=np.array([v for _, v in merged], dtype=np.float64),
            )
        return prepared, found

    def _identifier_matches(self, query: Query, lists: Sequence[str] | None) -> list[int]:
        """Entity positions sharing a strong identifier with the query (sorted, at most 50).

        Identifiers are compared as :func:`screenwise.matching.features.compare_identifiers`
        does (normalised, 5+ characters), in every identifier property.
        """
        wanted = [
            norm
            for prop in IDENTIFIER_PROPS
            for value in query.properties.get(prop, ())
            if len(norm := normalize_identifier(value)) >= MIN_IDENTIFIER_LENGTH
        ]
        if not wanted:
            return []
        if self._id_postings is None:
            postings: dict[str, list[int]] = {}
            for idx in range(len(self._prepared)):
                identifiers = self._prepared.qualifiers(idx)[3]
                for values in identifiers.values():
                    for value in values:
                        norm = normalize_identifier(value)
                        if len(norm) >= MIN_IDENTIFIER_LENGTH:
                            postings.setdefault(norm, []).append(idx)
            self._id_postings = postings
        found = sorted({idx for norm in wanted for idx in self._id_postings.get(norm, ())})
        if lists is not None:
            found = [idx for idx in found if self._prepared.list_id(idx) in lists]
        return found[:CANDIDATE_LIMIT]

    def _score(
        self, prepared: PreparedQuery, found: Retrieval, ranks: Iterable[int]
    ) -> list[tuple[CandidateEntity, ScoredCandidate]]:
        """Score the candidates at the given retrieval ranks, best score first."""
        scored: list[tuple[float, int, CandidateEntity, ScoredCandidate]] = []
        entities = found.entities
        for rank in ranks:
            candidate = self._prepared.candidate(int(entities[rank]))
            result = score_candidate(prepared, candidate)
            scored.append((result.score, -rank, candidate, result))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [(c, s) for _, _, c, s in scored]

    def score_candidates(
        self, query: Query, *, lists: Sequence[str] | None = None, limit: int = CANDIDATE_LIMIT
    ) -> list[tuple[CandidateEntity, ScoredCandidate]]:
        """Retrieve and score every candidate of a query in full, best first (no threshold).

        This is the exhaustive reference path (evaluation, analysis); :meth:`screen` gives
        the same hits at or above its threshold while scoring far fewer candidates.

        Args:
            query: the query.
            lists: list ids to screen against (None = the query's ``lists`` or all).
            limit: number of candidates retrieved and scored.

        Returns:
            ``(candidate, scored)`` pairs sorted by score, then retrieval rank.

        Raises:
            QueryError: when the query has no name, or names a list id not screened here.
        """
        prepared, found = self._retrieve(query, lists, limit)
        return self._score(prepared, found, range(len(found)))

    def screen(
        self,
        query: Query,
        *,
        threshold: float | None = None,
        limit: int | None = None,
        lists: Sequence[str] | None = None,
        include_below: bool = False,
    ) -> ScreeningResult:
        """Screen one query.

        Args:
            query: the query (names, schema, birth date, countries, identifiers, lists).
            threshold: score at or above which a hit is a match (default: settings).
            limit: maximum hits returned (default: settings).
            lists: list ids to screen against (default: the query's ``lists``, else all).
            include_below: also return candidates below the threshold (``match=False``).

        Returns:
            The :class:`ScreeningResult`, hits sorted by score.

        Raises:
            QueryError: when the query has no name, or names a list id not screened here.
        """
        threshold = self.threshold if threshold is None else threshold
        limit = self.settings.limit if limit is None else limit
        prepared, found = self._retrieve(query, lists, CANDIDATE_LIMIT)
        ranks: Iterable[int] = range(len(found))
        if not include_below:
            memo: dict[tuple[str, tuple[str, ...]], float] = {}
            ranks = [
                r
                for r in ranks
                if self._may_reach(prepared, int(found.entities[r]), threshold, memo)
            ]
        hits: list[Hit] = []
        for candidate, scored in self._score(prepared, found, ranks):
            if len(hits) >= limit:
                break
            if scored.score <= 0.0 or (scored.score < threshold and not include_below):
                continue
            hits.append(self._hit(candidate, scored, threshold))
        return ScreeningResult(
            query=query,
            hits=hits,
            threshold=threshold,
            algorithm=self.algorithm,
            total_candidates=len(found),
            list_versions=dict(self.list_versions),
        )

    def _may_reach(
        self,
        query: PreparedQuery,
        idx: int,
        threshold: float,
        memo: dict[tuple[str, tuple[str, ...]], float],
    ) -> bool:
        """Tell whether a candidate can score at or above the threshold at all.

        A score is ``sigmoid(logit(p_name) + sum of qualifier weights)``
        (:func:`screenwise.matching.algorithm.score_candidate`), and ``p_name`` is at most
        ``name_probability(1.0)`` (identical names). The qualifier weights are cheap to
        compute exactly, so a candidate whose qualifiers contradict the query (another
        birth date, another kind of party) is ruled out without comparing any name. The
        bound is exact: a candidate ruled out here scores below the threshold in full.
        ``memo`` keeps the qualifier weights of one query by candidate value.
        """
        schema, birth_dates, countries, identifiers = self._prepared.qualifiers(idx)
        logit = _MAX_NAME_LOGIT
        schemata = (query.schema, schema)
        schema_weight = _SCHEMA_WEIGHTS.get(schemata)
        if schema_weight is None:
            result = compare_schemata(*schemata)
            schema_weight = result.weight if result is not None else 0.0
            _SCHEMA_WEIGHTS[schemata] = schema_weight
        logit += schema_weight
        if query.birth_dates and birth_dates:
            key = ("dob", birth_dates)
            weight = memo.get(key)
            if weight is None:
                result = compare_birth_dates(query.birth_dates, birth_dates)
                weight = memo[key] = result.weight if result is not None else 0.0
            logit += weight
        if query.countries and countries:
            key = ("country", countries)
            weight = memo.get(key)
            if weight is None:
                result = compare_countries(query.countries, countries)
                weight = memo[key] = result.weight if result is not None else 0.0
            logit += weight
        if identifiers:
            result = compare_identifiers(query.properties, identifiers)
            if result is not None:
                logit += result.weight
        return 1.0 / (1.0 + math.exp(-logit)) >= threshold - _ROUNDING

    def screen_many(
        self,
        queries: Iterable[Query],
        *,
        threshold: float | None = None,
        limit: int | None = None,
        processes: int | None = None,
        on_error: Callable[[Query, QueryError], None] | None = None,
    ) -> Iterator[ScreeningResult]:
        """Screen many queries, in parallel across cores; results keep the query order.

        Args:
            queries: the queries.
            threshold: see :meth:`screen`.
            limit: see :meth:`screen`.
            processes: worker processes (default: CPU count; 1 = in this process).
            on_error: called with a query that cannot be screened (a name with nothing to
                compare) and its error; that query yields no result and the rest go on.

        Yields:
            One :class:`ScreeningResult` per screened query, in input order.

        Raises:
            QueryError: a query cannot be screened and ``on_error`` is None.
        """
        processes = processes or os.cpu_count() or 1
        if processes <= 1:
            outcomes: Iterable[tuple[Query, ScreeningResult | QueryError]] = (
                (q, _screen_one(self, q, threshold, limit)) for q in queries
            )
        else:
            import multiprocessing

            global _WORKER
            _WORKER = self
            ctx = multiprocessing.get_context("fork")
            pool = ctx.Pool(processes)
            listed = list(queries)
            args = ((q, threshold, limit) for q in listed)
            outcomes = zip(listed, pool.imap(_screen_worker, args, chunksize=16), strict=True)
        try:
            for query, outcome in outcomes:
                if isinstance(outcome, QueryError):
                    if on_error is None:
                        raise outcome
                    on_error(query, outcome)
                else:
                    yield outcome
        finally:
            if processes > 1:
                pool.terminate()

    def score_entity(
        self, query: Query, entity: ValueEntity, *, threshold: float | None = None
    ) -> Hit:
        """Score one entity against a query without retrieval (full explanation).

        Args:
            query: the query.
            entity: any list entity (need not be in this screener).
            threshold: threshold for ``match`` (default: settings).

        Returns:
            The :class:`Hit` (score 0.0 when no name matches).

        Raises:
            QueryError: when the query has no name, or names a list id not screened here.
        """
        if not query.names:
            raise QueryError("query has no name (property 'name')")
        threshold = self.threshold if threshold is None else threshold
        idx = self._prepared.position(entity.id or "")
        candidate = (
            self._prepared.candidate(idx) if idx is not None else candidate_from_entity(entity)
        )
        scored = score_candidate(PreparedQuery.from_query(query), candidate)
        hit = self._hit(candidate, scored, threshold)
        if idx is None:
            hit.properties = dict(entity.properties)
        return hit

    def rescreen(
        self, queries: Iterable[Query], delta: Delta, **kw: Any
    ) -> Iterator[ScreeningResult]:
        """Screen queries only against the entities a delta added or changed.

        Args:
            queries: the queries (e.g. a customer file).
            delta: the difference between two list versions (``screenwise.delta.Delta``).
            **kw: passed to :meth:`screen` (``threshold``, ``limit``, ``include_below``).

        Yields:
            One :class:`ScreeningResult` per query, hits only among new or changed entities;
            hits carry the delta's new version as their ``list_version``.
        """
        entities = delta.rescreen_entities()
        versions = dict(self.list_versions)
        if delta.new_version is not None and entities:
            versions[list_id_of(entities[0])] = delta.new_version
        sub = Screener(entities, list_versions=versions, settings=self.settings)
        for query in queries:
            yield sub.screen(query, **kw)

    def screen_text(
        self,
        text_or_html: str | bytes,
        *,
        content_type: str | None = None,
        threshold: float | None = None,
        source: str = "",
    ) -> TextScreeningResult:
        """Screen an article or page for mentions of listed parties.

        Delegates to :func:`screenwise.text.screen_text`.
        """
        from screenwise.text import screen_text

        result: TextScreeningResult = screen_text(
            self, text_or_html, content_type=content_type, threshold=threshold, source=source
        )
        return result


_WORKER: Screener | None = None


def _screen_one(
    screener: Screener, query: Query, threshold: float | None, limit: int | None
) -> ScreeningResult | QueryError:
    try:
        return screener.screen(query, threshold=threshold, limit=limit)
    except QueryError as exc:
        return exc


def _screen_worker(
    args: tuple[Query, float | None, int | None],
) -> ScreeningResult | QueryError:
    query, threshold, limit = args
    assert _WORKER is not None
    return _screen_one(_WORKER, query, threshold, limit)


def compare_names(
    name1: str, name2: str, *, schema: str = "LegalEntity", settings: Settings | None = None
) -> tuple[float, Explanation]:
    """Score two names against each other, as a query name and a listed name.

    Args:
        name1: the query-side name.
        name2: the listed name.
        schema: FtM schema both names belong to (``Person``, ``Company``, ``Vessel``...).
        settings: unused except for consistency with the other entry points.

    Returns:
        ``(score in [0, 1], explanation)``; the score is the name-only score (no
        qualifiers), the same one a hit without birth date or country would get.
    """
    query = Query(schema=schema, properties={"name": [name1]})
    kind = name_kind(schema)
    candidate = CandidateEntity(
        entity_id="",
        list_id="",
        schema=schema if schema != "LegalEntity" else "Organization",
        caption=name2,
        names=tuple(("name", name2, p) for p in prepare_names(name2, kind)),
        birth_dates=(),
        countries=(),
        identifiers={},
        programs=(),
    )
    if schema == "LegalEntity":
        candidate.schema = "LegalEntity"
    scored = score_candidate(PreparedQuery.from_query(query), candidate)
    return scored.score, scored.explanation()


#: Column names understood in customer files, mapped to FtM query properties.
_COLUMN_PROPS: dict[str, str] = {
    "name": "name",
    "alias": "alias",
    "birth_date": "birthDate",
    "birthdate": "birthDate",
    "dob": "birthDate",
    "country": "country",
    "nationality": "nationality",
    "passport": "passportNumber",
    "passport_number": "passportNumber",
    "id_number": "idNumber",
    "imo": "imoNumber",
    "imo_number": "imoNumber",
}


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A customer-file record that was not screened, and why.

    Attributes:
        query_id: the record's id, else ``line-<n>``.
        line: its line (CSV: physical line where it ends; JSON lines: line; Parquet: row).
        reason: why it was skipped, naming the field.
    """

    query_id: str
    line: int
    reason: str


def _line_id(line: int) -> str:
    """The id given to a record without one: ``line-<n>`` (never a customer id)."""
    return f"line-{line}"


def _record_id(row: Mapping[str, Any], columns: Mapping[str, str], line: int) -> str:
    given = row.get(columns.get("id", "id"))
    return str(given) if given not in (None, "") else _line_id(line)


def _cell_values(value: Any) -> list[str]:
    """The values of one cell: a JSON list item by item, text split on ``;``.

    A JSON object's values are joined in order (``{"first": "Vladimir", "last": "Putin"}``
    is ``Vladimir Putin``); ``true``/``false`` are no value.
    """
    if isinstance(value, bool):
        return []
    if isinstance(value, dict):
        return [" ".join(str(v).strip() for v in value.values() if isinstance(v, (str, int)))]
    if isinstance(value, (list, tuple)):
        return [item for v in value if v is not None for item in _cell_values(v)]
    return [item.strip() for item in str(value).split(";")]


def _row_query(
    row: Mapping[str, Any], columns: Mapping[str, str], line: int, path: Path
) -> Query | str:
    """Build a query from one record (flat or FtM-shaped); a string says why it cannot be."""
    if "properties" in row:
        try:
            query = Query.model_validate(row)
        except QueryError as exc:
            return f"not a valid query: {exc}"
        except ValueError as exc:
            return f"not a query ({exc})"
        if query.id is None:
            query.id = _line_id(line)
        return query
    props: dict[str, list[str]] = {}
    for field, column in columns.items():
        value = row.get(column)
        if value is None or str(value).strip() == "":
            continue
        prop = _COLUMN_PROPS.get(field, field)
        values = props.setdefault(prop, [])
        for item in _cell_values(value):
            if not item or item in values:
                continue
            try:
                values.append(check_query_value(prop, item))
            except QueryError as exc:
                # A bad qualifier must not stop a whole customer file: the record is
                # screened without it, so it cannot rule out a hit, and the log says so.
                log.warning(
                    "%s line %d column %s: %s; screened without it", path, line, column, exc
                )
    if not props.get("name"):
        return f"column {columns['name']!r} is empty"
    try:
        return Query(
            id=_record_id(row, columns, line),
            schema=str(row.get(columns.get("schema", "schema")) or "LegalEntity"),
            properties=props,
        )
    except QueryError as exc:
        return f"not a valid query: {exc}"


def _decode_error(path: Path, codec: str, encoding: str, exc: UnicodeDecodeError) -> str:
    """Say where a file stops being ``encoding`` text (line and byte offset)."""
    raw = path.read_bytes()
    try:
        raw.decode(codec)
    except UnicodeDecodeError as whole:
        exc = whole
        line = raw.count(b"\n", 0, whole.start) + 1
        where = f"line {line} (byte offset {whole.start})"
    else:  # pragma: no cover - the streaming decoder failed, the whole file did not
        where = "(position unknown)"
    return (
        f"{path} {where}: byte 0x{exc.object[exc.start]:02x} is not valid {encoding} text; "
        "give the file's encoding (screen-file --encoding latin-1, cp1252...) or convert "
        "it to UTF-8"
    )


def read_queries(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    on_skip: Callable[[SkippedRecord], None] | None = None,
) -> Iterator[Query]:
    """Read screening queries from a customer file.

    Formats by extension: ``.csv`` (header row), ``.jsonl``/``.ndjson`` (flat objects or
    FtM-shaped queries ``{"id", "schema", "properties", "lists"}`` as in
    ``eval/names/queries.jsonl``), ``.parquet``. Flat records map columns to query fields:
    ``name``, ``alias``, ``birth_date``, ``country``, ``nationality``, ``passport``,
    ``id_number``, ``imo``, ``schema``, ``id``; ``columns`` renames them
    (``{"name": "full_name"}``). Several values in one cell are separated by ``;`` (or
    given as a JSON list). A record without an id gets ``line-<n>``, its line number
    (CSV: the physical line where it ends), which no customer id can collide with.

    One bad record never stops the file: a record without a name, a line that is not
    JSON or a JSON record that is not a valid query is skipped with a warning naming the
    file and line, and reported to ``on_skip``; a bad birth date or country is dropped
    from its record, which is still screened.

    Args:
        path: the file.
        columns: query field -> column name in the file.
        encoding: text encoding of CSV and JSON lines files (default UTF-8; a byte-order
            mark is skipped).
        on_skip: called with a :class:`SkippedRecord` for every record not screened.

    Yields:
        One :class:`screenwise.results.Query` per screenable record.

    Raises:
        InputError: unreadable file, unknown extension or encoding, a CSV file without
            the name column, or text that is not in ``encoding`` (naming the line).
    """
    import codecs
    import csv
    import json

    from screenwise.errors import InputError

    mapping = {key: key for key in (*_COLUMN_PROPS, "schema", "id")}
    mapping.update(columns or {})
    suffix = path.suffix.lower()
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if codec == "utf-8":
        codec = "utf-8-sig"

    def emit(row: Mapping[str, Any], line: int) -> Query | None:
        built = _row_query(row, mapping, line, path)
        if isinstance(built, Query):
            return built
        skip(_record_id(row, mapping, line), line, built)
        return None

    def skip(query_id: str, line: int, reason: str) -> None:
        log.warning("%s line %d: %s; record skipped", path, line, reason)
        if on_skip is not None:
            on_skip(SkippedRecord(query_id=query_id, line=line, reason=reason))

    line = 0
    try:
        if suffix == ".csv":
            with path.open(encoding=codec, newline="") as fh:
                reader = csv.DictReader(fh)
                if reader.fieldnames is not None and mapping["name"] not in reader.fieldnames:
                    raise InputError(
                        f"{path}: no column {mapping['name']!r} (columns: "
                        f"{', '.join(reader.fieldnames)}); map one with --columns name=COLUMN"
                    )
                for row in reader:
                    line = reader.line_num
                    query = emit(row, line)
                    if query is not None:
                        yield query
        elif suffix in (".jsonl", ".ndjson", ".json"):
            with path.open(encoding=codec) as fh:
                for line, text in enumerate(fh, start=1):
                    if not text.strip():
                        continue
                    try:
                        data = json.loads(text)
                    except json.JSONDecodeError as exc:
                        skip(_line_id(line), line, f"invalid JSON ({exc.msg})")
                        continue
                    if not isinstance(data, dict):
                        skip(_line_id(line), line, "expected a JSON object")
                        continue
                    query = emit(data, line)
                    if query is not None:
                        yield query
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            for line, row in enumerate(table.to_pylist(), start=1):
                query = emit(row, line)
                if query is not None:
                    yield query
        else:
            raise InputError(f"{path}: unknown file type {suffix!r} (use .csv, .jsonl or .parquet)")
    except UnicodeDecodeError as exc:
        raise InputError(_decode_error(path, codec, encoding, exc)) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
