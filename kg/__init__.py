"""The multilingual medical graph: the graph store (`kg.graph`), UMLS-style normalization
(`kg.linking`), the settings and the errors."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
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
    from kg.graph.store import CypherRunner, GraphCounts, GraphStore, PracticeFact, open_store
    from kg.linking.lexicon_cache import add_learned_term, load_normalizer
    from kg.linking.normalizer import Candidate, LinkedMention, Normalizer
    from kg.settings import Settings, load_settings

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "kg.errors": [
            "ConfigError",
            "GraphConnectionError",
            "GraphStoreError",
            "IngestError",
            "LLMError",
            "LinkingError",
            "MedcoreError",
            "MissingEndpointError",
            "RetryableLLMError",
            "SchemaError",
        ],
        "kg.graph.store": ["CypherRunner", "GraphCounts", "GraphStore", "PracticeFact", "open_store"],
        "kg.linking.lexicon_cache": ["add_learned_term", "load_normalizer"],
        "kg.linking.normalizer": ["Candidate", "LinkedMention", "Normalizer"],
        "kg.settings": ["Settings", "load_settings"],
    },
)
