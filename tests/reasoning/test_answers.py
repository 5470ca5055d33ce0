"""`parse_answer`: what models really write, read right or called unparseable, never guessed."""

from __future__ import annotations

import pytest

from reasoning.answers import ParsedAnswer, allowed_answers, parse_answer
from reasoning.results import Item, is_correct
from reasoning.stages import task_instruction

SW = {"A": "Chanjo ya homa ya ini aina B", "B": "Dawa za kupunguza homa", "C": "Kupumzika", "D": "Upasuaji"}
EN = {"A": "Iron deficiency", "B": "Hepatitis B", "C": "Tuberculosis", "D": "Vitamin D deficiency"}
ZH = {"A": "肺结核", "B": "急性支气管炎", "C": "支气管哮喘", "D": "心力衰竭"}
YO = {"A": "Artemether-lumefantrine", "B": "Metformin", "C": "Amoxicillin", "D": "Insulin"}
TH = {"A": "ยาพาราเซตามอล", "B": "ยาปฏิชีวนะ", "C": "การพักผ่อน", "D": "การผ่าตัด"}
TWO = ("entailment", "contradiction")

MCQ_READ = [
    # the whole reply is a letter
    ("C", EN, "C", "letter"),
    ("c", EN, "C", "letter"),
    ("Ｃ", EN, "C", "letter"),
    ("(B)", EN, "B", "letter"),
    ("**D**", EN, "D", "letter"),
    ("A.", EN, "A", "letter"),
    (" b \n", EN, "B", "letter"),
    ("ค", TH, "C", "letter"),
    ("ง.", TH, "D", "letter"),
    # an answer phrase names it, in each language
    ("The answer is C.", EN, "C", "answer phrase"),
    ("A diagnosis of tuberculosis fits best, so the answer is C.", EN, "C", "answer phrase"),
    ("Answer: (D)", EN, "D", "answer phrase"),
    ("The correct answer is B because hepatitis B vaccination prevents it.", EN, "B", "answer phrase"),
    ("Final answer: A", EN, "A", "answer phrase"),
    ("C is correct.", EN, "C", "answer phrase"),
    ("Option B is the correct answer.", EN, "B", "answer phrase"),
    ("The answer is C, not A.", EN, "C", "answer phrase"),
    ("答案是A", ZH, "A", "answer phrase"),
    ("答案：B。", ZH, "B", "answer phrase"),
    ("正确答案为 A，因为患者有盗汗和体重减轻。", ZH, "A", "answer phrase"),
    ("答えはA", YO, "A", "answer phrase"),
    ("正解はＢです。", YO, "B", "answer phrase"),
    ("정답은 B입니다.", YO, "B", "answer phrase"),
    ("정답: D", YO, "D", "answer phrase"),
    ("Jibu ni C", SW, "C", "answer phrase"),
    ("Jibu sahihi ni B.", SW, "B", "answer phrase"),
    ("คำตอบคือ ง", TH, "D", "answer phrase"),
    ("คำตอบที่ถูกต้องคือ ข", TH, "B", "answer phrase"),
    ("คำตอบคือ A", TH, "A", "answer phrase"),
    ("Ìdáhùn ni A", YO, "A", "answer phrase"),
    ("Idahun: B", YO, "B", "answer phrase"),
    ("Ìdáhùn ni A nítorí pé artemether-lumefantrine ni oògùn àkọ́kọ́.", YO, "A", "answer phrase"),
    ("Jibu ni A kwa sababu ni chanjo.", SW, "A", "answer phrase"),  # A is not a word after a Swahili phrase
    ("คำตอบคือ A เพราะเป็นยามาตรฐาน", TH, "A", "answer phrase"),
    # a letter and a delimiter first
    ("B. Dawa za kupunguza homa, kwa sababu ...", SW, "B", "leading letter"),
    ("(A) Artemether-lumefantrine is first line.", YO, "A", "leading letter"),
    ("D) Vitamin D deficiency", EN, "D", "leading letter"),
    # an option's text
    ("Chanjo ya homa ya ini aina B", SW, "A", "option text"),
    ("Vitamin D deficiency", EN, "D", "option text"),
    ("hepatitis b.", EN, "B", "option text"),
    ("肺結核", ZH, "A", "option text"),  # traditional script
    ("The answer is Tuberculosis.", EN, "C", "option text"),
    ("Artemether lumefantrin", YO, "A", "option text (near match)"),
]

MCQ_UNREAD = [
    ("", EN, "the reply is empty"),
    ("The answer is a bacterial infection.", EN, "no option letter"),
    ("Answer: A diagnosis of exclusion.", EN, "no option letter"),
    ("I think it is hepatitis B or iron deficiency", EN, "no option letter"),
    ("Vitamin D", EN, "no option letter"),  # "D" inside a name is not the letter D
    ("A and C", EN, "several letters (A, C)"),
    ("A. Iron deficiency; but the answer is B", EN, "different letters (A, B)"),
    ("The answer is B. No wait, the answer is C.", EN, "different letters (B, C)"),
    ("E", EN, "no option letter"),  # not an option
    ("The answer is A because iron is low.", EN, "no option letter"),  # "A" may be the article here
    ("The answer is B or C.", EN, "different letters (B, C)"),
    ("答案是B或C", ZH, "different letters (B, C)"),
    ("答えはBかCです", YO, "different letters (B, C)"),
    ("정답은 B 또는 C입니다", YO, "different letters (B, C)"),
    ("Jibu ni B au C", SW, "different letters (B, C)"),
    ("คำตอบคือ ข และ ค", TH, "different letters (B, C)"),
    ("答案是E", ZH, "no option letter"),
    ("It could be tuberculosis or heart failure", ZH, "no option letter"),
    ("ค", EN | {"E": "x", "F": "y"}, "no option letter"),  # six options: not Thai exam letters A-E
]

NLI = [
    # (reply, labels, value or None, how contains)
    ("entailment", None, "entailment", "label"),
    ("Entailment.", None, "entailment", "label"),
    ("The hypothesis is entailed by the premise.", None, "entailment", "label"),
    ("The premise entails the hypothesis.", None, "entailment", "label"),
    ("No, it's an entailment.", None, "entailment", "label"),
    ("contradiction", None, "contradiction", "label"),
    ("The premise contradicts the hypothesis.", None, "contradiction", "label"),
    ("Neutral", None, "neutral", "label"),
    ("It is not neutral; the premise contradicts it.", None, "contradiction", "label"),
    ("The answer is: contradiction", None, "contradiction", "answer phrase"),
    ("Label: Entailment", None, "entailment", "answer phrase"),
    ("蕴含", None, "entailment", "label"),
    ("矛盾", None, "contradiction", "label"),
    ("中立", None, "neutral", "label"),
    ("함의", None, "entailment", "label"),
    ("含意", None, "entailment", "label"),
    ("not entailment", None, None, "negates ['entailment']"),
    ("not_entailment", None, None, "negates ['entailment']"),
    ("There is no contradiction.", None, None, "negates ['contradiction']"),
    ("There is no evidence of contradiction here.", None, None, "negates ['contradiction']"),
    ("The premise does not entail the hypothesis.", None, None, "negates ['entailment']"),
    ("entailment or neutral", None, None, "affirms ['entailment', 'neutral']"),
    ("The premise is about fever.", None, None, "no label"),
    ("没有矛盾", None, None, "negates ['contradiction']"),
    ("矛盾しない", None, None, "negates ['contradiction']"),
    ("모순이 아닙니다", None, None, "negates ['contradiction']"),
    # two-way (MultiMed-X BioNLI): negating one label names the other
    ("not entailment", TWO, "contradiction", "the other of two"),
    ("There is no contradiction.", TWO, "entailment", "the other of two"),
    ("不矛盾", TWO, "entailment", "the other of two"),
    ("含意しない", TWO, "contradiction", "the other of two"),
    ("모순되지 않습니다", TWO, "entailment", "the other of two"),
    ("neutral", TWO, None, "not one of ['entailment', 'contradiction']"),
    ("entailment or neutral", TWO, None, "not one of"),
    ("The premise neither entails nor contradicts it.", TWO, None, "negates ['contradiction', 'entailment']"),
    ("전제는 가설을 함의하지 않습니다", TWO, "contradiction", "the other of two"),
    ("前提と仮説は矛盾していません", TWO, "entailment", "the other of two"),
    ("前提与假设之间不存在矛盾", TWO, "entailment", "the other of two"),
    ("전제와 가설 사이에 모순은 없습니다", TWO, "entailment", "the other of two"),
    ("没有任何矛盾", TWO, None, "not clear"),  # a negation we do not read for certain: re-asked
    ("不能排除矛盾", TWO, None, "not clear"),  # a double negation
    ("We cannot rule out a contradiction.", TWO, None, "not clear"),
]


@pytest.mark.parametrize(("text", "options", "value", "how"), MCQ_READ)
def test_mcq_replies_are_read(text: str, options: dict[str, str], value: str, how: str) -> None:
    assert parse_answer(text, "mcq", options) == ParsedAnswer(value=value, status="parsed", how=how)


@pytest.mark.parametrize(("text", "options", "why"), MCQ_UNREAD)
def test_mcq_replies_that_cannot_be_read_for_certain_are_unparseable(
    text: str, options: dict[str, str], why: str
) -> None:
    parsed = parse_answer(text, "mcq", options)
    assert parsed.status == "unparseable" and parsed.value is None and why in parsed.how


def test_several_letters_where_the_item_allows_them() -> None:
    assert parse_answer("A and C", "mcq", EN, multiple=True).value == "A,C"
    assert parse_answer("B和D", "mcq", ZH, multiple=True).value == "B,D"
    assert parse_answer("Answer: C, A", "mcq", EN, multiple=True).value == "A,C"
    assert parse_answer("Answer: C, A", "mcq", EN).status == "unparseable"  # where one is asked


def test_an_item_with_several_right_options_is_right_only_with_all_of_them() -> None:
    item = Item(question="Choose two.", lang="en", task="mcq", options=EN, gold="A,C", multiple=True)
    assert is_correct(item, "C,A") and is_correct(item, "a, c")
    assert not is_correct(item, "A") and not is_correct(item, "A,B,C") and not is_correct(item, None)
    assert "every right option letter" in task_instruction(item)


@pytest.mark.parametrize(("text", "labels", "value", "how"), NLI)
def test_nli_replies_are_read_with_their_negations(
    text: str, labels: tuple[str, ...] | None, value: str | None, how: str
) -> None:
    parsed = parse_answer(text, "nli", labels=labels) if labels else parse_answer(text, "nli")
    assert (parsed.value, parsed.status) == (value, "parsed" if value else "unparseable")
    assert how in parsed.how


def test_free_text_is_the_reply_itself() -> None:
    assert parse_answer("  Artemether-lumefantrine kwa siku tatu. ", "qa") == ParsedAnswer.read(
        "Artemether-lumefantrine kwa siku tatu.", "text"
    )
    assert parse_answer(" \n", "qa").status == "unparseable"


def test_allowed_answers_name_what_a_re_ask_accepts() -> None:
    assert allowed_answers("mcq", EN) == "exactly one of the option letters A, B, C, D"
    assert allowed_answers("nli", labels=TWO) == "exactly one of the labels entailment, contradiction"


def test_the_table_is_large() -> None:
    assert len(MCQ_READ) + len(MCQ_UNREAD) + len(NLI) >= 60
