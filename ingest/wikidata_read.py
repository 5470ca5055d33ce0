"""Reading Wikidata entities: the JSON dump (or JSONL) and the results of the SPARQL query
of the medical subset, both into the same `Entity`.

The dump (`latest-all.json[.gz|.bz2]`) is a JSON array with one entity a line: the first
line is `[`, the last `]`, and every entity line but the last ends in a comma. Only lines
that mention P2892 (UMLS CUI) are parsed: the full dump holds about a hundred million
entities and a few tens of thousands carry a CUI, so the others are counted, their line
checked only to be one JSON object, and skipped unparsed. A statement counts as Wikidata's
own queries read it ("truthy"): deprecated ones never, and only the preferred ones when a
property has any.

The SPARQL results (`MEDICAL_SUBSET_QUERY`, as application/sparql-results+json) have one
row per value, the rows of an entity together (ORDER BY ?item). Rows of an entity that
come apart make two `Entity`s for it, which the loader merges like any other repeat.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from ingest.compressed import numbered_lines
from ingest.json_stream import JsonArrayStream
from ingest.jsonl import describe_validation_error, json_problem
from ingest.languages import CHINESE_TAGS, SUPPORTED_LANGS
from ingest.storable import check_text
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError

__all__ = ["MEDICAL_SUBSET_QUERY", "QUERY_VARIABLES", "Entity", "dump_entities", "sparql_entities"]

UMLS_CUI, ICD10, MESH, INSTANCE_OF = "P2892", "P494", "P486", "P31"
_ENTITY_IRI = re.compile(r"http://www\.wikidata\.org/entity/(Q\d+)")

_LANG_TAGS = ", ".join(f'"{tag}"' for tag in (*(lang for lang in SUPPORTED_LANGS if lang != "zh"), *CHINESE_TAGS))
QUERY_VARIABLES = ("item", "cui", "label", "alias", "icd10", "mesh", "class")
MEDICAL_SUBSET_QUERY = f"""\
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
# Every item with a UMLS CUI: one row per label, alias, ICD-10 code, MeSH id and class.
SELECT ?{" ?".join(QUERY_VARIABLES)} WHERE {{
  ?item wdt:{UMLS_CUI} ?cui .
  {{ ?item rdfs:label ?label . FILTER(LANG(?label) IN ({_LANG_TAGS})) }}
  UNION {{ ?item skos:altLabel ?alias . FILTER(LANG(?alias) IN ({_LANG_TAGS})) }}
  UNION {{ ?item wdt:{ICD10} ?icd10 }}
  UNION {{ ?item wdt:{MESH} ?mesh }}
  UNION {{ ?item wdt:{INSTANCE_OF} ?class }}
}}
ORDER BY ?item
"""


@dataclass
class Entity:
    """What the loader uses of one Wikidata item; names are (Wikidata language tag, text)."""

    qid: str
    line: int
    cuis: list[str] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)


# -- the dump --------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Text(_Model):
    language: str
    value: str


class _DataValue(_Model):
    type: str
    value: Any


class _Snak(_Model):
    snaktype: str
    datavalue: _DataValue | None = None


class _Statement(_Model):
    mainsnak: _Snak
    rank: Literal["preferred", "normal", "deprecated"] = "normal"


class _Claims(_Model):
    # Aliases are UMLS_CUI, ICD10, MESH and INSTANCE_OF (typed as literals for the checker).
    cui: list[_Statement] = Field(default_factory=list, alias="P2892")
    icd10: list[_Statement] = Field(default_factory=list, alias="P494")
    mesh: list[_Statement] = Field(default_factory=list, alias="P486")
    classes: list[_Statement] = Field(default_factory=list, alias="P31")


class _DumpEntity(_Model):
    id: str = Field(pattern=r"^[A-Z]\d+$")
    labels: dict[str, _Text] = Field(default_factory=dict)
    aliases: dict[str, list[_Text]] = Field(default_factory=dict)
    claims: _Claims = Field(default_factory=_Claims)

    @field_validator("labels", "aliases", "claims", mode="before")
    @classmethod
    def _empty_map(cls, value: Any) -> Any:
        return {} if value == [] else value  # Wikibase writes an empty map as []


def dump_entities(path: Path, summary: LoadSummary, *, show: bool = False) -> Iterator[Entity]:
    """The entities of a dump or JSONL file that mention P2892; the others are counted as
    entities_without_cui.

    Raises:
        IngestError: a line that is not one JSON object, or an entity that is not valid
            (names file, line and field).
    """
    needle = f'"{UMLS_CUI}"'.encode()
    with numbered_lines(path, show=show) as lines:
        for number, raw in lines:
            text = raw.strip().removeprefix(b"[").removesuffix(b"]").strip().removesuffix(b",")
            if not text:
                continue
            if not (text.startswith(b"{") and text.endswith(b"}")):
                raise IngestError(
                    "not an entity: expected one JSON object a line (the dump's '{...},' lines, or JSONL)",
                    path=str(path),
                    line=number,
                )
            if needle not in text:
                summary.add("entities_without_cui", 1)
                continue
            try:
                entity = _DumpEntity.model_validate_json(text)
            except ValidationError as exc:
                invalid = any(error["type"] == "json_invalid" for error in exc.errors())
                problem = json_problem(text.decode("utf-8", "replace")) if invalid else describe_validation_error(exc)
                raise IngestError(problem, path=str(path), line=number) from None
            yield _from_dump(entity, path, number)


def _from_dump(entity: _DumpEntity, path: Path, line: int) -> Entity:
    claims = entity.claims
    return Entity(
        qid=entity.id,
        line=line,
        cuis=_strings(claims.cui, UMLS_CUI, path, line),
        labels=[(text.language, text.value) for text in entity.labels.values()],
        aliases=[(text.language, text.value) for texts in entity.aliases.values() for text in texts],
        icd10=_strings(claims.icd10, ICD10, path, line),
        mesh=_strings(claims.mesh, MESH, path, line),
        classes=[_item_id(value, path, line) for value in _truthy(claims.classes)],
    )


def _truthy(statements: list[_Statement]) -> list[Any]:
    """The values of the statements Wikidata's own queries see (wdt:): not deprecated, the
    preferred ones when there are any; "no value" and "unknown value" have none."""
    live = [s for s in statements if s.rank != "deprecated" and s.mainsnak.datavalue is not None]
    chosen = [s for s in live if s.rank == "preferred"] or live
    return [s.mainsnak.datavalue.value for s in chosen if s.mainsnak.datavalue is not None]


def _strings(statements: list[_Statement], prop: str, path: Path, line: int) -> list[str]:
    values = []
    for value in _truthy(statements):
        if not isinstance(value, str):
            raise IngestError(f"claims.{prop}: expected a string value, got {value!r:.60}", path=str(path), line=line)
        values.append(value.strip())
    return list(dict.fromkeys(values))


def _item_id(value: Any, path: Path, line: int) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    raise IngestError(f"claims.{INSTANCE_OF}: expected an item, got {value!r:.60}", path=str(path), line=line)


# -- SPARQL results --------------------------------------------------------------------


class _RdfTerm(_Model):
    type: Literal["uri", "literal", "typed-literal", "bnode"]
    value: str
    lang: str | None = Field(default=None, alias="xml:lang")


_BINDING = TypeAdapter(dict[str, _RdfTerm])


def sparql_entities(path: Path, *, show: bool = False) -> Iterator[Entity]:
    """The entities of a SPARQL JSON results file of `MEDICAL_SUBSET_QUERY`.

    Raises:
        IngestError: not JSON results of that query, or a malformed row (names file, line
            and variable).
    """
    with numbered_lines(path, show=show) as lines:
        stream = JsonArrayStream(lines, path, ("results", "bindings"))
        rows = iter(stream)
        current: Entity | None = None
        while True:
            try:
                item = next(rows, None)
                if item is None:
                    break
                line, raw = item
                if current is None:
                    _check_head(stream.others, path)
                row, qid = _checked_row(raw, path, line)
            except IngestError:
                if current is not None:
                    yield current  # what the rows of its entity before the bad one say
                raise
            if current is None or current.qid != qid:
                if current is not None:
                    yield current
                current = Entity(qid=qid, line=line)
            _add_row(current, row, path, line)
        if current is not None:
            yield current
        _check_head(stream.others, path)


def _check_head(others: dict[str, Any], path: Path) -> None:
    head = others.get("head")
    if head is None:
        return  # not read yet (it may follow the results); checked again at the end
    names = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(names, list) or not {"item", "cui"} <= set(names):
        expected = ", ".join(QUERY_VARIABLES)
        raise IngestError(f"head.vars: expected the README query's ({expected}), got {names!r:.120}", path=str(path))


def _qid(term: _RdfTerm | None, name: str, path: Path, line: int) -> str:
    match = _ENTITY_IRI.fullmatch(term.value) if term is not None and term.type == "uri" else None
    if match is None:
        got = "nothing" if term is None else repr(term.value)
        raise IngestError(f"{name}: expected a Wikidata item IRI, got {got:.80}", path=str(path), line=line)
    return match.group(1)


def _checked_row(raw: Any, path: Path, line: int) -> tuple[dict[str, _RdfTerm], str]:
    """One row, checked whole before any of it is added to its entity; and its item's id."""
    try:
        row = _BINDING.validate_python(raw)
    except ValidationError as exc:
        raise IngestError(describe_validation_error(exc), path=str(path), line=line) from None
    qid = _qid(row.get("item"), "item", path, line)
    if row.get("cui") is None:
        raise IngestError("cui: missing (every row of the query binds ?cui)", path=str(path), line=line)
    for name, bound in row.items():
        if name in {"label", "alias", "icd10", "mesh"}:
            check_text(bound.value, name, path, line)
        if name in {"label", "alias"} and bound.lang is None:
            raise IngestError(f"{name}: a label without its language (xml:lang)", path=str(path), line=line)
    if (term := row.get("class")) is not None:
        _qid(term, "class", path, line)
    return row, qid


def _add_row(entity: Entity, row: dict[str, _RdfTerm], path: Path, line: int) -> None:
    """Add a row `_checked_row` passed to its entity."""
    cui = row["cui"]
    _add(entity.cuis, cui.value.strip())
    for name, names in (("label", entity.labels), ("alias", entity.aliases)):
        if (term := row.get(name)) is not None and term.lang is not None:
            _add(names, (term.lang, term.value))
    for name, values in (("icd10", entity.icd10), ("mesh", entity.mesh)):
        if (term := row.get(name)) is not None:
            _add(values, term.value.strip())
    if (term := row.get("class")) is not None:
        _add(entity.classes, _qid(term, "class", path, line))


def _add(values: list[Any], value: Any) -> None:
    if value not in values:  # an entity has a few dozen values at most
        values.append(value)
