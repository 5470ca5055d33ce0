"""Aligning an English and a local concept chain by graph matching.

Each chain is a path graph of concepts in reasoning order. A pair (English concept, local
concept) scores by what the two concepts share, then by structure:

- node similarity: 1 for the same concept id; otherwise the better of the similarity of
  the English glosses (rapidfuzz token-sort ratio: word order may differ, but "severe
  malaria" is not "malaria") and closeness in the knowledge graph (neighbours score
  `kg_neighbour`, two hops `kg_two_hops`; below the threshold on their own, since a drug and
  the disease it treats are related, not the same);
- structure: agreement of relative position in the chain, and of the neighbours in the
  chain (the concepts just before and after also match).

Only pairs whose node similarity is positive can align (structure never joins two
unrelated concepts). The best one-to-one assignment is networkx's maximum-weight matching
on the bipartite graph of pairs that reach the threshold, weighted by the square of the
score so that one strong pair outweighs two weak ones; what stays unmatched is
English-only or local-only.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from kg.graph.store import GraphStore
from kg.linking.text import fold
from reasoning.results import AlignedPair, AlignmentResult, ChainResult, GroundedConcept

__all__ = ["AlignWeights", "Similarity", "align", "align_chains", "compare", "similarities"]

Similarity = list[list[float]]  # [English concept][local concept]


class AlignWeights(BaseModel):
    """Weights and threshold of the alignment (settings `align_*`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    structure: float = Field(default=0.25, ge=0, le=1)  # share of the score from structure
    order: float = Field(default=0.5, ge=0)  # within structure: position agreement
    neighbours: float = Field(default=0.5, ge=0)  # within structure: chain neighbours agree
    gloss_floor: float = Field(default=0.6, ge=0, le=1)  # gloss similarity below this counts as 0
    kg_neighbour: float = Field(default=0.45, ge=0, le=1)
    kg_two_hops: float = Field(default=0.25, ge=0, le=1)
    threshold: float = Field(default=0.5, ge=0, le=1)


def compare(store: GraphStore, english: ChainResult, local: ChainResult, weights: AlignWeights) -> Similarity:
    """The node similarity of every (English, local) concept pair, with the graph
    neighbourhood of their concepts. The graph only tells apart concepts with different ids:
    it is not fetched when every concept has its namesake on the other side."""
    en_cuis, local_cuis = {c.cui for c in english.concepts}, {c.cui for c in local.concepts}
    kg = store.subgraph(sorted(en_cuis | local_cuis), hops=1) if en_cuis != local_cuis else None
    return similarities(english.concepts, local.concepts, kg, weights)


def similarities(
    english: Sequence[GroundedConcept],
    local: Sequence[GroundedConcept],
    kg: nx.Graph | None = None,
    weights: AlignWeights | None = None,
) -> Similarity:
    """similarity[i][j] of English concept i and local concept j (see the module docstring).

    Args:
        kg: the knowledge-graph neighbourhood of both chains' concepts (nodes are concept
            ids or `("Concept", id)` tuples, as `GraphStore.subgraph` returns); optional.
    """
    node = _NodeSimilarity(kg, weights or AlignWeights())
    return [[node(e, loc) for loc in local] for e in english]


def align_chains(
    english: Sequence[GroundedConcept],
    local: Sequence[GroundedConcept],
    kg: nx.Graph | None = None,
    weights: AlignWeights | None = None,
) -> AlignmentResult:
    """The best one-to-one alignment of two chains."""
    return align(english, local, similarities(english, local, kg, weights), weights)


def align(
    english: Sequence[GroundedConcept],
    local: Sequence[GroundedConcept],
    similarity: Similarity,
    weights: AlignWeights | None = None,
) -> AlignmentResult:
    """The best one-to-one alignment, given the node similarities (see the module docstring)."""
    weights = weights or AlignWeights()
    bipartite = nx.Graph()
    for i in range(len(english)):
        for j in range(len(local)):
            if similarity[i][j] <= 0:
                continue
            score = _score(i, j, similarity, weights)
            if score >= weights.threshold:
                bipartite.add_edge(("en", i), ("local", j), weight=score * score, score=score)
    ends = sorted((*_ends(a, b), round(bipartite[a][b]["score"], 4)) for a, b in nx.max_weight_matching(bipartite))
    pairs = [
        AlignedPair(english=i, local=j, cui_english=english[i].cui, cui_local=local[j].cui, score=score)
        for i, j, score in ends
    ]
    taken_en, taken_local = {p.english for p in pairs}, {p.local for p in pairs}
    return AlignmentResult(
        pairs=pairs,
        english_only=[i for i in range(len(english)) if i not in taken_en],
        local_only=[j for j in range(len(local)) if j not in taken_local],
    )


def _ends(a: tuple[str, int], b: tuple[str, int]) -> tuple[int, int]:
    """(English index, local index) of a matched edge, whichever way round it came."""
    return (a[1], b[1]) if a[0] == "en" else (b[1], a[1])


def _score(i: int, j: int, similarity: list[list[float]], weights: AlignWeights) -> float:
    n_en, n_local = len(similarity), len(similarity[0])
    order = 1.0 - abs(_position(i, n_en) - _position(j, n_local))
    around = [similarity[i + d][j + d] for d in (-1, 1) if 0 <= i + d < n_en and 0 <= j + d < n_local]
    neighbours = sum(around) / len(around) if around else 0.0
    total_weight = weights.order + weights.neighbours or 1.0
    structure = (weights.order * order + weights.neighbours * neighbours) / total_weight
    return (1 - weights.structure) * similarity[i][j] + weights.structure * structure


def _position(index: int, length: int) -> float:
    return index / (length - 1) if length > 1 else 0.5


class _NodeSimilarity:
    def __init__(self, kg: nx.Graph | None, weights: AlignWeights) -> None:
        self.weights = weights
        self.kg = _concept_graph(kg) if kg is not None else None

    def __call__(self, a: GroundedConcept, b: GroundedConcept) -> float:
        if a.cui == b.cui:
            return 1.0
        a_gloss, b_gloss = a.gloss or a.name, b.gloss or b.name
        gloss = fuzz.token_sort_ratio(fold(a_gloss), fold(b_gloss)) / 100 if a_gloss and b_gloss else 0.0
        gloss = gloss if gloss >= self.weights.gloss_floor else 0.0
        return max(gloss, self._closeness(a.cui, b.cui))

    def _closeness(self, a: str, b: str) -> float:
        if self.kg is None or a not in self.kg or b not in self.kg:
            return 0.0
        if self.kg.has_edge(a, b):
            return self.weights.kg_neighbour
        if set(self.kg[a]) & set(self.kg[b]):
            return self.weights.kg_two_hops
        return 0.0


def _concept_graph(kg: nx.Graph) -> nx.Graph:
    """Undirected concept-to-concept graph keyed by concept id (terms and the like dropped)."""
    graph = nx.Graph()
    for a, b in kg.edges():
        ka, kb = _cui(a), _cui(b)
        if ka and kb and ka != kb:
            graph.add_edge(ka, kb)
    return graph


def _cui(node: object) -> str | None:
    if isinstance(node, tuple):
        return str(node[1]) if node[0] == "Concept" else None
    return str(node)
