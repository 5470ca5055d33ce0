"""Benchmark readers: each released layout into BenchmarkItem (ids, language, task, gold,
options, English parallel, NLI labels), language filters, and malformed rows named by file,
row and field, or counted with skip_bad."""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import ingest.benchmarks
from ingest.benchmarks import BENCHMARKS, BenchmarkItem, SkippedRow, load_benchmark
from kg.errors import ConfigError, IngestError

DATA = Path(__file__).parent / "data" / "benchmarks"
SAMPLES = Path(__file__).parents[1] / "data" / "multimedx"
BIONLI = SAMPLES / "bionli_jp_sample10.xlsx"
LIVEQA = SAMPLES / "liveqa_jp_sample10.xlsx"
NLI = ["entailment", "contradiction"]


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _by_id(items: list[BenchmarkItem]) -> dict[str, BenchmarkItem]:
    return {item.id: item for item in items}


def test_the_package_exports_the_interface() -> None:
    assert set(ingest.benchmarks.__all__) == {
        "BenchmarkItem",
        "BenchmarkLoad",
        "SkippedRow",
        "BENCHMARKS",
        "load_benchmark",
    }
    assert set(BENCHMARKS) == {"multimedx", "mmedbench", "global-mmlu", "mmlu-prox", "jsonl"}


# MultiMed-X: the real samples


def test_bionli_sample_splits_every_row_at_its_markers() -> None:
    load = load_benchmark("multimedx", BIONLI)
    assert [item.id for item in load.items] == [f"bionli_jp_sample10.xlsx:{row}" for row in range(2, 12)]
    assert {(item.dataset, item.lang, item.task) for item in load.items} == {("multimedx", "ja", "nli")}
    assert all(item.labels == NLI for item in load.items)
    assert [item.gold for item in load.items] == [
        "entailment",
        "entailment",
        "contradiction",
        "contradiction",
        "contradiction",
        "entailment",
        "contradiction",
        "entailment",
        "entailment",
        "contradiction",
    ]
    first = load.items[0]  # its hypothesis marker is mid-line, after "。  "
    premise, hypothesis = first.question.split("\n仮説: ")
    assert premise.startswith("前提: イカチバント（ブラジキニン2型受容体拮抗薬）")
    assert "我々の仮説は" in premise  # "仮説" without a colon is text, not a marker
    assert hypothesis.startswith("結論として、イカチバントは") and hypothesis.endswith("可能性がある。")
    assert first.english is not None
    assert first.english.startswith("Premise: Icatibant, a bradykinin-2 receptor antagonist")
    assert "\nHypothesis: In conclusion, icatibant induces" in first.english
    for item in load.items:  # leading newlines and the space after "前提:\n" are gone
        assert item.question.startswith("前提: ") and not item.question.startswith("前提:  ")
        assert item.question.count("\n仮説: ") == 1
        assert item.english_gold is None and item.source == item.id


def test_bionli_row_without_hypothesis_marker_names_file_row_and_column(tmp_path: Path) -> None:
    # Every Japanese cell of the released sample has both markers; row 7 loses its
    # hypothesis marker here, as a cell of the full release might.
    book = openpyxl.load_workbook(BIONLI)
    sheet = book.active
    assert sheet is not None
    cell = sheet.cell(row=7, column=2)
    cell.value = str(cell.value).replace("\n\n仮説:\n", "\n\n")
    broken = tmp_path / BIONLI.name
    book.save(broken)

    with pytest.raises(IngestError) as caught:
        load_benchmark("multimedx", broken)
    assert str(caught.value).endswith(
        "bionli_jp_sample10.xlsx:7: jp: no hypothesis marker (前提/仮説 or Premise/Hypothesis)"
    )
    assert caught.value.line == 7

    load = load_benchmark("multimedx", broken, skip_bad=True)
    assert len(load.items) == 9 and "bionli_jp_sample10.xlsx:7" not in _by_id(load.items)
    assert load.skipped == [
        SkippedRow(
            source="bionli_jp_sample10.xlsx:7", reason="jp: no hypothesis marker (前提/仮説 or Premise/Hypothesis)"
        )
    ]


def test_liveqa_sample_keeps_repeated_english_questions_apart() -> None:
    items = load_benchmark("multimedx", LIVEQA).items
    assert len(items) == len({item.id for item in items}) == 10
    assert {(item.lang, item.task, item.labels, item.options) for item in items} == {("ja", "qa", None, None)}
    two, three = _by_id(items)["liveqa_jp_sample10.xlsx:2"], _by_id(items)["liveqa_jp_sample10.xlsx:3"]
    assert two.english == three.english and two.english is not None
    assert two.english.startswith("Literature on Cardiac amyloidosis.")
    assert two.english_gold != three.english_gold
    assert two.english_gold is not None and two.english_gold.startswith("Cardiac amyloidosis is a disorder")
    assert two.question.startswith("心臓アミロイドーシスに関する資料について。")
    assert two.gold is not None and two.gold.startswith("心臓アミロイドーシスは、異常なタンパク質")
    night = _by_id(items)["liveqa_jp_sample10.xlsx:5"]
    assert night.question == "先天性夜盲症があるとき、いつ、どのようにして分かりますか？"
    assert all("質問" not in item.question and "回答:" not in (item.gold or "") for item in items)


def test_liveqa_jsonl_example_and_a_directory_filtered_by_language() -> None:
    (item,) = load_benchmark("multimedx", SAMPLES / "liveqa_sw_example.jsonl").items
    assert (item.id, item.lang, item.task) == ("liveqa_sw_example.jsonl:1", "sw", "qa")
    assert item.question.startswith("Machapisho kuhusu Amyloidosis ya moyo.")
    assert item.question.endswith("Asante kwa ufupi.")  # the blank line before "Jibu:" is gone
    assert item.gold == (
        "Amyloidosis ya moyo ni ugonjwa unaosababishwa na kuwepo kwa protini isiyo ya kawaida (amyloid) "
        "kwenye tishu za moyo. Viambatisho hivi husababisha moyo kushindwa kufanya kazi ipasavyo."
    )
    assert item.english_gold is not None and item.english_gold.startswith("Cardiac amyloidosis is a disorder")

    japanese = load_benchmark("multimedx", SAMPLES, langs=["jp"]).items
    assert len(japanese) == 20 and {item.lang for item in japanese} == {"ja"}
    assert [item.id for item in load_benchmark("multimedx", SAMPLES, langs=["sw"]).items] == [item.id]
    assert len(load_benchmark("multimedx", SAMPLES).items) == 21


# MultiMed-X: layouts written here


def test_release_sheets_with_uneven_markers(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "bionli_zh_3.xlsx",
        [
            ["EN", "zh", "gold_label"],
            [
                "\nPremise:\nAspirin irreversibly inhibits platelet cyclooxygenase.\n\nHypothesis:\nAspirin reduces "
                "platelet aggregation.\n",
                "\nPremise：\n阿司匹林不可逆地抑制血小板环氧化酶。\n\nHypothesis ：阿司匹林可减少血小板聚集。",
                "entailment",
            ],
            [
                "Premise: Vitamin C deficiency causes scurvy. Hypothesis: Scurvy is caused by excess vitamin C.",
                "Premise: 缺乏维生素C会导致坏血病。 Hypothesis: 坏血病是维生素C过量引起的。",
                " Contradiction ",
            ],
        ],
    )
    nfd = unicodedata.normalize("NFD", "Ìbéèrè:")  # tone marks as separate code points
    _xlsx(
        tmp_path / "liveqa_yo_2.xlsx",
        [
            ["EN", "yo"],
            [
                "Question:\nWhat causes malaria?\nAnswer:\nA parasite spread by mosquito bites.",
                "Ìbéèrè:\nKí ló ń fa ibà?\nIÌdáhùn:\nKòkòrò àrùn tí ẹ̀fọn ń gbé.",
            ],
            [
                "Question:\nIs measles contagious?\nAnswer:\nYes, very.",
                f"{nfd}\nṢé àrùn mẹ́sílì ń ràn?\nÌdáhùn：\nBẹ́ẹ̀ni, gan-an.",
            ],
        ],
    )
    load = load_benchmark("multimedx", tmp_path)
    items = _by_id(load.items)
    assert list(items) == ["bionli_zh_3.xlsx:2", "bionli_zh_3.xlsx:3", "liveqa_yo_2.xlsx:2", "liveqa_yo_2.xlsx:3"]
    first = items["bionli_zh_3.xlsx:2"]
    assert first.question == "Premise: 阿司匹林不可逆地抑制血小板环氧化酶。\nHypothesis: 阿司匹林可减少血小板聚集。"
    assert first.english == (
        "Premise: Aspirin irreversibly inhibits platelet cyclooxygenase.\nHypothesis: Aspirin reduces platelet "
        "aggregation."
    )
    assert (items["bionli_zh_3.xlsx:3"].gold, items["bionli_zh_3.xlsx:3"].labels) == ("contradiction", NLI)
    malaria = items["liveqa_yo_2.xlsx:2"]
    assert (malaria.lang, malaria.question, malaria.gold) == ("yo", "Kí ló ń fa ibà?", "Kòkòrò àrùn tí ẹ̀fọn ń gbé.")
    assert (malaria.english, malaria.english_gold) == ("What causes malaria?", "A parasite spread by mosquito bites.")
    assert items["liveqa_yo_2.xlsx:3"].gold == "Bẹ́ẹ̀ni, gan-an."
    assert [item.lang for item in load_benchmark("multimedx", tmp_path, langs=["yo"]).items] == ["yo", "yo"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            ["Premise: A. Hypothesis: B.", "Premise: 甲。", "entailment"],
            "zh: no hypothesis marker (Premise/Hypothesis)",
        ),
        (["Premise: A. Hypothesis: B.", "前提: 甲。 仮説: 乙。", "entailment"], "zh: no premise marker at the start"),
        (["Premise: A. Hypothesis: B.", "Premise: 甲。", None], "zh: no hypothesis marker"),
        (["Premise: A. Hypothesis: B.", "Premise: 甲。 Hypothesis: 乙。", "neutral"], "gold_label: 'neutral' is not"),
        (["Premise: A. Hypothesis: B.", "Premise: 甲。 Hypothesis: 乙。", None], "gold_label: empty"),
        (["Premise: A.", "Premise: 甲。 Hypothesis: 乙。", "entailment"], "EN: no hypothesis marker"),
        (
            ["Premise: A. Hypothesis: B.", "Premise: 甲。 Hypothesis: 乙。\nHypothesis: 丙。", "entailment"],
            "zh: 2 hypothesis markers (Hypothesis:, Hypothesis:); cannot tell where the hypothesis starts",
        ),
    ],
)
def test_malformed_bionli_rows(tmp_path: Path, cells: list[Any], message: str) -> None:
    sheet = _xlsx(tmp_path / "bionli_zh_2.xlsx", [["EN", "zh", "gold_label"], cells])
    with pytest.raises(IngestError, match="bionli_zh_2.xlsx:2: ") as caught:
        load_benchmark("multimedx", sheet)
    assert message in str(caught.value)


def test_release_sheet_missing_a_column_names_it(tmp_path: Path) -> None:
    sheet = _xlsx(tmp_path / "liveqa_ko_1.xlsx", [["EN", "zh"], ["Question: a? Answer: b.", "问题: 甲？ 答案: 乙。"]])
    with pytest.raises(IngestError, match=r"liveqa_ko_1.xlsx:1: ko: missing column \(the columns are: EN, zh\)"):
        load_benchmark("multimedx", sheet, skip_bad=True)  # a whole file: skipping rows cannot help


def test_dataset_card_table_links_english_rows_by_id() -> None:
    items = load_benchmark("multimedx", DATA / "multimedx").items
    assert [(item.id, item.lang, item.task) for item in items] == [
        ("nli-001", "en", "nli"),
        ("nli-001", "zh", "nli"),
        ("qa-001", "en", "qa"),
        ("qa-001", "sw", "qa"),
        ("qa-002", "sw", "qa"),
    ]
    nli_zh = items[1]
    assert nli_zh.question == (
        "Premise: 在一项为期12周的试验中，二甲双胍降低了2型糖尿病成人患者的空腹血糖。\n"
        "Hypothesis: 二甲双胍可改善2型糖尿病的血糖控制。"
    )
    assert (nli_zh.gold, nli_zh.labels, nli_zh.english) == ("entailment", NLI, items[0].question)
    qa_sw = items[3]
    assert qa_sw.question == "Ninapaswa kutumia antibiotiki kwa muda gani kwa maambukizi ya koo ya streptokokasi?"
    assert qa_sw.gold == "Dozi ya penisilini au amoksilini kwa kawaida huchukua siku 10."
    assert qa_sw.english == "How long should antibiotics be taken for strep throat?"
    assert qa_sw.english_gold == "A course of penicillin or amoxicillin usually lasts 10 days."
    bare = items[4]  # a question without markers, the label as its reference answer
    assert (bare.question, bare.gold, bare.english) == (
        "Dalili za malaria ni zipi?",
        "Homa, kutetemeka na maumivu ya kichwa.",
        None,
    )
    assert [item.id for item in load_benchmark("multimedx", DATA / "multimedx", langs=["sw"]).items] == [
        "qa-001",
        "qa-002",
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx"])
def test_dataset_card_as_jsonl_or_xlsx(tmp_path: Path, suffix: str) -> None:
    header = ["id", "lang", "task", "source", "text", "label"]
    rows = [
        ["n1", "ko", "nli", "BioNLI", "Premise: 환자는 열이 있다. Hypothesis: 환자는 발열 상태이다.", "entailment"],
        [
            "q1",
            "ko",
            "qa",
            "LiveQA",
            "질문: 독감 예방 접종은 매년 맞아야 하나요? 답변: 네, 매년 맞는 것이 좋습니다.",
            "",
        ],
        ["q2", "xx", "qa", "LiveQA", "Question: a? Answer: b.", ""],
    ]
    path = tmp_path / f"card{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(dict(zip(header, r, strict=True))) + "\n" for r in rows), encoding="utf-8")
    else:
        _xlsx(path, [header, *rows])
    load = load_benchmark("multimedx", path, skip_bad=True)
    assert [(i.id, i.lang, i.task, i.gold) for i in load.items] == [
        ("n1", "ko", "nli", "entailment"),
        ("q1", "ko", "qa", "네, 매년 맞는 것이 좋습니다."),
    ]
    assert load.items[1].question == "독감 예방 접종은 매년 맞아야 하나요?"
    row = 3 if suffix == ".jsonl" else 4  # a sheet's header is its row 1
    assert len(load.skipped) == 1 and load.skipped[0].source == f"card{suffix}:{row}"
    assert load.skipped[0].reason.startswith("lang: 'xx' is not an ISO 639-1 language code")


def test_card_ids_must_not_repeat_within_a_language(tmp_path: Path) -> None:
    card = tmp_path / "card.csv"
    card.write_text(
        "id,lang,task,source,text,label\nq1,sw,qa,LiveQA,Homa ni nini?,Joto la mwili.\n"
        "q1,sw,qa,LiveQA,Kikohozi ni nini?,Dalili.\n",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"card.csv:3: id: 'q1' repeats the id of card.csv:2 \(sw\)"):
        load_benchmark("multimedx", card)


def test_a_file_of_no_multimedx_layout_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(IngestError, match="notes.csv: not a MultiMed-X file: expected bionli_<lang>_<n>.xlsx"):
        load_benchmark("multimedx", tmp_path)


# MMedBench


def test_mmedbench_reads_test_files_named_by_language() -> None:
    load = load_benchmark("mmedbench", DATA / "mmedbench")  # Train/ is left out
    assert [(item.id, item.lang, item.gold, item.multiple) for item in load.items] == [
        ("Chinese.jsonl:1", "zh", "B", False),
        ("Chinese.jsonl:2", "zh", "A", False),
        ("Chinese.jsonl:3", "zh", "A", False),
        ("Japanese.jsonl:1", "ja", "A", False),
        ("Japanese.jsonl:2", "ja", "A,C", True),  # a question with two right answers
    ]
    first = load.items[0]
    assert (first.dataset, first.task, first.english, first.labels) == ("mmedbench", "mcq", None, None)
    assert first.options == {"A": "胃溃疡", "B": "十二指肠溃疡", "C": "慢性胃炎", "D": "胆囊炎", "E": "急性胰腺炎"}
    assert first.question.startswith("男，45岁，反复上腹痛3年")
    japanese = load_benchmark("mmedbench", DATA / "mmedbench" / "Test", langs=["jp"]).items
    assert [item.id for item in japanese] == ["Japanese.jsonl:1", "Japanese.jsonl:2"]


def test_mmedbench_malformed_records(tmp_path: Path) -> None:
    good = (DATA / "mmedbench" / "Test" / "Chinese.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(good[0])
    lines = [
        good[0],
        json.dumps({**record, "answer_idx": "F"}, ensure_ascii=False),
        '{"question": "发热的定义是", "options": {"A": ',
        json.dumps({key: value for key, value in record.items() if key != "question"}, ensure_ascii=False),
        good[1],
    ]
    (tmp_path / "Chinese.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load_benchmark("mmedbench", tmp_path)
    assert "Chinese.jsonl:2: answer_idx: 'F' is not one of the options (A, B, C, D, E)" in str(caught.value)

    load = load_benchmark("mmedbench", tmp_path, skip_bad=True)
    assert [item.id for item in load.items] == ["Chinese.jsonl:1", "Chinese.jsonl:5"]
    reasons = {skip.source: skip.reason for skip in load.skipped}
    assert list(reasons) == ["Chinese.jsonl:2", "Chinese.jsonl:3", "Chinese.jsonl:4"]
    assert reasons["Chinese.jsonl:3"].startswith("not valid JSON")
    assert reasons["Chinese.jsonl:4"] == "question: missing"


def test_mmedbench_file_named_by_no_language(tmp_path: Path) -> None:
    shutil.copy(DATA / "mmedbench" / "Test" / "Chinese.jsonl", tmp_path / "questions.jsonl")
    with pytest.raises(IngestError, match="cannot tell the language of this file: MMedBench names its files"):
        load_benchmark("mmedbench", tmp_path / "questions.jsonl")
    assert {i.lang for i in load_benchmark("mmedbench", tmp_path / "questions.jsonl", langs=["zh"]).items} == {"zh"}


# Global-MMLU


def test_global_mmlu_csv_keeps_medical_rows_only() -> None:
    load = load_benchmark("global-mmlu", DATA / "global_mmlu")  # dev-zh.csv is left out
    assert [(item.id, item.source) for item in load.items] == [
        ("clinical_knowledge/test/0", "test-zh.csv:2"),
        ("anatomy/test/3", "test-zh.csv:4"),
        ("college_medicine/test/7", "test-zh.csv:5"),  # the record after it starts on line 7
    ]
    first = load.items[0]
    assert (first.lang, first.task, first.gold, first.dataset) == ("zh", "mcq", "B", "global-mmlu")
    assert first.options == {"A": "40-50", "B": "60-100", "C": "110-130", "D": "140-160"}
    assert load.items[2].question == "胰岛素由胰岛中的哪种细胞分泌？\n（单选）"


def _parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_global_mmlu_parquet_language_from_its_directory(tmp_path: Path) -> None:
    def row(sample_id: str, category: str, question: str, answer: str = "A") -> dict[str, str]:
        return {
            "sample_id": sample_id,
            "subject": sample_id.split("/")[0],
            "subject_category": category,
            "question": question,
            "option_a": "Homa",
            "option_b": "Kikohozi",
            "option_c": "Upele",
            "option_d": "",
            "answer": answer,
        }

    _parquet(
        tmp_path / "sw" / "test-00000-of-00001.parquet",
        [
            row("virology/test/2", "Medical", "Dalili kuu ya malaria ni ipi?"),
            row("astronomy/test/5", "STEM", "Sayari iliyo karibu zaidi na jua ni ipi?"),
            row("nutrition/test/9", "Medical", "Ukosefu wa vitamini C husababisha nini?", "c"),
        ],
    )
    _parquet(tmp_path / "sw" / "dev-00000-of-00001.parquet", [row("nutrition/dev/0", "Medical", "Swali la mfano?")])
    items = load_benchmark("global-mmlu", tmp_path).items
    assert [(item.id, item.lang, item.gold, item.source) for item in items] == [
        ("virology/test/2", "sw", "A", "test-00000-of-00001.parquet:1"),
        ("nutrition/test/9", "sw", "C", "test-00000-of-00001.parquet:3"),
    ]
    assert items[0].options == {"A": "Homa", "B": "Kikohozi", "C": "Upele"}  # an empty option is no option

    bad = _parquet(tmp_path / "other" / "zu.parquet", [row("virology/test/2", "Medical", "Yini uqhuqho?", "D")])
    with pytest.raises(IngestError, match=r"zu.parquet:1: answer: 'D' is not one of the options \(A, B, C\)"):
        load_benchmark("global-mmlu", bad)


def test_parquet_without_pyarrow_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _parquet(tmp_path / "test-zh.parquet", [{"sample_id": "x"}])
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import now fails as if missing
    with pytest.raises(IngestError, match=r"test-zh.parquet: reading Parquet needs pyarrow: pip install "):
        load_benchmark("global-mmlu", path)
    with pytest.raises(IngestError, match=r"med-coreasoner\[parquet\]"):
        load_benchmark("global-mmlu", path)


def test_table_language_unknown_missing_column_and_no_file_in_langs(tmp_path: Path) -> None:
    plain = tmp_path / "test.csv"
    shutil.copy(DATA / "global_mmlu" / "test-zh.csv", plain)
    with pytest.raises(IngestError, match="test.csv: cannot tell the language of this file: name its directory"):
        load_benchmark("global-mmlu", plain)
    assert {item.lang for item in load_benchmark("global-mmlu", plain, langs=["zh"]).items} == {"zh"}

    with pytest.raises(IngestError, match=r"no Global-MMLU file in ja here \(the files are in: zh\)"):
        load_benchmark("global-mmlu", DATA / "global_mmlu", langs=["ja"])

    lines = (DATA / "global_mmlu" / "test-zh.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "test.csv").write_text(
        "\n".join(line.rsplit(",", 2)[0] + "," + line.rsplit(",", 1)[1] for line in lines), encoding="utf-8"
    )  # the answer column cut out
    with pytest.raises(IngestError, match=r"test.csv:1: answer: missing column \(the columns are: sample_id,"):
        load_benchmark("global-mmlu", tmp_path / "zh" / "test.csv", skip_bad=True)


# MMLU-ProX


def test_mmlu_prox_keeps_health_rows_with_their_options() -> None:
    items = load_benchmark("mmlu-prox", DATA / "mmlu_prox" / "mmlu_prox_ja.csv").items
    assert [(item.id, item.lang, item.task, item.gold) for item in items] == [
        ("7001", "ja", "mcq", "A"),
        ("7003", "ja", "mcq", "B"),
        ("7004", "ja", "mcq", "B"),
    ]
    assert items[0].options == {"A": "心窩部", "B": "右下腹部", "C": "左下腹部", "D": "腰背部"}
    assert list(items[1].options or {}) == list("ABCDEFGHIJ")
    assert items[2].options == {
        "A": "アセトアミノフェン",
        "B": "アピキサバン",
        "C": "ロペラミド",
        "D": "ファモチジン",
        "E": "レボフロキサシン",
        "F": "プレドニゾロン",
    }
    assert all(item.dataset == "mmlu-prox" and item.english is None for item in items)


def test_mmlu_prox_malformed_rows(tmp_path: Path) -> None:
    header, *rows = (DATA / "mmlu_prox" / "mmlu_prox_ja.csv").read_text(encoding="utf-8").splitlines()
    rows[0] = rows[0].replace(",A,0,", ",E,4,")  # option_4 of this question is empty
    rows[2] = rows[2].replace(",B,1,", ",B,2,")  # the index says C
    path = tmp_path / "test-ja.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"test-ja.csv:2: answer: 'E' is not one of the options \(A, B, C, D\)"):
        load_benchmark("mmlu-prox", path)
    load = load_benchmark("mmlu-prox", path, skip_bad=True)
    assert [item.id for item in load.items] == ["7004"]
    assert [(skip.source, skip.reason) for skip in load.skipped] == [
        ("test-ja.csv:2", "answer: 'E' is not one of the options (A, B, C, D)"),
        ("test-ja.csv:4", "answer_index: 2 disagrees with answer 'B'"),
    ]


# Generic JSONL

FIELD_MAP = {"id": "qid", "question": "prompt", "gold": "label", "lang": "language", "options": "choices"}


def test_generic_jsonl_through_a_field_map() -> None:
    load = load_benchmark("jsonl", DATA / "generic.jsonl", field_map=FIELD_MAP)
    items = _by_id(load.items)
    assert list(items) == ["g1", "g2", "g3", "generic.jsonl:5"]  # line 4 is blank
    assert {item.dataset for item in load.items} == {"generic"}
    assert (items["g1"].task, items["g1"].gold, items["g1"].lang) == ("mcq", "B", "en")
    assert items["g1"].options == {"A": "Vitamin A", "B": "Vitamin C", "C": "Vitamin D", "D": "Vitamin K"}
    assert items["g2"].options == {"A": "Mbu", "B": "Maji machafu", "C": "Hewa"}
    assert (items["g3"].task, items["g3"].labels, items["g3"].gold) == ("nli", NLI, "entailment")
    last = items["generic.jsonl:5"]
    assert (last.task, last.gold, last.lang) == ("qa", None, "en")
    swahili = load_benchmark("jsonl", DATA / "generic.jsonl", field_map=FIELD_MAP, langs=["sw"], dataset="mine")
    assert [(item.id, item.dataset) for item in swahili.items] == [("g2", "mine")]


def test_generic_jsonl_language_from_the_one_asked_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "faq.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"prompt": "Je, kisukari kinaweza kuzuiwa?", "label": "Mara nyingi, kwa lishe bora."}),
                json.dumps(
                    {"prompt": "Dawa gani hutibu malaria?", "choices": ["Artemether", "Insulini"], "label": "C"}
                ),
                '{"prompt": "Kipindupindu ni nini?"',
                json.dumps({"label": "A"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    field_map = {"question": "prompt", "gold": "label", "options": "choices"}
    with pytest.raises(IngestError, match="faq.jsonl:1: lang: missing; give it in each record or ask for exactly one"):
        load_benchmark("jsonl", path, field_map=field_map)
    load = load_benchmark("jsonl", path, field_map=field_map, langs=["sw"], skip_bad=True)
    assert [(item.id, item.lang, item.task, item.gold) for item in load.items] == [
        ("faq.jsonl:1", "sw", "qa", "Mara nyingi, kwa lishe bora.")
    ]
    reasons = {skip.source: skip.reason for skip in load.skipped}
    assert reasons["faq.jsonl:2"] == "label (gold): 'C' is not one of the options (A, B)"
    assert reasons["faq.jsonl:3"].startswith("not valid JSON")
    assert reasons["faq.jsonl:4"] == "prompt (question): missing or empty"


# The loader's own checks


def test_loader_rejects_unknown_kinds_paths_languages_and_misplaced_field_maps(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'medqa' is not a benchmark kind; the kinds are multimedx, mmedbench"):
        load_benchmark("medqa", tmp_path)
    with pytest.raises(ConfigError, match="a field map is for the jsonl kind only"):
        load_benchmark("mmedbench", DATA / "mmedbench", field_map={"question": "q"})
    with pytest.raises(ConfigError, match="field map: prompt is not a field of an item"):
        load_benchmark("jsonl", DATA / "generic.jsonl", field_map={"prompt": "question"})
    with pytest.raises(ConfigError, match="'xx' is not an ISO 639-1 language code"):
        load_benchmark("mmedbench", DATA / "mmedbench", langs=["xx"])
    with pytest.raises(IngestError, match="missing.csv: no such file or directory"):
        load_benchmark("global-mmlu", tmp_path / "missing.csv")
    with pytest.raises(IngestError, match="no MMedBench files here"):
        load_benchmark("mmedbench", tmp_path)
