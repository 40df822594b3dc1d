"""Reading, decoding, HTML extraction with offsets, and plain-text boilerplate lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from screenwise.errors import InputError
from screenwise.screening import Screener
from screenwise.text import read_source, screen_text
from screenwise.text.boilerplate import classify_lines
from screenwise.text.extract import extract_html, looks_like_html

PAGE = """<!DOCTYPE html>
<html><head><title>Site &amp; news</title><script>var Putin = 1;</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Summit in the east</h1>
<p>North Korean leader Kim Jong Un arrived on Tuesday for a summit, officials said on the record.</p>
<p>The Kremlin spokesman said the two leaders would meet at the Vostochny cosmodrome &amp; talk about
sanctions and arms, and that the visit would last several days according to the schedule.</p>
<p>Analysts said the meeting showed how far the two countries had moved closer since last year.</p>
</article>
<footer>Related: Kim Jong Un visits a factory</footer></body></html>"""


def test_html_sniffing() -> None:
    assert looks_like_html(PAGE)
    assert not looks_like_html("Text with <b>bold</b> words.")


def test_html_visible_text_maps_back_to_the_input() -> None:
    document = extract_html(PAGE)
    assert "var Putin" not in document.text
    for needle in ("Kim Jong Un", "cosmodrome & talk"):
        at = document.text.index(needle)
        start, end = document.to_input(at, at + len(needle))
        assert PAGE[start:end].replace("&amp;", "&") == needle
    at = document.text.index("Kim Jong Un")
    assert document.region_of(at, at + 11) == "body"
    footer = document.text.rindex("Kim Jong Un")
    assert document.region_of(footer, footer + 11) == "boilerplate"


def test_html_without_an_article_is_refused() -> None:
    with pytest.raises(InputError, match="no article"):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>", name="x.html")


def test_html_mentions_carry_input_offsets(small_screener: Screener) -> None:
    result = screen_text(small_screener, PAGE, source="page.html")
    body = [m for m in result.mentions if m.region == "body"]
    assert [PAGE[m.start : m.end] for m in body] == ["Kim Jong Un"]
    assert body[0].match
    furniture = [m for m in result.mentions if m.region == "boilerplate"]
    assert [PAGE[m.start : m.end] for m in furniture] == ["Kim Jong Un"]
    assert [p.count for p in result.parties] == [1]


SCRAPED = """February 07, 2026 09:53 am (IST)
Follow us:
facebook-white sharing button
Big call from RBI | Court snub for Vijay | Three sisters | Supreme Court raps Meta
Kim Jong Un
Train carrying the leader arrives. Photo Courtesy: Screengrab posted by Anton Gerashchenko
| @agency | Sep 12, 2023, at 03:32 pm
North Korean leader Kim Jong Un has arrived in Russia on his private train.
The talks were long and the statement that followed was short and unclear.

Support Our Journalism
We cannot do without you.
"""


def test_scraped_page_lines_are_classified_by_kind() -> None:
    lines, _meta = classify_lines(SCRAPED)
    reasons = {SCRAPED[line.start : line.end][:20]: line.reason for line in lines}
    assert reasons["February 07, 2026 09"] == "date stamp or byline"
    assert reasons["Follow us:"] == "share/follow/navigation"
    assert reasons["facebook-white shari"] == "share/follow/navigation"
    assert reasons["Big call from RBI | "] == "ticker or menu"
    assert reasons["Kim Jong Un"] == ""
    assert reasons["Train carrying the l"] == ""
    assert reasons["Photo Courtesy: Scre"] == "credit"
    assert reasons["| @agency | Sep 12, "] == "date stamp or byline"
    assert reasons["Support Our Journali"] == "appeal"
    assert reasons["We cannot do without"] == "appeal"


def test_front_matter_title_is_body_and_other_fields_are_not() -> None:
    text = '---\ntitle: "Sanctions widen"\nsummary: "Kim Jong Un again"\n---\nBody text here.\n'
    lines, meta = classify_lines(text)
    body = [text[line.start : line.end] for line in lines if line.region == "body"]
    assert body == ["Sanctions widen", "Body text here."]
    assert meta["title"] == "Sanctions widen"


def test_markup_in_text_is_never_scanned(small_screener: Screener) -> None:
    text = 'See <a href="/kim-jong-un">this</a> and [link](https://x.org/Kim_Jong_Un). Done.'
    assert screen_text(small_screener, text).mentions == []


def test_binary_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    with pytest.raises(InputError, match="binary"):
        read_source(str(path), max_bytes=10_000, timeout_s=1)


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 3000)
    with pytest.raises(InputError, match="over the limit of 10000 bytes"):
        read_source(str(path), max_bytes=10_000, timeout_s=1)
    with pytest.raises(InputError, match="larger than the limit"):
        read_source("-", max_bytes=100, timeout_s=1, stdin=io.BytesIO(b"x" * 500))


def test_unexpected_encoding_is_detected_and_said(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Le président français a parlé à Genève de l'économie.".encode("cp1252"))
    raw = read_source(str(path), max_bytes=10_000, timeout_s=1)
    assert "président" in raw.text
    assert raw.warnings and "not UTF-8" in raw.warnings[0]


def test_utf16_with_and_without_byte_order_mark(tmp_path: Path) -> None:
    text = "Kremlin spokesman Dmitry Peskov spoke to Tass in Moscow today."
    for encoding, name in (("utf-16", "bom.txt"), ("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        raw = read_source(str(path), max_bytes=10_000, timeout_s=1)
        assert raw.text.lstrip("\ufeff") == text
    assert "no byte-order mark" in raw.warnings[0]


def test_missing_file_and_unreachable_url() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source("/nonexistent/article.txt", max_bytes=10, timeout_s=1)
    with pytest.raises(InputError, match="could not be fetched"):
        read_source("http://127.0.0.1:9/article", max_bytes=1000, timeout_s=2)
