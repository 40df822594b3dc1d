"""Read an article from a path, standard input or a URL, and decode it safely.

Reading pipeline (fixed order):

1. Read at most ``max_bytes`` + 1 bytes; more is refused (no partial article is screened).
2. Refuse binary content: NUL bytes (other than those of UTF-16 text), or more than
   10 % control characters in the first 8 KiB (images, PDFs, archives, executables).
3. Decode: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else the NUL pattern of
   UTF-16 without a byte-order mark; else strict UTF-8; else the charset an HTML page
   declares; else the first of the common single-byte encodings of news text
   (:data:`COMMON_ENCODINGS`: Western, Central European, Cyrillic, Greek) that decodes
   and reads plausibly (:func:`implausibility`); else the encoding ``charset_normalizer``
   detects. Either way a warning names the encoding used. Content that no encoding
   explains is refused.

Every refusal is an :class:`~screenwise.errors.InputError` naming the input and the reason.

Sources: UTF-8, RFC 3629; code page tables, Python ``encodings`` (cp1252, cp1250, cp1251,
cp1253) and RFC 1489 (KOI8-R); letter categories and scripts, Unicode Character Database; byte-order marks, Unicode Standard section 23.8; HTML encoding
declaration, WHATWG HTML Living Standard section 4.2.5.4 (``<meta charset>``).
"""

from __future__ import annotations

import codecs
import itertools
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from screenwise.errors import InputError

__all__ = ["COMMON_ENCODINGS", "RawInput", "decode_bytes", "implausibility", "read_source"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 32))

#: Single-byte encodings tried, in order of preference, for text that is not UTF-8 and
#: declares nothing: Windows Western (a superset of the printable ISO 8859-1), Windows
#: Central European, Windows Cyrillic, KOI8-R, Windows Greek. Rare code pages (DOS
#: cp775/cp852, hp_roman8, ...) are left to the statistical detector, used only when
#: none of these reads plausibly.
COMMON_ENCODINGS: tuple[str, ...] = ("cp1252", "cp1250", "cp1251", "koi8-r", "cp1253")
#: Letters shared by cp1252 and cp1250 that are common only in Central European
#: alphabets (Czech, Slovak, Slovene, Croatian): their presence breaks a tie between
#: the two code pages in favour of cp1250.
_CENTRAL_EUROPEAN = frozenset("ŠšŽž")
#: Non-letters that legitimately stand between two letters of a word.
_IN_WORD = frozenset("’‘ʼ·‐‑")
#: Implausible signs allowed per non-ASCII word before a decoding is not trusted.
_IMPLAUSIBLE_SHARE = 0.05
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS: dict[str, str] = {}


def _script(char: str) -> str:
    script = _SCRIPTS.get(char)
    if script is None:
        script = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
        _SCRIPTS[char] = script
    return script


def implausibility(text: str) -> tuple[int, int]:
    """Count signs that a text was decoded with the wrong single-byte encoding.

    Each of these counts once:

    * a word (run of letters) with a non-ASCII letter that mixes scripts
      (``Schrцder``: Latin text read as Cyrillic);
    * a Latin word of four letters or more that has more non-ASCII letters than ASCII
      ones (``Ïðåññ``: Cyrillic read as Latin);
    * a lower-case letter followed by an upper-case one inside a word, one of them
      non-ASCII (``оПЕЯЯ``: Windows Cyrillic read as KOI8-R, or the reverse);
    * a non-ASCII character that is not a letter, standing between two letters
      (``Schr÷der``, ``Za¿ó³æ``), apostrophes and middle dots excepted.

    A C1 control character (U+0080 to U+009F) makes the decoding impossible (returned
    as a count above any allowance).

    Args:
        text: the decoded text.

    Returns:
        ``(signs, words)``: the number of implausible signs and the number of words that
        hold a non-ASCII character (the base the signs are weighed against).
    """
    if any("\x80" <= char <= "\x9f" for char in text):
        return len(text) + 1, 1
    signs = 0
    words = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        words += 1
        scripts = {_script(char) for char in word if not char.isascii()}
        if any(char.isascii() for char in word):
            scripts.add("LATIN")
        if len(scripts) > 1:
            signs += 1
        elif scripts == {"LATIN"} and len(word) >= 4:
            foreign = sum(1 for char in word if not char.isascii())
            signs += foreign > len(word) - foreign
        for a, b in itertools.pairwise(word):
            if a.islower() and b.isupper() and not (a.isascii() and b.isascii()):
                signs += 1
                break
    for i in range(1, len(text) - 1):
        char = text[i]
        if (
            not char.isascii()
            and not char.isalpha()
            and char not in _IN_WORD
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            signs += 1
            words += 1
    return signs, words


def _common_decoding(data: bytes) -> tuple[str, str] | None:
    """Decode with the most plausible of :data:`COMMON_ENCODINGS`, or None if none fits.

    The encodings with the fewest implausible signs win (none are trusted above
    :data:`_IMPLAUSIBLE_SHARE` signs per non-ASCII word). Among winners that read
    differently: cp1252 before cp1250 unless the text uses a Central European letter
    (:data:`_CENTRAL_EUROPEAN`); between scripts (Cyrillic or Greek), the language model
    of ``charset_normalizer`` restricted to the winners decides; else the order of
    :data:`COMMON_ENCODINGS`.
    """
    scored: list[tuple[int, str, str]] = []
    for encoding in COMMON_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        signs, words = implausibility(text)
        if signs == 0 or signs <= _IMPLAUSIBLE_SHARE * words:
            scored.append((signs, encoding, text))
    if not scored:
        return None
    fewest = min(signs for signs, _encoding, _text in scored)
    winners: dict[str, str] = {}
    for signs, encoding, text in scored:
        if signs == fewest and text not in winners.values():
            winners[encoding] = text
    if "cp1252" in winners and "cp1250" in winners:
        central = any(char in _CENTRAL_EUROPEAN for char in winners["cp1252"])
        del winners["cp1252" if central else "cp1250"]
    if len(winners) > 1:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=[e.replace("-", "_") for e in winners]).best()
        chosen = best.encoding.replace("_", "-") if best is not None and best.encoding else ""
        if chosen in winners:
            return winners[chosen], chosen
    encoding, text = next(iter(winners.items()))
    return text, encoding


@dataclass
class RawInput:
    """A decoded input document.

    Attributes:
        text: the decoded text.
        source: where it came from (path, URL or ``-``).
        content_type: ``text/html`` when the server or the caller said so, else None.
        encoding: the encoding used to decode it.
        warnings: problems met while reading (e.g. an unexpected encoding was detected).
    """

    text: str
    source: str
    content_type: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, *, name: str = "<input>") -> tuple[str, str, list[str]]:
    """Decode an article's bytes, refusing binary content.

    Args:
        data: the raw bytes.
        name: the input's name for messages.

    Returns:
        ``(text, encoding, warnings)``; a warning says when the text was not UTF-8 and which
        encoding was detected instead.

    Raises:
        InputError: for empty or binary content, or bytes no encoding explains.
    """
    if not data.strip():
        raise InputError(f"{name}: the input is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {encoding} byte-order mark but byte {exc.start} "
                    "is not valid in that encoding"
                ) from exc
    head = data[:8192]
    utf16 = _bomless_utf16(head)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: looks like {utf16} without a byte-order mark, but byte {exc.start} "
                "is not valid in that encoding"
            ) from exc
        return text, utf16, [f"{name}: decoded as {utf16} (no byte-order mark; detected)"]
    controls = sum(1 for byte in head if byte in _CONTROL)
    if b"\x00" in head or controls > len(head) // 10:
        raise InputError(
            f"{name}: binary content (not a text or HTML document); give an article as text or HTML"
        )
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if encoding.replace("-", "") not in {"utf8"}:
                return text, encoding, [f"{name}: decoded as {encoding}, as the page declares"]
    common = _common_decoding(data)
    if common is not None:
        text, encoding = common
        return (
            text,
            encoding,
            [
                f"{name}: not UTF-8 (invalid byte at offset {utf8_error.start}); decoded as "
                f"{encoding} (detected). Check the spelling of names with accents."
            ],
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            f"{name}: not UTF-8 (invalid byte at offset {utf8_error.start}) and no text "
            "encoding could be detected"
        )
    text = str(best)
    return (
        text,
        best.encoding,
        [
            f"{name}: not UTF-8 (invalid byte at offset {utf8_error.start}); decoded as "
            f"{best.encoding} (detected). Check the spelling of names with accents."
        ],
    )


def _bomless_utf16(head: bytes) -> str | None:
    """Return ``utf-16-le``/``utf-16-be`` when bytes look like UTF-16 text without a BOM.

    Text in a Latin script encoded as UTF-16 has a NUL in every other byte (the high
    byte of each code unit): at odd offsets for little-endian, even ones for big-endian.
    Binary files have NULs scattered at both.
    """
    pairs = len(head) // 2
    if pairs < 8 or b"\x00" not in head:
        return None
    even = head[0 : 2 * pairs : 2].count(0)
    odd = head[1 : 2 * pairs : 2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _read_limited(stream: BinaryIO, max_bytes: int, name: str) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: larger than the limit of {max_bytes} bytes (SCREENWISE_MAX_TEXT_BYTES); "
            "nothing was screened"
        )
    return data


def _fetch_url(url: str, *, timeout_s: float, max_bytes: int) -> tuple[bytes, str | None]:
    import httpx

    try:
        with (
            httpx.Client(timeout=timeout_s, follow_redirects=True) as client,
            client.stream("GET", url, headers={"User-Agent": "screenwise"}) as response,
        ):
            if response.status_code >= 400:
                raise InputError(f"{url}: HTTP {response.status_code}; nothing was screened")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(
                    f"{url}: {declared} bytes, over the limit of {max_bytes} bytes "
                    "(SCREENWISE_MAX_TEXT_BYTES); nothing was screened"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(
                        f"{url}: larger than the limit of {max_bytes} bytes "
                        "(SCREENWISE_MAX_TEXT_BYTES); nothing was screened"
                    )
                chunks.append(chunk)
            content_type = response.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise InputError(f"{url}: could not be fetched ({exc.__class__.__name__}: {exc})") from exc
    media = content_type.split(";")[0].strip().lower() if content_type else None
    return b"".join(chunks), media


def read_source(
    source: str,
    *,
    max_bytes: int,
    timeout_s: float,
    stdin: BinaryIO | None = None,
) -> RawInput:
    """Read and decode an article from a path, ``-`` (standard input) or an http(s) URL.

    Args:
        source: a file path, ``-``, or a URL starting with ``http://`` or ``https://``.
        max_bytes: size limit in bytes (``Settings.max_text_bytes``).
        timeout_s: URL fetch timeout in seconds (``Settings.fetch_timeout_s``).
        stdin: the stream read for ``-`` (default: the process's standard input).

    Returns:
        The decoded :class:`RawInput`.

    Raises:
        InputError: missing file, directory, over the size limit, binary content,
            undecodable bytes, unreachable URL or HTTP error status.
    """
    content_type: str | None = None
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_limited(stream, max_bytes, "<stdin>")
        name = "<stdin>"
    elif re.match(r"https?://", source, re.I):
        data, content_type = _fetch_url(source, timeout_s=timeout_s, max_bytes=max_bytes)
        name = source
    else:
        path = Path(source)
        name = source
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: is a directory, not an article")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{source}: {size} bytes, over the limit of {max_bytes} bytes "
                "(SCREENWISE_MAX_TEXT_BYTES); nothing was screened"
            )
        try:
            with path.open("rb") as handle:
                data = _read_limited(handle, max_bytes, source)
        except OSError as exc:
            raise InputError(f"{source}: cannot be read ({exc.strerror})") from exc
    text, encoding, warnings = decode_bytes(data, name=name)
    if content_type not in (None, "text/html", "application/xhtml+xml"):
        if not content_type.startswith("text/"):
            raise InputError(f"{name}: content type {content_type} is not text or HTML")
        content_type = "text/plain"
    return RawInput(
        text=text, source=source, content_type=content_type, encoding=encoding, warnings=warnings
    )
