"""Seed article acceptance: the listed people in its body, by offset, and nothing else.

Reads ``data/news/seed-article.txt`` from the shared folder and screens it against the
evaluation configuration (session-scoped ``eval_screener``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenwise.screening import Screener
from screenwise.text import result_to_json, screen_text

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="session")
def seed(shared_dir: Path) -> str:
    return (shared_dir / "data" / "news" / "seed-article.txt").read_text(encoding="utf-8")


def test_seed_alerts_are_exactly_the_listed_people_in_the_body(
    eval_screener: Screener, seed: str
) -> None:
    result = screen_text(eval_screener, seed, source="seed-article.txt")
    alerts = {m.entity_id for m in result.mentions if m.match and m.region == "body"}
    wanted = {
        "us_ofac_sdn-20157",
        "us_ofac_sdn-35096",
        "gb_hmt_sanctions-14196",
        "us_ofac_sdn-35320",
        "gb_hmt_sanctions-14704",
    }
    assert wanted <= alerts
    # Everything else that alerts is the same person on the trade.gov CSL.
    assert alerts - wanted <= {"us_trade_csl-20157", "us_trade_csl-35096", "us_trade_csl-35320"}
    assert "gb_hmt_sanctions-15805" not in alerts


def test_seed_offsets_point_at_every_body_occurrence(eval_screener: Screener, seed: str) -> None:
    result = screen_text(eval_screener, seed)
    spans: dict[str, list[tuple[int, int]]] = {}
    for mention in result.mentions:
        if mention.match and mention.region == "body":
            assert seed[mention.start : mention.end] == mention.text
            spans.setdefault(mention.entity_id, [])
            if (mention.start, mention.end) not in spans[mention.entity_id]:
                spans[mention.entity_id].append((mention.start, mention.end))
    kim = [seed[s:e] for s, e in spans["us_ofac_sdn-20157"]]
    putin = [seed[s:e] for s, e in spans["us_ofac_sdn-35096"]]
    peskov = [seed[s:e] for s, e in spans["us_ofac_sdn-35320"]]
    assert kim == ["Kim Jong Un", "Kim Jong un", "Kim Jong Un", "Kim Jong Un", "Kim Jong-un"]
    assert putin == ["Vladimir Putin", "Vladimir Putin", "Vladimir Putin", "Putin", "Putin"]
    assert peskov == ["Dmitry Peskov"]
    assert spans["us_ofac_sdn-20157"][0][0] == seed.index("Kim Jong Un\nTrain")
    assert spans["us_ofac_sdn-20157"][-1][0] == seed.index("Kim Jong-un")
    counts = {tuple(p.entity_ids): p.count for p in result.parties}
    assert counts[("us_ofac_sdn-20157", "us_trade_csl-20157")] == 5
    assert counts[("gb_hmt_sanctions-14196", "us_ofac_sdn-35096", "us_trade_csl-35096")] == 5


def test_seed_namesake_is_reported_below_the_threshold(eval_screener: Screener, seed: str) -> None:
    result = screen_text(eval_screener, seed)
    namesake = [m for m in result.mentions if m.entity_id == "gb_hmt_sanctions-15805"]
    assert namesake, "the Aeroflot board member should be reported as a lower-scored namesake"
    assert all(not m.match and m.score < result.threshold for m in namesake)
    assert "Aeroflot" in namesake[0].explanation


def test_seed_furniture_raises_no_alert(eval_screener: Screener, seed: str) -> None:
    result = screen_text(eval_screener, seed)
    body_start = seed.index("Kim Jong Un\nTrain")
    appeal = seed.index("Support Our Journalism")
    for mention in result.mentions:
        if mention.match and mention.region == "body":
            assert body_start <= mention.start < appeal
        if mention.start < body_start or mention.start >= appeal:
            assert mention.region == "boilerplate"
    texts = {m.text for m in result.mentions if m.region == "body"}
    assert not texts & {"Justice", "ECI", "Tass", "Miller", "State Department"}
    assert result.countries[:2] == ["ru", "kp"] or set(result.countries) >= {"ru", "kp"}


def test_seed_json_shape(eval_screener: Screener, seed: str) -> None:
    data = result_to_json(screen_text(eval_screener, seed))
    keys = {
        "entity_id",
        "list",
        "schema",
        "text",
        "start",
        "end",
        "sentence",
        "score",
        "match",
        "region",
    }
    assert data["mentions"] and all(keys <= set(m) for m in data["mentions"])
    first = data["mentions"][0]
    assert first["list"] in {"us_ofac_sdn", "us_trade_csl", "gb_hmt_sanctions", "us_ofac_cons"}


_RUSSIAN = (
    "Президент России Владимир Путин провёл переговоры с лидером КНДР Ким Чен Ыном.\n"
    "Пресс-секретарь президента Дмитрий Песков сообщил, что встреча Путина и Ким Чен Ына "
    "прошла успешно. Песков добавил, что Путину передали приглашение. По словам Пескова, "
    "визит продлится несколько дней.\n"
)
_RUSSIAN_ORDINARY = (
    "Погода в Москве остаётся тёплой. Сборная России по футболу проведёт матч в "
    "Санкт-Петербурге. Министерство культуры открыло выставку в Большом театре. "
    "Мира и согласия пожелал жителям мэр города. Новости Казани и Новосибирска.\n"
)


def test_russian_declined_names_on_the_real_lists(eval_screener: Screener) -> None:
    result = screen_text(eval_screener, _RUSSIAN)
    found: dict[str, list[str]] = {}
    for mention in result.mentions:
        if mention.match:
            found.setdefault(mention.entity_id, []).append(mention.text)
    assert found["us_ofac_sdn-20157"] == ["Ким Чен Ыном", "Ким Чен Ына"]
    assert found["us_ofac_sdn-35096"] == ["Владимир Путин", "Путина", "Путину"]
    assert found["us_ofac_sdn-35320"] == ["Дмитрий Песков", "Песков", "Пескова"]
    listed = {"us_ofac_sdn-20157", "us_ofac_sdn-35096", "us_ofac_sdn-35320"}
    others = {eid for eid in found if eid not in listed}
    assert others <= {
        "us_trade_csl-20157",
        "us_trade_csl-35096",
        "us_trade_csl-35320",
        "gb_hmt_sanctions-14196",
        "gb_hmt_sanctions-14704",
    }


def test_ordinary_russian_text_raises_no_alert(eval_screener: Screener) -> None:
    result = screen_text(eval_screener, _RUSSIAN_ORDINARY)
    assert [m.text for m in result.mentions if m.match] == []
