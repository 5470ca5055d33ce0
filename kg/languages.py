"""Language and region codes: ISO 639-1 for languages, ISO 3166-1 alpha-2 for regions.

Every language code that enters the system (a `--lang`, a line of a batch file, a benchmark
file name) is checked here, so that a typo is an error naming the code instead of text
silently linked against no terms. MultiMed-X names Japanese files `jp`; that one alias is
read as `ja` (ISO 639-1 has no `jp`, so nothing else can be meant).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.errors import ConfigError

__all__ = ["ALIASES", "check_language", "check_region", "language_names", "region_names"]

ALIASES = {"jp": "ja"}


def _table(name: str) -> dict[str, str]:
    text = resources.files("kg").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines()[1:] if line)
    return {code: label for code, label in rows}


@cache
def language_names() -> dict[str, str]:
    """ISO 639-1 code -> English name."""
    return _table("iso639_1.tsv")


@cache
def region_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name."""
    return _table("iso3166_1.tsv")


def check_language(code: str) -> str:
    """The ISO 639-1 code meant by `code` (case and surrounding space ignored, `jp` read as `ja`).

    Raises:
        ConfigError: not an ISO 639-1 code.
    """
    wanted = code.strip().lower()
    wanted = ALIASES.get(wanted, wanted)
    if wanted not in language_names():
        raise ConfigError(
            f"{code!r} is not an ISO 639-1 language code; use two letters, e.g. en, zh, ja, ko, sw, th, yo, zu"
        )
    return wanted


def check_region(code: str) -> str:
    """The ISO 3166-1 alpha-2 code meant by `code` (case and surrounding space ignored).

    Raises:
        ConfigError: not an ISO 3166-1 alpha-2 code.
    """
    wanted = code.strip().upper()
    if wanted not in region_names():
        raise ConfigError(f"{code!r} is not an ISO 3166-1 alpha-2 country code; e.g. KE, TZ, NG, TH, CN, JP, KR")
    return wanted
