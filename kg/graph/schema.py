"""The closed graph schema: every label and relationship type the system may write.

Labels and relationship types cannot be Cypher parameters, so they are spliced into
statement text; this whitelist is what makes that safe. Anything outside it is refused
before any Cypher is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from kg.errors import SchemaError

__all__ = [
    "NODE_KEYS",
    "CONCEPT_RELATIONS",
    "ConceptRelType",
    "RELATIONSHIPS",
    "RelationshipSpec",
    "check_label",
    "check_relationship",
    "relationship_spec",
]

# Label -> the property that identifies a node (MERGE key).
NODE_KEYS: dict[str, str] = {
    "Concept": "cui",
    "Term": "key",
    "SemanticType": "tui",
    "Document": "key",
    "Passage": "key",
    "Question": "key",
    "Run": "key",
    "Chain": "key",
    "Step": "key",
    "Scaffold": "key",
    "ScaffoldStep": "key",
    "Check": "key",
}

# List properties that gather what every source says instead of taking the last one's: a
# UMLS load after the seed must not wipe the ICD-10/MeSH cross-references the seed gave.
MERGED_LISTS: dict[str, tuple[str, ...]] = {"Concept": ("xrefs",)}

# Typed concept-to-concept relations (UMLS REL/RELA and seed relations map onto these).
ConceptRelType = Literal[
    "IS_A",
    "PART_OF",
    "TREATS",
    "PREVENTS",
    "CAUSES",
    "HAS_SYMPTOM",
    "DIAGNOSED_BY",
    "RISK_FACTOR_FOR",
    "COMPLICATION_OF",
    "INTERACTS_WITH",
    "CONTRAINDICATED_IN",
    "ASSOCIATED_WITH",
]
CONCEPT_RELATIONS: frozenset[str] = frozenset(get_args(ConceptRelType))


@dataclass(frozen=True)
class RelationshipSpec:
    """A relationship type, the (start, end) label pairs it may join, and its key.

    `key` names the relationship property that tells two parallel relationships of this
    type apart (MERGE includes it); None means at most one such relationship per node pair.
    """

    type: str
    endpoints: tuple[tuple[str, str], ...]
    key: str | None = None


def _specs(*specs: RelationshipSpec) -> dict[str, RelationshipSpec]:
    return {spec.type: spec for spec in specs}


_CC = (("Concept", "Concept"),)

RELATIONSHIPS: dict[str, RelationshipSpec] = _specs(
    *(RelationshipSpec(rel, _CC) for rel in sorted(CONCEPT_RELATIONS)),
    RelationshipSpec("LOCAL_PRACTICE", _CC, key="key"),
    RelationshipSpec("DENOTES", (("Term", "Concept"),)),
    RelationshipSpec("HAS_TYPE", (("Concept", "SemanticType"),)),
    RelationshipSpec("HAS_PASSAGE", (("Document", "Passage"),)),
    RelationshipSpec(
        "MENTIONS",
        (("Passage", "Concept"), ("Step", "Concept"), ("ScaffoldStep", "Concept")),
        key="surface",
    ),
    RelationshipSpec("HAS_RUN", (("Question", "Run"),)),
    RelationshipSpec("HAS_CHAIN", (("Run", "Chain"),)),
    RelationshipSpec("HAS_STEP", (("Chain", "Step"), ("Scaffold", "ScaffoldStep"))),
    RelationshipSpec("NEXT", (("Step", "Step"), ("ScaffoldStep", "ScaffoldStep"))),
    RelationshipSpec("ALIGNED_WITH", (("Step", "Step"),), key="key"),
    RelationshipSpec("HAS_SCAFFOLD", (("Run", "Scaffold"),)),
    RelationshipSpec("HAS_CHECK", (("Run", "Check"),)),
    RelationshipSpec("CITES", (("ScaffoldStep", "Passage"),)),
    RelationshipSpec("CITES_PRACTICE", (("ScaffoldStep", "Concept"),), key="key"),
    RelationshipSpec("REJECTED", (("Scaffold", "Concept"),)),
)


def check_label(label: str) -> str:
    """Return `label` if it is in the schema, else raise SchemaError."""
    if label not in NODE_KEYS:
        known = ", ".join(sorted(NODE_KEYS))
        raise SchemaError(f"unknown node label {label!r}; known labels: {known}")
    return label


def relationship_spec(rel_type: str) -> RelationshipSpec:
    """Return the spec of `rel_type` if it is in the schema, else raise SchemaError."""
    spec = RELATIONSHIPS.get(rel_type)
    if spec is None:
        known = ", ".join(sorted(RELATIONSHIPS))
        raise SchemaError(f"unknown relationship type {rel_type!r}; known types: {known}")
    return spec


def check_relationship(rel_type: str, start: str, end: str) -> RelationshipSpec:
    """Return the spec of `rel_type` if it may join `start` to `end`, else raise SchemaError."""
    spec = relationship_spec(rel_type)
    if (start, end) not in spec.endpoints:
        allowed = ", ".join(f"({a})->({b})" for a, b in spec.endpoints)
        raise SchemaError(f"relationship {rel_type} cannot join ({start})->({end}); allowed: {allowed}")
    return spec
