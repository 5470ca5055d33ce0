"""Japanese readings: a term in kanji found from its kana spelling, and the guards on it.

Small lexicons built here name their own concepts (the words are real, their readings
IPAdic's); the last tests run on the shipped seed."""

from __future__ import annotations

import pytest

from kg.linking.lexicon import ConceptInfo, Lexicon, TermRow
from kg.linking.normalizer import Normalizer
from kg.linking.readings import ReadingIndex, kanji_agree, readings
from kg.linking.text import fold


def _normalizer(terms: dict[str, list[tuple[str, str]]]) -> Normalizer:
    """A normalizer over concepts named by their id, each with (text, lang) terms."""
    concepts = [ConceptInfo(cui=cui, name=cui) for cui in terms]
    rows = [TermRow(text=text, lang=lang, cui=cui) for cui, texts in terms.items() for text, lang in texts]
    return Normalizer(Lexicon(concepts, rows))


def _found(normalizer: Normalizer, text: str) -> list[tuple[str, str, float]]:
    return [(c.cui, c.method, c.score) for c in normalizer.lookup(text, "ja")]


def test_kana_is_its_own_reading_and_kanji_are_read_by_ipadic() -> None:
    assert readings("こうそく") == readings("コウソク") == ("こうそく",)
    assert readings("梗塞") == readings("拘束") == ("こうそく",)
    assert readings("脳こうそく") == readings("脳梗塞") == ("のうこうそく",)
    assert readings("痒み") == ("かゆみ",)  # a kanji stem and its kana ending


def test_a_term_keeps_the_readings_ipadic_gives_it_as_one_word() -> None:
    assert readings("腹痛") == ("はらいた", "ふくつう")  # IPAdic's first is the everyday one
    assert readings("浮腫") == ("ふしゅ", "むくみ")


def test_characters_ipadic_reads_one_by_one_give_no_reading() -> None:
    # IPAdic holds neither word: it would read 黄|熱 き|ねつ (おうねつ) and 振|戦 ふ|せん (しんせん).
    assert readings("黄熱") == ()
    assert readings("振戦") == ()
    assert readings("帯状ほう疹") == ()  # 疹 alone has no reading
    assert readings("HbA1c") == ()  # neither kana nor kanji


def test_the_index_holds_terms_with_kanji_under_each_reading() -> None:
    index = ReadingIndex()
    index.add(0, "浮腫")
    index.add(1, "むくみ")  # kana alone: its key already is its reading
    assert list(index.search("ふしゅ")) == list(index.search("むくみ")) == [0]
    assert len(index) == 2


def test_kanji_agree_asks_for_every_kanji_of_the_query() -> None:
    assert kanji_agree(fold("汗せん"), fold("汗腺"))
    assert not kanji_agree(fold("汗せん"), fold("感染"))
    assert not kanji_agree(fold("かんせん"), fold("汗腺"))  # no kanji: nothing to decide with


def test_kana_for_kanji_links_below_an_exact_match() -> None:
    normalizer = _normalizer({"headache": [("頭痛", "ja")], "infarction": [("脳梗塞", "ja")]})
    assert _found(normalizer, "ずつう") == [("headache", "reading", 0.9)]
    assert _found(normalizer, "ズツウ") == [("headache", "reading", 0.9)]
    assert _found(normalizer, "のう梗塞") == [("infarction", "reading", 0.9)]  # kanji and kana mixed
    assert _found(normalizer, "頭痛") == [("headache", "exact", 1.0)]


def test_kanji_for_a_term_written_in_kana() -> None:
    normalizer = _normalizer({"stomach cancer": [("胃がん", "ja")], "bipolar": [("躁うつ病", "ja")]})
    assert _found(normalizer, "胃癌") == [("stomach cancer", "reading", 0.9)]
    # IPAdic cannot read 躁 apart from 躁鬱病, so the kana spelling has no reading to meet.
    assert _found(normalizer, "躁鬱病") == []


def test_kanji_that_merely_sound_alike_are_two_words() -> None:
    normalizer = _normalizer({"infarction": [("梗塞", "ja")]})
    assert _found(normalizer, "拘束") == []  # restraint, read こうそく too: no kana on either side


def test_a_reading_two_concepts_share_is_refused_unless_the_query_kanji_decide() -> None:
    normalizer = _normalizer({"infection": [("感染", "ja")], "sweat gland": [("汗腺", "ja")]})
    assert _found(normalizer, "かんせん") == []
    assert _found(normalizer, "汗せん") == [("sweat gland", "reading", 0.9)]
    assert _found(normalizer, "感せん") == [("infection", "reading", 0.9)]


def test_an_exact_match_beats_a_reading_match() -> None:
    # かんせん is also the reading of 汗腺, which alone would be taken by reading.
    normalizer = _normalizer({"infection": [("かんせん", "ja")], "sweat gland": [("汗腺", "ja")]})
    assert _found(normalizer, "かんせん") == [("infection", "exact", 1.0)]
    assert _found(normalizer, "汗せん") == [("sweat gland", "reading", 0.9)]


def test_an_opposite_pair_is_not_crossed() -> None:
    normalizer = _normalizer({"hypertension": [("高血圧", "ja")], "hypotension": [("低血圧", "ja")]})
    assert _found(normalizer, "こうけつあつ") == [("hypertension", "reading", 0.9)]
    assert _found(normalizer, "ていけつあつ") == [("hypotension", "reading", 0.9)]
    assert _found(normalizer, "低けつあつ") == [("hypotension", "reading", 0.9)]
    assert _found(normalizer, "けつあつ") == []  # blood pressure alone is neither


def test_common_words_and_one_kana_readings_do_not_link() -> None:
    normalizer = _normalizer({"lung": [("肺", "ja")], "stomach": [("胃", "ja")], "brain": [("脳", "ja")]})
    assert _found(normalizer, "はい") == []  # "yes", a common word, though 肺 reads はい
    assert _found(normalizer, "い") == []  # one kana
    assert _found(normalizer, "のう") == [("brain", "reading", 0.9)]
    assert normalizer.link("はい", "ja") == []  # a short text linked as one term keeps the guard


def test_readings_are_for_japanese_queries_only() -> None:
    normalizer = _normalizer({"headache": [("頭痛", "ja")], "cough-zh": [("咳嗽", "zh")]})
    assert normalizer.lookup("ずつう", "zh") == []
    assert _found(normalizer, "がいそう") == []  # the Chinese term is not read as Japanese


def test_a_learned_japanese_term_is_read_too() -> None:
    normalizer = _normalizer({"nausea": [("悪心", "ja")], "vomiting": [("吐く", "ja")]})
    assert _found(normalizer, "おうと") == []
    assert normalizer.learn(TermRow(text="嘔吐", lang="ja", cui="vomiting"))
    assert _found(normalizer, "おうと") == [("vomiting", "reading", 0.9)]


@pytest.mark.parametrize(
    ("text", "name"),
    [("ずつう", "Headache"), ("ねむけ", "Drowsiness"), ("のうこうそく", "Ischaemic stroke")],
)
def test_the_seed_is_found_by_reading(normalizer: Normalizer, text: str, name: str) -> None:
    found = normalizer.lookup(text, "ja")
    assert [(c.name, c.method) for c in found[:1]] == [(name, "reading")]
