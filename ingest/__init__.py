"""Readers that bring vocabularies, local-practice facts and corpora into the graph."""

from ingest.jsonl import read_jsonl
from ingest.vocabulary import (
    LoadSummary,
    build_seed,
    load_concepts,
    load_practice,
    load_relations,
    seed_dir,
)

__all__ = ["LoadSummary", "build_seed", "load_concepts", "load_practice", "load_relations", "read_jsonl", "seed_dir"]
