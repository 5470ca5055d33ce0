"""Pipeline speed: the critical path, the framework's own time, and a concurrent batch.

    python tests/benchmarks/pipeline.py [--quick] [--latency-ms 300] [--questions 200] [--concurrency 32]
                                        [--engine falkordb|neo4j]

Builds the seed plus generated concepts (100k; `--quick`: 5k, 40 questions) in a fresh
store, the embedded FalkorDB or, with `--engine neo4j`, a Neo4j 5 started from tests/neo4j
(JDK 17 + Maven) for the run, and a scripted responder (benchmark fixtures generated for each question:
scripted responses, not a model) answering after `--latency-ms`. The response cache is off.
Measures, on distinct questions:

- per-question wall time, one question at a time (aim: within 3 x latency + 150 ms, the
  three LLM round trips on the critical path plus the framework);
- framework time per question: the same with a responder at zero latency (aim: < 100 ms);
- a batch of `--questions` at `--concurrency` (aim: >= 90% of the bound, concurrency /
  (3 x latency) questions per second);
- the same five calls per question made one after another, as the paper's code does.

Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engines import ENGINES, neo4j_server, peak_rss_mb

from ingest import build_seed
from kg import load_settings, open_store
from kg.graph.model import Concept, ConceptRelation, HasType, Node, Relationship, Term
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.pipeline import CoReasoner
from reasoning.results import FailedItem, Item

LABEL = "benchmark fixture: scripted response, not model output"


def generated_graph(n: int, rng: random.Random) -> Iterator[Node | Relationship]:
    letters = "abcdefghiklmnoprstu"
    for i in range(n):
        cui = f"ML{i:012x}"
        yield Concept(cui=cui, name=f"generated concept {i}", semantic_types=["T047"], source="benchmark")
        yield HasType(start=cui, end="T047")
        for lang in ("en", "sw", "zh"):
            text = "".join(rng.choices(letters, k=rng.randint(6, 14))) if lang != "zh" else f"概念{i}"
            term = Term(text=text, lang=lang, cui=cui, source="benchmark")
            yield term
            yield term.denotes()
        if i:
            for _ in range(2):
                yield ConceptRelation(head=cui, rel="ASSOCIATED_WITH", tail=f"ML{rng.randrange(i):012x}", source="b")


def question(q: int) -> Item:
    return Item(
        question=f"Swali la majaribio {q}: mtoto ana homa na malaria; dawa gani ya kwanza?",
        english=f"Benchmark question {q}: a child has fever and malaria; which first drug?",
        lang="sw",
        region="KE",
    )


def fixtures(n: int) -> Iterator[dict[str, object]]:
    def fixture(contains: list[str], answer: dict[str, object]) -> dict[str, object]:
        return {"match": {"contains": contains}, "response": {"json": answer}, "label": LABEL}

    for q in range(n):
        en = [
            f"Case {q}: fever in a child in Kenya suggests malaria.",
            "Malaria is treated with artemether-lumefantrine.",
        ]
        sw = [f"Kesi {q}: homa ya mtoto inaashiria malaria.", "Malaria inatibiwa kwa artemether-lumefantrine."]
        concepts = [
            {"surface": "malaria", "gloss": "malaria", "role": "diagnosis", "step": 0},
            {"surface": "artemether-lumefantrine", "gloss": "artemether-lumefantrine", "role": "treatment", "step": 1},
        ]
        yield fixture(["in English", f"Benchmark question {q}:"], {"steps": en, "answer": "artemether-lumefantrine"})
        yield fixture(["in Swahili", f"Swali la majaribio {q}:"], {"steps": sw, "answer": "artemether-lumefantrine"})
        yield fixture(["The reasoning is in English", f"0. Case {q}:"], {"concepts": concepts})
        yield fixture(["The reasoning is in Swahili", f"0. Kesi {q}:"], {"concepts": concepts})
        yield fixture(["reasoning scaffold", f"Swali la majaribio {q}:"], {"answer": "Artemether-lumefantrine."})


@contextmanager
def responder_process(fixtures: Path, latency_ms: float) -> Iterator[str]:
    """The responder in its own process, as a real endpoint is: its work is not ours."""
    code = (
        "import sys; from pathlib import Path; from reasoning.llm.responder import serve; "
        "serve(Path(sys.argv[1]), 0, float(sys.argv[2]), 0.0)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(fixtures), str(latency_ms)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"(http://\S+/v1)", line)
        if not found:
            raise RuntimeError(f"the responder did not start: {line!r}")
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a held keep-alive connection: it is only a benchmark tool
            process.kill()
            process.wait()


def timed_questions(reasoner: CoReasoner, items: list[Item]) -> list[float]:
    seconds = []
    for item in items:
        start = time.perf_counter()
        reasoner.run(item.question, item.lang, english=item.english, region=item.region)
        seconds.append(time.perf_counter() - start)
    return seconds


async def five_in_sequence(llm: LLM, item: Item) -> None:
    """The paper's order: each call waits for the one before."""
    usage = Usage()
    q = item.question.split(":")[0].split()[-1]
    for text in (
        f"in English Benchmark question {q}:",
        f"in Swahili Swali la majaribio {q}:",
        f"The reasoning is in English 0. Case {q}:",
        f"The reasoning is in Swahili 0. Kesi {q}:",
        f"reasoning scaffold Swali la majaribio {q}:",
    ):
        await llm.chat([{"role": "user", "content": text}], usage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--questions", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--engine", choices=ENGINES, default="falkordb")
    args = parser.parse_args()
    n_concepts = 5_000 if args.quick else 100_000
    n_questions = args.questions or (40 if args.quick else 200)
    latency = args.latency_ms / 1000
    results: dict[str, object] = {"concepts_generated": n_concepts, "latency_ms": args.latency_ms}
    with tempfile.TemporaryDirectory(prefix="mcp-", dir="/tmp") as tmp, _engine(args.engine) as (graph, server_pid):
        home, fixture_file = Path(tmp) / "home", Path(tmp) / "fixtures.jsonl"
        total = n_questions + 30
        fixture_file.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in fixtures(total)))
        base = load_settings(
            home=home, llm_cache=False, llm_concurrency=4 * args.concurrency, model="scripted", **graph
        )
        with open_store(base) as store:
            start = time.perf_counter()
            build_seed(store)
            store.upsert(generated_graph(n_concepts, random.Random(7)))
            results["graph_build_s"] = round(time.perf_counter() - start, 1)
            results["graph"] = store.counts().model_dump()
        items = [question(q) for q in range(total)]
        with (
            responder_process(fixture_file, 0.0) as fast,
            CoReasoner(base.model_copy(update={"llm_base_url": fast})) as reasoner,
        ):
            timed_questions(reasoner, items[:2])  # warm up: index cache, connections
            framework = timed_questions(reasoner, items[2:12])
        results["framework_ms_median"] = round(statistics.median(framework) * 1000, 1)
        results["framework_ms_max"] = round(max(framework) * 1000, 1)
        with responder_process(fixture_file, args.latency_ms) as slow:
            settings = base.model_copy(update={"llm_base_url": slow})
            with CoReasoner(settings) as reasoner:
                single = timed_questions(reasoner, items[12:22])
                start = time.perf_counter()
                done = reasoner.run_many(items[30 : 30 + n_questions], concurrency=args.concurrency, progress=False)
                batch_s = time.perf_counter() - start
                pid = server_pid or reasoner.store.runner.server.status().pid  # type: ignore[attr-defined]
                results["peak_rss_mb_server"] = round(peak_rss_mb(pid), 1)
            sequential = _sequential(settings, items[22:30])
        results["question_wall_ms_median"] = round(statistics.median(single) * 1000, 1)
        results["question_wall_aim_ms"] = round(3 * args.latency_ms + 150, 1)
        results["sequential_five_calls_ms_median"] = round(statistics.median(sequential) * 1000, 1)
        failed = [r.error for r in done if isinstance(r, FailedItem)]
        results["batch_questions"], results["batch_failed"] = n_questions, len(failed)
        results["batch_first_error"] = failed[0] if failed else None
        results["batch_s"] = round(batch_s, 2)
        results["batch_questions_per_s"] = round(n_questions / batch_s, 2)
        bound = args.concurrency / (3 * latency)
        results["concurrency_bound_questions_per_s"] = round(bound, 2)
        results["share_of_bound"] = round(n_questions / batch_s / bound, 3)
        results["peak_rss_mb_client"] = round(peak_rss_mb(), 1)
    results.update(engine=args.engine, quick=args.quick, concurrency=args.concurrency, python=platform.python_version())
    print(json.dumps(results))


@contextmanager
def _engine(engine: str) -> Iterator[tuple[dict[str, Any], int | None]]:
    """The graph settings of the engine measured, and its server's pid (None: the embedded
    server, whose pid is read while a store holds it up)."""
    if engine == "falkordb":
        yield {}, None
        return
    with neo4j_server() as (graph, pid, _version):
        yield graph, pid


def _sequential(settings: object, items: list[Item]) -> list[float]:
    async def run() -> list[float]:
        llm = LLM(settings)  # type: ignore[arg-type]
        seconds = []
        try:
            for item in items:
                start = time.perf_counter()
                await five_in_sequence(llm, item)
                seconds.append(time.perf_counter() - start)
        finally:
            await llm.close()
        return seconds

    return asyncio.run(run())


if __name__ == "__main__":
    main()
