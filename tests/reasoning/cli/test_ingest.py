"""`medcore ingest ...` through `main(argv)`, on the embedded store (and on Neo4j under --neo4j)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reasoning import main

DATA = Path(__file__).resolve().parents[2] / "ingest" / "data"
SEED = Path(__file__).resolve().parents[3] / "ingest" / "data" / "seed"


def _run(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(["--home", str(home), *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


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
    rows = _run(
        built, capsys, "cypher", "MATCH (p:Passage)-[m:MENTIONS]->(c:Concept {cui: 'C0024530'}) RETURN count(m) AS n"
    )
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
