"""Alert lifecycle: open alerts from hits, honour prior decisions, record decisions with an audit trail.

An **alert** is a hit at or above the threshold that an analyst must review. Each alert
records what was screened (the query), what it hit (entity id, list id, list version id,
score, explanation) and its status:

* ``open``: waiting for a decision;
* ``true_match``: an analyst confirmed the hit names the screened party;
* ``false_positive``: an analyst decided the hit names somebody else.

Rules applied when a hit comes in (:meth:`AlertStore.record_hit`), in this order:

1. **De-duplicate.** An open alert for the same query and entity absorbs the hit; no new
   alert is opened.
2. **Honour prior decisions.** When the latest decided alert for the same query and entity
   saw the entity with the same content (same entity fingerprint), no new alert is opened:
   a false positive is ``suppressed`` (not raised again while the entity is unchanged in
   later list versions), and a confirmed true match is reported as a ``known_true_match``
   (the caller still sees that the party is a listed one, but it is not queued twice).
3. **Re-alert on change.** When the entity changed since that decision (new name, birth
   date, program, ...), a new alert is opened, linked to the decided one
   (``previous_alert_id``).
4. Otherwise a new alert is opened.

"The same query" means the same caller id (``Query.id``, when given), the same schema and the
same property values, where names are compared after the name normalisation screening uses
(:func:`screenwise.names.normalize_name`: case, punctuation, accents and script do not
matter, so "Kim Jong Un" and "KIM Jong-Un" are one query) and other values after case folding
and white-space collapsing. A customer whose record really changed (another birth date,
another name) is screened afresh. The entity fingerprint is a sha256 over the entity's schema and
properties (values sorted), so it changes exactly when the listed content changes.

Decisions are attributed to who made them: ``analyst`` is the authenticated identity the
interface passes in (the HTTP Basic user name or the API key id on the API, ``--analyst`` on
the command line); a free-text ``display_name`` may accompany it but never replaces it.

Every event (``opened``, ``rescreened``, ``suppressed``, ``decided``) is appended to the
``audit_event`` table together with the list id and list version id it happened under, the
actor and the time. Decisions and audit events are append-only: the store exposes no update
or delete for them, and triggers reject ``UPDATE`` and ``DELETE`` on both tables (on
PostgreSQL ``TRUNCATE`` too).

The tables live on the store's shared declarative ``Base`` (:mod:`screenwise.store.models`),
so ``Base.metadata.create_all`` creates them with the list-version tables.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from screenwise.errors import NotFoundError, QueryError
from screenwise.names.normalize import normalize_name
from screenwise.results import Explanation, Hit, Query, ScreeningResult
from screenwise.store.models import Base, ListVersionRow, advisory_lock

__all__ = [
    "DECISIONS",
    "STATUSES",
    "Alert",
    "AlertDecisionRow",
    "AlertRow",
    "AlertStore",
    "AuditEvent",
    "AuditEventRow",
    "Decision",
    "HitOutcome",
    "entity_fingerprint",
    "parse_decision",
    "parse_status",
    "query_key",
]

#: Decisions an analyst can record.
DECISIONS: tuple[str, ...] = ("true_match", "false_positive")
#: Alert statuses: ``open`` plus one per decision.
STATUSES: tuple[str, ...] = ("open", *DECISIONS)

DecisionKind = Literal["true_match", "false_positive"]
AlertStatus = Literal["open", "true_match", "false_positive"]
OutcomeKind = Literal["opened", "reopened", "duplicate", "suppressed", "known_true_match"]

#: Query properties holding names: compared after name normalisation in :func:`query_key`
#: (FtM name-typed properties of ``Thing``/``LegalEntity`` and the person-name parts).
NAME_PROPERTIES: frozenset[str] = frozenset(
    {
        "name", "alias", "weakAlias", "previousName", "abbreviation",
        "firstName", "middleName", "lastName", "secondName", "fatherName", "motherName",
    }
)
#: Version of the :func:`query_key` scheme; stored alerts are re-keyed when it changes.
QUERY_KEY_SCHEME = "2"

#: Properties left out of the entity fingerprint: bookkeeping that changes between list
#: versions without changing who the entity is.
_FINGERPRINT_IGNORED: frozenset[str] = frozenset({"modifiedAt", "retrievedAt", "indexText"})

#: Longest analyst name and comment accepted, in characters.
MAX_ANALYST_CHARS = 200
MAX_COMMENT_CHARS = 5000


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """Return a stored timestamp in UTC.

    SQLite gives it back naive (stored as UTC); PostgreSQL in the session's time zone.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _canonical(values: Iterable[str], *, names: bool = False) -> list[str]:
    cleaned: set[str] = set()
    for value in values:
        if not value or not value.strip():
            continue
        form = normalize_name(value) if names else None
        cleaned.add(form if form is not None else " ".join(value.casefold().split()))
    return sorted(cleaned)


def _normal_token(value: str, allowed: tuple[str, ...], field: str) -> str:
    token = "_".join(value.strip().casefold().replace("-", " ").replace("_", " ").split())
    if token not in allowed:
        spelled = ", ".join(allowed)
        raise QueryError(f"field {field}: {value!r} is not one of {spelled}", field=field)
    return token


def parse_decision(value: str) -> DecisionKind:
    """Return the canonical spelling of a decision.

    Accepts ``true_match``/``false_positive`` in any case, with ``-``, ``_`` or a space
    between the words (``true-match``, ``False Positive``).

    Raises:
        QueryError: any other value (field ``decision``).
    """
    return cast(DecisionKind, _normal_token(value, DECISIONS, "decision"))


def parse_status(value: str) -> AlertStatus:
    """Return the canonical spelling of an alert status (``open``, ``true_match``,
    ``false_positive``); the same spellings as :func:`parse_decision` are accepted.

    Raises:
        QueryError: any other value (field ``status``).
    """
    return cast(AlertStatus, _normal_token(value, STATUSES, "status"))


def query_key(query: Query) -> str:
    """Return the identity of a query for de-duplication: a 64-hex sha256.

    The key covers ``Query.id`` (when given), the schema and every property's values,
    sorted: names (:data:`NAME_PROPERTIES`) after :func:`screenwise.names.normalize_name`,
    the same normalisation screening uses, so spelling, punctuation, accent, case and
    script variants of one name give one key ("Kim Jong Un", "KIM Jong-Un"); other values
    after case folding and white-space collapsing. Empty values and the ``lists``
    restriction are ignored. Two queries with the same key are "the same query".

    Args:
        query: the screened query.

    Returns:
        The sha256 hex digest of the canonical JSON form.
    """
    props = {k: _canonical(v, names=k in NAME_PROPERTIES) for k, v in query.properties.items()}
    data = {
        "id": query.id,
        "schema": query.schema_name,
        "properties": {k: v for k, v in sorted(props.items()) if v},
    }
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def entity_fingerprint(schema: str, properties: dict[str, list[str]]) -> str:
    """Return a 64-hex sha256 over an entity's schema and properties.

    Values are sorted and de-duplicated per property; bookkeeping properties
    (``modifiedAt``, ``retrievedAt``, ``indexText``) are ignored, so the fingerprint changes
    exactly when the listed content of the entity changes between list versions.

    Args:
        schema: FtM schema name, e.g. ``Person``.
        properties: FtM property name -> values.
    """
    props = {
        k: sorted(set(v))
        for k, v in sorted(properties.items())
        if k not in _FINGERPRINT_IGNORED and v
    }
    blob = json.dumps(
        {"schema": schema, "properties": props},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- tables


class AlertRow(Base):
    """One alert: a hit at or above the threshold that waits for, or has, a decision.

    Attributes:
        id: alert id (integer, increasing).
        query_key: :func:`query_key` of the screened query.
        query: the query as screened (``Query`` JSON, ``schema`` key).
        entity_id: the listed entity hit, ``<list id>-<native id>``.
        list_id: the entity's list.
        list_version_id: the list version the alert was opened under.
        last_version_id: the latest list version the same hit was seen under.
        entity_fingerprint: :func:`entity_fingerprint` of the entity when alerted.
        schema: the entity's FtM schema.
        caption: the entity's display name.
        score: the hit's score in [0, 1].
        threshold: the threshold in force.
        algorithm: name of the scoring algorithm.
        hit: the full hit (``Hit`` JSON with explanation and properties).
        status: ``open``, ``true_match`` or ``false_positive``.
        previous_alert_id: the decided alert this one re-opens after the entity changed.
        created_at, updated_at: UTC timestamps.
    """

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_query_entity", "query_key", "entity_id"),
        Index("ix_alert_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_key: Mapped[str] = mapped_column(String(64))
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    entity_id: Mapped[str] = mapped_column(String(300), index=True)
    list_id: Mapped[str] = mapped_column(String(100))
    list_version_id: Mapped[str] = mapped_column(String(200), index=True)
    last_version_id: Mapped[str] = mapped_column(String(200))
    entity_fingerprint: Mapped[str] = mapped_column(String(64))
    schema: Mapped[str] = mapped_column(String(50))
    caption: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    algorithm: Mapped[str] = mapped_column(String(100))
    hit: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    previous_alert_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("alert.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertDecisionRow(Base):
    """One analyst decision on an alert (append-only; a later decision supersedes).

    Attributes:
        id: decision id.
        alert_id: the alert decided.
        decision: ``true_match`` or ``false_positive``.
        analyst: who decided: the authenticated identity the interface passed in (HTTP
            Basic user name or API key id on the API; ``--analyst`` on the command line).
        display_name: an optional free-text name given with the decision; shown next to
            ``analyst``, never instead of it.
        comment: the analyst's reasoning.
        list_version_id: the list version of the alert.
        decided_at: UTC timestamp.
    """

    __tablename__ = "alert_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(Integer, ForeignKey("alert.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    analyst: Mapped[str] = mapped_column(String(MAX_ANALYST_CHARS))
    display_name: Mapped[str | None] = mapped_column(String(MAX_ANALYST_CHARS), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    list_version_id: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEventRow(Base):
    """One audit event (append-only).

    Attributes:
        id: event id, increasing in the order events happened.
        alert_id: the alert concerned.
        event: ``opened``, ``rescreened`` (a repeated hit on an open alert or a confirmed
            true match), ``suppressed`` (a false positive not raised again) or ``decided``.
        entity_id, list_id: the listed entity and its list.
        list_version_id: the list version the event happened under.
        actor: who or what caused it (an analyst, an API key id, ``system``).
        detail: event data (score, decision, comment, previous alert, ...).
        created_at: UTC timestamp.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(Integer, ForeignKey("alert.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(300))
    list_id: Mapped[str] = mapped_column(String(100))
    list_version_id: Mapped[str] = mapped_column(String(200), index=True)
    actor: Mapped[str] = mapped_column(String(MAX_ANALYST_CHARS))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertMetaRow(Base):
    """Settings of the alert tables themselves (e.g. the :func:`query_key` scheme in use)."""

    __tablename__ = "alert_meta"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


_APPEND_ONLY_TABLES = ("alert_decision", "audit_event")


def _add_display_name_column(conn: Connection) -> None:
    """Add ``alert_decision.display_name`` to a store created before it existed."""
    columns = {c["name"] for c in inspect(conn).get_columns("alert_decision")}
    if "display_name" not in columns:
        conn.exec_driver_sql(
            f"ALTER TABLE alert_decision ADD COLUMN display_name VARCHAR({MAX_ANALYST_CHARS})"
        )


def _rekey_alerts(conn: Connection) -> None:
    """Recompute every alert's ``query_key`` when the key scheme changed (once per store).

    Keeps prior decisions effective after an upgrade: an alert keyed under the old scheme
    would otherwise never meet the same query again.
    """
    meta = cast(Any, AlertMetaRow).__table__
    alert = cast(Any, AlertRow).__table__
    current = conn.execute(
        select(meta.c.value).where(meta.c.name == "query_key_scheme")
    ).scalar_one_or_none()
    if current == QUERY_KEY_SCHEME:
        return
    rows = conn.execute(select(alert.c.id, alert.c.query, alert.c.query_key)).all()
    for row in rows:
        key = query_key(Query.model_validate(row.query))
        if key != row.query_key:
            conn.execute(update(alert).where(alert.c.id == row.id).values(query_key=key))
    if current is None:
        conn.execute(meta.insert().values(name="query_key_scheme", value=QUERY_KEY_SCHEME))
    else:
        conn.execute(
            update(meta).where(meta.c.name == "query_key_scheme").values(value=QUERY_KEY_SCHEME)
        )


def _install_sqlite_guards(engine: Engine) -> None:
    """Create SQLite triggers that reject UPDATE and DELETE on the append-only tables."""
    with engine.begin() as conn:
        for table in _APPEND_ONLY_TABLES:
            for action in ("UPDATE", "DELETE"):
                name = f"trg_{table}_no_{action.lower()}"
                conn.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _install_postgres_guards(conn: Connection) -> None:
    """Create PostgreSQL triggers that reject UPDATE, DELETE and TRUNCATE on the append-only
    tables (statement-level ``BEFORE`` triggers, PostgreSQL manual "CREATE TRIGGER")."""
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION screenwise_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; "
        "END $$"
    )
    for table in _APPEND_ONLY_TABLES:
        name = f"trg_{table}_append_only"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION screenwise_append_only()"
        )


# --------------------------------------------------------------------------- results


class Decision(BaseModel):
    """An analyst decision as returned by the store and the API.

    ``analyst`` is the authenticated identity that recorded it; ``display_name`` the
    optional free-text name given with it.
    """

    id: int
    alert_id: int
    decision: DecisionKind
    analyst: str
    display_name: str | None = None
    comment: str
    list_version_id: str
    decided_at: datetime


class AuditEvent(BaseModel):
    """One audit-trail event as returned by the store and the API."""

    id: int
    alert_id: int
    event: str
    entity_id: str
    list_id: str
    list_version_id: str
    actor: str
    detail: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime


class Alert(BaseModel):
    """An alert as returned by the store and the API.

    ``hit`` is the full :class:`~screenwise.results.Hit` (with its explanation), ``query``
    the screened :class:`~screenwise.results.Query`; ``decisions`` lists the decisions in
    the order they were made (the last one sets ``status``), when loaded.
    """

    model_config = ConfigDict(populate_by_name=True)

    id: int
    status: AlertStatus
    query: Query
    entity_id: str
    list_id: str
    list_version_id: str
    last_version_id: str
    schema_name: str = Field(alias="schema")
    caption: str
    score: float
    threshold: float
    algorithm: str
    hit: Hit
    entity_fingerprint: str
    previous_alert_id: int | None = None
    created_at: datetime
    updated_at: datetime
    decisions: list[Decision] = Field(default_factory=list)

    @property
    def explanation(self) -> Explanation:
        """The hit's explanation."""
        return self.hit.explanation


class HitOutcome(BaseModel):
    """What :meth:`AlertStore.record_hit` did with one hit.

    Attributes:
        outcome: ``opened`` (new alert), ``reopened`` (new alert because the entity changed
            since a decision), ``duplicate`` (an open alert already covers it),
            ``suppressed`` (a false-positive decision for the unchanged entity stands) or
            ``known_true_match`` (an analyst confirmed this entity as the screened party,
            and the entity is unchanged: a listed party, not queued again).
        alert_id: the new alert, or the existing alert that absorbed the hit.
        entity_id: the hit's entity.
        previous_alert_id: for ``reopened``, the decided alert it follows.
    """

    outcome: OutcomeKind
    alert_id: int
    entity_id: str
    previous_alert_id: int | None = None


# --------------------------------------------------------------------------- store


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Checks pooled connections before use, so a restarted server costs no failed request.
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        # One shared connection, so every session sees the same in-memory database.
        return create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})


class AlertStore:
    """Alerts, decisions and the audit trail in an SQL database (SQLite by default).

    Thread-safe: writes are serialised by a lock so de-duplication is exact within one
    process; several processes sharing an SQLite file rely on its write lock.

    Args:
        url_or_engine: SQLAlchemy URL (``sqlite:///path.db``, ``sqlite://`` in memory,
            ``postgresql://...``) or an existing engine (e.g. the list store's).
        create: create missing tables (and the SQLite append-only triggers).
    """

    def __init__(self, url_or_engine: str | Engine, *, create: bool = True) -> None:
        if isinstance(url_or_engine, str):
            self.engine = _make_engine(url_or_engine)
        else:
            self.engine = url_or_engine
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.Lock()
        if create:
            with self.engine.begin() as conn:
                # Several processes opening a new PostgreSQL store at once create it once.
                advisory_lock(conn, "schema")
                Base.metadata.create_all(
                    conn,
                    tables=[
                        cast(Any, AlertRow).__table__,
                        cast(Any, AlertDecisionRow).__table__,
                        cast(Any, AuditEventRow).__table__,
                        cast(Any, AlertMetaRow).__table__,
                    ],
                )
                _add_display_name_column(conn)
                _rekey_alerts(conn)
                if conn.dialect.name == "postgresql":
                    _install_postgres_guards(conn)
            if self.engine.dialect.name == "sqlite":
                _install_sqlite_guards(self.engine)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._lock, self._sessions.begin() as session:
            yield session

    # ---- opening alerts ---------------------------------------------------------

    def record_result(self, result: ScreeningResult, *, actor: str = "system") -> list[HitOutcome]:
        """Open alerts for every matching hit (``match=True``) of one screening result.

        Args:
            result: a screening result; each hit's list version comes from
                ``Hit.list_version`` or ``result.list_versions[hit.list_id]``.
            actor: who ran the screening (an API key id, a CLI user, ``system``).

        Returns:
            One :class:`HitOutcome` per matching hit, in hit order.

        Raises:
            QueryError: when the list version of a hit is unknown (an alert must be tied
                to a list version).
        """
        outcomes = []
        for hit in result.matches:
            version = hit.list_version or result.list_versions.get(hit.list_id)
            if not version:
                raise QueryError(
                    f"hit {hit.entity_id}: no list version for list {hit.list_id!r}; "
                    "alerts must be tied to a list version"
                )
            outcomes.append(
                self.record_hit(
                    result.query,
                    hit,
                    threshold=result.threshold,
                    algorithm=result.algorithm,
                    list_version_id=version,
                    actor=actor,
                )
            )
        return outcomes

    def record_hit(
        self,
        query: Query,
        hit: Hit,
        *,
        threshold: float,
        algorithm: str,
        list_version_id: str,
        actor: str = "system",
    ) -> HitOutcome:
        """Open, de-duplicate or suppress an alert for one hit (rules in the module docs).

        Args:
            query: the screened query.
            hit: the hit (its score is expected to be at or above ``threshold``).
            threshold: threshold in force, in [0, 1].
            algorithm: scoring algorithm name.
            list_version_id: the list version screened against.
            actor: who ran the screening.

        Returns:
            The outcome, naming the alert opened or the alert that absorbed the hit.
        """
        key = query_key(query)
        fingerprint = entity_fingerprint(hit.schema_name, hit.properties)
        now = _now()
        with self._write() as session:
            # The lock above is per process; this one orders processes sharing a server.
            advisory_lock(session, f"alert:{key}:{hit.entity_id}")
            latest = session.scalars(
                select(AlertRow)
                .where(AlertRow.query_key == key, AlertRow.entity_id == hit.entity_id)
                .order_by(AlertRow.id.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.status == "open":
                self._touch(session, latest, "rescreened", list_version_id, actor, hit, now,
                            fingerprint)
                return HitOutcome(outcome="duplicate", alert_id=latest.id, entity_id=hit.entity_id)
            if latest is not None and latest.entity_fingerprint == fingerprint:
                known = latest.status == "true_match"
                self._touch(session, latest, "rescreened" if known else "suppressed",
                            list_version_id, actor, hit, now, fingerprint)
                return HitOutcome(
                    outcome="known_true_match" if known else "suppressed",
                    alert_id=latest.id,
                    entity_id=hit.entity_id,
                )
            row = AlertRow(
                query_key=key,
                query=query.model_dump(mode="json", by_alias=True),
                entity_id=hit.entity_id,
                list_id=hit.list_id,
                list_version_id=list_version_id,
                last_version_id=list_version_id,
                entity_fingerprint=fingerprint,
                schema=hit.schema_name,
                caption=hit.caption,
                score=hit.score,
                threshold=threshold,
                algorithm=algorithm,
                hit=hit.model_dump(mode="json", by_alias=True),
                status="open",
                previous_alert_id=latest.id if latest is not None else None,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            detail: dict[str, Any] = {
                "score": hit.score,
                "threshold": threshold,
                "algorithm": algorithm,
                "matched_name": hit.matched_name or hit.explanation.matched_name,
                "entity_fingerprint": fingerprint,
            }
            outcome: OutcomeKind = "opened"
            if latest is not None:
                outcome = "reopened"
                detail["previous_alert_id"] = latest.id
                detail["previous_status"] = latest.status
                detail["reason"] = (
                    f"entity changed since alert {latest.id} was decided {latest.status} "
                    f"under list version {latest.last_version_id}"
                )
            self._audit(session, row, "opened", list_version_id, actor, detail, now)
            return HitOutcome(
                outcome=outcome,
                alert_id=row.id,
                entity_id=hit.entity_id,
                previous_alert_id=row.previous_alert_id,
            )

    def _touch(
        self,
        session: Session,
        row: AlertRow,
        event_name: str,
        version: str,
        actor: str,
        hit: Hit,
        now: datetime,
        fingerprint: str,
    ) -> None:
        """Record a repeated hit on an existing alert, once per new list version."""
        if row.last_version_id == version:
            return
        previous = row.last_version_id
        row.last_version_id = version
        row.updated_at = now
        detail: dict[str, Any] = {
            "score": hit.score,
            "previous_version_id": previous,
            "entity_changed": fingerprint != row.entity_fingerprint,
        }
        if row.status != "open":
            detail["reason"] = (
                f"decided {row.status}; entity unchanged since list version {row.list_version_id}"
            )
        self._audit(session, row, event_name, version, actor, detail, now)

    @staticmethod
    def _audit(
        session: Session,
        row: AlertRow,
        event_name: str,
        version: str,
        actor: str,
        detail: dict[str, Any],
        now: datetime,
    ) -> None:
        session.add(
            AuditEventRow(
                alert_id=row.id,
                event=event_name,
                entity_id=row.entity_id,
                list_id=row.list_id,
                list_version_id=version,
                actor=actor[:MAX_ANALYST_CHARS],
                detail=detail,
                created_at=now,
            )
        )

    # ---- decisions --------------------------------------------------------------

    def decide(
        self,
        alert_id: int,
        decision: str,
        *,
        analyst: str,
        comment: str = "",
        actor: str | None = None,
        display_name: str | None = None,
    ) -> Decision:
        """Record an analyst's decision on an alert and set the alert's status.

        A later decision on the same alert supersedes the earlier one; both stay in the
        decision table and the audit trail.

        Args:
            alert_id: the alert.
            decision: ``true_match`` or ``false_positive`` (any spelling
                :func:`parse_decision` accepts, e.g. ``true-match``).
            analyst: the authenticated identity deciding (the interface's user, never a
                name taken from the request body); 1 to 200 characters after stripping.
            comment: the analyst's reasoning, at most 5,000 characters.
            actor: who made the call technically (e.g. ``alice via k_0123abcd``), recorded
                in the audit event; defaults to the analyst.
            display_name: optional free-text name given with the decision (at most 200
                characters), kept next to ``analyst`` and never replacing it.

        Returns:
            The recorded decision.

        Raises:
            NotFoundError: no alert has this id.
            QueryError: unknown decision, empty or too long analyst or display name, or too
                long comment (the message and ``field`` name the field).
        """
        kind = parse_decision(decision)
        analyst = analyst.strip()
        if not analyst or len(analyst) > MAX_ANALYST_CHARS:
            raise QueryError(
                f"field analyst: must be 1 to {MAX_ANALYST_CHARS} characters", field="analyst"
            )
        note = (display_name or "").strip() or None
        if note is not None and len(note) > MAX_ANALYST_CHARS:
            raise QueryError(
                f"field display_name: longer than {MAX_ANALYST_CHARS} characters",
                field="display_name",
            )
        if len(comment) > MAX_COMMENT_CHARS:
            raise QueryError(
                f"field comment: longer than {MAX_COMMENT_CHARS} characters", field="comment"
            )
        now = _now()
        with self._write() as session:
            row = session.get(AlertRow, alert_id)
            if row is None:
                raise NotFoundError(f"alert {alert_id} does not exist")
            previous = row.status
            row.status = kind
            row.updated_at = now
            record = AlertDecisionRow(
                alert_id=row.id,
                decision=kind,
                analyst=analyst,
                display_name=note,
                comment=comment,
                list_version_id=row.last_version_id,
                decided_at=now,
            )
            session.add(record)
            session.flush()
            detail: dict[str, Any] = {
                "decision": kind,
                "analyst": analyst,
                "comment": comment,
                "previous_status": previous,
                "decision_id": record.id,
            }
            if note is not None:
                detail["display_name"] = note
            self._audit(session, row, "decided", row.last_version_id, actor or analyst, detail, now)
            return _decision(record)

    # ---- reading ----------------------------------------------------------------

    def get_alert(self, alert_id: int) -> Alert:
        """Return one alert with its decisions.

        Raises:
            NotFoundError: no alert has this id.
        """
        with self._sessions() as session:
            row = session.get(AlertRow, alert_id)
            if row is None:
                raise NotFoundError(f"alert {alert_id} does not exist")
            decisions = session.scalars(
                select(AlertDecisionRow)
                .where(AlertDecisionRow.alert_id == alert_id)
                .order_by(AlertDecisionRow.id)
            ).all()
            return _alert(row, [_decision(d) for d in decisions])

    def list_alerts(
        self,
        *,
        status: str | None = None,
        list_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Alert]:
        """Return alerts, newest first (queue order), each with its decisions.

        Args:
            status: ``open``, ``true_match``, ``false_positive`` or None for all.
            list_id: only alerts on this list.
            limit: at most this many (1 to 1,000).
            offset: skip this many.

        Raises:
            QueryError: unknown status, or limit/offset out of range.
        """
        stmt = self._filtered(select(AlertRow), status, list_id)
        if not 1 <= limit <= 1000 or offset < 0:
            raise QueryError("field limit/offset: limit must be 1..1000 and offset >= 0")
        stmt = stmt.order_by(AlertRow.id.desc()).limit(limit).offset(offset)
        with self._sessions() as session:
            rows = session.scalars(stmt).all()
            decided: dict[int, list[Decision]] = {row.id: [] for row in rows}
            if decided:
                for decision_row in session.scalars(
                    select(AlertDecisionRow)
                    .where(AlertDecisionRow.alert_id.in_(list(decided)))
                    .order_by(AlertDecisionRow.id)
                ).all():
                    decided[decision_row.alert_id].append(_decision(decision_row))
            return [_alert(row, decided[row.id]) for row in rows]

    def count_alerts(self, *, status: str | None = None, list_id: str | None = None) -> int:
        """Return the number of alerts with the given status (and list), all when None.

        Raises:
            QueryError: unknown status.
        """
        stmt = self._filtered(select(func.count()).select_from(AlertRow), status, list_id)
        with self._sessions() as session:
            return int(session.scalar(stmt) or 0)

    @staticmethod
    def _filtered(stmt: Any, status: str | None, list_id: str | None) -> Any:
        if status is not None:
            stmt = stmt.where(AlertRow.status == parse_status(status))
        if list_id is not None:
            stmt = stmt.where(AlertRow.list_id == list_id)
        return stmt

    def decisions(self, alert_id: int) -> list[Decision]:
        """Return the decisions on one alert, oldest first (empty when none)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(AlertDecisionRow)
                .where(AlertDecisionRow.alert_id == alert_id)
                .order_by(AlertDecisionRow.id)
            ).all()
            return [_decision(r) for r in rows]

    def audit_trail(
        self,
        alert_id: int | None = None,
        *,
        list_version_id: str | None = None,
        limit: int = 1000,
    ) -> list[AuditEvent]:
        """Return audit events oldest first, for one alert, one list version, or all.

        Args:
            alert_id: only this alert's events.
            list_version_id: only events that happened under this list version.
            limit: at most this many events (the oldest).

        Returns:
            The events; empty when the alert or the list version has none yet.

        Raises:
            NotFoundError: ``alert_id`` is given and no alert has it, or
                ``list_version_id`` is given and is neither a stored list version nor the
                version of any audit event (a mistyped version id is not an empty trail).
        """
        stmt = select(AuditEventRow)
        with self._sessions() as session:
            if alert_id is not None:
                if session.get(AlertRow, alert_id) is None:
                    raise NotFoundError(f"alert {alert_id} does not exist")
                stmt = stmt.where(AuditEventRow.alert_id == alert_id)
            if list_version_id is not None:
                stmt = stmt.where(AuditEventRow.list_version_id == list_version_id)
            rows = session.scalars(stmt.order_by(AuditEventRow.id).limit(limit)).all()
            if list_version_id is not None and not rows:
                self._check_version_known(session, list_version_id)
            return [_event(r) for r in rows]

    @staticmethod
    def _check_version_known(session: Session, version_id: str) -> None:
        """Raise NotFoundError when no audit event and no stored list version has the id."""
        seen = session.scalar(
            select(AuditEventRow.id).where(AuditEventRow.list_version_id == version_id).limit(1)
        )
        if seen is not None:
            return
        if inspect(session.get_bind()).has_table("list_version") and session.get(
            ListVersionRow, version_id
        ) is not None:
            return
        raise NotFoundError(
            f"list version {version_id!r} is not known: no stored list version and no audit "
            "event has this id (list the versions with `screenwise lists versions`)"
        )

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def _decision(row: AlertDecisionRow) -> Decision:
    return Decision(
        id=row.id,
        alert_id=row.alert_id,
        decision=cast(DecisionKind, row.decision),
        analyst=row.analyst,
        display_name=row.display_name,
        comment=row.comment,
        list_version_id=row.list_version_id,
        decided_at=_utc(row.decided_at),
    )


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        alert_id=row.alert_id,
        event=row.event,
        entity_id=row.entity_id,
        list_id=row.list_id,
        list_version_id=row.list_version_id,
        actor=row.actor,
        detail=dict(row.detail or {}),
        created_at=_utc(row.created_at),
    )


def _alert(row: AlertRow, decisions: Sequence[Decision]) -> Alert:
    return Alert(
        id=row.id,
        status=cast(AlertStatus, row.status),
        query=Query.model_validate(row.query),
        entity_id=row.entity_id,
        list_id=row.list_id,
        list_version_id=row.list_version_id,
        last_version_id=row.last_version_id,
        schema=row.schema,
        caption=row.caption,
        score=row.score,
        threshold=row.threshold,
        algorithm=row.algorithm,
        hit=Hit.model_validate(row.hit),
        entity_fingerprint=row.entity_fingerprint,
        previous_alert_id=row.previous_alert_id,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        decisions=list(decisions),
    )

