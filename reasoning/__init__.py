"""Co-reasoning over the graph: LLM access (`reasoning.llm`), the pipeline, alignment,
evaluation and the `medcore` command line (`reasoning.cli`)."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from reasoning.cli import main
    from reasoning.pipeline import CoReasoner
    from reasoning.results import CoReasonResult, FailedItem, Item

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "reasoning.cli": ["main"],
        "reasoning.pipeline": ["CoReasoner"],
        "reasoning.results": ["CoReasonResult", "FailedItem", "Item"],
    },
)
