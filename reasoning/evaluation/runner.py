"""`medcore eval run`: methods over benchmark items, each record written as it finishes.

Results live in `DIR/<dataset>/<method>/<lang>.jsonl`, append-only: an interrupted run
started again skips every item its file holds (the response cache makes what it repeats
free) and `retry_failed` runs again the items whose last record failed. Where an item has
several records, the last one counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pydantic import BaseModel

from kg.errors import ConfigError
from kg.graph.store import GraphStore, open_store
from kg.linking.lexicon_cache import load_normalizer
from kg.linking.normalizer import Normalizer
from kg.settings import Settings
from reasoning.batch import progress_bar
from reasoning.evaluation.baselines import BASELINES, BaselineRunner
from reasoning.evaluation.records import EvalRecord
from reasoning.llm.usage import Usage
from reasoning.pipeline import CoReasoner
from reasoning.results import CoReasonResult, FailedItem, Item

__all__ = ["METHODS", "MethodSummary", "ResultsDir", "run_evaluation"]

# The pipeline's methods, by the settings that make them (the rest are reasoning.evaluation.baselines).
PIPELINE: dict[str, dict[str, object]] = {
    "coreasoner": {},
    "coreasoner-insertion": {"fusion": "insertion"},
    "ablation-no-local": {"local_chain": False},
    "ablation-concat": {"fusion": "concat"},
    "ablation-no-retrieval": {"retrieve_top_k": 0, "retrieve_passages": 0},
    "ablation-no-scaffold": {"fusion": "none"},
}
METHODS = (*PIPELINE, *BASELINES)


class MethodSummary(BaseModel):
    """What one method's part of a run did and cost."""

    method: str
    ran: int = 0
    skipped: int = 0  # already in the results
    answered: int = 0
    unparseable: int = 0
    failed: int = 0
    usage: Usage = Usage()
    seconds: float = 0.0


class ResultsDir:
    """The results of a run: one JSONL file per dataset, method and language."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, dataset: str, method: str, lang: str) -> Path:
        return self.root / dataset / method / f"{lang}.jsonl"

    def latest(self, dataset: str, method: str, lang: str) -> dict[str, EvalRecord]:
        """The last record of each item."""
        path = self.path(dataset, method, lang)
        if not path.exists():
            return {}
        records = (
            EvalRecord.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line
        )
        return {record.item_id: record for record in records}

    def records_of(self, items: Sequence[Item], method: str) -> dict[str, EvalRecord]:
        """The last record of `method` for each of `items` that has one, by the item's id."""
        files: dict[tuple[str, str], dict[str, EvalRecord]] = {}
        found = {}
        for item in items:
            key = (item.dataset or "", item.lang)
            if key not in files:
                files[key] = self.latest(key[0], method, item.lang)
            record = files[key].get((item.id or "").removeprefix(f"{item.dataset}:"))
            if record is not None:
                found[item.id or ""] = record
        return found

    def all_latest(self) -> Iterator[EvalRecord]:
        """Every item's last record, over all files."""
        for path in sorted(self.root.glob("*/*/*.jsonl")):
            yield from self.latest(path.parent.parent.name, path.parent.name, path.stem).values()

    @contextmanager
    def appending(self) -> Iterator[Writer]:
        writer = Writer(self)
        try:
            yield writer
        finally:
            writer.close()


class Writer:
    """Appends records to their files, each line flushed at once."""

    def __init__(self, results: ResultsDir) -> None:
        self.results = results
        self._handles: dict[Path, IO[str]] = {}

    def write(self, record: EvalRecord) -> None:
        path = self.results.path(record.dataset, record.method, record.lang)
        if path not in self._handles:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handles[path] = path.open("a", encoding="utf-8")
        self._handles[path].write(record.model_dump_json() + "\n")
        self._handles[path].flush()

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()


def run_evaluation(
    settings: Settings,
    items: Sequence[Item],
    methods: Sequence[str],
    out: Path,
    *,
    concurrency: int = 8,
    retry_failed: bool = False,
    progress: bool = False,
) -> list[MethodSummary]:
    """Every method over every item not yet in `out` (see the module docstring).

    Raises:
        ConfigError: an unknown method.
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ConfigError(f"unknown method(s) {', '.join(unknown)}; there are {', '.join(METHODS)}")
    results, summaries = ResultsDir(out), []
    with open_store(settings) as store, results.appending() as writer:
        normalizer = load_normalizer(store, settings) if set(methods) & set(PIPELINE) else None
        for method in methods:
            todo, summary = _todo(results, items, method, retry_failed)
            started = time.monotonic()

            def record(outcome: EvalRecord, summary: MethodSummary = summary) -> None:
                writer.write(outcome)
                summary.ran += 1
                setattr(summary, outcome.status, getattr(summary, outcome.status) + 1)
                summary.usage.add(outcome.usage)

            if method in PIPELINE:
                _run_pipeline(settings, method, store, normalizer, todo, concurrency, progress, record)
            else:
                _run_baseline(settings, method, store, todo, concurrency, progress, record)
            summary.seconds = round(time.monotonic() - started, 2)
            summaries.append(summary)
    return summaries


def _todo(
    results: ResultsDir, items: Sequence[Item], method: str, retry_failed: bool
) -> tuple[list[Item], MethodSummary]:
    done = results.records_of(items, method)
    todo = [i for i in items if i.id not in done or (retry_failed and done[i.id or ""].status == "failed")]
    return todo, MethodSummary(method=method, skipped=len(items) - len(todo))


def _run_baseline(
    settings: Settings,
    method: str,
    store: GraphStore,
    todo: list[Item],
    concurrency: int,
    progress: bool,
    record: Callable[[EvalRecord], None],
) -> None:
    with BaselineRunner(settings, method, store) as runner, progress_bar(len(todo), progress, method) as step:

        def counted(outcome: EvalRecord) -> None:
            record(outcome)
            step()

        runner.run_many(todo, concurrency=concurrency, on_record=counted)


def _run_pipeline(
    settings: Settings,
    method: str,
    store: GraphStore,
    normalizer: Normalizer | None,
    todo: list[Item],
    concurrency: int,
    progress: bool,
    record: Callable[[EvalRecord], None],
) -> None:
    variant = settings.model_copy(update=PIPELINE[method])
    with CoReasoner(variant, store=store, normalizer=normalizer) as reasoner:

        def outcome(result: CoReasonResult | FailedItem) -> None:
            if isinstance(result, CoReasonResult):
                record(EvalRecord.of_result(result, method))
            else:
                record(EvalRecord.of_failure(result, method, reasoner.llm.model, result.error, result.run_key))

        reasoner.run_many(todo, concurrency=concurrency, progress=progress, on_outcome=outcome)
