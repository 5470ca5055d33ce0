"""The shipped seed vocabulary: well-formed, sourced, seven languages in fitting scripts."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest import build_seed, read_jsonl, seed_dir, seed_files
from ingest.records import ConceptRecord
from kg import GraphStore, IngestError
from kg.graph.model import ConceptRelation, LocalPractice
from kg.graph.semantic_types import semantic_types

LANGS = ("en", "zh", "ja", "ko", "sw", "th", "yo")
LOCAL_LANG = {"KE": "sw", "TZ": "sw", "NG": "yo", "TH": "th", "CN": "zh", "JP": "ja", "KR": "ko"}


HAN, KANA = "\u4e00-\u9fff\u3400-\u4dbf", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
SCRIPTS = {
    "zh": f"[{HAN}]",
    "ja": f"[{HAN}{KANA}]",
    "ko": "[\uac00-\ud7af\u1100-\u11ff]",
    "th": "[\u0e00-\u0e7f]",
}


def _latin(char: str) -> bool:
    # Yoruba tone marks and under-dots decompose to a Latin letter plus combining marks.
    return unicodedata.normalize("NFD", char)[0].isascii()


def _script_ok(lang: str, text: str) -> bool:
    """en/sw/yo: Latin letters only. zh/ja/ko/th: letters of the language's script, with
    Latin allowed beside them for acronyms such as 'HIV感染', and at least one in-script."""
    letters = [c for c in text if c.isalpha() and unicodedata.category(c) != "Mn"]
    if lang not in SCRIPTS:
        return all(_latin(c) for c in letters)
    native = [bool(re.match(SCRIPTS[lang], c)) for c in letters]
    return any(native) and all(ok or _latin(c) for ok, c in zip(native, letters, strict=True))


CONCEPTS = [r for path in seed_files(seed_dir(), "concepts") for r in read_jsonl(path, ConceptRecord)]
RELATIONS = [r for path in seed_files(seed_dir(), "relations") for r in read_jsonl(path, ConceptRelation)]
PRACTICE = [r for path in seed_files(seed_dir(), "local_practice") for r in read_jsonl(path, LocalPractice)]


def test_seed_size() -> None:
    assert len(CONCEPTS) >= 500
    assert len(RELATIONS) >= 500
    assert len(PRACTICE) >= 150
    assert {p.region for p in PRACTICE} == set(LOCAL_LANG)  # every region behind the six languages


def test_ids_are_unique_and_every_end_exists() -> None:
    ids = [c.cui for c in CONCEPTS]
    assert len(ids) == len(set(ids))
    for edge in [*RELATIONS, *PRACTICE]:
        assert edge.head in ids and edge.tail in ids, edge


@pytest.mark.parametrize("record", CONCEPTS, ids=lambda c: c.cui)
def test_concept_has_all_seven_languages_in_fitting_scripts(record: ConceptRecord) -> None:
    assert set(LANGS) <= set(record.terms)
    for lang in LANGS:
        assert record.terms[lang], f"{record.cui} has no {lang} term"
        for text in record.terms[lang]:
            assert _script_ok(lang, text), f"{record.cui}: {text!r} is not in {lang} script"


def test_semantic_types_are_official() -> None:
    official = semantic_types()
    assert len(official) == 127
    assert {tui for c in CONCEPTS for tui in c.semantic_types} <= set(official)


def test_local_practice_is_in_the_region_language_and_sourced() -> None:
    for fact in PRACTICE:
        assert fact.lang == LOCAL_LANG[fact.region], fact
        assert re.search(r"(19|20)\d\d", fact.source), f"no year in source: {fact.source}"


def test_build_loads_the_seed_and_is_idempotent(embedded: GraphStore) -> None:
    build_seed(embedded)
    first = embedded.counts()
    build_seed(embedded)
    assert embedded.counts() == first
    assert first.nodes["Concept"] == len(CONCEPTS)
    assert first.relationships["LOCAL_PRACTICE"] == len(PRACTICE)
    assert first.nodes["Term"] == sum(len(set(v)) for c in CONCEPTS for v in c.terms.values())


def test_malformed_concept_line_names_file_line_and_field(embedded: GraphStore, tmp_path: Path) -> None:
    build_seed(embedded)
    before = embedded.counts()
    good = (seed_dir() / "concepts.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    bad = json.loads(good[1])
    bad["semantic_types"] = ["X999"]
    for name in ("concepts.jsonl", "relations.jsonl", "local_practice.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "concepts.jsonl").write_text("\n".join([good[0], json.dumps(bad)]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"concepts\.jsonl:2: semantic_types\.0"):
        build_seed(embedded, tmp_path)
    assert embedded.counts() == before  # nothing already in the graph was lost


def test_non_json_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "relations.jsonl"
    path.write_text('{"head": "C0024530", "rel": "TREATS", "tail": "C0011849", "source": "s"}\n{oops\n')
    with pytest.raises(IngestError, match=r"relations\.jsonl:2: not valid JSON"):
        list(read_jsonl(path, ConceptRelation))
