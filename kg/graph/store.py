"""The one graph-store API everything else uses, over FalkorDB (embedded) or Neo4j."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from kg.errors import GraphStoreError, MissingEndpointError, ReadOnlyError, SchemaError, excerpt
from kg.graph import statements as st
from kg.graph.dialect import Engine, is_already_exists, schema_statements
from kg.graph.keys import stored_key
from kg.graph.model import LocalPractice, Node, Relationship
from kg.graph.schema import RELATIONSHIPS, check_label
from kg.graph.writes import Write, Written, send_in_order, writes
from kg.settings import Settings, redact_uri

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CypherRunner",
    "ExclusiveWriter",
    "GraphStore",
    "GraphCounts",
    "PassageHit",
    "PracticeFact",
    "ReadOnlyRunner",
    "open_store",
]

T = TypeVar("T")


class CypherRunner(Protocol):
    """Executes one Cypher statement on one engine and returns its rows as dicts."""

    engine: Engine
    description: str

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


@runtime_checkable
class ReadOnlyRunner(Protocol):
    """A runner that can also have the engine itself refuse writes (FalkorDB's
    GRAPH.RO_QUERY, Neo4j's READ access mode): for statements from outside the catalog."""

    def run_read(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """As `run`; a statement that writes raises `ReadOnlyError` and changes nothing."""
        ...


@runtime_checkable
class ExclusiveWriter(Protocol):
    """A runner whose engine lets concurrent MERGEs of one relationship both create it
    (FalkorDB), so writers must take turns."""

    def writing(self) -> AbstractContextManager[None]:
        """Hold the store's writer lock for the block."""
        ...


class GraphCounts(BaseModel):
    nodes: dict[str, int]
    relationships: dict[str, int]


class PracticeFact(LocalPractice):
    """A LOCAL_PRACTICE edge as read back, with the names of both concepts."""

    head_name: str
    tail_name: str


class PassageHit(BaseModel):
    """A passage of a local document that mentions some of the concepts asked about."""

    key: str
    text: str
    lang: str
    title: str
    source: str
    region: str | None = None
    cuis: list[str]


class GraphStore:
    """Idempotent batched writes, subgraph fetches and traversals over one graph.

    Every statement it sends comes from `kg.graph.statements` (or `kg.graph.dialect` for DDL);
    `query()` is the door for ad-hoc and named analysis queries.
    """

    def __init__(self, runner: CypherRunner, *, batch_size: int = 5000):
        self.runner = runner
        self.batch_size = batch_size
        self._schema_ready = False
        # Rows written since the store opened: what an interrupted load can say it kept.
        self.written = Written(0, 0)

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.runner.close()

    def ensure_schema(self) -> None:
        """Create the indexes and constraints (idempotent; run before the first write)."""
        if self._schema_ready:
            return
        for statement in schema_statements(self.runner.engine):
            try:
                self.runner.run(statement.text)
            except GraphStoreError as exc:
                if not is_already_exists(str(exc)):
                    raise
        self._schema_ready = True

    # -- writes ------------------------------------------------------------------------

    def writing(self) -> AbstractContextManager[None]:
        """One writer at a time for the block: other processes and threads writing to the
        same embedded store wait (saying for whom), and wait for this one. Every write takes
        it on its own; a command holds it throughout so that its writes are not interleaved
        with another's. Neo4j needs no lock: its MERGE locks both ends of a relationship
        before creating it (Cypher manual, the MergeInto operator)."""
        if isinstance(self.runner, ExclusiveWriter):
            return self.runner.writing()
        return nullcontext()

    def upsert(self, items: Iterable[Node | Relationship]) -> Written:
        """MERGE nodes on their keys and relationships between existing nodes, in batches,
        in the order given: a relationship may come right after its ends. A relationship
        given twice in one batch is written once, with the last one's properties. If
        `items` fails (a malformed input line), what it gave before is written first.

        Returns:
            Node rows sent and relationships written.

        Raises:
            MissingEndpointError: some relationships name a node that does not exist;
                the others of the batch are written, later batches are not.
        """
        self.ensure_schema()
        with self.writing():
            return send_in_order(writes(items, self.batch_size), self._send, self._check)

    def upsert_nodes(self, nodes: Iterable[Node]) -> int:
        """MERGE nodes on their keys, in batches. Returns how many rows were sent."""
        return self.upsert(nodes).nodes

    def upsert_relationships(self, relationships: Iterable[Relationship]) -> int:
        """MERGE relationships between existing nodes (see `upsert`). Returns how many
        were written."""
        return self.upsert(relationships).relationships

    def _send(self, write: Write) -> int:
        # On the writer thread, under the lock `upsert` holds for it.
        result = self._run(write.statement, rows=write.rows)
        if write.ends is None:
            self.written = self.written._replace(nodes=self.written.nodes + len(write.rows))
            return len(write.rows)
        count = int(result[0]["written"]) if result else 0
        self.written = self.written._replace(relationships=self.written.relationships + count)
        return count

    def _check(self, write: Write, written: int) -> None:
        if write.ends and written < len(write.rows):
            self._report_missing(*write.ends, write.rows)

    def _report_missing(self, start: str, end: str, rows: list[dict[str, Any]]) -> None:
        missing = [
            f"{label} {excerpt(row['key'])}"
            for label, field in ((start, "start"), (end, "end"))
            for row in self._execute(st.missing_nodes(label), keys=[r[field] for r in rows])
        ]
        if not missing:
            return
        shown = ", ".join(sorted(set(missing))[:10])
        raise MissingEndpointError(
            f"{len(set(missing))} relationship end(s) do not exist: {shown}; "
            "write the nodes before the relationships that join them"
        )

    def clear_run(self, key: str) -> None:
        """Delete what a run owns (chains, steps, scaffold, checks), before it is written again."""
        self._execute(st.CLEAR_RUN, key=stored_key(key))

    def clear(self) -> None:
        """Delete every node and relationship of this graph."""
        with self.writing():
            while self._execute(st.DELETE_BATCH, limit=self.batch_size)[0]["deleted"]:
                pass

    # -- reads -------------------------------------------------------------------------

    def query(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, read_only: bool = False
    ) -> list[dict[str, Any]]:
        """Run any parameterized Cypher statement and return its rows.

        With `read_only`, the engine refuses a statement that writes (a check of the text
        could be fooled; the engine's cannot).

        Raises:
            ReadOnlyError: `read_only` and the statement writes, or the engine's runner
                cannot run statements read-only.
        """
        if not read_only:
            with self.writing():
                return self.runner.run(cypher, params)
        if not isinstance(self.runner, ReadOnlyRunner):
            raise ReadOnlyError(f"{self.runner.description} cannot run a statement read-only")
        return self.runner.run_read(cypher, params)

    def counts(self) -> GraphCounts:
        nodes = {r["label"]: r["count"] for r in self._execute(st.COUNT_NODES)}
        rels = {r["type"]: r["count"] for r in self._execute(st.COUNT_RELATIONSHIPS)}
        return GraphCounts(nodes=dict(sorted(nodes.items())), relationships=dict(sorted(rels.items())))

    def terms_per_language(self) -> dict[str, int]:
        """How many terms each language has (curated and learned)."""
        return {row["lang"]: row["count"] for row in self._execute(st.TERMS_PER_LANGUAGE)}

    def subgraph(
        self, cuis: Sequence[str], *, hops: int = 1, rel_types: Sequence[str] | None = None
    ) -> nx.MultiDiGraph:
        """The graph within `hops` of the given concepts, over `rel_types` (all if None).

        Nodes are `(label, key)` tuples with `label` and `name` attributes (the full
        properties come from `node_properties`); edges carry `type`, keyed by type (plus
        the relationship's key for parallel kinds such as LOCAL_PRACTICE).
        """
        import networkx as nx  # here, not at import: most commands never build a graph

        types = _checked_types(rel_types)
        graph = nx.MultiDiGraph()
        for row in self._execute(st.fetch_nodes("Concept"), keys=sorted(set(cuis))):
            graph.add_node(("Concept", row["key"]), label="Concept", name=row["props"].get("name"))
        frontier: dict[str, set[str]] = {"Concept": {key for _, key in graph.nodes}}
        for _ in range(hops):
            frontier = self._expand(graph, frontier, types)
            if not frontier:
                break
        return graph

    def _expand(self, graph: nx.MultiDiGraph, frontier: dict[str, set[str]], types: list[str]) -> dict[str, set[str]]:
        new_nodes: dict[tuple[str, str], dict[str, Any]] = {}
        edges = []
        for label, keys in frontier.items():
            for row in self._execute(st.expand(label), keys=sorted(keys), types=types):
                there = (row["other_label"], row["other_key"])
                if there not in graph and there not in new_nodes:
                    new_nodes[there] = {"label": there[0], "name": row["other_name"]}
                here = (label, row["key"])
                start, end = (here, there) if row["outgoing"] else (there, here)
                edge_key = row["type"] if row["rel_key"] is None else f"{row['type']}:{row['rel_key']}"
                edges.append((start, end, edge_key, {"type": row["type"]}))
        graph.add_nodes_from(new_nodes.items())
        graph.add_edges_from(edges)
        reached: dict[str, set[str]] = defaultdict(set)
        for label, key in new_nodes:
            reached[label].add(key)
        return reached

    def node_properties(self, label: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """All properties of the nodes of `label` with the given keys, by key."""
        given = {stored_key(key): key for key in keys}
        rows = self._execute(st.fetch_nodes(check_label(label)), keys=list(given))
        return {given[row["key"]]: row["props"] for row in rows}

    def local_practice(
        self,
        cuis: Sequence[str],
        *,
        region: str | None = None,
        lang: str | None = None,
        kinds: Sequence[str] = (),
    ) -> list[PracticeFact]:
        """LOCAL_PRACTICE facts starting at the given concepts, filtered by region/lang/kind."""
        rows = self._execute(st.LOCAL_PRACTICE, cuis=list(cuis), region=region, lang=lang, kinds=list(kinds))
        return [PracticeFact(**row) for row in rows]

    def passages_mentioning(
        self, cuis: Sequence[str], *, regions: Sequence[str] = (), limit: int = 200
    ) -> list[PassageHit]:
        """Passages that mention any of the concepts (most concepts first), from documents of
        one of `regions` or of no region (all regions when empty)."""
        rows = self._execute(st.PASSAGES_MENTIONING, cuis=list(cuis), regions=list(regions), limit=limit)
        return [PassageHit(**row) for row in rows]

    def broader(self, cuis: Sequence[str]) -> dict[str, set[str]]:
        """The broader concepts of `cuis` (their IS_A parents and grandparents, some perhaps
        among `cuis` themselves), each with the concepts of `cuis` it is broader than."""
        found: dict[str, set[str]] = {}
        for row in self._execute(st.BROADER, cuis=list(cuis)):
            found.setdefault(row["broader"], set()).add(row["cui"])
        return found

    def execute(self, statement: st.Statement, **params: Any) -> list[dict[str, Any]]:
        """Run one statement of the catalog (`kg.graph.statements`) with its parameters."""
        return self._execute(statement, **params)

    # -- internals ---------------------------------------------------------------------

    def _execute(self, statement: st.Statement, **params: Any) -> list[dict[str, Any]]:
        if statement.writes:
            with self.writing():
                return self._run(statement, **params)
        return self._run(statement, **params)

    def _run(self, statement: st.Statement, **params: Any) -> list[dict[str, Any]]:
        try:
            return self.runner.run(statement.text, params)
        except GraphStoreError as exc:
            where = "" if self.runner.description in str(exc) else f" on {self.runner.description}"
            raise type(exc)(f"{statement.name}{where}: {exc}") from exc


def _checked_types(rel_types: Sequence[str] | None) -> list[str]:
    for rel_type in rel_types or ():
        if rel_type not in RELATIONSHIPS:
            raise SchemaError(f"unknown relationship type {rel_type!r} in the subgraph filter")
    return list(rel_types or ())


def open_store(settings: Settings) -> GraphStore:
    """Open the store the settings name: the embedded FalkorDB by default, or Neo4j.

    Raises:
        ConfigError: the embedded store's home cannot be used (a file, not writable), or
            the URI is unsupported.
        GraphConnectionError: the store cannot be reached or started.
    """
    if settings.is_embedded:
        # The home is made (private) before the server writes there; with Neo4j nothing is
        # written to it yet, so a read-only home still serves reads.
        settings.prepare_home()
        from kg.graph.stores.falkordb_runner import FalkorDBRunner

        runner: CypherRunner = FalkorDBRunner(
            settings.graph_dir,
            graph=settings.graph_name,
            startup_timeout_s=settings.graph_startup_timeout_s,
            query_timeout_s=settings.graph_query_timeout_s,
        )
    elif settings.graph_uri.split("://", 1)[0] in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        from kg.graph.stores.neo4j_runner import Neo4jRunner

        password = settings.graph_password.get_secret_value() if settings.graph_password else None
        with warnings.catch_warnings():
            # The driver's deprecation warnings quote the whole URI, password included
            # ("Creating routing drivers ... with URI path is deprecated. Given URI: ...").
            warnings.simplefilter("ignore", DeprecationWarning)
            runner = Neo4jRunner(
                settings.graph_uri,
                user=settings.graph_user,
                password=password,
                database=settings.graph_database,
                retry_s=settings.graph_retry_s,
            )
    else:
        from kg.errors import ConfigError

        raise ConfigError(
            f"unsupported graph URI {redact_uri(settings.graph_uri)!r}: use 'embedded' or a "
            "neo4j://, neo4j+s://, bolt:// URI"
        )
    return GraphStore(runner, batch_size=settings.graph_batch_size)
