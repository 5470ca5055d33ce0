"""The one error root of Med-CoReasoner and its families.

Every message says what happened, the offending value and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "MedcoreError",
    "ConfigError",
    "IngestError",
    "GraphStoreError",
    "GraphConnectionError",
    "ReadOnlyError",
    "SchemaError",
    "MissingEndpointError",
    "LinkingError",
    "LLMError",
    "RetryableLLMError",
    "BatchError",
    "excerpt",
]


def excerpt(value: str, limit: int = 80) -> str:
    """`value` quoted for a message, cut to `limit` characters: an error about a
    5,000-character term must not print the term."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


class MedcoreError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(MedcoreError):
    """A setting is missing, malformed or contradicts another."""


class IngestError(MedcoreError):
    """An input file is malformed; the message names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(where + message)
        self.path = path
        self.line = line


class GraphStoreError(MedcoreError):
    """The graph store refused or failed an operation."""


class GraphConnectionError(GraphStoreError):
    """The graph store cannot be reached or started."""


class ReadOnlyError(GraphStoreError):
    """A statement that writes was sent where only reads are allowed (`medcore cypher`
    without --write); the engine refused it, so nothing was changed."""


class SchemaError(GraphStoreError):
    """A label, relationship type or property is outside the closed graph schema."""


class MissingEndpointError(GraphStoreError):
    """A relationship names a node that does not exist in the graph."""


class LinkingError(MedcoreError):
    """A text could not be normalized or linked to concepts."""


class LLMError(MedcoreError):
    """The language model endpoint failed or answered something unusable."""


class RetryableLLMError(LLMError):
    """An LLM failure worth retrying (rate limit, server error, timeout)."""


class BatchError(MedcoreError):
    """Some items of a batch failed; the others were answered, and a rerun retries the failed."""
