"""Opposite meanings that string similarity cannot see: hypotension is two letters from
hypertension, 低血压 one character from 高血压, "shinikizo la damu la chini" a word from
"... la juu", "hepatitis C virus" one letter from "hepatitis B virus". A link between two
texts on opposite sides of one of these axes, or with different designations, is wrong
however similar the strings are; `contradicts` says so, for fuzzy lookup and grounding.

Each axis lists the markers of its two sides, matched on folded text (`kg.linking.text`):
a `prefix` at a word start (hypo-, 저), a `word` standing alone (low, ya juu), or a `part`
anywhere (低, สูง), or a `regex` (a side that must not follow a negation: "kali" but not
"isiyo kali"). Only markers we are sure of are listed. Yoruba has those of the seed's own
pairs (ṣáájú / lẹ́yìn ìbímọ, before / after childbirth; ìfúnpá gíga, high blood pressure;
ìsàlẹ̀, lower) and òsì / ọ̀tún (left / right); we have no source for its word for "low".
The axes are independent: Korean 양성 is "positive" on one and "benign" on another.

Designations are the letters and numbers that tell members of a family apart: hepatitis A,
B, C; vitamin A, B9, K; type 1 and type 2 diabetes; 甲乙丙丁戊 in Chinese names (乙型肝炎,
丙型肝炎). Two texts that both carry designations and do not carry the same ones name
different members.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from kg.linking.text import fold

__all__ = ["AXES", "contradicts", "contradicts_folded", "differently_designated", "marked", "opposed"]

Marker = tuple[Literal["prefix", "word", "part", "regex"], str]

# axis -> (one side, the other side)
AXES: dict[str, tuple[tuple[Marker, ...], tuple[Marker, ...]]] = {
    "level": (
        (
            ("prefix", "hypo"),
            ("prefix", "under"),  # underactive thyroid, underweight
            ("word", "low"),
            ("word", "decreased"),
            ("word", "reduced"),
            ("part", "低"),  # 低血压, 低血圧, 低钾血症, 機能低下
            ("part", "减退"),  # 甲状腺功能减退症 (減退 folds to it)
            ("prefix", "저"),  # 저혈압, 저혈당
            ("part", "저혈"),  # 신생아저혈당: a compound's spaces fold away, so 저 is no word start
            ("part", "저산소"),
            ("part", "저하"),  # 갑상선기능저하증
            ("word", "ya chini"),
            ("word", "la chini"),
            ("word", "kushuka"),  # kushuka kwa sukari (hypoglycaemia): "falling"
            ("part", "ต่ำ"),  # ความดันโลหิตต่ำ
            ("part", "พร่อง"),  # ภาวะพร่องไทรอยด์ฮอร์โมน (hypothyroidism)
        ),
        (
            ("prefix", "hyper"),
            ("prefix", "over"),  # overactive thyroid, overweight, overdose
            ("word", "high"),
            ("word", "increased"),
            ("word", "elevated"),
            ("word", "raised"),
            ("part", "高"),
            ("prefix", "過"),  # 過換気, 過形成, 过度, 过量 (過 folds to 过)
            ("part", "亢进"),  # 甲状腺功能亢进症, 甲状腺機能亢進症
            ("prefix", "고"),  # 고혈압, 고혈당
            ("part", "고혈"),
            ("part", "항진"),  # 갑상선기능항진증
            ("prefix", "과"),  # 과호흡, 과다
            ("word", "ya juu"),
            ("word", "la juu"),
            ("word", "kupanda"),  # kupanda kwa sukari: "rising"
            ("part", "สูง"),  # ความดันโลหิตสูง
            ("part", "ทำงานเกิน"),  # ภาวะต่อมไทรอยด์ทำงานเกิน (hyperthyroidism)
            ("word", "gíga"),  # Yoruba ìfúnpá gíga (hypertension, the seed's own term)
        ),
    ),
    "rate": (  # bradycardia / tachycardia
        (("prefix", "brady"), ("part", "过缓"), ("part", "徐脈"), ("part", "서맥"), ("part", "ช้า")),
        (("prefix", "tachy"), ("part", "过速"), ("part", "頻脈"), ("part", "빈맥"), ("part", "เร็ว")),
    ),
    "severity": (  # uncomplicated / severe malaria; 单纯性 / 重症; 軽症 / 重症; 경증 / 중증
        (
            ("word", "uncomplicated"),
            ("word", "non severe"),
            ("word", "mild"),
            ("part", "单纯性"),
            ("part", "无并发症"),
            ("part", "轻症"),
            ("part", "軽症"),
            ("part", "경증"),
            ("word", "isiyo kali"),
            ("part", "ไม่รุนแรง"),
        ),
        (
            ("regex", r"(?<!un)(?<!non )\bcomplicated\b"),
            ("regex", r"(?<!non )\bsevere\b"),
            ("part", "重症"),
            ("part", "重型"),
            ("part", "중증"),
            ("regex", r"(?<!isiyo )\bkali\b"),
            ("regex", r"(?<!ไม่)รุนแรง"),
        ),
    ),
    "amount": (  # oliguria / polyuria; 少尿 / 多尿; mkojo kidogo / mkojo mwingi
        (("prefix", "olig"), ("part", "少尿"), ("part", "乏尿"), ("part", "过少"), ("word", "kidogo")),
        (("prefix", "poly"), ("part", "多尿"), ("part", "过多"), ("word", "mwingi"), ("word", "nyingi")),
    ),
    "size": ((("prefix", "micro"),), (("prefix", "macro"),)),  # microcytic / macrocytic
    "direction": (  # weight loss / weight gain; 减少 / 增多; 감소 / 증가
        (
            ("word", "loss"),
            ("word", "decrease"),
            ("part", "减少"),  # 血小板减少 (減少 folds to it)
            ("part", "减轻"),
            ("part", "감소"),
            ("word", "kupungua"),
            ("part", "ลดลง"),
        ),
        (
            ("word", "gain"),
            ("word", "increase"),
            ("part", "增多"),
            ("part", "增加"),
            ("part", "増加"),
            ("part", "증가"),
            ("word", "kuongezeka"),
            ("part", "เพิ่มขึ้น"),
        ),
    ),
    "timing": (  # antepartum / postpartum haemorrhage, before / after childbirth, in every language
        (
            ("prefix", "ante"),
            ("prefix", "pre"),
            ("word", "before"),
            ("part", "产前"),  # 産前 folds to it
            ("part", "术前"),
            ("part", "分娩前"),
            ("part", "산전"),
            ("part", "분만전"),
            ("part", "수술전"),
            ("part", "ก่อนคลอด"),
            ("part", "ก่อนผ่าตัด"),
            ("word", "kabla ya"),
            ("word", "ṣáájú"),  # Yoruba ẹ̀jẹ̀ sísun ṣáájú ìbímọ (antepartum haemorrhage, the seed's)
        ),
        (
            ("prefix", "post"),
            ("word", "after"),
            ("part", "产后"),  # 産後 folds to it
            ("part", "术后"),
            ("part", "分娩后"),
            ("part", "산후"),
            ("part", "분만후"),
            ("part", "수술후"),
            ("part", "หลังคลอด"),
            ("part", "หลังผ่าตัด"),
            ("word", "baada ya"),
            ("word", "lẹ́yìn"),  # ẹ̀jẹ̀ sísun lẹ́yìn ìbímọ (postpartum haemorrhage, the seed's)
        ),
    ),
    "ante_anti": ((("prefix", "ante"),), (("prefix", "anti"),)),  # antenatal is before birth, not against it
    "within_between": ((("prefix", "intra"),), (("prefix", "inter"),)),  # intracellular / intercellular
    "inside_outside": (  # intrauterine / extrauterine pregnancy; endocrine / exocrine
        (("prefix", "intra"), ("prefix", "endo"), ("part", "宫内"), ("part", "자궁내"), ("part", "ในมดลูก")),
        (
            ("prefix", "extra"),
            ("prefix", "exo"),
            ("prefix", "ecto"),
            ("part", "宫外"),
            ("part", "자궁외"),
            ("part", "นอกมดลูก"),  # การตั้งครรภ์นอกมดลูก (ectopic pregnancy)
        ),
    ),
    "result": (  # HIV negative / positive; 阴性 / 阳性; 음성 / 양성
        (
            ("word", "negative"),
            ("word", "non reactive"),
            ("part", "阴性"),  # 陰性 folds to it
            ("part", "음성"),
            ("word", "hasi"),
            ("part", "ผลลบ"),
        ),
        (
            ("regex", r"(?<!non )\bpositive\b"),
            ("regex", r"(?<!non )\breactive\b"),
            ("part", "阳性"),  # 陽性 folds to it
            ("part", "양성"),  # also "benign" (below): each axis is read apart
            ("word", "chanya"),
            ("part", "ผลบวก"),
        ),
    ),
    "malignancy": (  # benign / malignant tumour
        (("word", "benign"), ("part", "良性"), ("part", "양성"), ("part", "ไม่ร้าย")),
        (
            ("word", "malignant"),
            ("part", "恶性"),
            ("part", "悪性"),  # Japanese 悪 is not traditional Chinese: no fold joins it to 恶
            ("part", "악성"),
            ("regex", r"(?<!ไม่)ร้าย(?!แรง)"),
        ),
    ),
    # An inflammation is not a cancer: Korean names both by a last syllable of one letter's
    # difference, 염 (炎) and 암 (癌): 방광염 (cystitis) / 방광암 (bladder cancer), 위염 / 위암.
    "inflammation_cancer": ((("regex", "염(?= |$)"),), (("regex", "암(?= |$)"),)),
    "course": (  # acute / chronic kidney disease
        (("word", "acute"), ("part", "急性"), ("part", "급성"), ("part", "เฉียบพลัน")),
        (("word", "chronic"), ("part", "慢性"), ("part", "만성"), ("part", "เรื้อรัง"), ("word", "sugu")),
    ),
    "origin": (  # congenital / acquired
        (("word", "congenital"), ("part", "先天"), ("part", "선천")),
        (("word", "acquired"), ("part", "后天"), ("part", "후천")),  # 後天 folds to 后天
    ),
    "laterality": (  # left / right heart failure
        (
            ("word", "left"),
            ("regex", "左(?!右)"),
            ("part", "왼쪽"),
            ("part", "좌측"),
            ("part", "ซ้าย"),
            ("word", "kushoto"),
            ("word", "òsì"),
        ),
        (
            ("word", "right"),
            ("regex", "(?<!左)右"),
            ("part", "오른쪽"),
            ("part", "우측"),
            ("regex", "ขวา(?!ง)"),  # not ขวาง, "across"
            ("word", "kulia"),
            ("word", "ọ̀tún"),
        ),
    ),
    "position": (  # upper / lower gastrointestinal bleeding
        (("word", "upper"), ("word", "superior"), ("prefix", "上"), ("part", "상부"), ("part", "ส่วนบน")),
        (
            ("word", "lower"),
            ("word", "inferior"),
            ("prefix", "下"),
            ("part", "하부"),
            ("part", "ส่วนล่าง"),
            ("word", "ìsàlẹ̀"),  # Yoruba ìrora ìsàlẹ̀ ẹ̀yìn (low back pain, the seed's)
        ),
    ),
}


def contradicts(a: str, b: str) -> bool:
    """Whether `a` and `b` cannot name the same thing: opposite sides of an axis, different
    designations, or a word one of them negates ("non-insulin-dependent")."""
    return contradicts_folded(fold(a), fold(b))


def contradicts_folded(a: str, b: str) -> bool:
    """`contradicts` for texts already folded (`kg.linking.text.fold`), as fuzzy lookup has them."""
    return _opposed(a, b) or _differently_designated(a, b) or _negated_apart(a, b)


def marked(text: str) -> bool:
    """Whether `text` says where it stands: a side of some axis, or a designation. (A
    generic term, "homa ya ini" for any hepatitis, says neither and contradicts nothing.)"""
    folded = fold(text)
    return bool(_sides(folded) or _designations(folded))


def differently_designated(a: str, b: str) -> bool:
    """Whether both texts carry designations (a lone letter or a number, 甲乙丙丁戊 before
    型) and not the same ones."""
    return _differently_designated(fold(a), fold(b))


def _differently_designated(a: str, b: str) -> bool:
    first, second = _designations(a), _designations(b)
    return bool(first and second and first != second)


# A designation is a whole token: a letter, a number, or a short code of both (B9, B12);
# CJK names designate with 甲乙丙丁戊 before 型; Korean and Thai may spell the letter out
# (씨형 간염 for C형 간염, ไวรัสตับอักเสบบี for hepatitis B), Swahili and Yoruba the number
# (kisukari aina ya pili, àtọ̀gbẹ oríṣi kejì: type 2 diabetes); hepatitis viruses go by
# codes (HAV, HBV; HepA, HepB).
_TOKEN = re.compile(r"[a-z0-9]+|[甲乙丙丁戊](?=型)")
_LETTER_NAMES = re.compile("(에이|비|씨|디)(?=형)|(?<=อักเสบ)(เอ|บี|ซี|ดี|อี)")
_LETTER_OF = {"에이": "a", "비": "b", "씨": "c", "디": "d", "เอ": " a", "บี": " b", "ซี": " c", "ดี": " d", "อี": " e"}
_NUMBER_NAMES = re.compile(r"\b(?:(?<=aina ya )(kwanza|pili|tatu)|(?<=orisi )(kiini|keji|keta))\b")
_NUMBER_OF = {"kwanza": "1", "pili": "2", "tatu": "3", "kiini": "1", "keji": "2", "keta": "3"}
_HEPATITIS_CODE = re.compile(r"\b(?:hep ?([a-e])|h([a-e])v)\b")


@lru_cache(maxsize=65536)
def _designations(text: str) -> frozenset[str]:
    if "형" in text or "อักเสบ" in text:  # the letter spelt out: 비형 간염, ตับอักเสบบี
        text = _LETTER_NAMES.sub(lambda m: _LETTER_OF[m.group(0)], text)
    if "aina ya" in text or "orisi" in text:
        text = _NUMBER_NAMES.sub(lambda m: _NUMBER_OF[m.group(0)], text)
    if "h" in text:
        text = _HEPATITIS_CODE.sub(lambda m: f" {m.group(1) or m.group(2)} ", text)
    return frozenset(
        token
        for token in _TOKEN.findall(text)
        if len(token) == 1 or token.isdigit() or (len(token) <= 3 and any(ch.isdigit() for ch in token))
    )


_NON = re.compile(r"\bnon (\w+)")


def _negated_apart(a: str, b: str) -> bool:
    """Whether one text negates with "non" a word the other affirms: non-insulin-dependent
    and insulin-dependent diabetes, non-alcoholic and alcoholic fatty liver."""
    if "non " not in a and "non " not in b:
        return False
    return _negates(a, b) or _negates(b, a)


def _negates(a: str, b: str) -> bool:
    return any(re.search(rf"(?<!\bnon )\b{re.escape(word)}\b", b) for word in _NON.findall(a))


def opposed(a: str, b: str) -> bool:
    """Whether `a` and `b` take opposite sides of an axis (one low, the other high)."""
    return _opposed(fold(a), fold(b))


def _opposed(a: str, b: str) -> bool:
    sides_a = _sides(a)
    if not sides_a:
        return False
    sides_b = dict(_sides(b))
    return any(sides_b.get(axis, side) != side for axis, side in sides_a)


@lru_cache(maxsize=65536)
def _sides(text: str) -> tuple[tuple[str, str], ...]:
    """(axis, "low" or "high") for each axis on which the text takes exactly one side.
    (Fuzzy lookup asks this of every candidate: most texts carry no marker at all, which
    one search over all markers tells.)"""
    patterns, anything = _patterns()
    if not anything.search(text):
        return ()
    sides = []
    for axis, (low, high) in patterns.items():
        is_low, is_high = bool(low.search(text)), bool(high.search(text))
        if is_low != is_high:
            sides.append((axis, "low" if is_low else "high"))
    return tuple(sides)


@cache
def _patterns() -> tuple[dict[str, tuple[re.Pattern[str], re.Pattern[str]]], re.Pattern[str]]:
    """Each axis's two sides, and one pattern for any marker of any axis."""
    patterns = {axis: (_compile(low), _compile(high)) for axis, (low, high) in AXES.items()}
    anything = re.compile("|".join(p.pattern for pair in patterns.values() for p in pair))
    return patterns, anything


def _compile(markers: tuple[Marker, ...]) -> re.Pattern[str]:
    def one(kind: str, text: str) -> str:
        if kind == "regex":
            return text
        body = re.escape(fold(text))
        return rf"\b{body}" if kind == "prefix" else rf"\b{body}\b" if kind == "word" else body

    return re.compile("|".join(one(kind, text) for kind, text in markers))
