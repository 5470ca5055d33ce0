"""Med-CoReasoner: the eight stages of co-reasoning (README, Architecture) over one LLM endpoint and one graph.

Per question three LLM round trips are on the critical path: both elicitations at once,
both abstractions at once, then synthesis. Grounding, graph writes, alignment, retrieval
and fusion run between them on local data.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from kg.errors import MedcoreError
from kg.graph.model import Node, Relationship, Run, stable_hash
from kg.graph.store import GraphStore, open_store
from kg.linking.lexicon_cache import Report, load_normalizer
from kg.linking.normalizer import Normalizer
from kg.settings import Settings
from reasoning.alignment import AlignWeights, Similarity, align, compare
from reasoning.grounding import ground_chain
from reasoning.languages import Language, language
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import STAGES, prompt
from reasoning.results import (
    AlignmentResult,
    ChainResult,
    CheckResult,
    CoReasonResult,
    Evidence,
    FailedItem,
    GroundedConcept,
    Item,
    RejectedConcept,
    ScaffoldStepResult,
    Task,
)
from reasoning.retrieval import retrieve, retrieve_passages
from reasoning.run_graph import failure_items, question_node, result_items, title_of
from reasoning.scaffold import fuse, fuse_by_concatenation, fuse_by_insertion
from reasoning.schemas import ConceptChain, ReasoningChain
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
        normalizer: Normalizer | None = None,
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
            self.normalizer = normalizer or load_normalizer(self.store, settings, report=report)
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
        self,
        items: Sequence[Item],
        *,
        concurrency: int = 8,
        out: Path | None = None,
        progress: bool = True,
        on_outcome: Callable[[CoReasonResult | FailedItem], None] | None = None,
    ) -> list[CoReasonResult | FailedItem]:
        """Answer many questions, `concurrency` at a time. A failed item is recorded with
        its reason and the batch goes on. With `out`, each finished item is appended to
        that JSONL file at once (the export fields), so killing the batch loses nothing
        finished; a rerun on the same `out` skips the items it holds answered (same id and
        run key), retries the failed ones and returns the outcomes of those it ran.
        `on_outcome` hears of each item as it finishes."""
        from reasoning.batch import run_batch

        work = run_batch(self, items, concurrency=concurrency, out=out, progress=progress, on_outcome=on_outcome)
        return self._run(work)

    # -- one question through the stages -------------------------------------------------

    async def arun_item(self, item: Item) -> CoReasonResult:
        """Answer one item; a failure is recorded on its run (status, stage, error) and raised."""
        run = QuestionRun(item=item, key=self.run_key(item), local=language(item.lang))
        try:
            return await self._answer(run)
        except MedcoreError as exc:
            error = f"{type(exc).__name__}: {exc}"
            await self._on_graph_thread(
                self._write, failure_items(run.item, self._run_node(run), run.stage, error), run
            )
            raise

    async def _answer(self, run: QuestionRun) -> CoReasonResult:
        llm, item, local, usage = self.llm, run.item, run.local, run.usage
        roles: list[Literal["english", "local"]] = ["english", "local"] if self.settings.local_chain else ["english"]
        elicited = await asyncio.gather(*(elicit(llm, item, local, role, usage) for role in roles))
        run.checks += [check for _, checks in elicited for check in checks]
        en_chain, lo_chain = elicited[0][0], elicited[1][0] if len(elicited) > 1 else None
        if not item.english and en_chain.question_english:
            run.item = item.model_copy(update={"english": en_chain.question_english})
        run.stage = "abstract"
        chains = [(en_chain, language(ENGLISH)), *([(lo_chain, local)] if lo_chain else [])]
        abstracted = await asyncio.gather(*(abstract(llm, chain.steps, lang, usage) for chain, lang in chains))
        en_concepts, lo_concepts = abstracted[0], abstracted[1] if lo_chain else None
        run.stage = "ground"
        # Graph work runs on worker threads: the event loop keeps other questions' calls
        # moving while this one waits on the store.
        grounded = await self._on_graph_thread(self._ground, run, (en_chain, en_concepts), (lo_chain, lo_concepts))
        run.stage = "align"
        found = await self._on_graph_thread(self._align_and_retrieve, run, *grounded)
        run.stage = "synthesize"
        english, local_chain = grounded
        scaffold, rejected = self._fuse(english, local_chain, found)
        region = ", ".join(found.regions)
        synthesis = await synthesize(llm, run.item, local, region, scaffold, found.evidence, usage)
        result = CoReasonResult(
            run_key=run.key,
            item=run.item,
            model=llm.model,
            english=english,
            local=local_chain,
            alignment=found.alignment,
            evidence=found.evidence,
            scaffold=scaffold,
            rejected=rejected,
            answer=synthesis.parsed.value,
            answer_status=synthesis.parsed.status,
            raw_answer=synthesis.reply.answer,
            explanation=synthesis.reply.explanation,
            checks=[*run.checks, *synthesis.checks],
            usage=usage,
            prompt_versions=self.prompt_versions,
        )
        run.stage = "write"
        await self._on_graph_thread(self._write, result_items(result, self._run_node(run)), run)
        return result

    async def _on_graph_thread(self, work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._graph_thread, work, *args)

    def _ground(
        self,
        run: QuestionRun,
        english: tuple[ReasoningChain, ConceptChain],
        local: tuple[ReasoningChain | None, ConceptChain | None],
    ) -> tuple[ChainResult, ChainResult]:
        with self._lexicon_lock:  # lookups must not see a term half-learned by another thread
            en = self._grounded("english", ENGLISH, *english, run.key)
            chain, concepts = local
            if chain is None or concepts is None:  # the ablation without the local chain
                return en, ChainResult(role="local", lang=run.local.code, steps=[], answer="")
            return en, self._grounded("local", run.local.code, chain, concepts, run.key, prefer=en.concepts)

    def _grounded(
        self,
        role: Literal["english", "local"],
        lang: str,
        chain: ReasoningChain,
        concepts: ConceptChain,
        run_key: str,
        prefer: Sequence[GroundedConcept] = (),
    ) -> ChainResult:
        cuis = {c.cui for c in prefer}
        grounded, base = ground_chain(concepts, chain.steps, lang, self.normalizer, self.store, run_key, prefer=cuis)
        return ChainResult(
            role=role, lang=lang, steps=chain.steps, answer=chain.answer, concepts=grounded, step_base=base
        )

    def _align_and_retrieve(self, run: QuestionRun, english: ChainResult, local: ChainResult) -> Found:
        similarity = compare(self.store, english, local, self.weights)
        alignment = align(english.concepts, local.concepts, similarity, self.weights)
        regions = [run.item.region] if run.item.region else list(run.local.regions)
        concepts = [
            *(english.concepts[p.english] for p in alignment.pairs),
            *(local.concepts[p.local] for p in alignment.pairs),
            *(local.concepts[j] for j in alignment.local_only),
        ]
        if not self.settings.local_chain:  # without a local chain, retrieval starts from the English one
            concepts = list(english.concepts)
        wanted = [c.cui for c in concepts if c.status != "absent"]  # what is ruled out drives nothing
        s, code = self.settings, run.local.code
        evidence = retrieve(self.store, wanted, lang=code, regions=regions, top_k=s.retrieve_top_k)
        question = "\n".join(filter(None, [run.item.question, run.item.english]))
        evidence += retrieve_passages(
            self.store, wanted, question=question, lang=code, regions=regions, top_k=s.retrieve_passages
        )
        return Found(alignment, similarity, evidence, regions)

    def _fuse(
        self, english: ChainResult, local: ChainResult, found: Found
    ) -> tuple[list[ScaffoldStepResult], list[RejectedConcept]]:
        fusion = self.settings.fusion
        if fusion == "insertion":
            threshold = self.settings.insertion_threshold
            return fuse_by_insertion(english, local, found.similarity, found.evidence, threshold)
        if fusion == "concat":
            return fuse_by_concatenation(english, local, found.evidence)
        if fusion == "none":
            return [], []
        return fuse(english, local, found.alignment, found.evidence)

    def _write(self, items: Iterable[Node | Relationship], run: QuestionRun) -> None:
        """The run's whole record, in place of any earlier record of the same run key."""
        self.store.clear_run(run.key)
        self.store.upsert(items)

    def run_key(self, item: Item) -> str:
        """hash(the item as the model sees it, its id, and the settings hash)."""
        fields = (item.question, item.lang, item.task, item.options, item.labels, item.english, item.region, item.id)
        # (gold and dataset are not shown to the model: they do not make another run)
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
            s.retrieve_passages,
            s.fusion,
            s.insertion_threshold,
            s.local_chain,
        ]
        return stable_hash(self.llm.model, self.prompt_versions, shaping)

    def _run_node(self, run: QuestionRun) -> Run:
        return Run(
            key=run.key,
            question=question_node(run.item).key,
            model=self.llm.model,
            lang=run.item.lang,
            prompt_versions=self.prompt_versions,
            settings_hash=self.settings_hash,
            method=self.method,
            dataset=run.item.dataset,
            title=title_of(run.item.question),
        )

    @property
    def method(self) -> str:
        """The method these settings make: coreasoner, its insertion fusion, or an ablation."""
        s = self.settings
        if not s.local_chain:
            return "ablation-no-local"
        if s.fusion != "graph":
            return {"insertion": "coreasoner-insertion", "concat": "ablation-concat", "none": "ablation-no-scaffold"}[
                s.fusion
            ]
        if s.retrieve_top_k == 0 and s.retrieve_passages == 0:
            return "ablation-no-retrieval"
        return "coreasoner"


@dataclass
class QuestionRun:
    """One question on its way through the stages: where it is and what it has gathered."""

    item: Item
    key: str
    local: Language
    usage: Usage = field(default_factory=Usage)
    stage: str = "elicit"
    checks: list[CheckResult] = field(default_factory=list)


class Found(NamedTuple):
    """What alignment and retrieval found for a question."""

    alignment: AlignmentResult
    similarity: Similarity
    evidence: list[Evidence]
    regions: list[str]
