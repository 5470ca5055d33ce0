"""The normalizer's index, built from the graph and cached on disk.

Building the index for millions of terms takes a while; loading it from a pickle is fast.
The cache file is named after a fingerprint of the vocabulary in the graph (term and
concept counts and sizes), so any change to the vocabulary makes a new index; older files
are removed once the new one is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import LinkingError, excerpt
from kg.graph import statements as st
from kg.graph.keys import keyed_row
from kg.graph.model import Term
from kg.graph.store import GraphStore
from kg.linking.lexicon import ConceptInfo, Lexicon, TermRow
from kg.linking.normalizer import Normalizer
from kg.settings import Settings, private_dir

__all__ = ["Report", "vocabulary_fingerprint", "read_lexicon", "load_normalizer", "add_learned_term"]

# Hears what a long index build is doing ("indexing 1,000,000 terms"), for a progress line.
Report = Callable[[str], None]

_PAGE = 100_000
_FORMAT = 5  # bump when the pickled classes or the fold (kg.linking.text) change


def vocabulary_fingerprint(store: GraphStore) -> str:
    row = store.execute(st.VOCABULARY_FINGERPRINT)[0]
    values = {k: round(v, 3) if isinstance(v, float) else v for k, v in sorted(row.items())}
    return hashlib.sha256(json.dumps([_FORMAT, values]).encode()).hexdigest()[:16]


def _pages(store: GraphStore, statement: st.Statement) -> Iterator[dict[str, Any]]:
    skip = 0
    while True:
        rows = store.execute(statement, skip=skip, limit=_PAGE)
        yield from rows
        if len(rows) < _PAGE:
            return
        skip += _PAGE


def read_lexicon(store: GraphStore, *, attempts: int = 3) -> Lexicon:
    """Every concept and term in the graph, as a lexicon. Pages follow the engine's scan
    order, so a read during which the vocabulary changed is read again.

    Raises:
        LinkingError: the vocabulary changed during every attempt.
    """
    for _ in range(attempts):
        fingerprint = vocabulary_fingerprint(store)
        lexicon = _read(store, fingerprint)
        if vocabulary_fingerprint(store) == fingerprint:
            return lexicon
    raise LinkingError("the vocabulary kept changing while the index was read; retry when the writes are done")


def _read(store: GraphStore, fingerprint: str) -> Lexicon:
    concepts = (
        ConceptInfo(cui=str(r["cui"]), name=str(r["name"]), semantic_types=tuple(r["semantic_types"] or ()))
        for r in _pages(store, st.CONCEPTS_PAGE)
    )
    terms = (
        TermRow(
            text=str(r["text"]),
            lang=str(r["lang"]),
            cui=str(r["cui"]),
            status=r["status"] or "curated",
            confidence=float(r["confidence"] if r["confidence"] is not None else 1.0),
        )
        for r in _pages(store, st.TERMS_PAGE)
    )
    return Lexicon(concepts, terms, fingerprint)


def load_normalizer(store: GraphStore, settings: Settings, *, report: Report | None = None) -> Normalizer:
    """The normalizer over the graph's vocabulary, with the settings' `link_threshold`,
    loaded from the settings' index directory when it is current, built (and saved there)
    when not. `report` hears what a long build is doing.

    Raises:
        LinkingError: the graph holds no terms (names the fix).
    """
    report = report or _silent
    cache_dir = settings.index_dir
    path = cache_dir / f"lexicon-{vocabulary_fingerprint(store)}.pickle"
    if path.exists():
        report("loading the lexicon index")
        with path.open("rb") as handle:
            normalizer: Normalizer = pickle.load(handle)
        normalizer.threshold = settings.link_threshold
        return normalizer
    report("reading the vocabulary from the graph")
    lexicon = read_lexicon(store)
    if not len(lexicon):
        raise LinkingError("the graph has no terms to link against: run `medcore kg build` first")
    report(f"indexing {len(lexicon):,} terms (once per vocabulary change)")
    normalizer = Normalizer(lexicon, threshold=settings.link_threshold)
    normalizer.matcher  # noqa: B018  (its case-sensitive key set is cached; the automaton is rebuilt on use)
    report("saving the lexicon index")
    _save(normalizer, cache_dir / f"lexicon-{lexicon.fingerprint}.pickle")
    return normalizer


def _silent(message: str) -> None:
    pass


def _save(normalizer: Normalizer, path: Path) -> None:
    private_dir(path.parent, tighten=True)  # with Neo4j, nothing else made the home private
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-")
    with os.fdopen(handle, "wb") as out:
        pickle.dump(normalizer, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)  # readers see the old file or the whole new one
    for old in path.parent.glob("lexicon-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)


def add_learned_term(store: GraphStore, normalizer: Normalizer, term: Term) -> bool:
    """Write a learned term to the graph and the in-memory index. An existing term with
    the same key (curated or learned) is left as it is. Returns whether the index changed."""
    learned = term.model_copy(update={"status": "learned"})
    row = {"cui": learned.cui, **keyed_row("key", learned.key, learned.properties())}
    if not store.execute(st.ADD_LEARNED_TERMS, rows=[row])[0]["written"]:
        raise LinkingError(f"cannot learn {excerpt(term.text)}: concept {term.cui} is not in the graph")
    return normalizer.learn(
        TermRow(text=learned.text, lang=learned.lang, cui=learned.cui, status="learned", confidence=learned.confidence)
    )
