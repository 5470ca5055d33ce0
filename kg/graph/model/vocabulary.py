"""The medical vocabulary: concepts, their terms in many languages, types and relations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, computed_field

from kg.graph.model.base import Ends, Lang, Node, NonEmpty, Relationship
from kg.graph.schema import ConceptRelType

__all__ = [
    "Denotes",
    "ConceptId",
    "Tui",
    "Concept",
    "Term",
    "SemanticType",
    "HasType",
    "ConceptRelation",
    "LocalPractice",
    "PRACTICE_KINDS",
    "MAX_TERM_CHARS",
    "TermText",
]

# A term is a name, not a text: anything longer is a broken row (a quote left open that
# swallowed the lines after it), refused with its file and line.
MAX_TERM_CHARS = 10_000
TermText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TERM_CHARS)]

# A UMLS CUI (C + 7 digits) or our own stable id (MC + 6 digits, or a learned id "ML...").
ConceptId = Annotated[str, StringConstraints(pattern=r"^(C\d{7}|MC\d{6}|ML[0-9a-f]{12})$")]
Tui = Annotated[str, StringConstraints(pattern=r"^T\d{3}$")]
Region = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]  # ISO 3166-1 alpha-2

PRACTICE_KINDS = (
    "first_line_treatment",
    "second_line_treatment",
    "drug_availability",
    "prevalence",
    "screening",
    "vaccination",
    "prevention",
    "traditional_practice",
    "referral",
)


class Concept(Node):
    """A medical concept, UMLS-style: one meaning, many terms."""

    label = "Concept"
    cui: ConceptId
    name: NonEmpty
    semantic_types: list[Tui] = Field(min_length=1)
    source: NonEmpty
    xrefs: list[str] = Field(default_factory=list)


class Term(Node):
    """A string in one language that denotes a concept (an atom, in UMLS words).

    Curated terms come from vocabularies; learned ones from pipeline runs (`run` says which)
    and never overwrite a curated term.
    """

    label = "Term"
    # Not TermText: the cap is checked where a file's rows are read (lexicon and concept
    # records), which name file and line; a reader that builds terms itself must not crash.
    text: NonEmpty
    lang: Lang
    cui: ConceptId
    source: NonEmpty
    norm: str = ""
    status: Literal["curated", "learned"] = "curated"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    run: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.lang}:{self.text}:{self.cui}"

    def denotes(self) -> Denotes:
        return Denotes(start=self.key, end=self.cui)


class Denotes(Relationship):
    start: str
    end: ConceptId

    def ends(self) -> Ends:
        return Ends("DENOTES", "Term", self.start, "Concept", self.end)


class SemanticType(Node):
    """A UMLS Semantic Network type (T047 Disease or Syndrome, ...)."""

    label = "SemanticType"
    tui: Tui
    name: NonEmpty
    abbreviation: str = ""
    tree_number: str = ""
    group: str = ""


class HasType(Relationship):
    start: ConceptId
    end: Tui

    def ends(self) -> Ends:
        return Ends("HAS_TYPE", "Concept", self.start, "SemanticType", self.end)


class ConceptRelation(Relationship):
    """A typed relation between two concepts, from the closed set CONCEPT_RELATIONS."""

    endpoint_fields = frozenset({"head", "rel", "tail"})
    head: ConceptId
    rel: ConceptRelType
    tail: ConceptId
    source: NonEmpty

    def ends(self) -> Ends:
        return Ends(self.rel, "Concept", self.head, "Concept", self.tail)


class LocalPractice(Relationship):
    """How a concept is handled in one region: the edges the co-reasoner traverses.

    `head` is the condition, `tail` the practice, drug, test or organism it is about.
    """

    endpoint_fields = frozenset({"head", "tail"})
    head: ConceptId
    tail: ConceptId
    kind: Literal[PRACTICE_KINDS]  # type: ignore[valid-type]
    region: Region
    lang: Lang
    statement: NonEmpty
    statement_local: NonEmpty
    source: NonEmpty

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.kind}:{self.region}:{self.lang}"

    def ends(self) -> Ends:
        return Ends("LOCAL_PRACTICE", "Concept", self.head, "Concept", self.tail)
