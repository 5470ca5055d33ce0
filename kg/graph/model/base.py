"""Base classes of graph models: a node knows its label and key, a relationship its ends."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints

from kg.graph.schema import NODE_KEYS

__all__ = ["GraphModel", "Node", "Relationship", "Ends", "Lang", "NonEmpty", "graph_properties"]

# ISO 639-1/-3 code. Not a closed list: a new language is a data change.
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def graph_properties(values: dict[str, Any]) -> dict[str, Any]:
    """Make a dump storable as graph properties: maps become JSON text, None is dropped.

    Both engines store only scalars and lists of scalars as property values.
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        out[name] = value
    return out


class GraphModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Node(GraphModel):
    """A node of the graph; `label` is its (single) label, its key property is in NODE_KEYS."""

    label: ClassVar[str]

    def node_key(self) -> str:
        return str(getattr(self, NODE_KEYS[self.label]))

    def properties(self) -> dict[str, Any]:
        return graph_properties(self.model_dump(mode="json"))


@dataclass(frozen=True)
class Ends:
    """Where a relationship goes: its type and the label and key of both ends."""

    type: str
    start_label: str
    start: str
    end_label: str
    end: str


class Relationship(GraphModel, ABC):
    """A relationship between two nodes identified by their keys."""

    # Fields that name the ends; they are not stored as relationship properties.
    endpoint_fields: ClassVar[frozenset[str]] = frozenset({"start", "end"})

    @abstractmethod
    def ends(self) -> Ends:
        """The relationship's type and both ends."""

    def properties(self) -> dict[str, Any]:
        return graph_properties(self.model_dump(mode="json", exclude=set(self.endpoint_fields)))
