"""LLM access, the co-reasoning pipeline, evaluation and the `medcore` CLI."""

from reasoning.cli import main

__all__ = ["main"]
