"""Reading the answer out of what a model wrote: one function for the pipeline and the
evaluation, and it never guesses. What it cannot read for certain is `unparseable`, with
the reason, and is counted as such; it is never mapped to the nearest answer.

Multiple choice, in this order (the first rule that reads something decides; a rule that
reads two different answers makes the reply unparseable):

1. the whole reply is an option letter: "C", "c", "(C)", "C.", "**C**", full-width "Ｃ", or
   a Thai exam letter (ก ข ค ง จ for A-E) when the options are lettered A-E;
2. an answer phrase names a letter: "the answer is C", "Answer: (C)", "答案是C", "答えはA",
   "정답은 B", "Jibu ni C", "คำตอบคือ ง", "Ìdáhùn ni A", "C is correct";
3. the reply opens with a letter and a delimiter: "B. Metformin, because" (not "A diagnosis");
4. the reply, or what follows its answer phrase, is an option's text: the same after folding
   (case, width, tone marks, punctuation), or one option within a small edit of it and no
   other close.

A letter anywhere else in the text ("vitamin D", "hepatitis B") is never read as an answer.

NLI: the labels named in the reply, each with the clause it sits in. A label in a clause
with a negation ("not entailment", "there is no contradiction", "矛盾しない") is negated. One
label named and not negated is the answer; with a two-label set, a reply that only negates
one label means the other. Anything else is unparseable. Labels are read in English and, where
we know the standard terms, in Chinese, Japanese and Korean (蕴含/矛盾/中立, 含意/矛盾/中立,
함의/모순/중립); other languages' replies are re-asked for the English label.

Free text (qa): the reply itself; an empty reply is unparseable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from kg.graph.model import Task
from kg.linking.text import fold

__all__ = ["NLI_LABELS", "ParsedAnswer", "allowed_answers", "parse_answer"]

NLI_LABELS = ("entailment", "contradiction", "neutral")
# Thai exams letter their options ก ข ค ง จ where English ones use A-E.
THAI_LETTERS = {"ก": "A", "ข": "B", "ค": "C", "ง": "D", "จ": "E"}
_FUZZY, _MARGIN = 90, 10  # option text: at least this similar, and this much more than the next


class ParsedAnswer(BaseModel):
    """What was read, whether it could be, and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str | None  # the letter(s) ("A", or "A,C" where several are allowed), the label, the text
    status: Literal["parsed", "unparseable"]
    how: str  # the rule that read it, or why nothing could be read

    @classmethod
    def read(cls, value: str, how: str) -> ParsedAnswer:
        return cls(value=value, status="parsed", how=how)

    @classmethod
    def unreadable(cls, why: str) -> ParsedAnswer:
        return cls(value=None, status="unparseable", how=why)


def parse_answer(
    text: str,
    task: Task,
    options: Mapping[str, str] | None = None,
    *,
    labels: Sequence[str] = NLI_LABELS,
    multiple: bool = False,
) -> ParsedAnswer:
    """The answer in `text` for an item of `task` (see the module docstring).

    Args:
        options: letter -> option text, for mcq.
        labels: the NLI label set (MultiMed-X BioNLI has two: entailment, contradiction).
        multiple: the item accepts several letters ("A, C").
    """
    if not text or not text.strip():
        return ParsedAnswer.unreadable("the reply is empty")
    if task == "qa":
        return ParsedAnswer.read(text.strip(), "text")
    if task == "nli":
        return _nli(text, tuple(labels))
    return _mcq(text, dict(options or {}), multiple)


def allowed_answers(task: Task, options: Mapping[str, str] | None = None, labels: Sequence[str] = NLI_LABELS) -> str:
    """What a reply may be, for a re-ask: "one of the letters A, B, C, D"."""
    if task == "mcq":
        return "exactly one of the option letters " + ", ".join(sorted(options or {}))
    if task == "nli":
        return "exactly one of the labels " + ", ".join(labels)
    return "a non-empty answer"


# -- multiple choice ---------------------------------------------------------------------

_JOINERS = r"(?:\s*(?:and|&|和|及|与|と|및|na|ati|และ)\s*|\s+)"
_ENGLISH_PHRASES = [
    r"(?:(?:correct|final|right|best)\s+)?answer(?:\s+(?:is|would\s+be|should\s+be))?\s*[:：=]?",
    r"(?:correct|right|best)\s+(?:option|choice)(?:\s+is)?\s*[:：]?",
]
_LOCAL_PHRASES = unicodedata.normalize(
    "NFKC",
    "|".join(
        [
            r"(?:正确)?答案(?:是|为|為|应为|应该是)?\s*[:：]?",
            r"(?:答え|正解|解答)(?:は)?\s*[:：]?",
            r"(?:정답|답)(?:은|는)?\s*[:：]?",
            r"jibu(?:\s+sahihi)?(?:\s+ni)?\s*[:：]?",
            r"คำตอบ(?:ที่ถูกต้อง)?(?:คือ)?\s*[:：]?",
            r"[iì]d[aá]h[uù]n(?:\s+ni)?\s*[:：]?",
        ]
    ),
)
_PHRASES = "|".join([*_ENGLISH_PHRASES, _LOCAL_PHRASES])
_ENDS = r"(?=\s*$|\s*[.,;:!?)\]」』。、，：]|[^\x00-\x7f\u0e00-\u0e7f])"  # end, punctuation, CJK or Hangul
# "B or C", "B 또는 C", "B或C", "BかC", "B au C", "ข และ ค": an answer phrase naming a hedge.
_OR = r"\s*(?:or|and|/|,|&|或者?|和|及|か|と|또는|및|au|na|ama|tabi|àbí|ati|หรือ|และ)\s*[(\[（]?\s*"


def _token(letters: Sequence[str], english: bool) -> str:
    """An option letter standing alone after an answer phrase, in one capturing group. A
    capital letter followed by a word counts, except A and I after an English phrase, where
    they may be words: "the answer is B because" reads B, "Jibu ni A kwa sababu" reads A,
    "the answer is a bacterial infection" reads nothing."""
    keys = "".join(re.escape(letter) for letter in letters)
    capitals = "".join(re.escape(letter) for letter in letters if letter.isupper() and not (english and letter in "AI"))
    thai = _thai(letters)
    parts = [rf"(?i:[{keys}]){_ENDS}"]
    if capitals:
        parts.append(rf"[{capitals}](?=\s+\w)")
    if thai:
        parts.append(rf"[{thai}](?![\u0e00-\u0e7f])")
    return rf"[(\[（]?\s*({'|'.join(parts)})"


def _thai(letters: Sequence[str]) -> str:
    """The Thai exam letters, when the options are lettered within A-E."""
    return "".join(THAI_LETTERS) if set(letters) <= set(THAI_LETTERS.values()) else ""


def _letter(token: str, letters: Sequence[str]) -> str:
    upper = THAI_LETTERS.get(token, token.upper())
    return next(letter for letter in letters if letter.upper() == upper)


def _mcq(text: str, options: dict[str, str], multiple: bool) -> ParsedAnswer:
    letters = sorted(options)
    if not letters:
        return ParsedAnswer.unreadable("the item has no options to choose from")
    plain = _unmarked(text)
    whole = _whole_letters(fold(plain), letters)
    if whole:
        if len(whole) == 1 or multiple:
            return ParsedAnswer.read(",".join(whole), "letter")
        return ParsedAnswer.unreadable(f"several letters ({', '.join(whole)}) where one is asked")
    named = _phrase_letters(plain, letters)
    leading = _leading_letter(plain, letters)
    if named and multiple:
        return ParsedAnswer.read(",".join(sorted(named)), "answer phrase")
    if named:
        if len(named | ({leading} if leading else set())) > 1:
            both = sorted(named | ({leading} if leading else set()))
            return ParsedAnswer.unreadable(f"the reply names different letters ({', '.join(both)})")
        return ParsedAnswer.read(named.pop(), "answer phrase")
    if leading:
        return ParsedAnswer.read(leading, "leading letter")
    return _option_text(plain, options)


def _unmarked(text: str) -> str:
    """NFKC (full-width letters), without markdown emphasis and code marks around answers."""
    return re.sub(r"[*_`#]+", " ", unicodedata.normalize("NFKC", text)).strip()


def _whole_letters(folded: str, letters: Sequence[str]) -> list[str]:
    """The letters when the whole reply is letters and joiners ("C", "(c)", "A and C", "ค")."""
    one = rf"[{''.join(re.escape(letter.casefold()) for letter in letters)}{_thai(letters)}]"
    if not re.fullmatch(rf"{one}(?:{_JOINERS}{one})*", folded):
        return []
    return sorted({_letter(token, letters) for token in re.findall(rf"(?<![a-z0-9]){one}(?![a-z0-9])", folded)})


def _phrase_letters(plain: str, letters: Sequence[str]) -> set[str]:
    """The letters answer phrases name, with the other letter of a hedge ("B or C")."""
    named: set[str] = set()
    for phrases, english in ((_ENGLISH_PHRASES, True), ([_LOCAL_PHRASES], False)):
        token = _token(letters, english)
        for match in re.finditer(rf"(?i:{'|'.join(phrases)})\s*{token}", plain):
            named.add(_letter(match.group(1), letters))
            other = rf"(?i:{_OR})([{''.join(map(re.escape, letters))}{_thai(letters)}])(?![A-Za-z\u0e00-\u0e7f])"
            hedge = re.match(other, plain[match.end() :])
            if hedge:
                named.add(_letter(hedge.group(1), letters))
    keys = "".join(map(re.escape, letters))
    before = re.finditer(
        rf"(?<![\w])(?i:option\s+|choice\s+)?([{keys}])\s+(?i:is\s+(?:the\s+)?"
        r"(?:(?:correct|right|best)(?:\s+(?:answer|option|choice))?|answer))\b",
        plain,
    )
    return named | {_letter(m.group(1), letters) for m in before}


def _leading_letter(plain: str, letters: Sequence[str]) -> str | None:
    keys = "".join(re.escape(letter) for letter in letters)
    opening = re.match(rf"[(\[（]?([{keys}])(?:\s*[.)\]）：:]|\s+[-–—]\s)", plain, re.IGNORECASE)
    return _letter(opening.group(1), letters) if opening else None


def _option_text(plain: str, options: dict[str, str]) -> ParsedAnswer:
    candidates = [fold(plain)]
    phrase = list(re.finditer(rf"(?i:{_PHRASES})", plain))
    if phrase:
        candidates.append(fold(plain[phrase[-1].end() :]))
    texts = {letter: fold(option) for letter, option in options.items()}
    for candidate in candidates:
        exact = [letter for letter, option in texts.items() if option and option == candidate]
        if len(exact) == 1:
            return ParsedAnswer.read(exact[0], "option text")
    for candidate in candidates:
        ranked = process.extract(candidate, texts, scorer=fuzz.ratio, limit=2)
        if ranked and ranked[0][1] >= _FUZZY and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= _MARGIN):
            return ParsedAnswer.read(str(ranked[0][2]), "option text (near match)")
    return ParsedAnswer.unreadable("no option letter, answer phrase or option text in the reply")


# -- NLI ---------------------------------------------------------------------------------

_LABEL_FORMS = {
    "entailment": r"entail\w*|蕴[含涵]|含意|함의",
    "contradiction": r"contradict\w*|矛盾|모순",
    "neutral": r"neutral\w*|中立|중립",
}
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|without|cannot|none)\b|n't|\b(?:isnt|doesnt|dont|arent|wasnt|didnt|cant)\b"
)
_DOUBLE_NEGATION = re.compile(r"\b(?:rule|ruled|rules) out\b|\bexclud\w*")  # "cannot rule out a contradiction"
# Negations of a label we read for certain: 不矛盾, 没有矛盾, 不是蕴含, 不存在矛盾; 矛盾しない,
# 矛盾していません, 矛盾はありません; 모순이 아니다, 모순은 없습니다, 함의하지 않습니다.
_NEGATION_BEFORE_CJK = re.compile(r"(?:不|没|没有|無|无|非|未)(?:是|有|存在)?$")
_NEGATION_AFTER_CJK = re.compile(
    r"^\s*(?:は|が|で|では|と|とは)?(?:し|して|してい|しており)?(?:ない|ません|ありません|なし|いない|いません)"
    r"|^\s*(?:이|가|은|는)?\s*(?:하지|되지)?\s*(?:않|없|아니|아닙)"
)
# Any other negation near a label leaves its sense unclear (没有任何矛盾, 不能排除矛盾, ...):
# such a reply is re-asked, never read one way or the other.
_NEGATION_NEAR_CJK = re.compile(r"[不没無无非未]|ない|ません|않|없|아니|아닙")
_CLAUSE = re.compile(
    r"[.;!?\n。；！？,，、]|\b(?:but|however|so|therefore|thus)\b|但是?|所以|因此|しかし|그러나|따라서"
)


def _nli(text: str, labels: tuple[str, ...]) -> ParsedAnswer:
    unknown = sorted(set(labels) - set(_LABEL_FORMS))
    if unknown:
        return ParsedAnswer.unreadable(f"unknown NLI labels {unknown}")
    plain = unicodedata.normalize("NFKC", text).casefold().replace("_", " ")
    forms = "|".join(_LABEL_FORMS.values())
    stated = re.search(rf"(?:answer|label)\s*(?:is|:)\s*\W*({forms})", plain)
    if (
        stated
        and _polarity(plain, stated.start(1), stated.end(1)) == "affirmed"
        and _label_of(stated.group(1)) in labels
    ):
        return ParsedAnswer.read(_label_of(stated.group(1)), "answer phrase")
    said: dict[str, set[str]] = {"affirmed": set(), "negated": set(), "unclear": set()}
    for mention in re.finditer(forms, plain):
        said[_polarity(plain, mention.start(), mention.end())].add(_label_of(mention.group()))
    positive, negated = said["affirmed"], said["negated"]
    if said["unclear"]:
        return ParsedAnswer.unreadable(f"the reply's wording around {sorted(said['unclear'])} is not clear")
    if positive - set(labels):
        return ParsedAnswer.unreadable(f"the reply names {sorted(positive - set(labels))}, not one of {list(labels)}")
    if len(positive) == 1 and not (positive & negated):
        return ParsedAnswer.read(positive.pop(), "label")
    if not positive and len(negated) == 1 and len(labels) == 2 and negated <= set(labels):
        other = next(label for label in labels if label not in negated)
        return ParsedAnswer.read(other, "label (the other of two, the reply negates one)")
    if not positive and not negated:
        return ParsedAnswer.unreadable(f"no label ({', '.join(labels)}) in the reply")
    return ParsedAnswer.unreadable(
        f"the reply affirms {sorted(positive) or 'no label'} and negates {sorted(negated) or 'none'}"
    )


def _polarity(text: str, start: int, end: int) -> str:
    """How the clause holding text[start:end] takes it: affirmed, negated, or unclear (a
    double negation, or a negation we cannot read for certain)."""
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    after_clause = _CLAUSE.search(text, end)
    before, after = text[clause_start:start], text[end : after_clause.start() if after_clause else len(text)]
    if _NEGATION.search(before):
        return "unclear" if _DOUBLE_NEGATION.search(before + after) else "negated"
    if _NEGATION_BEFORE_CJK.search(before) or _NEGATION_AFTER_CJK.search(after):
        return "negated"
    if _NEGATION_NEAR_CJK.search(before[-4:] + after):
        return "unclear"
    return "affirmed"


def _label_of(form: str) -> str:
    return next(label for label, forms in _LABEL_FORMS.items() if re.fullmatch(forms, form))
