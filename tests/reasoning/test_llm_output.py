"""Model output made usable: reasoning blocks apart, JSON found in prose or fences, checked."""

from __future__ import annotations

import pytest

from reasoning.llm.output import OutputError, parse_json, split_reasoning
from reasoning.schemas import ConceptChain, ReasoningChain


def test_think_blocks_are_split_from_the_answer() -> None:
    answer, reasoning = split_reasoning('<think>malaria is likely\n</think>\n{"steps": ["a"], "answer": "b"}')
    assert answer == '{"steps": ["a"], "answer": "b"}' and reasoning == "malaria is likely"
    assert split_reasoning("plain answer") == ("plain answer", None)
    assert split_reasoning("<think>cut off mid-thought")[0] == ""  # an unclosed block is all reasoning


@pytest.mark.parametrize(
    "content",
    [
        '{"steps": ["Fever"], "answer": "malaria"}',
        'Here you go:\n```json\n{"steps": ["Fever"], "answer": "malaria"}\n```',
        'Sure! {"steps": ["Fever"], "answer": "malaria", "confidence": 0.9} Hope it helps.',
    ],
)
def test_json_is_found_and_validated(content: str) -> None:
    assert parse_json(content, ReasoningChain) == ReasoningChain(steps=["Fever"], answer="malaria")


def test_invalid_output_says_what_is_wrong() -> None:
    with pytest.raises(OutputError, match="not valid JSON"):
        parse_json('{"steps": ["a", }', ReasoningChain)
    with pytest.raises(OutputError, match="steps"):
        parse_json('{"answer": "x"}', ReasoningChain)
    with pytest.raises(OutputError, match="surface"):
        parse_json('{"concepts": [{"gloss": "fever", "role": "finding"}]}', ConceptChain)
    # A role outside the list is not an error: it becomes "other", the model's word kept.
    chain = parse_json('{"concepts": [{"surface": "homa", "role": "symptom-ish"}]}', ConceptChain)
    assert (chain.concepts[0].role, chain.concepts[0].role_given) == ("other", "symptom-ish")
