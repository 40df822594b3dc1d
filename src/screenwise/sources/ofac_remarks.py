"""OFAC remarks and labelled facts -> FtM properties (shared by all three OFAC formats).

OFAC publishes the same facts in three shapes:

* the legacy CSV packs them into the ``Remarks`` field as ``"; "``-separated items such as
  ``DOB 08 Jan 1984``, ``Passport U25122157 (Turkey) expires 29 Sep 2031``,
  ``alt. DOB 1962 to 1966``, ``a.k.a. 'HIDDEN COBRA'``, ``Linked To: POUYA AIR``;
* the classic XML (``sdnList``) carries most of them as ``idList/id`` (``idType``,
  ``idNumber``, ``idCountry``) plus typed lists (dates of birth, nationalities ...);
* the Enhanced XML carries them as ``feature`` (type + value) and ``identityDocument``.

The item labels are the same in all three (``Passport``, ``Tax ID No.``, ``SWIFT/BIC``,
``Organization Established Date`` ...), so one label table (:data:`LABELS`) maps them to FtM
properties, and each format parser calls :func:`apply_labelled` or :func:`apply_remarks`.
The vessel fields, published as columns of the legacy CSV and ``vesselInfo`` of the classic
XML, go through :func:`add_vessel`.

Weak aliases: in the legacy CSV, OFAC's low-quality ("weak") a.k.a.s are not in
``alt.csv`` but quoted inside the remarks (``a.k.a. 'ZINC'``, also ``f.k.a. '...'``); in the
classic XML they are ``aka`` elements with ``<category>weak</category>``, in the Enhanced XML
names with ``isLowQuality=true``. All three become ``weakAlias``.

Parsing cost is one ``split`` per remarks field plus a dictionary lookup on each item's
first word; there is no regular expression per value.

Source: OFAC "Specially Designated Nationals and Blocked Persons Data Specification"
(dat_spec.txt, updated 2023-09-25) and "SDN List Data Formats & Data Schemas"
(https://ofac.treasury.gov/sdn-list-data-formats-data-schemas); weak aliases in the remarks:
OFAC notice of 2012-06-13 (https://ofac.treasury.gov/recent-actions/20120613).
"""

from __future__ import annotations

from functools import lru_cache

from followthemoney import ValueEntity, registry

__all__ = [
    "LABELS",
    "add_value",
    "add_vessel",
    "apply_labelled",
    "apply_remarks",
    "clean_country",
    "parse_ofac_dates",
]

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Ranges spanning more years than this give their two end years only.
MAX_RANGE_YEARS = 20

#: OFAC country names FtM's country cleaner does not resolve.
_COUNTRY_OVERRIDES = {
    "region: crimea": "ua",
    "crimea": "ua",
    "region: northern mali": "ml",
    "region: gaza": "ps",
    "region: west bank": "ps",
    "region: kurdistan region": "iq",
}

# Label kinds: how the value text becomes property values.
_DATE = "date"
_COUNTRY = "country"
_TEXT = "text"
_GENDER = "gender"
_IDENT = "ident"  # identifier, optional "(Country)" and issue/expiry dates after it
_IMO = "imo"
_NOTE = "note"
_PLACE = "place"  # a place; its last comma-separated part may be a country

#: OFAC item label (lower case, without a trailing ``:``) -> (kind, FtM property).
#: The same labels occur as remarks prefixes, classic XML ``idType`` and Enhanced XML
#: feature/identity document types. Properties a schema lacks are skipped (the fact stays
#: in ``notes``).
LABELS: dict[str, tuple[str, str]] = {
    # persons
    "dob": (_DATE, "birthDate"),
    "birthdate": (_DATE, "birthDate"),
    "pob": (_PLACE, "birthPlace"),
    "place of birth": (_PLACE, "birthPlace"),
    "nationality": (_COUNTRY, "nationality"),
    "nationality country": (_COUNTRY, "nationality"),
    "citizen": (_COUNTRY, "citizenship"),
    "citizenship country": (_COUNTRY, "citizenship"),
    "gender": (_GENDER, "gender"),
    "passport": (_IDENT, "passportNumber"),
    "diplomatic passport": (_IDENT, "passportNumber"),
    "national id no.": (_IDENT, "idNumber"),
    "cedula no.": (_IDENT, "idNumber"),
    "d.n.i.": (_IDENT, "idNumber"),
    "identification number": (_IDENT, "idNumber"),
    "personal id card": (_IDENT, "idNumber"),
    "birth certificate number": (_IDENT, "idNumber"),
    "residency number": (_IDENT, "idNumber"),
    "national foreign id number": (_IDENT, "idNumber"),
    "curp #": (_IDENT, "idNumber"),
    "turkish identification number": (_IDENT, "idNumber"),
    "citizen's card number": (_IDENT, "idNumber"),
    "kenyan id no.": (_IDENT, "idNumber"),
    "bosnian personal id no.": (_IDENT, "idNumber"),
    "electoral registry no.": (_IDENT, "idNumber"),
    "military registration number": (_IDENT, "idNumber"),
    "public security and immigration no.": (_IDENT, "idNumber"),
    "driver's license no.": (_IDENT, "licenseNumber"),
    "ssn": (_IDENT, "socialSecurityNumber"),
    # tax identifiers
    "tax id no.": (_IDENT, "taxNumber"),
    "rfc": (_IDENT, "taxNumber"),
    "r.f.c.": (_IDENT, "taxNumber"),
    "c.u.i.t.": (_IDENT, "taxNumber"),
    "c.u.i.l.": (_IDENT, "taxNumber"),
    "cuit": (_IDENT, "taxNumber"),
    "nit #": (_IDENT, "taxNumber"),
    "ruc #": (_IDENT, "taxNumber"),
    "rif #": (_IDENT, "taxNumber"),
    "c.u.i.": (_IDENT, "taxNumber"),
    "us fein": (_IDENT, "taxNumber"),
    "fiscal code": (_IDENT, "taxNumber"),
    "v.a.t. number": (_IDENT, "vatCode"),
    # organisations
    "registration number": (_IDENT, "registrationNumber"),
    "registration id": (_IDENT, "registrationNumber"),
    "business registration number": (_IDENT, "registrationNumber"),
    "public registration number": (_IDENT, "registrationNumber"),
    "commercial registry number": (_IDENT, "registrationNumber"),
    "company number": (_IDENT, "registrationNumber"),
    "c.r. no.": (_IDENT, "registrationNumber"),
    "matricula mercantil no": (_IDENT, "registrationNumber"),
    "folio mercantil no.": (_IDENT, "registrationNumber"),
    "chamber of commerce number": (_IDENT, "registrationNumber"),
    "economic register number": (_IDENT, "registrationNumber"),
    "central registration system number": (_IDENT, "registrationNumber"),
    "trade license no.": (_IDENT, "registrationNumber"),
    "government gazette number": (_IDENT, "registrationNumber"),
    "unified social credit code": (_IDENT, "registrationNumber"),
    "unified social credit code (uscc)": (_IDENT, "registrationNumber"),
    "istanbul chamber of comm. no.": (_IDENT, "registrationNumber"),
    "dubai chamber of commerce membership no.": (_IDENT, "registrationNumber"),
    "business registration document #": (_IDENT, "registrationNumber"),
    "uk company number": (_IDENT, "registrationNumber"),
    "business number": (_IDENT, "registrationNumber"),
    "enterprise number": (_IDENT, "registrationNumber"),
    "branch unit number": (_IDENT, "registrationNumber"),
    "registered charity no.": (_IDENT, "registrationNumber"),
    "certificate of incorporation number": (_IDENT, "registrationNumber"),
    "organization code": (_IDENT, "registrationNumber"),
    "legal entity number": (_IDENT, "leiCode"),
    "d-u-n-s number": (_IDENT, "dunsCode"),
    "swift/bic": (_TEXT, "swiftBic"),
    "organization established date": (_DATE, "incorporationDate"),
    "nationality of registration": (_COUNTRY, "jurisdiction"),
    "website": (_TEXT, "website"),
    "email address": (_TEXT, "email"),
    "phone number": (_TEXT, "phone"),
    "telephone": (_TEXT, "phone"),
    # vessels
    "vessel registration identification": (_IMO, "imoNumber"),
    "mmsi": (_TEXT, "mmsi"),
    "vessel call sign": (_TEXT, "callSign"),
    "other vessel call sign": (_TEXT, "callSign"),
    "vessel type": (_TEXT, "type"),
    "vessel flag": (_COUNTRY, "flag"),
    "former vessel flag": (_COUNTRY, "pastFlags"),
    "other vessel flag": (_COUNTRY, "pastFlags"),
    "vessel owner": (_NOTE, "Vessel owner"),
    "vessel tonnage": (_TEXT, "tonnage"),
    "vessel gross registered tonnage": (_TEXT, "grossRegisteredTonnage"),
    "vessel year of build": (_DATE, "buildDate"),
    # aircraft
    "aircraft manufacturer's serial number (msn)": (_IDENT, "serialNumber"),
    "aircraft construction number (also called l/n or s/n or f/n)": (_IDENT, "serialNumber"),
    "aircraft tail number": (_IDENT, "registrationNumber"),
    "previous aircraft tail number": (_IDENT, "registrationNumber"),
    "aircraft model": (_TEXT, "model"),
    "aircraft manufacture date": (_DATE, "buildDate"),
    "aircraft operator": (_NOTE, "Aircraft operator"),
}

# First word (lower case) -> labels starting with it, longest first.
_BY_FIRST_WORD: dict[str, list[str]] = {}
for _label in sorted(LABELS, key=len, reverse=True):
    _BY_FIRST_WORD.setdefault(_label.split(" ", 1)[0], []).append(_label)


@lru_cache(maxsize=4096)
def clean_country(name: str) -> str | None:
    """Return the lower-case ISO 3166-1 code for an OFAC country name, or None.

    Handles OFAC's spellings (``Korea, North`` -> ``kp``, ``Burma`` -> ``mm``,
    ``Region: Crimea`` -> ``ua``) through FtM's country cleaner; results are cached.

    Args:
        name: a country name as published.

    Returns:
        e.g. ``"ru"``; None for empty, ``-0-`` or unknown names (``undetermined``).
    """
    key = name.strip().rstrip(".").lower()
    if not key or key == "-0-":
        return None
    if key in _COUNTRY_OVERRIDES:
        return _COUNTRY_OVERRIDES[key]
    return registry.country.clean(key)


def _one_date(text: str) -> tuple[int, int | None, int | None] | None:
    parts = text.split()
    try:
        if len(parts) == 1:
            token = parts[0]
            if len(token) == 4 and token.isdigit():
                return int(token), None, None
            if len(token) >= 10 and token[4] == "-" and token[7] == "-":  # ISO 8601
                return int(token[:4]), int(token[5:7]), int(token[8:10])
            return None
        if len(parts) == 2:
            month = _MONTHS.get(parts[0][:3].lower())
            if month is None or not (len(parts[1]) == 4 and parts[1].isdigit()):
                return None
            return int(parts[1]), month, None
        if len(parts) == 3:
            month = _MONTHS.get(parts[1][:3].lower())
            if month is None or not parts[0].isdigit() or not parts[2].isdigit():
                return None
            day = int(parts[0])
            if not 1 <= day <= _DAYS_IN_MONTH[month - 1] or len(parts[2]) != 4:
                return None
            return int(parts[2]), month, day
    except ValueError:
        return None
    return None


def _iso(value: tuple[int, int | None, int | None]) -> str:
    year, month, day = value
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_ofac_dates(text: str) -> list[str]:
    """Parse an OFAC date expression into ISO 8601 date prefixes.

    Accepted forms (as published in remarks and XML): ``08 Jan 1984`` -> ``1984-01-08``;
    ``Jan 1984`` -> ``1984-01``; ``1984`` -> ``1984``; ``circa 1964`` -> ``1964``;
    ``1962 to 1966`` and ``circa 1964-1966`` -> each year ``1962`` ... ``1966``;
    ``01 Jan 1960 to 31 Dec 1962`` -> each year of the range; ISO ``1962-01-31``.
    A range longer than :data:`MAX_RANGE_YEARS` years gives its two end years.

    Args:
        text: the date text, without its label.

    Returns:
        ISO date prefixes (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); ``[]`` when the text is
        not a date OFAC publishes.
    """
    text = text.strip().rstrip(".")
    if text.lower().startswith("circa "):
        text = text[6:].strip()
    start_text, sep, end_text = text.partition(" to ")
    if not sep and len(text) == 9 and text[4] == "-":  # 1964-1966
        start_text, end_text, sep = text[:4], text[5:], "-"
    start = _one_date(start_text)
    if start is None:
        return []
    if not sep:
        return [_iso(start)]
    end = _one_date(end_text)
    if end is None:
        return [_iso(start)]
    if start == end:
        return [_iso(start)]
    first, last = start[0], end[0]
    if first > last:
        return [_iso(start), _iso(end)]
    if last - first > MAX_RANGE_YEARS:
        return [str(first), str(last)]
    return [f"{year:04d}" for year in range(first, last + 1)]


def add_value(entity: ValueEntity, prop: str, value: str | None) -> None:
    """Add an already clean value when the entity's schema has the property.

    Args:
        entity: the list entity.
        prop: FtM property name.
        value: the value; None, empty and ``-0-`` (OFAC's null) are skipped.
    """
    if value is None:
        return
    value = value.strip()
    if not value or value == "-0-":
        return
    prop_obj = entity.schema.properties.get(prop)
    if prop_obj is not None:
        entity.unsafe_add(prop_obj, value, cleaned=True)


def add_vessel(
    entity: ValueEntity,
    call_sign: str | None,
    vessel_type: str | None,
    tonnage: str | None,
    grt: str | None,
    flag: str | None,
    owner: str | None,
) -> None:
    """Add the vessel columns (legacy CSV) or ``vesselInfo`` children (classic XML).

    Args:
        entity: a Vessel entity.
        call_sign: call sign -> ``callSign``.
        vessel_type: vessel type -> ``type``.
        tonnage: tonnage -> ``tonnage``.
        grt: gross registered tonnage -> ``grossRegisteredTonnage``.
        flag: flag country name -> ``flag`` as an ISO code (:func:`clean_country`).
        owner: owner name -> a ``notes`` line ``Vessel owner: <name>``.

    None, empty and ``-0-`` values add nothing.
    """
    add_value(entity, "callSign", call_sign)
    add_value(entity, "type", vessel_type)
    add_value(entity, "tonnage", tonnage)
    add_value(entity, "grossRegisteredTonnage", grt)
    if flag:
        add_value(entity, "flag", clean_country(flag))
    if owner and owner.strip() not in ("", "-0-"):
        add_value(entity, "notes", f"Vessel owner: {owner.strip()}")


def _place_country(place: str) -> str | None:
    """Return the country code of ``Pyongyang, Korea, North`` / ``Moscow, Russia``."""
    parts = [p.strip() for p in place.split(",")]
    if len(parts) >= 2:
        code = clean_country(f"{parts[-2]}, {parts[-1]}")
        if code:
            return code
    return clean_country(parts[-1])


def _split_ident(value: str) -> tuple[str, str | None]:
    """Split ``A123 (Turkey) expires 29 Sep 2031`` into (``A123``, ``Turkey``)."""
    number = value
    country = None
    paren = value.find(" (")
    if paren > 0:
        close = value.find(")", paren)
        if close > 0:
            inner = value[paren + 2 : close]
            if clean_country(inner):
                number, country = value[:paren], inner
    for marker in (" issued ", " expires "):
        cut = number.find(marker)
        if cut > 0:
            number = number[:cut]
    return number.strip(), country


def apply_labelled(
    entity: ValueEntity,
    label: str,
    value: str,
    *,
    country: str | None = None,
    note_identifiers: bool = False,
) -> bool:
    """Apply one labelled OFAC fact (remarks item, XML ``id``, Enhanced ``feature``).

    Args:
        entity: the list entity to add to.
        label: the OFAC label as published (``Passport``, ``Tax ID No.``, ``DOB`` ...);
            matched case-insensitively, a trailing ``:`` or `` -`` ignored.
        value: the value text, e.g. ``U25122157 (Turkey) expires 29 Sep 2031``.
        country: the issuing country when published separately (XML ``idCountry``).
        note_identifiers: also add a ``notes`` line ``<label> <number> (<country>)`` for an
            identifier with an issuing country, for formats whose remarks do not already
            carry it (the FtM properties hold the number only).

    Returns:
        True when the label is known (even if the schema lacks the property).
    """
    key = label.strip().rstrip(":-").strip().lower()
    spec = LABELS.get(key)
    if spec is None:
        return False
    kind, prop = spec
    value = value.strip()
    if kind == _DATE:
        for iso in parse_ofac_dates(value):
            add_value(entity, prop, iso)
    elif kind == _COUNTRY:
        add_value(entity, prop, clean_country(value))
    elif kind == _PLACE:
        add_value(entity, prop, value)
        add_value(entity, "birthCountry", _place_country(value))
    elif kind == _GENDER:
        add_value(entity, prop, value.lower())
    elif kind == _NOTE:
        add_value(entity, "notes", f"{prop}: {value}")
    elif kind == _IMO or (kind == _IDENT and value.upper().startswith("IMO ")):
        digits = value[4:].strip() if value.upper().startswith("IMO ") else value
        if digits.isdigit():
            add_value(entity, "imoNumber", f"IMO{digits}")
    elif kind == _IDENT:
        number, stated = _split_ident(value)
        add_value(entity, prop, number)
        issuer = country or stated
        if note_identifiers and issuer and number:
            add_value(entity, "notes", f"{label.strip().rstrip(':')} {number} ({issuer})")
    else:
        add_value(entity, prop, value)
    return True


def _apply_item(entity: ValueEntity, item: str) -> None:
    if item.startswith("(") and item.endswith(")"):
        item = item[1:-1]
    if item.startswith("alt. "):
        item = item[5:]
    if item[1:7] == ".k.a. " and item[0] in "afn":
        name = item[7:].strip()
        if len(name) > 2 and name[0] == "'" and name[-1] == "'":
            add_value(entity, "weakAlias", name[1:-1])
        return  # an unquoted alias means the remarks were cut: nothing reliable to add
    if item.startswith("Linked To: "):
        add_value(entity, "notes", item)
        return
    first = item.split(" ", 1)[0].lower()
    lowered = item.lower()
    for label in _BY_FIRST_WORD.get(first, ()):
        if lowered.startswith(label) and lowered[len(label) : len(label) + 1] in (" ", ":"):
            rest = item[len(label) :].lstrip(":").strip()
            if rest:
                apply_labelled(entity, label, rest)
            return


def apply_remarks(entity: ValueEntity, remarks: str | None) -> None:
    """Keep the remarks in ``notes`` and add the facts they carry as properties.

    Parsed: dates of birth (full, month, year, ``circa``, ranges; ``alt. DOB`` too), place
    of birth, nationality, citizenship, gender, identifiers of every type in
    :data:`LABELS` (passport, national ID, tax ID/RFC/CUIT/NIT, registration numbers, IMO,
    MMSI, SWIFT/BIC, aircraft serial and tail numbers), email, website, phone,
    organisation established date, quoted weak aliases (``a.k.a. 'X'``), and each
    ``Linked To: X`` as its own note line. Unknown items stay in the remarks note only.

    Args:
        entity: the list entity.
        remarks: the full remarks text (legacy CSV remarks with any ``sdn_comments``
            continuation already appended, or the XML ``remarks`` element); None or
            ``-0-`` adds nothing.
    """
    if remarks is None:
        return
    remarks = remarks.strip()
    if not remarks or remarks == "-0-":
        return
    add_value(entity, "notes", remarks)
    body = remarks[:-1] if remarks.endswith(".") else remarks
    for item in body.split("; "):
        item = item.strip()
        if item:
            _apply_item(entity, item)
