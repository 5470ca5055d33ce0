"""One benchmark item, whatever file it came from, and what a load returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kg.errors import ConfigError
from kg.languages import check_language

__all__ = ["BenchmarkItem", "BenchmarkLoad", "SkippedRow"]

Task = Literal["qa", "mcq", "nli"]


class BenchmarkItem(BaseModel):
    """An evaluation item: the question in its language, its options or NLI label set, the
    gold answer (an option letter, an NLI label, or a reference text for long-form answers),
    the English parallel when the benchmark has one, and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str = Field(min_length=1)  # multimedx, mmedbench, global-mmlu, mmlu-prox, or a name given
    id: str = Field(min_length=1)  # stable within the dataset: the benchmark's own id, or file:row
    lang: str
    task: Task
    question: str = Field(min_length=1)
    options: dict[str, str] | None = None
    labels: list[str] | None = None  # the NLI label set (MultiMed-X BioNLI: entailment, contradiction)
    gold: str | None = None
    multiple: bool = False  # several options are right; gold holds their letters, comma-separated
    english: str | None = None  # the English parallel of the question
    english_gold: str | None = None  # the English reference answer, when given apart
    source: str = Field(min_length=1)  # file and row, for messages

    @field_validator("lang")
    @classmethod
    def _iso(cls, code: str) -> str:
        try:
            return check_language(code)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None


class SkippedRow(BaseModel):
    source: str  # file and row
    reason: str


class BenchmarkLoad(BaseModel):
    """The items of a load, and the rows `skip_bad` counted instead of stopping at."""

    items: list[BenchmarkItem]
    skipped: list[SkippedRow] = []
