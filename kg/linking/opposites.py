"""Opposite meanings that string similarity cannot see: hypotension is two letters from
hypertension, 低血压 one character from 高血压, "shinikizo la damu la chini" a word from
"... la juu". A link between two texts on opposite sides of one of these axes is wrong
however similar the strings are; `opposed` says so, for the grounding guard (and, in time,
for fuzzy lookup itself).

Each axis lists the markers of its two sides, matched on folded text (`kg.linking.text`):
a `prefix` at a word start (hypo-, 저), a `word` standing alone (low, ya juu), or a `part`
anywhere (低, สูง). Only markers we are sure of are listed; Yoruba has none yet (we have no
source for a closed list of its words for high and low).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from kg.linking.text import fold

__all__ = ["AXES", "opposed"]

Marker = tuple[Literal["prefix", "word", "part"], str]

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
    "amount": ((("prefix", "oligo"),), (("prefix", "poly"),)),  # oliguria / polyuria
    "size": ((("prefix", "micro"),), (("prefix", "macro"),)),  # microcytic / macrocytic
}


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
        body = re.escape(fold(text))
        return rf"\b{body}" if kind == "prefix" else rf"\b{body}\b" if kind == "word" else body

    return re.compile("|".join(one(kind, text) for kind, text in markers))
