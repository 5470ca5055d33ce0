"""Pins the public surface of each package: a change to it is a deliberate change here."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "kg": {
        "Candidate", "ConfigError", "CypherRunner", "GraphConnectionError", "GraphCounts", "GraphStore",
        "GraphStoreError", "IngestError", "LLMError", "LinkedMention", "LinkingError", "MedcoreError",
        "MissingEndpointError", "Normalizer", "PracticeFact", "RetryableLLMError", "SchemaError", "Settings",
        "add_learned_term", "load_normalizer", "load_settings", "open_store",
    },
    "kg.model": {
        "Alignment", "Chain", "CitesPractice", "Concept", "ConceptRelation", "Denotes", "Document",
        "Ends", "HasType", "Link", "LocalPractice", "Mention", "Node", "PRACTICE_KINDS", "Passage",
        "Question", "Rejected", "Relationship", "Run", "Scaffold", "ScaffoldStep", "SemanticType",
        "Step", "Term", "graph_properties", "stable_hash",
    },
    "ingest": {
        "LoadSummary", "build_seed", "load_concepts", "load_corpus", "load_lexicon", "load_obo", "load_practice",
        "load_relations", "load_umls", "read_jsonl", "seed_dir", "seed_files",
    },
    "queries": {"NamedQuery", "named_queries", "run_named"},
    "reasoning": {"CoReasonResult", "CoReasoner", "FailedItem", "Item", "main"},
}  # fmt: skip


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_exported_members(package: str) -> None:
    module = importlib.import_module(package)
    assert set(module.__all__) == EXPECTED[package]
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names {name} but it is missing"
