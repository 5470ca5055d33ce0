"""Retrieving local clinical knowledge for a question's concepts: LOCAL_PRACTICE facts
and passages of local documents.

Facts: the LOCAL_PRACTICE edges of the concepts and of their broader concepts (IS_A, two steps
up), in the question's language and, when given, one of its regions: the practice for
tuberculosis applies to a question about pulmonary tuberculosis. A fact about a practice the
reasoning also names scores 1, one about a practice it does not name 0.7, one about the
condition alone (prevalence) 0.6; a fact whose condition is a broader concept of one of the
question's concepts (malaria, when the question is about severe malaria) scores half, so that
it never outranks the facts on the concept itself. Ties go to the kinds that change what the
answer should say.

Passages: those that mention the concepts (their MENTIONS edges, written by `medcore ingest
corpus`), from documents of the question's regions or of none, ranked by concept overlap and
by BM25 relevance to the question (`bm25s`; text folded, Latin script in words, Chinese,
Japanese, Korean and Thai in character bigrams, since they are written without spaces), in
the question's language first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.graph.store import GraphStore, PassageHit, PracticeFact
from kg.linking.text import fold
from reasoning.results import Evidence

__all__ = ["retrieve", "retrieve_passages", "tokens"]

# Facts that change what the answer should say come first when scores tie.
_KIND_ORDER = [
    "first_line_treatment",
    "second_line_treatment",
    "drug_availability",
    "screening",
    "vaccination",
    "prevention",
    "referral",
    "prevalence",
    "traditional_practice",
]
_BROADER = 0.5
_WITHOUT_SPACES = r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f\uac00-\ud7a3]+"
_PROMPT_CHARS = 400  # what of a passage the synthesis prompt shows


def retrieve(
    store: GraphStore, cuis: Sequence[str], *, lang: str, regions: Sequence[str], top_k: int
) -> list[Evidence]:
    """The best `top_k` facts whose condition is one of `cuis`, in `lang` and, when given, one
    of `regions` (see the module docstring)."""
    wanted = set(cuis)
    broader = store.broader(sorted(wanted)) if wanted else {}
    facts: list[PracticeFact] = []
    for region in regions or [None]:  # type: ignore[list-item]
        facts += store.local_practice(sorted(wanted | broader.keys()), region=region, lang=lang)
    scored = {(f.head, f.tail, f.key): _fact(f, _score(f, wanted), sorted(broader.get(f.head, ()))) for f in facts}
    ranked = sorted(scored.values(), key=lambda e: (-e.score, _rank(e.kind), e.head, e.tail))
    return ranked[:top_k]


def retrieve_passages(
    store: GraphStore, cuis: Sequence[str], *, question: str, lang: str, regions: Sequence[str], top_k: int
) -> list[Evidence]:
    """The best `top_k` passages that mention `cuis` (see the module docstring)."""
    order = list(dict.fromkeys(cuis))
    hits = store.passages_mentioning(order, regions=regions) if order and top_k else []
    if not hits:
        return []
    relevance = _bm25([tokens(hit.text) for hit in hits], tokens(question))
    scored = [
        (0.5 * len(set(hit.cuis) & set(order)) / len(order) + 0.5 * relevance[i], hit) for i, hit in enumerate(hits)
    ]
    ranked = sorted(scored, key=lambda pair: (pair[1].lang != lang, -pair[0], pair[1].key))
    return [_passage(hit, score, order) for score, hit in ranked[:top_k]]


def tokens(text: str) -> list[str]:
    """Search tokens of `text`: folded words, and character bigrams of scripts written
    without spaces."""
    out: list[str] = []
    for run in re.findall(rf"{_WITHOUT_SPACES}|\w+", fold(text)):
        if re.fullmatch(_WITHOUT_SPACES, run) and len(run) > 1:
            out += [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            out.append(run)
    return out


def _bm25(corpus: list[list[str]], query: list[str]) -> list[float]:
    """BM25 scores of the query against each document, scaled so the best is 1."""
    import bm25s  # here: only questions with passages to rank need it

    if not query or not any(corpus):
        return [0.0] * len(corpus)
    index = bm25s.BM25()
    index.index([doc or [""] for doc in corpus], show_progress=False)
    known = [token for token in query if token in index.vocab_dict]
    scores = index.get_scores(known) if known else [0.0] * len(corpus)
    best = max(scores, default=0.0)
    return [float(s) / best if best > 0 else 0.0 for s in scores]


def _score(fact: PracticeFact, wanted: set[str]) -> float:
    if fact.tail == fact.head:
        return 0.6
    return 1.0 if fact.tail in wanted else 0.7


def _rank(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


def _fact(fact: PracticeFact, score: float, narrower: list[str]) -> Evidence:
    """The fact as evidence; one on a broader concept of the question's `narrower` ones
    scores half and goes with the first of them."""
    return Evidence(
        kind=fact.kind,
        head=fact.head,
        tail=fact.tail,
        region=fact.region,
        lang=fact.lang,
        statement=fact.statement,
        statement_local=fact.statement_local,
        source=fact.source,
        key=fact.key,
        score=round(score * (_BROADER if narrower else 1.0), 4),
        via=narrower[0] if narrower else None,
    )


def _passage(hit: PassageHit, score: float, order: list[str]) -> Evidence:
    # A passage grounds the step that names the first of the question's concepts it mentions.
    cui = min(hit.cuis, key=lambda c: order.index(c) if c in order else len(order))
    text = hit.text if len(hit.text) <= _PROMPT_CHARS else hit.text[:_PROMPT_CHARS].rsplit(" ", 1)[0] + " ..."
    return Evidence(
        kind="passage",
        head=cui,
        tail=cui,
        region=hit.region or "",
        lang=hit.lang,
        statement=text,
        statement_local=text,
        source=f"{hit.title} ({hit.source})",
        key=hit.key,
        score=round(score, 4),
    )
