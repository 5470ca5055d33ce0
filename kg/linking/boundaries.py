"""Word boundaries in running text written without spaces between words.

The dictionary matcher (`kg.linking.mentions`) finds terms anywhere in Japanese, Chinese and
Thai text and inside Korean words, so it also finds them inside other words: がん (cancer) in
がんばって, ไอ (cough) in ไอศกรีม (ice cream), 한방 (Korean medicine) in 한방울 (a drop), 中风
(stroke) across 其中|风险. Here a tokenizer of the text's language says where its words begin
and end, and a match counts only if it starts and ends on those boundaries (a term of
several words is fine).

A term inside one word still counts when the rest of that word stands alone as a word: a
medical compound is about its parts (糖尿病 in 糖尿病人 "diabetic", がん in 胃がん "stomach
cancer", ไข้ in เป็นไข้ "to have a fever", 당뇨병 in 당뇨병성 "diabetic"), and when the compound
itself is a term the longest match already takes it. What stands alone: Han characters in
Chinese and Japanese (each is a morpheme; kana left over is an inflection or another word,
as ばっ in がんばっ), a word of the tokenizer's dictionary in Thai and Korean (ศกรีม is not).

Only the sentences holding a match whose edge falls between two letters of these scripts
are tokenized, once per call, and only when that match gets its turn in the longest-first
choice: text without such a match costs nothing. The tokenizers ship their dictionaries in
their packages (nothing is downloaded at run time): MeCab (fugashi) with IPAdic for
Japanese and mecab-ko-dic for Korean, jieba (rjieba) for Chinese, newmm (nlpO3) with
PyThaiNLP's word list for Thai. Each loads on first use, once per process; a missing one is
an error naming the package, never a silent fallback to matching anywhere.
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

# Letters of the scripts matched without word boundaries: Han (with 々 and 〇), kana and the
# prolonged sound mark, Hangul syllables and jamo, Thai.
_LETTER = re.compile(
    "[\u3005\u3007\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u0e01-\u0e5b]"
)
_INSIDE, _BOUNDARY, _UNKNOWN = 0, 1, 2
_TWO_LETTERS = re.compile(f"{_LETTER.pattern}{{2}}")
_HAN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HIRAGANA_WORD = re.compile("[\u3041-\u3096\u309d\u309e\u30fc]+")
_KATAKANA_WORD = re.compile("[\u30a1-\u30fa\u30fc\u30fd\u30fe\uff66-\uff9f]+")
# A stretch tokenized on its own: a sentence or a line. (Commas and brackets would do as
# well, but each call of a tokenizer costs a few microseconds beside its text; and spaces
# stay in: the Korean tokenizer reads a word better with the words around it, 세르트랄린을
# alone is 세르|트|랄|린을, in a sentence 세르트랄린|을.)
_STRETCH = re.compile("[^\n\r.!?\u3002\uff01\uff0e\uff1f]+[.!?\u3002\uff01\uff0e\uff1f]*")


class TokenizerMissing(RuntimeError):
    """A tokenizer, or its dictionary, cannot be loaded; the message names what to install."""


class Tokenizer(Protocol):
    # Whether a word of the tokenizer may be read as two words where a term begins or ends:
    # Thai's dictionary holds phrases (เป็นโรค "to have a disease", ออกมา "to come out"), while
    # every Han character and Hangul syllable is a word, so there it would let anything pass.
    splits_words: bool

    def boundaries(self, stretch: str) -> list[int]:
        """Where the words of `stretch` (a sentence) start and end, as offsets. (Plain
        integers: a list of tuples per sentence would wake the garbage collector, which then
        walks the whole lexicon.)"""
        ...

    def stands_alone(self, piece: str) -> bool:
        """Whether `piece`, the rest of a word around a term, is a word by itself."""
        ...


class WordBoundaries:
    """The words of one text, tokenized lazily a sentence at a time."""

    def __init__(self, text: str, lang: str) -> None:
        self._text = text
        self._tokenizer = tokenizer(lang)
        self._stretches: list[tuple[int, int]] | None = None
        # For each position between characters: _BOUNDARY, _INSIDE a word, or _UNKNOWN until
        # its sentence is tokenized. (This runs for most matches in a text: a byte array
        # answers by index, and finds the word around a position with C's find.)
        self._marks = bytearray([_UNKNOWN]) * (len(text) + 1)

    def cuts(self, start: int, end: int) -> bool:
        """Whether [start, end) of the text starts or ends inside a word, other than as a
        part of a compound whose rest stands alone, or (Thai) where the word reads as two
        words."""
        marks = self._marks
        if marks[start] == _BOUNDARY and marks[end] == _BOUNDARY:  # most matches, once tokenized
            return False
        text = self._text
        check_start = marks[start] != _BOUNDARY and start > 0 and _TWO_LETTERS.match(text, start - 1) is not None
        check_end = marks[end] != _BOUNDARY and _TWO_LETTERS.match(text, end - 1) is not None
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
        text, marks, stands = self._text, self._marks, self._tokenizer.stands_alone
        before = marks.rfind(_BOUNDARY, 0, start) if cut_start else start  # where the cut word starts
        after = marks.find(_BOUNDARY, end) if cut_end else end  # where the cut word ends
        inside_one_word = marks.find(_BOUNDARY, start + 1, end) < 0
        if inside_one_word and all(stands(piece) for piece in (text[before:start], text[end:after]) if piece):
            return True  # a compound whose rest stands alone: 胃|がん, 糖尿病|人
        if not self._tokenizer.splits_words:  # Han splits anywhere: 其中|风险 is not 其|中风|险
            return False
        # The cut word reads as two words there: เป็น|โรค, ออก|มา, but not ไอ|ศกรีม.
        next_boundary, last_boundary = marks.find(_BOUNDARY, start + 1), marks.rfind(_BOUNDARY, 0, end)
        starts_well = not cut_start or (stands(text[before:start]) and stands(text[start:next_boundary]))
        ends_well = not cut_end or (stands(text[last_boundary:end]) and stands(text[end:after]))
        return starts_well and ends_well

    def _tokenize(self, at: int) -> None:
        """Mark the words of the sentence holding the character at `at` (a character
        outside any is a word alone)."""
        if self._stretches is None:
            self._stretches = [m.span() for m in _STRETCH.finditer(self._text)]
        index = bisect_right(self._stretches, (at, len(self._text))) - 1
        low, high = self._stretches[index] if index >= 0 else (at, at)
        marks = self._marks
        if not low <= at < high:
            marks[at], marks[at + 1] = _BOUNDARY, _BOUNDARY
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
    """Serializes calls to a tokenizer that keeps state between calls (MeCab's lattice)."""

    def __init__(self, inner: Tokenizer) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.splits_words = inner.splits_words

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
        self.splits_words = False  # every Hangul syllable, like every Han character, is a word

    def boundaries(self, stretch: str) -> list[int]:
        return _boundaries(stretch, self._wakati.parse(stretch).split())

    def stands_alone(self, piece: str) -> bool:
        if self._han:
            return bool(_HAN.fullmatch(piece))
        words = self._tagger(piece)
        return len(words) == 1 and not words[0].is_unk


def _japanese() -> Tokenizer:
    try:
        import ipadic

        return _Locked(_MeCab(ipadic.DICDIR, han_stands_alone=True))
    except Exception as error:
        raise _missing("Japanese", "fugashi ipadic", error) from error


def _korean() -> Tokenizer:
    try:
        import mecab_ko_dic  # the python-mecab-ko-dic package

        return _Locked(_MeCab(str(mecab_ko_dic.dictionary_path), han_stands_alone=False))
    except Exception as error:
        raise _missing("Korean", "fugashi python-mecab-ko-dic", error) from error


class _Jieba:
    """jieba's dictionary and model, in Rust (rjieba)."""

    def __init__(self) -> None:
        import rjieba

        self.splits_words = False
        self._cut: Callable[[str], list[str]] = rjieba.cut
        self._cut("糖尿病")  # loads the dictionary now, not in the middle of a text

    def boundaries(self, stretch: str) -> list[int]:
        return _boundaries(stretch, self._cut(stretch))

    def stands_alone(self, piece: str) -> bool:
        return bool(_HAN.fullmatch(piece))


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
