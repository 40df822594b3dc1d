"""Name comparison: one test per kind of fault the comparison must handle."""

from __future__ import annotations

import random

import pytest

from screenwise.matching.names import compare_names_prepared, compare_parts
from screenwise.names.parts import make_part, prepare_name
from screenwise.screening import compare_names


def score(a: str, b: str, schema: str = "Person") -> float:
    return compare_names(a, b, schema=schema)[0]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Kim Jong-un", "KIM, Jong Un"),
        ("Jong Un Kim", "KIM, Jong Un"),
        ("KIM JONG UN", "KIM, Jong Un"),
        ("Wladimir Putin", "PUTIN, Vladimir Vladimirovich"),
        ("Владимир Путин", "PUTIN, Vladimir Vladimirovich"),
        ("Dmitriy Peskov", "PESKOV, Dmitry Sergeyevich"),
        ("Mohamad Ali", "ALI, Muhammad"),
        ("김정은", "KIM, Jong Un"),
        ("Kim Jung-eun", "KIM, Jong Un"),
    ],
)
def test_order_script_and_romanisation_variants_match(query: str, listed: str) -> None:
    assert score(query, listed) >= 0.7


def test_glued_and_split_words_match() -> None:
    assert score("ALQAEDA", "AL QAEDA", "Organization") >= 0.9
    assert score("Gazprom Bank", "GAZPROMBANK", "Company") >= 0.9
    assert score("JSCARGUMENT", "JSC ARGUMENT", "Company") >= 0.7


def test_short_parts_count() -> None:
    # "UN" is part of the name: Kim Jong Il is another person.
    assert score("Kim Jong Il", "KIM, Jong Un") < 0.5
    assert score("Kim Jong Un", "KIM, Jong Un") > score("Kim Jong", "KIM, Jong Un")


def test_digits_are_name_content() -> None:
    assert score("BELLETECH CORP", "11420 CORP.", "Organization") < 0.2
    assert score("Snow Storm 1", "Snow Storm 2", "Vessel") < 0.7


def test_legal_forms_are_neither_ignored_nor_decisive() -> None:
    assert score("Siemens Aktiengesellschaft", "Siemens AG", "Company") >= 0.9
    assert score("EMMA", "EMMA LLC", "Company") < score("EMMA LLC", "EMMA LLC", "Company")
    assert score("Gazprom Neft JSC", "PJSC Gazprom Neft", "Company") >= 0.9


def test_schema_mismatch_is_no_hit() -> None:
    from screenwise.entities import make_entity
    from screenwise.results import Query
    from screenwise.screening import Screener

    org = make_entity("us_ofac_sdn", "1", "Organization")
    org.add("name", "EMMA LLC")
    screener = Screener([org])
    hit = screener.score_entity(Query(schema="Person", properties={"name": ["emma daniels"]}), org)
    assert hit.score < 0.2
    assert any(f.name == "schema_mismatch" for f in hit.explanation.features)


def test_contradicting_given_name_vs_omitted_patronymic() -> None:
    omitted = score("Vladimir Putin", "PUTIN, Vladimir Vladimirovich")
    contradicting = score("Vladimir Putin", "PUTIN, Igor Vladimirovich")
    assert omitted >= 0.8
    assert contradicting < 0.5


def test_relatives_are_not_matched() -> None:
    assert score("MADURO GUERRA, Nicolas Ernesto", "MADURO MOROS, Nicolas") < 0.7


def test_initials() -> None:
    _, explanation = compare_names("L Ron Hubbard", "Ron L Hubbard", schema="Person")
    assert [p.how for p in explanation.parts].count("exact") == 3
    assert score("J Smith", "John Smith") > score("Jack Smith", "John Smith")


def test_cross_script_arabic_matches_latin_spelling() -> None:
    assert score("رجا سلامة", "SALAMEH, Raja") >= 0.7
    assert score("جعفری محمدعلی", "JAFARI, Mohammad Ali") >= 0.7
    assert score("رمزي محمد عبد الله بن الشيبة", "BINALSHIBH, Ramzi Mohammed Abdullah") >= 0.7


def test_explanation_names_every_part() -> None:
    _, explanation = compare_names(
        "Wladimir Putin", "PUTIN, Vladimir Vladimirovich", schema="Person"
    )
    hows = {(p.query_part, p.candidate_part): p.how for p in explanation.parts}
    assert hows[("putin", "putin")] == "exact"
    assert hows[("wladimir", "vladimir")] == "transliterated"
    assert hows[(None, "vladimirovich")] == "missing"


def test_scores_do_not_saturate() -> None:
    exact = score("Kim Jong Un", "KIM, Jong Un")
    fuzzy = score("Kim Jong Unn", "KIM, Jong Un")
    assert 0.0 < fuzzy < exact < 1.0


def _slow_reference(a: str, b: str) -> float:
    """Brute force: best total over every one-to-one assignment (permutations)."""
    import itertools

    qa = prepare_name(a, "person").parts
    ca = prepare_name(b, "person").parts
    best = 0.0
    small, large = (qa, ca) if len(qa) <= len(ca) else (ca, qa)
    for perm in itertools.permutations(range(len(large)), len(small)):
        total = 0.0
        for i, j in enumerate(perm):
            s, how = (
                compare_parts(small[i], large[j])
                if small is qa
                else compare_parts(large[j], small[i])
            )
            total += s if how else 0.0
        best = max(best, total)
    return best


def test_greedy_alignment_matches_exhaustive_assignment_on_random_names() -> None:
    # The greedy alignment must find the best total part similarity whenever the parts
    # match exactly or not at all; checked against brute force over all assignments.
    rng = random.Random(7)
    vocabulary = ["kim", "jong", "un", "ali", "hassan", "putin", "vladimir", "ivan", "al", "bin"]
    for _ in range(200):
        a = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 4)))
        b = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 4)))
        comparison = compare_names_prepared(prepare_name(a, "person"), prepare_name(b, "person"))
        if comparison.matched == 0:
            continue  # only particles in common: no match by design
        greedy_total = sum(
            score for q, c, how, score in comparison.alignment if q and c and how != "contradicting"
        )
        assert greedy_total == pytest.approx(_slow_reference(a, b), abs=1e-6), (a, b)


def test_compare_parts_examples() -> None:
    assert compare_parts(make_part("putin"), make_part("putin")) == (1.0, "exact")
    assert compare_parts(make_part("mohammed"), make_part("muhammad"))[1] == "transliterated"
    assert compare_parts(make_part("peskov"), make_part("peskoff"))[1] in ("phonetic", "fuzzy")
    assert compare_parts(make_part("j", "initial"), make_part("john"))[1] == "initial"
    assert compare_parts(make_part("2", "numeric"), make_part("3", "numeric")) == (0.0, None)
