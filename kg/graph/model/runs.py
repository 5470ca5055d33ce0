"""What one co-reasoning run leaves in the graph: question, chains, steps, alignment, scaffold."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, computed_field

from kg.graph.model.base import Ends, Lang, Node, NonEmpty, Relationship
from kg.graph.model.vocabulary import ConceptId
from kg.graph.schema import check_relationship

__all__ = [
    "Question",
    "Run",
    "RunStatus",
    "Check",
    "Chain",
    "Step",
    "Scaffold",
    "ScaffoldStep",
    "Link",
    "Alignment",
    "CitesPractice",
    "Rejected",
    "Task",
    "stable_hash",
]

# The three kinds of question: free text, multiple choice (an option letter), NLI (a label).
Task = Literal["qa", "mcq", "nli"]


def stable_hash(*parts: object) -> str:
    """A short hex digest of JSON-serialisable parts: equal inputs give equal keys."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Question(Node):
    label = "Question"
    text: NonEmpty
    lang: Lang
    task: Task = "qa"
    options: dict[str, str] | None = None
    english: str | None = None
    # The benchmark item's id: two items may ask the same question with different references.
    item: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return stable_hash(self.lang, self.task, self.text, self.options, self.item)


# A run answered (its answer read), answered but unreadable, or failed at a stage.
RunStatus = Literal["answered", "unparseable", "failed"]


class Run(Node):
    label = "Run"
    key: NonEmpty
    question: NonEmpty
    model: NonEmpty
    lang: Lang
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    settings_hash: str = ""
    answer: str | None = None
    status: RunStatus | None = None
    stage: str | None = None  # where a failed run stopped
    error: str | None = None
    # What evaluation slices by: the method, the benchmark and the item, the gold answer, and
    # whether the answer is it (None where it cannot be told by comparison: long-form answers).
    method: str | None = None
    dataset: str | None = None
    gold: str | None = None
    correct: bool | None = None
    # The question's first words: what a person sees of the run (Neo4j Browser's caption).
    title: str = ""
    # When the run was written (UTC, ISO 8601): a re-run rewrites it.
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Check(Node):
    """One check of a model output in a run: the stage, what was expected, what was found
    and what was done (accepted, re-asked, recorded as a violation)."""

    label = "Check"
    run: NonEmpty
    index: int = Field(ge=0)
    stage: NonEmpty
    kind: Literal["answer", "language"]
    expected: NonEmpty
    detected: NonEmpty
    action: Literal["accepted", "re-asked", "recorded"]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.run}:check:{self.index}"


class Chain(Node):
    label = "Chain"
    run: NonEmpty
    role: Literal["english", "local"]
    lang: Lang
    answer: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.run}:{self.role}"


class Step(Node):
    label = "Step"
    chain: NonEmpty
    index: int = Field(ge=0)
    text: NonEmpty
    lang: Lang

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.chain}:{self.index}"


class Scaffold(Node):
    label = "Scaffold"
    run: NonEmpty
    lang: Lang
    answer: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.run}:scaffold"


class ScaffoldStep(Node):
    label = "ScaffoldStep"
    scaffold: NonEmpty
    index: int = Field(ge=0)
    text: NonEmpty
    lang: Lang
    origin: Literal["english", "local", "fused"] = "english"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.scaffold}:{self.index}"


class Link(Relationship):
    """A structural relationship without properties (HAS_RUN, HAS_STEP, NEXT, CITES, ...)."""

    endpoint_fields = frozenset({"type", "start_label", "start", "end_label", "end"})
    type: Literal["HAS_RUN", "HAS_CHAIN", "HAS_STEP", "NEXT", "HAS_SCAFFOLD", "HAS_CHECK", "HAS_PASSAGE", "CITES"]
    start_label: str
    start: NonEmpty
    end_label: str
    end: NonEmpty

    def ends(self) -> Ends:
        check_relationship(self.type, self.start_label, self.end_label)
        return Ends(self.type, self.start_label, self.start, self.end_label, self.end)


class Alignment(Relationship):
    """An English step's concept matched to a local step's concept, with its score."""

    endpoint_fields = frozenset({"english_step", "local_step"})
    english_step: NonEmpty
    local_step: NonEmpty
    english_cui: ConceptId
    local_cui: ConceptId
    score: float = Field(ge=0.0, le=1.0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.english_cui}|{self.local_cui}"

    def ends(self) -> Ends:
        return Ends("ALIGNED_WITH", "Step", self.english_step, "Step", self.local_step)


class CitesPractice(Relationship):
    """A scaffold step uses a LOCAL_PRACTICE fact (identified by its head, tail and key)."""

    endpoint_fields = frozenset({"step", "tail"})
    step: NonEmpty
    head: ConceptId
    tail: ConceptId
    practice_key: NonEmpty
    statement: NonEmpty

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        return f"{self.head}:{self.practice_key}"

    def ends(self) -> Ends:
        return Ends("CITES_PRACTICE", "ScaffoldStep", self.step, "Concept", self.tail)


class Rejected(Relationship):
    """A concept the fusion left out of the scaffold, and why."""

    endpoint_fields = frozenset({"scaffold", "cui"})
    scaffold: NonEmpty
    cui: ConceptId
    reason: NonEmpty

    def ends(self) -> Ends:
        return Ends("REJECTED", "Scaffold", self.scaffold, "Concept", self.cui)
