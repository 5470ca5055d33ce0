"""Readers that bring vocabularies, local-practice facts and corpora into the graph."""

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

__all__ = [
    "LoadSummary",
    "build_seed",
    "load_concepts",
    "load_corpus",
    "load_lexicon",
    "load_obo",
    "load_practice",
    "load_relations",
    "load_umls",
    "read_jsonl",
    "seed_dir",
    "seed_files",
]
