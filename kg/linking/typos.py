"""What a typing error can look like: the precision guards of fuzzy lookup.

A fuzzy match (`kg.linking.fuzzy`) is a similarity score; these rules say whether the query
can be a misspelling of the key at all, so that a real word a letter or two from a term
("incubation", "touching", "oxalic acid", ペリカン) is not taken for it:

- Length: no fuzzy lookup under a per-script minimum (`MIN_LENGTH`), since a short query a
  letter from a term is another word more often than a typo of it.
- Codes: abbreviations and formulas (two capitals or more, no two lower-case letters in a
  row: "ALS", "NaCl", "HBP") are exact or nothing, and no query is fuzzy-matched onto one:
  a letter more or less makes another code (ALS is not AL, NaCl is not NAC).
- Budget: the fuzzy index's own promise, one typo per ten typed characters (at least one),
  counted in typing units, a transposition being one typo. Latin letters, Thai characters
  (a vowel written before its consonant makes a changed vowel two of them, so Thai gets
  twice the budget), kana whole or split from their voicing marks (デンク熱 for デング熱 is
  one mark dropped; ペリカン is not ヘパリン, a mark and two kana away). Hangul is counted in letters
  (jamo), two to a typo (말리리아 for 말라리아 is one, 고혀랍 for 고혈압 one moved letter), or
  in whole syllables dropped, added or swapped (쯔쯔가무시 for 쯔쯔가무시증), but not a whole
  syllable replaced by another: 복막염 (peritonitis) is not a typo of 수막염 (meningitis).
- Real words: a query whose differing words are all words of its language (`kg.linking.words`,
  English) is those words, not the term mistyped: "comma" is not "coma". A word that is the
  term with a plural ending ("pneumonias") or in British spelling ("foetal") is still the
  term, and words split or joined ("chicken pox") are a typo of their own kind.
- Swahili endings: a word's final vowel is grammar (verbs end in -a, their subjunctive in -e;
  noun forms differ by it), so a typo may drop it from a loanword ("saratan" for saratani)
  but neither add one ("pumua", breathe, is not "pumu", asthma; "damuu" is a key pressed
  twice) nor change it ("ukomo",
  limit, is not "ukoma", leprosy), except between e and i or o and u, which loanwords are
  written with either way ("kwinine" for kwinini).
- Substitutions: a Han character is never a typo of another (Chinese is typed by sound, and
  a character typed for one of the same sound is a homophone, `kg.linking.homophones`); a
  Latin letter replaced by another is one typo when the two are confusable (vowels, letters
  of one sound, keys next to each other on a QWERTY keyboard), two otherwise: "incubation"
  is not "intubation" mistyped.

The sets are measured in BENCHMARKS.md (tests/benchmarks/link_quality.py): the labelled set
and the negative set tests/data/link_negatives.jsonl.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz.distance import OSA, Editop, Indel, Levenshtein

from kg.linking.words import words

__all__ = ["MIN_LENGTH", "fuzzy_allowed", "is_code", "plausible_typo", "script"]

# Shortest query worth a fuzzy lookup, by script, in characters of the folded query: the
# shortest text the labelled set finds by fuzzy lookup in that script, so that none is lost
# (astma, dripu: Latin 5; ทองผูก, วันโรค: Thai 6, whose vowels and tone marks are characters
# of their own; ピロリ, 콜래라, 肺结核: kana, Hangul and Han 3). One more loses labelled cases in
# every script (tests/benchmarks/link_quality.py). Shorter queries a letter from a term are
# mostly other words or codes (ALS, NaCl in the issue); on the negative set the other guards
# already catch those, so these lengths cost nothing there either way.
MIN_LENGTH = {"latin": 5, "thai": 6, "kana": 3, "han": 3, "hangul": 3}

_CODE_CAPITALS = re.compile(r"[A-Z]")
_LOWER_RUN = re.compile(r"[a-z]{2}")
_HANGUL_LETTER_NAMES = re.compile("(에이|비|씨|디)(?=형)")  # B형 written 비형
_LETTER_OF = {"에이": "a", "비": "b", "씨": "c", "디": "d"}

# Latin letters that stand for one another in misspellings: the vowels, letters of one
# sound, and (see `_keyboard`) neighbouring keys. Some confusions belong to a language:
# -sion/-tion in English (hypertention), r and l in Swahili (kisukali, chandalua).
_VOWELS = frozenset("aeiouy")
_BRITISH = tuple(
    (re.compile(pattern), american)
    for pattern, american in (
        ("ae", "e"),  # haemorrhage, anaemia, paediatric
        ("oe", "e"),  # oedema, foetal, oesophagus
        ("our(?=s?$)", "or"),  # tumour, humour
        ("is(?=(e|ed|es|ing|ation)$)", "iz"),  # immunise, immunisation
        ("ys(?=(e|ed|es|ing)$)", "yz"),  # analyse, paralysed
        ("tre(?=s?$)", "ter"),  # litre, centre
        ("ogue(?=s?$)", "og"),  # catalogue
    )
)
_CLOSE_VOWELS = frozenset((frozenset("ei"), frozenset("ou")))
_SOUNDS = ("ck", "cs", "kq", "sz", "cz", "dt", "bp", "fv", "pf", "gj", "gk", "mn")
_SOUNDS_OF = {"en": ("st",), "sw": ("lr",)}


_SCRIPTS = (
    ("hangul", re.compile("[\uac00-\ud7a3\u1100-\u11ff]")),
    ("kana", re.compile("[\u3041-\u30ff]")),
    ("han", re.compile("[\u3400-\u9fff]")),
    ("thai", re.compile("[\u0e00-\u0e7f]")),
)


def script(text: str) -> str:
    """The script that decides how `text` is compared: Hangul, kana, Han or Thai when it
    has any, Latin otherwise."""
    if text.isascii():
        return "latin"
    for name, pattern in _SCRIPTS:
        if pattern.search(text):
            return name
    return "latin"


def is_code(text: str) -> bool:
    """An abbreviation or formula as written: two capitals or more, never two lower-case
    letters in a row ("ALS", "NaCl", "LFTs", "HbA1c"; not "AFib", "Hb test")."""
    return len(_CODE_CAPITALS.findall(text)) >= 2 and not _LOWER_RUN.search(text)


def fuzzy_allowed(typed: str, folded: str) -> bool:
    """Whether a query (as typed, and folded) may be looked up fuzzily at all: long enough
    for its script, and not a code."""
    return len(folded) >= MIN_LENGTH[script(folded)] and not is_code(typed)


def plausible_typo(query: str, key: str, lang: str = "") -> bool:
    """Whether folded `query`, in `lang`, can be `key` mistyped (see the module docstring)."""
    query, key = _letters_named(query), _letters_named(key)
    if query == key:
        return True
    if _another_word(query, key, lang) or (lang == "sw" and _another_ending(query, key)):
        return False
    budget = max(1, len(query) // 10)
    written = script(query)
    if written == "hangul" or script(key) == "hangul":
        return _hangul_typo(query, key, budget)
    if written == "thai":
        budget *= 2
    typed, held = unicodedata.normalize("NFD", query), unicodedata.normalize("NFD", key)
    distance = OSA.distance(typed, held, score_cutoff=budget)
    if distance > budget and written == "kana":  # a voiced kana is one key typed, or two letters
        typed, held = query, key
        distance = OSA.distance(typed, held, score_cutoff=budget)
    if distance > budget:
        return False
    return distance + _substitution_cost(typed, held, lang) <= budget


def _letters_named(text: str) -> str:
    """Korean designations spelt out (비형 간염) as the letters they name (b형 간염)."""
    return _HANGUL_LETTER_NAMES.sub(lambda m: _LETTER_OF[m.group(1)], text) if "형" in text else text


def _another_word(query: str, key: str, lang: str) -> bool:
    """Whether the words in which `query` differs from `key` are all words of `lang`, other
    than `key`'s own with a plural ending."""
    known = words(lang)
    if not known:
        return False
    typed, held = query.split(), key.split()
    if len(typed) != len(held):
        return False
    differing = [(word, term) for word, term in zip(typed, held, strict=True) if word != term]
    return all(
        word in known and word not in (term + "s", term + "es") and _us_spelling(word) != _us_spelling(term)
        for word, term in differing
    )


def _us_spelling(word: str) -> str:
    """`word` in American spelling, near enough to tell a British spelling from another word:
    "foetal" and "fetal", "haemorrhage" and "hemorrhage", "tumour" and "tumor" are one word."""
    for british, american in _BRITISH:
        word = british.sub(american, word)
    return word


def _another_ending(query: str, key: str) -> bool:
    """Whether `query` is `key` with a Swahili final vowel added or changed (not e/i, o/u)."""
    if query[-1:] not in _VOWELS or key[-1:] not in _VOWELS:
        return False
    if query[:-1] == key:
        return query[-1] != key[-1]  # "damuu" is a key pressed twice, not an ending
    return query[:-1] == key[:-1] and frozenset((query[-1], key[-1])) not in _CLOSE_VOWELS


def _hangul_typo(query: str, key: str, budget: int) -> bool:
    letters = OSA.distance(unicodedata.normalize("NFD", query), unicodedata.normalize("NFD", key))
    if letters <= 2 * budget:
        return True
    # Whole syllables dropped, added or swapped, none replaced by another.
    if OSA.distance(query, key) > budget:
        return False
    dropped = abs(len(query) - len(key))
    return Indel.distance(query, key) == dropped or (not dropped and sorted(query) == sorted(key))


def _substitution_cost(typed: str, held: str, lang: str) -> int:
    """Extra typos for the substitutions that are not typos: a Han character for another
    (too many to fit any budget), a Latin letter for one it is not confused with (one more)."""
    ops = [op for op in Levenshtein.editops(typed, held) if op.tag == "replace"]
    cost = 0
    for i, op in enumerate(ops):
        a, b = typed[op.src_pos], held[op.dest_pos]
        if _swapped(ops, i, typed, held):
            continue
        if _is_han(a) or _is_han(b):
            return len(typed) + len(held)
        if a.isascii() and b.isascii() and a.isalpha() and b.isalpha() and not _confusable(a, b, lang):
            cost += 1
    return cost


def _swapped(ops: list[Editop], i: int, typed: str, held: str) -> bool:
    """Whether replacement `i` is half of two neighbouring letters swapped."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(ops):
            first, second = sorted((ops[i], ops[j]), key=lambda op: op.src_pos)
            if (
                second.src_pos == first.src_pos + 1
                and second.dest_pos == first.dest_pos + 1
                and typed[first.src_pos] == held[second.dest_pos]
                and typed[second.src_pos] == held[first.dest_pos]
            ):
                return True
    return False


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _confusable(a: str, b: str, lang: str) -> bool:
    return (a in _VOWELS and b in _VOWELS) or frozenset((a, b)) in _sound_pairs(lang) or b in _keyboard().get(a, ())


@cache
def _sound_pairs(lang: str) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(pair) for pair in (*_SOUNDS, *_SOUNDS_OF.get(lang, ())))


@cache
def _keyboard() -> dict[str, frozenset[str]]:
    """Each letter's neighbours on a QWERTY keyboard: beside it, and the two keys touching
    it in the rows above and below (rows are offset by half a key)."""
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    near: dict[str, set[str]] = {}
    for r, row in enumerate(rows):
        for c, letter in enumerate(row):
            around = {row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""}
            if r:
                around |= {rows[r - 1][c : c + 2]}
            if r + 1 < len(rows):
                around |= {rows[r + 1][max(0, c - 1) : c + 1]}
            near[letter] = {ch for piece in around for ch in piece}
    return {letter: frozenset(others) for letter, others in near.items()}
