"""Med-CoReasoner: the eight stages of co-reasoning (README, Architecture) over one LLM endpoint and one graph.

Per question three LLM round trips are on the critical path: both elicitations at once,
both abstractions at once, then synthesis. Grounding, graph writes, alignment, retrieval
and fusion run between them on local data.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from kg.graph.model import Run, stable_hash
from kg.graph.store import GraphStore, open_store
from kg.linking.lexicon_cache import Report, load_normalizer
from kg.settings import Settings
from reasoning.alignment import AlignWeights, ChainConcept, align_chains
from reasoning.grounding import ground_chain
from reasoning.languages import language
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import STAGES, prompt
from reasoning.results import (
    AlignedPair,
    AlignmentResult,
    ChainResult,
    CoReasonResult,
    FailedItem,
    GroundedConcept,
    Item,
    Task,
)
from reasoning.retrieval import retrieve
from reasoning.run_graph import chain_items, question_node, result_items, run_items
from reasoning.scaffold import fuse
from reasoning.stages import abstract, elicit, synthesize

__all__ = ["CoReasoner"]

ENGLISH = "en"
T = TypeVar("T")


class CoReasoner:
    """Runs questions through the pipeline. Opens the store and the LLM from `settings`
    unless given; `close()` (or `with`) releases what it opened."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: GraphStore | None = None,
        llm: LLM | None = None,
        report: Report | None = None,
    ) -> None:
        """Raises `LLMError` when no endpoint is configured, before anything is opened;
        whatever it opened is released when a later step fails. `report` hears what a
        long lexicon index build is doing."""
        self.settings = settings
        cache = ResponseCache(settings.home / "llm-cache.sqlite") if settings.llm_cache else None
        self.llm = llm or LLM(settings, cache=cache)
        # The sync API runs everything on this one loop: the HTTP client's connections
        # belong to the loop that opened them.
        self._loop = asyncio.new_event_loop()
        # Graph work of several questions overlaps its waits on the store; grounding, which
        # reads and extends the in-memory lexicon, takes turns.
        self._graph_thread = ThreadPoolExecutor(max_workers=4, thread_name_prefix="medcore-graph")
        self._lexicon_lock = threading.Lock()
        self._own_store = store is None
        try:
            self.store = store or open_store(settings)
        except BaseException:
            self._close_llm()
            raise
        try:
            self.normalizer = load_normalizer(self.store, settings, report=report)
        except BaseException:
            self.close()
            raise
        self.prompt_versions = {name: prompt(name).version for name in STAGES}
        self.settings_hash = self._settings_hash()
        self.weights = AlignWeights(
            threshold=settings.align_threshold,
            structure=settings.align_structure,
            gloss_floor=settings.align_gloss_floor,
        )

    def __enter__(self) -> CoReasoner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._close_llm()
        finally:
            if self._own_store:
                self.store.close()

    def _close_llm(self) -> None:
        self._loop.run_until_complete(self.llm.close())
        self._loop.close()
        self._graph_thread.shutdown()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the loop. On Ctrl-C the work in flight is cancelled and unwinds
        (files closed, nothing left running on the loop) before the interrupt goes on."""
        task = self._loop.create_task(work)
        try:
            return self._loop.run_until_complete(task)
        except BaseException:
            task.cancel()
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(task)
            raise

    # -- API -----------------------------------------------------------------------------

    def run(
        self,
        question: str,
        lang: str,
        *,
        options: dict[str, str] | None = None,
        task: Task = "qa",
        english: str | None = None,
        region: str | None = None,
    ) -> CoReasonResult:
        """Answer one question (see `arun`)."""
        item = Item(question=question, lang=lang, options=options, task=task, english=english, region=region)
        return self.run_item(item)

    def run_item(self, item: Item) -> CoReasonResult:
        """Answer one item (see `arun`)."""
        return self._run(self.arun_item(item))

    async def arun(
        self,
        question: str,
        lang: str,
        *,
        options: dict[str, str] | None = None,
        task: Task = "qa",
        english: str | None = None,
        region: str | None = None,
    ) -> CoReasonResult:
        """Answer one question in `lang`; every intermediate is in the result."""
        item = Item(question=question, lang=lang, options=options, task=task, english=english, region=region)
        return await self.arun_item(item)

    def run_many(
        self, items: Sequence[Item], *, concurrency: int = 8, out: Path | None = None, progress: bool = True
    ) -> list[CoReasonResult | FailedItem]:
        """Answer many questions, `concurrency` at a time. A failed item is recorded with
        its reason and the batch goes on. With `out`, each finished item is appended to
        that JSONL file at once (the export fields), so killing the batch loses nothing
        finished; a rerun on the same `out` skips the items it holds answered (same id and
        run key), retries the failed ones and returns the outcomes of those it ran."""
        from reasoning.batch import run_batch

        return self._run(run_batch(self, items, concurrency=concurrency, out=out, progress=progress))

    # -- the stages ----------------------------------------------------------------------

    async def arun_item(self, item: Item) -> CoReasonResult:
        local, usage = language(item.lang), Usage()
        english_language = language(ENGLISH)
        run_key = self.run_key(item)
        (en_chain, en_checks), (lo_chain, lo_checks) = await asyncio.gather(
            elicit(self.llm, item, local, "english", usage), elicit(self.llm, item, local, "local", usage)
        )
        if not item.english and en_chain.question_english:
            item = item.model_copy(update={"english": en_chain.question_english})
        en_concepts, lo_concepts = await asyncio.gather(
            abstract(self.llm, en_chain.steps, english_language, usage),
            abstract(self.llm, lo_chain.steps, local, usage),
        )
        # Graph work runs on worker threads: the event loop keeps other questions' calls
        # moving while this one waits on the store.
        graph = await self._on_graph_thread(
            self._ground_link_align_retrieve, item, run_key, local, en_chain, lo_chain, en_concepts, lo_concepts
        )
        english, local_chain, alignment, evidence, regions = graph
        scaffold, rejected = fuse(english, local_chain, alignment, evidence)
        synthesis = await synthesize(self.llm, item, local, ", ".join(regions), scaffold, evidence, usage)
        result = CoReasonResult(
            run_key=run_key,
            item=item,
            model=self.llm.model,
            english=english,
            local=local_chain,
            alignment=alignment,
            evidence=evidence,
            scaffold=scaffold,
            rejected=rejected,
            answer=synthesis.parsed.value,
            answer_status=synthesis.parsed.status,
            raw_answer=synthesis.reply.answer,
            explanation=synthesis.reply.explanation,
            checks=[*en_checks, *lo_checks, *synthesis.checks],
            usage=usage,
            prompt_versions=self.prompt_versions,
        )
        await self._on_graph_thread(self.store.upsert, result_items(result, self._run_node(item, run_key)))
        return result

    async def _on_graph_thread(self, work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._graph_thread, work, *args)

    def _ground_link_align_retrieve(
        self, item: Item, run_key: str, local: Any, en_chain: Any, lo_chain: Any, en_concepts: Any, lo_concepts: Any
    ) -> tuple[ChainResult, ChainResult, AlignmentResult, list[Any], list[str]]:
        with self._lexicon_lock:  # lookups must not see a term half-learned by another thread
            english = self._grounded("english", ENGLISH, en_chain, en_concepts, run_key)
            local_chain = self._grounded("local", local.code, lo_chain, lo_concepts, run_key, english.concepts)
        self._link(item, run_key, english, local_chain)
        alignment = self._align(english, local_chain)
        regions = [item.region] if item.region else list(local.regions)
        # Concepts the reasoning rules out never drive retrieval.
        wanted = [
            c.cui
            for c in (
                *(english.concepts[p.english] for p in alignment.pairs),
                *(local_chain.concepts[p.local] for p in alignment.pairs),
                *(local_chain.concepts[j] for j in alignment.local_only),
            )
            if c.status != "absent"
        ]
        evidence = retrieve(self.store, wanted, lang=local.code, regions=regions, top_k=self.settings.retrieve_top_k)
        return english, local_chain, alignment, evidence, regions

    def run_key(self, item: Item) -> str:
        """hash(the item as the model sees it, its id, and the settings hash)."""
        fields = (item.question, item.lang, item.task, item.options, item.labels, item.english, item.region, item.id)
        return stable_hash(*fields, self.settings_hash)

    def _settings_hash(self) -> str:
        """hash(model, prompt versions, every setting that shapes an answer)."""
        s = self.settings
        shaping = [
            s.llm_temperature,
            s.llm_seed,
            s.llm_max_tokens,
            s.link_threshold,
            s.align_threshold,
            s.align_structure,
            s.align_gloss_floor,
            s.retrieve_top_k,
        ]
        return stable_hash(self.llm.model, self.prompt_versions, shaping)

    def _run_node(self, item: Item, run_key: str) -> Run:
        question = question_node(item).key
        return Run(
            key=run_key,
            question=question,
            model=self.llm.model,
            lang=item.lang,
            prompt_versions=self.prompt_versions,
            settings_hash=self.settings_hash,
        )

    def _grounded(
        self, role: Any, lang: str, chain: Any, concepts: Any, run_key: str, prefer: Sequence[GroundedConcept] = ()
    ) -> ChainResult:
        grounded, base = ground_chain(
            concepts, chain.steps, lang, self.normalizer, self.store, run_key, prefer={c.cui for c in prefer}
        )
        return ChainResult(
            role=role, lang=lang, steps=chain.steps, answer=chain.answer, concepts=grounded, step_base=base
        )

    def _link(self, item: Item, run_key: str, english: ChainResult, local: ChainResult) -> None:
        run = self._run_node(item, run_key)
        self.store.upsert([*run_items(item, run), *chain_items(run_key, english), *chain_items(run_key, local)])

    def _align(self, english: ChainResult, local: ChainResult) -> AlignmentResult:
        en_cuis, local_cuis = {c.cui for c in english.concepts}, {c.cui for c in local.concepts}
        # The graph only tells apart concepts with different ids: skip the fetch when every
        # concept has its namesake on the other side.
        kg = self.store.subgraph(sorted(en_cuis | local_cuis), hops=1) if en_cuis != local_cuis else None
        found = align_chains(_chain(english), _chain(local), kg, self.weights)
        pairs = [
            AlignedPair(
                english=p.english,
                local=p.local,
                cui_english=english.concepts[p.english].cui,
                cui_local=local.concepts[p.local].cui,
                score=p.score,
            )
            for p in found.pairs
        ]
        return AlignmentResult(pairs=pairs, english_only=found.english_only, local_only=found.local_only)


def _chain(chain: ChainResult) -> list[ChainConcept]:
    return [ChainConcept(cui=c.cui, gloss=c.gloss or c.name, surface=c.surface, step=c.step) for c in chain.concepts]
