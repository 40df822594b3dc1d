"""Script detection and transliteration of names to Latin, one rule set per script.

Generic transliteration (``Any-Latin``) loses what matters for names: it glues Korean
syllables into one word and romanises them with the South Korean Revised Romanization,
and it writes Chinese given names as separate syllables. This module romanises each
script the way sanctions lists write names of that origin:

* Cyrillic, Greek, Armenian, Georgian: rigour's ``maybe_ascii`` (BGN/PCGN-like spellings:
  ``Шевченко -> Shevchenko``, ``Юрий -> Yury``).
* Hangul: syllable by syllable, each syllable a separate name part, with the consonant
  values of the McCune-Reischauer system as used in DPRK names on the OFAC and UN lists
  (``김정은 -> kim jong un``). Source: McCune & Reischauer, "The Romanization of the
  Korean Language" (1939); Unicode Standard ch. 3.12 (Hangul syllable decomposition).
* Han: Hanyu Pinyin per syllable (ICU ``Han-Latin``), tone marks removed; in a name
  written as one word the first syllable is the family name and the remaining syllables
  are joined into one given name (``习近平 -> xi jinping``), the PRC convention (GB/T
  28039-2011); a name written in several words keeps each word as one part
  (``明德 謝 -> mingde xie``).
* Arabic, Persian, Hebrew: ICU ``Arabic-Latin`` / ``Hebrew-Latin``. These scripts write no
  short vowels, so the result is close to a consonant skeleton; matching compares such
  names through :func:`screenwise.names.phonetics.consonant_skeleton`. The Arabic article
  written joined to its word is split off (``العوادي -> al awady``) in the Arabic script,
  where it can be told from a word that merely starts with ``al``.
* Myanmar: ICU ``Myanmar-Latin`` after folding the two letters whose usual Latin spellings
  differ from ICU's: ``ရ`` is written ``y`` (``Yadanar``) and ``သ`` ``th`` (``Thiri``).
  Source: Myanmar Language Commission transcription system (MLCTS) and the conventional
  spellings of Burmese names in Myanmar's company register.
* Anything else: ICU ``Any-Latin`` through ``normality.ascii_text``.

Legal forms written in a non-Latin script (``בע"מ``, ``ကုမ္ပဏီလီမိတက်``, ``株式会社``,
``有限公司``, ``주식회사``) are replaced by their Latin abbreviation first
(``data/names.yml::NATIVE_LEGAL_FORMS``), so legal-form handling sees them.

:data:`LOSSY_SCRIPTS` lists the scripts whose Latin spellings are conventions rather than
letter-for-letter transcriptions; names from them are also compared by
:func:`screenwise.names.phonetics.loose_key`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu
from normality import ascii_text
from rigour.text.translit import maybe_ascii

__all__ = [
    "ABJAD_SCRIPTS",
    "LOSSY_SCRIPTS",
    "detect_script",
    "han_ordinals_to_digits",
    "romanize_hangul",
    "romanize_korean_cyrillic",
    "transliterate",
]

#: Scripts that write no short vowels: names from them are compared by consonants.
ABJAD_SCRIPTS: frozenset[str] = frozenset({"Arabic", "Hebrew"})
#: Scripts whose Latin spellings are conventions far from a transliteration (vowels
#: implicit or unwritten, loanwords respelled to the script's syllables).
LOSSY_SCRIPTS: frozenset[str] = frozenset(
    {
        "Arabic",
        "Hebrew",
        "Hangul",
        "Myanmar",
        "Khmer",
        "Thai",
        "Lao",
        "Devanagari",
        "Bengali",
        "Gurmukhi",
        "Gujarati",
        "Tamil",
        "Telugu",
        "Kannada",
        "Malayalam",
        "Sinhala",
        "Katakana",
        "Hiragana",
        "Ethiopic",
    }
)

_SCRIPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("ARABIC", "Arabic"),
    ("HANGUL", "Hangul"),
    ("CJK", "Han"),
    ("GREEK", "Greek"),
    ("HEBREW", "Hebrew"),
    ("GEORGIAN", "Georgian"),
    ("ARMENIAN", "Armenian"),
    ("MYANMAR", "Myanmar"),
    ("KHMER", "Khmer"),
    ("THAI", "Thai"),
    ("LAO", "Lao"),
    ("DEVANAGARI", "Devanagari"),
    ("BENGALI", "Bengali"),
    ("GURMUKHI", "Gurmukhi"),
    ("GUJARATI", "Gujarati"),
    ("TAMIL", "Tamil"),
    ("TELUGU", "Telugu"),
    ("KANNADA", "Kannada"),
    ("MALAYALAM", "Malayalam"),
    ("SINHALA", "Sinhala"),
    ("KATAKANA", "Katakana"),
    ("HIRAGANA", "Hiragana"),
    ("ETHIOPIC", "Ethiopic"),
)


@lru_cache(maxsize=4096)
def _char_script(char: str) -> str | None:
    if not char.isalpha() and not ("\u1000" <= char <= "\u109f" or "\u0900" <= char <= "\u0dff"):
        return None
    if char.isascii():
        return "Latin"
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    if "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff":
        return "Hangul"
    return "other"


def detect_script(text: str) -> str:
    """Return the dominant script of a text's letters.

    Args:
        text: any string.

    Returns:
        ``Latin``, ``Cyrillic``, ``Arabic``, ``Hangul``, ``Han``, ``Greek``, ``Hebrew``,
        ``Georgian``, ``Armenian``, ``Myanmar``, ``Khmer``, ``Thai``, ``Lao``, an Indic
        script (``Devanagari``, ``Bengali``, ...), ``Katakana``, ``Hiragana``, ``Ethiopic``
        or ``other``; ``Latin`` when the text has no letters.
        Source: Unicode character names (Unicode Standard, ch. 4.8).
    """
    counts: dict[str, int] = {}
    for char in text:
        script = _char_script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Latin"
    return max(counts.items(), key=lambda item: (item[1], item[0] == "Latin"))[0]


# --- Hangul --------------------------------------------------------------------------

# Initial consonants (choseong) in Unicode order; McCune-Reischauer values with the
# unaspirated stops written voiceless at the start of a name syllable (DPRK practice).
_HANGUL_INITIALS: tuple[str, ...] = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch",
    "kh", "th", "ph", "h",
)  # fmt: skip
# Vowels (jungseong): McCune-Reischauer's breve vowels written as in the Revised
# Romanization (ŏ -> eo, ŭ -> eu) so that 정 (jeong) and 종 (jong) stay distinct; the
# DPRK spellings (``Jong``, ``Un``) are reached through NAME_VARIANTS.
_HANGUL_VOWELS: tuple[str, ...] = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
    "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# Final consonants (jongseong), index 0 = none.
_HANGUL_FINALS: tuple[str, ...] = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
    "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# Aspirated initials keep MR's "h" instead of its apostrophe (``Thae Yong Ho``).


def romanize_hangul(text: str) -> str:
    """Romanise Hangul syllables one by one, separated by spaces.

    In words of up to three syllables (Korean personal names) each syllable becomes its own
    name part, as DPRK names are written on sanctions lists (``김정은 -> kim jeong eun``,
    ``최룡해 -> choe ryong hae``); longer words (foreign names and company words written
    in Hangul) stay one part. Characters that are not Hangul syllables pass through.

    Args:
        text: text containing Hangul syllables (U+AC00..U+D7A3).

    Returns:
        The romanised text (lower case); Korean surname variants are matched later through
        ``data/names.yml::NAME_VARIANTS``.

    Source: Unicode Standard ch. 3.12 (syllable = 0xAC00 + (L*21 + V)*28 + T);
    McCune-Reischauer consonant and vowel values.
    """
    words: list[str] = []
    for word in text.split():
        syllables = sum(1 for char in word if 0xAC00 <= ord(char) <= 0xD7A3)
        separator = " " if syllables <= 3 else ""
        out: list[str] = []
        for char in word:
            code = ord(char)
            if 0xAC00 <= code <= 0xD7A3:
                index = code - 0xAC00
                initial, rest = divmod(index, 21 * 28)
                vowel, final = divmod(rest, 28)
                syllable = _HANGUL_INITIALS[initial] + _HANGUL_VOWELS[vowel] + _HANGUL_FINALS[final]
                out.append(separator + syllable + separator)
            else:
                out.append(char)
        words.append("".join(out))
    return " ".join(" ".join(words).split())


# --- Korean names written in Cyrillic ----------------------------------------------------

# Cyrillic spellings of Korean sounds, longest first, mapped to the McCune-Reischauer
# values the lists use (``ч`` is the plain ``j`` of ``Jong``, ``чх`` the aspirated ``ch``;
# ``ы`` is ``ŭ``, written ``u`` as in ``Un``; a final ``р``/``ль`` is ``l``). Source:
# A. A. Kholodovich / L. R. Kontsevich, Russian practical transcription of Korean (1946,
# 2002), and the older Soviet usage (``Ким Чен Ын``, ``Ким Ир Сен``) in which ``е`` after a
# palatal writes ``ŏ``.
_KOREAN_CYRILLIC: tuple[tuple[str, str], ...] = (
    ("чх", "ch"), ("кх", "kh"), ("тх", "th"), ("пх", "ph"), ("чж", "j"), ("дж", "j"),
    ("ый", "ui"), ("ве", "oe"), ("вэ", "oe"), ("во", "wo"), ("ва", "wa"), ("ви", "wi"),
    ("ё", "yo"), ("ю", "yu"), ("я", "ya"), ("ы", "u"), ("э", "ae"), ("ц", "ch"),
    ("ч", "j"), ("ж", "j"), ("з", "j"), ("ш", "s"), ("щ", "s"), ("й", "i"), ("ь", ""),
    ("а", "a"), ("б", "p"), ("в", "w"), ("г", "k"), ("д", "t"), ("и", "i"), ("к", "k"),
    ("л", "r"), ("м", "m"), ("н", "n"), ("о", "o"), ("п", "p"), ("р", "r"), ("с", "s"),
    ("т", "t"), ("у", "u"), ("ф", "p"), ("х", "h"), ("е", "e"),
)  # fmt: skip
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
#: Letters of a Korean syllable written in Cyrillic (``Чхве``, ``Чжун``).
_KOREAN_SYLLABLE_LETTERS = 4


@lru_cache(maxsize=1)
def _korean_cyrillic_surnames() -> dict[str, str]:
    from importlib import resources

    import yaml

    text = resources.files("screenwise").joinpath("data/names.yml").read_text("utf-8")
    table = yaml.safe_load(text)["KOREAN_CYRILLIC_SURNAMES"]
    return {str(k): str(v) for k, v in table.items()}


def _is_korean_cyrillic(text: str) -> bool:
    """True when a Cyrillic name reads as a Korean name.

    Two to four words of at most four letters (soft sign not counted), the first or the
    last a Korean family name (``data/names.yml::KOREAN_CYRILLIC_SURNAMES``), and no
    letters of another script.
    """
    words = _CYRILLIC_WORD.findall(text)
    if not 2 <= len(words) <= 4 or any(
        len(w.replace("ь", "")) > _KOREAN_SYLLABLE_LETTERS for w in words
    ):
        return False
    if len("".join(words)) < len(re.sub(r"[\W\d_]+", "", text)):
        return False  # letters of another script
    surnames = _korean_cyrillic_surnames()
    return words[0] in surnames or words[-1] in surnames


def _romanize_korean_syllable(word: str) -> str:
    """Romanise one Korean syllable written in Cyrillic (lower case)."""
    tail = ""
    stem = word.removesuffix("ь")
    if len(stem) > 1 and stem[-1] in "лр":
        word, tail = stem[:-1], "l"
    # ``е`` after a palatal writes ``ŏ`` (``Чен`` = Jong, ``Сен`` = Song), at the start of
    # a syllable ``yŏ`` (``Ен`` = Yong).
    word = re.sub("(?<=[чжшсц])е", "о", word)
    word = re.sub("^е", "ё", word)
    out = word
    for cyrillic, latin in _KOREAN_CYRILLIC:
        if cyrillic in out:
            out = out.replace(cyrillic, latin)
    if not tail and out.endswith("on"):
        out += "g"  # ``-он``/``-ён`` is ``-ong``/``-yong`` in the lists (``Pong``, ``Ryong``)
    return out + tail


def romanize_korean_cyrillic(text: str) -> str:
    """Romanise a Korean name written in Cyrillic the way the lists write DPRK names.

    ``ким чен ын -> kim jong un``, ``ким ир сен -> kim il song``, ``чвэ рён хэ -> choe
    ryong hae``: family names from ``data/names.yml::KOREAN_CYRILLIC_SURNAMES``, the other
    syllables through the Kontsevich correspondences (module source list).

    Args:
        text: a case-folded Cyrillic name (see :func:`transliterate`).

    Returns:
        Lower-case ASCII syllables separated as in the input; never raises.
    """
    surnames = _korean_cyrillic_surnames()

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        return surnames.get(word) or _romanize_korean_syllable(word)

    return _CYRILLIC_WORD.sub(replace, text)


# --- Han ordinals ---------------------------------------------------------------------

#: Han numeral digits and multipliers (CJK Unified Ideographs; the common and the
#: financial-free forms). Source: Unicode Standard ch. 18.1, "Han" (numeric values of
#: ideographs, Unihan ``kPrimaryNumeric``).
_HAN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_HAN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_HAN_ORDINAL = re.compile("第\\s*([0-9]+|[" + "".join(_HAN_DIGITS) + "".join(_HAN_UNITS) + "]+)")


def _han_number(run: str) -> int:
    """Value of a run of Han numerals: ``十八`` -> 18, ``二十三`` -> 23, ``一九`` -> 19."""
    if not any(c in _HAN_UNITS for c in run):
        # Digits written one by one, positionally (``一九八四`` -> 1984).
        return int("".join(str(_HAN_DIGITS[c]) for c in run))
    total = 0
    digit: int | None = None
    for char in run:
        if char in _HAN_DIGITS:
            digit = _HAN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _HAN_UNITS[char]
            digit = None
    return total + (digit or 0)


def han_ordinals_to_digits(text: str) -> str:
    """Write ordinal numbers of Han-script names in digits: ``第十八星風丸`` -> ``第 18 星風丸``.

    ``第`` + numerals is "No. n" in Chinese and Japanese organisation and vessel names
    (``第八星風丸`` "Seifu Maru No. 8"); as digits the number is compared as a number (a
    different number is another vessel or company), not as syllables (``ba`` / ``shi ba``).
    Only numerals after ``第`` are read: elsewhere the characters are name syllables (the
    given name ``三`` in ``金铁三``, the ``万`` of ``万达``).

    Args:
        text: a name, NFKC-normalised.

    Returns:
        The text with each ordinal's number (Han numerals or ASCII digits, ``第18``)
        written as space-separated ASCII digits.
    """
    if "第" not in text:
        return text
    return _HAN_ORDINAL.sub(lambda m: f"第 {_number(m.group(1))} ", text)


def _number(run: str) -> int:
    return int(run) if run.isascii() else _han_number(run)


# --- ICU transliterators ---------------------------------------------------------------

_TRANSLITERATORS: dict[str, icu.Transliterator] = {}


def _icu(rule: str) -> icu.Transliterator:
    translit = _TRANSLITERATORS.get(rule)
    if translit is None:
        translit = icu.Transliterator.createInstance(rule)
        _TRANSLITERATORS[rule] = translit
    return translit


def _romanize_han(text: str) -> str:
    words: list[str] = []
    split = text.split()
    for word in split:
        if len(split) > 1 and all(_char_script(c) == "Han" for c in word if c.isalpha()):
            # Family and given names written apart: each word is one name part.
            words.append("".join(_icu("Han-Latin").transliterate(c) for c in word))
        elif all(_char_script(c) == "Han" for c in word if c.isalpha()) and 2 <= len(word) <= 4:
            syllables = [_icu("Han-Latin").transliterate(c) for c in word]
            words.append(syllables[0] + " " + "".join(syllables[1:]))
        else:
            words.append(_icu("Han-Latin").transliterate(word))
    return " ".join(words)


# Persian and Urdu letters folded to their Arabic counterparts before ICU's Arabic-Latin
# (which covers Arabic proper), hamza carriers and ayn folded to alif (Latin spellings write
# ayn as a vowel: ``Ali``, ``Abd``, ``Omar``), and ta marbuta written as
# the "h" that Latin spellings of names use (``Salameh``, ``Odeh``). Source: Unicode
# Arabic block (U+0600..U+06FF) letter names; ALA-LC Persian and Urdu tables.
_ARABIC_FOLD = str.maketrans(
    {
        "ک": "ك",
        "ی": "ي",
        "ى": "ي",
        "ې": "ي",
        "ہ": "ه",
        "ھ": "ه",
        "ۃ": "ه",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ء": "",
        "ئ": "ي",
        "ؤ": "و",
        "گ": "غ",
        "ع": "ا",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
        "ں": "ن",
        "\u200c": "",
        "\u0640": "",
    }
)


# Hebrew letters as ICU writes them, respelled as Latin spellings of Hebrew names do
# (shin ``sh``, tsadi ``ts``, het ``kh``). Source: ISO 259 / Academy of the Hebrew Language 2006 rules.
_HEBREW_RESPELL = str.maketrans({"ş": "sh", "ẕ": "ts", "ẖ": "kh"})
# Hebrew geresh/gershayim and quotation marks inside a word mark an abbreviation.
_HEBREW_ABBREV = re.compile("(?<=[\u05d0-\u05ea])[\"'\u05f3\u05f4](?=[\u05d0-\u05ea])")
# Myanmar letters folded before ICU (see the module docstring); the tone marks (dot below,
# visarga), which ICU writes as doubled letters, are dropped as Latin spellings drop them.
_MYANMAR_FOLD = str.maketrans(
    {"\u101b": "\u101a", "\u101e": "\u1011", "\u1037": None, "\u1038": None}
)
# ya/ra/la with medial ha are pronounced and spelled "sh" (``Shwe``), with medial wa "shw".
_MYANMAR_SH: tuple[tuple[str, str], ...] = (
    ("\u101a\u103d\u103e", "shw"),
    ("\u101a\u103e\u103d", "shw"),
    ("\u101a\u103e", "sh"),
    ("\u101c\u103b\u103e", "sh"),
)
# The Arabic definite article joined to a word of at least three more letters.
_ARABIC_ARTICLE = re.compile("(?<![\u0621-\u064a])\u0627\u0644(?=[\u0621-\u064a\u066e-\u06d3]{3})")


@lru_cache(maxsize=1)
def _native_legal_forms() -> tuple[re.Pattern[str], dict[str, str]]:
    from importlib import resources

    import yaml

    text = resources.files("screenwise").joinpath("data/names.yml").read_text("utf-8")
    table: dict[str, str] = {}
    for native, latin in yaml.safe_load(text)["NATIVE_LEGAL_FORMS"].items():
        key = unicodedata.normalize("NFKC", str(native)).casefold()
        table[_HEBREW_ABBREV.sub("", key)] = f" {latin} "
    alternatives = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alternatives)), table


def _replace_native_legal_forms(text: str) -> str:
    pattern, table = _native_legal_forms()
    return pattern.sub(lambda m: table[m.group(0)], text)


@lru_cache(maxsize=100_000)
def transliterate(text: str) -> str:
    """Transliterate a name to ASCII Latin with the rules of its script.

    Args:
        text: a name in any script, already NFKC-normalised and case-folded.

    Returns:
        ASCII text (may contain punctuation; tokenising is the caller's job). Latin text
        comes back with its diacritics removed (``Müller -> Muller``).

    Never raises. Source: see the module docstring for the rule used per script.
    """
    if text.isascii():
        return text
    script = detect_script(text)
    text = _replace_native_legal_forms(_HEBREW_ABBREV.sub("", text))
    if script == "Hangul":
        text = romanize_hangul(text)
    elif script == "Han":
        text = _romanize_han(text)
    elif script == "Arabic":
        folded = _ARABIC_ARTICLE.sub("\u0627\u0644 ", text.translate(_ARABIC_FOLD))
        text = _icu("Arabic-Latin").transliterate(folded)
    elif script == "Hebrew":
        text = _icu("Hebrew-Latin").transliterate(text).translate(_HEBREW_RESPELL)
    elif script == "Myanmar":
        folded = text.translate(_MYANMAR_FOLD)
        for native, latin in _MYANMAR_SH:
            folded = folded.replace(native, latin)
        text = _icu("Myanmar-Latin").transliterate(folded)
    elif script == "Cyrillic" and _is_korean_cyrillic(text):
        text = romanize_korean_cyrillic(text)
    else:
        text = maybe_ascii(text)
    text = _MODIFIER_LETTERS.sub("", text)
    if text.isascii():
        return text
    return ascii_text(text) or ""


# Ayn, hamza and similar marks that ICU writes as modifier letters: dropped, as in Latin
# spellings of names (``Jafari`` for جعفری, not ``Ja?fari``).
_MODIFIER_LETTERS = re.compile("[\u02b0-\u02ff\u0300-\u036f]")
