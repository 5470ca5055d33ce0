"""Abbreviations defined in English text, by scispaCy's AbbreviationDetector.

It finds "long form (SF)" definitions (Schwartz & Hearst) and every later use of the short
form, so "chronic obstructive pulmonary disease (COPD) ... COPD" links both uses of COPD
through the long form even when the lexicon does not list the abbreviation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Abbreviation", "abbreviations"]


@dataclass(frozen=True)
class Abbreviation:
    """One use of a short form in the text, with the long form it stands for there."""

    start: int
    end: int
    short: str
    long: str


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    # A blank English pipeline is all the detector needs: it works on tokens, no model
    # (and so nothing to download).
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    return nlp


def _quiet(nlp: Any, text: str) -> Any:
    # The detector's optional global matcher has no patterns unless linking is configured,
    # and spaCy warns about that on every document.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W036\]")
        return nlp(text)


def abbreviations(text: str) -> list[Abbreviation]:
    """Every short-form use defined in `text`, in text order."""
    if "(" not in text and "[" not in text:  # no definition, nothing to find
        return []
    doc = _quiet(_pipeline(), text)
    found = [
        Abbreviation(span.start_char, span.end_char, span.text, span._.long_form.text) for span in doc._.abbreviations
    ]
    return sorted(found, key=lambda a: a.start)
