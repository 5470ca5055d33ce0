"""Every Cypher statement the graph store sends, by name.

Statements are written once for both engines (FalkorDB and Neo4j 5). Values are always
`$parameters`; labels and relationship types come only from the closed schema. `catalog()`
enumerates them all so that CI can lint each with Neo4j's own linter and the tests can
check each runs on the embedded FalkorDB.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.graph.schema import (
    MERGED_LISTS,
    NODE_KEYS,
    RELATIONSHIPS,
    check_label,
    check_relationship,
    relationship_spec,
)

__all__ = [
    "Statement",
    "catalog",
    "upsert_nodes",
    "upsert_relationships",
    "missing_nodes",
    "page_nodes",
    "relationships_from",
    "fetch_nodes",
    "expand",
    "LOCAL_PRACTICE",
    "COUNT_NODES",
    "COUNT_RELATIONSHIPS",
    "TERMS_PER_LANGUAGE",
    "DELETE_BATCH",
    "TERMS_PAGE",
    "CONCEPTS_PAGE",
    "VOCABULARY_FINGERPRINT",
    "ADD_LEARNED_TERMS",
    "PRUNE_DOCUMENTS",
    "CLEAR_RUN",
    "PASSAGES_MENTIONING",
    "BROADER",
    "duplicate_relationships",
    "ORPHAN_TERMS",
    "DELETE_ORPHAN_TERMS",
]


@dataclass(frozen=True)
class Statement:
    """A named Cypher statement and the parameters it takes."""

    name: str
    text: str
    params: tuple[str, ...] = ()

    @property
    def writes(self) -> bool:
        """Whether it may change the graph (then it runs under the store's writer lock)."""
        return _WRITING.search(self.text) is not None


_WRITING = re.compile(r"\b(?:MERGE|CREATE|SET|DELETE|REMOVE)\b")


def upsert_nodes(label: str) -> Statement:
    """MERGE nodes of one label on their key; rows are {key, props} plus, for each of the
    label's MERGED_LISTS, that list, added to what the node holds without repeats."""
    key = NODE_KEYS[check_label(label)]
    merged = "".join(
        f", n.{field} = coalesce(n.{field}, []) + [x IN row.{field} WHERE NOT x IN coalesce(n.{field}, [])]"
        for field in MERGED_LISTS.get(label, ())
    )
    return Statement(
        f"upsert_nodes.{label}",
        f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props{merged}",
        ("rows",),
    )


def upsert_relationships(rel_type: str, start: str, end: str) -> Statement:
    """MERGE relationships between existing nodes; rows are {start, end, key?, props}.

    Returns how many rows found both ends, so that missing ends can be reported.
    """
    spec = check_relationship(rel_type, start, end)
    rel_key = f" {{{spec.key}: row.key}}" if spec.key else ""
    return Statement(
        f"upsert_relationships.{rel_type}.{start}.{end}",
        f"UNWIND $rows AS row "
        f"MATCH (a:{start} {{{NODE_KEYS[start]}: row.start}}) "
        f"MATCH (b:{end} {{{NODE_KEYS[end]}: row.end}}) "
        f"MERGE (a)-[r:{rel_type}{rel_key}]->(b) SET r += row.props "
        f"RETURN count(r) AS written",
        ("rows",),
    )


def missing_nodes(label: str) -> Statement:
    """Which of $keys have no node of this label."""
    key = NODE_KEYS[check_label(label)]
    return Statement(
        f"missing_nodes.{label}",
        f"UNWIND $keys AS k OPTIONAL MATCH (n:{label} {{{key}: k}}) WITH k, n WHERE n IS NULL RETURN k AS key",
        ("keys",),
    )


def fetch_nodes(label: str) -> Statement:
    """The properties of the nodes of this label whose keys are in $keys."""
    key = NODE_KEYS[check_label(label)]
    return Statement(
        f"fetch_nodes.{label}",
        f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN k AS key, properties(n) AS props",
        ("keys",),
    )


def _key_of(var: str) -> str:
    """The key of node `var` whatever its label (labels are schema constants, not values)."""
    cases = " ".join(f"WHEN '{label}' THEN {var}.{key}" for label, key in NODE_KEYS.items() if key != "key")
    return f"CASE labels({var})[0] {cases} ELSE {var}.key END"


def expand(label: str) -> Statement:
    """One hop from the nodes of this label in $keys, over relationship types in $types
    (all when empty): each relationship's type, key and direction, and the other node's
    label, key and display name. Only scalars come back: parsing results dominates the
    cost of a fetch, so properties are fetched separately and only when needed. The two
    directions are separate directed matches because an undirected one costs FalkorDB
    about twice their sum."""
    key = NODE_KEYS[check_label(label)]

    def half(arrow: str, outgoing: str) -> str:
        return (
            f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}){arrow} "
            f"WHERE size($types) = 0 OR type(r) IN $types "
            f"RETURN k AS key, type(r) AS type, r.key AS rel_key, {outgoing} AS outgoing, "
            f"labels(m)[0] AS other_label, {_key_of('m')} AS other_key, "
            f"coalesce(m.name, m.text, m.title) AS other_name"
        )

    return Statement(
        f"expand.{label}",
        f"{half('-[r]->(m)', 'true')} UNION ALL {half('<-[r]-(m)', 'false')}",
        ("keys", "types"),
    )


LOCAL_PRACTICE = Statement(
    "local_practice",
    "UNWIND $cuis AS cui "
    "MATCH (c:Concept {cui: cui})-[r:LOCAL_PRACTICE]->(t:Concept) "
    "WHERE ($region IS NULL OR r.region = $region) AND ($lang IS NULL OR r.lang = $lang) "
    "AND (size($kinds) = 0 OR r.kind IN $kinds) "
    "RETURN c.cui AS head, c.name AS head_name, t.cui AS tail, t.name AS tail_name, "
    "r.kind AS kind, r.region AS region, r.lang AS lang, r.statement AS statement, "
    "r.statement_local AS statement_local, r.source AS source "
    "ORDER BY head, kind, region, tail",
    ("cuis", "region", "lang", "kinds"),
)

# Passages of local documents that mention any of the concepts, with the concepts each
# mentions; documents without a region apply everywhere.
PASSAGES_MENTIONING = Statement(
    "passages_mentioning",
    "UNWIND $cuis AS cui "
    "MATCH (p:Passage)-[m:MENTIONS]->(c:Concept {cui: cui}) "
    "MATCH (d:Document)-[h:HAS_PASSAGE]->(p) "
    "WHERE size($regions) = 0 OR d.region IS NULL OR d.region IN $regions "
    "WITH p, d, collect(DISTINCT c.cui) AS cuis "
    "RETURN p.key AS key, p.text AS text, p.lang AS lang, d.title AS title, d.source AS source, "
    "d.region AS region, cuis ORDER BY size(cuis) DESC, key LIMIT $limit",
    ("cuis", "regions", "limit"),
)

# Which of the concepts are a broader concept (IS_A parent) of another of them.
# The broader concepts of the question's concepts, two IS_A steps up at most: the practice
# for tuberculosis applies to pulmonary tuberculosis, that for malignant neoplasms less so.
BROADER = Statement(
    "broader",
    "UNWIND $cuis AS cui MATCH (:Concept {cui: cui})-[:IS_A*1..2]->(p:Concept) RETURN DISTINCT cui, p.cui AS broader",
    ("cuis",),
)

COUNT_NODES = Statement(
    "count_nodes",
    "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count",
)

COUNT_RELATIONSHIPS = Statement(
    "count_relationships",
    "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS count",
)

TERMS_PER_LANGUAGE = Statement(
    "terms_per_language",
    "MATCH (t:Term) RETURN t.lang AS lang, count(t) AS count ORDER BY lang",
)

# Deleting in batches keeps a large clear within the server's transaction memory.
DELETE_BATCH = Statement(
    "delete_batch",
    "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
    ("limit",),
)


# Vocabulary reads for the lexicon index, in pages so that a million terms never arrive as
# one reply. Pages by SKIP in scan order, not by ORDER BY on the key: FalkorDB sorts the
# whole label for every ordered page (a second per page at 300k terms). Scan order holds
# while the graph does not change, which the reader checks with the vocabulary fingerprint.
TERMS_PAGE = Statement(
    "terms_page",
    "MATCH (t:Term) "
    "RETURN t.key AS key, t.text AS text, t.lang AS lang, t.cui AS cui, t.status AS status, "
    "t.confidence AS confidence SKIP $skip LIMIT $limit",
    ("skip", "limit"),
)

CONCEPTS_PAGE = Statement(
    "concepts_page",
    "MATCH (c:Concept) RETURN c.cui AS cui, c.name AS name, c.semantic_types AS semantic_types SKIP $skip LIMIT $limit",
    ("skip", "limit"),
)

# Changes whenever a term or concept is added, removed or renamed: the lexicon cache key.
VOCABULARY_FINGERPRINT = Statement(
    "vocabulary_fingerprint",
    "OPTIONAL MATCH (t:Term) "
    "WITH count(t) AS terms, sum(size(t.key)) AS term_chars, sum(t.confidence) AS confidence "
    "OPTIONAL MATCH (c:Concept) "
    "RETURN terms, term_chars, confidence, count(c) AS concepts, sum(size(c.name)) AS name_chars",
)

# Learned terms never overwrite: an existing term (curated or learned) keeps its properties.
ADD_LEARNED_TERMS = Statement(
    "add_learned_terms",
    "UNWIND $rows AS row MATCH (c:Concept {cui: row.cui}) "
    "MERGE (t:Term {key: row.key}) ON CREATE SET t += row.props "
    "MERGE (t)-[r:DENOTES]->(c) RETURN count(r) AS written",
    ("rows",),
)


# Before a document is written again: its passages past the new count go, and the mentions
# of the others, which the new text may no longer hold, are found afresh.
PRUNE_DOCUMENTS = Statement(
    "prune_documents",
    "UNWIND $docs AS d MATCH (:Document {key: d.key})-[:HAS_PASSAGE]->(p:Passage) "
    "OPTIONAL MATCH (p)-[m:MENTIONS]->(:Concept) DELETE m "
    "WITH DISTINCT p, d WHERE p.index >= d.passages DETACH DELETE p",
    ("docs",),
)


# Before a run is written again: its outcome is reset and what it owns (chains and their
# steps, the scaffold and its steps, its checks) goes, with every relationship they have,
# so that the new record is not mixed with the old. The Run node, its question and the
# vocabulary it taught stay.
CLEAR_RUN = Statement(
    "clear_run",
    "MATCH (r:Run {key: $key}) SET r.answer = null, r.status = null, r.stage = null, r.error = null "
    "WITH r OPTIONAL MATCH (r)-[h:HAS_CHAIN|HAS_SCAFFOLD|HAS_CHECK]->(o) "
    "OPTIONAL MATCH (o)-[s:HAS_STEP]->(step) "
    "DETACH DELETE step, o",
    ("key",),
)


def page_nodes(label: str) -> Statement:
    """The next $limit nodes of this label after key $after, in key order, with their
    properties: a whole label read a page at a time, whatever its size. On Neo4j only:
    FalkorDB pages by node id (`kg.graph.dialect.page_nodes`)."""
    key = NODE_KEYS[check_label(label)]
    return Statement(
        f"page_nodes.{label}",
        f"MATCH (n:{label}) WHERE n.{key} > $after "
        f"RETURN n.{key} AS key, properties(n) AS props ORDER BY key LIMIT $limit",
        ("after", "limit"),
    )


def relationships_from(rel_type: str, start: str, end: str) -> Statement:
    """The relationships of this type from the nodes whose keys are $keys to nodes of `end`."""
    check_relationship(rel_type, start, end)
    return Statement(
        f"relationships_from.{rel_type}.{start}.{end}",
        f"UNWIND $keys AS k MATCH (a:{start} {{{NODE_KEYS[start]}: k}})-[r:{rel_type}]->(b:{end}) "
        f"RETURN a.{NODE_KEYS[start]} AS start, b.{NODE_KEYS[end]} AS end, properties(r) AS props",
        ("keys",),
    )


def duplicate_relationships(rel_type: str, *, delete: bool = False) -> Statement:
    """Node pairs joined more than once by `rel_type` (with the same key, for a keyed type):
    how many pairs and how many relationships too many. With `delete`, all but one of each
    such group are deleted (copies written by racing writers carry the same properties)."""
    spec = relationship_spec(rel_type)
    by_key = f", r.{spec.key} AS k" if spec.key else ""
    groups = f"MATCH (a)-[r:{rel_type}]->(b) WITH a, b{by_key}, collect(r) AS rs WHERE size(rs) > 1 "
    if delete:
        return Statement(
            f"delete_duplicate_relationships.{rel_type}",
            groups + "UNWIND tail(rs) AS extra DELETE extra RETURN count(*) AS deleted",
        )
    return Statement(
        f"duplicate_relationships.{rel_type}",
        groups + "RETURN count(*) AS pairs, coalesce(sum(size(rs) - 1), 0) AS extra",
    )


# A term that denotes nothing: left by a load whose concept was missing, or by a key the
# index could not find. The linker never reaches it.
ORPHAN_TERMS = Statement(
    "orphan_terms",
    "MATCH (t:Term) WHERE NOT (t)-[:DENOTES]->(:Concept) RETURN count(t) AS orphans",
)
DELETE_ORPHAN_TERMS = Statement(
    "delete_orphan_terms",
    "MATCH (t:Term) WHERE NOT (t)-[:DENOTES]->(:Concept) DETACH DELETE t RETURN count(*) AS deleted",
)


def catalog() -> Iterator[Statement]:
    """Every statement the store can send, generated from the closed schema."""
    for label in NODE_KEYS:
        yield upsert_nodes(label)
        yield missing_nodes(label)
        yield fetch_nodes(label)
        yield expand(label)
        yield page_nodes(label)
    for spec in RELATIONSHIPS.values():
        for start, end in spec.endpoints:
            yield upsert_relationships(spec.type, start, end)
            yield relationships_from(spec.type, start, end)
        yield duplicate_relationships(spec.type)
        yield duplicate_relationships(spec.type, delete=True)
    yield from (LOCAL_PRACTICE, COUNT_NODES, COUNT_RELATIONSHIPS, TERMS_PER_LANGUAGE, DELETE_BATCH, CLEAR_RUN)
    yield from (TERMS_PAGE, CONCEPTS_PAGE, VOCABULARY_FINGERPRINT, ADD_LEARNED_TERMS, PRUNE_DOCUMENTS)
    yield from (PASSAGES_MENTIONING, BROADER, ORPHAN_TERMS, DELETE_ORPHAN_TERMS)
