"""Grouping list files into version sets: same date or same undated directory, never mixed.

Uses two hand-made Sources that recognise files by name, so the grouping rules are tested
on their own; the real OFAC source is exercised in tests/interfaces/test_cli_lists.py.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from screenwise.sources.base import ParsedList
from screenwise.sources.discover import date_tag, discover


class FakeOfac:
    """A source with a primary file and three companions (like the OFAC legacy CSV set)."""

    list_id = "fake_sdn"
    title = publisher = spec_url = "fake"

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.companions = {"primary": ("alt", "add", "comments")}
        self.date_window_days = {"comments": 7}
        self._stems = {"sdn": "primary", "alt": "alt", "add": "add", "sdn_comments": "comments"}

    def identify(self, name: str, head: bytes) -> str | None:
        stem = re.sub(r"[-_]?\d{4}-\d{2}-\d{2}", "", name.split(".")[0].lower())
        return self._stems.get(stem)

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        raise NotImplementedError


class FakeSingle:
    """A source whose versions are one file each."""

    list_id = "fake_un"
    title = publisher = spec_url = "fake"

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}

    def identify(self, name: str, head: bytes) -> str | None:
        return "xml" if head.startswith(b"<UNLIST") else None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        raise NotImplementedError


class Greedy(FakeSingle):
    """Claims the same files as FakeSingle (an ambiguous registry)."""

    list_id = "fake_greedy"


SOURCES = {"fake_sdn": FakeOfac(), "fake_un": FakeSingle()}


def touch(path: Path, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_date_tag() -> None:
    assert date_tag("sdn-2023-12-28.csv.gz") == date(2023, 12, 28)
    assert date_tag("20250801-FULL-1_0.xml") == date(2025, 8, 1)
    assert date_tag("sdn.csv") is None
    assert date_tag("list-2023-13-45.csv") is None  # not a calendar date
    assert date_tag("id123456789.csv") is None  # digits inside a longer number


def test_companions_join_the_primary_file_of_the_same_date(tmp_path: Path) -> None:
    history = tmp_path / "ofac" / "history"
    for name in (
        "sdn-2023-12-28.csv.gz",
        "alt-2023-12-28.csv.gz",
        "add-2023-12-28.csv.gz",
        "sdn-2023-11-03.csv.gz",
        "sdn-2024-04-02.csv.gz",
    ):
        touch(history / name)
    found = discover([tmp_path], SOURCES)
    assert [(s.date, sorted(s.files)) for s in found.sets] == [
        (date(2023, 11, 3), ["primary"]),
        (date(2023, 12, 28), ["add", "alt", "primary"]),
        (date(2024, 4, 2), ["primary"]),
    ]
    complete = found.sets[1]
    assert complete.files["alt"].name == "alt-2023-12-28.csv.gz"
    assert found.skipped == []


def test_overflow_comments_file_may_be_a_few_days_older_and_is_noted(tmp_path: Path) -> None:
    touch(tmp_path / "sdn-2023-12-28.csv")
    touch(tmp_path / "sdn_comments-2023-12-22.csv")
    found = discover([tmp_path], SOURCES)
    assert len(found.sets) == 1
    assert found.sets[0].files["comments"].name == "sdn_comments-2023-12-22.csv"
    assert "6 days earlier" in found.sets[0].notes[0]


def test_files_of_different_dates_are_never_combined(tmp_path: Path) -> None:
    touch(tmp_path / "sdn-2024-05-03.csv")
    touch(tmp_path / "alt-2023-12-28.csv")  # aliases of another date
    touch(tmp_path / "sdn_comments-2024-01-01.csv")  # beyond the comments window
    touch(tmp_path / "add.csv")  # undated next to a dated primary file
    found = discover([tmp_path], SOURCES)
    assert [sorted(s.files) for s in found.sets] == [["primary"]]
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert set(reasons) == {"alt-2023-12-28.csv", "sdn_comments-2024-01-01.csv", "add.csv"}
    assert "never combined" in reasons["alt-2023-12-28.csv"]


def test_undated_files_group_by_directory(tmp_path: Path) -> None:
    touch(tmp_path / "current" / "sdn.csv")
    touch(tmp_path / "current" / "alt.csv")
    touch(tmp_path / "current" / "add.csv")
    touch(tmp_path / "other" / "sdn.csv")
    touch(tmp_path / "lonely" / "alt.csv")
    found = discover([tmp_path], SOURCES)
    sets = {s.files["primary"].parent.name: sorted(s.files) for s in found.sets}
    assert sets == {"current": ["add", "alt", "primary"], "other": ["primary"]}
    assert [s.path.parent.name for s in found.skipped] == ["lonely"]


def test_order_is_oldest_first_with_undated_last(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "sdn.csv")
    touch(tmp_path / "b" / "sdn-2024-01-01.csv")
    touch(tmp_path / "c" / "un-2023-06-01.xml", b"<UNLIST/>")
    touch(tmp_path / "d" / "un.xml", b"<UNLIST/>")
    found = discover([tmp_path], SOURCES)
    assert [(s.list_id, s.date) for s in found.sets] == [
        ("fake_un", date(2023, 6, 1)),
        ("fake_sdn", date(2024, 1, 1)),
        ("fake_sdn", None),
        ("fake_un", None),
    ]
    assert found.pairs()[0][0].list_id == "fake_un"


def test_unknown_ambiguous_and_missing_files_are_reported(tmp_path: Path) -> None:
    touch(tmp_path / "README.md", b"# notes")
    touch(tmp_path / "un.xml", b"<UNLIST/>")
    found = discover(
        [tmp_path, tmp_path / "missing.csv"],
        {"fake_un": FakeSingle(), "fake_greedy": Greedy()},
    )
    assert found.sets == []
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert reasons["README.md"].startswith(
        "not a file of any known list format (first line: '# notes')"
    )
    assert "claimed by several lists" in reasons["un.xml"]
    assert reasons["missing.csv"] == "no such file or directory"

    only = discover(
        [tmp_path], {"fake_un": FakeSingle(), "fake_greedy": Greedy()}, list_id="fake_un"
    )
    assert [s.list_id for s in only.sets] == ["fake_un"]


def test_hidden_files_are_ignored_and_unknown_list_id_raises(tmp_path: Path) -> None:
    touch(tmp_path / ".cache" / "sdn.csv")
    touch(tmp_path / ".sdn.csv")
    assert discover([tmp_path], SOURCES).sets == []
    with pytest.raises(KeyError, match="nope"):
        discover([tmp_path], SOURCES, list_id="nope")


class NamedUn:
    """Recognises ``<UNLIST`` content anywhere, and a file named ``unlist.xml`` by name
    alone when asked without content (as the real sources do for the publisher's names)."""

    list_id = "named_un"
    title = publisher = spec_url = "fake"

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}

    def identify(self, name: str, head: bytes) -> str | None:
        if head.startswith(b"<UNLIST"):
            return "xml"
        return "xml" if name == "unlist.xml" and not head else None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        raise NotImplementedError


def test_a_file_named_like_a_format_goes_to_its_parser_whatever_its_content(
    tmp_path: Path,
) -> None:
    touch(tmp_path / "unlist.xml", b"<SOMETHING-ELSE/>")
    touch(tmp_path / "other.xml", b"<SOMETHING-ELSE/>")
    found = discover([tmp_path], {"named_un": NamedUn()})
    assert [(s.list_id, sorted(s.files)) for s in found.sets] == [("named_un", ["xml"])]
    assert found.sets[0].files["xml"].name == "unlist.xml"
    assert found.sets[0].notes == [
        "unlist.xml: content not recognised as named_un (xml); read as that format "
        "because of its file name"
    ]
    assert [s.path.name for s in found.skipped] == ["other.xml"]


def test_skip_reasons_name_the_list_filtered_out_and_empty_files(tmp_path: Path) -> None:
    touch(tmp_path / "un.xml", b"<UNLIST/>")
    touch(tmp_path / "unlist.xml", b"garbage")
    touch(tmp_path / "empty.csv", b"")
    found = discover(
        [tmp_path],
        {"fake_un": FakeSingle(), "named_un": NamedUn(), **SOURCES},
        list_id="fake_sdn",
        asked="fake_sdn",
    )
    assert found.sets == []
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert reasons["un.xml"] == (
        "a file of fake_un (xml), named_un (xml): not loaded because of --list-id fake_sdn"
    )
    assert reasons["unlist.xml"] == (
        "named like a file of named_un (xml): not loaded because of --list-id fake_sdn"
    )
    assert reasons["empty.csv"] == "empty file (0 bytes): not a list file"
