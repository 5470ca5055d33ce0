"""Every named query runs on a graph the pipeline made (the demo questions and one question
whose chains disagree, through the scripted responder) and returns what the run results say,
on every engine; the library refuses what it cannot run; the CLI lists and runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import build_seed
from kg import GraphStore, load_settings, open_store
from kg.errors import ConfigError
from kg.settings import Settings
from queries import named_queries, run
from reasoning import CoReasoner, CoReasonResult, Item, main
from reasoning.llm.responder import Responder

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "reasoning" / "data" / "demo_questions.jsonl"
DEMO_FIXTURES = ROOT / "reasoning" / "data" / "fixtures" / "demo.jsonl"
GOLD = {"demo-yo": "A", "demo-zh": "A", "demo-en": "entailment"}
DISAGREE = Item(
    question="Mgonjwa ana homa baada ya safari ya Kisumu, na kipimo cha damu kinaonyesha vimelea vya malaria. "
    "Dawa gani itumike kwanza?",
    lang="sw",
    task="mcq",
    options={"A": "Artemether-lumefantrine", "B": "Chloroquine"},
    english="A patient has fever after a trip to Kisumu, and a blood test shows malaria parasites. "
    "Which drug should be used first?",
    region="KE",
    id="toy:disagree",
    gold="A",
    dataset="toy",
)


def _concept(surface: str, gloss: str, role: str, step: int, status: str = "present") -> dict[str, Any]:
    return {"surface": surface, "gloss": gloss, "role": role, "step": step, "status": status}


ENGLISH_STEPS = [
    "Fever after travel to Kisumu with malaria parasites on a blood test means malaria.",
    "In Kenya uncomplicated malaria is treated first with artemether-lumefantrine.",
]
LOCAL_STEPS = [
    "Homa baada ya safari ya Kisumu na vimelea vya malaria kwenye damu ni malaria.",
    "Hii si homa ya manjano.",
    "Klorokwini inatibu malaria.",
]
DISAGREE_FIXTURES = [
    ("write every step and the answer in English", DISAGREE.english, {"steps": ENGLISH_STEPS, "answer": "A"}),
    ("write every step and the answer in Swahili", DISAGREE.question, {"steps": LOCAL_STEPS, "answer": "B"}),
    (
        "extract the chain of medical concepts",
        ENGLISH_STEPS[0],
        {
            "concepts": [
                _concept("Fever", "fever", "finding", 0),
                _concept("malaria", "malaria", "diagnosis", 0),
                _concept("artemether-lumefantrine", "artemether-lumefantrine", "treatment", 1),
            ]
        },
    ),
    (
        "extract the chain of medical concepts",
        LOCAL_STEPS[0],
        {
            "concepts": [
                _concept("Homa", "fever", "finding", 0),
                _concept("malaria", "malaria", "diagnosis", 0),
                _concept("homa ya manjano", "yellow fever", "diagnosis", 1, "absent"),
                _concept("Klorokwini", "chloroquine", "treatment", 2),
            ]
        },
    ),
    (
        "reasoning scaffold",
        DISAGREE.question,
        {"answer": "A", "explanation": "Malaria isiyo kali nchini Kenya hutibiwa kwanza kwa artemether-lumefantrine."},
    ),
]


def _items() -> list[Item]:
    items = []
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.update(gold=GOLD.get(record["id"]), dataset="demo", id=f"demo:{record['id']}")
        items.append(Item(**record))
    return [*items, DISAGREE]


ENGINES = [
    "falkordb",
    pytest.param(
        "neo4j",
        marks=[
            pytest.mark.neo4j,
            pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="set NEO4J_URI to run against a live Neo4j"),
        ],
    ),
]


def _settings(engine: str, home: Path, base_url: str) -> Settings:
    graph: dict[str, Any] = {}
    if engine == "neo4j":
        graph = {
            "graph_uri": os.environ["NEO4J_URI"],
            "graph_user": os.environ.get("NEO4J_USER", "neo4j"),
            "graph_password": os.environ.get("NEO4J_PASSWORD"),
        }
    return load_settings(home=home, llm_base_url=base_url, model="scripted", llm_max_retries=0, **graph)


@pytest.fixture(scope="module", params=ENGINES)
def analysed(request: pytest.FixtureRequest) -> Iterator[tuple[Settings, GraphStore, dict[str, CoReasonResult]]]:
    """A graph with the seed and eight pipeline runs, and the runs' results by item id."""
    with tempfile.TemporaryDirectory(prefix="mq-", dir="/tmp") as directory:
        fixtures = Path(directory) / "fixtures.jsonl"
        extra = [{"match": {"contains": [a, b[:60]]}, "response": {"json": r}} for a, b, r in DISAGREE_FIXTURES]
        lines = DEMO_FIXTURES.read_text(encoding="utf-8").splitlines() + [json.dumps(f) for f in extra]
        fixtures.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with Responder.from_file(fixtures) as server:
            settings = _settings(request.param, Path(directory), server.base_url)
            store = open_store(settings)
            try:
                store.clear()
                build_seed(store)
                with CoReasoner(settings, store=store) as reasoner:
                    outcomes = reasoner.run_many(_items(), progress=False)
                results = {r.item.id or "": r for r in outcomes if isinstance(r, CoReasonResult)}
                assert len(results) == 8, [o for o in outcomes if not isinstance(o, CoReasonResult)]
                yield settings, store, results
            finally:
                if request.param == "neo4j":
                    store.clear()
                store.close()


Analysed = tuple[Settings, GraphStore, dict[str, CoReasonResult]]


def test_the_library_has_a_query_for_each_question_researchers_ask() -> None:
    queries = named_queries()
    assert len(queries) >= 15
    for query in queries.values():
        assert query.description and query.example.startswith(f"medcore query {query.name}")
        assert all(p.description for p in query.parameters), query.name


def test_alignment_rate_by_language(analysed: Analysed) -> None:
    _, store, results = analysed
    expected = {}
    for result in results.values():
        local = {c.cui for c in result.local.concepts}
        aligned = {result.local.concepts[p.local].cui for p in result.alignment.pairs}
        runs, total, matched = expected.get(result.item.lang, (0, 0, 0))
        expected[result.item.lang] = (runs + 1, total + len(local), matched + len(aligned & local))
    rows = run("alignment_rate_by_language", store)
    assert {r["lang"]: (r["runs"], r["local_concepts"], r["aligned"]) for r in rows} == expected
    assert all(r["rate"] == pytest.approx(r["aligned"] / r["local_concepts"]) for r in rows)
    assert run("alignment_rate_by_language", store, method="ablation-no-local") == []


def test_local_only_concepts(analysed: Analysed) -> None:
    _, store, results = analysed
    expected = set()
    for result in results.values():
        english = {c.cui for c in result.english.concepts}
        expected |= {(result.item.lang, c.cui) for c in result.local.concepts if c.cui not in english}
    rows = run("local_only_concepts", store)
    assert {(r["lang"], r["cui"]) for r in rows} == expected
    assert {r["cui"] for r in run("local_only_concepts", store, lang="sw")} == {
        c for lang, c in expected if lang == "sw"
    }


def test_practice_facts_used(analysed: Analysed) -> None:
    _, store, results = analysed
    uses = {
        (r.run_key, e.head, e.tail, e.key)
        for r in results.values()
        for step in r.scaffold
        for e in step.evidence
        if e.kind != "passage"
    }
    rows = run("practice_facts_used", store, limit=100)
    assert sum(r["runs"] for r in rows) == len(uses) > 0  # each fact counted once per run citing it
    assert {r["region"] for r in run("practice_facts_used", store, region="KE")} == {"KE"}
    assert len(run("practice_facts_used", store, limit=2)) == 2


def test_chain_disagreements_and_the_answer_followed(analysed: Analysed) -> None:
    _, store, results = analysed
    rows = run("chain_disagreements", store)
    assert [(r["lang"], r["english_answer"], r["local_answer"], r["final_answer"], r["followed"]) for r in rows] == [
        ("sw", "A", "B", "A", "english")
    ]
    assert rows[0]["run"] == results["toy:disagree"].run_key and rows[0]["correct"] is True
    assert run("chain_disagreements", store, lang="yo") == []


def test_contract_failures_by_language(analysed: Analysed) -> None:
    _, store, results = analysed
    rows = {r["lang"]: r for r in run("contract_failures_by_language", store)}
    langs = {r.item.lang for r in results.values()}
    assert set(rows) == langs and rows["sw"]["runs"] == 2
    for lang, row in rows.items():
        mine = [r for r in results.values() if r.item.lang == lang]
        recorded = sum(c.kind == "language" and c.action == "recorded" for r in mine for c in r.checks)
        assert (row["violations"], row["unparseable"], row["failed"]) == (recorded, 0, 0)


def test_learned_terms(analysed: Analysed) -> None:
    _, store, results = analysed
    # a present concept found by its gloss alone, or new to the graph, teaches its surface;
    # a surface that found another concept (the note "surface -> X ..., gloss kept") does not
    learned = {
        (lang, c.surface)
        for r in results.values()
        for lang, chain in (("en", r.english), (r.item.lang, r.local))
        for c in chain.concepts
        if c.status == "present"
        and (c.method.startswith("gloss:") or c.method == "learned")
        and not any(n.startswith("surface -> ") for n in c.notes)
    }
    rows = run("learned_terms", store)
    assert {(r["lang"], r["term"]) for r in rows} == learned and all(r["run"] for r in rows)
    assert {r["term"] for r in run("learned_terms", store, lang="sw")} == {t for lang, t in learned if lang == "sw"}
    assert run("learned_terms", store, min_confidence=1.01) == []


def test_vocabulary_coverage_counts_concepts_with_a_term(analysed: Analysed) -> None:
    _, store, _ = analysed
    rows = {r["tui"]: r for r in run("vocabulary_coverage", store, lang="yo")}
    gaps = {r["cui"] for r in run("concepts_without_language", store, lang="yo")}
    disease = rows["T047"]
    [count] = store.query("MATCH (c:Concept)-[:HAS_TYPE]->(:SemanticType {tui: 'T047'}) RETURN count(c) AS n")
    assert disease["concepts"] == count["n"] and disease["covered"] <= disease["concepts"]
    assert disease["coverage"] == pytest.approx(disease["covered"] / disease["concepts"])
    assert sum(r["concepts"] - r["covered"] for r in rows.values()) >= len(gaps)  # a concept can have two types


def test_the_evidence_path_of_a_run(analysed: Analysed) -> None:
    _, store, results = analysed
    result = results["demo:demo-sw"]
    rows = run("run_evidence_path", store, run=result.run_key)
    parts = [r["part"] for r in rows]
    assert parts[0] == "question" and parts[-1] == "answer" and rows[-1]["text"] == result.answer
    assert [r["text"] for r in rows if r["part"] == "english"] == result.english.steps
    assert [r["text"] for r in rows if r["part"] == "local"] == result.local.steps
    assert [r["text"] for r in rows if r["part"] == "scaffold"] == [s.text for s in result.scaffold]
    assert parts.count("alignment") == len({(p.english, p.local) for p in result.alignment.pairs}) > 0
    facts = [e for s in result.scaffold for e in s.evidence if e.kind != "passage"]
    assert (
        parts.count("practice")
        == len({(s.index, e.statement) for s in result.scaffold for e in s.evidence if e.kind != "passage"})
        == len(facts)
    )


def test_runs_without_local_evidence(analysed: Analysed) -> None:
    _, store, results = analysed
    bare = {r.run_key for r in results.values() if not any(s.evidence for s in r.scaffold)}
    assert {row["run"] for row in run("runs_without_local_evidence", store)} == bare


def test_most_rejected_concepts(analysed: Analysed) -> None:
    _, store, results = analysed
    rejected = [(c.cui, c.reason) for r in results.values() for c in r.rejected]
    rows = run("most_rejected_concepts", store)
    assert sorted((r["cui"], r["reason"]) for r in rows) == sorted(set(rejected))
    assert "the local reasoning rules it out" in {r["reason"] for r in rows}  # yellow fever, ruled out


def test_ambiguous_terms(analysed: Analysed) -> None:
    _, store, _ = analysed
    rows = run("ambiguous_terms", store)
    denotes = store.query(
        "MATCH (t:Term)-[:DENOTES]->(c:Concept) RETURN t.lang AS lang, t.text AS term, count(DISTINCT c) AS n"
    )
    expected = {(r["lang"], r["term"]) for r in denotes if r["n"] > 1}
    assert {(r["lang"], r["term"]) for r in rows} == expected and all(len(r["cuis"]) > 1 for r in rows)


def test_results_by_method_and_by_concept(analysed: Analysed) -> None:
    _, store, results = analysed
    rows = {(r["dataset"], r["lang"]): r for r in run("results_by_method", store)}
    assert (rows[("toy", "sw")]["graded"], rows[("toy", "sw")]["correct"]) == (1, 1)
    assert rows[("demo", "sw")]["graded"] == 0 and rows[("demo", "sw")]["accuracy"] is None
    assert run("results_by_method", store, dataset="toy") == [rows[("toy", "sw")]]
    graded = [r for r in results.values() if r.correct is not None]
    by_concept = {r["cui"]: r for r in run("results_by_concept", store, limit=1000)}
    malaria = {r.run_key for r in graded if "C0024530" in {c.cui for c in [*r.english.concepts, *r.local.concepts]}}
    assert by_concept["C0024530"]["graded"] == len(malaria)


def test_vocabulary_queries(analysed: Analysed) -> None:
    _, store, _ = analysed
    malaria = run("concept_neighbourhood", store, cui="C0024530")
    assert {"DENOTES", "LOCAL_PRACTICE", "HAS_TYPE"} <= {r["relationship"] for r in malaria}
    facts = run("local_practice_for_concept", store, cui="C0024530")
    assert facts and all(r["source"] for r in facts)
    by_region = run("local_practice_by_region", store)
    [total] = store.query("MATCH (:Concept)-[r:LOCAL_PRACTICE]->(:Concept) RETURN count(r) AS n")
    assert sum(r["facts"] for r in by_region) == total["n"]
    terms = run("terms_per_language", store)
    [count] = store.query("MATCH (t:Term) RETURN count(t) AS n")
    assert sum(r["terms"] for r in terms) == count["n"]


def test_the_library_refuses_what_it_cannot_run(analysed: Analysed) -> None:
    _, store, _ = analysed
    with pytest.raises(ConfigError, match="no query named 'nope'"):
        run("nope", store)
    with pytest.raises(ConfigError, match="needs cui"):
        run("concept_neighbourhood", store)
    with pytest.raises(ConfigError, match="has no parameter regoin"):
        run("local_practice_by_region", store, regoin="KE")
    with pytest.raises(ConfigError, match="limit must be a int"):
        run("most_rejected_concepts", store, limit="10")


def test_the_cli_lists_and_runs_queries(
    analysed: Analysed, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _, _ = analysed
    if settings.graph_uri != "embedded":  # the CLI reads the graph's settings from the environment
        monkeypatch.setenv("MEDCORE_GRAPH_URI", settings.graph_uri)
        monkeypatch.setenv("MEDCORE_GRAPH_USER", settings.graph_user)
        password = settings.graph_password
        monkeypatch.setenv("MEDCORE_GRAPH_PASSWORD", password.get_secret_value() if password else "")
    home = ["--home", str(settings.home)]
    assert main(["query", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == len(named_queries()) and listed[0]["parameters"][0]["name"] == "method"
    assert main([*home, "query", "local_practice_by_region", "--param", "region=KE", "--csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert table and {r["region"] for r in table} == {"KE"}
    assert main([*home, "query", "most_rejected_concepts", "--param", "limit=99999999999999999999"]) == 2
    assert "not a int" in capsys.readouterr().err
    assert main([*home, "query", "chain_disagreements", "--json"]) == 0
    assert [r["followed"] for r in json.loads(capsys.readouterr().out)] == ["english"]
