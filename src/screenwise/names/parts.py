"""Name parts: tokenise a name, tag each part, and precompute its comparison keys.

A name is prepared once (:func:`prepare_name`, cached) and then compared many times, so
everything a comparison needs is computed here, on the index side and the query side by
the same code:

1. The name kind follows the schema: ``person`` (Person), ``org`` (Organization,
   Company, LegalEntity), ``object`` (Vessel, Airplane).
2. Organisation names lose their legal forms, which are kept apart as generic classes
   (rigour's org_types table, ISO 20275 based, plus ``data/names.yml::LEGAL_FORMS`` for
   abbreviations at the edges of a name such as ``CORP``, ``CO``, ``LTD``).
3. The rest is normalised (:func:`screenwise.names.normalize.normalize_name`) and split.
4. Person names lose titles and honorifics (``data/names.yml::PERSON_TITLES``).
5. Each part is tagged (``name``, ``particle``, ``common``, ``numeric``, ``initial``) and
   weighted, and gets its phonetic key, consonant skeleton and romanisation-variant groups
   (``data/names.yml::NAME_VARIANTS``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from rigour.names import extract_org_types

from screenwise.names.normalize import normalize_name
from screenwise.names.phonetics import consonant_skeleton, phonetic_key
from screenwise.names.scripts import ABJAD_SCRIPTS, detect_script

__all__ = [
    "NameKind",
    "Part",
    "PartKind",
    "PreparedName",
    "load_word_lists",
    "make_part",
    "name_kind",
    "prepare_name",
    "prepare_names",
    "split_name_variants",
]

NameKind = Literal["person", "org", "object"]
PartKind = Literal["name", "particle", "common", "numeric", "initial"]

#: Weight of a part by kind (``name`` parts are weighted by length, see ``_name_weight``).
PART_WEIGHTS: dict[str, float] = {
    "particle": 0.2,
    "common": 0.55,
    "numeric": 1.0,
    "initial": 0.35,
}


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One tagged, comparable part of a name.

    Parts compare and hash by identity (they are built once and cached), which keeps the
    comparison caches cheap.

    Attributes:
        form: normalised ASCII lower-case token, e.g. ``"jong"``.
        kind: ``name``, ``particle``, ``common`` (organisation activity word), ``numeric``
            or ``initial`` (single letter).
        weight: importance of the part in [0, 1] when aligning two names.
        key: phonetic key (:func:`screenwise.names.phonetics.phonetic_key`).
        skeleton: consonant skeleton (:func:`screenwise.names.phonetics.consonant_skeleton`).
        groups: ids of the romanisation-variant groups the form belongs to.
    """

    form: str
    kind: PartKind
    weight: float
    key: str
    skeleton: str
    groups: frozenset[int]


@dataclass(frozen=True, slots=True, eq=False)
class PreparedName:
    """A name ready for comparison: parts, legal forms and whole-name keys.

    Attributes:
        original: the name as given.
        kind: ``person``, ``org`` or ``object``.
        normalized: normalised form of the name parts (legal forms and titles removed).
        parts: the tagged parts in name order.
        legal_forms: generic legal-form classes found (``{"llc"}``), organisations only.
        compact: the part forms joined without spaces (``"alqaeda"``).
        script: dominant script of the original (``Latin``, ``Arabic``, ...).
        abjad: True when the original is written in a script without short vowels.
    """

    original: str
    kind: NameKind
    normalized: str
    parts: tuple[Part, ...]
    legal_forms: frozenset[str]
    compact: str
    script: str
    abjad: bool

    @property
    def forms(self) -> tuple[str, ...]:
        """The part forms in order."""
        return tuple(p.form for p in self.parts)


@lru_cache(maxsize=1)
def load_word_lists() -> dict[str, Any]:
    """Load ``data/names.yml`` (cached).

    Returns:
        The YAML document: ``PERSON_TITLES``, ``AMBIGUOUS_TITLES``, ``NAME_PARTICLES``,
        ``ORG_COMMON_WORDS`` (lists), ``LEGAL_FORMS`` (form -> generic class) and
        ``NAME_VARIANTS`` (list of groups).
    """
    text = resources.files("screenwise").joinpath("data/names.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


_ROMAN: dict[str, str] = {
    "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16",
    "xvii": "17", "xviii": "18", "xix": "19", "xx": "20",
}  # fmt: skip
#: Legal-form abbreviations recognised when glued to the front of a one-word name.
_GLUED_LEGAL_PREFIXES: tuple[str, ...] = (
    "ojsc",
    "pjsc",
    "cjsc",
    "jsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "llc",
)
_PARENS = re.compile(r"[(\[]([^)\]]*)[)\]]?")


@lru_cache(maxsize=1)
def _separators() -> tuple[str, ...]:
    return tuple(str(s) for s in load_word_lists()["NAME_SEPARATORS"])


@lru_cache(maxsize=1)
def _object_prefixes() -> frozenset[str]:
    return frozenset(str(s) for s in load_word_lists()["OBJECT_PREFIXES"])


@lru_cache(maxsize=100_000)
def split_name_variants(name: str, kind: NameKind = "org") -> tuple[str, ...]:
    """Split a name string that embeds other names of the same party.

    ``"MV Stamatia Horizon (ex-Elenitsa Z, ex-Aegean Lynx)"`` names one vessel three
    times; ``"BEIRUT CEDAR TRADING SAL, f.k.a. LEBANON CEDAR IMPORT EXPORT SAL"`` one
    company twice. Markers are ``data/names.yml::NAME_SEPARATORS``; parenthesised text is
    also tried as a name of its own and removed from the main name; for vessels and
    aircraft the text before a comma (``"MT GOLDEN KINNAREE, Laem Chabang"``) is tried too.

    Args:
        name: the name as given.
        kind: ``person``, ``org`` or ``object``; person names are never split.

    Returns:
        The distinct variants, the full name first (always at least the name itself).
    """
    if kind == "person" or not isinstance(name, str):
        return (name,)
    folded = name.casefold()
    variants: list[str] = [name]
    pieces: list[str] = []
    main = _PARENS.sub(" ", folded)
    for inner in _PARENS.findall(folded):
        pieces.append(inner)
    if main.strip() != folded.strip():
        pieces.insert(0, main)
    work = [folded, *pieces]
    for text in work:
        for sep in _separators():
            if sep in f" {text} ":
                for part in f" {text} ".split(sep):
                    pieces.extend(part.split(","))
    if kind == "object":
        for text in [folded, *pieces]:
            if "," in text:
                pieces.append(text.split(",", 1)[0])
    for piece in pieces:
        piece = piece.strip(" ,;-")
        normalized = normalize_name(piece)
        if normalized and not normalized.replace(" ", "").isdigit() and piece not in variants:
            variants.append(piece)
    return tuple(variants)


@lru_cache(maxsize=1)
def _tables() -> tuple[
    frozenset[str],
    frozenset[str],
    frozenset[str],
    frozenset[str],
    dict[str, str],
    dict[str, frozenset[int]],
]:
    data = load_word_lists()
    groups: dict[str, set[int]] = {}
    for index, group in enumerate(data["NAME_VARIANTS"]):
        for form in group:
            norm = normalize_name(str(form))
            if norm:
                groups.setdefault(norm.replace(" ", ""), set()).add(index)
    return (
        frozenset(data["PERSON_TITLES"]),
        frozenset(data["AMBIGUOUS_TITLES"]),
        frozenset(data["NAME_PARTICLES"]) | {"bn", "bnt", "abn"},
        frozenset(data["ORG_COMMON_WORDS"]),
        {str(k): str(v) for k, v in data["LEGAL_FORMS"].items()},
        {form: frozenset(ids) for form, ids in groups.items()},
    )


def name_kind(schema: str) -> NameKind:
    """Return the name kind of an FtM schema.

    Args:
        schema: ``Person``, ``Organization``, ``Company``, ``LegalEntity``, ``Vessel``,
            ``Airplane`` (anything else counts as ``org``).

    Returns:
        ``person``, ``object`` (vessels, aircraft) or ``org``.
    """
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane"):
        return "object"
    return "org"


def _name_weight(form: str) -> float:
    return min(1.0, 0.45 + 0.11 * len(form))


def make_part(form: str, kind: PartKind = "name") -> Part:
    """Build one :class:`Part` from a normalised token (cached keys; never raises).

    Args:
        form: normalised ASCII lower-case token, e.g. ``"gazprombank"``.
        kind: the part's tag (see :class:`Part`).

    Returns:
        The part with its weight, phonetic key, skeleton and variant groups.
    """
    groups = _tables()[5].get(form, frozenset())
    weight = _name_weight(form) if kind == "name" else PART_WEIGHTS[kind]
    return Part(
        form=form,
        kind=kind,
        weight=weight,
        key=phonetic_key(form),
        skeleton=consonant_skeleton(form),
        groups=groups,
    )


def _strip_legal_forms(text: str) -> tuple[str, set[str]]:
    """Remove legal forms from a case-folded name; return the rest and generic classes."""
    forms: set[str] = set()
    rest = text
    for matched, generic in extract_org_types(text, generic=True):
        if matched.strip(" .").casefold() in _ROMAN:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(matched) + r"(?!\w)")
        candidate = pattern.sub(" ", rest)
        if candidate != rest:
            rest = candidate
            forms.add(generic)
    if forms and not normalize_name(rest):
        return text, set()
    return rest, forms


@lru_cache(maxsize=300_000)
def prepare_name(name: str, kind: NameKind = "org") -> PreparedName:
    """Prepare a name for comparison (cached; pure; never raises).

    Args:
        name: the name as published or queried, any script.
        kind: ``person``, ``org`` or ``object`` (see :func:`name_kind`).

    Returns:
        A :class:`PreparedName`; its ``parts`` are empty when nothing comparable is left.

    Example:
        ``prepare_name("OOO Gazprom Neft", "org")`` has parts ``gazprom``, ``neft`` and
        legal forms ``{"llc"}``.
    """
    titles, ambiguous, particles, common, legal_table, _ = _tables()
    text = unicodedata.normalize("NFKC", name).casefold() if isinstance(name, str) else ""
    script = detect_script(text)
    legal: set[str] = set()
    if kind == "org":
        text, legal = _strip_legal_forms(text)
    normalized = normalize_name(text) or ""
    tokens = normalized.split() if normalized else []
    if kind == "org" and len(tokens) == 1 and len(tokens[0]) >= 7:
        # A legal form glued to a one-word name (``JSCARGUMENT``, ``OOOROMASHKA``).
        for prefix in _GLUED_LEGAL_PREFIXES:
            if tokens[0].startswith(prefix) and len(tokens[0]) - len(prefix) >= 4:
                tokens = [prefix, tokens[0][len(prefix) :]]
                break
    if kind == "org":
        # Abbreviated legal forms at either edge of the name (``... CO LTD``, ``JSC ...``).
        while len(tokens) > 1 and tokens[-1] in legal_table:
            legal.add(legal_table[tokens.pop()])
        while len(tokens) > 1 and tokens[0] in legal_table:
            legal.add(legal_table[tokens.pop(0)])
    if kind != "person":
        # Craft prefixes (MV, M/V, T/B), roman numerals and "No." before a number.
        while (
            len(tokens) > 1
            and tokens[0] in _object_prefixes()
            and (kind == "object" or len(tokens[0]) > 2)
        ):
            tokens.pop(0)
        if (
            kind == "object"
            and len(tokens) > 2
            and len(tokens[0]) == 1
            and len(tokens[1]) == 1
            and tokens[0] + tokens[1] in _object_prefixes()
        ):
            tokens = tokens[2:]
        tokens = [_ROMAN.get(t, t) if i > 0 else t for i, t in enumerate(tokens)]
        if len(tokens) > 1 and tokens[-1] == "i" and kind in ("object", "org"):
            tokens[-1] = "1"
        tokens = [
            t
            for i, t in enumerate(tokens)
            if not (t == "no" and i + 1 < len(tokens) and tokens[i + 1].isdigit())
        ]
    if script in ABJAD_SCRIPTS:
        # The Arabic article is written joined to the word: الخيري -> alkhyry = al + khyry.
        split: list[str] = []
        for token in tokens:
            if token.startswith("al") and len(token) > 4:
                split.extend(("al", token[2:]))
            else:
                split.append(token)
        tokens = split
    if kind == "person":
        kept = [t for t in tokens if t not in titles]
        if len(kept) < len(tokens):
            strict = [t for t in tokens if t not in titles or t in ambiguous]
            if len(kept) >= 2:
                tokens = kept
            elif strict:
                tokens = strict
    parts: list[Part] = []
    for token in tokens:
        part_kind: PartKind
        if token.isdigit():
            part_kind = "numeric"
        elif token in particles:
            part_kind = "particle"
        elif len(token) == 1:
            part_kind = "initial"
        elif kind != "person" and token in common:
            part_kind = "common"
        else:
            part_kind = "name"
        parts.append(make_part(token, part_kind))
    if parts and all(p.kind in ("particle", "common") for p in parts):
        parts = [make_part(p.form, "name") for p in parts]
    return PreparedName(
        original=name,
        kind=kind,
        normalized=" ".join(p.form for p in parts),
        parts=tuple(parts),
        legal_forms=frozenset(legal),
        compact="".join(p.form for p in parts),
        script=script,
        abjad=script in ABJAD_SCRIPTS,
    )


def prepare_names(name: str, kind: NameKind = "org") -> tuple[PreparedName, ...]:
    """Prepare every variant of a name string (see :func:`split_name_variants`).

    Args:
        name: the name as given.
        kind: ``person``, ``org`` or ``object``.

    Returns:
        One :class:`PreparedName` per variant that has parts, the full name first; empty
        when nothing comparable is left.
    """
    out = [prepare_name(v, kind) for v in split_name_variants(name, kind)]
    return tuple(p for p in out if p.parts)
