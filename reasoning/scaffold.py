"""Fusing the scaffold: the English chain's order is the backbone, local-only concepts go
in where they belong, evidence attaches to the steps it grounds, rejections say why.

A concept the reasoning rules out (status absent) is never a finding of the scaffold: on a
step it is listed as ruled out, not among the step's concepts (so no evidence attaches to
it), and a local-only one is not inserted but rejected, with that reason."""

from __future__ import annotations

from reasoning.results import (
    AlignmentResult,
    ChainResult,
    Evidence,
    GroundedConcept,
    RejectedConcept,
    ScaffoldStepResult,
)

__all__ = ["fuse"]


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
            reason = "local-only, and the local reasoning rules it out"
            rejected.append(RejectedConcept(cui=concept.cui, name=concept.name, reason=reason))
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
    step is about), else the first that names its condition."""
    attached: dict[int, list[Evidence]] = {}
    for fact in evidence:
        choices = (
            [s for s in steps if fact.head in s.cuis and fact.tail in s.cuis],
            [s for s in steps if fact.tail in s.cuis],
            [s for s in steps if fact.head in s.cuis],
        )
        target = next((found[0] for found in choices if found), None)
        if target is not None:
            attached.setdefault(target.index, []).append(fact)
    return [step.model_copy(update={"evidence": attached.get(step.index, [])}) for step in steps]
