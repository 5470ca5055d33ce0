"""The languages the pipeline knows: name for prompts, regions for local practice.

A new language is a line in reasoning/data/languages.jsonl (plus its terms in the graph),
not a code change.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest.jsonl import read_jsonl
from kg.errors import ConfigError
from kg.languages import check_language

__all__ = ["Language", "language", "languages"]


class Language(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    regions: tuple[str, ...] = ()


@cache
def languages() -> dict[str, Language]:
    path = Path(str(resources.files("reasoning").joinpath("data/languages.jsonl")))
    return {lang.code: lang for lang in read_jsonl(path, Language)}


def language(code: str) -> Language:
    """The pipeline's profile of an ISO 639-1 code; MultiMed-X's "jp" is read as "ja".

    Raises:
        ConfigError: not an ISO 639-1 code, or a language the pipeline has no profile for
            (lists the known ones).
    """
    known = languages()
    code = check_language(code)
    if code not in known:
        raise ConfigError(f"no co-reasoning profile for language code {code!r}; known: {', '.join(sorted(known))}")
    return known[code]
