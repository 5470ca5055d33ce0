"""Everything the project creates under the home is its owner's alone: directories 0700,
files 0600 (the response cache and its -wal/-shm files, the server's log, pid files and
snapshot, the locks, the lexicon index), even when the umask would let others read them;
and no graph URI, in any form, shows its password."""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import ConfigError, GraphStore, load_normalizer, load_settings, open_store
from kg.settings import describe_settings, redact_uri
from reasoning.llm.cache import CachedResponse, ResponseCache

SECRET = "PASSWORD-9f3e"
# Every form a graph URI was seen in, well-formed or not, with the password somewhere in it.
URIS = [
    f"neo4j://neo4j:{SECRET}@127.0.0.1:1",
    f"neo4j:/neo4j:{SECRET}@127.0.0.1:1",  # one slash
    f"neo4j//neo4j:{SECRET}@127.0.0.1:1",  # no colon
    f"neo4j:{SECRET}@127.0.0.1:1",  # no slashes
    f"neo4j:{SECRET}@127.0.0.1",  # userinfo without a scheme
    f"neo4j://neo4j:{SECRET}",  # the host forgotten: the password parses as a port
    f"neo4j://neo4j:{SECRET}@127.0.0.1:1@other",
    f"neo4j://neo4j:p/{SECRET}@127.0.0.1:1",  # a slash in the password
    f"neo4j://127.0.0.1:1/neo4j:{SECRET}",
    f"neo4j://127.0.0.1:1/?password={SECRET}",
    SECRET,  # a bare value
    f" neo4j://neo4j:{SECRET}@127.0.0.1:1",
]


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """umask 022, the usual default, under which new files are world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _not_private(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        mode = path.lstat().st_mode
        private = stat.S_IMODE(mode) == 0o700 if stat.S_ISDIR(mode) else not stat.S_IMODE(mode) & 0o077
        if not private:
            found.append(f"{path} {oct(stat.S_IMODE(mode))}")
    return found


def test_every_file_under_the_home_is_private_even_under_umask_022(home: Path, loose_umask: None) -> None:
    from ingest import build_seed

    root = home / "new-home"  # made by the project, not by the test's temporary directory
    settings = load_settings(home=root)
    with open_store(settings) as store:
        build_seed(store)
        load_normalizer(store, settings)  # the lexicon index in HOME/index
        cache = ResponseCache(root / "llm-cache.sqlite")
        cache.put("key", "model", CachedResponse(content="a clinical reply"))
        assert cache.get("key") is not None
        names = {path.name for path in root.rglob("*")}
        assert {"llm-cache.sqlite-wal", "server.log", "server.pid", "supervisor.pid", "clients.lock"} <= names
        assert _not_private(root) == []  # while the server runs and the cache is open
        cache.close()
    assert (root / "graph" / "dump.rdb").exists()  # the snapshot of the clean stop
    assert _not_private(root) == []


def test_the_lexicon_index_of_a_home_no_server_made_is_private(
    store: GraphStore, home: Path, loose_umask: None
) -> None:
    # With Neo4j nothing prepares the home before the lexicon index is written to it.
    from ingest import build_seed

    build_seed(store)
    root = home / "index-only-home"
    load_normalizer(store, load_settings(home=root))
    assert any(root.rglob("lexicon-*.pickle"))
    assert _not_private(root) == []


def test_a_cache_an_older_version_left_readable_is_made_private(home: Path, loose_umask: None) -> None:
    path = home / "llm-cache.sqlite"
    ResponseCache(path).close()
    for name in ("llm-cache.sqlite", "llm-cache.sqlite-wal"):
        (home / name).touch()
        (home / name).chmod(0o644)
    ResponseCache(path).close()
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in home.glob("llm-cache.sqlite*"))


def test_the_cache_in_a_home_that_is_a_file_is_a_config_error(home: Path) -> None:
    (home / "file").write_text("not a directory")
    with pytest.raises(ConfigError, match="is a file, not a directory; choose a writable directory with --home"):
        ResponseCache(home / "file" / "llm-cache.sqlite")


@pytest.mark.parametrize("uri", URIS)
def test_no_form_of_graph_uri_shows_its_password(uri: str, home: Path) -> None:
    assert SECRET not in redact_uri(uri)
    settings = load_settings(home=home, graph_uri=uri, graph_password=SECRET, llm_base_url=uri, judge_base_url=uri)
    assert SECRET not in repr(settings) and SECRET not in str(settings)  # what a traceback's locals would show
    shown = {setting.name: setting.value for setting in describe_settings(home=home, graph_uri=uri)}
    assert SECRET not in str(shown)
    with warnings.catch_warnings(record=True) as warned, pytest.raises(Exception) as raised:  # noqa: PT011
        warnings.simplefilter("always")
        open_store(settings)
    assert SECRET not in str(raised.value)  # whichever error it is
    assert all(SECRET not in str(warning.message) for warning in warned)


def test_a_well_formed_uri_keeps_what_identifies_the_server() -> None:
    assert redact_uri("neo4j://neo4j:pw@db.example:7687/graph?x=1") == "neo4j://db.example:7687/graph"
    assert redact_uri("bolt://[::1]:7687") == "bolt://[::1]:7687"
    assert redact_uri("http://localhost:8000/v1") == "http://localhost:8000/v1"
    assert redact_uri("embedded") == "embedded"
