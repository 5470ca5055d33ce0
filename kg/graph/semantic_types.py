"""The UMLS Semantic Network types, shipped with the package (see kg/data/README.md)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from kg.graph.model import SemanticType

__all__ = ["semantic_types", "semantic_type"]


@cache
def semantic_types() -> dict[str, SemanticType]:
    """All 127 current semantic types by TUI."""
    text = resources.files("kg").joinpath("data/semantic_types.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {
        row["tui"]: SemanticType(
            tui=row["tui"],
            name=row["name"],
            abbreviation=row["abbreviation"],
            tree_number=row["tree_number"],
            group=row["group"],
        )
        for row in rows
    }


def semantic_type(tui: str) -> SemanticType | None:
    return semantic_types().get(tui)
