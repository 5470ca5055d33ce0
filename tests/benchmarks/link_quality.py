"""Linking quality against the seed: accuracy on the labelled set, precision on the negatives.

    python tests/benchmarks/link_quality.py [--threshold T] [--seed DIR] [--errors]

The labelled set tests/data/link_quality.jsonl: each case is {text, lang, cui, kind}, a
term as people write it (misspellings, lay terms, abbreviations, script and width variants,
Yoruba with and without tone marks) and the concept it means. Every text is looked up, and
reported per language and per kind: accuracy@1 (the best candidate is the expected
concept), recall@5 (it is among the candidates), and wrong@1 (the best candidate is
another concept: a false link, where no answer would have been better).

The negative set tests/data/link_negatives.jsonl: each case is {text, lang, kind,
must_not, note}, a term or a sentence that must link to nothing (must_not null) or never to
the concepts named (near misses, opposites, common words, homonyms, texts written with
their marks). Every text is both linked as running text and looked up as a term; a case
passes when no candidate of either is forbidden. Reported per language and kind: the share
of cases passed ("precision" on the negatives), and over both sets the opposite links: a
candidate whose term contradicts the text it was found for (`kg.linking.opposites`), which
must be none.

Builds the seed (the shipped one, or `--seed DIR`, to compare code on one seed) in a
temporary embedded store. `--errors` lists the misses and failures. Prints one JSON object
last.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest import build_seed, read_jsonl
from kg import load_settings, open_store
from kg.linking.lexicon_cache import load_normalizer
from kg.linking.normalizer import Candidate, Normalizer
from kg.linking.opposites import contradicts

DATA = Path(__file__).resolve().parents[1] / "data"
CASES = DATA / "link_quality.jsonl"
NEGATIVES = DATA / "link_negatives.jsonl"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    lang: str
    cui: str
    kind: str
    note: str = ""


class NegativeCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    lang: str
    kind: str
    must_not: list[str] | None  # None: nothing may be linked at all
    note: str = ""


def opposite_links(surface: str, candidates: Iterable[Candidate]) -> list[str]:
    """The terms among `candidates` that contradict the text they were found for."""
    return [c.term for c in candidates if contradicts(surface, c.term)]


def evaluate(normalizer: Normalizer, cases: list[Case]) -> tuple[dict[str, dict[str, float]], list[dict[str, object]]]:
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # cases, top-1 hits, top-5 hits, wrong top-1
    misses = []
    opposite = 0
    for case in cases:
        candidates = normalizer.lookup(case.text, case.lang, limit=5)
        found = [c.cui for c in candidates]
        top1, top5 = bool(found) and found[0] == case.cui, case.cui in found
        wrong = bool(found) and not top1
        opposite += len(opposite_links(case.text, candidates))
        for group in ("all", f"lang:{case.lang}", f"kind:{case.kind}"):
            tally = tallies[group]
            tally[0] += 1
            tally[1] += top1
            tally[2] += top5
            tally[3] += wrong
        if not top1:
            misses.append({**case.model_dump(exclude={"note"}), "found": found[:3]})
    report: dict[str, dict[str, float]] = {
        group: {
            "cases": n,
            "accuracy_at_1": round(hit1 / n, 3),
            "recall_at_5": round(hit5 / n, 3),
            "wrong_at_1": round(wrong / n, 3),
        }
        for group, (n, hit1, hit5, wrong) in sorted(tallies.items())
    }
    report["all"]["opposite_links"] = opposite
    return report, misses


def forbidden(normalizer: Normalizer, case: NegativeCase) -> tuple[list[str], int]:
    """What `case` linked that it must not (as "path:cui term"), and how many of its links
    contradict the text they were found for."""
    linked = [("link", m.surface, c) for m in normalizer.link(case.text, case.lang) for c in m.candidates]
    linked += [("lookup", case.text, c) for c in normalizer.lookup(case.text, case.lang)]
    bad = [f"{path}:{c.cui} {c.term}" for path, _, c in linked if case.must_not is None or c.cui in case.must_not]
    return bad, sum(contradicts(surface, c.term) for _, surface, c in linked)


def evaluate_negatives(
    normalizer: Normalizer, cases: list[NegativeCase]
) -> tuple[dict[str, dict[str, float]], list[dict[str, object]]]:
    """Per group: cases, the share passed ("precision") and the cases failed. Over all:
    `opposite_links`, the forbidden links of the opposite cases (a text linked to the
    concept of the opposite meaning), and `contradicting_links`, the links of any case
    whose term contradicts its text by today's table of axes."""
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # cases, passed
    failures = []
    opposite = contradicting = 0
    for case in cases:
        bad, contradiction = forbidden(normalizer, case)
        contradicting += contradiction
        opposite += len(bad) if case.kind == "opposite" else 0
        for group in ("all", f"lang:{case.lang}", f"kind:{case.kind}"):
            tallies[group][0] += 1
            tallies[group][1] += not bad
        if bad:
            failures.append({**case.model_dump(exclude={"note"}), "linked": sorted(set(bad))[:4]})
    report: dict[str, dict[str, float]] = {
        group: {"cases": n, "precision": round(passed / n, 3), "failed": n - passed}
        for group, (n, passed) in sorted(tallies.items())
    }
    report["all"].update(opposite_links=opposite, contradicting_links=contradicting)
    return report, failures


def seeded_normalizer(threshold: float, seed: Path | None) -> Normalizer:
    with tempfile.TemporaryDirectory(prefix="mcq-", dir="/tmp") as home:
        settings = load_settings(home=home, link_threshold=threshold)
        store = open_store(settings)
        try:
            build_seed(store, seed)
            return load_normalizer(store, settings)
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--seed", type=Path, default=None, help="a seed directory (default: the shipped seed)")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    normalizer = seeded_normalizer(args.threshold, args.seed)
    report, misses = evaluate(normalizer, list(read_jsonl(CASES, Case)))
    negatives, failures = evaluate_negatives(normalizer, list(read_jsonl(NEGATIVES, NegativeCase)))
    if args.errors:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False))
        for failure in failures:
            print(json.dumps({"negative": True, **failure}, ensure_ascii=False))
    print(json.dumps({"threshold": args.threshold, **report, "negatives": negatives}, ensure_ascii=False))


if __name__ == "__main__":
    main()
