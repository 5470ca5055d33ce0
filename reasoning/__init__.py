"""LLM access, the co-reasoning pipeline, evaluation and the `medcore` CLI."""

from reasoning.cli import main
from reasoning.pipeline import CoReasoner, FailedItem
from reasoning.results import CoReasonResult, Item

__all__ = ["CoReasonResult", "CoReasoner", "FailedItem", "Item", "main"]
