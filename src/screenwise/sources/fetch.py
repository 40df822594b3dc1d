"""Download official list files to a staging directory, refusing anything but a whole file.

``screenwise lists fetch`` downloads each file of a list from the publisher's URL
(``Source.urls``) into a staging directory under the data directory, and only a file that
passed every check below is handed to the parser and the store, through the same path as
``screenwise lists load``. ``file://`` URLs and local paths go through the same code, so
the checks are the same whatever the origin.

Checks, in order (each failure raises :class:`~screenwise.errors.ListFetchError` naming
the URL, and removes the partial file):

1. Transport: connection errors and timeouts (``timeout_s``), any HTTP status but 200.
2. Size: a declared ``Content-Length`` or a body above ``max_bytes`` is refused while
   downloading, before it fills the disk.
3. Truncation: fewer body bytes than the declared ``Content-Length``.
4. Content: an empty body, or an HTML page (by ``Content-Type`` or by its first bytes -
   what a web server sends for an error or a login page) instead of the list.
5. Integrity of compressed files: a gzip file is decompressed to its end (CRC and length
   trailer checked, RFC 1952) and every member of a zip file is CRC-checked (PKWARE
   APPNOTE), so a truncated or corrupted archive never reaches the parser.
6. Checksum: when an expected sha256 is given, a mismatch raises
   :class:`~screenwise.errors.ChecksumError`.

The sha256 of every staged file is recorded; the store's content hash is computed by the
parser over the decompressed content.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import shutil
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from screenwise import __version__
from screenwise.errors import ChecksumError, ListFetchError
from screenwise.sources.base import Source

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_S",
    "StagedFile",
    "StagedSet",
    "fetch_source",
    "fetch_url",
]

log = logging.getLogger(__name__)

#: Default download timeout (connect and between reads), in seconds.
DEFAULT_TIMEOUT_S = 60.0
#: Default size limit of one download, in bytes.
DEFAULT_MAX_BYTES = 200_000_000

_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_PREFIXES = (b"<!doctype html", b"<html", b"<head", b"<body")
_USER_AGENT = f"screenwise/{__version__} (sanctions list update)"


@dataclass(frozen=True)
class StagedFile:
    """One downloaded (or copied) file that passed every check.

    Attributes:
        url: the URL or path it came from.
        path: the staged file.
        sha256: sha256 hex digest of the staged bytes.
        size: size in bytes.
        last_modified: the ``Last-Modified`` header (UTC), or the file's mtime for local
            files, or None.
    """

    url: str
    path: Path
    sha256: str
    size: int
    last_modified: datetime | None = None


@dataclass
class StagedSet:
    """The staged files of one list version, ready for ``Source.parse``.

    Attributes:
        list_id: the list.
        directory: the staging directory holding the files.
        files: role -> staged file.
    """

    list_id: str
    directory: Path
    files: dict[str, StagedFile] = field(default_factory=dict)

    def paths(self) -> dict[str, Path]:
        """Return role -> staged path (the argument of ``Source.parse``)."""
        return {role: staged.path for role, staged in self.files.items()}

    def urls(self) -> dict[str, str]:
        """Return role -> URL the file came from."""
        return {role: staged.url for role, staged in self.files.items()}

    def published(self) -> date:
        """Return the publication date to assume when the files state none.

        The newest ``Last-Modified`` date among the files, else today's date (UTC): a
        list as served today.
        """
        stamps = [f.last_modified for f in self.files.values() if f.last_modified]
        return max(stamps).date() if stamps else datetime.now(UTC).date()


def fetch_url(
    url: str,
    dest: Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    expected_sha256: str | None = None,
    client: httpx.Client | None = None,
) -> StagedFile:
    """Download ``url`` (``http(s)://``, ``file://`` or a local path) to ``dest``.

    The body is written to ``dest`` + ``.part`` and renamed to ``dest`` only after every
    check in the module docstring passed.

    Args:
        url: where to read from.
        dest: the staged file to create (its directory must exist).
        timeout_s: network timeout in seconds.
        max_bytes: size limit in bytes.
        expected_sha256: sha256 hex digest the file must have, when known.
        client: an ``httpx.Client`` to reuse; one is created when None.

    Returns:
        The :class:`StagedFile`.

    Raises:
        ListFetchError: naming the URL (and HTTP status) for any failed check.
        ChecksumError: when ``expected_sha256`` does not match.
    """
    part = dest.with_name(dest.name + ".part")
    try:
        if _is_local(url):
            digest, size, modified = _copy_local(url, part, max_bytes)
        else:
            digest, size, modified = _download(url, part, timeout_s, max_bytes, client)
        _check_content(url, part, size)
        if expected_sha256 and digest != expected_sha256.lower():
            raise ChecksumError(url, expected_sha256.lower(), digest)
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)
    log.info("fetched %s -> %s (%d bytes, sha256 %s)", url, dest, size, digest)
    return StagedFile(url, dest, digest, size, modified)


def fetch_source(
    source: Source,
    staging_dir: Path,
    *,
    urls: Mapping[str, str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StagedSet:
    """Download every file of a list into a new staging directory.

    Args:
        source: the list's Source; its ``urls`` (role -> URL) are used unless ``urls``
            is given.
        staging_dir: parent directory; files go to
            ``<staging_dir>/<list id>/<UTC timestamp>/<file name from the URL>``.
        urls: role -> URL overriding ``source.urls`` (mirrors, tests).
        timeout_s: network timeout per request, in seconds.
        max_bytes: size limit per file, in bytes.

    Returns:
        The :class:`StagedSet`. Older staging directories of the list are removed once
        this one is complete.

    Raises:
        ListFetchError: when the list has no URL, or any file fails a check; the new
            staging directory is removed and nothing else is touched.
        ChecksumError: see :func:`fetch_url`.
    """
    wanted = dict(urls if urls is not None else source.urls)
    if not wanted:
        raise ListFetchError(source.list_id, "no download URL is registered for this list")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    list_dir = staging_dir / source.list_id
    directory = list_dir / stamp
    directory.mkdir(parents=True, exist_ok=False)
    staged = StagedSet(source.list_id, directory)
    try:
        with httpx.Client(
            timeout=timeout_s, follow_redirects=True, headers={"User-Agent": _USER_AGENT}
        ) as client:
            for role, url in wanted.items():
                dest = directory / _file_name(url, role)
                staged.files[role] = fetch_url(
                    url, dest, timeout_s=timeout_s, max_bytes=max_bytes, client=client
                )
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    for old in list_dir.iterdir():
        if old.is_dir() and old.name < stamp:
            shutil.rmtree(old, ignore_errors=True)
    return staged


# -- internals ---------------------------------------------------------------------------


def _is_local(url: str) -> bool:
    scheme = urlparse(url).scheme.lower()
    return scheme in ("", "file") or (len(scheme) == 1 and url[1:3] in (":\\", ":/"))


def _local_path(url: str) -> Path:
    parsed = urlparse(url)
    if parsed.scheme.lower() == "file":
        return Path(unquote(parsed.path))
    return Path(url)


def _file_name(url: str, role: str) -> str:
    name = Path(unquote(urlparse(url).path)).name if not _is_local(url) else _local_path(url).name
    return name or f"{role}.download"


def _copy_local(url: str, part: Path, max_bytes: int) -> tuple[str, int, datetime | None]:
    path = _local_path(url)
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise ListFetchError(url, f"file is larger than the limit of {max_bytes} bytes")
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as source, part.open("wb") as target:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ListFetchError(url, f"file is larger than the limit of {max_bytes} bytes")
                digest.update(chunk)
                target.write(chunk)
    except OSError as exc:
        raise ListFetchError(url, f"cannot read file: {exc.strerror or exc}") from None
    return digest.hexdigest(), size, datetime.fromtimestamp(stat.st_mtime, UTC)


def _download(
    url: str, part: Path, timeout_s: float, max_bytes: int, client: httpx.Client | None
) -> tuple[str, int, datetime | None]:
    own = client is None
    http = client or httpx.Client(
        timeout=timeout_s, follow_redirects=True, headers={"User-Agent": _USER_AGENT}
    )
    try:
        with http.stream("GET", url, timeout=timeout_s) as response:
            if response.status_code != 200:
                raise ListFetchError(
                    url,
                    f"HTTP {response.reason_phrase or 'error'}",
                    status_code=response.status_code,
                )
            content_type = response.headers.get("content-type", "").lower()
            if content_type.startswith(("text/html", "application/xhtml")):
                raise ListFetchError(
                    url,
                    f"the server sent an HTML page ({content_type}) instead of the list",
                    status_code=response.status_code,
                )
            declared = _content_length(response)
            if declared is not None and declared > max_bytes:
                raise ListFetchError(
                    url, f"Content-Length {declared} is above the limit of {max_bytes} bytes"
                )
            digest = hashlib.sha256()
            size = 0
            with part.open("wb") as target:
                for chunk in response.iter_bytes(_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise ListFetchError(
                            url, f"response is larger than the limit of {max_bytes} bytes"
                        )
                    digest.update(chunk)
                    target.write(chunk)
            received = response.num_bytes_downloaded
            if declared is not None and received != declared:
                raise ListFetchError(
                    url,
                    f"truncated response: received {received} of {declared} bytes "
                    "announced by Content-Length",
                )
            modified = _last_modified(response)
    except httpx.TimeoutException:
        raise ListFetchError(url, f"timed out after {timeout_s:g} s") from None
    except httpx.HTTPError as exc:
        # RemoteProtocolError covers a connection closed before Content-Length bytes.
        raise ListFetchError(url, f"download failed: {exc}") from None
    finally:
        if own:
            http.close()
    return digest.hexdigest(), size, modified


def _content_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("content-length")
    if raw is None or response.headers.get("content-encoding"):
        return None  # with a content coding the length counts encoded bytes
    try:
        return int(raw)
    except ValueError:
        return None


def _last_modified(response: httpx.Response) -> datetime | None:
    raw = response.headers.get("last-modified")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def _check_content(url: str, path: Path, size: int) -> None:
    """Refuse empty files, HTML pages and truncated or corrupted gzip/zip archives."""
    if size == 0:
        raise ListFetchError(url, "empty response (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    sniff = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:32].lower()
    if sniff.startswith(_HTML_PREFIXES):
        raise ListFetchError(
            url, "an HTML page was received instead of the list (an error or login page?)"
        )
    if head.startswith(_GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as stream:
                while stream.read(1 << 20):
                    pass
        except EOFError:
            raise ListFetchError(
                url, "truncated gzip file (the compressed stream ends early)"
            ) from None
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise ListFetchError(url, f"corrupted gzip file: {exc}") from None
    elif head.startswith(_ZIP_MAGICS):
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ListFetchError(url, f"truncated or corrupted zip file: {exc}") from None
        if bad is not None:
            raise ListFetchError(url, f"corrupted zip file: member {bad!r} fails its CRC check")
