"""The screenwise exception tree.

Every error names where it happened (file, line or record, field, URL) so a user can act
on it without a debugger. Each class carries the HTTP status the API maps it to and the
exit code the CLI exits with; both interfaces map errors in exactly one place
(``api/app.py`` and ``cli/main.py``).
"""

from __future__ import annotations


class ScreenwiseError(Exception):
    """Base class of every error screenwise raises on purpose.

    Attributes:
        status: HTTP status code the API answers with (default 500).
        exit_code: process exit code the CLI exits with (default 1).
    """

    status: int = 500
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ListParseError(ScreenwiseError):
    """A list file does not follow its published format.

    The message names the file, the record or line, and the field, e.g.
    ``sdn.csv line 12 field SDN_Type: unknown value 'ship'``.

    Args:
        path: the file being parsed (path or URL as given by the user).
        reason: what is wrong.
        line: 1-based line (CSV/XML) or row (XLSX) number, when known.
        record: native record id (``ent_num``, ``REFERENCE_NUMBER``, ``Group ID``), when known.
        field: column, element or attribute name, when known.
    """

    status = 422
    exit_code = 3

    def __init__(
        self,
        path: str,
        reason: str,
        *,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        self.record = record
        self.field = field
        where = [str(path)]
        if line is not None:
            where.append(f"line {line}")
        if record is not None:
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field {field}")
        super().__init__(f"{' '.join(where)}: {reason}")


class ListFetchError(ScreenwiseError):
    """A list could not be downloaded (network error, HTTP status, size limit).

    Args:
        url: the URL requested.
        reason: what went wrong.
        status_code: HTTP status received, when there was a response.
    """

    status = 502
    exit_code = 4

    def __init__(self, url: str, reason: str, *, status_code: int | None = None) -> None:
        self.url = url
        self.status_code = status_code
        code = f" (HTTP {status_code})" if status_code is not None else ""
        super().__init__(f"{url}{code}: {reason}")


class ChecksumError(ScreenwiseError):
    """Downloaded content does not match its expected checksum."""

    status = 502
    exit_code = 4

    def __init__(self, url: str, expected: str, actual: str) -> None:
        self.url = url
        self.expected = expected
        self.actual = actual
        super().__init__(f"{url}: sha256 {actual} does not match expected {expected}")


class ValidationError(ScreenwiseError):
    """A parsed list version failed the sanity checks that guard promotion.

    The active version keeps serving; the message says which check failed and how to
    override it (``--force``) when the change is genuine.
    """

    status = 409
    exit_code = 5


class QueryError(ScreenwiseError):
    """A screening query or request is malformed (names the field at fault).

    Args:
        message: what is wrong, starting with the field, e.g. ``queries.q1.schema: ...``.
        field: the field at fault as a dotted path (``queries.q1.schema``), when known; the
            API lists it in the error body's ``errors``.
    """

    status = 400
    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InputError(ScreenwiseError):
    """An input document (article, customer file) cannot be read (names file and reason)."""

    status = 400
    exit_code = 2


class NotFoundError(ScreenwiseError):
    """An entity, list or list version does not exist."""

    status = 404
    exit_code = 6


class NotReadyError(ScreenwiseError):
    """No list version is loaded yet, so nothing can be screened."""

    status = 503
    exit_code = 7


class AuthError(ScreenwiseError):
    """Missing or wrong API key."""

    status = 401
    exit_code = 2


class RateLimitError(ScreenwiseError):
    """Too many requests for one API key within the rate window."""

    status = 429
    exit_code = 2


class StoreError(ScreenwiseError):
    """The store cannot be opened or written (bad URL, missing driver, unreachable server,
    a file that is not a database, a store that does not exist yet).

    Args:
        url: the store's SQLAlchemy URL; any password in it is masked in the message.
        reason: what went wrong, e.g. the driver's message.
    """

    status = 503
    exit_code = 8

    def __init__(self, url: str, reason: str) -> None:
        self.url = mask_url(url)
        self.reason = reason
        super().__init__(f"store {self.url}: {reason}")


def mask_url(url: str) -> str:
    """Return a database URL with its password replaced by ``***``.

    Works on malformed URLs too (only the ``scheme://user:password@`` part is touched).

    Example:
        >>> mask_url("postgresql+psycopg://u:secret@db/screenwise")
        'postgresql+psycopg://u:***@db/screenwise'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
