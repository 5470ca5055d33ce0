"""Fuzzy lookup: blocking keeps recall on realistic typos, checked against brute force."""

from __future__ import annotations

import random
import string

from rapidfuzz import fuzz, process

from kg.fuzzy import FuzzyIndex


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
