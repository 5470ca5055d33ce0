"""The pipeline end to end: the real `openai` client over HTTP to the scripted responder,
on the embedded store with the seed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed, load_corpus
from kg import GraphStore, LinkingError, LLMError, load_normalizer, load_settings, open_store
from kg.graph.model import Concept, Term
from kg.graph.stores.embedded import EmbeddedServer
from kg.settings import Settings
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.responder import Responder
from reasoning.llm.usage import Usage
from reasoning.pipeline import CoReasoner
from reasoning.results import CoReasonResult, FailedItem, Item
from reasoning.schemas import ReasoningChain

FIXTURES = Path(__file__).parent / "data" / "pipeline_fixtures.jsonl"
DEMO = Path(__file__).resolve().parents[2] / "reasoning" / "data" / "demo_questions.jsonl"
SW_QA = Item(**json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0]))
SW_MCQ = Item(
    question="Ni dawa gani ya kwanza kwa malaria isiyo kali nchini Kenya?",
    lang="sw",
    task="mcq",
    options={"A": "Artemether-lumefantrine", "B": "Metformin"},
    region="KE",
    english="Which is the first-line drug for uncomplicated malaria in Kenya?",
)
EN_NLI = Item(
    question="Premise: A blood smear shows Plasmodium falciparum. Hypothesis: The patient has malaria.",
    lang="en",
    task="nli",
)


@pytest.fixture
def responder() -> Iterator[Responder]:
    with Responder.from_file(FIXTURES, timeout_s=2.0) as server:
        yield server


@pytest.fixture
def settings(home: Path, responder: Responder) -> Settings:
    settings = load_settings(
        home=home, llm_base_url=responder.base_url, model="scripted", llm_backoff_s=0.01, llm_timeout_s=0.5
    )
    with open_store(settings) as store:
        build_seed(store)
    return settings


def _run(settings: Settings, item: Item) -> CoReasonResult:
    with CoReasoner(settings) as reasoner:
        return reasoner.run_item(item)


def test_free_text_question_runs_all_stages_and_writes_the_run(settings: Settings) -> None:
    result = _run(settings, SW_QA)
    assert result.usage.calls == 5 and result.usage.cached_calls == 0  # 2 elicit, 2 abstract, 1 synthesis
    assert "Artemether-lumefantrine" in result.answer
    en, lo = {c.cui for c in result.english.concepts}, {c.cui for c in result.local.concepts}
    assert {"C0024530", "MC000001", "C0015967"} <= en & lo
    assert all(p.cui_english == p.cui_local for p in result.alignment.pairs)
    assert [result.local.concepts[j].surface for j in result.alignment.local_only] == ["chandarua chenye dawa"]
    assert result.evidence and {e.region for e in result.evidence} == {"KE"}
    assert any(e.tail == "MC000001" and e.kind == "first_line_treatment" for e in result.evidence)
    assert any(step.origin == "local" for step in result.scaffold)
    exported = result.export()
    assert exported["en_concept_chain"] and exported["local_concept_chain"] and exported["fused_concept_chain"]
    with open_store(settings) as store:
        rows = store.query(
            "MATCH (q:Question)-[h:HAS_RUN]->(r:Run)-[s:HAS_SCAFFOLD]->(f:Scaffold) "
            "RETURN r.key AS run, count(f) AS scaffolds"
        )
        assert rows == [{"run": result.run_key, "scaffolds": 1}]
        cited = store.query("MATCH (s:ScaffoldStep)-[c:CITES_PRACTICE]->(t:Concept) RETURN count(c) AS n")
        assert cited[0]["n"] >= 1


def test_option_and_nli_answers_come_back_in_their_form(settings: Settings) -> None:
    assert _run(settings, SW_MCQ).answer == "A"  # from "Jibu ni A"
    assert _run(settings, EN_NLI).answer == "entailment"  # from "Entailment."


def test_the_same_run_twice_writes_nothing_new_and_costs_no_call(settings: Settings, responder: Responder) -> None:
    first = _run(settings, SW_QA)
    with open_store(settings) as store:
        counts = store.counts()
    requests = responder.requests
    second = _run(settings, SW_QA)
    assert second.run_key == first.run_key and second.answer == first.answer
    assert second.usage.cached_calls == second.usage.calls == 5 and responder.requests == requests
    with open_store(settings) as store:
        assert store.counts() == counts


def test_a_batch_records_failures_goes_on_and_resumes_from_the_cache(
    settings: Settings, responder: Responder, tmp_path: Path
) -> None:
    unscripted = Item(question="Swali ambalo halina jibu lililoandaliwa.", lang="sw", id="missing")
    out = tmp_path / "results.jsonl"
    with CoReasoner(settings) as reasoner:
        results = reasoner.run_many([SW_QA, unscripted], concurrency=2, out=out, progress=False)
    assert isinstance(results[0], CoReasonResult) and isinstance(results[1], FailedItem)
    assert "no fixture matches this request" in results[1].error
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line.get("id") for line in lines} == {"demo-sw", "missing"} and len(lines) == 2
    assert {
        "question",
        "options",
        "answer_idx",
        "en_reasoning",
        "local_reasoning",
        "en_concept_chain",
        "local_concept_chain",
        "fused_concept_chain",
        "rejected_concepts",
        "response",
    } <= set(lines[0]) | set(lines[1])
    with CoReasoner(settings) as reasoner:  # the rerun: the finished item costs nothing
        again = reasoner.run_many([SW_QA], concurrency=1, progress=False)
    assert isinstance(again[0], CoReasonResult) and again[0].usage.cached_calls == again[0].usage.calls


def test_every_fault_kind_is_retried_until_the_answer(settings: Settings, responder: Responder) -> None:
    async def drill() -> tuple[str, Usage]:
        llm, usage = LLM(settings), Usage()
        try:
            result = await llm.chat([{"role": "user", "content": "Fault drill"}], usage)
        finally:
            await llm.close()
        return result.content, usage

    content, usage = asyncio.run(drill())
    assert content == "Scripted: the drill is over."
    assert usage.retries == 5 and usage.calls == 6  # 429, 500, malformed, empty, timeout, then the answer
    assert responder.stats["429"] == 1 and responder.stats["timeout"] == 1


def test_an_unusable_reply_gets_one_repair_re_ask(settings: Settings, home: Path) -> None:
    async def repair() -> tuple[ReasoningChain, Usage]:
        llm, usage = LLM(settings, cache=ResponseCache(home / "cache.sqlite")), Usage()
        try:
            chain, _ = await llm.structured([{"role": "user", "content": "Repair drill"}], ReasoningChain, usage)
        finally:
            await llm.close()
        return chain, usage

    chain, usage = asyncio.run(repair())
    assert chain.steps == ["Repaired."] and usage.repairs == 1 and usage.calls == 2


def test_structured_output_steps_down_when_the_server_refuses_a_format(
    settings: Settings, responder: Responder
) -> None:
    async def step_down() -> tuple[ReasoningChain, str]:
        llm, usage = LLM(settings), Usage()
        try:
            chain, _ = await llm.structured([{"role": "user", "content": "Step-down drill"}], ReasoningChain, usage)
        finally:
            await llm.close()
        return chain, llm.mode

    chain, mode = asyncio.run(step_down())
    assert chain.steps == ["Stepped down."] and mode == "prompt"  # json_schema, then json_object refused
    assert responder.stats["refused_format"] == 2


def test_a_killed_batch_loses_no_finished_item_and_resumes_from_the_cache(home: Path, tmp_path: Path) -> None:
    items = [SW_QA, SW_MCQ, EN_NLI]
    out = tmp_path / "results.jsonl"
    with Responder.from_file(FIXTURES, latency_ms=150) as server:
        settings = load_settings(home=home, llm_base_url=server.base_url, model="scripted")
        with open_store(settings) as store:
            build_seed(store)
        script = (
            "import sys, json; from kg import load_settings; from reasoning import CoReasoner, Item\n"
            "s = load_settings(home=sys.argv[1], llm_base_url=sys.argv[2], model='scripted')\n"
            "items = [Item(**json.loads(x)) for x in sys.argv[4:]]\n"
            "with CoReasoner(s) as r: r.run_many(items, concurrency=1, out=__import__('pathlib').Path(sys.argv[3]),"
            " progress=False)\n"
        )
        args = [home, server.base_url, out, *(item.model_dump_json() for item in items)]
        batch = subprocess.Popen([sys.executable, "-c", script, *map(str, args)])
        deadline = time.monotonic() + 60
        while not (out.exists() and out.read_text().count("\n") >= 1) and time.monotonic() < deadline:
            time.sleep(0.05)
        batch.kill()  # SIGKILL: no cleanup, as a crash
        batch.wait()
        finished = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert 1 <= len(finished) < len(items)  # killed mid-batch; what finished is on disk
        before = server.requests
        with CoReasoner(settings) as reasoner:
            results = reasoner.run_many(items, concurrency=1, progress=False)
        assert all(isinstance(r, CoReasonResult) for r in results)
        done = {line["question"] for line in finished}
        resumed = [r for r in results if isinstance(r, CoReasonResult) and r.item.question in done]
        assert resumed and all(r.usage.cached_calls == r.usage.calls for r in resumed)
        assert server.requests - before <= 5 * (len(items) - len(finished))  # only the unfinished ones cost calls


def test_a_failed_start_releases_the_store_it_opened(home: Path, responder: Responder) -> None:
    settings = load_settings(home=home, llm_base_url=responder.base_url, model="scripted")
    with pytest.raises(LinkingError, match="medcore kg build"):  # an empty graph has nothing to link against
        CoReasoner(settings)
    assert not EmbeddedServer(settings.graph_dir).status().running  # its last user detached: it stopped


def test_no_endpoint_is_said_before_the_store_is_opened(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDCORE_LLM_BASE_URL", "MEDCORE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(LLMError, match="OPENAI_BASE_URL"):
        CoReasoner(load_settings(home=home))
    assert not (home / "graph").exists()


def test_an_unreadable_answer_is_re_asked_once_and_the_re_ask_is_read(settings: Settings) -> None:
    item = SW_MCQ.model_copy(update={"question": SW_MCQ.question + " (toleo la 2)"})
    result = _run(settings, item)
    assert (result.answer, result.answer_status, result.raw_answer) == ("A", "parsed", "A")
    answer_checks = [c for c in result.checks if c.kind == "answer"]
    assert [c.action for c in answer_checks] == ["re-asked", "accepted"]
    assert answer_checks[0].detected.startswith("unparseable: no option letter")
    assert answer_checks[0].expected == "exactly one of the option letters A, B"


def test_an_answer_unreadable_after_the_re_ask_is_recorded_never_guessed(settings: Settings) -> None:
    item = SW_MCQ.model_copy(update={"question": SW_MCQ.question + " (toleo la 3)", "gold": "A", "id": "q3"})
    result = _run(settings, item)
    assert (result.answer, result.answer_status, result.status) == (None, "unparseable", "unparseable")
    assert [c.action for c in result.checks if c.kind == "answer"] == ["re-asked", "recorded"]
    exported = result.export()
    assert (exported["prediction"], exported["gold"], exported["answer_idx"], exported["status"]) == (
        None,
        "A",
        "A",
        "unparseable",
    )
    with open_store(settings) as store:
        rows = store.query(
            "MATCH (r:Run {key: $key})-[h:HAS_CHECK]->(c:Check {kind: 'answer'}) RETURN r.status AS status, "
            "r.answer AS answer, c.action AS action ORDER BY c.index",
            {"key": result.run_key},
        )
    assert [(r["status"], r["answer"], r["action"]) for r in rows] == [
        ("unparseable", None, "re-asked"),
        ("unparseable", None, "recorded"),
    ]


def test_a_chain_or_answer_in_the_wrong_language_is_re_asked_then_recorded(settings: Settings) -> None:
    item = SW_MCQ.model_copy(update={"question": SW_MCQ.question + " (toleo la 4)"})
    result = _run(settings, item)
    language = [(c.stage, c.detected.split(":")[0], c.action) for c in result.checks if c.kind == "language"]
    assert language == [
        ("elicit:english", "ok", "accepted"),
        ("elicit:local", "violation", "re-asked"),  # written in English
        ("elicit:local", "ok", "accepted"),  # the re-ask is in Swahili, and it is what the run uses
        ("synthesize", "violation", "re-asked"),
        ("synthesize", "violation", "recorded"),  # still English: recorded, never silent
    ]
    assert result.local.steps[0].startswith("Malaria isiyo kali")
    assert result.answer == "A"  # the answer itself is read; the violation stays on record
    with open_store(settings) as store:
        rows = store.query(
            "MATCH (r:Run {key: $key})-[h:HAS_CHECK]->(c:Check {kind: 'language', action: 'recorded'}) "
            "RETURN c.stage AS stage, c.expected AS expected, c.detected AS detected",
            {"key": result.run_key},
        )
    assert [(r["stage"], r["expected"], r["detected"][:13]) for r in rows] == [("synthesize", "sw", "violation: en")]


def _run_record(store: GraphStore, key: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The run's own nodes (chains, steps, scaffold, checks) and every relationship from
    the run and from them, as comparable rows."""
    owned = (
        "MATCH (r:Run {key: $key})-[h]->(o) OPTIONAL MATCH (o)-[s:HAS_STEP]->(step) "
        "WITH r, collect(DISTINCT o) + collect(DISTINCT step) AS nodes UNWIND [r] + nodes AS n "
    )
    nodes = store.query(owned + "RETURN labels(n) AS labels, properties(n) AS props", {"key": key})
    edges = store.query(
        owned + "MATCH (n)-[e]->(m) RETURN n.key AS start, type(e) AS type, coalesce(m.key, m.cui) AS end, "
        "properties(e) AS props",
        {"key": key},
    )

    def rows(found: list[dict[str, object]]) -> list[tuple[object, ...]]:
        for row in found:  # when a run was written is the one thing a re-run may change
            if isinstance(row.get("props"), dict):
                row["props"] = {k: v for k, v in row["props"].items() if k != "created"}  # type: ignore[union-attr]
        return sorted(tuple(json.dumps(v, sort_keys=True, default=str) for v in row.values()) for row in found)

    return rows(nodes), rows(edges)


def test_a_rerun_after_the_vocabulary_grew_replaces_the_run_and_equals_a_fresh_run(settings: Settings) -> None:
    first = _run(settings, SW_QA)
    net = next(c for c in first.local.concepts if c.surface == "chandarua chenye dawa")
    assert net.method.startswith("partial")  # the broader "mosquito net"
    with open_store(settings) as store:
        itn = Concept(cui="MC999001", name="Insecticide-treated net", semantic_types=["T073"], source="test")
        terms = [
            Term(text="chandarua chenye dawa", lang="sw", cui="MC999001", source="test"),
            Term(text="insecticide-treated mosquito net", lang="en", cui="MC999001", source="test"),
        ]
        store.upsert([itn, *terms, *(t.denotes() for t in terms)])
    rerun = _run(settings, SW_QA)
    # The same key; the chains come from the cache, the synthesis sees a new scaffold.
    assert rerun.run_key == first.run_key and rerun.usage.cached_calls == 4
    assert next(c for c in rerun.local.concepts if c.surface == "chandarua chenye dawa").cui == "MC999001"
    with open_store(settings) as store:
        replaced = _run_record(store, rerun.run_key)
        assert not any('"MC000010"' in row[2] for row in replaced[1] if row[1] == '"MENTIONS"')  # nothing stale
        store.clear_run(rerun.run_key)
    fresh = _run(settings, SW_QA)
    with open_store(settings) as store:
        assert _run_record(store, fresh.run_key) == replaced


def test_a_failed_run_is_recorded_with_its_stage_and_a_retry_replaces_the_record(settings: Settings) -> None:
    once = settings.model_copy(update={"llm_max_retries": 0})
    item = SW_MCQ.model_copy(update={"question": SW_MCQ.question + " (toleo la 6)"})
    with CoReasoner(once) as reasoner, pytest.raises(LLMError, match="HTTP 500"):
        reasoner.run_item(item)
    with open_store(settings) as store:
        [failed] = store.query(
            "MATCH (q:Question)-[h:HAS_RUN]->(r:Run) WHERE q.text = $text "
            "RETURN r.key AS key, r.status AS status, r.stage AS stage, r.error AS error",
            {"text": item.question},
        )
        assert (failed["status"], failed["stage"]) == ("failed", "synthesize") and "HTTP 500" in failed["error"]
    result = _run(once, item)  # the fault was scripted once: the retry goes through
    assert result.run_key == failed["key"] and result.answer == "A"
    with open_store(settings) as store:
        [record] = store.query(
            "MATCH (r:Run {key: $key}) "
            "RETURN r.status AS status, r.stage AS stage, r.error AS error, r.answer AS answer",
            {"key": result.run_key},
        )
    assert record == {"status": "answered", "stage": None, "error": None, "answer": "A"}


def test_the_paper_s_insertion_fusion_runs_end_to_end_as_its_own_run(settings: Settings) -> None:
    graph = _run(settings, SW_QA)
    insertion = _run(settings.model_copy(update={"fusion": "insertion"}), SW_QA)
    assert insertion.run_key != graph.run_key  # the fusion mode shapes answers: its own run
    assert {s.origin for s in insertion.scaffold} <= {"english", "local"}  # nothing merged
    assert [s.text for s in insertion.scaffold if s.origin == "english"] == insertion.english.steps
    assert insertion.answer and insertion.answer_status == "parsed"


def test_passages_of_a_local_corpus_are_retrieved_cited_and_recorded(settings: Settings) -> None:
    with open_store(settings) as store:
        normalizer = load_normalizer(store, settings)
        passages = Path(__file__).parent / "data" / "passages.jsonl"
        load_corpus(
            store, passages, lambda text, lang: [(m.best.cui, m.surface, m.start) for m in normalizer.link(text, lang)]
        )
    result = _run(settings, SW_QA)
    cited = [e for step in result.scaffold for e in step.evidence if e.kind == "passage"]
    assert cited and cited[0].key == "ke-sw-al#0" and cited[0].lang == "sw"
    with open_store(settings) as store:
        rows = store.query(
            "MATCH (r:Run {key: $key})-[h:HAS_SCAFFOLD]->(:Scaffold)-[s:HAS_STEP]->(:ScaffoldStep)"
            "-[c:CITES]->(p:Passage) RETURN p.key AS key",
            {"key": result.run_key},
        )
    assert {"ke-sw-al#0"} <= {r["key"] for r in rows}


@pytest.mark.parametrize(
    ("update", "check"),
    [
        ({"local_chain": False}, lambda r: r.local.steps == [] and r.evidence and not r.alignment.pairs),
        (
            {"fusion": "concat"},
            lambda r: [s.text for s in r.scaffold] == [*r.english.steps, *r.local.steps] and not r.rejected,
        ),
        ({"fusion": "none"}, lambda r: r.scaffold == [] and r.evidence),
        ({"retrieve_top_k": 0, "retrieve_passages": 0}, lambda r: r.evidence == []),
    ],
    ids=["no-local-chain", "concatenation", "no-scaffold", "no-retrieval"],
)
def test_each_ablation_runs_end_to_end_as_its_own_run(settings: Settings, update: dict[str, object], check) -> None:  # type: ignore[no-untyped-def]
    full = _run(settings, SW_QA)
    ablated = _run(settings.model_copy(update=update), SW_QA)
    assert ablated.run_key != full.run_key and ablated.answer_status == "parsed"
    assert check(ablated)
