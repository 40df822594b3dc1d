"""One test per kind of fault a new user found in adverse-media text screening.

Han and Hangul text read as single syllables, short acronyms without support, alerts in
page furniture, role words attached to every name of a sentence, famous office holders
capped as common names.
"""

from __future__ import annotations

import pytest
from listed import entity, kremlin

from screenwise.results import Mention
from screenwise.screening import Screener
from screenwise.text import screen_text


def _entity(native: str, schema: str, **props: list[str]):  # type: ignore[no-untyped-def]
    return entity("f", native, schema, **props)


@pytest.fixture(scope="module")
def screener() -> Screener:
    """Entities shaped like the list entries behind each finding."""
    return Screener(
        [
            _entity("hua", "Organization", name=["NORTHERN FRONT"], alias=["HUA", "JI"]),
            _entity(
                "kim",
                "Person",
                name=["KIM, Jong Un"],
                alias=["金正恩"],
                position=["Chairman of the Workers' Party of Korea"],
                country=["kp"],
            ),
            _entity("xi", "Person", name=["ZHAO Lijian"], country=["cn"]),
            *kremlin("f", putin_name="PUTIN, Vladimir"),
            _entity("taylor", "Person", name=["TAYLOR, Mark"]),
            _entity(
                "eci",
                "Company",
                name=["ELECTRONIC COMPONENTS INDUSTRIES CO"],
                alias=["ECI"],
                country=["ir"],
            ),
        ]
    )


def _alerts(screener: Screener, text: str) -> set[str]:
    result = screen_text(screener, text, content_type="text/plain")
    return {m.entity_id for m in result.mentions if m.match}


def _mentions(screener: Screener, text: str) -> list[Mention]:
    return list(screen_text(screener, text, content_type="text/plain").mentions)


def test_single_han_syllables_never_raise_a_mention(screener: Screener) -> None:
    text = "中华人民共和国国务院今天发布了新的经济计划。"
    assert _mentions(screener, text) == []


def test_whole_hangul_name_with_a_particle_is_found(screener: Screener) -> None:
    text = "김정은이 러시아에 도착했다. 김정은의 방문"
    mentions = [m for m in _mentions(screener, text) if m.entity_id == "f-kim"]
    assert [(m.start, m.end, m.match) for m in mentions] == [(0, 3, True), (16, 19, True)]
    # A word that does not start with a Korean family name is not read as a name.
    assert _mentions(screener, "의원의 발표") == []


def test_whole_han_names_are_found_in_running_text(screener: Screener) -> None:
    by_id = {m.entity_id: m for m in _mentions(screener, "金正恩与普京在俄罗斯会晤")}
    assert (by_id["f-kim"].start, by_id["f-kim"].end) == (0, 3)
    text = "中国外交部发言人赵立坚说"
    by_id = {m.entity_id: m for m in _mentions(screener, text)}
    assert (by_id["f-xi"].start, by_id["f-xi"].end) == (8, 11)
    assert by_id["f-xi"].match is True


def test_short_acronym_needs_support_from_the_text(screener: Screener) -> None:
    assert _mentions(screener, "The ECI said the vote would be held in May.") == []
    # Sanctions vocabulary says what the text is about, not what one list's acronym means.
    text = "The ECI said the Treasury sanctions and asset freezes did not concern the vote."
    assert _mentions(screener, text) == []
    text = "Iran's ECI said it would ship the parts."
    assert _alerts(screener, text) == {"f-eci"}


def test_a_mention_in_page_furniture_is_never_an_alert(screener: Screener) -> None:
    text = (
        "Share on Facebook\nShare on Twitter\n\n"
        "Vladimir Putin met officials in Moscow on Tuesday to discuss the harvest and "
        "the price of grain in the coming season, his office said in a statement.\n"
    )
    mentions = _mentions(screener, text)
    assert all(m.region == "body" or not m.match for m in mentions)


def test_role_word_qualifies_the_name_next_to_it(screener: Screener) -> None:
    text = "Kremlin spokesman Dmitry Peskov said Vladimir Putin would meet Kim Jong Un."
    by_id = {m.entity_id: m for m in _mentions(screener, text)}
    assert by_id["f-putin"].match is True
    assert "spokesperson" not in by_id["f-putin"].explanation
    assert "spokesperson" in by_id["f-peskov"].explanation


@pytest.mark.parametrize(
    "text",
    [
        "Dmitry Peskov, the Kremlin spokesman, said Vladimir Putin would travel.",
        "Vladimir Putin spoke after Kremlin spokesman Dmitry Peskov arrived.",
    ],
)
def test_appositive_and_title_stay_with_their_own_name(screener: Screener, text: str) -> None:
    by_id = {m.entity_id: m for m in _mentions(screener, text)}
    assert "spokesperson" not in by_id["f-putin"].explanation
    assert "spokesperson" in by_id["f-peskov"].explanation


def test_role_after_a_possessive_name_belongs_to_the_name_before(screener: Screener) -> None:
    text = "Sanctions now target Dmitry Peskov, who as Vladimir Putin's spokesman speaks."
    by_id = {m.entity_id: m for m in _mentions(screener, text)}
    assert "spokesperson" in by_id["f-peskov"].explanation


def test_full_name_of_a_listed_office_holder_alerts_in_any_text(screener: Screener) -> None:
    assert _alerts(screener, "Vladimir Putin will meet Kim Jong Un.") == {"f-putin", "f-kim"}
    # A name many people share stays capped outside sanctions reporting.
    assert _alerts(screener, "Mark Taylor will meet his neighbours.") == set()


def test_terminal_snippet_cut_between_words() -> None:
    from screenwise.text.render import snippet_bounds

    text = "alpha beta gamma delta Vladimir Putin epsilon zeta theta iota"
    start = text.index("Vladimir")
    end = start + len("Vladimir Putin")
    left, right = snippet_bounds(text, start, end, width=9)
    assert text[left:right] == "delta Vladimir Putin epsilon"


def test_terminal_line_names_the_entity(screener: Screener) -> None:
    import io

    from rich.console import Console

    from screenwise.text.render import render_terminal

    text = "Vladimir Putin will meet Kim Jong Un."
    result = screen_text(screener, text, content_type="text/plain")
    out = io.StringIO()
    render_terminal(result, text, Console(file=out, width=200))
    assert "f-putin (PUTIN, Vladimir)" in out.getvalue() or "f-putin (" in out.getvalue()


def test_plain_text_metadata_from_date_stamp_byline_and_headline() -> None:
    from screenwise.text.boilerplate import classify_text
    from screenwise.text.extract import plain_document

    text = (
        "March 3, 2024 10:15 am (CET)\n"
        "Share this page\n"
        "By Jane Doe\n"
        "Harbour authority approves new ferry terminal for the island\n"
        "\n"
        "The harbour authority on Monday approved the construction of a new ferry "
        "terminal, ending a dispute of several years between the island's council and "
        "the operators of the old pier, who had asked for a larger waiting hall.\n"
    )
    document = classify_text(plain_document(text))
    assert document.date == "2024-03-03"
    assert document.author == "Jane Doe"
    assert document.title == "Harbour authority approves new ferry terminal for the island"
    # A text that opens with its first paragraph has no headline.
    paragraph = text.split("\n\n", 1)[1]
    assert classify_text(plain_document(paragraph)).title is None


def test_short_latin_alias_written_as_a_word_is_a_syllable(screener: Screener) -> None:
    assert _mentions(screener, "The spokesman, Hua, said the talks went well.") == []
    assert _mentions(screener, "Reporters asked Ji about the plan.") == []
