"""The shape every list source has: read the published format -> native records -> entities.

A source module (``sources/us_ofac.py`` ...) exposes one :class:`Source` instance. Parsing
returns a :class:`ParsedList`; nothing downstream knows which format the entities came from.
A format published as one file per version (UN, EU, UK, US CSL) is read and wrapped by
:func:`parse_single_file`, so those sources share one reading path and one error for a
missing file. Every source parses with the cyclic garbage collector paused
(:func:`gc_paused`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from followthemoney import ValueEntity

from screenwise.bulk import gc_paused
from screenwise.errors import ListParseError
from screenwise.sources.files import read_bytes

__all__ = [
    "ParseContent",
    "ParsedList",
    "Source",
    "gc_paused",
    "hash_contents",
    "parse_single_file",
]

#: Turns one file's content (bytes, file name for messages) into the publication date the
#: file states (None when it states none) and the entities in document order.
ParseContent = Callable[[bytes, str], tuple[date | None, list[ValueEntity]]]


@dataclass
class ParsedList:
    """One complete, parsed list version, ready for validation and promotion.

    Attributes:
        list_id: e.g. ``us_ofac_sdn``.
        entities: the list's entities (unique ids).
        content_hash: sha256 hex digest over the decompressed content of every input file,
            in a fixed role order, so the same content loads as the same version.
        published: publication date stated in the file, or given by the user, or None.
        source: where the content came from (paths joined by ``;``, or a URL).
        format: format name, e.g. ``ofac-legacy-csv``, ``un-xml``, ``ofsi-xlsx``.
        files: role -> path of each input file, e.g. ``{"sdn": ..., "alt": ...}``.
        warnings: non-fatal problems, each naming file, line and field.
        complete: False when companion files of the format were missing (e.g. an OFAC
            ``sdn.csv`` without ``alt.csv``/``add.csv``): such a version is stored but is
            not promoted over a complete one without ``force``.
    """

    list_id: str
    entities: list[ValueEntity]
    content_hash: str
    published: date | None
    source: str
    format: str
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True

    def schema_counts(self) -> dict[str, int]:
        """Return ``{schema name: entity count}``."""
        counts: dict[str, int] = {}
        for entity in self.entities:
            counts[entity.schema.name] = counts.get(entity.schema.name, 0) + 1
        return counts


class Source(Protocol):
    """A list publisher's format, registered in ``sources.SOURCES``.

    Attributes:
        list_id: list id of the entities it produces.
        title: human title of the list.
        publisher: publishing body.
        urls: official download URLs (role -> URL) used by ``screenwise lists fetch``.
        spec_url: URL of the official format specification or publisher notice.
    """

    list_id: str
    title: str
    publisher: str
    urls: dict[str, str]
    spec_url: str

    def identify(self, name: str, head: bytes) -> str | None:
        """Return the file's role in this source's format, or None if it is not one of ours.

        Args:
            name: the file name (without directories; compression suffixes included).
            head: the first 8 KiB of the decompressed content.
        """
        ...

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse one version from its files (role -> path).

        Raises:
            ListParseError: naming file, line/record and field, on malformed input.
        """
        ...


def hash_contents(chunks: Sequence[bytes]) -> str:
    """Return the sha256 hex digest over byte strings, length-prefixed so order matters."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()


def parse_single_file(
    list_id: str,
    files: Mapping[str, Path],
    role: str,
    *,
    format_name: str,
    parse: ParseContent,
    published: date | None = None,
    read: Callable[[Path], bytes] = read_bytes,
    warnings: list[str] | None = None,
) -> ParsedList:
    """Read the one file of a single-file format and return it as a list version.

    Args:
        list_id: list id of the version, also the error's location when the file is missing.
        files: role -> path as given to ``Source.parse``.
        role: the format's file role, e.g. ``xml`` or ``csv``.
        format_name: ``ParsedList.format``, e.g. ``un-xml``.
        parse: the format's content parser (see :data:`ParseContent`); it receives the
            file's path as text for its error messages.
        published: publication date used when the file states none.
        read: reads the file's content; default :func:`screenwise.sources.files.read_bytes`
            (decompressed, empty/truncated/HTML refused).
        warnings: list that ``parse`` fills with non-fatal problems; kept as the version's
            warnings (default: none).

    Returns:
        A complete :class:`ParsedList` whose content hash covers the decompressed file and
        whose publication date is the file's own, else ``published``.

    Raises:
        ListParseError: naming the list id when ``files`` has no ``role`` entry (``no XML
            file given (role 'xml')``); whatever ``read`` and ``parse`` raise.
    """
    path = files.get(role)
    if path is None:
        raise ListParseError(list_id, f"no {role.upper()} file given (role {role!r})")
    with gc_paused():
        data = read(path)
        stated, entities = parse(data, str(path))
    return ParsedList(
        list_id=list_id,
        entities=entities,
        content_hash=hash_contents([data]),
        published=stated or published,
        source=str(path),
        format=format_name,
        files={role: str(path)},
        warnings=warnings if warnings is not None else [],
    )
