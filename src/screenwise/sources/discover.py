"""Group list files into list versions: which files, of which list, form one version.

Given files and directories (searched recursively), each file is sniffed (its name and the
first 8 KiB of its decompressed content) and every registered Source is asked whether the
file is one of its files and in which *role* (``sdn``, ``alt``, ``xml``, ...). Files are
then grouped into *version sets*, one per list version:

1. A *primary* file (any role that is not a companion role of the source's
   :class:`~screenwise.sources.SetLayout`) starts a version set of its own.
2. A *companion* file (``alt``, ``add``, ``comments`` of the OFAC legacy CSV) joins the
   primary file of its source that sits in the same directory and carries the same date
   tag in its file name (``sdn-2023-12-28.csv.gz`` + ``alt-2023-12-28.csv.gz``), or that
   sits with it undated (``ofac_cons/cons_prim.csv`` + ``cons_alt.csv``).
3. Files of different dates never form one version. The one exception is a companion
   role with a date window in its layout (OFAC ``sdn_comments.csv``, the overflow of the
   remarks field): its file may be dated a few days *before* the primary file, and the
   set's notes say so.
4. A file no Source recognises, a file several Sources claim, and a companion without a
   primary file are reported in :attr:`Discovery.skipped`, never dropped silently.

A file is recognised in this order: by its content (and name) as each Source's
``identify`` sees it; failing that, by its name alone (``identify(name, b"")``: a file
named as a publisher names its files, ``sdn.csv``, ``cons_prim.csv``, ``ConList.xlsx``,
whose content is damaged or of another shape), so that the format's parser reports what
is wrong with it (file, line, field) instead of the file being skipped. With
``list_id``, a file of another list is skipped with that reason, not as unknown.

Sets are returned oldest first: by file-name date, then undated sets (an undated file is
what the publisher serves now), each list's sets in that order.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from screenwise.sources import SetLayout, set_layout
from screenwise.sources.base import Source
from screenwise.sources.files import HEAD_BYTES, read_head

__all__ = ["Discovery", "SkippedFile", "VersionSet", "date_tag", "discover", "iter_files"]

log = logging.getLogger(__name__)

_DATE_DASHED = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")


@dataclass
class VersionSet:
    """The files of one list version.

    Attributes:
        source: the Source that reads them.
        files: role -> path, e.g. ``{"sdn": .../sdn-2023-12-28.csv.gz, "alt": ...}``.
        date: the date tag of the primary file's name, or None when undated.
        notes: how the set was assembled (companions taken from another date, ...).
    """

    source: Source
    files: dict[str, Path]
    date: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def list_id(self) -> str:
        """The list id of the set's source."""
        return self.source.list_id

    def describe(self) -> str:
        """Return ``list_id [date]: role=name, ...`` for messages."""
        stamp = self.date.isoformat() if self.date else "undated"
        names = ", ".join(f"{role}={path.name}" for role, path in sorted(self.files.items()))
        return f"{self.list_id} [{stamp}]: {names}"


@dataclass(frozen=True)
class SkippedFile:
    """A file that is not part of any version set, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Discovery:
    """The result of :func:`discover`.

    Attributes:
        sets: version sets, oldest first.
        skipped: files not used, each with the reason.
    """

    sets: list[VersionSet] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def pairs(self) -> list[tuple[Source, dict[str, Path]]]:
        """Return the sets as ``(Source, {role: path})`` pairs, oldest first."""
        return [(s.source, s.files) for s in self.sets]


@dataclass
class _Sniffed:
    path: Path
    source: Source
    role: str
    date: date | None
    note: str = ""


def date_tag(name: str) -> date | None:
    """Return the date written in a file name, or None.

    Recognises ``YYYY-MM-DD`` (``sdn-2023-12-28.csv.gz``) and ``YYYYMMDD``
    (``20250801-FULL-1_0.xml``); a string that is not a real calendar date is ignored.

    Example:
        >>> date_tag("alt-2023-12-28.csv.gz")
        datetime.date(2023, 12, 28)
    """
    for pattern in (_DATE_DASHED, _DATE_COMPACT):
        for match in pattern.finditer(name):
            year, month, day = (int(g) for g in match.groups())
            if 1990 <= year <= 2100:
                try:
                    return date(year, month, day)
                except ValueError:
                    continue
    return None


def iter_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Expand files and directories (recursively) into a sorted list of files.

    Hidden files and directories (name starting with ``.``) are ignored.

    Returns:
        (files, skipped): the files found, and paths that do not exist.
    """
    found: set[Path] = set()
    skipped: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            for child in path.rglob("*"):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                    found.add(child)
        else:
            skipped.append(SkippedFile(path, "no such file or directory"))
    return sorted(found), skipped


def discover(
    paths: Iterable[str | Path],
    sources: Mapping[str, Source] | None = None,
    *,
    list_id: str | None = None,
    asked: str | None = None,
) -> Discovery:
    """Group the list files under ``paths`` into version sets, oldest first.

    Args:
        paths: files and/or directories (searched recursively).
        sources: list id -> Source to ask; default :data:`screenwise.sources.SOURCES`.
        list_id: only consider this list's Source (other files are reported as skipped,
            naming the list they belong to).
        asked: the list id as the user gave it, for the skip reason (default
            ``list_id``; differs for FtM files loaded under a list id of the user's).

    Returns:
        A :class:`Discovery` with the version sets and the skipped files.

    Raises:
        KeyError: when ``list_id`` is not a known list.
    """
    if sources is None:
        from screenwise.sources import SOURCES

        sources = SOURCES
    every = sources
    if list_id is not None:
        if list_id not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise KeyError(f"unknown list id {list_id!r} (known: {known})")
        sources = {list_id: sources[list_id]}
    files, skipped = iter_files(paths)
    sniffed: list[_Sniffed] = []
    for path in files:
        found = _identify(path, sources, every, asked or list_id)
        if isinstance(found, SkippedFile):
            skipped.append(found)
        else:
            sniffed.append(found)
    result = Discovery(skipped=skipped)
    by_source: dict[str, list[_Sniffed]] = defaultdict(list)
    for item in sniffed:
        by_source[item.source.list_id].append(item)
    for items in by_source.values():
        sets, orphans = _group(items)
        result.sets.extend(sets)
        result.skipped.extend(orphans)
    result.sets.sort(key=lambda s: (s.date is None, s.date or date.min, s.list_id, _first(s)))
    for skip in result.skipped:
        log.info("skipped %s", skip)
    return result


def _first(version_set: VersionSet) -> str:
    return min(str(p) for p in version_set.files.values())


def _claims(path: Path, sources: Mapping[str, Source], head: bytes) -> list[tuple[Source, str]]:
    return [
        (source, role)
        for source in sources.values()
        if (role := source.identify(path.name, head)) is not None
    ]


def _identify(
    path: Path,
    sources: Mapping[str, Source],
    every: Mapping[str, Source],
    asked: str | None,
) -> _Sniffed | SkippedFile:
    """Recognise one file: by content, else by name alone (see the module docstring)."""
    head = read_head(path, HEAD_BYTES)
    note = ""
    claims = _claims(path, sources, head)
    if not claims:
        other = _other_list(path, sources, every, head, asked)
        if other is not None:
            return other
        claims = _claims(path, sources, b"")
        if len(claims) == 1:
            source, role = claims[0]
            note = (
                f"{path.name}: content not recognised as {source.list_id} ({role}); "
                "read as that format because of its file name"
            )
    if not claims:
        return _unknown(path, sources, every, asked)
    if len(claims) > 1:
        names = ", ".join(f"{s.list_id} ({r})" for s, r in claims)
        return SkippedFile(path, f"claimed by several lists: {names}; use --list-id")
    source, role = claims[0]
    return _Sniffed(path, source, role, date_tag(path.name), note)


def _other_list(
    path: Path,
    sources: Mapping[str, Source],
    every: Mapping[str, Source],
    head: bytes,
    asked: str | None,
) -> SkippedFile | None:
    """A skip naming the list a file belongs to when ``--list-id`` filtered it out."""
    if len(sources) == len(every):
        return None
    others = [(s, r) for s, r in _claims(path, every, head) if s.list_id not in sources]
    if not others:
        return None
    names = ", ".join(f"{s.list_id} ({r})" for s, r in others)
    return SkippedFile(path, f"a file of {names}: not loaded because of --list-id {asked}")


def _unknown(
    path: Path,
    sources: Mapping[str, Source],
    every: Mapping[str, Source],
    asked: str | None,
) -> SkippedFile:
    """The skip of a file that no Source recognises, saying what it starts with."""
    if len(sources) != len(every):
        named = [(s, r) for s, r in _claims(path, every, b"") if s.list_id not in sources]
        if named:
            names = ", ".join(f"{s.list_id} ({r})" for s, r in named)
            return SkippedFile(
                path, f"named like a file of {names}: not loaded because of --list-id {asked}"
            )
    try:
        size = path.stat().st_size
    except OSError as exc:
        return SkippedFile(path, f"cannot be read ({exc.strerror})")
    if size == 0:
        return SkippedFile(path, "empty file (0 bytes): not a list file")
    first = read_head(path, 200).split(b"\n", 1)[0].strip()
    shown = first.decode("utf-8", errors="replace")[:60]
    return SkippedFile(
        path,
        f"not a file of any known list format (first line: {shown!r}); files are "
        "recognised by their content or by the names their publishers give them "
        "(sdn.csv, cons_prim.csv, consolidated.xml, ConList.xlsx, ...)",
    )


def _group(items: list[_Sniffed]) -> tuple[list[VersionSet], list[SkippedFile]]:
    """Group one source's files into version sets (see the module docstring)."""
    layout: SetLayout = set_layout(items[0].source)
    companion_roles = layout.companion_roles()
    primaries = [i for i in items if i.role not in companion_roles]
    companions = [i for i in items if i.role in companion_roles]
    skipped: list[SkippedFile] = []

    # One set per primary file; primaries of the same role, directory and date clash.
    sets: list[VersionSet] = []
    keyed: dict[tuple[Path, date | None, str], list[VersionSet]] = defaultdict(list)
    for item in primaries:
        version_set = VersionSet(
            item.source, {item.role: item.path}, item.date, [item.note] if item.note else []
        )
        sets.append(version_set)
        keyed[(item.path.parent, item.date, item.role)].append(version_set)

    for item in companions:
        owners = [p for p, roles in layout.companions.items() if item.role in roles]
        target, note = _companion_target(item, owners, keyed, layout)
        if target is None:
            skipped.append(SkippedFile(item.path, note))
        else:
            target.files[item.role] = item.path
            target.notes.extend(n for n in (note, item.note) if n)
    return sets, skipped


def _companion_target(
    item: _Sniffed,
    owners: list[str],
    keyed: Mapping[tuple[Path, date | None, str], list[VersionSet]],
    layout: SetLayout,
) -> tuple[VersionSet | None, str]:
    """Find the set a companion file belongs to; return (set, note) or (None, reason)."""
    directory = item.path.parent
    exact = [s for role in owners for s in keyed.get((directory, item.date, role), [])]
    exact = [s for s in exact if item.role not in s.files]
    if len(exact) == 1:
        return exact[0], ""
    if len(exact) > 1:
        return None, f"{item.role} file fits several {'/'.join(owners)} files; not used"
    window = layout.date_window_days.get(item.role, 0)
    if item.date is not None and window > 0:
        candidates = [
            s
            for (d, day, role), found in keyed.items()
            if d == directory and role in owners and day is not None
            for s in found
            if item.role not in s.files and item.date <= day <= item.date + timedelta(days=window)
        ]
        if candidates:
            target = min(candidates, key=lambda s: s.date or date.max)
            set_date = target.date or item.date
            note = (
                f"{item.role} file {item.path.name} dated {item.date.isoformat()} taken for the "
                f"{set_date.isoformat()} set ({(set_date - item.date).days} days earlier; "
                f"allowed up to {window} days for this overflow file)"
            )
            return target, note
    stamp = item.date.isoformat() if item.date else "undated"
    return None, (
        f"{item.role} file ({stamp}) has no {'/'.join(owners)} file of the same date in "
        f"{directory}; files of different dates are never combined into one version"
    )
