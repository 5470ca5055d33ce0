"""Japanese terms by their reading: one word written in kanji, in kana, or in both.

Japanese writes many medical words either in kanji or in kana, and people write kana for the
kanji they cannot write or do not know: 脳こうそく for 脳梗塞 (cerebral infarction), みずぼうそう
for 水疱瘡 (chickenpox), せき for 咳 (cough), げり for 下痢; the other way, 鬱病 for うつ病 and 癌
for がん, where the vocabulary holds the kana spelling. Characters cannot see these; the reading
can. Each Japanese term with kanji is indexed under its reading (`ReadingIndex`), as MeCab with
IPAdic reads it (the tokenizer of `kg.linking.boundaries`), folded like every key (katakana
to hiragana); a looked-up text is read the same way (`reading`, its best parse; kana are their
own reading), and a term read alike is a candidate (`Normalizer` method "reading", below an exact match).

Readings collide: こうそく is 梗塞 (infarction) and 拘束 (restraint), かんせん 感染 (infection)
and 汗腺 (sweat gland). So the normalizer takes a reading match only

- when nothing matched exactly (an exact match always wins, and a reading match scores
  below every exact and variant match);
- when kana is on at least one side: a kanji query and a kanji term that merely sound alike
  are two words (拘束 is no spelling of 梗塞), while kana says the writer spelt the sound;
- when the terms read alike belong to one concept, or the query's own kanji decide among
  them (汗せん has the 汗 of 汗腺; かんせん alone is refused);
- when neither the query nor its reading is a common word, the reading has two kana or more
  (い, "stomach" 胃 or the adjective ending, is no term), and the term does not contradict
  the query (`kg.linking.opposites`).

IPAdic's readings are its dictionary's, which are not always the medical ones: it reads 麻疹
(measles) ハシカ, not the clinical マシン, 腹痛 ハライタ before フクツウ, 浮腫 ムクミ before
フシュ. So a term keeps several readings where the tokenizer gives them: its best parse, and
every other parse among MeCab's best few that reads the whole term as one dictionary word
(腹痛 フクツウ, 浮腫 フシュ, 寒気 カンキ); parses that cut the term into other words
(ココロスジコウソク for 心筋梗塞) are left out. A looked-up text is read by its best parse only
(the four best cost four times one), so a kanji query meets a kana term by its first reading
alone (腹痛 is read はらいた, and would not find a term written ふくつう). Limits: a reading IPAdic
does not have is missed (麻しん, which it reads マシン, does not meet 麻疹's ハシカ; a kanji it
cannot read alone, as 疹 in 帯状ほう疹, leaves the text without a reading); long vowels are compared as IPAdic's reading
writes them (コウソク, not the pronunciation コーソク); running text is not matched by reading
(only looked-up terms, and a short text linked as one term), since reading every stretch of
kana in a text would cost mention finding far more than it gains.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from kg.linking.text import fold

__all__ = ["MIN_READING", "ReadingIndex", "has_kana", "has_kanji", "kanji_agree", "reading", "readings"]

MIN_READING = 2  # kana: a one-kana reading (い, め, は) is a particle or an ending as often as a word
_NBEST = 4  # parses asked of MeCab: the best, and whole-word alternatives among the next three
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9d]")
_KANJI = re.compile("[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_INFLECTED = frozenset({"動詞", "形容詞"})  # verbs and adjectives: IPAdic's parts of speech


def has_kana(text: str) -> bool:
    return bool(_KANA.search(text))


def has_kanji(text: str) -> bool:
    return bool(_KANJI.search(text))


def kanji_agree(query: str, key: str) -> bool:
    """Whether every kanji of the (folded) query is in the (folded) key: the query's own
    kanji pick the term (汗せん: 汗腺, not 感染)."""
    kanji = _KANJI.findall(query)
    return bool(kanji) and all(char in key for char in kanji)


class _Tagger:
    """MeCab (fugashi) over IPAdic, asked for its best parses in text form; serialized, since
    MeCab keeps its lattice between calls."""

    def __init__(self) -> None:
        try:
            import fugashi
            import ipadic

            self._tagger: Any = fugashi.GenericTagger(f'-r /dev/null -d "{ipadic.DICDIR}"')
        except Exception as error:
            from kg.linking.boundaries import TokenizerMissing

            raise TokenizerMissing(
                "Japanese readings need fugashi and ipadic (dependencies of med-coreasoner, whose "
                f"dictionary ships in its package): pip install fugashi ipadic ({type(error).__name__}: {error})"
            ) from error
        self._lock = threading.Lock()

    def parses(self, text: str, best: int = _NBEST) -> list[list[tuple[str, str, str | None]]]:
        """MeCab's `best` parses of `text`, each a list of (surface, part of speech, reading or None)."""
        with self._lock:
            output: str = self._tagger.nbest(text, best) if best > 1 else self._tagger.parse(text) + "\n"
        parses = []
        for block in output.split("EOS\n"):
            tokens = []
            for line in block.split("\n"):
                surface, tab, features = line.partition("\t")
                if not tab:
                    continue
                fields = features.split(",")
                reading = fields[7] if len(fields) > 7 and fields[7] != "*" else None
                tokens.append((surface, fields[0], reading))
            if tokens:
                parses.append(tokens)
        return parses


@cache
def _tagger() -> _Tagger:
    return _Tagger()


def _read(tokens: list[tuple[str, str, str | None]]) -> str | None:
    """The reading of one parse: each token's reading, or the token itself when it has no
    kanji (kana, Latin letters, digits). None where IPAdic does not know the word and guesses
    its reading character by character, which mixes native and Chinese readings (黄熱 read
    き|ねつ for おうねつ, 振戦 ふ|せん for しんせん, 耳鳴 みみ|な): a kanji token without a reading;
    two single-kanji tokens side by side (a compound IPAdic does not hold); a verb or adjective
    written in kanji with no kana after it (振 read ふ, 骨折 read as the verb ほねお(る)), where
    its own okurigana would stand (痒|み is read; 振|戦 is not)."""
    pieces = []
    for i, (surface, pos, reading) in enumerate(tokens):
        if reading is None:
            if has_kanji(surface):
                return None
            pieces.append(surface)
            continue
        following = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if pos in _INFLECTED and _KANJI.match(surface[-1]) and not _KANA.match(following[:1]):
            return None
        if i and _KANJI.fullmatch(surface) and _KANJI.fullmatch(tokens[i - 1][0]):
            return None
        pieces.append(reading)
    return fold("".join(pieces)).replace(" ", "")


def _readings(text: str, best: int = _NBEST) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", text)
    if not has_kanji(text):
        return (fold(text).replace(" ", ""),) if has_kana(text) else ()
    found: list[str] = []
    for rank, tokens in enumerate(_tagger().parses(text, best)):
        if rank and (len(tokens) != 1 or tokens[0][0] != text):  # after the best: whole words only
            continue
        reading = _read(tokens)
        if reading is not None and reading not in found:
            found.append(reading)
    return tuple(found)


def readings(text: str) -> tuple[str, ...]:
    """The readings of Japanese `text`, folded (hiragana), best first, as a term is indexed:
    kana text is its own reading; text with kanji is read by MeCab with IPAdic (see the
    module docstring). Empty when a kanji in it has no reading, or the text has neither kanji
    nor kana."""
    return _readings(text)


@lru_cache(maxsize=65536)
def reading(text: str) -> str | None:
    """The reading of a looked-up text: MeCab's best parse only (a single parse costs a
    quarter of its four best, and every Japanese lookup without an exact match asks)."""
    found = _readings(text, best=1)
    return found[0] if found else None


class ReadingIndex:
    """Lexicon key ids by the readings of their Japanese terms that hold kanji. (A term in
    kana alone is its own reading: its key already says it.)"""

    def __init__(self) -> None:
        self._keys: dict[str, array[int]] = {}

    def add(self, key_id: int, text: str) -> None:
        """Index key `key_id` under the readings of `text`, one of its Japanese terms."""
        if not has_kanji(text):
            return
        for reading in _readings(text):
            if len(reading) < MIN_READING:
                continue
            ids = self._keys.get(reading)
            if ids is None:
                ids = self._keys[reading] = array("i")
            if key_id not in ids:
                ids.append(key_id)

    def search(self, reading: str) -> Sequence[int]:
        """Key ids of the terms read `reading` (folded)."""
        return self._keys.get(reading, ())

    def __len__(self) -> int:
        return len(self._keys)
