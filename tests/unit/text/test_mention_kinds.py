"""Kinds of mention the press writes that a listed name does not spell out.

One test per kind (short forms of organisation names, glued Arabic names, coordinated
phrases, references to a ruler's regime, established acronyms, namesakes told apart by
the country the sentence is about), each with hand-written entities and text, and with
the nearest text that must stay silent.
"""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity
from screenwise.screening import Screener
from screenwise.text import screen_text


def _entity(native: str, schema: str, **props: list[str]):  # type: ignore[no-untyped-def]
    return make_entity("k", native, schema, props)


@pytest.fixture(scope="module")
def screener() -> Screener:
    """Entities shaped like the list entries each kind of mention refers to."""
    return Screener(
        [
            _entity(
                "council",
                "Organization",
                name=["GRAND COUNCIL OF THE NATIONAL ASSEMBLY OF THE RUSSIAN FEDERATION"],
                country=["ru"],
            ),
            _entity("veb", "Organization", name=["VEB.RF"], country=["ru"]),
            _entity(
                "zelvar",
                "Company",
                name=["ZELVAR ENERGY JAHAN NAMA COMPANY"],
                country=["ir"],
            ),
            _entity(
                "zorvex",
                "Company",
                name=["Zorvex Technologies Co., Ltd. (Zorvex)"],
                country=["cn"],
            ),
            _entity("kesto", "Company", name=["KESTOBANK (SWITZERLAND) AG"], country=["ch"]),
            _entity("kesto-ru", "Company", name=["KESTOBANK"], country=["ru"]),
            _entity("sovcom", "Company", name=["SOVCOMBANK"], country=["ru"]),
            _entity(
                "qaduli",
                "Person",
                name=["AL-QADULI, Abd Al-Rahman Muhammad Mustafa"],
            ),
            _entity("nusrah", "Organization", name=["AL-NUSRAH FRONT"], country=["sy"]),
            _entity("riviera", "Company", name=["LA RIVIERA, PANAMA, S.A."], country=["pa"]),
            _entity(
                "mod-ru",
                "LegalEntity",
                name=["Ministry of Defence of the Russian Federation, including the Armed Forces"],
                country=["ru"],
            ),
            _entity("mod-sy", "Organization", name=["MINISTRY OF DEFENCE"], country=["sy"]),
            _entity("mss", "Organization", name=["MINISTRY OF STATE SECURITY"], country=["kp"]),
            _entity("mps", "Organization", name=["MINISTRY OF PEOPLE'S SECURITY"], country=["kp"]),
            _entity("dzmitry", "Person", name=["LUKASHENKA, Dzmitry Aliaksandravich"]),
            _entity("viktar", "Person", name=["LUKASHENKA, Viktar Aliaksandravich"]),
            _entity(
                "bashar",
                "Person",
                name=["AL-ASSAD, Bashar"],
                position=["President of the Syrian Arab Republic"],
            ),
            _entity(
                "asma",
                "Person",
                name=["AL-ASSAD, Asma"],
                position=["Wife of President Bashar Al Asad"],
            ),
            _entity(
                "isil",
                "Organization",
                name=["ISLAMIC STATE OF IRAQ AND THE LEVANT"],
                alias=["ISIS"],
            ),
            _entity("vtb", "Company", name=["VTB BANK"], country=["ru"]),
            _entity(
                "vtb-ua",
                "Company",
                name=["PJSC VTB BANK (KIEV)"],
                alias=["VTB BANK"],
                country=["ua"],
            ),
            _entity("sorokin", "Person", name=["SOROKIN, Pavel Yurevich"], nationality=["ru"]),
            _entity(
                "nasrallah",
                "Person",
                name=["NASRALLAH, Hasan"],
                position=["Secretary General of Hizballah"],
            ),
            _entity("asiatc", "Company", name=["ASIA TRADING & CONSTRUCTION PTE LTD"]),
            _entity("syrian-army", "LegalEntity", name=["Syrian Army"]),
            _entity("zakharova", "Person", name=["ZAKHAROVA, Maria Vladimirovna"]),
            _entity("ilyu-fin", "Company", name=["ILYUSHIN FINANCE COMPANY"], country=["ru"]),
            _entity("ilyu-avi", "Company", name=["ILYUSHIN AVIATION COMPLEX"], country=["ru"]),
        ]
    )


def _alerts(screener: Screener, text: str) -> list[tuple[str, str]]:
    result = screen_text(screener, text)
    return [(m.entity_id, m.text) for m in result.mentions if m.match and m.region == "body"]


def test_head_of_a_state_organ_name_in_its_country_context(screener: Screener) -> None:
    assert _alerts(screener, "Members of the Russian Grand Council voted.") == [
        ("k-council", "Grand Council")
    ]
    assert _alerts(screener, "In Moscow, the Grand Council voted.") == [
        ("k-council", "Grand Council")
    ]
    # Without the country in the sentence the head words say too little.
    assert _alerts(screener, "The Grand Council of the club met in Geneva.") == []


def test_frequent_acronym_before_a_trailing_country_needs_that_country(
    screener: Screener,
) -> None:
    # "VEB" is frequent in general text (wordfreq): alone it says too little.
    assert _alerts(screener, "The Russian state bank VEB lent money.") == [("k-veb", "VEB")]
    assert _alerts(screener, "VEB is a band from Ohio.") == []


def test_company_head_words_in_country_context(screener: Screener) -> None:
    assert _alerts(screener, "Iran's sanctioned company, Zelvar Energy, shipped oil.") == [
        ("k-zelvar", "Zelvar Energy")
    ]
    assert _alerts(screener, "Zelvar Energy drinks are sold in Ohio.") == []


def test_short_form_the_list_gives_in_parentheses(screener: Screener) -> None:
    text = "Firms may sell to Zorvex, the embattled Chinese tech company."
    assert _alerts(screener, text) == [("k-zorvex", "Zorvex")]


def test_place_in_parentheses_is_not_a_short_form(screener: Screener) -> None:
    # "KESTOBANK (SWITZERLAND) AG" is a subsidiary: "Kestobank" is the Russian parent.
    assert _alerts(screener, "Russia's Kestobank was sanctioned.") == [("k-kesto-ru", "Kestobank")]


def test_stem_of_a_glued_bank_name(screener: Screener) -> None:
    text = "Sanctions hit three Russian lenders: Otkrytka, Novik, and Sovcom."
    assert _alerts(screener, text) == [("k-sovcom", "Sovcom")]
    assert _alerts(screener, "Sovcom is a trade fair in Lyon.") == []


def test_arabic_names_compared_glued(screener: Screener) -> None:
    text = "Militants including Abd ar-Rahman al-Qaduli were killed."
    assert _alerts(screener, text) == [("k-qaduli", "Abd ar-Rahman al-Qaduli")]


def test_leading_arabic_article_and_trailing_place_dropped(screener: Screener) -> None:
    assert _alerts(screener, "The Nusrah Front attacked.") == [("k-nusrah", "Nusrah Front")]
    assert _alerts(screener, "They own the La Riviera chain of stores.") == [
        ("k-riviera", "La Riviera")
    ]


def test_ministry_written_either_way_with_its_country(screener: Screener) -> None:
    assert _alerts(screener, "It built drones for Russia's Ministry of Defense.") == [
        ("k-mod-ru", "Russia's Ministry of Defense")
    ]
    assert _alerts(screener, "The Syrian Defence Ministry denied it.") == [
        ("k-mod-sy", "Defence Ministry")
    ]


def test_coordinated_phrases_name_each_party(screener: Screener) -> None:
    alerts = _alerts(screener, "The Russian and Syrian defense ministries accused them.")
    assert sorted(alerts) == [
        ("k-mod-ru", "Russian and Syrian defense ministries"),
        ("k-mod-sy", "Syrian defense ministries"),
    ]
    alerts = _alerts(
        screener, "Others include the ministries of State Security and of People’s Security."
    )
    assert sorted(a[0] for a in alerts) == ["k-mps", "k-mss"]
    alerts = _alerts(screener, "His sons Dzmitry and Viktar Lukashenka were sanctioned.")
    assert sorted(a[0] for a in alerts) == ["k-dzmitry", "k-viktar"]


def test_regime_of_a_ruler_but_not_of_his_relatives(screener: Screener) -> None:
    # Asma's listed position names the president, but it is a relation, not her office.
    assert _alerts(screener, "Rukban shows the Assad regime's practice.") == [("k-bashar", "Assad")]


def test_frequent_acronym_in_sanctions_reporting(screener: Screener) -> None:
    text = "Thousands of ISIS fighters are held; sanctions target terrorist financiers."
    assert _alerts(screener, text) == [("k-isil", "ISIS")]
    assert _alerts(screener, "The museum shows a statue of ISIS and Osiris.") == []


def test_namesake_of_another_country_loses_to_the_sentence_country(screener: Screener) -> None:
    text = "VTB Bank, the second largest lender in Russia, was sanctioned."
    assert _alerts(screener, text) == [("k-vtb", "VTB Bank")]


def test_country_before_a_comma_does_not_qualify_the_name(screener: Screener) -> None:
    text = "Exports to India will go on, Pavel Sorokin, a deputy minister, said."
    assert _alerts(screener, text) == [("k-sorokin", "Pavel Sorokin")]


def test_common_given_name_misspelt_beside_a_rare_surname(screener: Screener) -> None:
    assert _alerts(screener, "Hassan Nasrallah spoke on television.") == [
        ("k-nasrallah", "Hassan Nasrallah")
    ]


def test_ampersand_inside_a_name(screener: Screener) -> None:
    assert _alerts(screener, "Asia Trading & Construction PTE Limited sold parts.") == [
        ("k-asiatc", "Asia Trading & Construction")
    ]


def test_state_organ_after_its_demonym_in_lower_case(screener: Screener) -> None:
    assert _alerts(screener, "Later the Syrian army advanced.") == [
        ("k-syrian-army", "Syrian army")
    ]
    assert _alerts(screener, "Later the Free Syrian Army advanced.") == []


def test_headline_surname_refers_to_the_story_s_full_mention(screener: Screener) -> None:
    text = "Sanctions Hit Zakharova Allies Across Europe\n\nMaria Zakharova said no."
    assert _alerts(screener, text) == [
        ("k-zakharova", "Zakharova"),
        ("k-zakharova", "Maria Zakharova"),
    ]


def test_head_word_of_two_companies_is_ambiguous(screener: Screener) -> None:
    assert _alerts(screener, "Russia flies four Ilyushin aircraft.") == []
