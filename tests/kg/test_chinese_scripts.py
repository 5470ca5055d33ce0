"""Traditional and simplified Chinese, and the regional words OpenCC's phrase tables know.

Small lexicons built here name their own concepts; the words and their regional forms are
OpenCC's (1.4 or later)."""

from __future__ import annotations

from kg.linking.chinese_scripts import mainland_forms, regional_forms, t2s_characters
from kg.linking.lexicon import ConceptInfo, Lexicon, TermRow
from kg.linking.normalizer import Normalizer
from kg.linking.text import fold


def _normalizer(terms: dict[str, list[tuple[str, str]]]) -> Normalizer:
    concepts = [ConceptInfo(cui=cui, name=cui) for cui in terms]
    rows = [TermRow(text=text, lang=lang, cui=cui) for cui, texts in terms.items() for text, lang in texts]
    return Normalizer(Lexicon(concepts, rows))


def _found(normalizer: Normalizer, text: str, lang: str = "zh") -> list[tuple[str, str, str]]:
    return [(c.cui, c.method, c.term) for c in normalizer.lookup(text, lang)]


def test_characters_fold_to_simplified_on_both_sides() -> None:
    assert t2s_characters()["腦"] == "脑"
    assert fold("腦梗死") == fold("脑梗死") == "脑梗死"
    # 發 (emit) and 髮 (hair) are both 发: simplified text cannot tell them apart either.
    assert fold("發") == fold("髮") == "发"


def test_regional_forms_of_mainland_terms() -> None:
    taiwan, hong_kong = "憂鬱症", "抑鬱症"
    assert list(regional_forms(["糖尿病", "抑郁症"])) == [(1, (taiwan, hong_kong))]
    assert mainland_forms("腦梗塞")[0] == "脑梗死"
    assert mainland_forms("糖尿病") == ()


def test_a_taiwan_term_links_to_its_mainland_term_in_lookup_and_in_text() -> None:
    normalizer = _normalizer({"depression": [("抑郁症", "zh")], "cerebral infarction": [("脑梗死", "zh")]})
    assert _found(normalizer, "憂鬱症") == [("depression", "variant", "抑郁症")]
    assert _found(normalizer, "抑鬱症") == [("depression", "variant", "抑郁症")]  # characters only: the fold
    assert _found(normalizer, "腦梗塞") == [("cerebral infarction", "variant", "脑梗死")]
    linked = normalizer.link("她三年前得了憂鬱症。", "zh")
    assert [(m.surface, m.best.cui, m.best.method) for m in linked] == [("憂鬱症", "depression", "variant")]


def test_a_regional_form_never_outranks_a_term_written_so() -> None:
    # 心肌梗塞 is Taiwan's 心肌梗死; a lexicon that holds 心肌梗塞 itself keeps it.
    normalizer = _normalizer({"mi": [("心肌梗死", "zh")], "other": [("心肌梗塞", "zh")]})
    assert normalizer.regional.get(fold("心肌梗塞")) is None
    assert _found(normalizer, "心肌梗塞") == [("other", "exact", "心肌梗塞")]


def test_a_regional_form_two_concepts_share_is_dropped_and_one_concept_may_share_it() -> None:
    # 心梗 and 心肌梗死 are both 心肌梗塞 in Taiwan.
    same = _normalizer({"mi": [("心梗", "zh"), ("心肌梗死", "zh")]})
    assert _found(same, "心肌梗塞")[0][:2] == ("mi", "variant")
    apart = _normalizer({"mi": [("心肌梗死", "zh")], "mi-short": [("心梗", "zh")]})
    assert apart.regional.get(fold("心肌梗塞")) is None
    assert apart.link("他去年心肌梗塞。", "zh") == []
    # A looked-up Taiwan term is still converted the other way, which names one term.
    assert _found(apart, "心肌梗塞") == [("mi", "variant", "心肌梗死")]


def test_a_learned_chinese_term_gets_its_regional_form() -> None:
    normalizer = _normalizer({"diabetes": [("糖尿病", "zh")], "depression": [("depression", "en")]})
    assert _found(normalizer, "憂鬱症") == []
    assert normalizer.learn(TermRow(text="抑郁症", lang="zh", cui="depression"))
    assert _found(normalizer, "憂鬱症") == [("depression", "variant", "抑郁症")]
    assert [m.surface for m in normalizer.link("她得了憂鬱症。", "zh")] == ["憂鬱症"]
