"""The shared single-file reading path of sources/base.py (UN, EU, UK and US CSL use it)."""

from __future__ import annotations

import gc
import gzip
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import gc_paused, hash_contents, parse_single_file


def _two_entities(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
    stated = date(2025, 1, 2) if data.startswith(b"dated") else None
    return stated, [make_entity("test_list", n, "Person") for n in ("1", "2")]


def test_version_from_one_compressed_file(tmp_path: Path) -> None:
    path = tmp_path / "list.xml.gz"
    path.write_bytes(gzip.compress(b"plain content"))
    parsed = parse_single_file(
        "test_list",
        {"xml": path},
        "xml",
        format_name="test-xml",
        parse=_two_entities,
        published=date(2024, 5, 6),
    )
    assert [e.id for e in parsed.entities] == ["test_list-1", "test_list-2"]
    assert parsed.content_hash == hash_contents([b"plain content"])  # decompressed content
    assert parsed.published == date(2024, 5, 6)  # the file states none
    assert (parsed.source, parsed.format, parsed.files) == (
        str(path),
        "test-xml",
        {"xml": str(path)},
    )
    assert (parsed.warnings, parsed.complete) == ([], True)


def test_file_date_wins_and_parse_gets_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"dated content")
    names: list[str] = []
    warnings: list[str] = []

    def parse(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
        names.append(name)
        warnings.append(f"{name}: a warning")
        return _two_entities(data, name)

    parsed = parse_single_file(
        "test_list",
        {"csv": path},
        "csv",
        format_name="test-csv",
        parse=parse,
        published=date(2024, 5, 6),
        read=Path.read_bytes,
        warnings=warnings,
    )
    assert names == [str(path)]
    assert parsed.published == date(2025, 1, 2)
    assert parsed.warnings == [f"{path}: a warning"]


def test_missing_role_names_list_and_role() -> None:
    with pytest.raises(ListParseError) as info:
        parse_single_file(
            "test_list", {"csv": Path("x.csv")}, "xml", format_name="x", parse=_two_entities
        )
    assert str(info.value) == "test_list: no XML file given (role 'xml')"


def test_unreadable_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes(b"<!DOCTYPE html><html>Bad gateway</html>")
    with pytest.raises(ListParseError, match="HTML page") as info:
        parse_single_file("test_list", {"xml": path}, "xml", format_name="x", parse=_two_entities)
    assert info.value.path == str(path)


@pytest.fixture
def gc_enabled() -> Iterator[None]:
    """Start with the collector enabled and leave it as it was found."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_gc_paused_during_parse_and_restored_after_error(gc_enabled: None, tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes(b"<list/>")
    seen: list[bool] = []

    def parse(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
        seen.append(gc.isenabled())
        raise ListParseError(name, "bad record", line=1)

    with pytest.raises(ListParseError, match="bad record"):
        parse_single_file("test_list", {"xml": path}, "xml", format_name="x", parse=parse)
    assert seen == [False]
    assert gc.isenabled()


def test_gc_paused_keeps_a_callers_disabled_collector(gc_enabled: None) -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()
    with gc_paused(), gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
