"""The language contract's identifier: the expected language or the run's other one, drug
names in Latin script inside Japanese or Thai not counted, short texts left undecided."""

from __future__ import annotations

import pytest

from reasoning.language_contract import identify

CASES = [
    ("Mtoto ana homa na kutetemeka kwa siku mbili; hizi ni dalili za malaria.", "sw", "en", "ok"),
    ("A young child in Kenya with two days of fever suggests malaria.", "sw", "en", "violation"),
    ("Ọmọdé kan ní ibà, àyẹ̀wò ẹ̀jẹ̀ sì fi hàn pé ó ní àìsàn ibà tí kò le.", "yo", "en", "ok"),
    ("Omode kan ni iba, ayewo eje si fi han pe o ni aisan iba ti ko le.", "yo", "en", "ok"),  # no tone marks
    ("The child has malaria and should receive artemether-lumefantrine.", "yo", "en", "violation"),
    ("Umntwana unomkhuhlane kanye nokuqhaqhazela izinsuku ezimbili.", "zu", "en", "ok"),
    ("患者有发热和寒战，疟疾快速诊断试验阳性，应给予青蒿素类复方。", "zh", "en", "ok"),
    ("マラリアの患者にはArtemether-lumefantrineを3日間投与する。", "ja", "en", "ok"),  # a drug name in Latin script
    ("マラリアの患者には青蒿素を投与する。", "ja", "en", "ok"),  # kana and kanji, weighed against Chinese
    ("말라리아 환자에게 artemether-lumefantrine을 투여한다.", "ko", "en", "ok"),
    ("ผู้ป่วยมาลาเรียควรได้รับยา artemether-lumefantrine และ primaquine", "th", "en", "ok"),
    ("The patient has malaria and needs artemether-lumefantrine.", "th", "en", "violation"),  # all Latin
    ("患者有发热，应给予青蒿素类复方治疗。", "ja", "en", "violation"),  # Chinese where Japanese is asked
    ("Fever and a positive malaria test point to malaria in this child.", "en", "sw", "ok"),
    ("Mtoto ana homa na kipimo cha malaria ni chanya, kwa hiyo ana malaria.", "en", "sw", "violation"),
    ("P. falciparum parasitaemia.", "en", "yo", "uncertain"),  # too short to tell
    ("Artemether-lumefantrine.", "sw", "en", "uncertain"),
    ("Any text at all", "en", "en", "uncertain"),  # an English question: nothing to tell apart
    ("Umntwana unomkhuhlane kanye nokuqhaqhazela.", "am", "en", "uncertain"),  # no model for Amharic
]


@pytest.mark.parametrize(("text", "expected", "other", "verdict"), CASES)
def test_identify(text: str, expected: str, other: str, verdict: str) -> None:
    assert identify(text, expected, other).verdict == verdict
