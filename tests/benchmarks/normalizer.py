"""Normalizer speed and size on a generated lexicon of one million terms.

    python tests/benchmarks/normalizer.py [--quick] [--terms N]

The lexicon is the shipped seed plus generated terms in the seven languages with realistic
lengths and scripts (Latin words of syllables, Yoruba with tone marks, Han, kana, Hangul,
Thai). Measures, on one core: index build time and memory (lexicon, fuzzy index, Aho-
Corasick automaton), the on-disk cache size and load time, exact and fuzzy (top-5) lookups
per second, and mention finding in characters per second on the real MultiMed-X samples
(tests/data/multimedx), without and with word boundaries (the text's language passed to
`find`, so Japanese is tokenized where a match may cut a word: `kg.linking.boundaries`),
in wall-clock and CPU time (the machine may be shared), then the same per language, with
Chinese, Korean and Thai running text written for this benchmark. `--quick` uses 50k
terms. Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import pickle
import platform
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl

from ingest import read_jsonl, seed_dir
from ingest.records import ConceptRecord
from kg.linking.boundaries import SEGMENTED, tokenizer
from kg.linking.lexicon import ConceptInfo, Lexicon, TermRow
from kg.linking.normalizer import Normalizer

DATA = Path(__file__).resolve().parents[1] / "data" / "multimedx"
# Latin-script words from ~1,600 syllables: about the variety of medical Greek and Latin
# morphemes, so that character n-grams are neither all distinct nor all shared.
SYLLABLES = [
    onset + vowel + coda
    for onset in [
        "",
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "ch",
        "ph",
        "th",
        "tr",
        "pr",
        "st",
        "pl",
        "cr",
        "gl",
    ]
    for vowel in ["a", "e", "i", "o", "u", "y", "ae", "io"]
    for coda in ["", "n", "s", "l", "r", "t", "m", "x"]
]
YORUBA = ["à", "á", "ẹ", "ọ", "ṣ", "è", "é", "ò", "ó", "ì", "í", "ù", "ú", "gb", "kp", "b", "d", "f", "l", "m", "n"]
# Running text in the languages the MultiMed-X samples lack, written for this benchmark: a
# clinical note and patient questions with seed terms, inflected, in compounds, and words
# that hold a term (其中风险, 한방울, ไอศกรีม).
OTHER_TEXTS = [
    (
        "患者男性，六十五岁，有糖尿病和高血压病史十年。三天前出现发热、咳嗽，伴有胸痛和呼吸困难。"
        "其中风险最高的是心肌梗死和中风，医生建议住院观察。血糖控制不佳，近期体重下降。"
        "我们交流感情时他说最近经常头痛，晚上睡不好。孩子去年得过疟疾，用青蒿素治疗后痊愈。"
        "请问糖尿病人可以吃水果吗？服用二甲双胍后出现腹泻怎么办？",
        "zh",
    ),
    (
        "환자는 65세 남성으로 당뇨병과 고혈압을 10년 동안 앓아 왔다. 사흘 전부터 열이 나고 기침을 하며 "
        "가슴 통증과 호흡곤란이 있었다. 의사는 심근경색과 뇌졸중의 위험이 높다고 보고 입원을 권했다. "
        "아이는 작년에 말라리아에 걸렸지만 치료 후 회복되었다. 당뇨병성 신경병증이 의심되어 검사를 받았다. "
        "물 한방울도 마시기 힘들 만큼 구토가 심했고 한방 치료도 받아 보았다. 메트포르민을 먹은 뒤 설사가 났는데 "
        "어떻게 해야 하나요?",
        "ko",
    ),
    (
        "ผู้ป่วยชายอายุหกสิบห้าปี เป็นโรคเบาหวานและความดันโลหิตสูงมาสิบปี สามวันก่อนมีไข้ ไอ และเจ็บหน้าอก "
        "หายใจลำบาก แพทย์กังวลเรื่องกล้ามเนื้อหัวใจตายและโรคหลอดเลือดสมอง จึงให้นอนโรงพยาบาล "
        "เด็กคนนี้เคยเป็นมาลาเรียเมื่อปีที่แล้ว หลังรักษาก็หายดี ฉันชอบกินไอศกรีมแต่หมอบอกว่าผู้ป่วยเบาหวานควรงดของหวาน "
        "กินยาเมตฟอร์มินแล้วท้องเสียควรทำอย่างไร",
        "th",
    ),
]
RANGES = {"zh": (0x4E00, 0x9FA5), "ja_kana": (0x30A1, 0x30F6), "ko": (0xAC00, 0xD7A3), "th": (0x0E01, 0x0E2E)}


def _word(rng: random.Random, lang: str) -> str:
    if lang in ("en", "sw"):
        words = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
        return " ".join(words)
    if lang == "yo":
        return " ".join("".join(rng.choices(YORUBA, k=rng.randint(3, 7))) for _ in range(rng.choice([1, 2])))
    if lang == "ja":
        low, high = RANGES["ja_kana"] if rng.random() < 0.5 else RANGES["zh"]
    else:
        low, high = RANGES[lang]
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(2, 6)))


def generated(n_terms: int, rng: random.Random) -> tuple[list[ConceptInfo], Iterator[TermRow]]:
    n_concepts = n_terms // 7
    concepts = [
        ConceptInfo(
            cui=f"MC{900000 + i % 100000:06d}" if i < 100000 else f"ML{i:012x}",
            name=f"generated {i}",
            semantic_types=("T047",),
        )
        for i in range(n_concepts)
    ]
    langs = ["en", "zh", "ja", "ko", "sw", "th", "yo"]

    def terms() -> Iterator[TermRow]:
        for i in range(n_terms):
            yield TermRow(text=_word(rng, langs[i % 7]), lang=langs[i % 7], cui=concepts[i % n_concepts].cui)

    return concepts, terms()


def seed() -> tuple[list[ConceptInfo], list[TermRow]]:
    records = [r for path in sorted(seed_dir().glob("concepts*.jsonl")) for r in read_jsonl(path, ConceptRecord)]
    concepts = [ConceptInfo(cui=r.cui, name=r.name, semantic_types=tuple(r.semantic_types)) for r in records]
    terms = [TermRow(text=t, lang=lang, cui=r.cui) for r in records for lang, ts in r.terms.items() for t in ts]
    return concepts, terms


def real_text() -> list[tuple[str, str]]:
    texts = []
    for name in ("liveqa_jp_sample10.xlsx", "bionli_jp_sample10.xlsx"):
        sheet = openpyxl.load_workbook(DATA / name, read_only=True).active
        for en, ja, *_ in list(sheet.iter_rows(values_only=True))[1:]:  # type: ignore[union-attr]
            texts += [(str(en), "en"), (str(ja), "ja")]
    record = json.loads((DATA / "liveqa_sw_example.jsonl").read_text(encoding="utf-8"))
    return texts + [(record["en"], "en"), (record["sw"], "sw")]


def typo(text: str, rng: random.Random) -> str:
    """One typing error: two letters swapped, one dropped, doubled or replaced."""
    i = rng.randrange(1, len(text) - 2)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]


def rate(count: int, seconds: float) -> int:
    return round(count / seconds) if seconds else 0


def find_rates(find: Callable[[str, str | None], object], texts: list[tuple[str, str]], bounded: bool) -> list[int]:
    """Mention finding over `texts` in characters per second, wall-clock and CPU time, with
    word boundaries (the language passed) or without."""
    chars = sum(len(text) for text, _ in texts)
    wall, cpu = time.perf_counter(), time.process_time()
    for text, lang in texts:
        find(text, lang if bounded else None)
    return [rate(chars, time.perf_counter() - wall), rate(chars, time.process_time() - cpu)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--terms", type=int, default=None)
    args = parser.parse_args()
    n_terms = args.terms or (50_000 if args.quick else 1_000_000)
    rng = random.Random(7)
    results: dict[str, object] = {"generated_terms": n_terms}

    seed_concepts, seed_terms = seed()
    gen_concepts, gen_terms = generated(n_terms, rng)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    lexicon = Lexicon([*seed_concepts, *gen_concepts], [*seed_terms, *gen_terms])
    results["lexicon_build_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    normalizer = Normalizer(lexicon)
    results["fuzzy_index_build_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    normalizer.matcher.find("build the automaton")
    results["automaton_build_s"] = round(time.perf_counter() - start, 2)
    results["index_terms"], results["index_keys"] = len(lexicon), len(lexicon.keys)
    results["index_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before, 1)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lexicon.pickle"
        start = time.perf_counter()
        path.write_bytes(pickle.dumps(normalizer, protocol=pickle.HIGHEST_PROTOCOL))
        results["cache_write_s"] = round(time.perf_counter() - start, 2)
        results["cache_mb"] = round(path.stat().st_size / 2**20, 1)
        start = time.perf_counter()
        pickle.loads(path.read_bytes())
        results["cache_load_s"] = round(time.perf_counter() - start, 2)

    sample = rng.sample(range(len(lexicon)), min(20_000, len(lexicon)))  # --terms 7: the seed alone
    queries = [(lexicon.texts[i], lexicon._langs[i]) for i in sample]
    start = time.perf_counter()
    answers = [normalizer.lookup(text, lang) for text, lang in queries]
    results["exact_lookups_per_s"] = rate(len(queries), time.perf_counter() - start)
    expected = [lexicon._cuis[i] for i in sample]
    results["exact_recall_at_5"] = round(
        sum(cui in {c.cui for c in found} for cui, found in zip(expected, answers, strict=True)) / len(queries), 4
    )

    picked = [i for i in sample[:6000] if len(lexicon.texts[i]) >= 6]
    typos = [(typo(lexicon.texts[i], rng), lexicon._langs[i]) for i in picked]
    start = time.perf_counter()
    answers = [normalizer.lookup(text, lang) for text, lang in typos]
    results["fuzzy_lookups_per_s"] = rate(len(typos), time.perf_counter() - start)
    expected = [lexicon._cuis[i] for i in picked]
    results["fuzzy_recall_at_5"] = round(
        sum(cui in {c.cui for c in found} for cui, found in zip(expected, answers, strict=True)) / len(typos), 4
    )

    texts = real_text() * 20
    chars = sum(len(text) for text, _ in texts)
    for lang in sorted(SEGMENTED):  # loaded once per process, on first use: not timed below
        start = time.perf_counter()
        tokenizer(lang).boundaries("")
        results[f"tokenizer_load_s_{lang}"] = round(time.perf_counter() - start, 2)

    def find(text: str, lang: str | None) -> object:
        return normalizer.matcher.find(text, lang=lang)

    spans = sum(len(normalizer.matcher.find(text)) for text, _ in texts)
    bounded_spans = sum(len(normalizer.matcher.find(text, lang=lang)) for text, lang in texts)
    # Alternated, so that a change of load on the machine falls on both alike.
    plain, bounded = find_rates(find, texts, False), find_rates(find, texts, True)
    plain2, bounded2 = find_rates(find, texts, False), find_rates(find, texts, True)
    results["mention_find_chars_per_s"] = max(plain[0], plain2[0])
    results["mention_find_cpu_chars_per_s"] = max(plain[1], plain2[1])
    results["mention_find_bounded_chars_per_s"] = max(bounded[0], bounded2[0])
    results["mention_find_bounded_cpu_chars_per_s"] = max(bounded[1], bounded2[1])
    by_lang = {"ja": [(text, lang) for text, lang in texts if lang == "ja"]}
    by_lang |= {lang: [(text, lang)] * 100 for text, lang in OTHER_TEXTS}
    results["mention_find_cpu_chars_per_s_by_lang"] = {
        lang: {"without": find_rates(find, items, False)[1], "with": find_rates(find, items, True)[1]}
        for lang, items in by_lang.items()
    }
    start = time.perf_counter()
    linked = sum(len(normalizer.link(text, lang)) for text, lang in texts)
    results["link_chars_per_s"] = rate(chars, time.perf_counter() - start)
    results.update(text_chars=chars, spans=spans, bounded_spans=bounded_spans, linked=linked)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results.update(quick=args.quick, python=platform.python_version())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
