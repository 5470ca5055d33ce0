"""Pydantic models of every node and relationship kind of the graph (README, Architecture: the graph)."""

from kg.graph.model.base import Ends, Node, Relationship, graph_properties
from kg.graph.model.documents import Document, Mention, Passage
from kg.graph.model.runs import (
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
    Task,
    stable_hash,
)
from kg.graph.model.vocabulary import (
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
    "Task",
    "Term",
    "graph_properties",
    "stable_hash",
]
