"""What each stage asks the model for, as pydantic models (their JSON schemas go to the server)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ReasoningChain", "ChainConcept", "ConceptChain", "FinalAnswer", "Role"]

Role = Literal["finding", "diagnosis", "test", "treatment", "risk_factor", "anatomy", "other"]


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore")  # models add fields; what we need is checked


class ReasoningChain(_Output):
    steps: list[str] = Field(min_length=1)
    answer: str
    # Asked for in the English elicitation when no English parallel of the question is
    # given: the translation then costs no extra round trip.
    question_english: str | None = None


class ChainConcept(_Output):
    surface: str = Field(min_length=1)
    gloss: str = ""
    role: Role = "other"
    step: int = Field(default=0, ge=0)


class ConceptChain(_Output):
    concepts: list[ChainConcept]


class FinalAnswer(_Output):
    answer: str = Field(min_length=1)
    explanation: str = ""
