"""The cheap pre-checks of line classification never turn away a line the rules would take.

Line classification tests a line against its phrase expressions only when the folded line
holds a first word of a phrase, and runs the date-stamp rule only when few words could
survive it; these properties pin that the shortcuts are exact (never a false no).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screenwise.text.boilerplate import (
    _DATE_TOKENS,
    _WORD,
    _fold,
    _may_be_stamp,
    _may_contain,
    _phrase_pattern,
    classify_lines,
)

_PIECES = [
    "Photo", "İmage", "ımage", "ſupport", "SUPPORT", "our", "journalism", "courtesy", "by",
    "credit", "Jan", "ſept", "12:30", "3pm", "@agency", "x_jan", "Donate", "now", "share",
    "this", "—", "|", " ", "  ", "-", ",", "Reuters", "Kim", "2024", "am", "Updated",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_phrase_precheck_never_misses(pieces: list[str]) -> None:
    line = " ".join(pieces)
    folded = _fold(line)
    for key in ("LINE_PHRASES", "APPEAL_HEADINGS", "CREDIT_PREFIXES"):
        if _phrase_pattern(key).search(line):
            assert _may_contain(folded, key), (key, line)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
def test_stamp_precheck_never_misses(pieces: list[str]) -> None:
    line = " ".join(pieces).strip()
    words = _WORD.findall(line)
    leftover = _WORD.findall(_DATE_TOKENS.sub(" ", line))
    if len(words) >= 2 and len(leftover) <= 1 and len(leftover) < len(words) / 2:
        assert _may_be_stamp(line, words), line


def test_case_variants_that_regex_folds_are_found() -> None:
    # re.IGNORECASE matches dotted/dotless i and long s to ASCII i and s: so does the fold.
    text = "Body of the article goes on here.\nİmage courtesy of the agency\n"
    lines, _meta = classify_lines(text)
    assert [(line.region, line.reason) for line in lines] == [
        ("body", ""),
        ("boilerplate", "credit"),
    ]
    assert _may_contain(_fold("ſupport our journalism"), "APPEAL_HEADINGS")
