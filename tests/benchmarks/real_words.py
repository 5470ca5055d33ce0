"""English words taken for medical terms: how many dictionary words fuzzy lookup links.

    python tests/benchmarks/real_words.py [--seed DIR] [--list]

Looks up every word of five letters or more of the English word list (`kg.linking.words`)
as a term against the seed, and counts the words whose best candidate was found by fuzzy
lookup: each is an English word taken for a term a letter or two away ("dioxin" for
digoxin, "singles" for shingles), unless it is the term inflected ("fevers"). `--list` prints
them (word, term, concept id). Run it on two versions of the code to compare.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from link_quality import seeded_normalizer
from spellchecker import SpellChecker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=Path, default=None, help="a seed directory (default: the shipped seed)")
    parser.add_argument("--list", action="store_true", help="print every word linked by fuzzy lookup")
    args = parser.parse_args()
    normalizer = seeded_normalizer(0.8, args.seed)
    dictionary = SpellChecker(language="en", distance=1).word_frequency.dictionary
    words = sorted(word for word in dictionary if len(word) >= 5 and word.isalpha())
    started = time.perf_counter()
    linked = []
    for word in words:
        found = normalizer.lookup(word, "en")
        if found and found[0].method == "fuzzy":
            linked.append((word, found[0].term, found[0].cui))
    seconds = time.perf_counter() - started
    if args.list:
        for row in linked:
            print("\t".join(row))
    plural = sum(word.casefold() in (term.casefold() + "s", term.casefold() + "es") for word, term, _ in linked)
    summary = {"words": len(words), "linked_by_fuzzy": len(linked), "of_which_plurals": plural}
    print(json.dumps({**summary, "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
