"""Mention finding, one test per kind of fault the guards and references handle."""

from __future__ import annotations

from screenwise.screening import Screener
from screenwise.text import screen_text


def _alerts(screener: Screener, text: str) -> list[tuple[str, str]]:
    result = screen_text(screener, text)
    return [(m.entity_id, m.text) for m in result.mentions if m.match and m.region == "body"]


def test_spellings_and_possessives_of_a_listed_name(small_screener: Screener) -> None:
    text = "Kim Jong-un met aides. Kim Jong Un's train left. KIM JONG UN waved."
    assert _alerts(small_screener, text) == [
        ("t-kim", "Kim Jong-un"),
        ("t-kim", "Kim Jong Un"),
        ("t-kim", "KIM JONG UN"),
    ]


def test_transliterated_name_in_another_script(small_screener: Screener) -> None:
    assert _alerts(small_screener, "Санкции: вчера Владимир Путин выступил.") == [
        ("t-putin", "Владимир Путин")
    ]


def test_patronymic_may_be_dropped_but_korean_given_names_may_not(small_screener: Screener) -> None:
    assert ("t-putin", "Vladimir Putin") in _alerts(
        small_screener, "Vladimir Putin spoke on sanctions."
    )
    assert _alerts(small_screener, "Make-up by Kim Jong and friends.") == []


def test_surname_refers_back_only_after_a_full_mention(small_screener: Screener) -> None:
    assert _alerts(small_screener, "Peskov said no to sanctions.") == []
    alerts = _alerts(small_screener, "Dmitry Peskov arrived. Later Peskov said no to sanctions.")
    assert [a for a in alerts if a[0] == "t-peskov"] == [
        ("t-peskov", "Dmitry Peskov"),
        ("t-peskov", "Peskov"),
    ]


def test_famous_surname_of_one_listed_head_of_state(small_screener: Screener) -> None:
    # "Putin" is frequent in English text (wordfreq) and names one listed head of state.
    assert _alerts(small_screener, "Putin said no to sanctions.") == [("t-putin", "Putin")]
    # A rare surname without a full mention or a title stays silent.
    assert _alerts(small_screener, "Zakharova said no to sanctions.") == []


def test_title_and_surname_need_a_matching_listed_position(small_screener: Screener) -> None:
    assert _alerts(small_screener, "President Putin spoke on sanctions.") == [("t-putin", "Putin")]
    assert _alerts(small_screener, "Coach Putin spoke.") == []


def test_weak_alias_and_lone_given_name_do_not_alert(small_screener: Screener) -> None:
    assert _alerts(small_screener, "The State will decide. Vladimir smiled.") == []


def test_common_word_is_not_a_vessel_without_a_craft_word(small_screener: Screener) -> None:
    assert _alerts(small_screener, "Justice was served. Tifon is a storm.") == []
    assert _alerts(small_screener, "The tanker Tifon sailed.") == [("t-tifon", "Tifon")]


def test_word_near_a_listed_alias_is_not_the_alias(small_screener: Screener) -> None:
    assert _alerts(small_screener, "He made a Dash for it. Daesh claimed it.") == [
        ("t-isil", "Daesh")
    ]


def test_phrase_of_ordinary_words_needs_title_case(small_screener: Screener) -> None:
    text = "The plan got the green light. The base was closed. Al Qaeda struck."
    assert _alerts(small_screener, text) == [("t-base", "Al Qaeda")]


def test_one_word_name_inside_a_longer_proper_name(small_screener: Screener) -> None:
    assert _alerts(small_screener, "Inter Milan won again.") == []


def test_government_of_a_country_is_not_a_party(small_screener: Screener) -> None:
    assert _alerts(small_screener, "The Government of Syria denied it.") == []


def test_short_form_defined_by_the_text(small_screener: Screener) -> None:
    text = "The Islamic Revolutionary Guard Corps (IRGC) fired. The IRGC said so."
    assert _alerts(small_screener, text) == [
        ("t-irgc", "Islamic Revolutionary Guard Corps"),
        ("t-irgc", "IRGC"),
    ]


def test_organisation_short_word_after_a_full_mention(small_screener: Screener) -> None:
    text = "The Wagner Group fought. Wagner fighters left."
    assert _alerts(small_screener, text) == [("t-wagner", "Wagner Group"), ("t-wagner", "Wagner")]


def test_country_qualified_ministry(small_screener: Screener) -> None:
    assert _alerts(small_screener, "The Russian Ministry of Finance said.") == [
        ("t-mof", "Russian Ministry of Finance")
    ]


def test_misspellings_within_small_edit_distance(small_screener: Screener) -> None:
    text = "Maria Zhakarova spoke. Yuganskneftegas was sold."
    assert _alerts(small_screener, text) == [
        ("t-zakharova", "Maria Zhakarova"),
        ("t-yugansk", "Yuganskneftegas"),
    ]


def test_namesake_is_reported_with_a_lower_score(small_screener: Screener) -> None:
    result = screen_text(small_screener, "Kremlin spokesman Dmitry Peskov said.")
    by_id = {m.entity_id: m for m in result.mentions}
    assert by_id["t-peskov"].match
    assert not by_id["u-peskov2"].match
    assert by_id["u-peskov2"].score < by_id["t-peskov"].score


def test_common_person_name_outside_sanctions_reporting(small_screener: Screener) -> None:
    sport = "The coach Antonio Lopez was sacked by the club."
    assert _alerts(small_screener, sport) == []
    result = screen_text(small_screener, sport)
    assert [m.entity_id for m in result.mentions] == ["t-lopez"]
