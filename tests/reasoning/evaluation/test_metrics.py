"""Metrics against values computed by hand; intervals reproducible with a seed."""

from __future__ import annotations

import math

import pytest

from reasoning.evaluation.metrics import accuracy, compare, macro_f1, mcnemar


def test_accuracy_counts_every_answered_item_and_its_interval_is_reproducible() -> None:
    score = accuracy([True, True, False, False])
    assert (score.value, score.n) == (0.5, 4)
    assert score.low <= 0.5 <= score.high and accuracy([True, True, False, False]) == score
    assert accuracy([True] * 10).low == 1.0  # no spread to resample
    assert math.isnan(accuracy([]).value) and accuracy([]).n == 0


def test_macro_f1_treats_an_unparseable_answer_as_a_miss() -> None:
    golds = ["entailment", "entailment", "contradiction", "contradiction"]
    predictions = ["entailment", "contradiction", "contradiction", None]
    # entailment: tp 1, fp 0, fn 1 -> 2/3; contradiction: tp 1, fp 1, fn 1 -> 1/2; mean 7/12.
    assert macro_f1(golds, predictions, ["entailment", "contradiction"]).value == pytest.approx(7 / 12)


def test_mcnemar_exact_p_values() -> None:
    assert mcnemar(1, 6) == pytest.approx(2 * (1 + 7) / 2**7)  # 0.125
    assert mcnemar(0, 0) == 1.0
    assert mcnemar(5, 5) == 1.0


def test_a_paired_comparison_reports_the_difference_and_both_tests() -> None:
    a = [True, True, True, False] * 10
    b = [False, True, False, False] * 10
    result = compare(a, b)
    assert result.delta == pytest.approx(0.5) and (result.a_only, result.b_only, result.n) == (20, 0, 40)
    assert result.low > 0 and result.p_bootstrap < 0.01 and result.p_mcnemar == pytest.approx(2 / 2**20)
    assert compare(a, a).p_bootstrap == 1.0 and compare(a, a).delta == 0
    with pytest.raises(ValueError, match="pair them first"):
        compare(a, b[:3])
