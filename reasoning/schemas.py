"""What each stage asks the model for, as pydantic models (their JSON schemas go to the server)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Assertion", "ChainConcept", "ConceptChain", "FinalAnswer", "ReasoningChain", "Role"]

Role = Literal["finding", "diagnosis", "test", "treatment", "risk_factor", "anatomy", "other"]
Assertion = Literal["present", "absent", "possible"]

# What models write instead of the asked-for words. A role nobody listed becomes "other" and a
# status nobody listed "possible" (never "present": an unread negation must not become a
# finding); the model's own word is kept either way.
_ROLE_WORDS = {
    "symptom": "finding",
    "sign": "finding",
    "disease": "diagnosis",
    "condition": "diagnosis",
    "disorder": "diagnosis",
    "medication": "treatment",
    "drug": "treatment",
    "medicine": "treatment",
    "therapy": "treatment",
    "procedure": "treatment",
    "investigation": "test",
    "lab": "test",
    "laboratory": "test",
    "examination": "test",
    "exam": "test",
    "risk": "risk_factor",
    "risk factor": "risk_factor",
    "body part": "anatomy",
    "organ": "anatomy",
}
_STATUS_WORDS = {
    "positive": "present",
    "affirmed": "present",
    "confirmed": "present",
    "yes": "present",
    "negated": "absent",
    "negative": "absent",
    "denied": "absent",
    "excluded": "absent",
    "ruled out": "absent",
    "no": "absent",
    "suspected": "possible",
    "uncertain": "possible",
    "probable": "possible",
    "likely": "possible",
    "hypothetical": "possible",
}


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
    status: Assertion = "present"
    step: int = Field(default=0, ge=0)
    # The model's own word when it was not one of the asked-for ones.
    role_given: str | None = None
    status_given: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for field, words, allowed, fallback in (
            ("role", _ROLE_WORDS, get_args(Role), "other"),
            ("status", _STATUS_WORDS, get_args(Assertion), "possible"),
        ):
            given = data.get(field)
            if given is None:
                continue
            word = " ".join(str(given).casefold().replace("_", " ").split())
            known = word.replace(" ", "_") if word.replace(" ", "_") in allowed else None
            data[field] = known or words.get(word, fallback)
            if data[field] != given:
                data[f"{field}_given"] = str(given)
        return data


class ConceptChain(_Output):
    concepts: list[ChainConcept]


class FinalAnswer(_Output):
    answer: str = Field(min_length=1)
    explanation: str = ""
