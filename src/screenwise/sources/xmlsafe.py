"""The only XML parser factory in screenwise: no entities, no network, no DTDs.

List files arrive from the network, so XML is parsed defensively:

* entity resolution is off (``resolve_entities=False``), so an external entity (XXE) is
  never read and an internal one is never expanded;
* no network access (``no_network=True``) and no DTD loading (``load_dtd=False``);
* libxml2's size guards stay on (``huge_tree=False``: text nodes up to 10 MB, depth 256);
* a document with a document type declaration (``<!DOCTYPE``) is refused outright. None of
  the official list formats (OFAC ``sdnList`` and Enhanced XML, UN consolidated list, EU FSF,
  UK sanctions list) uses a DTD - they are defined by XML Schemas - so a DOCTYPE is either
  a wrong file or an attack (XXE, "billion laughs" entity expansion). The prolog is checked
  before any parsing, and the parsed document is checked again (for encodings the prolog
  scan cannot read, e.g. UTF-16).

Syntax errors become :class:`~screenwise.errors.ListParseError` naming the file and line.

The module also holds the small element helpers every XML list parser shares: the local
name and namespace of a tag, an element's source line for error messages, white-space
cleaned text, and an ISO date attribute read with a located error.

Source: OWASP "XML External Entity Prevention Cheat Sheet"; lxml ``XMLParser`` options
(https://lxml.de/api/lxml.etree.XMLParser-class.html).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from lxml import etree

from screenwise.errors import ListParseError

__all__ = [
    "clean_text",
    "date_attribute",
    "iter_elements",
    "localname",
    "make_parser",
    "namespace_prefix",
    "parse_xml",
    "sourceline",
]

_BOMS = (b"\xef\xbb\xbf",)
_PROLOG_SCAN_BYTES = 65536
#: The hardening options shared by :func:`make_parser` and :func:`iter_elements`.
_SAFE_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def make_parser() -> etree.XMLParser:
    """Return a new hardened lxml parser (see the module docstring for its settings).

    Returns:
        An ``lxml.etree.XMLParser``; parsers are not thread-safe, so each call makes one.
    """
    return etree.XMLParser(**_SAFE_OPTIONS)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse a whole XML document from bytes and return its root element.

    Args:
        data: the document (any encoding its XML declaration names; UTF-8 by default).
        name: file name used in error messages (``path`` or ``path!member``).

    Returns:
        The root element.

    Raises:
        ListParseError: naming the file when the document has a DOCTYPE (XXE or entity
            expansion is refused before anything is parsed), or naming file and line on a
            syntax error (unclosed tag, undefined entity, bad encoding ...).
    """
    _check_prolog(data[:_PROLOG_SCAN_BYTES], name)
    try:
        root = etree.fromstring(data, parser=make_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, name) from None
    _check_docinfo(root, name)
    return root


def iter_elements(data: bytes, name: str, tag: str | tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream the elements with the given tag(s), freeing each one after it is yielded.

    Use for large files: memory stays bounded by the largest yielded element. Do not keep
    references to yielded elements' children after the next iteration.

    Args:
        data: the document as bytes.
        name: file name used in error messages.
        tag: element tag(s) in Clark notation (``{namespace}local``) or plain names.

    Yields:
        Each matching element when its end tag has been read, with its subtree complete.

    Raises:
        ListParseError: as :func:`parse_xml`.
    """
    _check_prolog(data[:_PROLOG_SCAN_BYTES], name)
    tags = (tag,) if isinstance(tag, str) else tag
    context = etree.iterparse(io.BytesIO(data), events=("end",), **_SAFE_OPTIONS)
    checked = False
    try:
        for _event, element in context:
            if not checked:
                _check_docinfo(element, name)
                checked = True
            if element.tag not in tags:
                continue
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, name) from None


def localname(element: etree._Element) -> str:
    """Return an element's tag without its namespace (``{ns}sdnEntry`` -> ``sdnEntry``)."""
    tag = element.tag
    if not isinstance(tag, str):  # comment or processing instruction
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace_prefix(element: etree._Element) -> str:
    """Return the ``{namespace}`` prefix of an element's tag, or ``""`` when it has none.

    Prepend it to local names in ``find``/``iterfind`` paths of a namespaced document.
    """
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[: tag.index("}") + 1]


def sourceline(element: etree._Element) -> int | None:
    """Return an element's 1-based line in the source document (None when lxml lost it)."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def clean_text(value: str | None) -> str | None:
    """Collapse every run of white space to one space and strip the ends.

    Args:
        value: element text or an attribute value as published.

    Returns:
        The cleaned text; None for None, empty or all-white-space input.
    """
    if value is None:
        return None
    return " ".join(value.split()) or None


def date_attribute(element: etree._Element, attribute: str, name: str) -> date | None:
    """Return the date part of an ISO 8601 date or date-time attribute.

    Args:
        element: the element carrying the attribute (e.g. a list's root element).
        attribute: attribute name, e.g. ``dateGenerated`` or ``generationDate``.
        name: file name used in the error message.

    Returns:
        The date of the first ten characters (``2026-02-27T10:00:00Z`` -> 2026-02-27);
        None when the attribute is absent or empty.

    Raises:
        ListParseError: naming file, line and the attribute as field when the value does
            not start with an ISO date.
    """
    value = element.get(attribute)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ListParseError(
            name,
            f"{attribute} {value!r} is not an ISO date",
            line=sourceline(element),
            field=attribute,
        ) from None


# -- internals --------------------------------------------------------------------------


def _syntax_error(exc: etree.XMLSyntaxError, name: str) -> ListParseError:
    line = exc.lineno if exc.lineno else None
    message = exc.msg or str(exc)
    return ListParseError(name, f"XML syntax error: {message}", line=line)


def _refuse_doctype(name: str, line: int | None) -> ListParseError:
    return ListParseError(
        name,
        "document type declaration (DOCTYPE) refused: official list formats use no DTD, "
        "and a DTD can declare external or recursively expanding entities (XXE, "
        "entity expansion bomb); nothing was parsed",
        line=line,
    )


def _ascii_view(head: bytes) -> bytes:
    """Return the head re-encoded as UTF-8 when it is UTF-16/32 (by BOM or zero bytes)."""
    codec = None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        codec = "utf-32"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif head.startswith(b"<\x00\x00\x00"):
        codec = "utf-32-le"
    elif head.startswith(b"\x00\x00\x00<"):
        codec = "utf-32-be"
    elif head.startswith(b"<\x00"):
        codec = "utf-16-le"
    elif head.startswith(b"\x00<"):
        codec = "utf-16-be"
    if codec is None:
        return head
    return head.decode(codec, errors="replace").encode("utf-8")


def _check_prolog(head: bytes, name: str) -> None:
    """Refuse a DOCTYPE in the prolog (before the root element) of the document head."""
    head = _ascii_view(head)
    pos = 0
    for bom in _BOMS:
        if head.startswith(bom):
            pos = len(bom)
    size = len(head)
    while pos < size:
        # skip white space
        while pos < size and head[pos] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            if end < 0:
                return
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            if end < 0:
                return
            pos = end + 3
        elif head[pos : pos + 9].upper() == b"<!DOCTYPE":
            raise _refuse_doctype(name, head.count(b"\n", 0, pos) + 1)
        else:
            return


def _check_docinfo(element: etree._Element, name: str) -> None:
    docinfo = element.getroottree().docinfo
    if (
        getattr(docinfo, "doctype", "")
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
    ):
        raise _refuse_doctype(name, None)
