"""`medcore link`: the concepts mentioned in a text, or in every text of a file, in one
process (the lexicon index is loaded once)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from kg.errors import ConfigError
from kg.languages import check_language
from reasoning.cli.common import (
    JsonFlag,
    QuietFlag,
    bar,
    checked,
    console,
    emit_json,
    emit_jsonl,
    open_store,
    settings,
    status,
    usage_error,
)

if TYPE_CHECKING:
    from kg.linking.normalizer import LinkedMention, Normalizer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("link")(link)


def _language(code: str | None) -> str | None:
    return checked(check_language, code)


def link(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="Text in any language (or use --input).", show_default=False)
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_language,
            help="ISO 639-1 code of the text (en, zh, ja, ko, sw, th, yo, ...); with --input, of lines without one.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per mention in JSON output.")] = 3,
    source: Annotated[
        str | None,
        typer.Option("--input", "-i", help="Texts to link: one per line, or JSONL {text, lang, id}; '-' is stdin."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="JSONL for --input (default: stdout).")
    ] = None,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Link text to concepts (one text, or a file).

    Finds the concepts mentioned in TEXT, or in each text of --input, and normalizes each:
    span, concept, semantic type, score and method. JSON output is one object per text
    ({id, line, text, lang, mentions}); --input writes one such line per text."""
    if (text is None) == (source is None):
        raise usage_error("give either TEXT or --input FILE, not both or neither", "TEXT / --input")
    if text is not None and not text.strip():
        raise usage_error("is empty", "TEXT")
    if text is not None and lang is None:
        raise usage_error("is required with TEXT", "--lang")
    if output is not None and source is None:
        raise usage_error("goes with --input", "--output")
    if source not in (None, "-") and not Path(str(source)).is_file():
        raise usage_error(f"file {source!r} does not exist", "--input")
    with open_store(ctx) as store, status(quiet) as report:
        from kg.linking.lexicon_cache import load_normalizer

        normalizer = load_normalizer(store, settings(ctx), report=report)
    if text is not None:
        _link_one(normalizer, text, str(lang), top, as_json)
    else:
        _link_many(normalizer, None if source == "-" else Path(str(source)), lang, top, output, quiet)


def _record(mentions: list[LinkedMention], text: str, lang: str, top: int, **where: Any) -> dict[str, Any]:
    found = [
        {**asdict(m), "ambiguous": m.ambiguous, "candidates": [c._asdict() for c in m.candidates[:top]]}
        for m in mentions
    ]
    return {**where, "text": text, "lang": lang, "mentions": found}


def _link_one(normalizer: Normalizer, text: str, lang: str, top: int, as_json: bool) -> None:
    mentions = normalizer.link(text, lang, limit=top)
    if as_json:
        emit_json(_record(mentions, text, lang, top, id=None, line=None))
        return
    if not mentions:
        console().print("No concept found.")
        return
    from rich.table import Table

    table = Table("span", "surface", "concept", "name", "type", "score", "method")
    for m in mentions:
        # a homonym shows every concept it names: the order among them means nothing
        shown = [c for c in m.candidates if c.ambiguous] if m.ambiguous else [m.best]
        best = m.best
        span, score = f"{m.start}-{m.end}", f"{best.score:.2f}"
        types = " | ".join(",".join(c.semantic_types) for c in shown)
        method = f"{best.method}, ambiguous" if m.ambiguous else best.method
        table.add_row(
            span, m.surface, " | ".join(c.cui for c in shown), " | ".join(c.name for c in shown), types, score, method
        )
    console().print(table)


def _link_many(
    normalizer: Normalizer, source: Path | None, lang: str | None, top: int, output: Path | None, quiet: bool
) -> None:
    from ingest.texts import read_texts

    hidden = quiet or (output is None and sys.stdout.isatty())  # no bar between records on a terminal
    with _sink(output) as out, bar(None, "linking", hidden) as advance:
        for item in read_texts(source, lang=lang):
            mentions = normalizer.link(item.text, str(item.lang), limit=top)
            emit_jsonl(_record(mentions, item.text, str(item.lang), top, id=item.id, line=item.line), out)
            advance(1)


@contextmanager
def _sink(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    with handle:
        yield handle
