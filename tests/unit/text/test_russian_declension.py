"""Russian case endings: declined forms of listed names in Cyrillic text are mentions.

The lists give names in the nominative (``Путин``, ``Песков``, ``Ким Чен Ын``); Russian text
declines them (``встреча Путина``, ``по словам Пескова``, ``с Ким Чен Ыном``). Each test
pairs a declined form that must be found with nearby ordinary Russian that must stay
silent.
"""

from __future__ import annotations

import pytest
from listed import entity, kremlin

from screenwise.screening import Screener
from screenwise.text import screen_text
from screenwise.text.inflection import russian_nominatives


def _entity(native: str, schema: str, **props: list[str]):  # type: ignore[no-untyped-def]
    return entity("r", native, schema, **props)


@pytest.fixture(scope="module")
def screener() -> Screener:
    """Listed people as the lists write them, and a namesake sharing a surname."""
    return Screener(
        [
            *kremlin("r"),
            _entity("kim", "Person", name=["KIM, Jong Un"], country=["kp"]),
            _entity("peskova", "Person", name=["PESKOVA, Elizaveta Dmitrievna"]),
            _entity("mir", "Vessel", name=["MIR"]),
        ]
    )


def _alerts(screener: Screener, text: str) -> list[tuple[str, str]]:
    result = screen_text(screener, text)
    return [(m.entity_id, m.text) for m in result.mentions if m.match]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Путина", ("Путин",)),
        ("Ыном", ("Ын", "Ыний")),
        ("Дмитрия", ("Дмитрий", "Дмитриь")),
        ("Жириновского", ("Жириновский",)),
        ("Песков", ()),
        ("Putina", ()),
    ],
)
def test_nominative_forms_of_a_declined_word(word: str, expected: tuple[str, ...]) -> None:
    assert russian_nominatives(word) == expected


def test_declined_full_names_are_mentions(screener: Screener) -> None:
    text = (
        "Переговоры Владимира Путина с Ким Чен Ыном прошли в Кремле. "
        "Об этом сообщил Дмитрием Песковым подписанный документ."
    )
    assert _alerts(screener, text) == [
        ("r-putin", "Владимира Путина"),
        ("r-kim", "Ким Чен Ыном"),
        ("r-peskov", "Дмитрием Песковым"),
    ]


def test_korean_name_in_cyrillic_is_read_whole(screener: Screener) -> None:
    # Word by word "Чен" is "chen"; the name as a unit is Korean: "kim jong un".
    assert _alerts(screener, "Лидер КНДР Ким Чен Ын прибыл в Москву.") == [("r-kim", "Ким Чен Ын")]


def test_lone_declined_surname_refers_to_the_full_mention(screener: Screener) -> None:
    text = (
        "Пресс-секретарь Дмитрий Песков ответил журналистам. Песков добавил, что "
        "встреча состоится. По словам Пескова, решение принято."
    )
    alerts = _alerts(screener, text)
    assert [name for _id, name in alerts] == ["Дмитрий Песков", "Песков", "Пескова"]
    assert {entity_id for entity_id, _name in alerts} == {"r-peskov"}


def test_famous_head_of_state_surname_declined(screener: Screener) -> None:
    assert _alerts(screener, "Встреча Путина и министров прошла вчера.") == [("r-putin", "Путина")]


def test_ordinary_russian_words_stay_silent(screener: Screener) -> None:
    text = (
        "Погода в Москве остаётся тёплой. Мира и согласия пожелал жителям мэр города. "
        "Сборная России по футболу проведёт матч в Санкт-Петербурге. Иван Петров и "
        "Анна Смирнова посетили Большой театр. Пескова улица застроена новыми домами."
    )
    assert _alerts(screener, text) == []
