"""Load Wikidata's medical vocabulary: the entities that carry a UMLS CUI (P2892), their
labels and aliases in the project's languages as terms, their ICD-10 codes (P494) and MeSH
descriptor ids (P486) as cross-references. Wikidata is CC0; every term and concept says
which entity it came from ("Wikidata Q12156, CC0").

Reads the JSON dump (latest-all.json, .gz or .bz2, or the same entities as JSONL) or the
JSON results of `MEDICAL_SUBSET_QUERY` (see `ingest.wikidata_read`); the file's first bytes
tell which.

An entity becomes the concept of its CUI, never one of our own ids:
- an entity without a CUI is skipped and counted (entities_without_cui);
- an entity with several CUIs is skipped and counted (entities_several_cuis): UMLS splits
  what Wikidata holds as one item, and giving its labels to every CUI, or to one, would
  attach them to a concept they may not name;
- a CUI already in the graph keeps its name, types and source and gains the entity's
  cross-references (WIKIDATA:Q..., ICD10:..., MESH:...) and its new terms (`ingest.merge`);
- a new CUI becomes a concept named by its English label, typed by the entity's class
  (instance of, P31) where `CLASS_TUIS` knows it, else by `tui` if given; with neither it
  is skipped and counted (concepts_without_semantic_type), since a concept needs a type.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from ingest.compressed import numbered_lines
from ingest.languages import SUPPORTED_LANGS, term_language, term_text
from ingest.merge import Incoming, merge_in_batches
from ingest.storable import check_text
from ingest.vocabulary import LoadSummary
from ingest.wikidata_read import Entity, dump_entities, sparql_entities
from kg.errors import IngestError
from kg.graph.model import Concept, Term
from kg.graph.semantic_types import semantic_types
from kg.graph.store import GraphStore
from kg.languages import language_names

__all__ = ["CLASS_TUIS", "load_wikidata"]

# Classes (P31 values) whose UMLS semantic type is not in doubt. Anything else needs `tui`.
CLASS_TUIS = {
    "Q12136": "T047",  # disease
    "Q18123741": "T047",  # infectious disease
    "Q112193867": "T047",  # class of disease
    "Q169872": "T184",  # symptom
    "Q12140": "T121",  # medication
}
_CUI = re.compile(r"C\d{7}")
_SPARQL_START = re.compile(rb'\s*\{\s*(?:"(?:head|results)"\s*:|$)')


def load_wikidata(
    store: GraphStore,
    path: Path,
    *,
    tui: str | None = None,
    langs: Sequence[str] = SUPPORTED_LANGS,
    show_progress: bool = False,
) -> LoadSummary:
    """Load the entities of a Wikidata dump or SPARQL results file that carry a UMLS CUI.

    Args:
        store: the graph to write to.
        path: the dump (latest-all.json[.gz|.bz2]), JSONL of entities, or SPARQL JSON results.
        tui: the semantic type of a new concept whose class `CLASS_TUIS` does not know.
        langs: ISO 639-1 codes whose labels and aliases become terms.
        show_progress: draw a progress bar on stderr.

    Returns:
        Counts per kind: concepts, concepts_existing, terms, terms_existing, concept_links,
        and what was skipped: entities_without_cui, entities_several_cuis,
        invalid_cui_values, concepts_without_semantic_type.

    Raises:
        IngestError: an unknown `tui` or language, or a malformed line (names file, line and
            field). Whatever was written before it stays written.
    """
    known = semantic_types()
    if tui is not None and tui not in known:
        raise IngestError(
            f"not a UMLS semantic type: {tui!r} (e.g. T047 Disease or Syndrome, T121 Pharmacologic Substance)"
        )
    unknown = [lang for lang in langs if lang not in language_names()]
    if unknown:
        raise IngestError(f"not ISO 639-1 language codes: {', '.join(unknown)} (e.g. {', '.join(SUPPORTED_LANGS)})")
    path = Path(path)
    summary = LoadSummary()
    summary.add("semantic_types", store.upsert_nodes(known.values()))
    if _is_sparql(path):
        entities = sparql_entities(path, show=show_progress)
    else:
        entities = dump_entities(path, summary, show=show_progress)
    merge_in_batches(store, _records(entities, tui, set(langs), summary, path), summary)
    return summary


def _is_sparql(path: Path) -> bool:
    """SPARQL JSON results open with an object naming head or results (or with a lone '{'
    line, as the query service pretty-prints them); the dump opens with '[', JSONL with an
    entity."""
    with numbered_lines(path) as lines:
        for _, raw in lines:
            if raw.strip():
                return _SPARQL_START.match(raw) is not None
    return False


def _records(
    entities: Iterator[Entity], tui: str | None, langs: Collection[str], summary: LoadSummary, path: Path
) -> Iterator[Incoming]:
    for entity in entities:
        cuis = [cui for cui in entity.cuis if _CUI.fullmatch(cui)]
        summary.add("invalid_cui_values", len(entity.cuis) - len(cuis))  # Wikidata's own data errors
        if not cuis:
            summary.add("entities_without_cui", 1)
        elif len(cuis) > 1:
            summary.add("entities_several_cuis", 1)
        else:
            yield _incoming(entity, cuis[0], tui, langs, path)


def _incoming(entity: Entity, cui: str, tui: str | None, langs: Collection[str], path: Path) -> Incoming:
    source = f"Wikidata {entity.qid}, CC0"
    terms: dict[str, Term] = {}
    for field, names in (("labels", entity.labels), ("aliases", entity.aliases)):
        for tag, text in names:
            lang = term_language(tag, langs)
            if lang is not None:
                check_text(text, f"{field}.{tag[:20]}", path, entity.line)
    for field, values in (("P494", entity.icd10), ("P486", entity.mesh)):
        for value in values:
            check_text(value, f"claims.{field}", path, entity.line)
    for tag, text in (*entity.labels, *entity.aliases):
        lang = term_language(tag, langs)
        if lang is not None and (stored := term_text(lang, text)):
            term = Term(text=stored, lang=lang, cui=cui, source=source)
            terms.setdefault(term.key, term)  # zh and zh-hant often agree once simplified
    xrefs = [f"WIKIDATA:{entity.qid}", *(f"ICD10:{code}" for code in entity.icd10), *(f"MESH:{m}" for m in entity.mesh)]
    tuis = sorted({CLASS_TUIS[c] for c in entity.classes if c in CLASS_TUIS}) or ([tui] if tui else [])
    concept = None
    if tuis:
        # The name may be a label of a language not loaded, which was not checked above.
        name = check_text(_name(entity, terms.values()), "labels", path, entity.line)
        concept = Concept(cui=cui, name=name, semantic_types=tuis, source=source, xrefs=xrefs)
    return Incoming(cui=cui, terms=list(terms.values()), concept=concept, xrefs=xrefs)


def _name(entity: Entity, terms: Collection[Term]) -> str:
    """The English label, else a term, else any label, else the entity's id."""
    english = next((text.strip() for tag, text in entity.labels if tag == "en" and text.strip()), None)
    other = next((text.strip() for _, text in entity.labels if text.strip()), None)
    return english or next((term.text for term in terms), None) or other or entity.qid
