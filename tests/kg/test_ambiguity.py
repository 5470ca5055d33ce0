"""A term that denotes several concepts (a homonym) yields all of them, marked ambiguous,
in no meaningful order; a term with one concept, or a tie broken by a real reason (curated
over learned), is not ambiguous; `medcore link` shows every concept of a homonym."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import Normalizer
from reasoning import main

FEVER, MALARIA = "C0015967", "C0024530"


def test_a_homonym_yields_every_concept_it_names(normalizer: Normalizer) -> None:
    found = normalizer.lookup("ibà", "yo")
    assert {c.cui for c in found} == {FEVER, MALARIA} and all(c.ambiguous for c in found)
    assert [c.ambiguous for c in normalizer.lookup("malaria", "en")] == [False]
    [mention] = normalizer.link("Ọmọ náà ní ibà.", "yo")
    assert mention.ambiguous and {c.cui for c in mention.candidates if c.ambiguous} == {FEVER, MALARIA}


def test_link_shows_a_homonym(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "kg", "build", "-q"]) == 0
    capsys.readouterr()
    built = home
    assert main(["--home", str(built), "link", "ibà àti ẹ̀yi", "--lang", "yo", "--json"]) == 0
    homonym, measles = json.loads(capsys.readouterr().out)["mentions"]
    assert homonym["ambiguous"] is True and {c["cui"] for c in homonym["candidates"]} >= {FEVER, MALARIA}
    assert measles["ambiguous"] is False
    assert main(["--home", str(built), "link", "ibà", "--lang", "yo"]) == 0
    table = capsys.readouterr().out
    assert "Fever" in table and "Malaria" in table and "ambiguous" in table
