"""Plots of a report (matplotlib, drawn off-screen): per dataset, each method's score by
language with its 95% interval, and each method's gain over the baseline by language."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from reasoning.evaluation.report import ReportRow

__all__ = ["plot_report"]


def plot_report(rows: Sequence[ReportRow], out: Path) -> list[Path]:
    """One PNG of scores and, where there is a baseline, one of gains, per dataset and task."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    by_table: dict[tuple[str, str], list[ReportRow]] = defaultdict(list)
    for row in rows:
        by_table[(row.dataset, row.task)].append(row)
    written = []
    for (dataset, task), dataset_rows in sorted(by_table.items()):
        langs = sorted({r.lang for r in dataset_rows})
        methods = sorted({r.method for r in dataset_rows})
        for kind in ("scores", "gains"):
            figure, axes = plt.subplots(figsize=(max(6, 1.2 * len(langs) * max(1, len(methods)) / 2), 4))
            drawn = _bars(axes, dataset_rows, langs, methods, kind)
            if not drawn:
                plt.close(figure)
                continue
            axes.set_xticks(range(len(langs)), langs)
            axes.set_title(f"{dataset} {task}: {'score' if kind == 'scores' else 'gain over the baseline'} by language")
            axes.legend(fontsize="small")
            path = out / f"{dataset}-{task}-{kind}.png"
            figure.tight_layout()
            figure.savefig(path, dpi=120)
            plt.close(figure)
            written.append(path)
    return written


def _bars(axes: Axes, rows: list[ReportRow], langs: list[str], methods: list[str], kind: str) -> bool:
    width = 0.8 / max(1, len(methods))
    drawn = False
    for m, method in enumerate(methods):
        found = {r.lang: r for r in rows if r.method == method}
        xs: list[float] = []
        values: list[float] = []
        errors: list[tuple[float, float]] = []
        for i, lang in enumerate(langs):
            row = found.get(lang)
            if row is None:
                continue
            value = row.score if kind == "scores" else row.delta
            if value is None or math.isnan(value):
                continue
            xs.append(i + (m - (len(methods) - 1) / 2) * width)
            values.append(value)
            # the interval is the score's; a gain is drawn without one
            errors.append((value - row.low, row.high - value) if kind == "scores" else (0.0, 0.0))
        if values:
            axes.bar(xs, values, width, yerr=list(zip(*errors, strict=True)) if errors else None, label=method)
            drawn = True
    return drawn
