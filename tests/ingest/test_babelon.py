"""HPO translations (Babelon TSV) onto the concepts an OBO load made: both column layouts HPO
publishes, statuses, predicates, unknown subjects, quoting and malformed files.

hp-ja.babelon.tsv and hp-zh.babelon.tsv are rows of HPO's src/translations files, unchanged
(the Japanese CANDIDATE row comes from hp-ja-preprocessed.babelon.tsv, which has the same
columns). HPO's files are free to use under its licence (https://hpo.jax.org/license):
cite the HPO, show the version, do not alter its content.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.babelon import load_babelon
from ingest.obo import load_obo, obo_concept_id
from ingest.vocabulary import LoadSummary
from kg import GraphStore, IngestError
from kg.graph.model import Concept, Term

DATA = Path(__file__).parent / "data"
HP, JA, ZH = DATA / "hp.obo", DATA / "hp-ja.babelon.tsv", DATA / "hp-zh.babelon.tsv"
ROOT, ABNORMALITY, TEMPERATURE = (obo_concept_id(i) for i in ("HP:0000001", "HP:0000118", "HP:0004370"))
FEVER = "C0015967"  # HP:0001945's UMLS xref


def _terms(store: GraphStore, lang: str) -> dict[str, set[str]]:
    rows = store.query(
        "MATCH (t:Term {lang: $lang})-[d:DENOTES]->(c:Concept) RETURN c.cui AS cui, t.text AS text", {"lang": lang}
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["cui"], set()).add(row["text"])
    return found


def test_official_labels_become_terms_of_the_concepts_the_ontology_made(embedded: GraphStore) -> None:
    summary = load_obo(embedded, HP, tui="T184", translations=[JA, ZH])
    assert _terms(embedded, "ja") == {FEVER: {"発熱"}, TEMPERATURE: {"体温調節の異常"}}
    assert _terms(embedded, "zh") == {
        FEVER: {"发热"},  # Fever merged into its CUI: the translation follows it
        TEMPERATURE: {"体温调节异常"},
        ABNORMALITY: {"表型异常"},
        ROOT: {"所有词汇"},
    }
    term = embedded.node_properties("Term", ["ja:発熱:C0015967"])["ja:発熱:C0015967"]
    assert term["source"] == "HP translation label (hp-ja.babelon.tsv)"
    counts = summary.counts
    assert counts["translation_terms"] == 6
    assert counts["translations_status:NOT_TRANSLATED"] == 2  # "All" and "Phenotypic abnormality": value NA
    assert counts["translations_status:CANDIDATE"] == 1
    assert counts["translations_unknown_term"] == 3  # Anemia, Diarrhea, the obsolete Unexplained fevers


def test_a_term_already_in_the_graph_keeps_its_source(embedded: GraphStore) -> None:
    embedded.upsert_nodes([Concept(cui=FEVER, name="Fever", semantic_types=["T184"], source="seed")])
    embedded.upsert_nodes([Term(text="发热", lang="zh", cui=FEVER, source="seed")])
    summary = LoadSummary()
    load_babelon(embedded, ZH, {"HP:0001945": FEVER}, summary)
    assert embedded.node_properties("Term", ["zh:发热:C0015967"])["zh:发热:C0015967"]["source"] == "seed"
    assert summary.counts["translation_terms_existing"] == 1 and summary.counts["translation_terms"] == 0


def test_quoted_values_definitions_and_other_languages(embedded: GraphStore, tmp_path: Path) -> None:
    embedded.upsert_nodes([Concept(cui=FEVER, name="Fever", semantic_types=["T184"], source="seed")])
    path = tmp_path / "hp-mixed.babelon.tsv"
    path.write_text(
        "source_language\ttranslation_language\tsubject_id\tpredicate_id\tsource_value\ttranslation_value\t"
        "translation_status\n"
        'en\tzh\tHP:0008730\trdfs:label\t"Female external genitalia in individual with 46,XY karyotype"\t'
        '"染色体核型为46,XY的个体具有女性外生殖器"\tOFFICIAL\n'
        "en\tcs\tHP:0000027\tIAO:0000115\tAbsence of any measurable level of sperm in his semen\t"
        "Absence jakékoliv měřitelné hodnoty spermií v semenné tekutině\tOFFICIAL\n"
        "en\tcs\tHP:0000027\trdfs:label\tAzoospermia\tAzoospermie\tOFFICIAL\n",
        encoding="utf-8",
    )
    summary = LoadSummary()
    load_babelon(embedded, path, {"HP:0008730": FEVER, "HP:0000027": FEVER}, summary)  # any existing concept
    assert _terms(embedded, "zh") == {FEVER: {"染色体核型为46,XY的个体具有女性外生殖器"}}
    assert summary.counts["translations_predicate:IAO:0000115"] == 1  # a definition is no term
    assert summary.counts["translations_other_language"] == 1  # Czech is not one of the project's


def test_a_file_without_the_babelon_columns_is_refused_before_anything_is_written(
    embedded: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "hp-ja.synonyms.tsv"
    path.write_text("subject_id\ttranslation_value\tcomment\nHP:0001945\t発熱\t\n", encoding="utf-8")
    with pytest.raises(
        IngestError, match=r"hp-ja\.synonyms\.tsv:1: not a Babelon header: missing column\(s\) predicate"
    ):
        load_obo(embedded, HP, tui="T184", translations=[path])
    assert embedded.counts().nodes.get("Concept", 0) == 0


def test_a_row_with_another_field_count_names_file_and_line(embedded: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "hp-zh.babelon.tsv"
    lines = ZH.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("\tOFFICIAL", "")  # Fever's row loses its status
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"hp-zh\.babelon\.tsv:4: expected 7 tab-separated fields .* found 6"):
        load_obo(embedded, HP, tui="T184", translations=[path])
    assert _terms(embedded, "zh") == {ROOT: {"所有词汇"}, ABNORMALITY: {"表型异常"}}  # the rows before it
