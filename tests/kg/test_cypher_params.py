"""Parameters reach FalkorDB exactly as sent, and what cannot be sent is refused clearly."""

from __future__ import annotations

from typing import Any

import pytest

from kg import GraphStore, GraphStoreError

VALUES: list[Any] = [
    'it\'s "quoted" \\ back\\slash \\n',
    "new\nline\ttab\r\n",
    "ọ̀gbẹ́ 糖尿病 ไข้ 당뇨병 マラリア",
    "",
    0,
    -(2**62),
    3.25,
    1e-300,
    True,
    False,
    None,
    [1, "two", [3.5, None]],
    {"plain": 1, "with space": "x", "ü-key": [True]},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_values_round_trip(embedded: GraphStore, value: Any) -> None:
    assert embedded.query("RETURN $value AS value", {"value": value}) == [{"value": value}]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b", "NUL"),
        ("a\x01b", "U\\+0001"),  # stored, but a key holding it is never matched again
        (float("inf"), "non-finite"),
        (float("nan"), "non-finite"),
        ({"a`b": 1}, "backtick"),
        (object(), "cannot send"),
    ],
)
def test_unsendable_values_are_refused_with_a_reason(embedded: GraphStore, value: Any, message: str) -> None:
    with pytest.raises(GraphStoreError, match=message):
        embedded.query("RETURN $value AS value", {"value": value})
