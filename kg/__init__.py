"""The multilingual medical graph: its model, schema, stores and settings."""

from kg.errors import (
    ConfigError,
    GraphConnectionError,
    GraphStoreError,
    IngestError,
    LinkingError,
    LLMError,
    MedcoreError,
    MissingEndpointError,
    RetryableLLMError,
    SchemaError,
)
from kg.settings import Settings, load_settings
from kg.store import CypherRunner, GraphCounts, GraphStore, PracticeFact, open_store

__all__ = [
    "ConfigError",
    "CypherRunner",
    "GraphConnectionError",
    "GraphCounts",
    "GraphStore",
    "GraphStoreError",
    "IngestError",
    "LLMError",
    "LinkingError",
    "MedcoreError",
    "MissingEndpointError",
    "PracticeFact",
    "RetryableLLMError",
    "SchemaError",
    "Settings",
    "load_settings",
    "open_store",
]
