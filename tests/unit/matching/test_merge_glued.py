"""The fast glued-part merge gives the same parts as the straightforward reference."""

from __future__ import annotations

import random

from rapidfuzz.distance import OSA

from screenwise.matching.names import _merge_glued, _near_any
from screenwise.names.parts import Part, make_part
from screenwise.names.phonetics import consonant_skeleton, loose_key


def _reference_merge(
    side: tuple[Part, ...],
    other: tuple[Part, ...],
    abjad: bool = False,
    lossy: bool = False,
    org_words: bool = False,
) -> tuple[Part, ...]:
    """Every run of 2-6 parts and every single part checked in full, nothing cached."""
    if len(side) < 2:
        return side
    targets = {p.form for p in other if len(p.form) >= 4}
    if not targets and not org_words:
        return side
    side_forms = {p.form for p in side}
    long_targets = [t for t in targets if len(t) >= 8 and t not in side_forms]
    skeletons = {p.skeleton for p in other if len(p.skeleton) >= 3} if abjad else set()
    looses = [p.loose for p in other if len(p.loose) >= 3] if lossy else []
    groups = frozenset().union(*(p.groups for p in other)) if org_words else frozenset()

    def fits(glued: str, strict: bool = False) -> bool:
        if strict:
            key = loose_key(glued)
            return (
                glued in targets
                or (bool(skeletons) and consonant_skeleton(glued) in skeletons)
                or (len(key) >= 3 and key in looses)
            )
        return (
            glued in targets
            or (bool(groups) and bool(make_part(glued, org_words=True).groups & groups))
            or (bool(skeletons) and consonant_skeleton(glued) in skeletons)
            or (bool(looses) and _near_any(loose_key(glued), looses))
            or (
                bool(long_targets)
                and len(glued) >= 8
                and any(OSA.distance(glued, t, score_cutoff=1) <= 1 for t in long_targets)
            )
        )

    out: list[Part] = []
    i = 0
    while i < len(side):
        alone = bool(skeletons or looses) and fits(side[i].form, strict=True)
        runs: list[tuple[int, str]] = []
        for n in range(min(6, len(side) - i), 1, -1):
            run = side[i : i + n]
            if not alone and not any(p.kind == "numeric" for p in run):
                runs.append((n, "".join(p.form for p in run)))
        found = next((r for r in runs if fits(r[1], strict=True)), None)
        if found is None:
            found = next(
                (
                    r
                    for r in runs
                    if not any(fits(p.form, strict=True) for p in side[i : i + r[0]]) and fits(r[1])
                ),
                None,
            )
        if found is not None:
            out.append(make_part(found[1], "name", org_words=org_words))
            i += found[0]
        else:
            out.append(side[i])
            i += 1
    return tuple(out)


_WORDS = (
    "al", "qaeda", "gazprom", "bank", "mohammad", "ali", "mhmd", "aly", "kim", "jong",
    "un", "yadanar", "mingalar", "fridrich", "buchenberg", "intl", "trading", "co",
    "international", "de", "la", "bin", "abd", "allah", "7", "2", "star", "nor", "th",
)  # fmt: skip


def _random_side(rng: random.Random) -> list[str]:
    return [rng.choice(_WORDS) for _ in range(rng.randint(1, 8))]


def _edit(rng: random.Random, word: str) -> str:
    pos = rng.randrange(len(word))
    letter = rng.choice("aeioukt")
    kind = rng.randrange(3)
    if kind == 0:
        return word[:pos] + letter + word[pos + 1 :]  # substitution
    if kind == 1:
        return word[:pos] + letter + word[pos:]  # insertion
    return word[:pos] + word[pos + 1 :]  # deletion


def test_fast_merge_equals_reference_on_random_names() -> None:
    rng = random.Random(20261129)
    merged = 0
    for _ in range(3000):
        side_forms = _random_side(rng)
        other_forms = _random_side(rng)
        # Glue some runs of the side into the other name, exactly or with one edit.
        if rng.random() < 0.7 and len(side_forms) >= 2:
            start = rng.randrange(len(side_forms) - 1)
            glued = "".join(side_forms[start : start + rng.randint(2, 6)])
            if rng.random() < 0.3:
                glued = _edit(rng, glued)
            other_forms.insert(rng.randrange(len(other_forms) + 1), glued)
        flags = (rng.random() < 0.3, rng.random() < 0.3, rng.random() < 0.5)
        side = tuple(
            make_part(f, "numeric" if f.isdigit() else "name", org_words=flags[2])
            for f in side_forms
        )
        other = tuple(make_part(f, org_words=flags[2]) for f in other_forms)
        fast = _merge_glued(side, other, *flags)
        slow = _reference_merge(side, other, *flags)
        assert [(p.form, p.kind) for p in fast] == [(p.form, p.kind) for p in slow], (
            side_forms,
            other_forms,
            flags,
        )
        merged += len(fast) < len(side)
    assert merged > 300  # the inputs exercise merging, not only the no-merge path


def test_fast_merge_returns_the_same_tuple_when_nothing_merges() -> None:
    side = (make_part("vladimir"), make_part("putin"))
    other = (make_part("dmitry"), make_part("peskov"))
    assert _merge_glued(side, other) is side


def test_glued_org_name_is_merged() -> None:
    side = (make_part("gazprom"), make_part("bank"))
    other = (make_part("gazprombank"),)
    assert [p.form for p in _merge_glued(side, other, False, False, True)] == ["gazprombank"]
