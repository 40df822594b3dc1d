"""One test per kind of fault found on a first run of ``screenwise screen-text``.

Non-UTF-8 text read with a rare DOS code page, a page's "today" banner or copyright year
reported as the article's date, the site banner's heading reported as the title, markup
and heading text in a mention's sentence, and namesakes below the threshold shown like
alerts in the terminal view.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from screenwise.entities import make_entity
from screenwise.screening import Screener
from screenwise.text import screen_text
from screenwise.text.boilerplate import classify_text
from screenwise.text.extract import extract_html, plain_document
from screenwise.text.inputs import decode_bytes, implausibility
from screenwise.text.render import render_terminal

_PARAGRAPH = (
    "The port authority said the tanker had been held for inspection over its cargo "
    "papers, and that the owners had been asked to explain the route it had taken. "
)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(
        [
            make_entity(
                "t", "rosneft", "Company", {"name": ["Rosneft Oil Company"], "alias": ["ROSNEFT"]}
            ),
            make_entity(
                "t",
                "peskov",
                "Person",
                {
                    "name": ["PESKOV, Dmitry Sergeyevich"],
                    "position": ["Press Secretary to the President"],
                    "nationality": ["ru"],
                    "birthDate": ["1967-10-17"],
                },
            ),
            make_entity(
                "u",
                "peskov2",
                "Person",
                {
                    "name": ["PESKOV, Dmitry"],
                    "position": ["Member of the Board of Directors of Aeroflot"],
                    "nationality": ["ru"],
                    "birthDate": ["1975-12-26"],
                },
            ),
        ]
    )


# 1. Charset detection prefers the common encodings of news text.


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Gerhard Schröder met Putin in Moscow.", "latin-1", "cp1252"),
        (
            "Der Bundeskanzler Gerhard Schröder traf sich mit Wladimir Putin in Moskau, "
            "sagte ein Sprecher am Freitag.",
            "latin-1",
            "cp1252",
        ),
        ("Señor José Müller, café in Ærøskøbing.", "cp1252", "cp1252"),
        ("Zażółć gęślą jaźń, powiedział rzecznik Kremla.", "cp1250", "cp1250"),
        ("Prezident Miloš Zeman řekl, že sankce proti Rusku zůstanou.", "cp1250", "cp1250"),
        ("Пресс-секретарь президента Дмитрий Песков заявил журналистам.", "cp1251", "cp1251"),
        ("Пресс-секретарь президента Дмитрий Песков заявил журналистам.", "koi8-r", "koi8-r"),
        ("Ο πρόεδρος της Ρωσίας Βλαντιμίρ Πούτιν δήλωσε σήμερα.", "cp1253", "cp1253"),
    ],
)
def test_non_utf8_text_is_read_with_a_common_encoding(
    text: str, encoding: str, expected: str
) -> None:
    decoded, used, warnings = decode_bytes(text.encode(encoding), name="a.txt")
    assert (decoded, used) == (text, expected)
    assert warnings == [
        f"a.txt: not UTF-8 (invalid byte at offset {_first_non_ascii(text)}); decoded as "
        f"{expected} (detected). Check the spelling of names with accents."
    ]


def _first_non_ascii(text: str) -> int:
    return next(i for i, char in enumerate(text) if not char.isascii())


def test_implausible_decodings_are_counted() -> None:
    assert implausibility("Gerhard Schröder")[0] == 0
    assert implausibility("Gerhard Schr÷der")[0] == 1  # a symbol inside a word
    assert implausibility("Gerhard Schrцder")[0] == 1  # Latin and Cyrillic in one word
    assert implausibility("Ïðåññ-ñåêðåòàðü")[0] == 2  # Cyrillic read as Latin accents
    assert implausibility("оПЕЯЯ")[0] == 1  # Windows Cyrillic read as KOI8-R


# 2. The article's date is the one in its header, never a banner or a copyright year.


def test_plain_text_date_is_the_bylines_not_the_sites_banner() -> None:
    text = (
        "February 07, 2026 09:53 am (IST)\n"
        "Follow us:\n"
        "Big call from RBI | Court snub for Vijay | Supreme Court raps Meta | Trade deal move\n"
        "Train carrying the delegation arrives in the capital. Photo Courtesy: Agency\n"
        "\n"
        "Harbour authority approves new ferry terminal for the island\n"
        "\n"
        "| @agency | Sep 12, 2023, at 03:32 pm\n"
        "\n" + _PARAGRAPH * 2 + "\n"
    )
    assert classify_text(plain_document(text)).date == "2023-09-12"
    # Without the byline's date, the banner (beyond a ticker and a caption) is no date.
    no_byline = text.replace("| @agency | Sep 12, 2023, at 03:32 pm\n", "")
    assert classify_text(plain_document(no_byline)).date is None


def _page(header: str, article_head: str, footer: str = "<p>© 2024 City News.</p>") -> str:
    return (
        "<!doctype html><html><head><title>City News</title></head><body>"
        f"<header>{header}<nav><a href='/'>Home</a></nav></header>"
        f"<main><article>{article_head}<p>A spokesperson for Rosneft said the company "
        f"would cooperate. {_PARAGRAPH}</p><p>{_PARAGRAPH}</p></article></main>"
        f"<footer>{footer}</footer></body></html>"
    )


def test_html_copyright_year_is_not_the_article_date() -> None:
    page = _page("<h1>Local firm signs deal</h1>", "<h2>Shipping firm under scrutiny</h2>")
    assert extract_html(page).date is None


def test_html_date_stamp_under_the_article_heading_is_the_date() -> None:
    page = _page(
        "<h1>Local firm signs deal</h1>",
        "<h2>Shipping firm under scrutiny</h2><p>Published Sep 12, 2023</p>",
    )
    assert extract_html(page).date == "2023-09-12"


# 3. The title is the article's heading, not the site banner's.


def test_html_title_is_the_articles_heading_not_the_banners() -> None:
    page = _page("<h1>Local firm signs deal</h1>", "<h2>Shipping firm under scrutiny</h2>")
    assert extract_html(page).title == "Shipping firm under scrutiny"
    page = _page("<h1>Local firm signs deal</h1>", "<h1>Tanker held at the port</h1>")
    assert extract_html(page).title == "Tanker held at the port"


# 4. Sentences are plain text cut from the source.


def test_sentence_of_an_html_fragment_has_no_markup_or_heading(screener: Screener) -> None:
    text = (
        "<header><h1>Local firm signs deal</h1></header>\n"
        "<article><h2>Shipping firm under scrutiny</h2> <p>A spokesperson for Rosneft said "
        f"the company would cooperate. {_PARAGRAPH}</p></article>\n"
    )
    result = screen_text(screener, text, content_type="text/plain")
    [mention] = result.mentions
    assert mention.sentence == "A spokesperson for Rosneft said the company would cooperate."
    assert text[mention.start : mention.end] == "Rosneft"


def test_sentence_is_a_slice_of_the_source(screener: Screener) -> None:
    text = "Reporters met Dmitry Peskov.  Later, Dmitry\tPeskov, quoted by Tass, left."
    result = screen_text(screener, text, content_type="text/plain")
    sentences = [m.sentence for m in result.mentions if m.entity_id == "t-peskov"]
    assert sentences == [
        "Reporters met Dmitry Peskov.",
        "Later, Dmitry Peskov, quoted by Tass, left.",
    ]


# 5. The terminal view tags mentions that are not alerts.


def test_terminal_marks_mentions_below_the_threshold(screener: Screener) -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov was quoted as saying by Tass that the talks "
        "would be held in the Far East. " + _PARAGRAPH
    )
    result = screen_text(screener, text, content_type="text/plain")
    flags = {m.entity_id: m.match for m in result.mentions}
    assert flags == {"t-peskov": True, "u-peskov2": False}
    out = io.StringIO()
    render_terminal(result, text, Console(file=out, width=300, no_color=True))
    lines = {
        line.split(" (")[0]: line for line in out.getvalue().splitlines() if line.startswith("[")
    }
    assert lines.keys() == {
        "[ALERT] [body] 18-31 " + f"{_score(result, 't-peskov')} t-peskov",
        "[below threshold] [body] 18-31 " + f"{_score(result, 'u-peskov2')} u-peskov2",
    }


def _score(result, entity_id: str) -> str:  # type: ignore[no-untyped-def]
    return next(f"{m.score:.2f}" for m in result.mentions if m.entity_id == entity_id)


def test_terminal_context_keeps_the_sources_spacing(screener: Screener) -> None:
    text = "Reporters met Dmitry Peskov, the Kremlin spokesman. Later Dmitry Peskov.\n"
    result = screen_text(screener, text, content_type="text/plain")
    out = io.StringIO()
    render_terminal(result, text, Console(file=out, width=300, no_color=True))
    shown = [line for line in out.getvalue().splitlines() if "t-peskov" in line and "[" in line]
    assert [line.split(") ", 1)[1] for line in shown] == [
        "Reporters met Dmitry Peskov, the Kremlin spokesman. Later Dmitry Peskov.",
        "Reporters met Dmitry Peskov, the Kremlin spokesman. Later Dmitry Peskov.",
    ]
