"""Fuzzy lookup: blocking keeps recall on realistic typos, checked against brute force."""

from __future__ import annotations

import random
import string

from rapidfuzz import fuzz, process

from kg.linking.fuzzy import FuzzyIndex, form


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "add", "change"])
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    letter = rng.choice(string.ascii_lowercase)
    return word[:i] + letter + word[i + (kind == "change") :]


def test_blocked_search_finds_what_brute_force_finds() -> None:
    rng = random.Random(11)
    keys = sorted({"".join(rng.choices("aeioulnrstmcdph", k=rng.randint(6, 16))) for _ in range(5000)})
    index = FuzzyIndex(keys)
    misses = 0
    for key in rng.sample(keys, 300):
        query = _typo(key, rng)
        best = process.extractOne(query, keys, scorer=fuzz.ratio, score_cutoff=80)
        found = index.search(query, limit=1, cutoff=80)
        if best is None:
            continue
        if not found or found[0][1] < best[1]:
            misses += 1
    assert misses <= 3, f"{misses} of 300 single-typo queries missed the best key"


def test_scores_respect_the_cutoff_and_short_queries_are_not_fuzzy() -> None:
    index = FuzzyIndex(["malaria", "tuberculosis", "糖尿病", "高血压"])
    hits = index.search("malaira", cutoff=80)
    assert hits and hits[0][0] == 0 and 80 <= hits[0][1] < 100
    assert index.search("headache", cutoff=80) == []
    assert index.search("tb", cutoff=10) == []
    assert index.search("糖尿病人", cutoff=80)[0][0] == 2  # bigrams for Han


def test_hangul_and_kana_typos_are_compared_letter_by_letter() -> None:
    # Keys are folded forms (katakana folds to hiragana). Syllable by syllable, one wrong
    # vowel is a quarter of 말라리아; letter by letter (jamo) it is one of nine.
    index = FuzzyIndex(["말라리아", "고혈압", "쯔쯔가무시병", "でんぐ熱"])
    assert index.search("말리리아", cutoff=80)[0][0] == 0
    assert index.search("고혀랍", cutoff=80)[0][0] == 1  # written as it sounds: one jamo moved
    assert index.search("쯔쯔가무시", cutoff=80)[0][0] == 2  # a whole syllable less: three jamo
    assert index.search("でんく熱", cutoff=80)[0][0] == 3  # the voicing mark dropped
    assert index.search("결헥", cutoff=10) == []  # two syllables are a word, not a typo


def test_blocked_hangul_search_finds_what_brute_force_finds() -> None:
    # One syllable typed wrong, dropped or added (queries of three syllables or more: two
    # are a word, not a typo, and never fuzzy): the budget counts typed characters.
    rng = random.Random(5)

    def syllable() -> str:
        return chr(0xAC00 + rng.randrange(19) * 588 + rng.randrange(21) * 28 + rng.choice([0, 0, 4, 8, 16]))

    keys = sorted({"".join(syllable() for _ in range(rng.randint(4, 7))) for _ in range(3000)})
    index = FuzzyIndex(keys)
    forms = [form(key) for key in keys]
    misses = 0
    for key in rng.sample(keys, 200):
        i = rng.randrange(len(key))
        changed, dropped, added = (
            key[:i] + syllable() + key[i + 1 :],
            key[:i] + key[i + 1 :],
            key[:i] + syllable() + key[i:],
        )
        query = rng.choice([changed, dropped, added])
        best = process.extractOne(form(query), forms, scorer=fuzz.ratio, score_cutoff=80)
        found = index.search(query, limit=1, cutoff=80)
        if best is not None and (not found or found[0][1] < best[1]):
            misses += 1
    assert misses <= 2, f"{misses} of 200 one-syllable typos missed the best key"
