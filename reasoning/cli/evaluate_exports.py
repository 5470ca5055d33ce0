"""`medcore eval distill|sheets|import-ratings`: what a run gives beyond its scores: data to
fine-tune a student on, and blinded sheets for clinicians whose ratings come back in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from reasoning.cli.common import JsonFlag, console, emit_json, usage_error

__all__ = ["register"]

Results = Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A results folder.")]


def register(eval_app: typer.Typer) -> None:
    eval_app.command("distill")(distill)
    eval_app.command("sheets")(sheets)
    eval_app.command("import-ratings")(import_ratings)


def _methods(text: str) -> list[str]:
    from reasoning.evaluation.runner import METHODS

    methods = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise usage_error(f"unknown {', '.join(unknown) or 'none given'}; there are {', '.join(METHODS)}", "--method")
    return methods


def distill(
    results: Results,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Folder for <lang>.jsonl.")],
    method: Annotated[str, typer.Option("--method", help="Methods whose answers teach, comma-separated.")] = (
        "coreasoner"
    ),
    min_score: Annotated[
        float, typer.Option("--min-score", min=1, max=5, help="Least grade (1-5) of a long-form answer.")
    ] = 4.0,
    as_json: JsonFlag = False,
) -> None:
    """Chat-format JSONL for fine-tuning: question -> reasoning and answer, per language.

    Only right answers go in, and long-form answers graded at least --min-score (experts'
    grades where there are any, else the judge's)."""
    from reasoning.evaluation.distillation import export_distillation

    written = export_distillation(results, out, methods=_methods(method), min_score=min_score)
    if as_json:
        emit_json({"lines": written, "out": str(out)})
        return
    total = sum(written.values())
    by_lang = ", ".join(f"{lang} {n}" for lang, n in written.items()) or "none"
    console().print(f"Wrote {total} examples to {out} ({by_lang}).")


def sheets(
    results: Results,
    out: Annotated[Path, typer.Option("--out", file_okay=False, help="Folder for the sheets and key.csv.")],
    method: Annotated[str, typer.Option("--method", help="Methods to compare, comma-separated.")] = (
        "coreasoner,direct-local"
    ),
    per_language: Annotated[
        int | None, typer.Option("--per-language", min=1, help="Questions drawn per language (default all).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draw and the shuffle.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv.")] = "xlsx",
) -> None:
    """Blinded expert-rating sheets of long-form answers, one per language, and their key.

    Answers of all methods are shuffled together and known by a code; the code's method is
    in key.csv, which raters must not see."""
    from reasoning.evaluation.expert_sheets import write_sheets

    if fmt not in ("xlsx", "csv"):
        raise usage_error(f"{fmt!r}: the formats are xlsx and csv", "--format")
    chosen: Literal["xlsx", "csv"] = "xlsx" if fmt == "xlsx" else "csv"
    written = write_sheets(results, out, methods=_methods(method), per_language=per_language, seed=seed, fmt=chosen)
    console().print(f"Written: {', '.join(str(p) for p in written)} (keep {written[-1].name} from the raters).")


def import_ratings(
    results: Results,
    sheet: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A filled sheet (xlsx or csv).")],
    key: Annotated[Path, typer.Option("--key", exists=True, dir_okay=False, help="The sheets' key.csv.")],
    rater: Annotated[str | None, typer.Option("--rater", help="Who rated (default the sheet's rater column).")] = None,
) -> None:
    """Fold an expert's ratings back into the results; `eval report` then shows them."""
    from reasoning.evaluation.expert_sheets import import_ratings as fold

    console().print(f"Imported the ratings of {fold(results, sheet, key, rater=rater)} answers into {results}.")
