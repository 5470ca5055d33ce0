"""`medcore runs` lists what `medcore demo` ran, and `medcore viz` draws a run as one HTML
page that headless Chromium (Debian's, driven by playwright; no browser download) renders
with no console error and every element of the run; `--png` writes a picture."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import load_settings, open_store
from queries.viz import run_elements
from reasoning import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def demo_home(home: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    assert main(["--home", str(home), "demo", "--json"]) == 0  # builds the seed graph first
    capsys.readouterr()
    yield home


def _runs(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    assert main(["--home", str(home), "runs", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_runs_lists_the_demo_runs(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = _runs(demo_home, capsys)
    assert len(runs) == 7 and {r["lang"] for r in runs} == {"en", "sw", "yo", "zh", "ja", "ko", "th"}
    assert all(r["created"] and r["answer"] and r["method"] == "coreasoner" for r in runs)
    assert [r["lang"] for r in _runs(demo_home, capsys, "--lang", "sw")] == ["sw"]
    assert len(_runs(demo_home, capsys, "--limit", "2")) == 2


def test_viz_draws_a_run_that_chromium_renders_without_errors(
    demo_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed: apt-get install -y chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    [run] = _runs(demo_home, capsys, "--lang", "sw")
    page_path, picture = tmp_path / "run.html", tmp_path / "run.png"
    assert main(["--home", str(demo_home), "viz", run["run"], "--out", str(page_path), "--png", str(picture)]) == 0
    with open_store(load_settings(home=demo_home)) as store:
        elements = run_elements(store, run["run"])
    nodes = sum(e["group"] == "nodes" for e in elements)
    kinds = {e["data"]["kind"] for e in elements}
    assert {"question", "english", "local", "scaffold", "concept", "aligned", "practice", "answer"} <= kinds
    assert f"({nodes} nodes)" in capsys.readouterr().out
    assert "http://" not in page_path.read_text(encoding="utf-8").split("<script>")[0]  # nothing fetched

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route(
                "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
            )
            page.goto(page_path.as_uri())
            drawn = page.evaluate("window.cy.nodes().length")
            aligned = page.evaluate("window.cy.edges('[kind = \"aligned\"]').length")
            page.evaluate("window.cy.nodes('[kind = \"question\"]').emit('tap')")
            details = page.inner_text("#details")
            page.screenshot(path=str(tmp_path / "screenshot.png"))
        finally:
            browser.close()
    assert errors == []
    assert drawn == nodes and aligned == sum(e["data"]["kind"] == "aligned" for e in elements) > 0
    assert details.startswith("question") and run["question"][:30] in details
    assert (tmp_path / "screenshot.png").stat().st_size > 10_000 and picture.stat().st_size > 10_000
