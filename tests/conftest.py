"""Shared fixtures: the real embedded FalkorDB in a temporary home, and Neo4j.

Neo4j cases (marked `neo4j`) run when NEO4J_URI is set (user/password from NEO4J_USER/
NEO4J_PASSWORD), and are skipped otherwise. `pytest --neo4j` (or MEDCORE_TEST_NEO4J=1) asks for
them: it starts a Neo4j 5 for the session from tests/neo4j (JDK 17 + Maven, no Docker) unless
NEO4J_URI names one, also runs the ingest tests on Neo4j, and fails the run if any Neo4j case is
skipped. `pytest --neo4j -m neo4j` runs only what differs between the engines.

The CLI tests (tests/reasoning/cli) reach the graph through their home: under --neo4j, each one
that takes `home` (itself, or through `built` or `endpoint`) runs a second time with the CLI's
graph settings (MEDCORE_GRAPH_*) naming that Neo4j, with the same assertions; ONE_ENGINE names
the few that do not, and why.
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
    TESTS / "reasoning" / "test_retrieval.py",
    TESTS / "reasoning" / "test_scaffold.py",
    TESTS / "reasoning" / "test_realistic_outputs.py",
    TESTS / "reasoning" / "test_batch_resume.py",
    TESTS / "reasoning" / "evaluation" / "test_runner.py",
)
# The CLI tests whose `home` also runs on Neo4j (see `home`): every test there that takes a home,
# but those of ONE_ENGINE. The commands go through the store API and Cypher, so they must print
# the same counts, rows and answers on both engines.
CLI = TESTS / "reasoning" / "cli"
_NO_STORE = "refused before any store is opened (the test checks that): no engine is reached"
_OWN_STORE = "it points the CLI at a store of its own (a malformed or unreachable Neo4j URI)"
ONE_ENGINE = {  # test file::test function -> why it runs on the embedded store only
    # About the embedded store itself: its server process, its writer lock, its files in the home.
    "test_graph.py::test_db_start_status_stop": "`medcore db start|status|stop` manages the embedded "
    "FalkorDB server; with a Neo4j URI it is a ConfigError by design",
    "test_two_writers.py::test_a_second_writer_waits_and_says_for_whom": "the home's writer lock "
    "(graph/writer.lock) is the embedded store's; Neo4j's MERGE locks both ends instead, and two builds "
    "at once are tested on both engines",
    "test_hostile_input.py::test_a_relative_home_is_made_absolute": "it looks for the embedded store's "
    "files (graph/dump.rdb) where the home was made absolute",
    "test_hostile_input.py::test_a_home_that_is_a_file_is_a_one_line_error": "the embedded store's data "
    "directory cannot be made there; a Neo4j home holds only the linking index, made when first needed",
    "test_hostile_input.py::test_a_read_only_home_is_a_one_line_error": "as above: with Neo4j a read-only "
    "home still serves reads (README, Settings)",
    # Nothing of the store in them.
    "test_exit_codes.py::test_a_usage_error_exits_2_with_the_usage_line_and_the_reason_before_any_store_opens": (
        _NO_STORE
    ),
    "test_ask.py::test_ask_without_an_endpoint_says_how_to_get_one_before_opening_the_store": _NO_STORE,
    "test_hostile_input.py::test_a_cypher_parameter_the_store_cannot_hold_is_refused_not_clamped": _NO_STORE,
    "test_hostile_input.py::test_an_argument_that_is_not_utf8_is_a_usage_error": _NO_STORE,
    "test_hostile_input.py::test_a_config_file_or_environment_variable_that_is_not_utf8_is_a_one_line_error": (
        _NO_STORE
    ),
    "test_hostile_input.py::test_ask_input_refuses_two_items_with_one_id": _NO_STORE,
    "test_info.py::test_config_show_gives_every_setting_its_source_and_masks_secrets": _NO_STORE,
    "test_hostile_input.py::test_a_malformed_graph_uri_is_never_shown_by_info_config_show_or_an_error": _OWN_STORE,
    "test_info.py::test_info_reports_a_store_it_cannot_open_instead_of_failing": _OWN_STORE,
}


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
def home(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A temporary home, for the embedded store; for the CLI tests on Neo4j (see
    pytest_generate_tests), a home whose settings name the Neo4j of NEO4J_URI, its graph
    emptied before and after the test."""
    # Short paths: a unix socket path must fit in 107 bytes.
    with tempfile.TemporaryDirectory(prefix="mc-", dir="/tmp") as directory:
        path = Path(directory)
        if getattr(request, "param", "falkordb") != "neo4j":
            yield path
            return
        _close(_neo4j_store(path), "neo4j")  # skips without NEO4J_URI
        with pytest.MonkeyPatch.context() as environment:
            # The environment, not a settings file: commands run in child processes see it too.
            environment.setenv("MEDCORE_GRAPH_URI", os.environ["NEO4J_URI"])
            environment.setenv("MEDCORE_GRAPH_USER", os.environ.get("NEO4J_USER", "neo4j"))
            environment.setenv("MEDCORE_GRAPH_PASSWORD", os.environ.get("NEO4J_PASSWORD", ""))
            environment.delenv("MEDCORE_GRAPH_DATABASE", raising=False)
            try:
                yield path
            finally:
                _close(_neo4j_store(path), "neo4j")


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
    if not _neo4j_wanted(metafunc.config):
        return
    path = metafunc.definition.path
    if "embedded" in metafunc.fixturenames and any(path.is_relative_to(root) for root in ON_BOTH_ENGINES):
        metafunc.parametrize("embedded", BACKENDS, indirect=True)
    elif (
        "home" in metafunc.fixturenames
        and path.is_relative_to(CLI)
        and f"{path.name}::{metafunc.definition.originalname}" not in ONE_ENGINE
    ):
        metafunc.parametrize("home", BACKENDS, indirect=True)


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
