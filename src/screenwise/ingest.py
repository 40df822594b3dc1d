"""Load official list files into the store: discover -> parse -> validate -> promote.

The library calls behind ``screenwise lists load``, ``screenwise lists fetch`` and
``make demo``:

* :func:`load_paths` - files and directories on disk (the offline snapshot, a manual
  download);
* :func:`fetch_lists` - download from the publishers' official URLs into a staging
  directory, then the same parse and load;
* :func:`load_offline_or_fetch` - the offline snapshot directory when there is one, else a
  download.

An FtM delta file (``entities.delta.json``) is applied to the active version of its list,
so the new version holds the whole list (:func:`screenwise.delta.apply_delta`).

Every version set is parsed and loaded on its own: a malformed file fails its own set
(``status == "failed"``, with the parser's message naming file, line and field) and the
others still load. Within one list, versions are loaded oldest first by publication date
(undated versions last), so the newest acceptable version ends up active and older ones
are kept as history.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from screenwise.delta import apply_delta
from screenwise.errors import NotFoundError, ScreenwiseError
from screenwise.settings import Settings, default_shared_lists_dir
from screenwise.sources import FTM_KEY
from screenwise.sources.base import ParsedList, Source, hash_contents
from screenwise.sources.discover import SkippedFile, VersionSet, discover
from screenwise.sources.fetch import fetch_source
from screenwise.store.versions import (
    DROP_WARN_RATIO,
    ListStore,
    ListVersion,
    LoadResult,
    activation_hint,
)

__all__ = [
    "LoadReport",
    "Progress",
    "fetch_lists",
    "files_fingerprint",
    "load_offline_or_fetch",
    "load_paths",
    "parser_fingerprint",
]

log = logging.getLogger(__name__)

#: ``ParsedList.format`` of an FtM delta file (``screenwise.sources.ftm``).
FTM_DELTA_FORMAT = "ftm-delta"

#: Callback receiving one line of progress text (the CLI shows it through rich).
Progress = Callable[[str], None]


class LoadReport(list[LoadResult]):
    """The results of a load, one :class:`LoadResult` per version set, in load order.

    A plain list of results, plus the files that were not loaded:

    Attributes:
        skipped: files not part of any version set, each with the reason (unknown format,
            companion without its primary file, claimed by several lists).
    """

    def __init__(self, results: Iterable[LoadResult] = (), skipped: Iterable[SkippedFile] = ()):
        super().__init__(results)
        self.skipped: list[SkippedFile] = list(skipped)
        #: Paths given to :func:`load_paths` that yielded no list version set at all
        #: (only unknown, empty or filtered-out files): the load did nothing for them.
        self.unloaded: list[Path] = []

    @property
    def ok(self) -> bool:
        """True when no version set failed or was rejected and every path gave a list."""
        return all(result.ok for result in self) and not self.unloaded


def load_paths(
    store: ListStore,
    paths: Iterable[str | Path],
    *,
    list_id: str | None = None,
    published: date | None = None,
    force: bool = False,
    sources: Mapping[str, Source] | None = None,
    progress: Progress | None = None,
    warn_drop: float = DROP_WARN_RATIO,
) -> LoadReport:
    """Discover, parse and load every list version found under ``paths``.

    Args:
        store: the list-version store.
        paths: files and/or directories (searched recursively).
        list_id: only load files of this list. A list id that no Source registers is
            taken as the list id to give FtM JSON files (their entities keep their ids).
        published: publication date for files that state none (default: the date in
            the file name, if any). A date stated inside the file wins.
        force: promote even over the sanity checks (see :meth:`ListStore.load`).
        sources: list id -> Source; default :data:`screenwise.sources.SOURCES`.
        progress: called with a line of text before each parse and load.
        warn_drop: share of the previously active version's entities a promoted version
            may remove before its result carries a warning (see :meth:`ListStore.load`).

    Returns:
        A :class:`LoadReport`: one result per version set (``failed`` when the set could
        not be parsed, with the error message as ``reason``), the skipped files, and the
        given paths that yielded no version set (``unloaded``).

    Raises:
        NotFoundError: when ``list_id`` is not a known list.
    """
    if sources is None:
        from screenwise.sources import SOURCES

        sources = SOURCES
    registry_id, ftm_list_id = list_id, None
    if list_id is not None and list_id not in sources and FTM_KEY in sources:
        # FtM files carry no list of their own: the user names it.
        registry_id, ftm_list_id = FTM_KEY, list_id
    given = [Path(p) for p in paths]
    try:
        asked = list_id
        if ftm_list_id is not None:
            asked = f"{list_id} (not a registered list: it only names FtM JSON files' list)"
        found = discover(given, sources, list_id=registry_id, asked=asked)
    except KeyError as exc:
        raise NotFoundError(str(exc.args[0])) from None
    report = LoadReport(skipped=found.skipped)
    used = [path for version_set in found.sets for path in version_set.files.values()]
    report.unloaded = [p for p in given if not any(_within(u, p) for u in used)]
    by_list: dict[str, list[VersionSet]] = defaultdict(list)
    for version_set in found.sets:
        by_list[version_set.list_id].append(version_set)
    for key, sets in by_list.items():
        report.extend(
            _load_sets(
                store,
                sets,
                published=published,
                force=force,
                progress=progress,
                ftm_list_id=ftm_list_id if key == FTM_KEY else None,
                warn_drop=warn_drop,
            )
        )
    return report


def _within(path: Path, given: Path) -> bool:
    """True when ``path`` is ``given`` or lies under the directory ``given``."""
    return path == given or given in path.parents


def _load_sets(
    store: ListStore,
    sets: list[VersionSet],
    *,
    published: date | None,
    force: bool,
    progress: Progress | None,
    ftm_list_id: str | None = None,
    warn_drop: float = DROP_WARN_RATIO,
) -> list[LoadResult]:
    """Parse every set of one list, then load them oldest first."""
    parsed: list[tuple[int, VersionSet, ParsedList, float]] = []
    results: list[LoadResult] = []
    fingerprints: dict[int, str] = {}
    for order, version_set in enumerate(sets):
        started = time.perf_counter()
        fingerprint = fingerprints[order] = files_fingerprint(
            version_set.files, (ftm_list_id or "") + parser_fingerprint()
        )
        known = None if force else store.find_by_files(fingerprint)
        if known is not None:
            results.append(_known_result(store, known, version_set, started))
            continue
        if progress:
            progress(f"parsing {version_set.describe()}")
        try:
            day = published or version_set.date
            if ftm_list_id is not None:
                parsed_list = _parse_ftm(version_set.source, version_set.files, day, ftm_list_id)
            else:
                parsed_list = version_set.source.parse(version_set.files, published=day)
        except ScreenwiseError as exc:
            log.warning("%s: %s", version_set.describe(), exc)
            results.append(
                LoadResult(
                    version_set.list_id,
                    "failed",
                    str(exc),
                    files={role: str(path) for role, path in version_set.files.items()},
                    notes=list(version_set.notes),
                    parse_s=time.perf_counter() - started,
                )
            )
            continue
        if parsed_list.format == FTM_DELTA_FORMAT:
            parsed_list = _apply_ftm_delta(store, parsed_list)
        parsed.append((order, version_set, parsed_list, time.perf_counter() - started))
    # Oldest first; undated last; a delta after the full files it applies to.
    parsed.sort(
        key=lambda item: (
            item[2].published is None,
            item[2].published or date.min,
            item[2].format.startswith(FTM_DELTA_FORMAT),
            item[0],
        )
    )
    for order, version_set, parsed_list, parse_s in parsed:
        if progress:
            progress(f"loading {parsed_list.list_id} ({len(parsed_list.entities)} entities)")
        result = store.load(
            parsed_list, force=force, files_sha256=fingerprints[order], warn_drop=warn_drop
        )
        result.parse_s = parse_s
        result.notes = list(version_set.notes)
        results.append(result)
    return results


def _known_result(
    store: ListStore, known: ListVersion, version_set: VersionSet, started: float
) -> LoadResult:
    """The ``unchanged`` result of files already loaded, with how to activate them."""
    reason = f"same files already loaded as {known.version_id} ({known.status}"
    if not known.active and known.status_reason:
        reason += f": {known.status_reason}"
    reason += "); not parsed again"
    if not known.active:
        reason += f"; {activation_hint(known.version_id)}"
    result = LoadResult(
        known.list_id,
        "unchanged",
        reason,
        version=known,
        files={role: str(path) for role, path in version_set.files.items()},
        notes=list(version_set.notes),
        parse_s=time.perf_counter() - started,
    )
    try:
        active = store.active_version(known.list_id)
    except NotFoundError:
        return result
    result.previous_active = active.version_id
    result.added, result.removed = store.id_changes(active.version_id, known.version_id)
    return result


def _apply_ftm_delta(store: ListStore, parsed: ParsedList) -> ParsedList:
    """Turn a parsed FtM delta file into a whole list version: active version + delta.

    Without an active version of the list the delta is returned as it is (an incomplete
    version holding only the delta's ADD/MOD entities).
    """
    deleted: list[str] = list(getattr(parsed, "deleted", []))
    try:
        base = store.active_version(parsed.list_id)
    except NotFoundError:
        parsed.warnings.append(
            f"{parsed.source}: delta file without a loaded version of {parsed.list_id} to "
            "apply it to; stored as a partial version holding the added and modified entities"
        )
        return parsed
    entities, delta = apply_delta(store.iter_entities(base.version_id), parsed.entities, deleted)
    counts = delta.counts()
    return ParsedList(
        list_id=parsed.list_id,
        entities=entities,
        content_hash=hash_contents([base.content_hash.encode(), parsed.content_hash.encode()]),
        published=parsed.published or base.published,
        source=f"{base.version_id} + {parsed.source}",
        format=f"{FTM_DELTA_FORMAT}-applied",
        files=dict(parsed.files),
        warnings=[
            *parsed.warnings,
            f"delta applied to {base.version_id}: {counts['added']} added, "
            f"{counts['changed']} changed, {counts['removed']} removed",
        ],
        complete=base.complete,
    )


def _parse_ftm(
    source: Source, files: dict[str, Path], published: date | None, list_id: str
) -> ParsedList:
    """Parse FtM files under a list id chosen by the user (``--list-id``)."""
    parse: Callable[..., ParsedList] = source.parse
    return parse(files, published=published, list_id=list_id)


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Digest of the parsing code: every module of ``screenwise.sources`` and the entity model.

    Mixed into :func:`files_fingerprint` by the loaders, so files already loaded are
    parsed again after the parsers change (a fix to a parser reaches the stored list
    versions the next time their files are loaded; an unchanged result is recognised by
    its content hash and stored once). The FtM version is part of it too.

    Returns:
        A sha256 hex digest.
    """
    digest = hashlib.sha256()
    package = resources.files("screenwise")
    names = sorted(p.name for p in package.joinpath("sources").iterdir() if p.name.endswith(".py"))
    for name in (*(f"sources/{n}" for n in names), "entities.py"):
        digest.update(name.encode())
        digest.update(package.joinpath(name).read_bytes())
    digest.update(f"followthemoney={importlib.metadata.version('followthemoney')}".encode())
    return digest.hexdigest()


def files_fingerprint(files: Mapping[str, Path], extra: str = "") -> str:
    """Return the sha256 over the raw bytes of a version set's files, by role.

    Two loads of byte-identical files (same roles) get the same fingerprint, so the second
    one is recognised without parsing.

    Args:
        files: role -> path.
        extra: anything else that changes the parse result (the list id given to FtM
            files), mixed into the fingerprint.

    Raises:
        OSError: when a file cannot be read.
    """
    digest = hashlib.sha256(extra.encode())
    for role in sorted(files):
        file_digest = hashlib.sha256()
        with Path(files[role]).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                file_digest.update(chunk)
        digest.update(f"{role}={file_digest.hexdigest()}\n".encode())
    return digest.hexdigest()


def fetch_lists(
    store: ListStore,
    list_ids: Iterable[str] | None,
    settings: Settings,
    *,
    urls: Mapping[str, Mapping[str, str]] | None = None,
    force: bool = False,
    sources: Mapping[str, Source] | None = None,
    progress: Progress | None = None,
    warn_drop: float = DROP_WARN_RATIO,
) -> LoadReport:
    """Download lists from their official URLs, then parse and load them.

    Files are staged under ``<settings.data_dir>/downloads/<list id>/<timestamp>/`` and
    checked (see :mod:`screenwise.sources.fetch`) before the parser sees them. A list
    whose download or parse fails gets a ``failed`` result naming the URL or file; its
    active version is untouched and the other lists still load.

    Args:
        store: the list-version store.
        list_ids: lists to fetch; None or empty = every registered list with URLs.
        settings: ``data_dir``, ``fetch_timeout_s`` and ``fetch_max_bytes`` are used.
        urls: list id -> role -> URL, overriding the registered URLs (mirrors, tests).
        force: promote even over the sanity checks.
        sources: list id -> Source; default :data:`screenwise.sources.SOURCES`.
        progress: called with a line of text before each download and load.
        warn_drop: share of the previously active version's entities a promoted version
            may remove before its result carries a warning.

    Returns:
        A :class:`LoadReport` with one result per list.

    Raises:
        NotFoundError: when a list id is not a known list.
    """
    if sources is None:
        from screenwise.sources import SOURCES

        sources = SOURCES
    wanted = list(list_ids or [])
    if not wanted:
        wanted = [list_id for list_id, source in sources.items() if source.urls]
    unknown = [list_id for list_id in wanted if list_id not in sources]
    if unknown:
        known = ", ".join(sorted(sources)) or "none"
        raise NotFoundError(f"unknown list id(s): {', '.join(unknown)} (known: {known})")
    report = LoadReport()
    staging = settings.data_dir / "downloads"
    for list_id in wanted:
        source = sources[list_id]
        override = (urls or {}).get(list_id)
        if progress:
            progress(f"downloading {list_id}")
        started = time.perf_counter()
        try:
            staged = fetch_source(
                source,
                staging,
                urls=override,
                timeout_s=settings.fetch_timeout_s,
                max_bytes=settings.fetch_max_bytes,
            )
            parsed = source.parse(staged.paths(), published=staged.published())
        except ScreenwiseError as exc:
            log.warning("%s: %s", list_id, exc)
            report.append(
                LoadResult(
                    list_id,
                    "failed",
                    str(exc),
                    files=dict(override or source.urls),
                    parse_s=time.perf_counter() - started,
                )
            )
            continue
        parsed.source = "; ".join(staged.urls().values())
        parsed.files = staged.urls()
        if progress:
            progress(f"loading {list_id} ({len(parsed.entities)} entities)")
        result = store.load(parsed, force=force, warn_drop=warn_drop)
        result.parse_s = time.perf_counter() - started
        report.append(result)
    return report


def load_offline_or_fetch(
    store: ListStore, settings: Settings, *, progress: Progress | None = None
) -> LoadReport:
    """Load the offline snapshot directory when it exists, else download every list.

    The offline directory is :func:`screenwise.settings.default_shared_lists_dir`
    (``$SCREENWISE_SHARED/data/lists`` or ``../shared/data/lists``).

    Returns:
        The :class:`LoadReport` of :func:`load_paths` or :func:`fetch_lists`.
    """
    offline = default_shared_lists_dir()
    if offline is not None:
        log.info("loading the offline list snapshot %s", offline)
        return load_paths(store, [offline], progress=progress)
    log.info("no offline list snapshot; downloading from the official URLs")
    return fetch_lists(store, None, settings, progress=progress)
