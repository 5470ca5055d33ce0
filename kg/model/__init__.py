"""Pydantic models of every node and relationship kind of the graph (DESIGN §3)."""

from kg.model.base import Ends, Node, Relationship, graph_properties
from kg.model.documents import Document, Mention, Passage
from kg.model.runs import (
    Alignment,
    Chain,
    CitesPractice,
    Link,
    Question,
    Rejected,
    Run,
    Scaffold,
    ScaffoldStep,
    Step,
    stable_hash,
)
from kg.model.vocabulary import (
    PRACTICE_KINDS,
    Concept,
    ConceptRelation,
    Denotes,
    HasType,
    LocalPractice,
    SemanticType,
    Term,
)

__all__ = [
    "Alignment",
    "Chain",
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
    "Scaffold",
    "ScaffoldStep",
    "SemanticType",
    "Step",
    "Term",
    "graph_properties",
    "stable_hash",
]
