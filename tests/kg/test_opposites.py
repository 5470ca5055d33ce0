"""Texts that cannot name the same thing, however similar: opposite sides of an axis, or
different designations."""

from __future__ import annotations

import pytest

from kg.linking.opposites import contradicts

PAIRS = [
    ("hypertension", "Hypotension", True),
    ("high blood pressure", "Hypotension", True),
    ("shinikizo la damu la juu", "shinikizo la damu la chini", True),
    ("高血压", "低血压", True),
    ("고혈압", "저혈압", True),
    ("ความดันโลหิตสูง", "ความดันโลหิตต่ำ", True),
    ("bradycardia", "tachycardia", True),
    ("心动过缓", "心动过速", True),
    ("oliguria", "polyuria", True),
    ("uncomplicated malaria", "complicated malaria", True),
    ("malaria isiyo kali", "malaria kali", True),
    ("hepatitis C virus", "hepatitis B virus", True),
    ("vitamin A", "vitamin B9", True),
    ("type 1 diabetes", "type 2 diabetes", True),
    ("乙型肝炎", "丙型肝炎", True),
    ("C형 간염", "B형 간염", True),
    ("hypertension", "hypertension", False),
    ("malaria", "severe malaria", False),  # broader, not opposite
    ("hepatitis B", "hepatitis B virus", False),
    ("T2D", "T2DM", False),  # one code, not two designations
    ("fever", "hypothermia", False),  # only one side named
    ("高热", "发热", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS)
def test_contradicts(a: str, b: str, expected: bool) -> None:
    assert contradicts(a, b) is expected and contradicts(b, a) is expected
