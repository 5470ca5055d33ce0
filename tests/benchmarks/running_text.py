"""Linking precision and recall on mentions in running text, against the seed.

    python tests/benchmarks/running_text.py [--threshold T] [--seed DIR] [--errors]

The set tests/data/link_running_text.jsonl: short clinical texts in every language, written
the way patients, health workers and exam questions write (everyday words for symptoms,
histories, questions about treatment and prevention, numbers, negations, names of people
and places, everyday words that look like terms), each annotated with its medical
mentions {start, end, surface, cui, also, note}: `cui` is the seed concept the mention
means, or null when the seed has none; `also` other ids that are right too (a finding and
its disease where the text does not decide, or the broader concept where the seed lacks
the exact one). `not_medical` lists everyday words a linker might take for terms.

`Normalizer.link(text, lang)` runs on each text. A linked mention is right when its best
candidate's concept (for an ambiguous mention, any of its tied candidates) is the `cui` or
an `also` of a gold mention overlapping its span. Reported per language and overall:

- precision: right linked mentions over all linked mentions;
- recall: gold mentions with a seed concept that some overlapping linked mention gets right,
  over all gold mentions with a seed concept; a gold mention inside another ("hepatitis B"
  in "hepatitis B vaccine") is `inner`: a link to it is right, but it is not missed when
  the linker takes the longer term;
- `no_seed_concept`: gold mentions whose concept the seed lacks (outside recall);
- ambiguous linked mentions and how many of them were right, apart;
- false links by kind: `no_mention` (linked where the text names nothing medical),
  `not_medical` (of those, on a listed everyday word), `wrong_concept` (on a mention, to
  another concept), `no_seed_concept` (on a mention the seed has no concept for).

`--errors` lists every false link (surface, linked concept, gold) and every miss. Builds
the seed in a temporary embedded store, as `link_quality.py` does. Prints one JSON object
last.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from link_quality import seeded_normalizer
from pydantic import BaseModel, ConfigDict

from ingest import read_jsonl
from kg.linking.normalizer import LinkedMention, Normalizer

TEXTS = Path(__file__).resolve().parents[1] / "data" / "link_running_text.jsonl"


class Span(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    surface: str


class GoldMention(Span):
    cui: str | None  # None: the seed has no concept for this mention
    also: list[str] = []
    note: str = ""

    @property
    def accepted(self) -> set[str]:
        return {*self.also, *([self.cui] if self.cui else [])}


class RunningText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    lang: str
    text: str
    mentions: list[GoldMention]
    not_medical: list[Span] = []
    note: str = ""


def overlaps(a: Span | LinkedMention, b: Span | LinkedMention) -> bool:
    return a.start < b.end and b.start < a.end


def contains(outer: Span, inner: Span) -> bool:
    """`inner` lies within `outer` and is shorter."""
    return outer.start <= inner.start and inner.end <= outer.end and outer.end - outer.start > inner.end - inner.start


def linked_cuis(mention: LinkedMention) -> list[str]:
    """The concepts a linked mention stands for: its best candidate, or every candidate tied
    with it when it is ambiguous."""
    if not mention.ambiguous:
        return [mention.best.cui]
    return [c.cui for c in mention.candidates if c.ambiguous]


class Tally(BaseModel):
    texts: int = 0
    gold: int = 0
    inner: int = 0
    gold_in_seed: int = 0
    found: int = 0
    linked: int = 0
    right: int = 0
    ambiguous: int = 0
    ambiguous_right: int = 0
    false_links: Counter[str] = Counter()

    def figures(self) -> dict[str, object]:
        return {
            "texts": self.texts,
            "precision": round(self.right / self.linked, 3) if self.linked else None,
            "recall": round(self.found / self.gold_in_seed, 3) if self.gold_in_seed else None,
            "linked": self.linked,
            "right": self.right,
            "gold": self.gold,
            "gold_in_seed": self.gold_in_seed,
            "inner": self.inner,
            "no_seed_concept": self.gold - self.inner - self.gold_in_seed,
            "found": self.found,
            "ambiguous": self.ambiguous,
            "ambiguous_right": self.ambiguous_right,
            "false_links": dict(sorted(self.false_links.items())),
        }


def false_kind(mention: LinkedMention, text: RunningText) -> str:
    gold = [g for g in text.mentions if overlaps(g, mention)]
    if not gold:
        return "not_medical" if any(overlaps(s, mention) for s in text.not_medical) else "no_mention"
    return "wrong_concept" if any(g.cui for g in gold) else "no_seed_concept"


def describe(mention: LinkedMention) -> str:
    return f"{mention.best.cui} {mention.best.name} (term {mention.best.term!r}, {mention.best.method})"


def evaluate(
    normalizer: Normalizer, texts: list[RunningText]
) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    errors: list[dict[str, object]] = []
    for text in texts:
        linked = normalizer.link(text.text, text.lang)
        groups = [tallies["all"], tallies[f"lang:{text.lang}"]]
        for tally in groups:
            tally.texts += 1
        for mention in linked:
            gold = [g for g in text.mentions if overlaps(g, mention)]
            right = bool(set(linked_cuis(mention)) & {cui for g in gold for cui in g.accepted})
            kind = None if right else false_kind(mention, text)
            for tally in groups:
                tally.linked += 1
                tally.right += right
                tally.ambiguous += mention.ambiguous
                tally.ambiguous_right += mention.ambiguous and right
                if kind:
                    tally.false_links[kind] += 1
            if kind:
                errors.append(
                    {
                        "id": text.id,
                        "false_link": mention.surface,
                        "span": [mention.start, mention.end],
                        "linked": describe(mention),
                        "ambiguous": mention.ambiguous,
                        "kind": kind,
                        "gold": [f"{g.surface} -> {g.cui or g.note}" for g in gold],
                    }
                )
        for gold_mention in text.mentions:
            inner = any(contains(other, gold_mention) for other in text.mentions)
            for tally in groups:
                tally.gold += 1
                tally.inner += inner
            if gold_mention.cui is None or inner:
                continue
            found = any(overlaps(gold_mention, m) and set(linked_cuis(m)) & gold_mention.accepted for m in linked)
            for tally in groups:
                tally.gold_in_seed += 1
                tally.found += found
            if not found:
                near = [f"{m.surface} -> {describe(m)}" for m in linked if overlaps(gold_mention, m)]
                errors.append(
                    {"id": text.id, "miss": gold_mention.surface, "cui": gold_mention.cui, "linked_instead": near}
                )
    report = {group: tally.figures() for group, tally in sorted(tallies.items())}
    return report, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--seed", type=Path, default=None, help="a seed directory (default: the shipped seed)")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    normalizer = seeded_normalizer(args.threshold, args.seed)
    report, errors = evaluate(normalizer, list(read_jsonl(TEXTS, RunningText)))
    if args.errors:
        for error in errors:
            print(json.dumps(error, ensure_ascii=False))
    print(json.dumps({"threshold": args.threshold, **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
