"""Local documents (guidelines, leaflets) cut into passages that mention concepts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, computed_field

from kg.graph.model.base import Ends, Lang, Node, NonEmpty, Relationship
from kg.graph.model.vocabulary import ConceptId

__all__ = ["Document", "Passage", "Mention"]


class Document(Node):
    label = "Document"
    key: NonEmpty
    title: NonEmpty
    lang: Lang
    source: NonEmpty
    region: str | None = None


class Passage(Node):
    label = "Passage"
    doc: NonEmpty
    index: int = Field(ge=0)
    text: NonEmpty
    lang: Lang

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.doc}#{self.index}"


class Mention(Relationship):
    """A passage, reasoning step or scaffold step mentions a concept as `surface`."""

    endpoint_fields = frozenset({"source_label", "start", "cui"})
    source_label: Literal["Passage", "Step", "ScaffoldStep"]
    start: NonEmpty
    cui: ConceptId
    surface: NonEmpty
    lang: Lang
    start_char: int | None = Field(default=None, ge=0)
    score: float = Field(default=1.0, ge=0.0, le=1.0)
    method: str = "exact"
    # Whether the text asserts the concept: present, absent ("no signs of severe malaria") or
    # possible (suspected); a passage's mentions are not assessed (None).
    status: Literal["present", "absent", "possible"] | None = None

    def ends(self) -> Ends:
        return Ends("MENTIONS", self.source_label, self.start, "Concept", self.cui)
