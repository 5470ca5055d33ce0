"""Babelon translation tables (TSV), as the Human Phenotype Ontology publishes its
translations (src/translations/hp-ja.babelon.tsv, hp-zh.babelon.tsv, ...), read onto the
concepts an OBO load made of the ontology's terms.

Babelon files differ in which columns they carry and in what order (HPO's Japanese table
has fourteen, its Chinese one seven), so columns are found by the header's names.
`subject_id`, `predicate_id`, `translation_language` and `translation_value` are required.
A row becomes a term when:

- its `translation_status`, if the file has that column, is OFFICIAL. HPO marks reviewed
  translations OFFICIAL, unreviewed ones CANDIDATE and missing ones NOT_TRANSLATED (their
  value is "NA"); only reviewed text goes into a curated vocabulary. Others are counted;
- its predicate names a label or a synonym (rdfs:label, oboInOwl:has*Synonym); the
  translated definitions (IAO:0000115) are text, not terms;
- its language is one of the project's (Chinese variants become zh, see ingest.languages);
- its subject is a term the OBO load wrote (others are counted: obsolete, or not in the
  ontology file given).

Values quoted because they hold a comma ("2,4-...", as HPO's Chinese table has them) are
unquoted. A row with another number of fields than the header stops the load with its file
and line; the rows before it stay written.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from ingest.languages import SUPPORTED_LANGS, term_language, term_text
from ingest.lexicon import _decode
from ingest.merge import add_terms, in_batches
from ingest.progress import read_lines
from ingest.storable import check_text
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph.model import Term
from kg.graph.store import GraphStore

__all__ = ["REQUIRED_COLUMNS", "check_header", "load_babelon"]

REQUIRED_COLUMNS = ("subject_id", "predicate_id", "translation_language", "translation_value")
_KEPT_STATUS = "OFFICIAL"
_PREDICATES = {  # what the row's value is to its subject, as the term's source says it
    "rdfs:label": "label",
    "oboInOwl:hasExactSynonym": "synonym EXACT",
    "oboInOwl:hasNarrowSynonym": "synonym NARROW",
    "oboInOwl:hasBroadSynonym": "synonym BROAD",
    "oboInOwl:hasRelatedSynonym": "synonym RELATED",
}


def check_header(path: Path) -> list[str]:
    """The column names of a Babelon file.

    Raises:
        IngestError: the file cannot be read, is empty or lacks a required column.
    """
    with read_lines(path) as lines:
        for number, raw in lines:
            return _header(_decode(raw, path, number), path, number)
    raise IngestError(f"empty file: expected a Babelon header naming {', '.join(REQUIRED_COLUMNS)}", path=str(path))


def load_babelon(
    store: GraphStore,
    path: Path,
    ids: Mapping[str, str],
    summary: LoadSummary,
    *,
    langs: Collection[str] = SUPPORTED_LANGS,
    show_progress: bool = False,
) -> None:
    """Add the translated labels and synonyms of `path` to the concepts of their subjects.

    Args:
        ids: ontology id -> concept id, as the OBO load wrote them.
        summary: counts translation_terms, translation_terms_existing, and the rows
            skipped: "translations_status:STATUS", "translations_predicate:PREDICATE",
            translations_other_language, translations_without_value,
            translations_unknown_term.

    Raises:
        IngestError: a malformed header or row (names file and line).
    """
    in_batches(
        store,
        _terms(path, ids, summary, langs, show_progress),
        lambda terms: add_terms(store, terms, summary, kind="translation_terms"),
    )


def _terms(
    path: Path, ids: Mapping[str, str], summary: LoadSummary, langs: Collection[str], show: bool
) -> Iterator[Term]:
    for row in _rows(path, show):
        status = row.get("translation_status", _KEPT_STATUS)
        predicate = _PREDICATES.get(row["predicate_id"])
        lang = term_language(row["translation_language"], langs)
        cui = ids.get(row["subject_id"])
        if status != _KEPT_STATUS:
            summary.add(f"translations_status:{status or 'none'}", 1)
        elif predicate is None:
            summary.add(f"translations_predicate:{row['predicate_id']}", 1)
        elif lang is None:
            summary.add("translations_other_language", 1)
        elif not row["translation_value"]:
            summary.add("translations_without_value", 1)
        elif cui is None:
            summary.add("translations_unknown_term", 1)
        else:
            ontology = row["subject_id"].partition(":")[0]
            source = f"{ontology} translation {predicate} ({path.name})"
            yield Term(text=term_text(lang, row["translation_value"]), lang=lang, cui=cui, source=source)


def _rows(path: Path, show: bool) -> Iterator[dict[str, str]]:
    with read_lines(path, show=show) as lines:
        header: list[str] | None = None
        for number, raw in lines:
            text = _decode(raw, path, number).rstrip("\r\n")
            if header is None:
                header = _header(text, path, number)
                continue
            if not text.strip():
                continue
            fields = text.split("\t")
            if len(fields) != len(header):
                raise IngestError(
                    f"expected {len(header)} tab-separated fields ({', '.join(header)}), found {len(fields)}",
                    path=str(path),
                    line=number,
                )
            for name, value in zip(header, fields, strict=True):
                check_text(value, name, path, number)
            yield {name: _unquoted(value) for name, value in zip(header, fields, strict=True)}


def _header(text: str, path: Path, number: int) -> list[str]:
    header = [name.strip() for name in text.removeprefix("\ufeff").rstrip("\r\n").split("\t")]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise IngestError(
            f"not a Babelon header: missing column(s) {', '.join(missing)}; got {' '.join(header)[:120]!r}",
            path=str(path),
            line=number,
        )
    return header


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('""', '"').strip()
    return value
