"""Linking quality on the labelled set tests/data/link_quality.jsonl, against the seed.

    python tests/benchmarks/link_quality.py [--threshold T] [--errors]

Each case is {text, lang, cui, kind}: a term as people write it (misspellings, lay terms,
abbreviations, script and width variants, Yoruba with and without tone marks) and the
concept it means. Builds the seed in a temporary embedded store, looks every text up, and
reports per language and per kind: accuracy@1 (the best candidate is the expected concept)
and recall@5 (it is among the candidates). `--errors` lists the misses. Prints one JSON
object last.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest import build_seed, read_jsonl
from kg import load_settings, open_store
from kg.linking.lexicon_cache import load_normalizer
from kg.linking.normalizer import Normalizer

CASES = Path(__file__).resolve().parents[1] / "data" / "link_quality.jsonl"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    lang: str
    cui: str
    kind: str
    note: str = ""


def evaluate(normalizer: Normalizer, cases: list[Case]) -> tuple[dict[str, dict[str, float]], list[dict[str, object]]]:
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # cases, top-1 hits, top-5 hits
    misses = []
    for case in cases:
        found = [c.cui for c in normalizer.lookup(case.text, case.lang, limit=5)]
        top1, top5 = bool(found) and found[0] == case.cui, case.cui in found
        for group in ("all", f"lang:{case.lang}", f"kind:{case.kind}"):
            tally = tallies[group]
            tally[0] += 1
            tally[1] += top1
            tally[2] += top5
        if not top1:
            misses.append({**case.model_dump(exclude={"note"}), "found": found[:3]})
    report = {
        group: {"cases": n, "accuracy_at_1": round(hit1 / n, 3), "recall_at_5": round(hit5 / n, 3)}
        for group, (n, hit1, hit5) in sorted(tallies.items())
    }
    return report, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    cases = list(read_jsonl(CASES, Case))
    with tempfile.TemporaryDirectory(prefix="mcq-", dir="/tmp") as home:
        settings = load_settings(home=home, link_threshold=args.threshold)
        store = open_store(settings)
        try:
            build_seed(store)
            normalizer = load_normalizer(store, settings)
        finally:
            store.close()
    report, misses = evaluate(normalizer, cases)
    if args.errors:
        for miss in misses:
            print(json.dumps(miss, ensure_ascii=False))
    print(json.dumps({"threshold": args.threshold, **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
