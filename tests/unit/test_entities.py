"""List entity construction: stable ids, provenance and property cleaning."""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity


def test_make_entity_sets_id_dataset_and_cleaned_properties() -> None:
    entity = make_entity(
        "us_ofac_sdn",
        " 20157 ",
        "Person",
        {"name": ["KIM, Jong Un"], "nationality": ["North Korea"]},
    )
    assert entity.id == "us_ofac_sdn-20157"
    assert entity.datasets == {"us_ofac_sdn"}
    assert entity.get("name") == ["KIM, Jong Un"]
    assert entity.get("nationality") == ["kp"]


@pytest.mark.parametrize(("native", "schema"), [("", "Person"), ("1", "Sanction")])
def test_make_entity_refuses_empty_ids_and_non_list_schemata(native: str, schema: str) -> None:
    with pytest.raises(ValueError):
        make_entity("us_ofac_sdn", native, schema)


def test_names_with_lost_letters_are_not_compared() -> None:
    from screenwise.entities import iter_names

    entity = make_entity("un_sc_sanctions", "TAi.068", "Person")
    entity.add("name", "MOHAMMADULLAH MATI")
    entity.add("alias", "محمد الل\ufffd\ufffd مطيع")
    entity.add("alias", "Mohammad Ullah Mati")
    assert [name for _, name in iter_names(entity)] == [
        "MOHAMMADULLAH MATI",
        "Mohammad Ullah Mati",
    ]
