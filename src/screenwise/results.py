"""Result shapes shared by every interface: queries, hits, explanations, mentions.

The CLI, the HTTP API and the review page serialise exactly these models, so a hit looks
the same everywhere. Scores are floats in [0, 1].
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from screenwise.errors import QueryError

#: How one name part of the query relates to the candidate's name.
PartHow = Literal[
    "exact",
    "transliterated",
    "phonetic",
    "fuzzy",
    "initial",
    "missing",
    "extra",
    "contradicting",
]


#: A date qualifier as FtM writes it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, optionally
#: followed by a time (``1984-01-08T00:00:00Z``), which is dropped.
_DATE_VALUE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?)?)?")


@cache
def query_schemata() -> tuple[str, ...]:
    """Return the FtM schemata a query may have, sorted.

    Those related to a list schema (``screenwise.entities.LIST_SCHEMATA``) as ancestor or
    descendant: the list schemata themselves, their parents (``Thing``, ``LegalEntity``,
    ``Asset``...) and their children (``PublicBody``...), the same rule the yente-shaped
    API applies. Source: FollowTheMoney schema model, https://followthemoney.tech/explorer/
    """
    from followthemoney import model

    from screenwise.entities import LIST_SCHEMATA

    listed = [model.get(name) for name in LIST_SCHEMATA]
    return tuple(
        sorted(
            schema.name
            for schema in model.schemata.values()
            if any(
                other is not None and (schema.is_a(other) or other.is_a(schema)) for other in listed
            )
        )
    )


@cache
def _property_types() -> dict[str, str]:
    """FtM property name -> type name (``date``, ``country``) across every schema."""
    from followthemoney import model

    types: dict[str, str] = {}
    for schema in model.schemata.values():
        for prop in schema.properties.values():
            if prop.type.name in ("date", "country"):
                types.setdefault(prop.name, prop.type.name)
    return types


def clean_query_date(value: str) -> str | None:
    """Return a date qualifier as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or None.

    A time after the day is dropped; a month or day that does not exist (``1984-13``,
    ``1984-02-30``) gives None.

    Example:
        >>> clean_query_date("1984-01-08T00:00:00Z")
        '1984-01-08'
    """
    found = _DATE_VALUE.fullmatch(value.strip())
    if found is None:
        return None
    year, month, day = found.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(part for part in (year, month, day) if part)


def clean_query_country(value: str) -> str | None:
    """Return the ISO 3166 code of a country code or name, lower case, or None.

    Uses FollowTheMoney's country type (``registry.country``), which knows codes, names
    and common variants (``Russia``, ``Russian Federation``, ``DPRK``, ``UK``); FtM's
    supranational pseudo-codes (``zz`` global, ``eu``, ``un``) are not countries and give
    None.
    """
    from followthemoney import registry
    from rigour.territories import get_territory

    code = registry.country.clean(value.strip())
    if code is None:
        return None
    territory = get_territory(code)
    if territory is None or territory.region == "Supranational":
        return None
    return str(code)


class Query(BaseModel):
    """A screening query, shaped like a yente ``/match`` query (FtM entity example).

    Built from any interface (CLI, API, customer file), a query is checked on creation:
    the schema must be one of :func:`query_schemata`, every date-typed property
    (``birthDate``...) a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date, and every
    country-typed property (``country``, ``nationality``...) a country code or name,
    which is replaced by its lower-case ISO 3166 code. Empty values are left alone.

    Attributes:
        id: caller's id for the query (echoed back), optional.
        schema_name: FtM schema of the queried party (JSON key ``schema``); ``LegalEntity``
            when unknown, ``Person``/``Organization``/``Company``/``Vessel``/``Airplane``.
        properties: FtM property name -> values, e.g. ``{"name": ["Kim Jong Un"],
            "birthDate": ["1984"], "nationality": ["kp"], "passportNumber": ["..."]}``.
        lists: list ids to screen against; None = every active list.

    Raises:
        QueryError: naming the field (``schema``, ``properties.birthDate``...) and the
            value at fault, when the schema, a date or a country is not valid, or when no
            name has a letter or digit (a name of punctuation only).
    """

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    schema_name: str = Field("LegalEntity", alias="schema")
    properties: dict[str, list[str]] = Field(default_factory=dict)
    lists: list[str] | None = None

    @model_validator(mode="after")
    def _check_values(self) -> Query:
        allowed = query_schemata()
        if self.schema_name not in allowed:
            folded = {name.lower(): name for name in allowed}
            canonical = folded.get(self.schema_name.strip().lower())
            if canonical is None:
                raise QueryError(
                    f"schema: {self.schema_name!r} is not a schema screenwise screens "
                    f"(use one of {', '.join(allowed)})"
                )
            self.schema_name = canonical
        types = _property_types()
        for prop, values in self.properties.items():
            kind = types.get(prop)
            if kind is None:
                continue
            self.properties[prop] = [_clean_value(prop, kind, value) for value in values]
        given = self.names
        if given and not any(ch.isalnum() for name in given for ch in name):
            # Nothing a name can be compared by: an error, never a clean "no hits".
            raise QueryError(
                f"properties.name: {given[0]!r} has no letters or digits to screen",
                field="properties.name",
            )
        return self

    @property
    def names(self) -> list[str]:
        """The query's names (``name`` plus ``alias``), empty strings dropped."""
        values = self.properties.get("name", []) + self.properties.get("alias", [])
        return [v for v in values if v and v.strip()]

    @classmethod
    def from_name(
        cls,
        name: str,
        *,
        schema: str = "LegalEntity",
        birth_date: str | None = None,
        country: str | None = None,
        identifiers: list[str] | None = None,
        lists: list[str] | None = None,
        id: str | None = None,
    ) -> Query:
        """Build a query from a single name and optional qualifiers.

        ``country`` goes to ``country`` (and ``nationality`` for a Person); identifiers
        go to ``idNumber`` (compared against every identifier property).
        """
        props: dict[str, list[str]] = {"name": [name]}
        if birth_date:
            props["birthDate"] = [birth_date]
        if country:
            props["country"] = [country]
            if schema == "Person":
                props["nationality"] = [country]
        if identifiers:
            props["idNumber"] = list(identifiers)
        return cls(id=id, schema=schema, properties=props, lists=lists)


def _clean_value(prop: str, kind: str, value: str) -> str:
    """Check one date or country value of a query; return its clean form."""
    if not value.strip():
        return value
    if kind == "date":
        cleaned = clean_query_date(value)
        if cleaned is None:
            raise QueryError(
                f"properties.{prop}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
                field=f"properties.{prop}",
            )
        return cleaned
    code = clean_query_country(value)
    if code is None:
        raise QueryError(
            f"properties.{prop}: {value!r} is not a known country "
            "(use an ISO 3166 alpha-2 code such as 'ru', or a country name)",
            field=f"properties.{prop}",
        )
    return code


def check_query_value(prop: str, value: str) -> str:
    """Check one query property value the way :class:`Query` does; return its clean form.

    Dates become ``YYYY[-MM[-DD]]``, countries lower-case ISO 3166 alpha-2 codes; other
    properties are returned unchanged.

    Raises:
        QueryError: with ``field`` ``properties.<prop>``, when a date or country is invalid.
    """
    kind = _property_types().get(prop)
    return value if kind is None else _clean_value(prop, kind, value)


class FeatureResult(BaseModel):
    """One scoring feature's contribution to a hit's score.

    Attributes:
        name: feature id, e.g. ``name_match``, ``dob_match``, ``identifier_match``.
        description: the feature's one-sentence user-facing explanation.
        score: feature value in [0, 1] (qualifiers: 1 = agrees, 0 = no effect).
        weight: weight in the algorithm (negative for contradicting qualifiers).
        detail: human-readable detail, e.g. ``1984-01-08 = 1984-01-08``.
        query_value: query value used, if any.
        candidate_value: candidate value used, if any.
    """

    name: str
    description: str = ""
    score: float
    weight: float = 1.0
    detail: str = ""
    query_value: str | None = None
    candidate_value: str | None = None


class NamePartMatch(BaseModel):
    """How one part of the query name was matched to one part of the listed name.

    ``how`` is one of exact, transliterated, phonetic, fuzzy, initial, missing (in the
    listed name but not in the query), extra (in the query only) or contradicting.
    """

    query_part: str | None = None
    candidate_part: str | None = None
    how: PartHow
    score: float


class Explanation(BaseModel):
    """Why a candidate scored what it did.

    Attributes:
        query_name: the query name that gave the best name score.
        matched_name: the listed name it was compared to.
        matched_name_kind: ``name``, ``alias``, ``previousName`` or ``weakAlias``.
        parts: per-part alignment of the two names.
        features: every feature result (name and qualifiers).
        summary: one line for tables, e.g. ``name exact; DOB agrees (1984)``.
    """

    query_name: str = ""
    matched_name: str = ""
    matched_name_kind: str = "name"
    parts: list[NamePartMatch] = Field(default_factory=list)
    features: list[FeatureResult] = Field(default_factory=list)
    summary: str = ""


class Hit(BaseModel):
    """A listed entity returned for a query, with its score and explanation.

    Attributes:
        entity_id: ``<list id>-<native id>``.
        list_id: list the entity comes from.
        list_version: id of the list version it was screened in, when known.
        schema_name: FtM schema (JSON key ``schema``).
        caption: display name of the entity.
        matched_name: the listed name that matched best.
        programs: the entity's sanctions programs.
        score: calibrated score in [0, 1].
        match: ``score >= threshold`` (an alert).
        explanation: how the score came about.
        properties: the entity's FtM properties (for API responses).
    """

    model_config = ConfigDict(populate_by_name=True)

    entity_id: str
    list_id: str
    list_version: str | None = None
    schema_name: str = Field(alias="schema")
    caption: str
    matched_name: str = ""
    programs: list[str] = Field(default_factory=list)
    score: float
    match: bool
    explanation: Explanation = Field(default_factory=Explanation)
    properties: dict[str, list[str]] = Field(default_factory=dict)


class ScreeningResult(BaseModel):
    """The outcome of screening one query.

    Attributes:
        query: the query as screened.
        hits: candidates sorted by score (best first), at most ``limit``; hits below the
            threshold are included with ``match=False`` only when requested.
        threshold: the threshold applied.
        algorithm: name of the scoring algorithm.
        total_candidates: number of candidates scored.
        list_versions: list id -> version id screened against.
    """

    query: Query
    hits: list[Hit] = Field(default_factory=list)
    threshold: float
    algorithm: str
    total_candidates: int = 0
    list_versions: dict[str, str] = Field(default_factory=dict)

    @property
    def matches(self) -> list[Hit]:
        """Hits at or above the threshold."""
        return [h for h in self.hits if h.match]


class Mention(BaseModel):
    """One mention of a listed party inside a text.

    Attributes:
        entity_id, list_id, schema_name: the listed entity (JSON key ``schema``).
        caption: the entity's display name.
        text: the matched text exactly as in the original input.
        start, end: character offsets of ``text`` in the original input (``end`` exclusive).
        sentence: the sentence around the mention.
        score: score in [0, 1] after context disambiguation.
        match: ``score >= threshold`` (an alert).
        region: ``body`` (article text) or ``boilerplate`` (page furniture).
        explanation: short explanation of the score.
        matched_name: the listed name or alias matched.
    """

    model_config = ConfigDict(populate_by_name=True)

    entity_id: str
    list_id: str
    schema_name: str = Field(alias="schema")
    caption: str
    text: str
    start: int
    end: int
    sentence: str
    score: float
    match: bool
    region: Literal["body", "boilerplate"]
    explanation: str = ""
    matched_name: str = ""


class PartySummary(BaseModel):
    """A listed party found in an article, with its body mention count.

    ``entity_ids`` holds every list entry of the party that was mentioned (the same
    person may be listed by OFAC and the UK).
    """

    entity_ids: list[str]
    caption: str
    schema_name: str = Field(alias="schema")
    count: int
    max_score: float
    match: bool

    model_config = ConfigDict(populate_by_name=True)


class TextScreeningResult(BaseModel):
    """The outcome of screening one article or text.

    Attributes:
        source: path, URL or ``-``.
        content_type: ``text/html`` or ``text/plain``.
        title, date, author: article metadata when found.
        mentions: every mention, in text order (alerts and lower-scored namesakes).
        parties: listed parties with alerts, with their body mention counts.
        countries: sanctioned-jurisdiction countries named (ISO alpha-2).
        threshold: threshold applied.
        body_chars: number of characters classified as article body.
        complete: False if the text was truncated or partially unreadable.
        warnings: problems met while reading the input.
    """

    source: str = ""
    content_type: str = "text/plain"
    title: str | None = None
    date: str | None = None
    author: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    parties: list[PartySummary] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    threshold: float
    body_chars: int = 0
    complete: bool = True
    warnings: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
