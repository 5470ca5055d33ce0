"""`medcore ingest umls|obo|wikidata|lexicon|practice|corpus`: bring vocabularies, local-practice
facts and corpora into the graph. Every load streams its file, writes in batches and can be
interrupted and run again: its writes are MERGEs on stable keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reasoning.cli.common import (
    JsonFlag,
    QuietFlag,
    console,
    emit_json,
    open_store,
    resumable,
    settings,
    show_progress,
    status,
)

if TYPE_CHECKING:
    from ingest.vocabulary import LoadSummary
    from kg.graph.store import GraphStore

__all__ = ["register"]

ingest_app = typer.Typer(no_args_is_help=True, help="Load vocabularies, local-practice facts and corpora.")
ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file to load.")]


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")


@contextmanager
def _loading(ctx: typer.Context, source: Path) -> Iterator[GraphStore]:
    """The store to load `source` into, as its only writer; Ctrl-C says how much of it
    was written."""
    with open_store(ctx) as store, store.writing():

        def progress() -> str:
            nodes, relationships = store.written
            return f"{nodes:,} node and {relationships:,} relationship rows from {source} were written"

        with resumable(ctx, progress):
            yield store


def _report(summary: LoadSummary, source: Path, as_json: bool) -> None:
    if as_json:
        emit_json({"source": str(source), "loaded": summary.counts})
        return
    from rich.table import Table

    table = Table("kind", "count", title=f"Loaded from {source}")
    for kind, n in sorted(summary.counts.items()):
        table.add_row(kind, str(n))
    console().print(table)


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
    quiet: QuietFlag = False,
) -> None:
    """Load a UMLS Metathesaurus release.

    Concepts, their terms in the chosen languages, semantic types and relations
    (MRCONSO.RRF, MRSTY.RRF, MRREL.RRF)."""
    from ingest.umls import load_umls

    langs = [code.strip().upper() for code in lang.split(",") if code.strip()]
    with _loading(ctx, directory) as store:
        summary = load_umls(store, directory, langs, show_progress=show_progress(quiet))
    _report(summary, directory, as_json)


@ingest_app.command("obo")
def ingest_obo(
    ctx: typer.Context,
    path: ExistingFile,
    tui: Annotated[str, typer.Option("--tui", help="UMLS semantic type of its terms, e.g. T047.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of its names and synonyms.")] = "en",
    translations: Annotated[
        list[Path] | None,
        typer.Option(
            "--translations",
            metavar="<file>",
            exists=True,
            dir_okay=False,
            help="A Babelon TSV of its translations (HPO's hp-ja.babelon.tsv); repeat for more.",
        ),
    ] = None,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Load an OBO ontology (names, synonyms with scope, is_a, xrefs).

    A term with one UMLS xref joins that CUI's concept; --translations adds the reviewed
    (OFFICIAL) labels of Babelon files in the project's languages."""
    from ingest.obo import load_obo

    with _loading(ctx, path) as store:
        summary = load_obo(
            store, path, tui=tui, lang=lang, translations=translations or (), show_progress=show_progress(quiet)
        )
    _report(summary, path, as_json)


@ingest_app.command("wikidata")
def ingest_wikidata(
    ctx: typer.Context,
    path: ExistingFile,
    tui: Annotated[
        str | None, typer.Option("--tui", help="Semantic type of new concepts whose class says none, e.g. T047.")
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Languages of the labels to load, comma-separated.")
    ] = "en,zh,ja,ko,sw,th,yo",
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Load Wikidata entities that have a UMLS CUI.

    The JSON dump (latest-all.json, .gz, .bz2), JSONL of entities, or the JSON results of
    the README's SPARQL query: labels and aliases become terms of the CUI's concept, ICD-10
    and MeSH ids its cross-references."""
    from ingest.wikidata import load_wikidata

    langs = [code.strip().lower() for code in lang.split(",") if code.strip()]
    with _loading(ctx, path) as store:
        summary = load_wikidata(store, path, tui=tui, langs=langs, show_progress=show_progress(quiet))
    _report(summary, path, as_json)


@ingest_app.command("lexicon")
def ingest_lexicon(ctx: typer.Context, path: ExistingFile, as_json: JsonFlag = False, quiet: QuietFlag = False) -> None:
    """Load terms for existing concepts.

    CSV (cui,lang,text[,source][,status]) or JSONL with the same fields."""
    from ingest.lexicon import load_lexicon

    with _loading(ctx, path) as store:
        summary = load_lexicon(store, path, show_progress=show_progress(quiet))
    _report(summary, path, as_json)


@ingest_app.command("practice")
def ingest_practice(
    ctx: typer.Context, path: ExistingFile, as_json: JsonFlag = False, quiet: QuietFlag = False
) -> None:
    """Load local-practice facts.

    JSONL in the seed's local_practice format (head, tail, kind, region, lang, statement,
    source)."""
    from ingest.vocabulary import load_practice

    with _loading(ctx, path) as store:
        summary = load_practice(store, path, show_progress=show_progress(quiet))
    _report(summary, path, as_json)


@ingest_app.command("corpus")
def ingest_corpus(
    ctx: typer.Context,
    path: ExistingFile,
    max_chars: Annotated[int, typer.Option("--max-chars", min=100, help="Longest passage.")] = 800,
    as_json: JsonFlag = False,
    quiet: QuietFlag = False,
) -> None:
    """Load a corpus of local documents.

    JSONL of {title, content, lang, region, source}: each document is cut into passages
    linked to the concepts they mention."""
    from ingest.corpus import load_corpus
    from kg.linking.lexicon_cache import load_normalizer

    with _loading(ctx, path) as store:
        with status(quiet) as report:
            normalizer = load_normalizer(store, settings(ctx), report=report)

        def find(text: str, lang: str) -> list[tuple[str, str, int]]:
            return [(m.best.cui, m.surface, m.start) for m in normalizer.link(text, lang)]

        summary = load_corpus(store, path, find, max_chars=max_chars, show_progress=show_progress(quiet))
    _report(summary, path, as_json)
