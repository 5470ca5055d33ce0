"""Load local document corpora (guidelines, leaflets) as documents, passages and mentions.

One JSONL line per document: {"title", "content", "lang", "source", "region"?, "id"?}.
Each document is cut into passages of at most `max_chars` characters at the most natural
boundary that fits: blank lines, then sentence ends, then spaces (the only breaks Thai
has), and only in scripts written without spaces, anywhere. The concepts a `Finder`
sees in a passage become (Passage)-[:MENTIONS]->(Concept) relationships.

Writing is idempotent: a document's key is its "id", or a hash of its source and title,
and a passage's key is the document's key and its index. A document loaded again with new
content replaces its old version: passages past the new count go and mentions are found
afresh, so the graph never cites text the document no longer holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.jsonl import describe_validation_error, read_jsonl
from ingest.vocabulary import LoadSummary
from kg.errors import ConfigError, IngestError, LinkingError
from kg.graph import statements as st
from kg.graph.model import Document, Link, Mention, Node, Passage, Relationship, stable_hash
from kg.graph.model.base import Lang, NonEmpty
from kg.graph.model.vocabulary import Region
from kg.graph.store import GraphStore

__all__ = ["CorpusRecord", "Finder", "chunk_text", "load_corpus"]

Finder = Callable[[str, str], Iterable[tuple[str, str, int]]]
"""(text, lang) -> (cui, surface, start_char) for each concept mention found in the text."""

# Languages written without spaces between words: a passage may be cut anywhere in them.
_UNSPACED = frozenset({"zh", "ja", "ko", "th", "lo", "km", "my", "bo"})
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE = re.compile(r"[.!?]+[\"'”’)\]]*\s+|[。！？]+[」』）”’\"')]*\s*")
_SPACE = re.compile(r"\s+")
_SPLITTERS = (_PARAGRAPH, _SENTENCE, _SPACE)
# Thai and Lao vowels written before the consonant they follow in speech.
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")


class CorpusRecord(BaseModel):
    """One document of a corpus file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: NonEmpty
    content: NonEmpty
    lang: Lang
    source: NonEmpty
    region: Region | None = None
    id: NonEmpty | None = None

    def key(self) -> str:
        return self.id or stable_hash(self.source, self.title)


def load_corpus(
    store: GraphStore, path: Path, find: Finder, *, max_chars: int = 800, show_progress: bool = False
) -> LoadSummary:
    """Load a JSONL corpus: documents, their passages and the concepts each mentions.

    Args:
        store: the graph to write to.
        path: the .jsonl file, one document a line.
        find: the mention finder; a CUI it returns that is not in the graph is counted
            (mentions_unknown_concept) and not written.
        max_chars: the longest passage, in characters (a single word longer than this,
            in a language written with spaces, stays whole).
        show_progress: draw a progress bar on stderr.

    Returns:
        Counts per kind: documents, passages, passage_links (HAS_PASSAGE), mentions,
        mentions_unknown_concept.

    Raises:
        IngestError: a malformed line (names file, line and field); the documents before
            it are written.
        LinkingError: `find` returned something that is not a mention.
        ConfigError: `max_chars` is below 1.
    """
    if max_chars < 1:
        raise ConfigError(f"max_chars must be at least 1, got {max_chars}")
    path = Path(path)
    summary = LoadSummary()
    pending: list[_Loaded] = []
    size = 0
    try:
        for loaded in _documents(path, find, max_chars, show_progress):
            pending.append(loaded)
            size += 1 + len(loaded.passages)
            if size >= store.batch_size:
                _write(store, pending, summary)
                pending, size = [], 0
    except IngestError:
        _write(store, pending, summary)  # the documents before the bad line
        raise
    _write(store, pending, summary)
    return summary


# -- chunking --------------------------------------------------------------------------


def chunk_text(text: str, max_chars: int, lang: str) -> list[str]:
    """Cut `text` into stripped, non-empty pieces of at most `max_chars` characters.

    Pieces break at blank lines if they can, else at sentence ends (. ! ? 。 ！ ？), else at
    spaces; text in a language written without spaces (zh, ja, ko, th, ...) is cut
    anywhere as a last resort, never before a combining mark. In other languages a word
    longer than `max_chars` is kept whole rather than cut.
    """
    return [piece.strip() for piece in _pack(text, 0, max_chars, lang) if piece.strip()]


def _pack(text: str, level: int, max_chars: int, lang: str) -> Iterator[str]:
    """Join the pieces of `text` at this level greedily; split further those too long."""
    if len(text.strip()) <= max_chars:
        yield text
        return
    if level == len(_SPLITTERS):
        yield from _cut_anywhere(text, max_chars) if lang in _UNSPACED else [text]
        return
    current = ""
    for piece in _pieces(text, _SPLITTERS[level]):
        if len((current + piece).strip()) <= max_chars:
            current += piece
            continue
        if current.strip():
            yield current
        current = ""
        if len(piece.strip()) <= max_chars:
            current = piece
        else:
            yield from _pack(piece, level + 1, max_chars, lang)
    if current.strip():
        yield current


def _pieces(text: str, boundary: re.Pattern[str]) -> list[str]:
    """`text` cut after each boundary, the boundary kept with the piece before it."""
    cuts = [0, *(m.end() for m in boundary.finditer(text)), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if a < b]


def _cut_anywhere(text: str, max_chars: int) -> Iterator[str]:
    text = text.strip()
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        # Keep combining marks (Thai vowels and tones, Japanese voicing) and Thai leading
        # vowels with the letter they belong to.
        while start + 1 < end < len(text) and _inseparable(text[end - 1], text[end]):
            end -= 1
        yield text[start:end]
        start = end


def _inseparable(before: str, after: str) -> bool:
    return before in _LEADING_VOWELS or unicodedata.category(after).startswith("M")


# -- documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    """One document ready to write."""

    document: Document
    passages: list[Passage]
    mentions: list[Mention]


def _documents(path: Path, find: Finder, max_chars: int, show: bool) -> Iterator[_Loaded]:
    for record in read_jsonl(path, CorpusRecord, show_progress=show):
        document = Document(
            key=record.key(), title=record.title, lang=record.lang, source=record.source, region=record.region
        )
        passages = [
            Passage(doc=document.key, index=index, text=text, lang=record.lang)
            for index, text in enumerate(chunk_text(record.content, max_chars, record.lang))
        ]
        mentions = [mention for passage in passages for mention in _mentions(passage, find, path)]
        yield _Loaded(document, passages, mentions)


def _mentions(passage: Passage, find: Finder, path: Path) -> list[Mention]:
    """What `find` sees in the passage, one mention per (concept, surface): the first."""
    found: dict[tuple[str, str], Mention] = {}
    for cui, surface, start in find(passage.text, passage.lang):
        try:
            mention = Mention(
                source_label="Passage", start=passage.key, cui=cui, surface=surface, lang=passage.lang, start_char=start
            )
        except ValidationError as exc:
            problem = describe_validation_error(exc)
            raise LinkingError(f"{path}: the finder returned an invalid mention in {passage.key}: {problem}") from None
        found.setdefault((cui, surface), mention)
    return list(found.values())


def _write(store: GraphStore, batch: list[_Loaded], summary: LoadSummary) -> None:
    """Documents and passages, then HAS_PASSAGE and the mentions of known concepts."""
    if not batch:
        return
    # A document listed twice in a batch: its last version.
    batch = list({item.document.key: item for item in batch}.values())
    nodes: list[Node] = [node for item in batch for node in (item.document, *item.passages)]
    links: list[Relationship] = [
        Link(type="HAS_PASSAGE", start_label="Document", start=item.document.key, end_label="Passage", end=p.key)
        for item in batch
        for p in item.passages
    ]
    mentions = [mention for item in batch for mention in item.mentions]
    unknown = _unknown_concepts(store, {mention.cui for mention in mentions})
    known = [mention for mention in mentions if mention.cui not in unknown]
    versions = [{"key": item.document.key, "passages": len(item.passages)} for item in batch]
    store.execute(st.PRUNE_DOCUMENTS, docs=versions)
    store.upsert_nodes(nodes)
    summary.add("passage_links", store.upsert_relationships(links))
    summary.add("mentions", store.upsert_relationships(known))
    summary.add("documents", len(batch))
    summary.add("passages", len(nodes) - len(batch))
    summary.add("mentions_unknown_concept", len(mentions) - len(known))


def _unknown_concepts(store: GraphStore, cuis: set[str]) -> set[str]:
    if not cuis:
        return set()
    return {row["key"] for row in store.execute(st.missing_nodes("Concept"), keys=sorted(cuis))}
