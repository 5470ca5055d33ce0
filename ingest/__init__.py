"""Readers that bring vocabularies, local-practice facts and corpora into the graph."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from ingest.corpus import load_corpus
    from ingest.jsonl import read_jsonl
    from ingest.lexicon import load_lexicon
    from ingest.obo import load_obo
    from ingest.umls import load_umls
    from ingest.vocabulary import (
        LoadSummary,
        build_seed,
        load_concepts,
        load_practice,
        load_relations,
        seed_dir,
        seed_files,
    )
    from ingest.wikidata import load_wikidata

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "ingest.corpus": ["load_corpus"],
        "ingest.jsonl": ["read_jsonl"],
        "ingest.lexicon": ["load_lexicon"],
        "ingest.obo": ["load_obo"],
        "ingest.umls": ["load_umls"],
        "ingest.vocabulary": [
            "LoadSummary",
            "build_seed",
            "load_concepts",
            "load_practice",
            "load_relations",
            "seed_dir",
            "seed_files",
        ],
        "ingest.wikidata": ["load_wikidata"],
    },
)
