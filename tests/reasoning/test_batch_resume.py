"""`run_many(out=...)` resumes: finished items (same id and run key as their latest line)
are skipped, the others run again, and the results file ends with exactly one line per item,
its latest outcome: no duplicate, no stale error, no line cut off by a crash. On the real
embedded store, through the real client to the scripted responder."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import build_seed
from kg import IngestError, load_settings, open_store
from kg.settings import Settings
from reasoning.llm.responder import Responder
from reasoning.pipeline import CoReasoner
from reasoning.results import CoReasonResult, FailedItem, Item

FIXTURES = Path(__file__).parent / "data" / "pipeline_fixtures.jsonl"
DEMO = Path(__file__).resolve().parents[2] / "reasoning" / "data" / "demo_questions.jsonl"
ANSWERED = Item(**json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0]))  # demo-sw, scripted
UNSCRIPTED = Item(question="Swali ambalo halina jibu lililoandaliwa.", lang="sw", id="missing")


@pytest.fixture
def settings(home: Path) -> Iterator[Settings]:
    with Responder.from_file(FIXTURES, timeout_s=2.0) as server:
        settings = load_settings(
            home=home, llm_base_url=server.base_url, model="scripted", llm_backoff_s=0.01, llm_timeout_s=0.5
        )
        with open_store(settings) as store:
            build_seed(store)
        yield settings


def _run(settings: Settings, out: Path, items: list[Item]) -> list[CoReasonResult | FailedItem]:
    with CoReasoner(settings) as reasoner:
        return reasoner.run_many(items, concurrency=2, out=out, progress=False)


def _lines(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _write(out: Path, lines: list[dict[str, object]], tail: str = "") -> None:
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + tail, encoding="utf-8")


def test_a_rerun_skips_finished_items_retries_failed_ones_and_leaves_one_line_each(
    settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    _run(settings, out, [ANSWERED, UNSCRIPTED])
    answered, failed = sorted(_lines(out), key=lambda line: str(line["id"]))
    assert answered["id"] == "demo-sw" and answered["error"] is None and failed["error"]
    # What an older version and a crash leave: a stale error of the answered item (made under
    # other settings), its line twice, the failed item's line, and a last line cut off.
    stale = {**failed, "id": "demo-sw", "run_key": "made-under-other-settings"}
    _write(out, [stale, answered, answered, failed], tail='{"id": "missing", "quest')
    out.chmod(0o640)

    outcomes = _run(settings, out, [ANSWERED, UNSCRIPTED])

    assert [o.id for o in outcomes if isinstance(o, FailedItem)] == ["missing"] and len(
        outcomes
    ) == 1  # demo-sw skipped
    lines = _lines(out)
    assert [line["id"] for line in lines] == ["demo-sw", "missing"]
    assert lines[0] == answered and lines[1]["error"] and lines[1]["run_key"] == failed["run_key"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # the atomic rewrite keeps the file's mode
    assert [path.name for path in tmp_path.iterdir()] == ["results.jsonl"]  # no temporary file left


def test_an_item_whose_latest_line_is_an_error_runs_again(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    _run(settings, out, [ANSWERED])
    [answered] = _lines(out)
    error = {**answered, "status": "failed", "response": None, "error": "LLMError: the endpoint went away"}
    _write(out, [answered, error])  # answered once, failed on a later run: the failure is the latest

    outcomes = _run(settings, out, [ANSWERED])

    assert len(outcomes) == 1 and isinstance(outcomes[0], CoReasonResult)
    assert outcomes[0].usage.cached_calls == outcomes[0].usage.calls  # answered again, from the cache
    assert _lines(out) == [answered]


def test_an_item_run_again_under_other_settings_replaces_its_line(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    _run(settings, out, [ANSWERED, UNSCRIPTED])
    other = settings.model_copy(update={"retrieve_top_k": settings.retrieve_top_k + 1})  # another run key

    outcomes = _run(other, out, [ANSWERED])

    assert [o.item.id if isinstance(o, CoReasonResult) else o.id for o in outcomes] == ["demo-sw"]
    lines = _lines(out)
    assert sorted(str(line["id"]) for line in lines) == ["demo-sw", "missing"]  # still one line each
    with CoReasoner(other) as reasoner:
        assert next(line for line in lines if line["id"] == "demo-sw")["run_key"] == reasoner.run_key(ANSWERED)


def test_two_items_with_one_id_are_refused_when_the_output_holds_a_line_each(
    settings: Settings, tmp_path: Path
) -> None:
    twin = ANSWERED.model_copy(update={"question": "Swali jingine kabisa."})
    with pytest.raises(IngestError, match="items 1 and 2 have the id 'demo-sw'; .* give each item its own id"):
        _run(settings, tmp_path / "results.jsonl", [ANSWERED, twin])
    assert not (tmp_path / "results.jsonl").exists()
