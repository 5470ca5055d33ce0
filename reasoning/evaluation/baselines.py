"""The baselines the paper compares against, on the same LLM layer, cache, checks and answer
reading as the pipeline:

- `direct-local`: the question answered directly, in its language;
- `direct-english`: the English parallel answered directly, in English (items without one fail);
- `translate-test`: the question (and its options) translated into English, answered in
  English, and a long-form answer translated back into the question's language;
- `cot-local`: step-by-step reasoning in the question's language (the pipeline's local chain);
- `cot-english`: step-by-step reasoning in English (the pipeline's English chain).

Every answer goes through the language and answer contracts (`reasoning.checks`): a reply in
the wrong language or an unreadable answer is re-asked once, then recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from kg.errors import MedcoreError
from kg.graph.model import Run, stable_hash
from kg.graph.store import GraphStore
from kg.settings import Settings
from reasoning.answers import ParsedAnswer
from reasoning.checks import in_language, readable_answer
from reasoning.evaluation.records import BaselineAnswer, EvalRecord
from reasoning.languages import Language, language
from reasoning.llm.cache import ResponseCache
from reasoning.llm.client import LLM
from reasoning.llm.usage import Usage
from reasoning.prompts import prompt
from reasoning.results import Item
from reasoning.run_graph import question_and_run, question_node, title_of
from reasoning.schemas import FinalAnswer, ReasoningChain
from reasoning.stages import chain_text, elicit_messages, options_text, task_instruction

__all__ = ["BASELINES", "BaselineAnswer", "BaselineRunner", "answer_baseline"]

BASELINES = ("direct-local", "direct-english", "translate-test", "cot-local", "cot-english")


class Translation(BaseModel):
    translation: str


async def answer_baseline(method: str, llm: LLM, item: Item, usage: Usage) -> BaselineAnswer:
    """What the baseline `method` answers to `item`.

    Raises:
        MedcoreError: the method cannot run on the item (no English parallel), or the LLM failed.
    """
    local = language(item.lang)
    if method == "direct-local":
        return await _direct(llm, item, local, local, usage)
    if method == "direct-english":
        if not item.english:
            raise MedcoreError(f"item {item.id} has no English parallel: direct-english cannot run on it")
        return await _direct(llm, item.model_copy(update={"question": item.english}), language("en"), local, usage)
    if method == "translate-test":
        return await _translate_test(llm, item, local, usage)
    if method in ("cot-local", "cot-english"):
        return await _chain_of_thought(llm, item, local, "local" if method == "cot-local" else "english", usage)
    raise MedcoreError(f"no baseline {method!r}; there are {', '.join(BASELINES)}")


async def _direct(llm: LLM, item: Item, asked_in: Language, local: Language, usage: Usage) -> BaselineAnswer:
    """Answer in `asked_in` (English for direct-english), checked against the run's other language."""
    messages = prompt("direct").messages(
        question_language=asked_in.name,
        language=asked_in.name,
        task_instruction=task_instruction(item),
        question=item.question,
        options=options_text(item),
    )
    other = local.code if asked_in.code == "en" else "en"
    reply, checks = await in_language(llm, messages, FinalAnswer, _prose(item), asked_in, other, "answer", usage)
    reply, parsed, answer_checks = await readable_answer(llm, messages, reply, item, usage, stage="answer")
    response = f"{reply.answer}\n\n{reply.explanation}".strip()
    return BaselineAnswer(response, parsed, [], [*checks, *answer_checks], reply.answer, reply.explanation)


async def _translate_test(llm: LLM, item: Item, local: Language, usage: Usage) -> BaselineAnswer:
    if local.code == "en":
        return await _direct(llm, item, local, local, usage)
    english = language("en")
    texts = [item.question, *(item.options or {}).values()]
    translated = await asyncio.gather(*(_translate(llm, text, local, english, usage) for text in texts))
    options = dict(zip((item.options or {}).keys(), translated[1:], strict=True)) or None
    in_english = item.model_copy(update={"question": translated[0], "options": options})
    answered = await _direct(llm, in_english, english, local, usage)
    if item.task != "qa" or answered.parsed.value is None:
        return answered
    back = await _translate(llm, answered.parsed.value, english, local, usage)
    return answered._replace(parsed=ParsedAnswer.read(back, "text, translated back"), response=back, answer=back)


async def _translate(llm: LLM, text: str, source: Language, target: Language, usage: Usage) -> str:
    messages = prompt("translate").messages(source=source.name, target=target.name, text=text)
    reply, _ = await llm.structured(messages, Translation, usage)
    return reply.translation


async def _chain_of_thought(llm: LLM, item: Item, local: Language, role: str, usage: Usage) -> BaselineAnswer:
    messages, asked_in = elicit_messages(item, local, role)  # type: ignore[arg-type]
    other = local.code if role == "english" else "en"
    chain, checks = await in_language(llm, messages, ReasoningChain, chain_text, asked_in, other, f"cot:{role}", usage)
    reply = FinalAnswer(answer=chain.answer, explanation="\n".join(chain.steps))
    reply, parsed, answer_checks = await readable_answer(llm, messages, reply, item, usage, stage=f"cot:{role}")
    steps = "\n".join(chain.steps)
    return BaselineAnswer(chain.answer, parsed, chain.steps, [*checks, *answer_checks], reply.answer, steps)


def _prose(item: Item) -> Callable[[FinalAnswer], str]:
    """What of a direct reply is prose in its language: a letter or a label is not."""
    return lambda reply: f"{reply.answer}\n{reply.explanation}" if item.task == "qa" else reply.explanation


class BaselineRunner:
    """Runs one baseline over many items on one LLM endpoint (its own event loop, as
    `CoReasoner` has), writing a run record of each answer to the graph."""

    def __init__(self, settings: Settings, method: str, store: GraphStore) -> None:
        if method not in BASELINES:
            raise MedcoreError(f"no baseline {method!r}; there are {', '.join(BASELINES)}")
        cache = ResponseCache(settings.home / "llm-cache.sqlite") if settings.llm_cache else None
        self.method, self.store, self.llm = method, store, LLM(settings, cache=cache)
        self._loop = asyncio.new_event_loop()
        s = settings
        prompts = {name: prompt(name).version for name in ("direct", "translate", "elicit")}
        self.settings_hash = stable_hash(method, s.model, prompts, [s.llm_temperature, s.llm_seed, s.llm_max_tokens])

    def __enter__(self) -> BaselineRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.run_until_complete(self.llm.close())
        self._loop.close()

    def run_key(self, item: Item) -> str:
        fields = (item.question, item.lang, item.task, item.options, item.labels, item.english, item.region, item.id)
        return stable_hash(*fields, self.settings_hash)

    def run_many(self, items: Sequence[Item], *, concurrency: int, on_record: Callable[[EvalRecord], None]) -> None:
        """Answer every item, `concurrency` at a time; a failure is recorded and the rest go on."""
        slots = asyncio.Semaphore(concurrency)

        async def one(item: Item) -> None:
            async with slots:
                on_record(await self._answer(item))

        async def every() -> None:
            await asyncio.gather(*(one(item) for item in items))

        task = self._loop.create_task(every())
        try:
            self._loop.run_until_complete(task)
        except BaseException:  # Ctrl-C: unwind what is in flight before going on
            task.cancel()
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(task)
            raise

    async def _answer(self, item: Item) -> EvalRecord:
        usage, key = Usage(), self.run_key(item)
        try:
            answered = await answer_baseline(self.method, self.llm, item, usage)
        except MedcoreError as exc:
            error = f"{type(exc).__name__}: {exc}"
            record = EvalRecord.of_failure(item, self.method, self.llm.model, error, run_key=key)
        else:
            record = EvalRecord.of_answer(item, self.method, self.llm.model, answered, usage, key)
        await asyncio.get_running_loop().run_in_executor(None, self._write, item, record)
        return record

    def _write(self, item: Item, record: EvalRecord) -> None:
        run = Run(
            key=record.run_key or self.run_key(item),
            question=question_node(item).key,
            model=self.llm.model,
            lang=item.lang,
            settings_hash=self.settings_hash,
            method=self.method,
            dataset=item.dataset,
            title=title_of(item.question),
            answer=record.prediction,
            status=record.status,
            gold=item.gold,
            correct=record.correct,
            error=record.error,
        )
        self.store.clear_run(run.key)
        self.store.upsert(question_and_run(item, run))
