"""Safe reading of published list files: decompression, sniffing, strict decoding, CSV rows.

Every source parser reads its input through these helpers, so the same faults get the same
error everywhere. The reading pipeline has a fixed order:

1. Read the raw bytes (refused above ``max_bytes``; an empty file is an error).
2. Decompress transparently by magic number, not by file name: gzip (``1f 8b``) and zip
   (``PK``) - a named member or the single member. A truncated or corrupt archive is an
   error; the decompressed size is capped by ``max_bytes`` as well (no zip/gzip bombs).
3. Sniff the content: an empty payload or an HTML page (``<!DOCTYPE html`` / ``<html``, what
   a web server answers with when a download went wrong) is refused.
4. Decode as strict UTF-8 (a leading BOM is dropped). Bytes that are not UTF-8 (typically
   cp1252 bytes in a file that should be UTF-8) raise an error naming the 1-based line and
   the byte offset.
5. CSV: :func:`iter_csv_rows` yields ``(line number, row)`` and names file, line and column
   when a row is short.

Every error is a :class:`~screenwise.errors.ListParseError` whose message starts with the
file (``path`` or ``path!member`` for an archive member).

Sources: gzip, RFC 1952; zip, PKWARE APPNOTE.TXT; UTF-8, RFC 3629; CSV, RFC 4180 (the
dialect OFAC, the US CSL and OFSI publish).
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from screenwise.errors import ListParseError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HEAD_BYTES",
    "decode_utf8",
    "describe",
    "iter_csv_dicts",
    "iter_csv_rows",
    "read_bytes",
    "read_head",
    "read_text",
]

#: Default limit on a list file's size, raw and decompressed, in bytes (1 GiB). The
#: largest official list file (OFAC ``sdn_advanced.xml``) is well under 200 MB.
DEFAULT_MAX_BYTES = 1 << 30
#: Bytes returned by :func:`read_head` by default (what ``Source.identify`` sees).
HEAD_BYTES = 8192

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_HTML_PREFIXES = (b"<!doctype html", b"<html")
_DOS_EOF = "\x1a"


def describe(path: str | Path, member: str | None = None) -> str:
    """Return the name errors use for a file or an archive member: ``path`` or ``path!member``."""
    return f"{path}!{member}" if member else str(path)


def read_bytes(
    path: str | Path,
    *,
    member: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> bytes:
    """Read a list file's content, decompressed, refusing empty, truncated and HTML content.

    Args:
        path: the file (plain, gzip or zip; detected by content, not by name).
        member: for a zip, the member to read (matched on its base name, case-insensitive);
            None reads the single member and is an error when the zip holds several files.
        max_bytes: limit on the raw and on the decompressed size, in bytes.

    Returns:
        The decompressed content, BOM included (see :func:`decode_utf8`).

    Raises:
        ListParseError: naming the file (``path!member`` inside a zip) when the file is
            missing or unreadable, empty, larger than ``max_bytes``, a truncated or corrupt
            gzip/zip, a zip without the requested member or with several candidates, or an
            HTML page instead of the list.
    """
    raw = _read_raw(path, max_bytes)
    name = str(path)
    if raw.startswith(_GZIP_MAGIC):
        data = _gunzip(raw, name, max_bytes)
    elif raw.startswith(_ZIP_MAGICS):
        member_name, data = _unzip(raw, name, member, max_bytes)
        name = describe(path, member_name)
    else:
        data = raw
    _check_payload(data, name)
    return data


def read_head(path: str | Path, n: int = HEAD_BYTES) -> bytes:
    """Return the first ``n`` bytes of a file's decompressed content, for format sniffing.

    Reads gzip and single-member (or first-member) zip files without decompressing the
    whole file. Never raises on bad content: an unreadable, truncated or corrupt file gives
    whatever could be read (possibly ``b""``), since the parser reports the fault properly.

    Args:
        path: the file.
        n: number of bytes wanted.

    Returns:
        Up to ``n`` bytes of decompressed content.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max(n, 4096))
            if raw.startswith(_GZIP_MAGIC):
                handle.seek(0)
                with gzip.GzipFile(fileobj=handle) as gz:
                    return _read_partial(gz, n)
            if raw.startswith(_ZIP_MAGICS):
                handle.seek(0)
                with zipfile.ZipFile(handle) as archive:
                    infos = [i for i in archive.infolist() if not i.is_dir()]
                    if not infos:
                        return b""
                    with archive.open(infos[0]) as stream:
                        return _read_partial(stream, n)
            return raw[:n]
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
        return b""


def decode_utf8(data: bytes, path: str | Path) -> str:
    """Decode bytes as strict UTF-8, dropping a leading byte-order mark.

    Args:
        data: file content.
        path: file name used in the error message.

    Returns:
        The text, line ends untouched.

    Raises:
        ListParseError: naming the file, the 1-based line and the byte offset of the first
            byte that is not UTF-8 (e.g. ``0x96``, a cp1252 en dash).

    Source: RFC 3629 (UTF-8).
    """
    start = 3 if data.startswith(_BOM) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = data.count(b"\n", 0, offset) + 1
        bad = data[offset : offset + 1].hex()
        raise ListParseError(
            str(path),
            f"byte 0x{bad} at byte offset {offset} is not valid UTF-8 "
            "(the file may be in a legacy encoding such as cp1252)",
            line=line,
        ) from None


def read_text(
    path: str | Path,
    *,
    member: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """Read a list file as strict UTF-8 text (:func:`read_bytes` then :func:`decode_utf8`).

    Raises:
        ListParseError: see :func:`read_bytes` and :func:`decode_utf8`.
    """
    data = read_bytes(path, member=member, max_bytes=max_bytes)
    return decode_utf8(data, path if member is None else describe(path, member))


def iter_csv_rows(
    text: str,
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    min_columns: int | None = None,
    delimiter: str = ",",
    strict: bool = True,
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` for each CSV row, checking that no column is missing.

    Blank lines and a line holding only the DOS end-of-file byte ``0x1A`` (as OFAC's legacy
    CSV files end) are skipped. The line number is the 1-based physical line where the row
    starts (a quoted field may span lines). Fields are returned as published (not stripped).

    Args:
        text: the decoded file content.
        path: file name used in error messages.
        columns: the column names in order; used to name a missing column.
        min_columns: rows with fewer fields are an error; defaults to ``len(columns)``, or
            no check when ``columns`` is None too.
        delimiter: field separator.
        strict: refuse quoting faults (a stray quote inside a quoted field, a quoted field
            left open at the end of the file, which would otherwise swallow every later
            row); pass False only for publishers known to emit such quotes.

    Raises:
        ListParseError: naming file, line and column for a short row
            (``field`` = the first missing column), or file and line for a CSV syntax error
            (an unclosed quote, a stray quote).

    Source: RFC 4180.
    """
    required = min_columns if min_columns is not None else len(columns) if columns else 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ListParseError(
                str(path),
                f"CSV syntax error in the row starting at line {line}: {exc}",
                line=max(reader.line_num, line),
            ) from None
        start, line = line, reader.line_num + 1
        if not row or (len(row) == 1 and row[0].strip(" \t" + _DOS_EOF) == ""):
            continue
        if len(row) < required:
            missing = columns[len(row)] if columns and len(row) < len(columns) else None
            raise ListParseError(
                str(path),
                f"row has {len(row)} fields, expected {required}",
                line=start,
                field=missing or f"#{len(row) + 1}",
            )
        yield start, row


def iter_csv_dicts(
    text: str,
    path: str | Path,
    *,
    required: Sequence[str] = (),
    delimiter: str = ",",
    strict: bool = True,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, {column: value})`` for a CSV file with a header row.

    Rows shorter than the header are an error (naming the first missing column); extra
    trailing fields beyond the header are ignored.

    Args:
        text: the decoded file content; the first non-blank row is the header.
        path: file name used in error messages.
        required: header columns that must be present.
        delimiter: field separator.
        strict: see :func:`iter_csv_rows`.

    Raises:
        ListParseError: naming file and line 1 and the column when a required column is
            absent from the header; see :func:`iter_csv_rows` for row errors. An empty file
            (no header) is an error.
    """
    rows = iter_csv_rows(text, path, delimiter=delimiter, strict=strict)
    first = next(rows, None)
    if first is None:
        raise ListParseError(str(path), "no header row (empty file)", line=1)
    header_line, header = first
    header = [h.strip().lstrip("\ufeff") for h in header]
    for name in required:
        if name not in header:
            raise ListParseError(
                str(path), "required column missing from header", line=header_line, field=name
            )
    width = len(header)
    for line, row in rows:
        if len(row) < width:
            raise ListParseError(
                str(path),
                f"row has {len(row)} fields, header has {width}",
                line=line,
                field=header[len(row)],
            )
        yield line, dict(zip(header, row, strict=False))


# -- internals --------------------------------------------------------------------------


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _read_raw(path: str | Path, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise ListParseError(str(path), f"file larger than the limit of {max_bytes} bytes")
            raw = handle.read()
    except OSError as exc:
        raise ListParseError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if not raw:
        raise ListParseError(str(path), "empty file (0 bytes)")
    if len(raw) > max_bytes:
        raise ListParseError(str(path), f"file larger than the limit of {max_bytes} bytes")
    return raw


def _read_partial(stream: _Readable, n: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while size < n:
            chunk = stream.read(n - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
        pass
    return b"".join(chunks)


def _read_capped(stream: _Readable, name: str, max_bytes: int) -> bytes:
    buffer = io.BytesIO()
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return buffer.getvalue()
        size += len(chunk)
        if size > max_bytes:
            raise ListParseError(
                name, f"decompressed content larger than the limit of {max_bytes} bytes"
            )
        buffer.write(chunk)


def _gunzip(raw: bytes, name: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            return _read_capped(stream, name, max_bytes)
    except EOFError:
        raise ListParseError(
            name, "truncated gzip file (compressed stream ends before its end marker)"
        ) from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise ListParseError(name, f"corrupt gzip file: {exc}") from None


def _unzip(raw: bytes, name: str, member: str | None, max_bytes: int) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ListParseError(
            name, f"truncated or corrupt zip file (no readable central directory: {exc})"
        ) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names = ", ".join(i.filename for i in infos) or "none"
        if member is not None:
            wanted = member.lower()
            chosen = [i for i in infos if i.filename.rsplit("/", 1)[-1].lower() == wanted]
            if not chosen:
                raise ListParseError(name, f"zip has no member {member!r} (members: {names})")
        else:
            chosen = infos
            if len(chosen) != 1:
                raise ListParseError(
                    name, f"zip must hold exactly one file when no member is named ({names})"
                )
        info = chosen[0]
        where = describe(name, info.filename)
        if info.file_size > max_bytes:
            raise ListParseError(where, f"member is larger than the limit of {max_bytes} bytes")
        try:
            with archive.open(info) as stream:
                return info.filename, _read_capped(stream, where, max_bytes)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ListParseError(where, f"truncated or corrupt zip member: {exc}") from None


def _check_payload(data: bytes, name: str) -> None:
    head = data[:1024]
    if head.startswith(_BOM):
        head = head[3:]
    stripped = head.lstrip()
    if not stripped.strip(b"\x1a\x00") and not data[1024:].strip():
        raise ListParseError(name, "empty file (no content after decompression)")
    lowered = stripped[:64].lower()
    if lowered.startswith(_HTML_PREFIXES):
        raise ListParseError(
            name,
            "an HTML page was found instead of the list "
            "(an error or login page served by the web server?)",
            line=1,
        )
