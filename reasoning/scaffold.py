"""Fusing the scaffold, two ways. In both the English chain's order is the backbone,
evidence attaches to the steps it grounds, and rejections say why.

- `fuse` ("graph", this project's): aligned concepts merge into the English step they
  align with; local-only concepts are inserted before the English step of the next aligned
  concept; a local-only concept unknown to the graph and unsupported by local practice is
  rejected.
- `fuse_by_insertion` ("insertion", the paper's released code): each local concept goes next
  to its most similar English concept when their similarity reaches the threshold (0.7 in
  the paper; here the similarity is this project's, concept identity, gloss and graph
  neighbourhood), and is dropped when no English concept is that similar. Nothing is merged
  and alignment plays no part; a local concept that is the very concept it would go next to
  adds nothing and is not repeated.

A concept the reasoning rules out (status absent) is never a finding of the scaffold: on a
step it is listed as ruled out, not among the step's concepts (so no evidence attaches to
it), and a local one is not inserted but rejected, with that reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from reasoning.results import (
    AlignmentResult,
    ChainResult,
    Evidence,
    GroundedConcept,
    RejectedConcept,
    ScaffoldStepResult,
)

__all__ = ["fuse", "fuse_by_concatenation", "fuse_by_insertion"]

_RULED_OUT = "the local reasoning rules it out"


def fuse(
    english: ChainResult, local: ChainResult, alignment: AlignmentResult, evidence: list[Evidence]
) -> tuple[list[ScaffoldStepResult], list[RejectedConcept]]:
    """The scaffold steps in order and the concepts left out of it."""
    kept, rejected = _local_only(english, local, alignment, evidence)
    steps = [_english_step(i, text, english, local, alignment) for i, text in enumerate(english.steps)]
    for position, concept in kept:
        steps.insert(position, _local_step(concept, local))
    steps = [step.model_copy(update={"index": i}) for i, step in enumerate(steps)]
    return _attach(steps, evidence), rejected


def fuse_by_insertion(
    english: ChainResult,
    local: ChainResult,
    similarity: Sequence[Sequence[float]],
    evidence: list[Evidence],
    threshold: float = 0.7,
) -> tuple[list[ScaffoldStepResult], list[RejectedConcept]]:
    """The paper's fusion (see the module docstring): the scaffold steps and the concepts
    left out. `similarity[i][j]` is that of English concept i and local concept j."""
    after: dict[int, list[GroundedConcept]] = defaultdict(list)  # English step -> local concepts next to it
    rejected = []
    for j, concept in enumerate(local.concepts):
        if concept.status == "absent":
            rejected.append(RejectedConcept(cui=concept.cui, name=concept.name, reason=_RULED_OUT))
            continue
        best = max(range(len(english.concepts)), key=lambda i: (similarity[i][j], -i), default=None)
        if best is None or similarity[best][j] < threshold:
            score = similarity[best][j] if best is not None else 0.0
            reason = f"less similar than {threshold} to every English concept (best {score:.2f})"
            rejected.append(RejectedConcept(cui=concept.cui, name=concept.name, reason=reason))
            continue
        neighbour = english.concepts[best]
        if neighbour.cui != concept.cui and concept.cui not in {c.cui for c in after[neighbour.step]}:
            after[neighbour.step].append(concept)
    steps: list[ScaffoldStepResult] = []
    for index, text in enumerate(english.steps):
        own = [c for c in english.concepts if c.step == index]
        cuis = list(dict.fromkeys(c.cui for c in own if c.status != "absent"))
        ruled_out = list(dict.fromkeys(c.cui for c in own if c.status == "absent" and c.cui not in cuis))
        steps.append(ScaffoldStepResult(index=0, text=text, origin="english", cuis=cuis, ruled_out=ruled_out))
        steps += [_local_step(concept, local) for concept in after[index]]
    steps = [step.model_copy(update={"index": i}) for i, step in enumerate(steps)]
    return _attach(steps, evidence), rejected


def fuse_by_concatenation(
    english: ChainResult, local: ChainResult, evidence: list[Evidence]
) -> tuple[list[ScaffoldStepResult], list[RejectedConcept]]:
    """The ablation without alignment: the English steps, then the local ones, each with its
    own concepts (what either rules out stays ruled out), evidence attached as usual."""
    steps = [
        _chain_step(text, [c for c in chain.concepts if c.step == index], "english" if chain is english else "local")
        for chain in (english, local)
        for index, text in enumerate(chain.steps)
    ]
    steps = [step.model_copy(update={"index": i}) for i, step in enumerate(steps)]
    return _attach(steps, evidence), []


def _chain_step(text: str, concepts: list[GroundedConcept], origin: str) -> ScaffoldStepResult:
    cuis = list(dict.fromkeys(c.cui for c in concepts if c.status != "absent"))
    ruled_out = list(dict.fromkeys(c.cui for c in concepts if c.status == "absent" and c.cui not in cuis))
    return ScaffoldStepResult(index=0, text=text, origin=origin, cuis=cuis, ruled_out=ruled_out)  # type: ignore[arg-type]


def _english_step(
    index: int, text: str, english: ChainResult, local: ChainResult, alignment: AlignmentResult
) -> ScaffoldStepResult:
    own = [i for i, c in enumerate(english.concepts) if c.step == index]
    partners = {p.english: local.concepts[p.local] for p in alignment.pairs}
    concepts = [english.concepts[i] for i in own] + [partners[i] for i in own if i in partners]
    cuis = list(dict.fromkeys(c.cui for c in concepts if c.status != "absent"))
    ruled_out = list(dict.fromkeys(c.cui for c in concepts if c.status == "absent" and c.cui not in cuis))
    fused = any(i in partners for i in own)
    return ScaffoldStepResult(
        index=index, text=text, origin="fused" if fused else "english", cuis=cuis, ruled_out=ruled_out
    )


def _local_only(
    english: ChainResult, local: ChainResult, alignment: AlignmentResult, evidence: list[Evidence]
) -> tuple[list[tuple[int, GroundedConcept]], list[RejectedConcept]]:
    """Local-only concepts to insert (with the backbone position after which they go), and
    those rejected: unknown to the graph and unsupported by any local-practice fact."""
    supported = {e.head for e in evidence} | {e.tail for e in evidence}
    english_step_of = {p.local: english.concepts[p.english].step for p in alignment.pairs}
    kept: list[tuple[int, GroundedConcept]] = []
    rejected = []
    for j in alignment.local_only:
        concept = local.concepts[j]
        if concept.status == "absent":
            rejected.append(RejectedConcept(cui=concept.cui, name=concept.name, reason=_RULED_OUT))
            continue
        if concept.method == "learned" and concept.cui not in supported:
            reason = "local-only, unknown to the graph and not supported by local practice"
            rejected.append(RejectedConcept(cui=concept.cui, name=concept.name, reason=reason))
            continue
        # Just before the English step of the next aligned concept, so that English steps
        # without concepts stay with their neighbours; at the end when nothing aligned follows.
        after = [english_step_of[k] for k in range(j + 1, len(local.concepts)) if k in english_step_of]
        kept.append((min(after, default=len(english.steps)) + len(kept), concept))
    return kept, rejected


def _local_step(concept: GroundedConcept, local: ChainResult) -> ScaffoldStepResult:
    source = local.steps[concept.step] if concept.step < len(local.steps) else concept.surface
    text = f"[{local.lang}] {concept.name} ({concept.surface}): {source}"
    return ScaffoldStepResult(index=0, text=text, origin="local", cuis=[concept.cui])


def _attach(steps: list[ScaffoldStepResult], evidence: list[Evidence]) -> list[ScaffoldStepResult]:
    """Each fact goes to the step it grounds: the first that names both its condition and
    its practice, else the first that names its practice (the drug, test or vaccine the
    step is about), else the first that names its condition, else (a fact on a broader
    concept) the first that names the narrower concept it was reached from."""
    attached: dict[int, list[Evidence]] = {}
    for fact in evidence:
        choices = (
            [s for s in steps if fact.head in s.cuis and fact.tail in s.cuis],
            [s for s in steps if fact.tail in s.cuis],
            [s for s in steps if fact.head in s.cuis],
            [s for s in steps if fact.via is not None and fact.via in s.cuis],
        )
        target = next((found[0] for found in choices if found), None)
        if target is not None:
            attached.setdefault(target.index, []).append(fact)
    return [step.model_copy(update={"evidence": attached.get(step.index, [])}) for step in steps]
