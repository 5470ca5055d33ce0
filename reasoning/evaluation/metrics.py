"""Scores of a method on a set of items, with their uncertainty, and the comparison of two
methods on the same items.

Accuracy counts an unparseable answer as not correct (it is in the denominator) and reports
it apart; items that failed (no answer at all: an endpoint error) are left out of the
denominator and reported apart too, so a score says how many items it rests on. Macro-F1
(NLI) averages the per-label F1 over the item set's labels; an unparseable answer is a miss
for its gold label and a false positive for none.

Confidence intervals are percentile bootstrap intervals over items (seeded, so a report is
reproducible). Two methods are compared on the items both answered: the paired bootstrap
gives the difference in accuracy with its interval and a two-sided p-value, McNemar's exact
test (binomial on the discordant pairs) a second p-value.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import NamedTuple

__all__ = ["Comparison", "Score", "accuracy", "bootstrap_ci", "compare", "macro_f1", "mcnemar", "paired_bootstrap"]

Statistic = Callable[[Sequence[int]], float]


class Score(NamedTuple):
    value: float
    low: float  # 95% bootstrap interval
    high: float
    n: int  # items the score rests on (answered and unparseable)


class Comparison(NamedTuple):
    delta: float  # accuracy of a minus accuracy of b, on the items both answered
    low: float
    high: float
    p_bootstrap: float
    p_mcnemar: float
    a_only: int  # items a got right and b wrong
    b_only: int
    n: int


def accuracy(correct: Sequence[bool], *, resamples: int = 1000, seed: int = 0) -> Score:
    """The share correct, with its bootstrap interval."""
    values = [1.0 if c else 0.0 for c in correct]
    return _scored(values, lambda idx: sum(values[i] for i in idx) / len(idx), resamples, seed)


def macro_f1(
    golds: Sequence[str],
    predictions: Sequence[str | None],
    labels: Sequence[str],
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> Score:
    """Macro-averaged F1 over `labels` (a None prediction is unparseable), with its interval."""

    def statistic(idx: Sequence[int]) -> float:
        return _macro_f1([golds[i] for i in idx], [predictions[i] for i in idx], labels)

    return _scored(list(golds), statistic, resamples, seed)


def bootstrap_ci(
    n: int, statistic: Statistic, *, resamples: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of `statistic` over `resamples` resamples of the indices 0..n-1."""
    if n == 0:
        return (math.nan, math.nan)
    rng = random.Random(seed)
    draws = sorted(statistic([rng.randrange(n) for _ in range(n)]) for _ in range(resamples))
    tail = (1 - level) / 2
    return draws[int(tail * (resamples - 1))], draws[int(math.ceil((1 - tail) * (resamples - 1)))]


def compare(a: Sequence[bool], b: Sequence[bool], *, resamples: int = 10000, seed: int = 0) -> Comparison:
    """Method a against method b on the same items (paired): the accuracy difference with its
    bootstrap interval and two-sided p-value, and McNemar's exact p-value."""
    if len(a) != len(b):
        raise ValueError(f"paired comparison of {len(a)} and {len(b)} items: pair them first")
    diffs = [(1 if x else 0) - (1 if y else 0) for x, y in zip(a, b, strict=True)]
    delta, low, high, p_boot = paired_bootstrap(diffs, resamples=resamples, seed=seed)
    a_only, b_only = sum(1 for d in diffs if d > 0), sum(1 for d in diffs if d < 0)
    return Comparison(delta, low, high, p_boot, mcnemar(a_only, b_only), a_only, b_only, len(diffs))


def paired_bootstrap(
    diffs: Sequence[float], *, resamples: int = 10000, seed: int = 0
) -> tuple[float, float, float, float]:
    """The mean of paired differences, its 95% bootstrap interval, and the two-sided p-value:
    twice the share of resampled means on the other side of zero."""
    n = len(diffs)
    if n == 0:
        return (math.nan, math.nan, math.nan, math.nan)
    delta = sum(diffs) / n
    low, high = bootstrap_ci(n, lambda idx: sum(diffs[i] for i in idx) / len(idx), resamples=resamples, seed=seed)
    if delta == 0:
        return (delta, low, high, 1.0)
    rng = random.Random(seed)
    means = (sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    other_side = sum(1 for m in means if (m <= 0 if delta > 0 else m >= 0))
    return (delta, low, high, min(1.0, 2 * other_side / resamples))


def mcnemar(a_only: int, b_only: int) -> float:
    """McNemar's exact two-sided p-value: a binomial test of the discordant pairs at 1/2."""
    discordant = a_only + b_only
    if discordant == 0:
        return 1.0
    tail = sum(math.comb(discordant, k) for k in range(min(a_only, b_only) + 1)) / 2**discordant
    return min(1.0, 2 * tail)


def _scored(values: Sequence[object], statistic: Statistic, resamples: int, seed: int) -> Score:
    n = len(values)
    if n == 0:
        return Score(math.nan, math.nan, math.nan, 0)
    low, high = bootstrap_ci(n, statistic, resamples=resamples, seed=seed)
    return Score(statistic(range(n)), low, high, n)


def _macro_f1(golds: Sequence[str], predictions: Sequence[str | None], labels: Sequence[str]) -> float:
    f1s = []
    for label in labels:
        tp = sum(1 for g, p in zip(golds, predictions, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(golds, predictions, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(golds, predictions, strict=True) if g == label and p != label)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(f1s) / len(f1s) if f1s else math.nan
