"""What a co-reasoning run returns: every intermediate, as pydantic models."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kg.errors import ConfigError
from kg.graph.model import RunStatus, Task
from kg.languages import check_language, check_region
from reasoning.answers import NLI_LABELS
from reasoning.llm.usage import Usage
from reasoning.schemas import Assertion, Role

__all__ = [
    "Task",
    "Item",
    "GroundedConcept",
    "ChainResult",
    "AlignedPair",
    "AlignmentResult",
    "CheckResult",
    "Evidence",
    "ScaffoldStepResult",
    "RejectedConcept",
    "CoReasonResult",
    "EXPORT_FIELDS",
    "FailedItem",
    "export_line",
    "is_correct",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(_Model):
    """One question to run: text in `lang`, options for mcq, the English parallel if known,
    and the reference answer when there is one (for evaluation; never shown to the model)."""

    question: str = Field(min_length=1)
    lang: str
    task: Task = "qa"
    options: dict[str, str] | None = None
    # The NLI label set when it is not the three (MultiMed-X BioNLI: entailment, contradiction).
    labels: list[str] | None = None
    english: str | None = None
    region: str | None = None
    id: str | None = None
    gold: str | None = None
    dataset: str | None = None  # the benchmark the item comes from, when it does
    # Several options are right (the question says how many): the answer is all their letters.
    multiple: bool = False

    @field_validator("lang")
    @classmethod
    def _iso_language(cls, code: str) -> str:
        return _checked(check_language, code)

    @field_validator("region")
    @classmethod
    def _iso_region(cls, code: str | None) -> str | None:
        return None if code is None else _checked(check_region, code)

    @model_validator(mode="after")
    def _options_for_mcq(self) -> Item:
        if self.task == "mcq" and not self.options:
            raise ValueError('an mcq item needs options, e.g. {"A": "...", "B": "..."}')
        if self.labels is not None and (self.task != "nli" or not set(self.labels) <= set(NLI_LABELS)):
            raise ValueError(f"labels are an NLI item's label set, from {', '.join(NLI_LABELS)}")
        return self

    @property
    def label_set(self) -> tuple[str, ...]:
        return tuple(self.labels or NLI_LABELS)


def _checked(check: Callable[[str], str], code: str) -> str:
    try:
        return check(code)
    except ConfigError as exc:  # pydantic reports a ValueError with the field's name
        raise ValueError(str(exc)) from None


class GroundedConcept(_Model):
    """A concept of a chain, grounded in the graph (or learned, with provenance)."""

    surface: str
    gloss: str
    role: Role
    role_given: str | None = None  # the model's own word for the role, when it was not one of ours
    step: int
    status: Assertion = "present"  # absent and possible concepts are never findings
    status_cue: str | None = None  # the negation cue in its words that made it absent
    cui: str
    name: str
    score: float
    method: str  # exact | variant | abbreviation | fuzzy | homophone | gloss:<method> | partial:<method> | learned
    notes: list[str] = []  # candidates rejected (opposite meaning), surface and gloss in conflict
    source: Literal["llm", "matcher"] = "llm"


class ChainResult(_Model):
    role: Literal["english", "local"]
    lang: str
    steps: list[str]
    answer: str
    concepts: list[GroundedConcept] = []
    step_base: int = 0  # 1 when the model numbered the steps from 1 (read and corrected)


class AlignedPair(_Model):
    english: int
    local: int
    cui_english: str
    cui_local: str
    score: float


class AlignmentResult(_Model):
    pairs: list[AlignedPair]
    english_only: list[int]
    local_only: list[int]


class Evidence(_Model):
    """A local-practice fact (or a passage) that grounds a step of the scaffold."""

    kind: str
    head: str
    tail: str
    region: str
    lang: str
    statement: str
    statement_local: str
    source: str
    key: str
    score: float = 0.0
    # A fact on a broader concept (tuberculosis) reached from a narrower one the question
    # names (pulmonary tuberculosis): the step naming the narrower concept is where it goes.
    via: str | None = None


class ScaffoldStepResult(_Model):
    index: int
    text: str
    origin: Literal["english", "local", "fused"]
    cuis: list[str]  # the concepts the step asserts (present or possible)
    ruled_out: list[str] = []  # the concepts the step rules out: never findings, never evidence
    evidence: list[Evidence] = []


class RejectedConcept(_Model):
    cui: str
    name: str
    reason: str


class CheckResult(_Model):
    """One check of a model output: the stage, what was expected, what was found, and what
    was done (accepted, re-asked, or recorded as a violation)."""

    stage: str
    kind: Literal["answer", "language"]
    expected: str
    detected: str
    action: Literal["accepted", "re-asked", "recorded"]


class CoReasonResult(_Model):
    """Everything one run produced; `export()` gives the paper's released-output fields."""

    run_key: str
    item: Item
    model: str
    english: ChainResult
    local: ChainResult
    alignment: AlignmentResult
    evidence: list[Evidence]
    scaffold: list[ScaffoldStepResult]
    rejected: list[RejectedConcept]
    # The answer read from the reply (a letter, a label, the text); None when unparseable.
    answer: str | None
    answer_status: Literal["parsed", "unparseable"]
    raw_answer: str  # what the model wrote as its answer
    explanation: str = ""
    checks: list[CheckResult] = []
    usage: Usage
    prompt_versions: dict[str, str]

    @property
    def status(self) -> RunStatus:
        return "answered" if self.answer_status == "parsed" else "unparseable"

    @property
    def correct(self) -> bool | None:
        """Whether the answer is the gold one; None for long-form answers (a judge's work) and
        items without gold."""
        return is_correct(self.item, self.answer)

    def export(self) -> dict[str, Any]:
        """The paper's released-output fields (`answer_idx` is the gold option, as there),
        then the prediction, its status and the provenance."""
        options = self.item.options or None
        return {
            "id": self.item.id,
            "question": self.item.question,
            "lang": self.item.lang,
            "options": options,
            "answer_idx": self.item.gold if options else None,
            "en_reasoning": self.english.steps,
            "local_reasoning": self.local.steps,
            "en_concept_chain": [c.name for c in self.english.concepts],
            "local_concept_chain": [c.surface for c in self.local.concepts],
            "fused_concept_chain": [self.name_of(c) for step in self.scaffold for c in step.cuis],
            "rejected_concepts": [r.name for r in self.rejected],
            "response": self.raw_answer if not self.explanation else f"{self.raw_answer}\n\n{self.explanation}",
            "gold": self.item.gold,
            "prediction": self.answer,
            "status": self.status,
            "checks": [check.model_dump() for check in self.checks],
            "model": self.model,
            "run_key": self.run_key,
            "error": None,
        }

    def assertion_of(self, cui: str) -> Assertion:
        """How the chains assert a concept they both may mention: present if either does."""
        found = {c.status for c in (*self.english.concepts, *self.local.concepts) if c.cui == cui}
        return "present" if "present" in found or not found else "possible" if "possible" in found else "absent"

    def name_of(self, cui: str) -> str:
        for concept in (*self.english.concepts, *self.local.concepts):
            if concept.cui == cui:
                return concept.name
        return cui


class FailedItem(Item):
    """An item that could not be answered, and why (the batch goes on)."""

    error: str
    run_key: str | None = None

    def export(self) -> dict[str, Any]:
        """The export fields of an unanswered item: its own, the error, and nulls."""
        own = {"id": self.id, "question": self.question, "lang": self.lang, "options": self.options, "gold": self.gold}
        return (
            {name: None for name in EXPORT_FIELDS}
            | own
            | {"status": "failed", "run_key": self.run_key, "error": self.error}
        )


# The fields of an export line: the paper's released-output fields, then the provenance.
EXPORT_FIELDS = (
    "id",
    "question",
    "lang",
    "options",
    "answer_idx",
    "en_reasoning",
    "local_reasoning",
    "en_concept_chain",
    "local_concept_chain",
    "fused_concept_chain",
    "rejected_concepts",
    "response",
    "gold",
    "prediction",
    "status",
    "checks",
    "model",
    "run_key",
    "error",
)


def is_correct(item: Item, answer: str | None) -> bool | None:
    """Whether `answer` is the item's gold option or label (an unparseable answer is not)."""
    if item.gold is None or item.task == "qa":
        return None
    if answer is None:
        return False
    if item.multiple:  # every right letter and no other, in any order
        return _letters(answer) == _letters(item.gold)
    return answer.casefold() == item.gold.casefold()


def _letters(answer: str) -> set[str]:
    return {part.strip().casefold() for part in answer.split(",") if part.strip()}


def export_line(result: CoReasonResult | FailedItem) -> str:
    """One line of an export file (JSONL), the same fields for answered and failed items."""
    return json.dumps(result.export(), ensure_ascii=False)
