"""Load an OBO 1.4 flat-file ontology (HPO, Mondo, DOID, ...) as concepts, terms and IS_A.

The file is streamed one stanza at a time, twice: the first pass writes each live [Term]
as a concept with its name and synonyms as terms; the second writes its is_a lines as
IS_A relations, once every concept they may join exists. [Typedef] and other stanzas,
def:, comment: and the rest are skipped.

Our concept ids are UMLS CUIs or our own ids, not ontology ids such as HP:0001945: a term
with one UMLS cross-reference (xref: UMLS:C0015967, or DOID's UMLS_CUI:C0015967) becomes
that CUI, any other one a stable learned-style id (`obo_concept_id`). The OBO id is kept in
the concept's xrefs. A CUI that is already in the graph (from UMLS, the seed or Wikidata)
keeps its name and types: the ontology adds its terms and its id to it.

A term is never merged onto a concept it may not mean:
- a term with several UMLS xrefs (DOID's intestinal schistosomiasis names three CUIs, one
  per schistosome) keeps its own id, the CUIs staying in its xrefs (counted as
  umls_xref_several): choosing one would give its names to a narrower concept;
- an xref Mondo marks as related, not equivalent ({source="MONDO:relatedTo"}), is kept as
  an xref but names no identity;
- two terms of one file with the same CUI: the first takes it, the second keeps its own id
  (umls_xref_shared), since one would otherwise rename the other.

Babelon translation files (HPO's hp-ja.babelon.tsv, ...) given with the ontology add their
labels in other languages to the concepts its terms became (`ingest.babelon`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ingest.babelon import check_header, load_babelon
from ingest.merge import Incoming, in_batches, merge_in_batches
from ingest.progress import read_lines
from ingest.storable import check_text
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph.model import Concept, ConceptRelation, Term, stable_hash
from kg.graph.semantic_types import semantic_types
from kg.graph.store import GraphStore

__all__ = ["SYNONYM_SCOPES", "load_obo", "obo_concept_id"]

SYNONYM_SCOPES = ("EXACT", "NARROW", "BROAD", "RELATED")
_LEGACY_SYNONYM_TAGS = {  # OBO 1.0/1.2 spellings of synonym:
    "exact_synonym": "EXACT",
    "narrow_synonym": "NARROW",
    "broad_synonym": "BROAD",
    "related_synonym": "RELATED",
}
_TAG = re.compile(r"[A-Za-z][\w-]*")
_UMLS_XREF = re.compile(r"(?:UMLS|UMLS_CUI):(C\d{7})", re.IGNORECASE)
_NOT_EQUIVALENT = 'source="MONDO:relatedTo"'  # Mondo's mark on an xref that is no equivalence
_ESCAPES = {"n": "\n", "t": "\t", "W": " "}  # any other escaped character stands for itself


def obo_concept_id(obo_id: str) -> str:
    """Our stable concept id for an ontology term without a UMLS CUI: "ML" + 12 hex digits.

    The hash is namespaced ("obo") so that it cannot meet an id learned from other input.
    """
    return "ML" + stable_hash("obo", obo_id)[:12]


def load_obo(
    store: GraphStore,
    path: Path,
    *,
    tui: str,
    lang: str = "en",
    prefix: str | None = None,
    translations: Sequence[Path] = (),
    show_progress: bool = False,
) -> LoadSummary:
    """Load the live [Term] stanzas of an OBO file as concepts, terms and IS_A relations.

    Args:
        store: the graph to write to.
        path: the .obo file.
        tui: the UMLS semantic type given to every concept of the ontology (e.g. T184 for
            HPO signs and symptoms, T047 for a disease ontology).
        lang: the language of names and synonyms.
        prefix: load only terms whose id starts with "PREFIX:" (ontologies often carry
            terms imported from others); None loads every term.
        translations: Babelon TSV files of the ontology (HPO's hp-ja.babelon.tsv, ...),
            loaded after it onto the concepts its terms became (`ingest.babelon`).
        show_progress: draw a progress bar on stderr.

    Returns:
        Counts per kind: concepts, concepts_existing, terms, terms_existing, concept_links,
        relations, and what was skipped (obsolete, terms_without_name, terms_other_prefix,
        relations_unknown_end, umls_xref_shared, umls_xref_several,
        "unmapped:relationship/TYPE"), then the translations' counts.

    Raises:
        IngestError: an unknown `tui`, a translation file without the Babelon columns
            (before anything is written), or a malformed line (names file and line). What
            was written before it stays written.
    """
    known = semantic_types()
    if tui not in known:
        raise IngestError(f"not a UMLS semantic type: {tui!r} (e.g. T047 Disease or Syndrome, T184 Sign or Symptom)")
    path = Path(path)
    for translation in translations:
        check_header(Path(translation))
    summary = LoadSummary()
    summary.add("semantic_types", store.upsert_nodes([known[tui]]))
    options = _Options(tui, lang, prefix, show_progress)
    ids: dict[str, str] = {}
    try:
        _load_concepts(store, path, options, summary, ids)
    except IngestError:
        # The terms before the bad line were written: so are their is_a lines (the second
        # pass stops at the same line, and a parent after it is no concept yet).
        with suppress(IngestError):
            _load_is_a(store, path, ids, options, summary)
        raise
    _load_is_a(store, path, ids, options, summary)
    for translation in translations:
        load_babelon(store, Path(translation), ids, summary, show_progress=show_progress)
    return summary


@dataclass(frozen=True)
class _Options:
    tui: str
    lang: str
    prefix: str | None
    show: bool


# -- reading stanzas -------------------------------------------------------------------


@dataclass
class _Stanza:
    """A stanza's name ("" for the header), the line of its [Name], and its tag lines."""

    kind: str
    line: int
    tags: list[tuple[int, str, str]] = field(default_factory=list)

    def values(self, *tags: str) -> list[tuple[int, str, str]]:
        return [(line, tag, value) for line, tag, value in self.tags if tag in tags]

    def first(self, tag: str) -> str | None:
        return next((value for _, t, value in self.tags if t == tag), None)


def _stanzas(path: Path, show: bool) -> Iterator[_Stanza]:
    """The header, then each stanza, holding one stanza in memory at a time."""
    current = _Stanza("", 1)
    with read_lines(path, show=show) as lines:
        for number, raw in lines:
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise IngestError(f"not UTF-8: {exc.reason}", path=str(path), line=number) from None
            if not text or text.startswith("!"):
                continue
            check_text(text, "stanza header" if text.startswith("[") else text.partition(":")[0][:40], path, number)
            if text.startswith("["):
                if not text.endswith("]"):
                    raise IngestError(f"stanza header must be [Name], got {text[:60]!r}", path=str(path), line=number)
                yield current
                current = _Stanza(text[1:-1].strip(), number)
                continue
            tag, colon, value = text.partition(":")
            if not colon or not _TAG.fullmatch(tag):
                raise IngestError(f"expected 'tag: value', got {text[:60]!r}", path=str(path), line=number)
            current.tags.append((number, tag, value.strip()))
    yield current


def _cut_comment(value: str) -> str:
    """The value without its trailing '! comment' (a '!' inside quotes or escaped is text)."""
    quoted = escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "!" and not quoted:
            return value[:index].rstrip()
    return value


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _text(value: str | None) -> str | None:
    """A free-text value (name:) unescaped, without its comment; None if absent or blank."""
    if value is None:
        return None
    return _unescape(_cut_comment(value)).strip() or None


def _first_token(value: str) -> str:
    tokens = _cut_comment(value).split()
    return tokens[0] if tokens else ""


def _synonym(value: str, path: Path, line: int) -> tuple[str, str | None]:
    """('text', scope) from '"text" SCOPE [TYPE] [xrefs]'; scope None when not given."""
    if not value.startswith('"'):
        raise IngestError(f'synonym: expected "text" SCOPE [xrefs], got {value[:60]!r}', path=str(path), line=line)
    index, chars = 1, []
    while index < len(value) and value[index] != '"':
        if value[index] == "\\" and index + 1 < len(value):
            chars.append(_ESCAPES.get(value[index + 1], value[index + 1]))
            index += 2
        else:
            chars.append(value[index])
            index += 1
    if index >= len(value):
        raise IngestError("synonym: unterminated quoted text (no closing '\"')", path=str(path), line=line)
    text = "".join(chars).strip()
    if not text:
        raise IngestError("synonym: empty text", path=str(path), line=line)
    rest = value[index + 1 :].split()
    if not rest or rest[0].startswith(("[", "{", "!")):
        return text, None
    if rest[0] not in SYNONYM_SCOPES:
        scopes = ", ".join(SYNONYM_SCOPES)
        raise IngestError(f"synonym: unknown scope {rest[0]!r}; expected one of {scopes}", path=str(path), line=line)
    return text, rest[0]


# -- terms -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _OboTerm:
    """What a [Term] stanza says that we use."""

    id: str
    name: str | None
    synonyms: list[tuple[str, str]]  # (text, scope)
    parents: list[str]
    xrefs: list[str]
    cuis: list[str]  # the distinct UMLS CUIs its xrefs say it is equivalent to
    relationships: list[str]  # the relation type of each relationship: line
    obsolete: bool


def _parse_term(stanza: _Stanza, path: Path) -> _OboTerm:
    term_id = _first_token(stanza.first("id") or "")
    if not term_id:
        raise IngestError("[Term] stanza without an id", path=str(path), line=stanza.line)
    synonyms = []
    for line, tag, value in stanza.values("synonym", *_LEGACY_SYNONYM_TAGS):
        text, scope = _synonym(value, path, line)
        # OBO 1.4 leaves the scope optional and reads a missing one as RELATED.
        synonyms.append((text, scope or _LEGACY_SYNONYM_TAGS.get(tag, "RELATED")))
    xrefs = [value for _, _, value in stanza.values("xref") if _first_token(value)]
    cuis = [
        m.group(1).upper()
        for value in xrefs
        if (m := _UMLS_XREF.fullmatch(_first_token(value))) and _NOT_EQUIVALENT not in value
    ]
    return _OboTerm(
        id=term_id,
        name=_text(stanza.first("name")),
        synonyms=synonyms,
        parents=[_first_token(value) for _, _, value in stanza.values("is_a") if _first_token(value)],
        xrefs=[_first_token(value) for value in xrefs],
        cuis=list(dict.fromkeys(cuis)),
        relationships=[_first_token(value) for _, _, value in stanza.values("relationship")],
        obsolete=_first_token(stanza.first("is_obsolete") or "").lower() == "true",
    )


def _terms(path: Path, options: _Options, summary: LoadSummary) -> Iterator[tuple[str, _OboTerm]]:
    """(the ontology's source, term) for each live, named [Term] with the prefix asked
    for, counting the others."""
    source = f"OBO {path.stem}"
    for stanza in _stanzas(path, options.show):
        if stanza.kind == "":
            source = _source(stanza, path)
            continue
        if stanza.kind != "Term":
            continue
        term = _parse_term(stanza, path)
        if term.obsolete:
            summary.add("obsolete", 1)
        elif options.prefix and not term.id.startswith(f"{options.prefix}:"):
            summary.add("terms_other_prefix", 1)
        elif not term.name:
            summary.add("terms_without_name", 1)
        else:
            yield source, term


def _source(header: _Stanza, path: Path) -> str:
    """'OBO hp hp/releases/2024-04-26' from the header's ontology and data-version."""
    name = _first_token(header.first("ontology") or "") or path.stem
    version = _first_token(header.first("data-version") or "")
    return f"OBO {name} {version}".strip()


def _label(term: _OboTerm, options: _Options) -> str:
    """The ontology's short name in term sources: the prefix asked for, else the id's."""
    return options.prefix or term.id.partition(":")[0]


# -- pass 1: concepts and terms --------------------------------------------------------


def _load_concepts(store: GraphStore, path: Path, options: _Options, summary: LoadSummary, ids: dict[str, str]) -> None:
    """Write concepts and terms, filling `ids` (OBO id -> concept id) for the second pass."""
    claimed: set[str] = set()  # CUIs already given to a term of this file

    def records() -> Iterator[Incoming]:
        for source, term in _terms(path, options, summary):
            concept = _concept(term, source, options, ids, claimed, summary)
            terms = _term_nodes(term, concept.cui, options)
            yield Incoming(cui=concept.cui, terms=terms, concept=concept, xrefs=[term.id])

    merge_in_batches(store, records(), summary)


def _concept(
    term: _OboTerm, source: str, options: _Options, ids: dict[str, str], claimed: set[str], summary: LoadSummary
) -> Concept:
    cui = ids.get(term.id) or _concept_id(term, claimed, summary)
    ids[term.id] = cui
    assert term.name is not None  # _terms yields named terms only
    return Concept(
        cui=cui,
        name=term.name,
        semantic_types=[options.tui],
        source=source,
        xrefs=list(dict.fromkeys([term.id, *term.xrefs])),
    )


def _concept_id(term: _OboTerm, claimed: set[str], summary: LoadSummary) -> str:
    """The term's UMLS CUI when it names exactly one that no earlier term of the file took,
    else our own id (see the module docstring for why)."""
    if len(term.cuis) > 1:
        summary.add("umls_xref_several", 1)
    elif term.cuis and term.cuis[0] not in claimed:
        claimed.add(term.cuis[0])
        return term.cuis[0]
    elif term.cuis:
        summary.add("umls_xref_shared", 1)
    return obo_concept_id(term.id)


def _term_nodes(term: _OboTerm, cui: str, options: _Options) -> list[Term]:
    label = _label(term, options)
    assert term.name is not None
    candidates = [(term.name, f"{label} name"), *((text, f"{label} synonym {scope}") for text, scope in term.synonyms)]
    nodes: dict[str, Term] = {}
    for text, source in candidates:
        node = Term(text=text, lang=options.lang, cui=cui, source=source)
        nodes.setdefault(node.key, node)  # a synonym equal to the name is the name
    return list(nodes.values())


# -- pass 2: IS_A ----------------------------------------------------------------------


def _load_is_a(store: GraphStore, path: Path, ids: dict[str, str], options: _Options, summary: LoadSummary) -> None:
    # A malformed line stops the first pass already; should the file change in between,
    # the relations read before it are still written.
    in_batches(
        store,
        _is_a(path, ids, options, summary),
        lambda batch: summary.add("relations", store.upsert_relationships(batch)),
    )


def _is_a(path: Path, ids: dict[str, str], options: _Options, summary: LoadSummary) -> Iterator[ConceptRelation]:
    skipped = LoadSummary()  # the first pass counted these already
    for _, term in _terms(path, options, skipped):
        child = ids.get(term.id)
        if child is None:  # the file changed since the first pass
            continue
        for kind in term.relationships:
            summary.add(f"unmapped:relationship/{kind}", 1)
        for parent in term.parents:
            target = ids.get(parent)
            if target is None:
                summary.add("relations_unknown_end", 1)
                continue
            if target == child:
                summary.add("relations_same_concept", 1)
                continue
            yield ConceptRelation(head=child, rel="IS_A", tail=target, source=f"{_label(term, options)} is_a")
