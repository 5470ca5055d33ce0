"""`medcore ingest ...` and `medcore link`: bring vocabularies in, link text to concepts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ingest import LoadSummary, load_corpus, load_lexicon, load_obo, load_practice, load_umls
from kg.lexicon_cache import load_normalizer
from kg.normalizer import Normalizer
from kg.store import GraphStore
from reasoning.cli_support import JsonFlag, open_store_of, out, print_json, settings_of

__all__ = ["register"]

ingest_app = typer.Typer(no_args_is_help=True, help="Load vocabularies, local-practice facts and corpora.")
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to load.")]


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")
    app.command("link")(link)


def _report(summary: LoadSummary, source: Path, as_json: bool) -> None:
    if as_json:
        print_json({"source": str(source), "loaded": summary.counts})
        return
    table = Table("kind", "count", title=f"Loaded from {source}")
    for kind, n in sorted(summary.counts.items()):
        table.add_row(kind, str(n))
    out.print(table)


@ingest_app.command("umls")
def ingest_umls(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="Folder with MRCONSO/MRSTY/MRREL.RRF.")
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="UMLS language codes, comma-separated (ENG,JPN,CHI,...).")
    ] = "ENG",
    as_json: JsonFlag = False,
    quiet: Quiet = False,
) -> None:
    """Load a UMLS Metathesaurus release (concepts, terms in the chosen languages, types, relations)."""
    langs = [code.strip().upper() for code in lang.split(",") if code.strip()]
    with open_store_of(ctx) as store:
        _report(load_umls(store, directory, langs, show_progress=not quiet), directory, as_json)


@ingest_app.command("obo")
def ingest_obo(
    ctx: typer.Context,
    path: ExistingFile,
    tui: Annotated[str, typer.Option("--tui", help="UMLS semantic type of its terms, e.g. T047.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of its names and synonyms.")] = "en",
    as_json: JsonFlag = False,
    quiet: Quiet = False,
) -> None:
    """Load an OBO ontology (names, synonyms with scope, is_a, xrefs)."""
    with open_store_of(ctx) as store:
        _report(load_obo(store, path, tui=tui, lang=lang, show_progress=not quiet), path, as_json)


@ingest_app.command("lexicon")
def ingest_lexicon(ctx: typer.Context, path: ExistingFile, as_json: JsonFlag = False, quiet: Quiet = False) -> None:
    """Load terms for existing concepts from CSV (cui,lang,text[,source]) or JSONL."""
    with open_store_of(ctx) as store:
        _report(load_lexicon(store, path, show_progress=not quiet), path, as_json)


@ingest_app.command("practice")
def ingest_practice(ctx: typer.Context, path: ExistingFile, as_json: JsonFlag = False, quiet: Quiet = False) -> None:
    """Load LOCAL_PRACTICE facts (the seed's local_practice.jsonl format)."""
    with open_store_of(ctx) as store:
        _report(load_practice(store, path, show_progress=not quiet), path, as_json)


@ingest_app.command("corpus")
def ingest_corpus(
    ctx: typer.Context,
    path: ExistingFile,
    max_chars: Annotated[int, typer.Option("--max-chars", min=100, help="Longest passage.")] = 800,
    as_json: JsonFlag = False,
    quiet: Quiet = False,
) -> None:
    """Load documents (JSONL: title, content, lang, region, source), cut into passages
    linked to the concepts they mention."""
    with open_store_of(ctx) as store:
        finder = _finder(_normalizer(ctx, store))
        _report(load_corpus(store, path, finder, max_chars=max_chars, show_progress=not quiet), path, as_json)


def _normalizer(ctx: typer.Context, store: GraphStore) -> Normalizer:
    settings = settings_of(ctx)
    return load_normalizer(store, settings.index_dir, threshold=settings.link_threshold)


def _finder(normalizer: Normalizer):  # type: ignore[no-untyped-def]
    def find(text: str, lang: str) -> Iterable[tuple[str, str, int]]:
        return [(m.best.cui, m.surface, m.start) for m in normalizer.link(text, lang)]

    return find


def link(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Text in any supported language.")],
    lang: Annotated[str, typer.Option("--lang", help="Language code of the text (en, zh, ja, ko, sw, th, yo, ...).")],
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per mention in --json output.")] = 3,
    as_json: JsonFlag = False,
) -> None:
    """Find the concepts mentioned in TEXT and normalize each (span, concept, score, method)."""
    with open_store_of(ctx) as store:
        mentions = _normalizer(ctx, store).link(text, lang, limit=top)
    if as_json:
        print_json([{**asdict(m), "candidates": [c._asdict() for c in m.candidates[:top]]} for m in mentions])
        return
    if not mentions:
        out.print("No concept found.")
        return
    table = Table("span", "surface", "concept", "name", "type", "score", "method")
    for m in mentions:
        best = m.best
        table.add_row(f"{m.start}-{m.end}", m.surface, best.cui, best.name, ",".join(best.semantic_types),
                      f"{best.score:.2f}", best.method)  # fmt: skip
    out.print(table)
