"""Reading request bodies: content types, charsets and JSON, with one error per kind of fault.

The rules every route follows:

* a body in a content type the route does not read answers **415** (a JSON route reads
  ``application/json`` and ``application/*+json``; a request without ``Content-Type`` is
  read as JSON, as FastAPI does);
* a body that is not well-formed JSON answers **400** ``malformed JSON at line L column C``;
* a text body is decoded with the charset its ``Content-Type`` declares, else (HTML) the
  charset its ``<meta>`` declares, else UTF-8; bytes that are not valid in that charset
  answer **400** naming the byte offset, instead of being turned into other characters.

Source: RFC 9110 section 8.3 (Content-Type, media type parameters), RFC 8259 (JSON), and the
HTML Living Standard, "Determining the character encoding" (the ``<meta charset>``
pre-scan, simplified to the first 1,024 bytes).
"""

from __future__ import annotations

import codecs
import json
import re
from email.message import Message
from typing import Any

from fastapi import Request

from screenwise.api.security import UnsupportedMediaTypeError
from screenwise.errors import QueryError

__all__ = [
    "charset_of",
    "decode_text_body",
    "is_json_media",
    "malformed_json_message",
    "media_type_of",
    "parse_json_body",
    "require_json",
]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def _parsed(content_type: str) -> Message:
    message = Message()
    message["content-type"] = content_type
    return message


def media_type_of(content_type: str | None) -> str:
    """Return the lower-case media type of a ``Content-Type`` value (``""`` when absent)."""
    if not content_type or not content_type.strip():
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def charset_of(content_type: str | None) -> str | None:
    """Return the ``charset`` parameter of a ``Content-Type`` value, lower-case, or None."""
    if not content_type:
        return None
    value = _parsed(content_type).get_param("charset")
    if isinstance(value, str) and value.strip():
        return value.strip().strip('"').lower()
    return None


def is_json_media(media: str) -> bool:
    """Return True for ``application/json`` and ``application/<anything>+json``."""
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def require_json(request: Request) -> None:
    """FastAPI dependency of JSON routes: refuse other body types with 415.

    A request without ``Content-Type`` is read as JSON.

    Raises:
        UnsupportedMediaTypeError: the body declares another media type.
    """
    media = media_type_of(request.headers.get("content-type"))
    if media and not is_json_media(media):
        raise UnsupportedMediaTypeError(
            f"content type {media!r} not supported: send the body as application/json"
        )


def malformed_json_message(doc: str | bytes, pos: int, reason: str) -> str:
    """Return ``malformed JSON at line L column C: reason`` for a parse error at ``pos``.

    Args:
        doc: the JSON text (or bytes, read as UTF-8).
        pos: 0-based character offset of the error.
        reason: the parser's message, e.g. ``Expecting ',' delimiter``.
    """
    text = doc.decode("utf-8", "replace") if isinstance(doc, bytes) else doc
    pos = max(0, min(pos, len(text)))
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"malformed JSON at line {line} column {column}: {reason}"


def parse_json_body(raw: bytes) -> Any:
    """Parse a JSON request body.

    Raises:
        QueryError: the body is not UTF-8 or not well-formed JSON (field ``body``; the
            message gives the line and column, or the byte offset).
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"body: not valid UTF-8 at byte offset {exc.start}; JSON must be UTF-8",
            field="body",
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise QueryError(malformed_json_message(text, exc.pos, exc.msg), field="body") from None


def decode_text_body(raw: bytes, content_type: str) -> str:
    """Decode a ``text/plain`` or ``text/html`` body by its declared charset.

    The charset is the ``Content-Type``'s ``charset`` parameter, else for HTML the
    ``<meta charset>`` in its first 1,024 bytes, else UTF-8 (a UTF-8 byte-order mark is
    dropped).

    Args:
        raw: the body bytes.
        content_type: the request's ``Content-Type`` value.

    Returns:
        The text.

    Raises:
        QueryError: unknown charset, bytes not valid in the charset (names the byte offset
            and the charset), or binary content (NUL characters); field ``body``.
    """
    declared = charset_of(content_type)
    source = "the Content-Type header"
    if declared is None and media_type_of(content_type) == "text/html":
        found = _META_CHARSET.search(raw[:1024])
        if found:
            declared = found.group(1).decode("ascii").lower()
            source = "the page's <meta charset>"
    charset = declared or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        raise QueryError(f"body: unknown charset {charset!r} in {source}", field="body") from None
    if codecs.lookup(charset).name == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as exc:
        hint = (
            f"as declared by {source}"
            if declared
            else "(no charset declared); send UTF-8 or declare the charset, e.g. "
            "'Content-Type: text/plain; charset=windows-1252'"
        )
        raise QueryError(
            f"body: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} is not valid "
            f"{charset} {hint}",
            field="body",
        ) from None
    if "\x00" in text:
        raise QueryError(
            "body: binary content (NUL characters); send an article as text or HTML",
            field="body",
        )
    return text
