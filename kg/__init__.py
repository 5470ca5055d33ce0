"""The multilingual medical graph: its model, schema, stores, settings and the normalizer."""

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
from kg.lexicon_cache import add_learned_term, load_normalizer
from kg.normalizer import Candidate, LinkedMention, Normalizer
from kg.settings import Settings, load_settings
from kg.store import CypherRunner, GraphCounts, GraphStore, PracticeFact, open_store

__all__ = [
    "Candidate",
    "ConfigError",
    "CypherRunner",
    "GraphConnectionError",
    "GraphCounts",
    "GraphStore",
    "GraphStoreError",
    "IngestError",
    "LLMError",
    "LinkedMention",
    "LinkingError",
    "MedcoreError",
    "MissingEndpointError",
    "Normalizer",
    "PracticeFact",
    "RetryableLLMError",
    "SchemaError",
    "Settings",
    "add_learned_term",
    "load_normalizer",
    "load_settings",
    "open_store",
]
