"""UMLS-style normalization: text folding, the lexicon index built from the graph, exact,
abbreviation, fuzzy and homophone lookup, and mention finding in running text."""

from typing import TYPE_CHECKING

from kg._exports import lazy_exports

if TYPE_CHECKING:
    from kg.linking.lexicon_cache import add_learned_term, load_normalizer
    from kg.linking.normalizer import Candidate, LinkedMention, Normalizer

__all__, __getattr__ = lazy_exports(
    __name__,
    {
        "kg.linking.lexicon_cache": ["add_learned_term", "load_normalizer"],
        "kg.linking.normalizer": ["Candidate", "LinkedMention", "Normalizer"],
    },
)
