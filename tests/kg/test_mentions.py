"""Dictionary matching: longest match, word boundaries in Latin script, none needed in CJK
and Thai, short capital abbreviations only in capitals."""

from __future__ import annotations

from kg.linking.mentions import DictionaryMatcher
from kg.linking.text import fold

KEYS = [
    fold(k)
    for k in [
        "diabetes",
        "diabetes mellitus",
        "type 2 diabetes mellitus",
        "tb",
        "al",
        "糖尿病",
        "结核",
        "肺结核",
        "มาลาเรีย",
        "ไข้",
        "ibà",
    ]
]


def _found(text: str, case_sensitive: set[int] | None = None) -> list[str]:
    return [span.surface for span in DictionaryMatcher(KEYS, case_sensitive).find(text)]


def test_longest_match_wins() -> None:
    assert _found("known type 2 diabetes mellitus and diabetes") == ["type 2 diabetes mellitus", "diabetes"]
    assert _found("疑似肺结核和糖尿病") == ["肺结核", "糖尿病"]


def test_latin_words_are_not_cut_but_other_scripts_need_no_spaces() -> None:
    assert _found("stbl total diabetesmellitus") == []
    assert _found("ผู้ป่วยเป็นไข้มาลาเรีย") == ["ไข้", "มาลาเรีย"]
    assert _found("HIV阳性，TB阳性") == ["TB"]


def test_capital_abbreviations_match_only_in_capitals() -> None:
    abbreviations = {KEYS.index("tb"), KEYS.index("al")}
    assert _found("Give AL for malaria, al dente pasta, TB or tb", abbreviations) == ["AL", "TB"]


def test_spans_point_into_the_original_text() -> None:
    text = "Ọmọ náà ní Ibà; ＤＩＡＢＥＴＥＳ too"
    spans = DictionaryMatcher(KEYS).find(text)
    assert [text[s.start : s.end] for s in spans] == ["Ibà", "ＤＩＡＢＥＴＥＳ"]
