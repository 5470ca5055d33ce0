"""The running-text set (tests/data/link_running_text.jsonl) is sound, and linking keeps its
precision and recall on it: the figures per language and the false links are
`tests/benchmarks/running_text.py`'s."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from kg.linking.normalizer import LinkedMention, Normalizer

TEXTS = Path(__file__).resolve().parents[1] / "data" / "link_running_text.jsonl"
LANGS = {"en", "zh", "ja", "ko", "sw", "th", "yo"}


@pytest.fixture(scope="module")
def texts() -> list[dict[str, Any]]:
    lines = TEXTS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _overlap(a: dict[str, Any] | LinkedMention, b: dict[str, Any]) -> bool:
    start, end = (a.start, a.end) if isinstance(a, LinkedMention) else (a["start"], a["end"])
    return start < b["end"] and b["start"] < end


def _accepted(gold: dict[str, Any]) -> set[str]:
    return {*gold.get("also", []), *([gold["cui"]] if gold["cui"] else [])}


def _inner(gold: dict[str, Any], text: dict[str, Any]) -> bool:
    """`gold` lies inside a longer gold mention ("hepatitis B" in "hepatitis B vaccine")."""
    return any(
        o["start"] <= gold["start"] and gold["end"] <= o["end"] and o["end"] - o["start"] > gold["end"] - gold["start"]
        for o in text["mentions"]
    )


def _cuis(mention: LinkedMention) -> set[str]:
    """An ambiguous mention stands for every candidate tied with its best."""
    return {c.cui for c in mention.candidates if c.ambiguous} if mention.ambiguous else {mention.best.cui}


def test_the_set_is_sound(texts: list[dict[str, Any]], normalizer: Normalizer) -> None:
    assert len(texts) >= 150 and {t["lang"] for t in texts} == LANGS
    assert len({t["id"] for t in texts}) == len(texts)
    known = set(normalizer.lexicon.concepts)
    for text in texts:
        for span in text["mentions"] + text.get("not_medical", []):
            assert text["text"][span["start"] : span["end"]] == span["surface"], (text["id"], span)
        for gold in text["mentions"]:
            # An id that moved (our MC ids become CUIs) would turn a right link false.
            assert _accepted(gold) <= known, (text["id"], gold)
            assert gold["cui"] or gold.get("note"), (text["id"], gold)  # say what the seed lacks
        # An everyday word is not also a medical mention.
        assert not [s for s in text.get("not_medical", []) for g in text["mentions"] if _overlap(s, g)], text["id"]


def test_linking_keeps_its_precision_and_recall(texts: list[dict[str, Any]], normalizer: Normalizer) -> None:
    linked: dict[str, list[bool]] = defaultdict(list)  # per language: each linked mention right or not
    found: dict[str, list[bool]] = defaultdict(list)  # per language: each gold mention with a seed concept found
    for text in texts:
        lang, mentions = text["lang"], normalizer.link(text["text"], text["lang"])
        for mention in mentions:
            accepted = {cui for g in text["mentions"] if _overlap(mention, g) for cui in _accepted(g)}
            linked[lang].append(bool(_cuis(mention) & accepted))
        for gold in text["mentions"]:
            if gold["cui"] and not _inner(gold, text):
                found[lang].append(any(_overlap(m, gold) and _cuis(m) & _accepted(gold) for m in mentions))
    precision = {lang: sum(v) / len(v) for lang, v in linked.items()}
    recall = {lang: sum(v) / len(v) for lang, v in found.items()}
    every_link = [right for values in linked.values() for right in values]
    every_gold = [hit for values in found.values() for hit in values]
    # 2026-12-03, 212 texts: precision 0.951 (253 of 266 links), recall 0.724 (246 of 340);
    # per language precision 0.917 (th) to 1.0 (ja, ko, yo). The aim is 0.97.
    assert sum(every_link) / len(every_link) >= 0.94, precision
    assert sum(every_gold) / len(every_gold) >= 0.70, recall
    assert min(precision.values()) >= 0.9, precision
