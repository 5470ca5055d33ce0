"""Pins the public surface of each package: a change to it is a deliberate change here.

Packages export lazily (kg/_exports.py): their names must also be imported under
TYPE_CHECKING, for type checkers and editors, and importing a package must not import
what its names live in."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

EXPECTED = {
    "kg": {
        "Candidate",
        "ConfigError",
        "CypherRunner",
        "GraphConnectionError",
        "GraphCounts",
        "GraphStore",
        "GraphStoreError",
        "IngestError",
        "LLMError",
        "LinkedMention",
        "LinkingError",
        "MedcoreError",
        "MissingEndpointError",
        "Normalizer",
        "PracticeFact",
        "RetryableLLMError",
        "SchemaError",
        "Settings",
        "add_learned_term",
        "load_normalizer",
        "load_settings",
        "open_store",
    },
    "kg.graph": {"CypherRunner", "GraphCounts", "GraphStore", "PracticeFact", "open_store"},
    "kg.linking": {"Candidate", "LinkedMention", "Normalizer", "add_learned_term", "load_normalizer"},
    "kg.graph.model": {
        "Alignment",
        "Chain",
        "Check",
        "CitesPractice",
        "Concept",
        "ConceptRelation",
        "Denotes",
        "Document",
        "Ends",
        "HasType",
        "Link",
        "LocalPractice",
        "Mention",
        "Node",
        "PRACTICE_KINDS",
        "Passage",
        "Question",
        "Rejected",
        "Relationship",
        "Run",
        "RunStatus",
        "Scaffold",
        "ScaffoldStep",
        "SemanticType",
        "Step",
        "Task",
        "Term",
        "graph_properties",
        "stable_hash",
    },
    "ingest": {
        "LoadSummary",
        "build_seed",
        "load_concepts",
        "load_corpus",
        "load_lexicon",
        "load_obo",
        "load_practice",
        "load_relations",
        "load_umls",
        "load_wikidata",
        "read_jsonl",
        "seed_dir",
        "seed_files",
    },
    "ingest.benchmarks": {"BENCHMARKS", "BenchmarkItem", "BenchmarkLoad", "SkippedRow", "load_benchmark"},
    "reasoning.evaluation": {
        "DEFAULT_CRITERIA",
        "METHODS",
        "Estimate",
        "EvalRecord",
        "JudgeScore",
        "ReportRow",
        "ResultsDir",
        "build_report",
        "estimate",
        "export_distillation",
        "import_ratings",
        "judge_results",
        "run_evaluation",
        "write_report",
        "write_sheets",
    },
    "queries": {"NamedQuery", "Parameter", "named_queries", "run", "run_named"},
    "reasoning": {"CoReasonResult", "CoReasoner", "FailedItem", "Item", "main"},
    "reasoning.llm": {"LLM", "Responder", "Usage"},
    "reasoning.cli": {"app", "main", "run"},
}


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_exported_members(package: str) -> None:
    module = importlib.import_module(package)
    assert set(module.__all__) == EXPECTED[package]
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names {name} but it is missing"


LAZY = ["kg", "kg.graph", "kg.linking", "ingest", "queries", "reasoning", "reasoning.llm"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", LAZY)
def test_lazy_exports_are_also_imported_for_type_checkers(package: str) -> None:
    tree = ast.parse((ROOT / package.replace(".", "/") / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    names = {
        alias.asname or alias.name for node in guarded.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    assert names == set(importlib.import_module(package).__all__)


def test_importing_the_packages_imports_none_of_their_dependencies() -> None:
    code = (
        "import sys, kg, kg.graph, kg.linking, ingest, queries, reasoning, reasoning.llm, kg.errors, kg.settings\n"
        "heavy = {'networkx', 'openai', 'falkordb', 'redis', 'neo4j', 'spacy', 'rapidfuzz', 'pypinyin', 'rich'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"
