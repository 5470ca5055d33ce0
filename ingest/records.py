"""The plain-file formats of vocabulary and local-practice data (the seed's own format)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kg.graph.model import Concept, HasType, Term
from kg.graph.model.base import Lang, NonEmpty
from kg.graph.model.vocabulary import ConceptId, TermText, Tui
from kg.graph.semantic_types import semantic_types

__all__ = ["ConceptRecord"]


class ConceptRecord(BaseModel):
    """One line of a concepts file: a concept with its terms in any number of languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cui: ConceptId
    name: NonEmpty
    semantic_types: list[Tui] = Field(min_length=1)
    source: NonEmpty
    xrefs: list[str] = Field(default_factory=list)
    terms: dict[Lang, list[TermText]]
    term_sources: dict[Lang, NonEmpty] = Field(default_factory=dict)

    @field_validator("semantic_types")
    @classmethod
    def _official(cls, tuis: list[str]) -> list[str]:
        unknown = [tui for tui in tuis if tui not in semantic_types()]
        if unknown:
            raise ValueError(f"not a UMLS semantic type: {', '.join(unknown)}")
        return tuis

    def concept(self) -> Concept:
        return Concept(
            cui=self.cui,
            name=self.name,
            semantic_types=self.semantic_types,
            source=self.source,
            xrefs=self.xrefs,
        )

    def term_nodes(self) -> list[Term]:
        return [
            Term(text=text, lang=lang, cui=self.cui, source=self.term_sources.get(lang, self.source))
            for lang, texts in self.terms.items()
            for text in dict.fromkeys(texts)  # a repeated term is one term
        ]

    def type_links(self) -> list[HasType]:
        return [HasType(start=self.cui, end=tui) for tui in self.semantic_types]
