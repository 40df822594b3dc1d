"""Phonetic keys: pinned outputs, and the repeat collapse equal to the regex template form."""

from __future__ import annotations

import re
import string
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screenwise.names import phonetics
from screenwise.names.phonetics import consonant_skeleton, loose_key, phonetic_key

_TEMPLATE_REPEATS = re.compile(r"(.)\1+")


def _template_collapse(text: str) -> str:
    """The substitution the keys used before: ``(.)\\1+`` replaced by the template ``\\1``."""
    return _TEMPLATE_REPEATS.sub(r"\1", text)


# (token, phonetic_key, consonant_skeleton, loose_key), computed with the template form.
PINNED: list[tuple[str, str, str, str]] = [
    ("mohammed", "mhmd", "mhmd", "mmt"),
    ("muhammad", "mhmd", "mhmd", "mmt"),
    ("dmitriy", "dmtr", "dmtr", "tmtr"),
    ("peskoff", "pskf", "bskf", "pskp"),
    ("iurii", "ar", "r", "r"),
    ("zayniyah", "sn", "dn", "sn"),
    ("fatimah", "ftm", "ftm", "ptm"),
    ("hassan", "hsn", "hsn", "sn"),
    ("putin", "ptn", "btn", "ptn"),
    ("potanin", "ptnn", "btn", "ptnn"),
    ("khamenei", "hmn", "xmn", "kmn"),
    ("khamnhay", "hmnh", "xmn", "kmn"),
    ("yadanar", "adnr", "dnr", "tnr"),
    ("peulratimireu", "plrtmr", "blrtmr", "prtmr"),
    ("hwblwt", "hfblft", "hblt", "prt"),
    ("haddad", "hdd", "hd", "tt"),
    ("tchaikovsky", "kkfsk", "t$ksk", "skpsk"),
    ("dzhugashvili", "jgsfl", "djk$l", "skspr"),
    ("schwarzenegger", "sfrsngr", "s$rdnkr", "srsnkr"),
    ("allahverdiyev", "alhfrdf", "lhrd", "rprtp"),
    ("xiaoping", "kspng", "xbnk", "kspnk"),
    ("zzz", "s", "d", "s"),
    ("aaa", "a", "", ""),
    ("hh", "h", "h", ""),
    ("chh", "k", "$h", "k"),
    ("ttsch", "k", "ts$", "s"),
    ("11420", "11420", "11420", "11420"),
    ("", "", "", ""),
]


@pytest.mark.parametrize(("token", "phonetic", "skeleton", "loose"), PINNED)
def test_keys_keep_their_pinned_values(
    token: str, phonetic: str, skeleton: str, loose: str
) -> None:
    assert (phonetic_key(token), consonant_skeleton(token), loose_key(token)) == (
        phonetic,
        skeleton,
        loose,
    )


@given(st.text(alphabet=string.ascii_lowercase + "aaabbhh\n'$.", max_size=30))
def test_collapse_repeats_equals_the_template_substitution(text: str) -> None:
    assert phonetics._collapse_repeats(text) == _template_collapse(text)


@given(st.text(alphabet=string.ascii_lowercase + string.digits + "'", min_size=1, max_size=20))
def test_keys_equal_the_template_implementation(token: str) -> None:
    keys = (phonetic_key, consonant_skeleton, loose_key)
    fast = [key.__wrapped__(token) for key in keys]
    with mock.patch.object(phonetics, "_collapse_repeats", _template_collapse):
        reference = [key.__wrapped__(token) for key in keys]
    assert fast == reference
