"""Opposite meanings that string similarity cannot see: hypotension is two letters from
hypertension, 低血压 one character from 高血压, "shinikizo la damu la chini" a word from
"... la juu", "hepatitis C virus" one letter from "hepatitis B virus". A link between two
texts on opposite sides of one of these axes, or with different designations, is wrong
however similar the strings are; `contradicts` says so, for fuzzy lookup and grounding.

Each axis lists the markers of its two sides, matched on folded text (`kg.linking.text`):
a `prefix` at a word start (hypo-, 저), a `word` standing alone (low, ya juu), or a `part`
anywhere (低, สูง), or a `regex` (a side that must not follow a negation: "kali" but not
"isiyo kali"). Only markers we are sure of are listed; Yoruba has none yet (we have no
source for a closed list of its words for high and low).

Designations are the letters and numbers that tell members of a family apart: hepatitis A,
B, C; vitamin A, B9, K; type 1 and type 2 diabetes; 甲乙丙丁戊 in Chinese names (乙型肝炎,
丙型肝炎). Two texts that both carry designations and do not carry the same ones name
different members.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from kg.linking.text import fold

__all__ = ["AXES", "contradicts", "differently_designated", "opposed"]

Marker = tuple[Literal["prefix", "word", "part", "regex"], str]

# axis -> (low side, high side)
AXES: dict[str, tuple[tuple[Marker, ...], tuple[Marker, ...]]] = {
    "level": (
        (
            ("prefix", "hypo"),
            ("word", "low"),
            ("word", "decreased"),
            ("word", "reduced"),
            ("part", "低"),  # 低血压, 低血圧, 低钾血症
            ("prefix", "저"),  # 저혈압, 저혈당
            ("word", "ya chini"),
            ("word", "la chini"),
            ("part", "ต่ำ"),  # ความดันโลหิตต่ำ
        ),
        (
            ("prefix", "hyper"),
            ("word", "high"),
            ("word", "increased"),
            ("word", "elevated"),
            ("word", "raised"),
            ("part", "高"),
            ("prefix", "고"),  # 고혈압, 고혈당
            ("word", "ya juu"),
            ("word", "la juu"),
            ("part", "สูง"),  # ความดันโลหิตสูง
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
    "amount": ((("prefix", "olig"),), (("prefix", "poly"),)),  # oliguria / polyuria
    "size": ((("prefix", "micro"),), (("prefix", "macro"),)),  # microcytic / macrocytic
}


def contradicts(a: str, b: str) -> bool:
    """Whether `a` and `b` cannot name the same thing: opposite sides of an axis, or
    different designations."""
    return opposed(a, b) or differently_designated(a, b)


def differently_designated(a: str, b: str) -> bool:
    """Whether both texts carry designations (a lone letter or a number, 甲乙丙丁戊 before
    型) and not the same ones."""
    first, second = _designations(fold(a)), _designations(fold(b))
    return bool(first and second and first != second)


# A designation is a whole token: a letter, a number, or a short code of both (B9, B12);
# CJK names designate with 甲乙丙丁戊 before 型.
_TOKEN = re.compile(r"[a-z0-9]+|[甲乙丙丁戊](?=型)")


def _designations(text: str) -> frozenset[str]:
    return frozenset(
        token
        for token in _TOKEN.findall(text)
        if len(token) == 1 or token.isdigit() or (len(token) <= 3 and any(ch.isdigit() for ch in token))
    )


def opposed(a: str, b: str) -> bool:
    """Whether `a` and `b` take opposite sides of an axis (one low, the other high)."""
    sides_a, sides_b = _sides(fold(a)), _sides(fold(b))
    return any(axis in sides_b and sides_b[axis] != side for axis, side in sides_a.items())


def _sides(text: str) -> dict[str, str]:
    """Axis -> "low" or "high", for each axis on which the text takes exactly one side."""
    sides = {}
    for axis, (low, high) in _patterns().items():
        is_low, is_high = bool(low.search(text)), bool(high.search(text))
        if is_low != is_high:
            sides[axis] = "low" if is_low else "high"
    return sides


@cache
def _patterns() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    return {axis: (_compile(low), _compile(high)) for axis, (low, high) in AXES.items()}


def _compile(markers: tuple[Marker, ...]) -> re.Pattern[str]:
    def one(kind: str, text: str) -> str:
        if kind == "regex":
            return text
        body = re.escape(fold(text))
        return rf"\b{body}" if kind == "prefix" else rf"\b{body}\b" if kind == "word" else body

    return re.compile("|".join(one(kind, text) for kind, text in markers))
