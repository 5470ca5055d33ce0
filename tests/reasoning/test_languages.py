"""Any ISO 639-1 language runs: a profile where there is one, a generic one otherwise."""

from __future__ import annotations

import pytest

from kg import ConfigError
from reasoning.languages import language


def test_profiled_languages_have_their_regions() -> None:
    assert (language("sw").name, language("sw").regions, language("sw").generic) == ("Swahili", ("KE", "TZ"), False)
    assert (language("zu").name, language("zu").regions) == ("Zulu", ("ZA",))  # MultiMed-X's eighth language
    assert language("jp").code == "ja" and language(" ZH ").code == "zh"


def test_any_other_iso_language_gets_a_generic_profile() -> None:
    german = language("de")
    assert (german.code, german.name, german.regions, german.generic) == ("de", "German", (), True)
    assert language("es").name == "Spanish"  # ISO's "Spanish; Castilian", first name


def test_a_code_that_is_not_iso_639_1_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="'xx' is not an ISO 639-1 language code"):
        language("xx")
