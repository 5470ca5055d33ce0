"""`medcore link` and `medcore ingest ...` through `main(argv)`, on the embedded store."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reasoning import main

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data"
SEED = Path(__file__).resolve().parents[2] / "ingest" / "data" / "seed"


@pytest.fixture
def built(home: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    assert main(["--home", str(home), "kg", "build", "--json"]) == 0
    capsys.readouterr()
    yield home


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(["--home", str(home), *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("text", "lang", "cui"),
    [
        ("Fever and malaria in a child", "en", "C0024530"),
        ("疟疾患者", "zh", "C0024530"),
        ("マラリアの患者", "ja", "C0024530"),
        ("말라리아 환자", "ko", "C0024530"),
        ("Mtoto ana malaria", "sw", "C0024530"),
        ("ผู้ป่วยมาลาเรีย", "th", "C0024530"),
        ("Àrùn àtọ̀gbẹ", "yo", "C0011849"),
    ],
)
def test_link_prints_span_concept_type_score_and_method(
    built: Path, capsys: pytest.CaptureFixture[str], text: str, lang: str, cui: str
) -> None:
    mentions = _run(built, capsys, "link", text, "--lang", lang)
    best = {m["candidates"][0]["cui"]: m for m in mentions}  # type: ignore[attr-defined]
    assert cui in best
    mention, candidate = best[cui], best[cui]["candidates"][0]
    assert text[mention["start"] : mention["end"]] == mention["surface"]
    assert candidate["name"] and candidate["semantic_types"] and candidate["method"] in {"exact", "variant"}
    assert 0.8 <= candidate["score"] <= 1.0


def test_link_table_and_unknown_text(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(built), "link", "malaira", "--lang", "en"]) == 0
    table = capsys.readouterr().out
    assert "C0024530" in table and "fuzzy" in table
    assert main(["--home", str(built), "link", "the weather is fine", "--lang", "en"]) == 0
    assert "No concept found" in capsys.readouterr().out


def test_link_on_an_empty_graph_says_what_to_do(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "link", "malaria", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "LinkingError" in err and "medcore kg build" in err


def test_every_ingest_format_loads_its_file(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    umls = _run(built, capsys, "ingest", "umls", str(DATA / "umls"), "--lang", "ENG,JPN,CHI", "-q")
    assert umls["loaded"]["relations"] >= 1  # type: ignore[index]
    obo = _run(built, capsys, "ingest", "obo", str(DATA / "hp.obo"), "--tui", "T184", "-q")
    assert obo["loaded"]["terms"] >= 1  # type: ignore[index]
    for name in ("lexicon.csv", "lexicon.jsonl"):
        assert _run(built, capsys, "ingest", "lexicon", str(DATA / name), "-q")["loaded"]["terms"] >= 1  # type: ignore[index]
    practice = _run(built, capsys, "ingest", "practice", str(SEED / "local_practice.jsonl"), "-q")
    assert practice["loaded"]["local_practice"] >= 1  # type: ignore[index]
    corpus = _run(built, capsys, "ingest", "corpus", str(DATA / "corpus.jsonl"), "-q")
    assert corpus["loaded"]["passages"] >= 3 and corpus["loaded"]["mentions"] >= 3  # type: ignore[index]
    # What the corpus loaded is linked to the seed's concepts through the normalizer.
    rows = _run(built, capsys, "cypher", "MATCH (p:Passage)-[m:MENTIONS]->(c:Concept {cui: 'C0024530'}) "
                "RETURN count(m) AS n")  # fmt: skip
    assert rows[0]["n"] >= 2  # type: ignore[index]


@pytest.mark.parametrize(
    ("command", "name", "corrupt"),
    [
        (["ingest", "lexicon"], "lexicon.jsonl", lambda text: text + '{"cui": "C0024530", "lang": "en"\n'),
        (["ingest", "corpus"], "corpus.jsonl", lambda text: text + "not json\n"),
        (["ingest", "obo", "--tui", "T184"], "hp.obo", lambda text: text + '\n[Term]\nid: HP:9\nsynonym: "open\n'),
    ],
)
def test_a_malformed_file_is_named_with_its_line(
    built: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], name: str, corrupt
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(corrupt((DATA / name).read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["--home", str(built), *command, str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert "IngestError" in err and f"{name}:" in err


def test_malformed_umls_release_is_named_with_its_line(
    built: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    release = tmp_path / "release"
    shutil.copytree(DATA / "umls", release)
    with (release / "MRCONSO.RRF").open("a", encoding="utf-8") as conso:
        conso.write("C9999999|ENG|P|too few fields|\n")
    assert main(["--home", str(built), "ingest", "umls", str(release), "-q"]) == 1
    assert "MRCONSO.RRF:" in capsys.readouterr().err
