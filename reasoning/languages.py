"""The languages the pipeline runs in: a name for prompts and the regions whose local
practice applies.

Any ISO 639-1 code runs. A language with a profile in reasoning/data/languages.jsonl gets
its prompt name and regions from there; any other gets a generic profile (its ISO name, no
regions: local practice is then retrieved only for a `--region` given with the question).
A new profile is a line in that file (plus its terms in the graph), not a code change.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest.jsonl import read_jsonl
from kg.languages import check_language, language_names

__all__ = ["Language", "language", "languages"]


class Language(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    regions: tuple[str, ...] = ()
    generic: bool = False  # no profile: the ISO name, no regions


@cache
def languages() -> dict[str, Language]:
    """The languages with a profile, by code."""
    path = Path(str(resources.files("reasoning").joinpath("data/languages.jsonl")))
    return {lang.code: lang for lang in read_jsonl(path, Language)}


def language(code: str) -> Language:
    """The profile of an ISO 639-1 code (MultiMed-X's "jp" is read as "ja"), generic when
    there is none.

    Raises:
        ConfigError: not an ISO 639-1 code.
    """
    code = check_language(code)
    known = languages().get(code)
    if known is not None:
        return known
    name = language_names()[code].split(";")[0]  # "Spanish; Castilian" -> "Spanish"
    return Language(code=code, name=name, generic=True)
