"""Load a UMLS Metathesaurus release (MRCONSO, MRSTY, MRREL in RRF) into the graph.

RRF files are UTF-8, one row a line, fields separated by '|' and a '|' after the last
field. The three files are read in this order, each streamed line by line:

1. MRSTY.RRF: the semantic types of each concept, kept in memory (CUI -> TUIs).
2. MRCONSO.RRF: the atoms. NLM releases it sorted by CUI, so consecutive rows are grouped
   by CUI and only one concept's atoms are in memory at a time; a CUI that goes backwards
   is reported (the file was re-sorted or concatenated).
3. MRREL.RRF (optional): relations between the concepts loaded in step 2, mapped onto the
   closed set of relation types by `MRREL_MAP`; anything the table does not name is
   counted, never guessed.

Suppressed rows (SUPPRESS O, E or Y) are skipped and counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from ingest.progress import read_lines
from ingest.storable import check_text
from ingest.vocabulary import LoadSummary
from kg.errors import IngestError
from kg.graph.model import Concept, ConceptRelation, HasType, Node, Relationship, Term
from kg.graph.model.vocabulary import SemanticType
from kg.graph.schema import ConceptRelType
from kg.graph.semantic_types import semantic_types
from kg.graph.store import GraphStore

__all__ = ["LAT_TO_LANG", "MRREL_MAP", "Reading", "load_umls"]

# UMLS language codes (MRCONSO.LAT) -> the ISO 639-1 codes terms carry in the graph.
LAT_TO_LANG: dict[str, str] = {
    "ENG": "en",
    "CHI": "zh",
    "JPN": "ja",
    "KOR": "ko",
    "THA": "th",
    "SWA": "sw",
    "YOR": "yo",
    "ARA": "ar",
    "CZE": "cs",
    "DAN": "da",
    "DUT": "nl",
    "FIN": "fi",
    "FRE": "fr",
    "GER": "de",
    "GRE": "el",
    "HEB": "he",
    "HUN": "hu",
    "ITA": "it",
    "NOR": "no",
    "POL": "pl",
    "POR": "pt",
    "RUS": "ru",
    "SPA": "es",
    "SWE": "sv",
    "TUR": "tr",
}

# Which end of an MRREL row becomes the head of our relationship.
Reading = Literal["cui2->cui1", "cui1->cui2"]

# MRREL (REL, RELA) -> our relation type and which CUI becomes its head.
#
# An MRREL row reads from right to left: REL and RELA say what CUI2 is to CUI1. The row
# "C0024530|...|RO|C0008269|...|may_treat|..." says chloroquine (CUI2) may_treat malaria
# (CUI1), so it becomes (C0008269)-[:TREATS]->(C0024530); its inverse row (CUI1 chloroquine,
# RELA may_be_treated_by, CUI2 malaria) gives the same relationship. A row with a RELA is
# looked up by ("*", RELA) whatever its REL, and is unmapped if the RELA is not listed, even
# under PAR or CHD (part_of under PAR is not IS_A); a row without one by (REL, "").
MRREL_MAP: dict[tuple[str, str], tuple[ConceptRelType, Reading]] = {
    # Hierarchy without a RELA (e.g. MSH): REL is what CUI2 is to CUI1.
    ("PAR", ""): ("IS_A", "cui1->cui2"),  # CUI2 is the parent of CUI1
    ("CHD", ""): ("IS_A", "cui2->cui1"),  # CUI2 is the child of CUI1
    ("RB", ""): ("IS_A", "cui1->cui2"),  # CUI2 is broader than CUI1
    ("RN", ""): ("IS_A", "cui2->cui1"),  # CUI2 is narrower than CUI1
    # With a RELA, whatever the REL ("*"): the row reads "CUI2 RELA CUI1".
    ("*", "isa"): ("IS_A", "cui2->cui1"),
    ("*", "inverse_isa"): ("IS_A", "cui1->cui2"),
    ("*", "part_of"): ("PART_OF", "cui2->cui1"),
    ("*", "has_part"): ("PART_OF", "cui1->cui2"),
    ("*", "may_treat"): ("TREATS", "cui2->cui1"),  # drug may_treat disease
    ("*", "may_be_treated_by"): ("TREATS", "cui1->cui2"),
    ("*", "may_prevent"): ("PREVENTS", "cui2->cui1"),
    ("*", "may_be_prevented_by"): ("PREVENTS", "cui1->cui2"),
    ("*", "cause_of"): ("CAUSES", "cui2->cui1"),
    ("*", "due_to"): ("CAUSES", "cui1->cui2"),
    ("*", "causative_agent_of"): ("CAUSES", "cui2->cui1"),  # organism causative_agent_of disease
    ("*", "has_causative_agent"): ("CAUSES", "cui1->cui2"),
    ("*", "has_manifestation"): ("HAS_SYMPTOM", "cui2->cui1"),  # disease has_manifestation finding
    ("*", "manifestation_of"): ("HAS_SYMPTOM", "cui1->cui2"),
    ("*", "may_be_diagnosed_by"): ("DIAGNOSED_BY", "cui2->cui1"),  # disease may_be_diagnosed_by test
    ("*", "may_diagnose"): ("DIAGNOSED_BY", "cui1->cui2"),
    ("*", "contraindicated_with_disease"): ("CONTRAINDICATED_IN", "cui2->cui1"),  # drug ... disease
    ("*", "has_contraindicated_drug"): ("CONTRAINDICATED_IN", "cui1->cui2"),
    ("*", "associated_with"): ("ASSOCIATED_WITH", "cui2->cui1"),
}

_SUPPRESSED = frozenset({"O", "E", "Y"})  # obsolete, suppressed by editors, by NLM
_CUI = re.compile(r"C\d{7}")
_CONCEPT_SOURCE = "UMLS Metathesaurus"


class _Conso(NamedTuple):
    CUI: str
    LAT: str
    TS: str
    LUI: str
    STT: str
    SUI: str
    ISPREF: str
    AUI: str
    SAUI: str
    SCUI: str
    SDUI: str
    SAB: str
    TTY: str
    CODE: str
    STR: str
    SRL: str
    SUPPRESS: str
    CVF: str


class _Sty(NamedTuple):
    CUI: str
    TUI: str
    STN: str
    STY: str
    ATUI: str
    CVF: str


class _Rel(NamedTuple):
    CUI1: str
    AUI1: str
    STYPE1: str
    REL: str
    CUI2: str
    AUI2: str
    STYPE2: str
    RELA: str
    RUI: str
    SRUI: str
    SAB: str
    SL: str
    RG: str
    DIR: str
    SUPPRESS: str
    CVF: str


_Row = TypeVar("_Row", _Conso, _Sty, _Rel)


def load_umls(store: GraphStore, directory: Path, langs: Sequence[str], show_progress: bool = False) -> LoadSummary:
    """Load concepts, their terms in `langs`, semantic types and relations from a release.

    Args:
        store: the graph to write to.
        directory: the release's META directory (MRCONSO.RRF, MRSTY.RRF, optional MRREL.RRF).
        langs: UMLS language codes (MRCONSO.LAT) whose atoms become terms, e.g. ["ENG", "JPN"].
        show_progress: draw a progress bar per file on stderr.

    Returns:
        Counts per kind: concepts, terms, concept_links, relations, and what was skipped
        (suppressed_terms, suppressed_relations, concepts_without_semantic_type,
        concepts_without_terms, relations_unknown_end, relations_same_concept, and
        "unmapped:REL/RELA" per unmapped pair).

    Raises:
        IngestError: an unknown language code, or a malformed line (names file, line and
            field). Whatever was written before it stays written.
    """
    wanted = _iso_langs(langs)
    summary = LoadSummary()
    summary.add("semantic_types", store.upsert_nodes(semantic_types().values()))
    loaded = _load_concepts(store, Path(directory), wanted, summary, show_progress)
    relations = Path(directory) / "MRREL.RRF"
    if relations.exists():
        _load_relations(store, relations, loaded, summary, show_progress)
    return summary


def _iso_langs(langs: Sequence[str]) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for code in langs:
        iso = LAT_TO_LANG.get(code.upper())
        if iso is None:
            hint = next((lat for lat, lang in LAT_TO_LANG.items() if lang == code.lower()), None)
            known = ", ".join(sorted(LAT_TO_LANG))
            advice = f"did you mean {hint}?" if hint else f"known codes: {known}"
            raise IngestError(f"unknown UMLS language code {code!r}; {advice}")
        wanted[code.upper()] = iso
    return wanted


# -- reading RRF -----------------------------------------------------------------------


def _rrf(path: Path, row_type: type[_Row], show: bool) -> Iterator[tuple[int, _Row]]:
    """(line number, row) for each non-blank line, checking the field count."""
    expected = len(row_type._fields)
    layout = "|".join(row_type._fields) + "|"
    with read_lines(path, show=show) as lines:
        for number, raw in lines:
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise IngestError(f"not UTF-8: {exc.reason}", path=str(path), line=number) from None
            if not text:
                continue
            fields = text.split("|")
            found = len(fields) - 1
            if found != expected or fields[-1]:
                ending = "" if not fields[-1] else " and no '|' after the last one"
                raise IngestError(
                    f"expected {expected} fields ({layout}), found {found}{ending}", path=str(path), line=number
                )
            for name, value in zip(row_type._fields, fields, strict=False):
                check_text(value, name, path, number)
            yield number, row_type._make(fields[:expected])


def _cui(value: str, field: str, path: Path, line: int) -> str:
    if not _CUI.fullmatch(value):
        raise IngestError(f"{field}: not a UMLS CUI (C + 7 digits), got {value!r}", path=str(path), line=line)
    return value


def _cui_number(cui: str) -> int:
    # Sets and dicts of millions of CUIs: an int key costs about half a str key.
    return int(cui[1:])


# -- MRSTY -----------------------------------------------------------------------------


def _read_types(path: Path, known: dict[str, SemanticType], show: bool) -> dict[int, tuple[str, ...]]:
    """CUI (as a number) -> its TUIs, in file order."""
    types: dict[int, tuple[str, ...]] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # a few hundred distinct combinations
    for number, row in _rrf(path, _Sty, show):
        cui = _cui_number(_cui(row.CUI, "CUI", path, number))
        if row.TUI not in known:
            raise IngestError(
                f"TUI: not a UMLS semantic type known to this version, got {row.TUI!r}", path=str(path), line=number
            )
        tuis = types.get(cui, ())
        if row.TUI not in tuis:
            combined = (*tuis, row.TUI)
            types[cui] = shared.setdefault(combined, combined)
    return types


# -- MRCONSO ---------------------------------------------------------------------------


def _load_concepts(
    store: GraphStore, directory: Path, wanted: dict[str, str], summary: LoadSummary, show: bool
) -> set[int]:
    """Write concepts with their terms and types; return the CUIs (as numbers) written."""
    types = _read_types(directory / "MRSTY.RRF", semantic_types(), show)
    path = directory / "MRCONSO.RRF"
    loaded: set[int] = set()

    def items() -> Iterator[Node | Relationship]:
        # One concept group at a time, its nodes before the links that need them.
        for concept, terms in _concept_groups(path, wanted, types, summary, show):
            loaded.add(_cui_number(concept.cui))
            summary.add("concepts", 1)
            summary.add("terms", len(terms))
            yield concept
            yield from terms
            yield from (HasType(start=concept.cui, end=tui) for tui in concept.semantic_types)
            yield from (term.denotes() for term in terms)

    summary.add("concept_links", store.upsert(items()).relationships)
    return loaded


def _atoms(path: Path, show: bool) -> Iterator[tuple[int, _Conso]]:
    """MRCONSO rows with a checked CUI, refusing a CUI that goes backwards."""
    previous = ""
    for number, row in _rrf(path, _Conso, show):
        cui = _cui(row.CUI, "CUI", path, number)
        if cui < previous:  # fixed width, so text order is number order
            raise IngestError(
                f"CUI {cui} comes after {previous}: MRCONSO.RRF must be sorted by CUI as NLM releases it "
                "(re-sort it with: LC_ALL=C sort -t'|' -k1,1 -s)",
                path=str(path),
                line=number,
            )
        previous = cui
        yield number, row


def _concept_groups(
    path: Path, wanted: dict[str, str], types: dict[int, tuple[str, ...]], summary: LoadSummary, show: bool
) -> Iterator[tuple[Concept, list[Term]]]:
    """One concept with its terms per run of consecutive rows with the same CUI. A malformed
    row ends the run before it too: that concept's rows read so far are written first."""
    atoms = _atoms(path, show)
    rows: list[tuple[int, _Conso]] = []  # one concept's atoms: at most a few hundred rows
    while True:
        try:
            item = next(atoms, None)
        except IngestError:
            yield from _concept_group(path, rows, wanted, types, summary)
            raise
        if item is None or (rows and item[1].CUI != rows[0][1].CUI):
            yield from _concept_group(path, rows, wanted, types, summary)
            rows = []
        if item is None:
            return
        rows.append(item)


def _concept_group(
    path: Path,
    rows: list[tuple[int, _Conso]],
    wanted: dict[str, str],
    types: dict[int, tuple[str, ...]],
    summary: LoadSummary,
) -> Iterator[tuple[Concept, list[Term]]]:
    if not rows:
        return
    cui = rows[0][1].CUI
    kept = [(number, row) for number, row in rows if row.SUPPRESS not in _SUPPRESSED]
    summary.add("suppressed_terms", sum(1 for _, row in rows if row.SUPPRESS in _SUPPRESSED and row.LAT in wanted))
    terms = _terms(path, kept, wanted)
    tuis = types.get(_cui_number(cui))
    if not terms:
        summary.add("concepts_without_terms", 1)
    elif not tuis:
        summary.add("concepts_without_semantic_type", 1)
    else:
        name = _preferred_name([row for _, row in kept])
        yield Concept(cui=cui, name=name, semantic_types=list(tuis), source=_CONCEPT_SOURCE), terms


def _terms(path: Path, rows: list[tuple[int, _Conso]], wanted: dict[str, str]) -> list[Term]:
    """The concept's terms in the wanted languages; the first row of a repeated string wins."""
    terms: dict[str, Term] = {}
    for number, row in rows:
        lang = wanted.get(row.LAT)
        if lang is None:
            continue
        if not row.STR.strip():
            raise IngestError("STR: empty string", path=str(path), line=number)
        term = Term(text=row.STR, lang=lang, cui=row.CUI, source=f"UMLS {row.SAB}/{row.TTY}")
        terms.setdefault(term.key, term)
    return list(terms.values())


def _preferred_name(rows: list[_Conso]) -> str:
    """UMLS's preferred name: the English atom that is the preferred string of the preferred
    term (TS=P, STT=PF, ISPREF=Y), else the first English atom, else the first atom."""
    english = [row for row in rows if row.LAT == "ENG"]
    for row in english:
        if (row.TS, row.STT, row.ISPREF) == ("P", "PF", "Y"):
            return row.STR
    return (english or rows)[0].STR


# -- MRREL -----------------------------------------------------------------------------


def _load_relations(store: GraphStore, path: Path, loaded: set[int], summary: LoadSummary, show: bool) -> None:
    # MRREL lists each relation in both directions, so most come twice; the store writes
    # each once per batch (the later row wins) and counts it once.
    summary.add("relations", store.upsert_relationships(_relations(path, loaded, summary, show)))


def _relations(path: Path, loaded: set[int], summary: LoadSummary, show: bool) -> Iterator[ConceptRelation]:
    for number, row in _rrf(path, _Rel, show):
        cui1, cui2 = _cui(row.CUI1, "CUI1", path, number), _cui(row.CUI2, "CUI2", path, number)
        if row.SUPPRESS in _SUPPRESSED:
            summary.add("suppressed_relations", 1)
            continue
        mapped = _map_relation(row.REL, row.RELA)
        if mapped is None:
            summary.add(f"unmapped:{_pair(row.REL, row.RELA)}", 1)
            continue
        if cui1 == cui2:
            summary.add("relations_same_concept", 1)
            continue
        if _cui_number(cui1) not in loaded or _cui_number(cui2) not in loaded:
            summary.add("relations_unknown_end", 1)
            continue
        rel, reading = mapped
        head, tail = (cui2, cui1) if reading == "cui2->cui1" else (cui1, cui2)
        source = f"UMLS {row.SAB} {_pair(row.REL, row.RELA)}"
        yield ConceptRelation(head=head, rel=rel, tail=tail, source=source)


def _map_relation(rel: str, rela: str) -> tuple[ConceptRelType, Reading] | None:
    return MRREL_MAP.get(("*", rela)) if rela else MRREL_MAP.get((rel, ""))


def _pair(rel: str, rela: str) -> str:
    return f"{rel}/{rela}" if rela else rel
