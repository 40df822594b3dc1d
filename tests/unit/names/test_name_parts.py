"""Name parts: legal forms, titles, particles, variants, embedded former names."""

from __future__ import annotations

from screenwise.names.parts import prepare_name, prepare_names, split_name_variants
from screenwise.names.phonetics import consonant_skeleton, phonetic_key


def test_legal_forms_are_kept_apart_as_classes() -> None:
    gazprom = prepare_name("OOO Gazprom Neft", "org")
    assert gazprom.normalized == "gazprom neft"
    assert gazprom.legal_forms == {"llc"}
    assert prepare_name("Gazprom Neft LLC", "org").legal_forms == {"llc"}
    assert prepare_name("11420 CORP.", "org").normalized == "11420"
    assert prepare_name("11420 CORP.", "org").legal_forms == {"corp"}


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert prepare_name("LLC", "org").normalized == "llc"


def test_person_titles_are_dropped_but_not_the_whole_name() -> None:
    assert prepare_name("Dr. Ayman al-Zawahiri", "person").normalized == "ayman al zawahiri"
    assert prepare_name("Sheikh Amir Khan", "person").normalized == "amir khan"
    assert prepare_name("Amir", "person").normalized == "amir"


def test_part_tags() -> None:
    parts = {p.form: p.kind for p in prepare_name("Osama bin Laden J", "person").parts}
    assert parts == {"osama": "name", "bin": "particle", "laden": "name", "j": "initial"}
    assert prepare_name("Bank Melli Iran", "org").parts[0].kind == "common"


def test_arabic_article_is_split_from_abjad_words() -> None:
    assert prepare_name("الخيري", "person").normalized == "al khyry"


def test_roman_numerals_and_numbers_in_object_names() -> None:
    assert prepare_name("Sino Iron II", "org").normalized == "sino iron 2"
    assert prepare_name("CHAO LE NO. 8", "object").normalized == "chao le 8"
    assert prepare_name("M/V MZIURI", "object").normalized == "mziuri"


def test_embedded_former_names_are_split() -> None:
    variants = [
        p.normalized
        for p in prepare_names("MV Stamatia Horizon (ex-Elenitsa Z, ex-Aegean Lynx)", "object")
    ]
    assert "stamatia horizon" in variants
    assert "aegean lynx" in variants
    assert "elenitsa z" in variants
    assert split_name_variants("KIM, Jong Un", "person") == ("KIM, Jong Un",)


def test_phonetic_key_folds_romanisation_variants() -> None:
    assert phonetic_key("mohammed") == phonetic_key("muhammad") == phonetic_key("mohamad")
    assert phonetic_key("dmitry") == phonetic_key("dmitriy") == phonetic_key("dmitrii")
    assert phonetic_key("peskov") == phonetic_key("peskoff")
    assert phonetic_key("putin") != phonetic_key("peskov")
    assert phonetic_key("") == ""


def test_consonant_skeleton_matches_abjad_transliteration() -> None:
    assert consonant_skeleton("muhammad") == consonant_skeleton("mhmd")
    assert consonant_skeleton("salameh") == consonant_skeleton("slamh")
    assert consonant_skeleton("qizani") == consonant_skeleton("gizani")
    assert consonant_skeleton("2024") == "2024"
