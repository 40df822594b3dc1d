"""Qualifier features: small pure comparisons of everything but the name.

Each feature compares one aspect of a query with one candidate entity and returns a
:class:`screenwise.results.FeatureResult` whose ``weight`` is the feature's effect on the
log-odds of the hit (positive raises, negative lowers, 0 = no effect) and whose
``description`` is the one-sentence explanation shown to reviewers. The weights live in
one declarative table, :data:`FEATURES` (the nomenklatura logic-v2 pattern).

Dates follow FtM's ISO 8601 prefixes (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); countries
are ISO 3166-1 alpha-2 codes in lower case (FtM ``country`` type).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from screenwise.entities import COUNTRY_PROPS, IDENTIFIER_PROPS
from screenwise.results import FeatureResult

__all__ = [
    "FEATURES",
    "MIN_IDENTIFIER_LENGTH",
    "Feature",
    "compare_birth_dates",
    "compare_countries",
    "compare_identifiers",
    "compare_schemata",
    "normalize_identifier",
]


@dataclass(frozen=True, slots=True)
class Feature:
    """One row of the feature table.

    Attributes:
        name: feature id.
        description: one unique user-facing sentence.
        weight: effect on the log-odds of a hit when the feature fires.
    """

    name: str
    description: str
    weight: float


#: The qualifier features and their log-odds weights.
FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("dob_day", "Query and candidate were born on the same day.", 2.2),
        Feature("dob_month", "Birth dates agree to the month, the precision both give.", 1.2),
        Feature("dob_year", "Birth dates agree on the year, the precision both give.", 0.7),
        Feature(
            "dob_near",
            "Birth dates differ by one in a single part (day, month or year) or have day "
            "and month swapped.",
            -0.6,
        ),
        Feature("dob_mismatch", "Birth dates of query and candidate contradict each other.", -3.2),
        Feature("country_match", "Query and candidate share a nationality or country.", 0.4),
        Feature(
            "country_mismatch",
            "Query and candidate have no nationality or country in common.",
            -0.6,
        ),
        Feature(
            "identifier_match",
            "Query and candidate share an identifier (passport, IMO, registration number).",
            4.5,
        ),
        Feature(
            "schema_mismatch",
            "Query and candidate are different kinds of party (person, organisation, vessel).",
            -4.0,
        ),
    )
}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    match = _DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _result(
    name: str, detail: str, query_value: str | None, candidate_value: str | None
) -> FeatureResult:
    feature = FEATURES[name]
    return FeatureResult(
        name=feature.name,
        description=feature.description,
        score=1.0 if feature.weight > 0 else 0.0,
        weight=feature.weight,
        detail=detail,
        query_value=query_value,
        candidate_value=candidate_value,
    )


def _date_relation(
    a: tuple[int, int | None, int | None], b: tuple[int, int | None, int | None]
) -> str:
    """Return day/month/year (agree to that precision), near, or mismatch."""
    if a[0] != b[0]:
        if abs(a[0] - b[0]) == 1 and (a[1] is None or b[1] is None or a[1:] == b[1:]):
            # One year apart with nothing else to compare: a year given alone is often
            # an approximation ("circa 1974"), so this is a near miss, not a contradiction.
            return "near"
        return "mismatch"
    if a[1] is None or b[1] is None:
        return "year"
    if a[2] is not None and a[1] != a[2] and a[1:] == (b[2], b[1]):
        # Day and month swapped (``1987-06-02`` / ``1987-02-06``): the US and the
        # European order of writing a date, a frequent data-entry error.
        return "near"
    if a[1] != b[1]:
        if a[2] is not None and a[2] == b[2] and abs(a[1] - b[1]) == 1:
            return "near"
        return "mismatch" if a[2] is not None and b[2] is not None and a[2] != b[2] else "near"
    if a[2] is None or b[2] is None:
        return "month"
    if a[2] != b[2]:
        return "near" if abs(a[2] - b[2]) <= 1 or str(a[2])[::-1] == str(b[2]) else "near_far"
    return "day"


_RANK = {"day": 0, "month": 1, "year": 2, "near": 3, "near_far": 4, "mismatch": 5}


def compare_birth_dates(
    query_dates: Sequence[str], candidate_dates: Sequence[str]
) -> FeatureResult | None:
    """Compare birth dates; the best-agreeing pair of values decides.

    A list may give several birth dates or a year only; the query may too. Agreement is
    counted at the precision both sides give (``1984`` agrees with ``1984-01-08``). A
    single part off by one (``1965-03-12`` / ``1965-03-13``, ``1965`` / ``1966`` with the
    same month and day, or with a year given alone on either side, which lists use for
    approximate dates) and a date with day and month swapped (``1987-06-02`` /
    ``1987-02-06``, US against European order) are near misses (typing errors, time-zone
    or calendar conversion), a same-year date with a different day a weaker near miss,
    anything else contradicts.

    Args:
        query_dates: ISO date prefixes of the query (``birthDate``).
        candidate_dates: ISO date prefixes of the candidate.

    Returns:
        A ``dob_*`` feature result, or None when either side has no parseable date.
    """
    best: tuple[int, str, str, str] | None = None
    for qv in query_dates:
        qd = _parse_date(qv)
        if qd is None:
            continue
        for cv in candidate_dates:
            cd = _parse_date(cv)
            if cd is None:
                continue
            relation = _date_relation(qd, cd)
            rank = _RANK[relation]
            if best is None or rank < best[0]:
                best = (rank, relation, qv, cv)
    if best is None:
        return None
    _, relation, qv, cv = best
    name = {"near_far": "dob_near"}.get(relation, f"dob_{relation}")
    result = _result(name, f"{qv} vs {cv}", qv, cv)
    if relation == "near_far":
        result.weight = FEATURES["dob_near"].weight * 2
    return result


def compare_countries(
    query_countries: Iterable[str], candidate_countries: Iterable[str]
) -> FeatureResult | None:
    """Compare nationalities and countries (any shared code agrees).

    Args:
        query_countries: ISO 3166-1 alpha-2 codes of the query (any case).
        candidate_countries: codes of the candidate (every country property).

    Returns:
        ``country_match``, ``country_mismatch``, or None when either side has none.
    """
    q = {c.strip().lower() for c in query_countries if c and c.strip()}
    c = {v.strip().lower() for v in candidate_countries if v and v.strip()}
    if not q or not c:
        return None
    shared = q & c
    if shared:
        code = sorted(shared)[0]
        return _result("country_match", f"{code} = {code}", code, code)
    return _result(
        "country_mismatch",
        f"{', '.join(sorted(q))} vs {', '.join(sorted(c))}",
        ",".join(sorted(q)),
        ",".join(sorted(c)),
    )


_ID_CLEAN = re.compile(r"[^0-9A-Z]+")
#: Shortest normalised identifier compared: shorter values (``123``) are not specific.
MIN_IDENTIFIER_LENGTH = 5


def normalize_identifier(value: str) -> str:
    """Normalise an identifier for comparison: upper-case letters and digits only.

    Args:
        value: e.g. ``"IMO 9187629"`` or ``"p-123 456"``.

    Returns:
        e.g. ``"9187629"`` (a leading ``IMO`` is dropped) or ``"P123456"``.
    """
    text = _ID_CLEAN.sub("", value.upper())
    if text.startswith("IMO") and text[3:].isdigit():
        text = text[3:]
    return text


def compare_identifiers(
    query_props: Mapping[str, Sequence[str]], candidate_props: Mapping[str, Sequence[str]]
) -> FeatureResult | None:
    """Look for an identifier the query and the candidate share.

    Every identifier property of the query is compared with every identifier property of
    the candidate (lists file passport numbers under different properties), after
    :func:`normalize_identifier`; values shorter than 5 characters are ignored.

    Args:
        query_props: query properties (``passportNumber``, ``idNumber``, ``imoNumber`` ...).
        candidate_props: candidate properties.

    Returns:
        ``identifier_match`` or None (a different identifier is not evidence: a party
        holds many).
    """
    q: dict[str, str] = {}
    for prop in IDENTIFIER_PROPS:
        for value in query_props.get(prop, ()):
            norm = normalize_identifier(value)
            if len(norm) >= MIN_IDENTIFIER_LENGTH:
                q[norm] = value
    if not q:
        return None
    for prop in IDENTIFIER_PROPS:
        for value in candidate_props.get(prop, ()):
            norm = normalize_identifier(value)
            if norm in q:
                return _result("identifier_match", f"{prop} {value}", q[norm], value)
    return None


_KIND = {
    "Person": "person",
    "Organization": "org",
    "Company": "org",
    "PublicBody": "org",
    "Vessel": "object",
    "Airplane": "object",
}


def compare_schemata(query_schema: str, candidate_schema: str) -> FeatureResult | None:
    """Check that query and candidate are the same kind of party.

    ``LegalEntity`` (unknown kind) is compatible with everything; Organization and
    Company are one kind; a Person query against an organisation, vessel or aircraft is
    a mismatch, and so is an organisation against a vessel.

    Args:
        query_schema: FtM schema of the query.
        candidate_schema: FtM schema of the candidate.

    Returns:
        ``schema_mismatch`` or None when compatible.
    """
    qk = _KIND.get(query_schema)
    ck = _KIND.get(candidate_schema)
    if qk is None or ck is None or qk == ck:
        return None
    return _result(
        "schema_mismatch", f"{query_schema} vs {candidate_schema}", query_schema, candidate_schema
    )


def country_values(props: Mapping[str, Sequence[str]]) -> list[str]:
    """Return every country code in the country properties of a property mapping."""
    out: list[str] = []
    for prop in COUNTRY_PROPS:
        out.extend(props.get(prop, ()))
    return out
