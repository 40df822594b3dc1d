"""Tests for the hardened XML parser: DTDs, XXE and entity bombs refused, errors located."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screenwise.errors import ListParseError
from screenwise.sources.xmlsafe import (
    clean_text,
    date_attribute,
    iter_elements,
    localname,
    make_parser,
    namespace_prefix,
    parse_xml,
    sourceline,
)

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sdnList [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<sdnList><sdnEntry><uid>1</uid><lastName>&xxe;</lastName></sdnEntry></sdnList>
"""

# Twelve levels of ten: fully expanded this is 10**12 "lol"s (about 3 TB).
BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 13)
    )
    + b"]>\n<lolz>&lol12;</lolz>\n"
)


@pytest.mark.parametrize("data", [XXE, BOMB], ids=["xxe", "bomb"])
def test_doctype_refused_before_parsing(data: bytes) -> None:
    with pytest.raises(ListParseError, match="DOCTYPE") as info:
        parse_xml(data, "sdn.xml")
    assert info.value.path == "sdn.xml"
    assert info.value.line == 2
    with pytest.raises(ListParseError, match="DOCTYPE"):
        list(iter_elements(data, "sdn.xml", "sdnEntry"))


@pytest.mark.parametrize("data", [XXE, BOMB], ids=["xxe", "bomb"])
def test_doctype_refused_in_utf16(data: bytes) -> None:
    """The byte-level prolog scan cannot read UTF-16; the parsed document is checked too."""
    encoded = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(ListParseError, match="DOCTYPE"):
        parse_xml(encoded, "sdn.xml")
    with pytest.raises(ListParseError, match="DOCTYPE"):
        list(iter_elements(encoded, "sdn.xml", "sdnEntry"))


def test_parser_never_expands_or_reads_entities(tmp_path: Path) -> None:
    """Even used directly, the parser factory reads no external entity and expands nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    from lxml import etree

    xxe = XXE.replace(b"file:///etc/passwd", secret.as_uri().encode())
    root = etree.fromstring(xxe, parser=make_parser())
    assert b"TOPSECRET" not in etree.tostring(root)
    try:
        root = etree.fromstring(BOMB, parser=make_parser())
    except etree.XMLSyntaxError as exc:  # libxml2's amplification guard may stop it first
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(root)) < 1000


def test_doctype_after_comment_and_pi_refused() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<?pi x?>\n<!doctype a SYSTEM "http://x/a.dtd">\n<a/>'
    with pytest.raises(ListParseError, match="DOCTYPE") as info:
        parse_xml(data, "a.xml")
    assert info.value.line == 4


def test_syntax_error_names_file_and_line() -> None:
    data = b"<sdnList>\n<sdnEntry>\n<uid>1</uid>\n</sdnEntr>\n</sdnList>\n"
    with pytest.raises(ListParseError) as info:
        parse_xml(data, "consolidated.xml")
    err = info.value
    assert err.path == "consolidated.xml"
    assert err.line == 4
    assert str(err).startswith("consolidated.xml line 4: XML syntax error")
    with pytest.raises(ListParseError) as streamed:
        list(iter_elements(data, "consolidated.xml", "sdnEntry"))
    assert streamed.value.line == 4


def test_undefined_entity_is_syntax_error() -> None:
    with pytest.raises(ListParseError, match="XML syntax error") as info:
        parse_xml(b"<a>\n&undefined;</a>", "a.xml")
    assert info.value.line == 2


def test_parse_and_stream_namespaced_document() -> None:
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!-- list -->\n'
        b'<sdnList xmlns="urn:x"><e><uid>1</uid></e><e><uid>2</uid></e><other/></sdnList>'
    )
    root = parse_xml(data, "x.xml")
    assert localname(root) == "sdnList"
    uids = [localname(e[0]) + e[0].text for e in iter_elements(data, "x.xml", "{urn:x}e")]  # type: ignore[operator]
    assert uids == ["uid1", "uid2"]
    both = [localname(e) for e in iter_elements(data, "x.xml", ("{urn:x}e", "{urn:x}other"))]
    assert both == ["e", "e", "other"]


# -- element helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        (" \t\n\u00a0", None),
        ("  RI \n  WON\u00a0HO ", "RI WON HO"),
        ("KPi.033", "KPi.033"),
    ],
)
def test_clean_text_collapses_white_space(value: str | None, expected: str | None) -> None:
    assert clean_text(value) == expected


def test_sourceline_and_namespace_prefix() -> None:
    data = b'<list xmlns="urn:x">\n<e>\n<name> A\n B </name></e>\n</list>'
    root = parse_xml(data, "x.xml")
    ns = namespace_prefix(root)
    assert ns == "{urn:x}"
    entry = root[0]
    assert sourceline(entry) == 2
    assert sourceline(entry[0]) == 3
    assert clean_text(entry.findtext(f"{ns}name")) == "A B"
    assert namespace_prefix(parse_xml(b"<plain/>", "p.xml")) == ""


def test_date_attribute_reads_date_part_and_names_bad_value() -> None:
    root = parse_xml(b'<list dateGenerated="2026-02-27T10:00:00.000Z"/>', "un.xml")
    assert date_attribute(root, "dateGenerated", "un.xml") == date(2026, 2, 27)
    assert date_attribute(root, "generationDate", "un.xml") is None
    bad = parse_xml(b'\n<list dateGenerated="27/02/2026"/>', "un.xml")
    with pytest.raises(ListParseError) as info:
        date_attribute(bad, "dateGenerated", "un.xml")
    assert (info.value.path, info.value.line, info.value.field) == ("un.xml", 2, "dateGenerated")
    assert "'27/02/2026' is not an ISO date" in str(info.value)
