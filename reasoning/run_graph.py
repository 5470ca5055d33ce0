"""A run as graph nodes and relationships: question, run, chains, steps, mentions,
alignments, scaffold, cited practice, rejections and checks. Every key derives from the run
key; the pipeline clears a run's record before writing it again (`GraphStore.clear_run`), so
the graph holds the latest attempt of each run key and nothing of the ones before."""

from __future__ import annotations

from collections.abc import Iterator

from kg.graph.model import (
    Alignment,
    Chain,
    Check,
    CitesPractice,
    Link,
    Mention,
    Node,
    Question,
    Rejected,
    Relationship,
    Run,
    Scaffold,
    ScaffoldStep,
    Step,
)
from reasoning.results import ChainResult, CoReasonResult, Item

__all__ = ["failure_items", "question_and_run", "question_node", "result_items", "title_of"]


def title_of(question: str, width: int = 80) -> str:
    """A question's first words, on one line: how a run is named where people look at it."""
    text = " ".join(question.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def question_node(item: Item) -> Question:
    return Question(
        text=item.question, lang=item.lang, task=item.task, options=item.options, english=item.english, item=item.id
    )


def failure_items(item: Item, run: Run, stage: str, error: str) -> Iterator[Node | Relationship]:
    """The record of a run that failed: its question, and the run with where and why."""
    yield from question_and_run(item, run.model_copy(update={"status": "failed", "stage": stage, "error": error}))


def result_items(result: CoReasonResult, run: Run) -> Iterator[Node | Relationship]:
    """The whole record of a finished run: question, run (answer, status), chains, checks,
    alignments and scaffold."""
    outcome = {"answer": result.answer, "status": result.status, "gold": result.item.gold, "correct": result.correct}
    yield from question_and_run(result.item, run.model_copy(update=outcome))
    yield from _chain(run.key, result.english)
    yield from _chain(run.key, result.local)
    for index, check in enumerate(result.checks):
        node = Check(run=run.key, index=index, **check.model_dump())
        yield node
        yield Link(type="HAS_CHECK", start_label="Run", start=run.key, end_label="Check", end=node.key)
    yield from _scaffold(result)


def question_and_run(item: Item, run: Run) -> Iterator[Node | Relationship]:
    question = question_node(item)
    yield question
    yield run
    yield Link(type="HAS_RUN", start_label="Question", start=question.key, end_label="Run", end=run.key)


def _chain(run_key: str, chain: ChainResult) -> Iterator[Node | Relationship]:
    node = Chain(run=run_key, role=chain.role, lang=chain.lang, answer=chain.answer)
    yield node
    yield Link(type="HAS_CHAIN", start_label="Run", start=run_key, end_label="Chain", end=node.key)
    steps = [Step(chain=node.key, index=i, text=text, lang=chain.lang) for i, text in enumerate(chain.steps)]
    yield from steps
    yield from (Link(type="HAS_STEP", start_label="Chain", start=node.key, end_label="Step", end=s.key) for s in steps)
    yield from (
        Link(type="NEXT", start_label="Step", start=a.key, end_label="Step", end=b.key)
        for a, b in zip(steps, steps[1:], strict=False)
    )
    for concept in chain.concepts:
        step = steps[min(concept.step, len(steps) - 1)]
        yield Mention(
            source_label="Step",
            start=step.key,
            cui=concept.cui,
            surface=concept.surface,
            lang=chain.lang,
            score=min(concept.score, 1.0),
            method=concept.method,
            status=concept.status,
        )


def _scaffold(result: CoReasonResult) -> Iterator[Node | Relationship]:
    yield from _alignments(result)
    scaffold = Scaffold(run=result.run_key, lang=result.item.lang, answer=result.answer)
    yield scaffold
    yield Link(type="HAS_SCAFFOLD", start_label="Run", start=result.run_key, end_label="Scaffold", end=scaffold.key)
    steps = [
        ScaffoldStep(
            scaffold=scaffold.key,
            index=s.index,
            text=s.text,
            lang=result.local.lang if s.origin == "local" else "en",  # a local step quotes the local chain
            origin=s.origin,
        )
        for s in result.scaffold
    ]
    yield from steps
    for node, step in zip(steps, result.scaffold, strict=True):
        yield Link(type="HAS_STEP", start_label="Scaffold", start=scaffold.key, end_label="ScaffoldStep", end=node.key)
        for cui in [*step.cuis, *step.ruled_out]:
            name, status = result.name_of(cui), "absent" if cui in step.ruled_out else result.assertion_of(cui)
            yield Mention(source_label="ScaffoldStep", start=node.key, cui=cui, surface=name, lang="en", status=status)
        for fact in step.evidence:
            if fact.kind == "passage":
                yield Link(type="CITES", start_label="ScaffoldStep", start=node.key, end_label="Passage", end=fact.key)
                continue
            yield CitesPractice(
                step=node.key, head=fact.head, tail=fact.tail, practice_key=fact.key, statement=fact.statement
            )
    yield from (
        Link(type="NEXT", start_label="ScaffoldStep", start=a.key, end_label="ScaffoldStep", end=b.key)
        for a, b in zip(steps, steps[1:], strict=False)
    )
    yield from (Rejected(scaffold=scaffold.key, cui=r.cui, reason=r.reason) for r in result.rejected)


def _alignments(result: CoReasonResult) -> Iterator[Alignment]:
    english, local = result.english, result.local
    for pair in result.alignment.pairs:
        en, lo = english.concepts[pair.english], local.concepts[pair.local]
        yield Alignment(
            english_step=f"{result.run_key}:english:{min(en.step, len(english.steps) - 1)}",
            local_step=f"{result.run_key}:local:{min(lo.step, len(local.steps) - 1)}",
            english_cui=en.cui,
            local_cui=lo.cui,
            score=min(pair.score, 1.0),
        )
