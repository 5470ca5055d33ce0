"""Neo4j Browser for real: the Browser served by the test server opens in headless Debian
chromium (driven by playwright; no browser download), connects with the generated password,
runs a query on the seed graph and draws every node of its result; a screenshot is saved."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import build_seed
from kg import GraphStore, load_settings, open_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
QUERY = "MATCH p=(c:Concept {cui: 'C0024530'})-[r]-() RETURN p"

pytestmark = pytest.mark.neo4j


@pytest.fixture
def seeded(launched_neo4j: Any, home: Path) -> Iterator[GraphStore]:
    info = launched_neo4j.info
    settings = load_settings(
        home=home, graph_uri=info.bolt, graph_user=info.user, graph_password=launched_neo4j.password
    )
    with open_store(settings) as store:
        store.clear()
        build_seed(store)
        try:
            yield store
        finally:
            store.clear()


def test_the_browser_connects_and_draws_a_query(seeded: GraphStore, launched_neo4j: Any, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed: bash tests/install-chromium.sh")
    from playwright.sync_api import sync_playwright

    [expected] = seeded.query(QUERY.replace("RETURN p", "UNWIND nodes(p) AS n RETURN count(DISTINCT n) AS nodes"))
    info = launched_neo4j.info
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(info.browser)
            page.locator('[data-testid="boltaddress"]').fill(info.bolt)
            page.locator('[data-testid="username"]').fill(info.user)
            page.locator('[data-testid="password"]').fill(launched_neo4j.password)
            page.locator('[data-testid="connect"]').click()
            page.get_by_text("You are connected", exact=False).first.wait_for(timeout=60_000)
            editor = page.locator(".monaco-editor textarea").first
            editor.wait_for(timeout=60_000)
            editor.click()
            page.keyboard.type(QUERY)
            page.locator('[data-testid="editor-Run"]').click()
            nodes = page.locator("svg g.node")
            nodes.nth(expected["nodes"] - 1).wait_for(state="attached", timeout=60_000)
            page.wait_for_timeout(1_000)  # the force layout settles
            drawn = nodes.count()
            page.screenshot(path=str(tmp_path / "browser.png"))
        finally:
            browser.close()
    assert drawn == expected["nodes"] > 20
    assert (tmp_path / "browser.png").stat().st_size > 50_000
