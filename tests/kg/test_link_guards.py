"""The linker's precision guards on the shipped seed in the real embedded store: per-script
minimum length and codes, the typo budget, opposite meanings in every language, common
words, and running text matched with the marks it carries. Concepts are named, not
numbered (the seed's ids move from our own MC ids to UMLS CUIs)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from rapidfuzz import fuzz

from ingest import seed_dir
from kg.linking.common_words import words
from kg.linking.fuzzy import form
from kg.linking.marks import TextMarks, agrees
from kg.linking.mentions import DictionaryMatcher
from kg.linking.normalizer import Normalizer
from kg.linking.opposites import contradicts, marked
from kg.linking.text import fold
from kg.linking.typos import MIN_LENGTH, fuzzy_allowed, is_code, plausible_typo

LANGS = ("en", "zh", "ja", "ko", "sw", "th", "yo")


@pytest.fixture(scope="module")
def cui(normalizer: Normalizer) -> dict[str, str]:
    """Concept ids by name."""
    return {concept.name: concept.cui for concept in normalizer.lexicon.concepts.values()}


def _looked_up(normalizer: Normalizer, text: str, lang: str) -> list[str]:
    return [c.name for c in normalizer.lookup(text, lang)]


def _linked(normalizer: Normalizer, text: str, lang: str) -> list[tuple[str, str]]:
    return [(m.surface, m.best.name) for m in normalizer.link(text, lang)]


# -- length and codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("astma", "en", "Asthma"),  # the shortest Latin misspelling of the labelled set
        ("콜래라", "ko", "Cholera"),  # three Hangul syllables
        ("ピロリ", "ja", "Helicobacter pylori"),  # three kana
        ("ทองผูก", "th", "Constipation"),  # a tone mark dropped
    ],
)
def test_short_misspellings_still_link(normalizer: Normalizer, text: str, lang: str, name: str) -> None:
    assert name in _looked_up(normalizer, text, lang)[:1]


def test_no_fuzzy_lookup_under_the_minimum_length_of_its_script() -> None:
    assert MIN_LENGTH == {"latin": 5, "thai": 6, "kana": 3, "han": 3, "hangul": 3}
    assert not fuzzy_allowed("flux", "flux") and fuzzy_allowed("fluxx", "fluxx")
    assert not fuzzy_allowed("ไข้ๆๆ", "ไข้ๆๆ") and fuzzy_allowed("ทองผูก", "ทองผูก")
    assert not fuzzy_allowed("결헥", "결헥") and fuzzy_allowed("콜래라", "콜래라")


@pytest.mark.parametrize(("text", "never"), [("ALS", "Artemether-lumefantrine"), ("NaCl", "Acetylcysteine")])
def test_codes_are_exact_or_nothing(normalizer: Normalizer, text: str, never: str) -> None:
    assert is_code(text)
    assert never not in _looked_up(normalizer, text, "en")
    assert never not in {name for _, name in _linked(normalizer, f"{text} was given.", "en")}


def test_codes_still_link_exactly_and_in_the_plural(normalizer: Normalizer) -> None:
    assert _looked_up(normalizer, "AL", "en")[:1] == ["Artemether-lumefantrine"]
    assert _looked_up(normalizer, "NAC", "en")[:1] == ["Acetylcysteine"]
    plural = normalizer.lookup("LFTs", "en")[0]
    assert (plural.name, plural.method) == ("Liver function tests", "variant")
    assert not is_code("AFib") and not is_code("Hb test") and is_code("HbA1c") and is_code("LFTs")


# -- the typo budget ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "never"),
    [
        ("incubation", "en", "Intubation"),  # c for t: neither a sound nor a key apart
        ("touching", "en", "Pruritus"),  # three edits from "itching"
        ("oxalic acid", "en", "Folic acid"),
        ("cancel", "en", "Malignant Neoplasms"),  # l for r is a slip in Swahili, not in English
        ("ペリカン", "ja", "Heparin"),  # two kana and a mark from ヘパリン
        ("세균성 복막염", "ko", "Bacterial meningitis"),  # a syllable replaced: 복 (peritoneum) for 수
        ("细菌性腹膜炎", "zh", "Bacterial meningitis"),  # a character replaced: 腹 for 脑
        ("結核性腹膜炎", "ja", "Tuberculous meningitis"),
        ("sukari", "sw", "Diabetes Mellitus"),  # sugar: two letters short of kisukari
        ("방광염", "ko", "Bladder cancer"),  # cystitis: 염 (inflammation) is one letter from 암 (cancer)
        # English words a letter or two from a term, each once taken for it: a word of the
        # language is that word (kg.linking.words)
        ("dioxin", "en", "Digoxin"),
        ("singles", "en", "Herpes zoster"),
        ("couth", "en", "Coughing"),
        ("smocking", "en", "Smoking"),
        ("dearness", "en", "Hearing loss"),
        ("pipes", "en", "Haemorrhoids"),
        ("tainting", "en", "Syncope"),
        ("scaring", "en", "Scarring"),
        ("kansas", "en", "Malignant Neoplasms"),  # not a plural of Yoruba kánsà: Latin stays in its language
    ],
)
def test_a_word_near_a_term_is_not_its_typo(normalizer: Normalizer, text: str, lang: str, never: str) -> None:
    assert never not in _looked_up(normalizer, text, lang)
    assert never not in {name for _, name in _linked(normalizer, text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("malaira", "en", "Malaria"),  # letters swapped
        ("hypertention", "en", "Hypertensive disease"),  # -tion for -sion
        ("kisukali", "sw", "Diabetes Mellitus"),  # l for r
        ("말리리아", "ko", "Malaria"),  # one letter (jamo) of a syllable
        ("고혀랍", "ko", "Hypertensive disease"),  # a letter moved across syllables, as it sounds
        ("쯔쯔가무시", "ko", "Scrub typhus"),  # a whole syllable dropped
        ("デンク熱", "ja", "Dengue"),  # a voicing mark dropped
        ("别嘌呤醇", "zh", "Allopurinol"),  # a character added
        ("ปวดศรีษะ", "th", "Headache"),  # a vowel and a consonant swapped
        ("fevers", "en", "Fever"),  # a word, but the term with a plural ending
        ("chicken pox", "en", "Varicella"),  # two words, but the term split
    ],
)
def test_real_typos_still_link(normalizer: Normalizer, text: str, lang: str, name: str) -> None:
    found = normalizer.lookup(text, lang)
    assert found and found[0].name == name and found[0].method == "fuzzy"


def test_the_budget_rules_by_script() -> None:
    assert plausible_typo("maleria", "malaria") and plausible_typo("malaira", "malaria")
    assert not plausible_typo("incubation", "intubation")  # c and t
    assert plausible_typo("kisukali", "kisukari", "sw") and not plausible_typo("kisukali", "kisukari", "en")
    assert not plausible_typo(fold("糖尿并"), fold("糖尿病"))  # another character: the homophone path's job
    assert plausible_typo(fold("비형 간염"), fold("B형 간염"))  # the letter spelt out in Hangul
    # an English word is not a typo of another, but a British spelling is the same word
    assert not plausible_typo("comma", "coma", "en") and not plausible_typo("dioxin", "digoxin", "en")
    assert plausible_typo("foetal macrosomia", "fetal macrosomia", "en") and plausible_typo("tumours", "tumors", "en")


def test_a_swahili_final_vowel_is_grammar_not_a_typo() -> None:
    assert not plausible_typo("pumua", "pumu", "sw")  # breathe, not asthma: a vowel added
    assert not plausible_typo("ukomo", "ukoma", "sw")  # limit, not leprosy: a vowel changed
    assert plausible_typo("saratan", "saratani", "sw")  # dropped from a loanword
    assert plausible_typo("damuu", "damu", "sw")  # a key pressed twice
    assert plausible_typo("kwinine", "kwinini", "sw") and plausible_typo("kaswendi", "kaswende", "sw")
    assert plausible_typo("ukomo", "ukoma", "yo")  # only Swahili's endings


# -- opposite meanings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("antepartum haemorrhage", "postpartum haemorrhage"),
        ("产前抑郁症", "产后抑郁症"),
        ("산전 출혈", "산후출혈"),
        ("ภาวะตกเลือดก่อนคลอด", "ภาวะตกเลือดหลังคลอด"),
        ("kutokwa na damu kabla ya kujifungua", "kutokwa na damu baada ya kujifungua"),
        ("ẹ̀jẹ̀ sísun ṣáájú ìbímọ", "ẹ̀jẹ̀ sísun lẹ́yìn ìbímọ"),
        ("antenatal", "antinatal"),
        ("intracellular", "intercellular"),
        ("intrauterine pregnancy", "extrauterine pregnancy"),
        ("การตั้งครรภ์ในมดลูก", "การตั้งครรภ์นอกมดลูก"),
        ("甲状腺功能亢进症", "甲状腺功能减退症"),
        ("甲状腺機能亢進症", "甲状腺機能低下症"),
        ("갑상선기능항진증", "갑상선기능저하증"),
        ("過換気", "低換気"),
        ("overactive thyroid", "underactive thyroid"),
        ("kushuka kwa sukari", "kupanda kwa sukari"),
        ("kukojoa mkojo kidogo", "kukojoa mkojo mwingi"),
        ("ìfúnpá gíga", "hypotension"),
        ("HIV阳性", "HIV陰性"),
        ("良性肿瘤", "悪性腫瘍"),
        ("acute kidney injury", "chronic kidney disease"),
        ("左心衰竭", "右心衰竭"),
        ("上消化道出血", "下消化道出血"),
        ("insulin-dependent diabetes", "non-insulin-dependent diabetes"),
        ("HAV infection", "HEV infection"),
        ("씨형 간염", "B형 간염"),
        ("ไวรัสตับอักเสบดี", "โรคไวรัสตับอักเสบบี"),
        ("kisukari aina ya kwanza", "kisukari aina ya pili"),
        ("àtọ̀gbẹ oríṣi kìíní", "àtọ̀gbẹ oríṣi kejì"),
    ],
)
def test_opposite_sides_contradict(a: str, b: str) -> None:
    assert contradicts(a, b) and contradicts(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("左右", "左"), ("prednisolone", "prednisone"), ("hepatitis B", "HBV infection"), ("비형 간염", "B형 간염")],
)
def test_what_does_not_contradict(a: str, b: str) -> None:
    assert not contradicts(a, b)


# Concepts of opposite meaning, or of one family told apart by a designation.
OPPOSITES = [
    ("Hypertensive disease", "Hypotension"),
    ("Hyperthyroidism", "Hypothyroidism"),
    ("Polyuria", "Oliguria"),
    ("Antepartum haemorrhage", "Postpartum haemorrhage"),
    ("Hepatitis A", "Hepatitis B"),
    ("Hepatitis B", "Hepatitis C"),
    ("Hepatitis A", "Hepatitis E"),
    ("Type 1 diabetes mellitus", "Type 2 diabetes mellitus"),
]


def _seed_terms() -> dict[str, dict[str, list[str]]]:
    terms = {}
    for path in sorted(seed_dir().glob("concepts*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                terms[record["name"]] = record["terms"]
    return terms


def test_every_near_pair_of_opposite_seed_terms_contradicts_in_every_language() -> None:
    """A fuzzy lookup of one term of such a pair can reach the other (they are as close as
    the cutoff): unless one of them names no side at all, the table must refuse it."""
    terms = _seed_terms()
    checked = set()
    for first, second in OPPOSITES:
        for lang in LANGS:
            for a in terms[first].get(lang, []):
                for b in terms[second].get(lang, []):
                    if is_code(a) or is_code(b) or fuzz.ratio(form(fold(a)), form(fold(b))) < 75:
                        continue  # codes are never fuzzy; far apart, neither reaches the other
                    if marked(a) and marked(b):
                        assert contradicts(a, b), (lang, a, b)
                        checked.add(lang)
    assert checked == set(LANGS)


@pytest.mark.parametrize(
    ("text", "lang", "never"),
    [
        ("hyperoxaemia", "en", "Hypoxemia"),
        ("antepartum depression", "en", "Postpartum depression"),
        ("intrauterine pregnancy", "en", "Ectopic pregnancy"),
        ("การตั้งครรภ์ในมดลูก", "th", "Ectopic pregnancy"),
        ("ภาวะน้ำตาลในเลือดสูง", "th", "Hypoglycaemia"),
        ("kupanda kwa sukari mwilini", "sw", "Hypoglycaemia"),
        ("ไวรัสตับอักเสบดี", "th", "Hepatitis B"),
        ("HEV infection", "en", "Hepatitis A"),
    ],
)
def test_a_fuzzy_match_never_flips_the_meaning(normalizer: Normalizer, text: str, lang: str, never: str) -> None:
    assert never not in _looked_up(normalizer, text, lang)
    assert never not in {name for _, name in _linked(normalizer, text, lang)}


def test_a_designation_spelt_out_finds_its_own_concept(normalizer: Normalizer) -> None:
    assert _looked_up(normalizer, "씨형 간염", "ko")[:1] == ["Hepatitis C"]
    assert _looked_up(normalizer, "비형 간염", "ko")[:1] == ["Hepatitis B"]


# -- common words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [("èyí", "yo"), ("gẹ́gẹ́", "yo"), ("ọ̀kan", "yo"), ("ète", "yo"), ("eyi", "yo"), ("これら", "ja"), ("these", "en")],
)
def test_common_words_never_link(normalizer: Normalizer, text: str, lang: str) -> None:
    assert normalizer.lookup(text, lang) == [] and normalizer.link(text, lang) == []


def test_the_terms_they_fold_onto_still_link(normalizer: Normalizer) -> None:
    assert _looked_up(normalizer, "ẹ̀yi", "yo")[:1] == ["Measles"]
    assert _looked_up(normalizer, "ọkàn", "yo")[:1] == ["Heart"]
    assert _looked_up(normalizer, "gẹ̀gẹ̀", "yo")[:1] == ["Goitre"]
    assert _looked_up(normalizer, "コレラ", "ja")[:1] == ["Cholera"]
    # A term written exactly like a common word wins: Korean 열 is fever as well as ten.
    assert "Fever" in _looked_up(normalizer, "열", "ko")


def test_every_language_ships_a_sourced_list() -> None:
    for lang in LANGS:
        path = resources.files("kg").joinpath(f"data/common_words_{lang}.tsv")
        lines = path.read_text(encoding="utf-8").splitlines()
        header = [line for line in lines if line.startswith("#")]
        declared = {line.split(":")[0].strip("# ").strip() for line in header if line.startswith("#   ")}
        rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
        assert words(lang) and len(rows) == len(words(lang)) and any("Sources:" in line for line in header)
        for row in rows:
            assert row[1] in declared, (lang, row)
            assert row[1] != "H" or len(row) == 3, f"{lang}: a word added by hand says what it is: {row}"


# -- running text and its marks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "never"),
    [
        ("Mo rí èyí lánàá.", "yo", "Measles"),
        ("Ó ṣe é gẹ́gẹ́ bí mo ti sọ.", "yo", "Goitre"),
        ("Ọ̀kan nínú àwọn ọmọ náà ti dé.", "yo", "Heart"),
        ("Kí ni ète rẹ?", "yo", "Leprosy"),
        ("これらの患者は回復した。", "ja", "Cholera"),
        ("まらりあの患者", "ja", "Malaria"),  # hiragana for a katakana term, in a text with kanji
        ("한 방에 해결했다.", "ko", "Korean medicine"),
        ("물 한 방울", "ko", "Korean medicine"),
    ],
)
def test_running_text_is_matched_with_its_marks(normalizer: Normalizer, text: str, lang: str, never: str) -> None:
    assert never not in {name for _, name in _linked(normalizer, text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "surface", "name"),
    [
        ("Ọmọ náà ní ẹ̀yi.", "yo", "ẹ̀yi", "Measles"),  # the same marks as the term
        ("Ọkàn rẹ̀ ń lù kíkankíkan.", "yo", "Ọkàn", "Heart"),
        ("Omo naa ni eyi ati iba.", "yo", "iba", "Malaria"),  # no marks at all: folded, as before
        ("コレラの患者", "ja", "コレラ", "Cholera"),
        ("ガンの治療", "ja", "ガン", "Malignant Neoplasms"),  # katakana for a hiragana term is common
        ("まらりあにかかった", "ja", "まらりあ", "Malaria"),  # a text in hiragana alone cannot tell
        ("한방 치료를 받았다.", "ko", "한방", "Korean medicine"),
        ("만성 B형간염 환자", "ko", "B형간염", "Hepatitis B"),  # a compound written without its space
    ],
)
def test_running_text_still_links_what_it_writes(
    normalizer: Normalizer, text: str, lang: str, surface: str, name: str
) -> None:
    linked = normalizer.link(text, lang)
    assert any(m.surface == surface and name in {c.name for c in m.candidates} for m in linked), linked


def test_a_typed_term_keeps_folding(normalizer: Normalizer) -> None:
    assert _looked_up(normalizer, "한 방", "ko")[:1] == ["Korean medicine"]
    assert _looked_up(normalizer, "iba", "yo")[:1] in (["Malaria"], ["Fever"])


def test_agreement_compares_only_the_marks_the_text_uses() -> None:
    toned = TextMarks.of("Ó ṣe é gẹ́gẹ́")
    assert not agrees("gẹ́gẹ́", "gẹ̀gẹ̀", toned) and agrees("gẹ̀gẹ̀", "gẹ̀gẹ̀", toned)
    dotted = TextMarks.of("Ọmọ naa ni ẹdọ")  # under-dots, no tone marks
    assert agrees("ẹdọ", "ẹ̀dọ̀", dotted) and not agrees("edo", "ẹ̀dọ̀", dotted)
    assert TextMarks.of("plain ascii").plain and TextMarks.of("まらりあにかかった").plain


def test_a_refused_match_leaves_room_for_the_shorter_one_inside() -> None:
    keys = [fold(k) for k in ["한방울", "방울"]]
    matcher = DictionaryMatcher(keys)
    assert [s.surface for s in matcher.find("한방울")] == ["한방울"]
    assert [s.surface for s in matcher.find("한방울", lambda key, surface: key != 0)] == ["방울"]
