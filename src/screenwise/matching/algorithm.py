"""The scoring algorithm: best name comparison + qualifier features -> calibrated score.

Score = sigmoid(logit(p_name) + sum of qualifier weights), where ``p_name`` is the
calibrated probability that two names denote the same party, computed from the raw name
similarity (:func:`screenwise.matching.names.compare_names_prepared`) with a logistic
curve of two global parameters (:data:`NAME_CURVE`, stored in
``data/name_calibration.yml`` and refitted by ``benchmarks/calibrate.py`` on the labelled
evaluation sets), and the qualifier weights come from
:data:`screenwise.matching.features.FEATURES`. Working in log-odds lets qualifiers adjust a
positive name score in both directions without saturating it: a confirmed birth date
lifts an exact name from about 0.96 to 0.995, a contradicting one drops it below the
threshold.

Weak aliases (OFAC weak AKAs, low-quality aliases) are compared too, but the name
probability they give is capped at :data:`WEAK_ALIAS_CAP`, so only an agreeing qualifier
(birth date, identifier) can lift them to an alert; a person name of a single part on
either side (a lone surname, a one-word alias) is capped at :data:`ONE_PART_CAP` for the
same reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from screenwise.entities import STRONG_NAME_PROPS
from screenwise.matching.features import (
    compare_birth_dates,
    compare_countries,
    compare_identifiers,
    compare_schemata,
    country_values,
)
from screenwise.matching.names import NameComparison, compare_names_prepared
from screenwise.names.parts import NameKind, PreparedName, name_kind, prepare_names
from screenwise.results import Explanation, FeatureResult, Query

__all__ = [
    "ALGORITHM",
    "CALIBRATION_PATH",
    "NAME_CURVE",
    "NAME_SLOPE_LOW",
    "ONE_PART_CAP",
    "UNMATCHED_NAME_PROBABILITY",
    "WEAK_ALIAS_CAP",
    "CandidateEntity",
    "PreparedQuery",
    "name_probability",
    "score_candidate",
]

#: Name of the algorithm, reported with every result.
ALGORITHM = "screenwise-v1"
#: The calibration data file (``slope``, ``s0``), written by ``benchmarks/calibrate.py``.
CALIBRATION_PATH = Path(str(resources.files("screenwise").joinpath("data/name_calibration.yml")))


def _load_curve() -> tuple[float, float, float]:
    data = yaml.safe_load(CALIBRATION_PATH.read_text(encoding="utf-8"))
    slope = float(data["slope"])
    return slope, float(data["s0"]), float(data.get("slope_low", slope))


_CURVE = _load_curve()
#: (slope, similarity at which p_name = 0.7): the logistic calibration of name similarity
#: at and above ``s0``.
NAME_CURVE: tuple[float, float] = (_CURVE[0], _CURVE[1])
#: Slope of the calibration below ``s0`` (the curve stays continuous and monotone).
NAME_SLOPE_LOW: float = _CURVE[2]
#: Highest name probability a weak alias can give on its own.
WEAK_ALIAS_CAP = 0.5
#: Name probability given to a candidate none of whose names matches, when it shares a
#: strong identifier with the query (IMO number, passport): the identifier is decisive
#: (issue: "an identical strong identifier is decisive"), the names count against it.
UNMATCHED_NAME_PROBABILITY = 0.05
#: Highest name probability of a person match that rests on one name part: a lone
#: surname against a full name (``Kim`` / ``KIM, Kyu``), two names of which only one part
#: agrees, or a listed one-word alias (``Kaida``). Many people bear one name part, so only
#: an agreeing birth date or identifier lifts such a match to an alert.
ONE_PART_CAP = 0.6
#: Name properties of a listed entity's primary name (the others are aliases).
_PRIMARY_NAME_PROPS = frozenset({"name"})
_LOGIT_07 = math.log(0.7 / 0.3)


def name_probability(similarity: float) -> float:
    """Turn a raw name similarity into a calibrated probability of the same party.

    Args:
        similarity: raw similarity in [0, 1].

    Returns:
        ``sigmoid(slope * (similarity - s0) + logit(0.7))`` with ``(slope, s0) =``
        :data:`NAME_CURVE` (slope :data:`NAME_SLOPE_LOW` below ``s0``), in (0, 1); 0.0 for
        similarity 0.
    """
    if similarity <= 0.0:
        return 0.0
    slope, s0 = NAME_CURVE
    if similarity < s0:
        slope = NAME_SLOPE_LOW
    return 1.0 / (1.0 + math.exp(-(slope * (similarity - s0) + _LOGIT_07)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(slots=True)
class CandidateEntity:
    """A listed entity prepared for scoring (built once, at index time).

    Attributes:
        entity_id: ``<list id>-<native id>``.
        list_id: list the entity comes from.
        schema: FtM schema name.
        caption: display name.
        names: ``(property, name as published, prepared variant)`` for every name.
        birth_dates: ``birthDate`` values.
        countries: every country code of the entity.
        identifiers: identifier property -> values.
        programs: sanctions programs.
    """

    entity_id: str
    list_id: str
    schema: str
    caption: str
    names: tuple[tuple[str, str, PreparedName], ...]
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    identifiers: dict[str, list[str]]
    programs: tuple[str, ...]

    @property
    def kind(self) -> NameKind:
        """The name kind of the entity's schema."""
        return name_kind(self.schema)


@dataclass(slots=True)
class PreparedQuery:
    """A query with its names prepared lazily per name kind (cached on the object).

    Attributes:
        query: the query.
        schema: its FtM schema.
        names: the query names.
        birth_dates, countries: qualifier values.
        properties: all properties (identifiers are read from here).
    """

    query: Query
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    countries: tuple[str, ...]
    properties: Mapping[str, Sequence[str]]
    _prepared: dict[str, tuple[tuple[str, PreparedName], ...]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Query) -> PreparedQuery:
        """Prepare a :class:`screenwise.results.Query`."""
        props = query.properties
        return cls(
            query=query,
            schema=query.schema_name,
            names=tuple(query.names),
            birth_dates=tuple(props.get("birthDate", [])),
            countries=tuple(country_values(props)),
            properties=props,
        )

    def prepared(self, kind: NameKind) -> tuple[tuple[str, PreparedName], ...]:
        """Return ``(name, prepared variant)`` pairs of the query names for a name kind.

        A query of a known schema is always prepared with its own kind; a ``LegalEntity``
        query takes the kind of the candidate it is compared with.
        """
        own = name_kind(self.schema) if self.schema != "LegalEntity" else kind
        cached = self._prepared.get(own)
        if cached is None:
            cached = tuple((name, p) for name in self.names for p in prepare_names(name, own))
            self._prepared[own] = cached
        return cached


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """The score of one candidate and what produced it."""

    score: float
    name_probability: float
    comparison: NameComparison
    query_name: str
    matched_name: str
    matched_prop: str
    features: tuple[FeatureResult, ...]
    #: Why the name probability was capped below the threshold (weak alias, one name
    #: part, activity words...), None when it was not.
    cap: str | None = None

    def explanation(self) -> Explanation:
        """Build the reviewer-facing explanation."""
        parts = self.comparison.parts
        summary_parts = ", ".join(
            f"{p.query_part or '-'}~{p.candidate_part or '-'} {p.how}" for p in parts
        )
        qualifiers = "; ".join(
            (f.detail and f"{f.name} ({f.detail})") or f.name
            for f in self.features
            if f.name != "name"
        )
        summary = (
            f"name {self.comparison.similarity:.2f} [{summary_parts}]"
            if parts
            else "no name matches"
        )
        if self.cap is not None:
            summary += f"; capped: {self.cap}"
        elif self.matched_prop == "weakAlias":
            summary += "; weak alias"
        if qualifiers:
            summary += "; " + qualifiers
        return Explanation(
            query_name=self.query_name,
            matched_name=self.matched_name,
            matched_name_kind=self.matched_prop,
            parts=parts,
            features=list(self.features),
            summary=summary,
        )


def _cap_reason(
    comp: NameComparison, candidate_person: bool, significant: int, prop: str
) -> str | None:
    """Why a name match is capped below the threshold, or None (see the caps above)."""
    if prop not in STRONG_NAME_PROPS:
        return "weak alias"
    if comp.generic:
        return "only activity words or legal forms match"
    if not candidate_person:
        return None
    if comp.lone:
        return "the match rests on one name part"
    if comp.lead_family_missing:
        return "only the second of two family names matches"
    if significant < 2 and prop not in _PRIMARY_NAME_PROPS:
        return "one-word alias"
    return None


def _best_name(
    query: PreparedQuery, candidate: CandidateEntity
) -> tuple[float, NameComparison, str, str, str, str | None]:
    """Return (name probability, comparison, query name, listed name, property, cap)."""
    best: tuple[float, float, NameComparison, str, str, str, str | None] | None = None
    q_names = query.prepared(candidate.kind)
    candidate_person = candidate.kind == "person"
    for prop, listed, c_prep in candidate.names:
        for q_name, q_prep in q_names:
            comp = compare_names_prepared(q_prep, c_prep)
            if comp.similarity <= 0.0:
                continue
            prob = name_probability(comp.similarity)
            cap = _cap_reason(comp, candidate_person, c_prep.significant, prop)
            if cap is not None:
                limit = WEAK_ALIAS_CAP if prop not in STRONG_NAME_PROPS else ONE_PART_CAP
                if prob > limit:
                    prob = limit
                else:
                    cap = None
            key = (prob, comp.similarity)
            if best is None or key > (best[0], best[1]):
                best = (prob, comp.similarity, comp, q_name, listed, prop, cap)
    if best is None:
        return 0.0, NameComparison(0.0, (), 0, 0, False), "", "", "", None
    return best[0], best[2], best[3], best[4], best[5], best[6]


def score_candidate(query: PreparedQuery, candidate: CandidateEntity) -> ScoredCandidate:
    """Score one candidate entity against a query.

    Args:
        query: the prepared query.
        candidate: the prepared listed entity.

    Returns:
        A :class:`ScoredCandidate` with score in [0, 1]; 0.0 when no name matches and
        no strong identifier is shared.
    """
    prob, comp, q_name, listed, prop, cap = _best_name(query, candidate)
    identifier = None
    if prob <= 0.0:
        identifier = compare_identifiers(query.properties, candidate.identifiers)
        if identifier is not None:
            # No name matches, but a strong identifier is shared (a renamed vessel, a
            # person under a new name): the identifier decides, the names count as
            # different.
            prob = UNMATCHED_NAME_PROBABILITY
            q_name = query.names[0] if query.names else ""
            listed = candidate.caption
            prop = "name"
    detail = f"{q_name!r} ~ {listed!r} ({prop}) similarity {comp.similarity:.3f}"
    if cap is not None:
        detail += f"; capped at {prob:.2f}: {cap}"
    name_feature = FeatureResult(
        name="name",
        description="Similarity of the best-matching pair of names, calibrated to a probability.",
        score=round(prob, 4),
        weight=1.0,
        detail=detail,
        query_value=q_name or None,
        candidate_value=listed or None,
    )
    if prob <= 0.0:
        return ScoredCandidate(0.0, 0.0, comp, q_name, listed, prop, (name_feature,))
    features: list[FeatureResult] = [name_feature]
    for result in (
        compare_schemata(query.schema, candidate.schema),
        compare_birth_dates(query.birth_dates, candidate.birth_dates),
        compare_countries(query.countries, candidate.countries),
        identifier or compare_identifiers(query.properties, candidate.identifiers),
    ):
        if result is not None:
            features.append(result)
    logit = _logit(prob) + sum(f.weight for f in features[1:])
    score = 1.0 / (1.0 + math.exp(-logit))
    return ScoredCandidate(round(score, 4), prob, comp, q_name, listed, prop, tuple(features), cap)


def candidate_from_entity(entity: Any) -> CandidateEntity:
    """Prepare a ``followthemoney.ValueEntity`` list entity for scoring.

    Args:
        entity: a list entity (``ValueEntity``) with an id and one dataset.

    Returns:
        The :class:`CandidateEntity`, names prepared with the schema's name kind.
    """
    from screenwise.entities import IDENTIFIER_PROPS, NAME_PROPS, iter_names, list_id_of

    kind = name_kind(entity.schema.name)
    names: list[tuple[str, str, PreparedName]] = []
    seen: set[tuple[str, str]] = set()
    for prop, value in iter_names(entity, NAME_PROPS):
        for prepared in prepare_names(value, kind):
            key = (
                prop if prop in STRONG_NAME_PROPS else "weakAlias",
                prepared.normalized + "|" + ",".join(sorted(prepared.legal_forms)),
            )
            if key in seen:
                continue
            seen.add(key)
            names.append((prop, value, prepared))
    props = entity.properties
    identifiers = {p: list(props[p]) for p in IDENTIFIER_PROPS if p in props}
    countries: list[str] = []
    for prop in (
        "nationality",
        "citizenship",
        "country",
        "birthCountry",
        "jurisdiction",
        "mainCountry",
        "flag",
    ):
        countries.extend(props.get(prop, []))
    return CandidateEntity(
        entity_id=entity.id,
        list_id=list_id_of(entity),
        schema=entity.schema.name,
        caption=entity.caption,
        names=tuple(names),
        birth_dates=tuple(props.get("birthDate", [])),
        countries=tuple(countries),
        identifiers=identifiers,
        programs=tuple(props.get("program", [])),
    )
