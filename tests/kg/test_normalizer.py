"""The normalizer on the shipped seed in the real embedded store: linking in all seven
languages, each lookup method, the threshold, learned terms and the on-disk index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import GraphStore, LinkingError, load_settings, open_store
from kg.graph.model import Term
from kg.linking.lexicon_cache import add_learned_term, load_normalizer
from kg.linking.normalizer import Normalizer

MALARIA, FEVER, DIABETES, TB, AL = "C0024530", "C0015967", "C0011849", "C0041296", "MC000001"


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[GraphStore, Path]]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        store = open_store(load_settings(home=directory))
        build_seed(store)
        try:
            yield store, Path(directory)
        finally:
            store.close()


@pytest.fixture(scope="module")
def normalizer(seeded: tuple[GraphStore, Path]) -> Normalizer:
    store, home = seeded
    return load_normalizer(store, load_settings(home=home))


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("A child with malaria was given artemether-lumefantrine.", "en", {MALARIA, AL}),
        ("患者患有疟疾和糖尿病。", "zh", {MALARIA, DIABETES}),
        ("マラリアと糖尿病の患者", "ja", {MALARIA, DIABETES}),
        ("말라리아와 당뇨병 환자", "ko", {MALARIA, DIABETES}),
        ("Mgonjwa ana malaria na kisukari.", "sw", {MALARIA, DIABETES}),
        ("ผู้ป่วยเป็นมาลาเรียและเบาหวาน", "th", {MALARIA, DIABETES}),
        ("Aláìsàn náà ní àtọ̀gbẹ", "yo", {DIABETES}),
    ],
)
def test_link_finds_concepts_in_every_language(
    normalizer: Normalizer, text: str, lang: str, expected: set[str]
) -> None:
    mentions = normalizer.link(text, lang)
    assert {m.best.cui for m in mentions} >= expected
    for m in mentions:
        assert text[m.start : m.end] == m.surface
        assert m.best.name and m.best.semantic_types and m.best.score >= 0.8


def test_each_lookup_method(normalizer: Normalizer) -> None:
    exact = normalizer.lookup("Malaria", "en")[0]
    assert (exact.cui, exact.method, exact.score) == (MALARIA, "exact", 1.0)
    variant = normalizer.lookup("瘧疾", "zh")[0]  # traditional characters
    assert (variant.cui, variant.method) == (MALARIA, "variant")
    fuzzy = normalizer.lookup("tuberculossis", "en")[0]
    assert (fuzzy.cui, fuzzy.method) == (TB, "fuzzy") and 0.8 <= fuzzy.score < 1.0
    context = "She took artemether-lumefantrine (ARTL) for three days; ARTL was well tolerated."
    abbreviation = normalizer.lookup("ARTL", "en", context=context)[0]
    assert (abbreviation.cui, abbreviation.method) == (AL, "abbreviation")


def test_abbreviation_defined_in_english_text_is_linked(normalizer: Normalizer) -> None:
    text = "She took artemether-lumefantrine (ARTL) for three days; ARTL was well tolerated."
    linked = [(m.surface, m.best.cui, m.best.method) for m in normalizer.link(text, "en")]
    assert linked == [
        ("artemether-lumefantrine", AL, "exact"),
        ("ARTL", AL, "abbreviation"),
        ("ARTL", AL, "abbreviation"),
    ]


def test_yoruba_without_tone_marks_and_ranking_by_language(normalizer: Normalizer) -> None:
    found = normalizer.lookup("iba", "yo")
    assert {c.cui for c in found} >= {MALARIA, FEVER}
    assert all(c.method == "variant" for c in found)


def test_nothing_below_the_threshold_is_forced(normalizer: Normalizer) -> None:
    assert normalizer.lookup("xylophone repair", "en") == []
    assert normalizer.link("The weather was fine yesterday.", "en") == []


def test_learned_term_is_linked_never_overwrites_curated_and_refreshes_the_cache(
    seeded: tuple[GraphStore, Path],
) -> None:
    store, home = seeded
    normalizer = load_normalizer(store, load_settings(home=home))
    assert normalizer.lookup("homa kali ya mbu", "sw") == []
    learned = Term(
        text="homa kali ya mbu", lang="sw", cui=MALARIA, source="run r1", status="learned", confidence=0.7, run="r1"
    )
    assert add_learned_term(store, normalizer, learned)
    found = normalizer.lookup("homa kali ya mbu", "sw")[0]
    assert (found.cui, found.method) == (MALARIA, "exact")
    in_text = normalizer.link("Mtoto ana homa kali ya mbu leo.", "sw")  # the matcher learned it too
    assert [(m.surface, m.best.cui) for m in in_text] == [("homa kali ya mbu", MALARIA)]

    curated_key = "en:malaria:" + MALARIA
    before = store.node_properties("Term", [curated_key])[curated_key]
    overwrite = Term(text="malaria", lang="en", cui=MALARIA, source="run r2", status="learned", confidence=0.1)
    assert not add_learned_term(store, normalizer, overwrite)
    assert store.node_properties("Term", [curated_key])[curated_key] == before

    reloaded = load_normalizer(store, load_settings(home=home))  # the vocabulary changed: a new cache
    assert reloaded.lookup("homa kali ya mbu", "sw")[0].cui == MALARIA
    assert len(list((home / "index").glob("lexicon-*.pickle"))) == 1

    with pytest.raises(LinkingError, match="MC999999"):
        add_learned_term(store, normalizer, Term(text="x y", lang="en", cui="MC999999", source="run r3"))


def test_an_empty_graph_says_what_to_do(embedded: GraphStore, home: Path) -> None:
    with pytest.raises(LinkingError, match="medcore kg build"):
        load_normalizer(embedded, load_settings(home=home))


def test_chinese_homophones_typed_by_pinyin_input_are_linked(normalizer: Normalizer) -> None:
    found = normalizer.lookup("虐疾", "zh")  # 疟疾, malaria, typed by sound
    assert [(c.cui, c.method, c.score) for c in found[:1]] == [(MALARIA, "homophone", 0.9)]
    assert normalizer.lookup("糖尿并", "zh")[0].cui == DIABETES
    assert normalizer.lookup("虐疾", "ja") == []  # Japanese is not typed by pinyin


@pytest.mark.parametrize(
    ("text", "lang", "never"),
    [
        ("hyperglycaemia", "en", "C0020615"),  # not hypoglycaemia
        ("ภาวะน้ำตาลสูงในเลือด", "th", "C0020615"),
        ("hepatitis C virus", "en", "MC100062"),  # not hepatitis B virus
        ("vitamin A", "en", "MC300028"),  # not folic acid (vitamin B9)
        ("shinikizo la damu la juu", "sw", "C0020649"),  # not hypotension
    ],
)
def test_a_near_match_never_contradicts_the_text(normalizer: Normalizer, text: str, lang: str, never: str) -> None:
    assert never not in {c.cui for c in normalizer.lookup(text, lang)}
    assert never not in {m.best.cui for m in normalizer.link(text, lang)}
