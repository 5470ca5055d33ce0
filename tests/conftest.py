"""Shared fixtures: the real embedded FalkorDB in a temporary home, and Neo4j.

Neo4j cases (marked `neo4j`) run when NEO4J_URI is set (user/password from NEO4J_USER/
NEO4J_PASSWORD), and are skipped otherwise. `pytest --neo4j` (or MEDCORE_TEST_NEO4J=1) asks for
them: it starts a Neo4j 5 for the session from tests/neo4j (JDK 17 + Maven, no Docker) unless
NEO4J_URI names one, also runs the ingest tests on Neo4j, and fails the run if any Neo4j case is
skipped. `pytest --neo4j -m neo4j` runs only what differs between the engines.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg import GraphStore, load_settings, open_store

TESTS = Path(__file__).resolve().parent
# Tests whose `embedded` store also runs on Neo4j under --neo4j or NEO4J_URI: the loaders, the
# linker and the pipeline go through the store API only, so they must give the same graph and
# the same answers on both engines.
ON_BOTH_ENGINES = (
    TESTS / "ingest",
    TESTS / "kg" / "test_normalizer.py",
    TESTS / "reasoning" / "test_pipeline.py",
    TESTS / "reasoning" / "test_grounding.py",
    TESTS / "reasoning" / "test_realistic_outputs.py",
    TESTS / "reasoning" / "test_batch_resume.py",
    TESTS / "reasoning" / "evaluation" / "test_runner.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--neo4j",
        action="store_true",
        default=False,
        help="run the Neo4j cases against NEO4J_URI, or against a Neo4j 5 started from tests/neo4j for the "
        "session (JDK 17 + Maven), and fail if any is skipped; also MEDCORE_TEST_NEO4J=1",
    )


def _neo4j_required(config: pytest.Config) -> bool:
    return bool(config.getoption("--neo4j")) or os.environ.get("MEDCORE_TEST_NEO4J", "") not in ("", "0")


def _neo4j_wanted(config: pytest.Config) -> bool:
    return _neo4j_required(config) or bool(os.environ.get("NEO4J_URI"))


@pytest.fixture
def home() -> Iterator[Path]:
    # Short paths: a unix socket path must fit in 107 bytes.
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        yield Path(directory)


def _neo4j_store(home: Path) -> GraphStore:
    """An empty store on the Neo4j of NEO4J_URI (skips without one)."""
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("set NEO4J_URI, or run with --neo4j, to run against a live Neo4j")
    settings = load_settings(
        home=home,
        graph_uri=os.environ["NEO4J_URI"],
        graph_user=os.environ.get("NEO4J_USER", "neo4j"),
        graph_password=os.environ.get("NEO4J_PASSWORD"),
    )
    graph = open_store(settings)
    graph.clear()
    return graph


def _close(graph: GraphStore, engine: str) -> None:
    try:
        if engine == "neo4j":  # a shared server: leave it as found
            graph.clear()
    finally:
        graph.close()


BACKENDS = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, home: Path) -> Iterator[GraphStore]:
    """An empty graph store on every available backend."""
    if request.param == "neo4j":
        graph = _neo4j_store(home)
    else:
        graph = open_store(load_settings(home=home))
        graph.clear()
    try:
        yield graph
    finally:
        _close(graph, request.param)


@pytest.fixture
def embedded(request: pytest.FixtureRequest, home: Path) -> Iterator[GraphStore]:
    """An empty store on the embedded FalkorDB (and on Neo4j too for ON_BOTH_ENGINES, see
    pytest_generate_tests)."""
    engine = getattr(request, "param", "falkordb")
    graph = _neo4j_store(home) if engine == "neo4j" else open_store(load_settings(home=home))
    try:
        yield graph
    finally:
        _close(graph, engine)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Only when a Neo4j is asked for: the default run keeps its test ids and count.
    if not _neo4j_wanted(metafunc.config) or "embedded" not in metafunc.fixturenames:
        return
    if any(metafunc.definition.path.is_relative_to(root) for root in ON_BOTH_ENGINES):
        metafunc.parametrize("embedded", BACKENDS, indirect=True)


# -- a Neo4j for the session -----------------------------------------------------------------


def _load_launcher() -> ModuleType:
    """tests/neo4j/server.py, loaded by path (tests/ is no package)."""
    name = "medcore_tests_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TESTS / "neo4j" / "server.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before running it: dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class _Neo4jSession:
    """The server this session started (if any), and what the Neo4j cases did."""

    server: Any = None
    saved_env: dict[str, str | None] = field(default_factory=dict)
    ran: int = 0
    skipped: list[str] = field(default_factory=list)


_SESSION = _Neo4jSession()


def pytest_sessionstart(session: pytest.Session) -> None:
    # Before collection, not when a test first needs it: some test modules decide at import
    # whether NEO4J_URI is there (skipif marks), and a build may take longer than a test's timeout.
    config = session.config
    if not _neo4j_required(config) or os.environ.get("NEO4J_URI") or config.option.collectonly:
        return
    launcher = _load_launcher()
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("--neo4j: building and starting Neo4j from tests/neo4j ...")
    server = launcher.Neo4jServer()
    try:
        info = server.start()
    except launcher.Neo4jServerError as exc:
        pytest.exit(f"--neo4j: {exc}", returncode=pytest.ExitCode.INTERNAL_ERROR)
    _SESSION.server = server
    environment = server.env()
    _SESSION.saved_env = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    if reporter is not None:
        reporter.write_line(f"--neo4j: Neo4j {info.version} at {info.bolt}, Browser at {info.browser}")


@pytest.fixture(scope="session")
def neo4j_launcher(request: pytest.FixtureRequest) -> ModuleType:
    """tests/neo4j/server.py, for the tests that start servers of their own (under --neo4j only:
    each start takes a JVM and half a minute)."""
    if not _neo4j_required(request.config):
        pytest.skip("run with --neo4j to test the Neo4j launcher of tests/neo4j")
    return _load_launcher()


@pytest.fixture(scope="session")
def launched_neo4j(neo4j_launcher: ModuleType) -> Iterator[Any]:
    """A Neo4j started by tests/neo4j/server.py: the session's, or one of its own when the
    session uses the server of NEO4J_URI."""
    if _SESSION.server is not None:
        yield _SESSION.server
        return
    with neo4j_launcher.Neo4jServer() as server:
        yield server


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "neo4j" not in report.keywords:
        return
    if report.skipped:
        _SESSION.skipped.append(report.nodeid)
    elif report.when == "call":
        _SESSION.ran += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    server, _SESSION.server = _SESSION.server, None
    if server is not None:
        for name, value in _SESSION.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        code = server.stop()
        if code != 0:
            print(f"\n--neo4j: Neo4j stopped with exit code {code}; its log: {server.log_path}", file=sys.stderr)
    # --neo4j promises the Neo4j cases ran: a skipped one is a failure of the run.
    if _neo4j_required(session.config) and _SESSION.skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _neo4j_required(config):
        return
    skipped = _SESSION.skipped
    terminalreporter.section("neo4j", red=bool(skipped), green=not skipped)
    terminalreporter.write_line(f"{_SESSION.ran} Neo4j case(s) ran, {len(skipped)} skipped")
    for nodeid in skipped:
        terminalreporter.write_line(f"SKIPPED under --neo4j (fails the run): {nodeid}", red=True)
