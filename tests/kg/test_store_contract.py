"""The contract every graph store backend honours (FalkorDB always, Neo4j when NEO4J_URI)."""

from __future__ import annotations

import pytest

from kg import GraphStore, MissingEndpointError, SchemaError
from kg.graph.model import Concept, ConceptRelation, LocalPractice, Term

SCRIPTS = {
    "en": "sickle cell disease",
    "zh": "镰状细胞病",
    "ja": "鎌状赤血球症",
    "ko": "겸상 적혈구 빈혈증",
    "sw": "ugonjwa wa selimundu",
    "th": "โรคโลหิตจางชนิดเคียว",
    "yo": "àìsàn ẹ̀jẹ̀ dídà",
}
NASTY = [
    'it\'s "quoted"',
    "back\\slash \\n \\\\",
    "})-[r:X]->(m) DETACH DELETE m //",
    "$param {key: 1} `tick`",
    "new\nline\ttab\r\n",
    "",
]


def _concepts(n: int, prefix: str = "Concept") -> list[Concept]:
    return [Concept(cui=f"MC{i:06d}", name=f"{prefix} {i}", semantic_types=["T047"], source="test") for i in range(n)]


def _relations(n: int) -> list[ConceptRelation]:
    return [
        ConceptRelation(head=f"MC{i:06d}", rel="IS_A", tail=f"MC{(i + 1) % n:06d}", source="test") for i in range(n)
    ]


def test_write_twice_changes_no_count(store: GraphStore) -> None:
    concepts, relations = _concepts(50), _relations(50)
    terms = [Term(text=f"term {c.cui}", lang="en", cui=c.cui, source="t") for c in concepts]
    for _ in range(2):
        store.upsert_nodes([*concepts, *terms])
        store.upsert_relationships([*relations, *(t.denotes() for t in terms)])
    counts = store.counts()
    assert counts.nodes == {"Concept": 50, "Term": 50}
    assert counts.relationships == {"DENOTES": 50, "IS_A": 50}


def test_a_relationship_repeated_within_one_batch_is_written_once(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(2))
    twice = [ConceptRelation(head="MC000000", rel="TREATS", tail="MC000001", source=s) for s in ("a", "b")]
    assert store.upsert_relationships(twice) == 1  # no false "missing end"
    rows = store.query("MATCH ()-[r:TREATS]->() RETURN r.source AS source")
    assert rows == [{"source": "b"}]  # the last one wins, as a second batch would


def test_upsert_takes_relationships_right_after_their_ends(store: GraphStore) -> None:
    items = []
    for concept in _concepts(30):
        term = Term(text=f"t {concept.cui}", lang="en", cui=concept.cui, source="t")
        items += [concept, term, term.denotes()]
    store.batch_size = 7  # ends and relationships fall into different batches
    written = store.upsert(items)
    assert (written.nodes, written.relationships) == (60, 30)
    assert store.counts().relationships == {"DENOTES": 30}


def test_what_a_failing_source_gave_is_written_before_its_error(store: GraphStore) -> None:
    def source():  # type: ignore[no-untyped-def]
        yield from _concepts(3)
        raise ValueError("line 4 is malformed")

    with pytest.raises(ValueError, match="line 4"):
        store.upsert(source())
    assert store.counts().nodes == {"Concept": 3}


def test_rewrite_updates_properties_in_place(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(1, "old"))
    store.upsert_nodes(_concepts(1, "new"))
    rows = store.query("MATCH (c:Concept) RETURN c.name AS name")
    assert rows == [{"name": "new 0"}]


def test_cross_references_gather_across_sources(store: GraphStore) -> None:
    # A seed concept keeps its ICD-10 code when UMLS, which gives none, names it again.
    for xrefs in (["ICD10:B54"], [], ["MESH:D008288", "ICD10:B54"]):
        store.upsert_nodes([Concept(cui="C0024530", name="Malaria", semantic_types=["T047"], source="s", xrefs=xrefs)])
    rows = store.query("MATCH (c:Concept {cui: 'C0024530'}) RETURN c.xrefs AS xrefs")
    assert rows == [{"xrefs": ["ICD10:B54", "MESH:D008288"]}]


@pytest.mark.parametrize("text", [t for t in NASTY if t])
def test_cypher_breaking_text_round_trips(store: GraphStore, text: str) -> None:
    store.upsert_nodes([Concept(cui="C0000001", name=text, semantic_types=["T047"], source=text)])
    store.upsert_nodes([Term(text=text, lang="en", cui="C0000001", source="s")])
    rows = store.query("MATCH (c:Concept) RETURN c.name AS name")
    assert rows[0]["name"] == text
    found = store.query("MATCH (c:Concept {name: $name}) RETURN c.cui AS cui", {"name": text})
    assert found == [{"cui": "C0000001"}]


def test_all_seven_scripts_round_trip_exactly(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(1))
    terms = [Term(text=text, lang=lang, cui="MC000000", source="s") for lang, text in SCRIPTS.items()]
    store.upsert_nodes(terms)
    store.upsert_relationships(t.denotes() for t in terms)
    rows = store.query("MATCH (t:Term)-[d:DENOTES]->(c:Concept) RETURN t.lang AS lang, t.text AS text")
    assert {r["lang"]: r["text"] for r in rows} == SCRIPTS
    yoruba = store.query("MATCH (t:Term {text: $text}) RETURN t.lang AS lang", {"text": SCRIPTS["yo"]})
    assert yoruba == [{"lang": "yo"}]


def test_relationship_to_missing_node_is_reported_and_others_written(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(2))
    good = ConceptRelation(head="MC000000", rel="TREATS", tail="MC000001", source="s")
    bad = ConceptRelation(head="MC000000", rel="TREATS", tail="MC999999", source="s")
    with pytest.raises(MissingEndpointError, match="MC999999"):
        store.upsert_relationships([good, bad])
    assert store.counts().relationships == {"TREATS": 1}


def test_unknown_relationship_type_refused_before_any_write(store: GraphStore) -> None:
    with pytest.raises(SchemaError, match="NOT_A_TYPE"):
        store.subgraph(["MC000000"], rel_types=["NOT_A_TYPE"])
    assert store.counts().nodes == {}


def _practice(head: str, tail: str, region: str, lang: str, kind: str) -> LocalPractice:
    return LocalPractice(
        head=head,
        tail=tail,
        kind=kind,
        region=region,
        lang=lang,
        statement=f"{kind} in {region}",
        statement_local=f"{kind} ({lang})",
        source="test guideline 2024",
    )


def test_local_practice_traversal_filters(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(4))
    store.upsert_relationships(
        [
            _practice("MC000000", "MC000001", "KE", "sw", "first_line_treatment"),
            _practice("MC000000", "MC000002", "TH", "th", "first_line_treatment"),
            _practice("MC000000", "MC000003", "KE", "sw", "screening"),
            _practice("MC000001", "MC000003", "KE", "sw", "screening"),
        ]
    )
    kenya = store.local_practice(["MC000000"], region="KE")
    assert [(f.tail, f.kind) for f in kenya] == [("MC000001", "first_line_treatment"), ("MC000003", "screening")]
    assert kenya[0].head_name == "Concept 0" and kenya[0].statement_local == "first_line_treatment (sw)"
    thai = store.local_practice(["MC000000", "MC000001"], lang="th")
    assert [(f.head, f.tail) for f in thai] == [("MC000000", "MC000002")]
    screening = store.local_practice(["MC000000", "MC000001"], kinds=["screening"])
    assert {(f.head, f.tail) for f in screening} == {("MC000000", "MC000003"), ("MC000001", "MC000003")}


def test_parallel_local_practice_edges_are_kept_apart(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(2))
    facts = [_practice("MC000000", "MC000001", r, "sw", "first_line_treatment") for r in ("KE", "TZ")]
    store.upsert_relationships(facts)
    store.upsert_relationships(facts)
    assert store.counts().relationships == {"LOCAL_PRACTICE": 2}
    graph = store.subgraph(["MC000000"], rel_types=["LOCAL_PRACTICE"])
    assert set(graph[("Concept", "MC000000")][("Concept", "MC000001")]) == {
        "LOCAL_PRACTICE:first_line_treatment:KE:sw",
        "LOCAL_PRACTICE:first_line_treatment:TZ:sw",
    }


def test_subgraph_hops_and_type_filter(store: GraphStore) -> None:
    # A chain 0 -IS_A-> 1 -IS_A-> 2 -IS_A-> 3, and 0 -TREATS-> 4.
    store.upsert_nodes(_concepts(5))
    chain = [ConceptRelation(head=f"MC{i:06d}", rel="IS_A", tail=f"MC{i + 1:06d}", source="s") for i in range(3)]
    store.upsert_relationships([*chain, ConceptRelation(head="MC000000", rel="TREATS", tail="MC000004", source="s")])

    two = store.subgraph(["MC000000"], hops=2)
    assert {key for _, key in two.nodes} == {"MC000000", "MC000001", "MC000002", "MC000004"}
    assert two.nodes[("Concept", "MC000001")] == {"label": "Concept", "name": "Concept 1"}
    assert store.node_properties("Concept", ["MC000001"])["MC000001"]["semantic_types"] == ["T047"]
    assert two.has_edge(("Concept", "MC000000"), ("Concept", "MC000001"), key="IS_A")
    assert not two.has_edge(("Concept", "MC000001"), ("Concept", "MC000000"))

    only_isa = store.subgraph(["MC000000"], hops=3, rel_types=["IS_A"])
    assert {key for _, key in only_isa.nodes} == {"MC000000", "MC000001", "MC000002", "MC000003"}
    assert {d["type"] for *_, d in only_isa.edges(data=True)} == {"IS_A"}


def test_subgraph_reaches_terms_over_denotes(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(1))
    term = Term(text="ugonjwa", lang="sw", cui="MC000000", source="s")
    store.upsert_nodes([term])
    store.upsert_relationships([term.denotes()])
    graph = store.subgraph(["MC000000"], hops=1, rel_types=["DENOTES"])
    assert graph.nodes[("Term", term.key)] == {"label": "Term", "name": "ugonjwa"}


def test_clear_empties_the_graph(store: GraphStore) -> None:
    store.upsert_nodes(_concepts(10))
    store.upsert_relationships(_relations(10))
    store.clear()
    assert store.counts().nodes == {} and store.counts().relationships == {}
