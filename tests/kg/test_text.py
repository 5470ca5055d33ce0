"""Folding: the variants a reader treats as one word fold alike; meaning-bearing marks stay;
spans of folded text map back to what was written."""

from __future__ import annotations

import pytest

from kg.linking.text import fold, fold_spans


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("ìbà", "iba"),  # Yoruba tone marks
        ("ọ̀gbẹ́ ọrùn", "ogbe orun"),  # under-dots with combining tone marks
        ("O\u0323\u0300mọ", "omo"),  # decomposed input
        ("ＨＩＶ感染", "hiv感染"),  # full-width Latin
        ("ﾏﾗﾘｱ", "まらりあ"),  # half-width katakana (and katakana folds to hiragana)
        ("ｲﾝﾌﾙｴﾝｻﾞ", "いんふるえんざ"),  # half-width voiced mark joins its kana
        ("ケイレン", "けいれん"),
        ("瘧疾", "疟疾"),  # traditional -> simplified
        ("高血壓", "高血压"),
        ("Artemether–lumefantrine", "artemether lumefantrine"),  # en dash
        ("artemether-lumefantrine", "artemether lumefantrine"),
        ("Alzheimer’s  disease", "alzheimers disease"),  # curly apostrophe, double space
        ("ギラン・バレー症候群", "ぎらんばれー症候群"),  # katakana middle dot
        ("  Malaria\u00a0", "malaria"),
        ("B형 간염", "b형간염"),  # Korean compound spacing varies
    ],
)
def test_variants_fold_to_the_standard_form(variant: str, standard: str) -> None:
    assert fold(variant) == standard


@pytest.mark.parametrize(("one", "other"), [("ไข้", "ไข"), ("ガン", "カン"), ("HIV+", "HIV"), ("당뇨병", "당뇨")])
def test_marks_that_carry_meaning_are_kept(one: str, other: str) -> None:
    assert fold(one) != fold(other)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Ọmọ náà ní ibà  gidi (malaria).", "iba"),
        ("Ọmọ náà ní ibà  gidi (malaria).", "malaria"),
        ("ｲﾝﾌﾙｴﾝｻﾞにかかった", "いんふるえんざ"),
        ("患者は ＨＩＶ感染 と診断", "hiv感染"),
        ("The patient’s Alzheimer’s disease", "alzheimers disease"),
        ("ผู้ป่วยเป็นไข้มาลาเรีย", "มาลาเรีย"),
        ("만성 B형 간염 환자", "b형간염"),
    ],
)
def test_folded_spans_map_back_to_the_written_text(text: str, word: str) -> None:
    folded = fold_spans(text)
    start = folded.text.index(word)
    begin, end = folded.span(start, start + len(word))
    assert fold(text[begin:end]) == word
    assert text[begin:end] == text[begin:end].strip()
