"""Chinese homophones: what pinyin input methods type for a word that sounds the same."""

from __future__ import annotations

from kg.linking.homophones import HomophoneIndex, sound


def test_sound_is_toneless_pinyin_of_the_han_characters() -> None:
    assert sound("疟疾") == sound("虐疾") == "nue ji"
    assert sound("hiv感染") == "hiv gan ran"
    assert sound("malaria") is None


def test_a_homophone_must_share_half_its_characters() -> None:
    keys = ["疟疾", "糖尿病", "腹泻"]
    index = HomophoneIndex()
    for key_id, key in enumerate(keys):
        index.add(key_id, key)
    assert index.search("虐疾", keys) == [0]
    assert index.search("糖尿并", keys) == [1]
    assert index.search("腹写", keys) == [2]
    assert index.search("虐级", keys) == []  # "nue ji" too, but nothing in common
    assert index.search("疟疾", keys) == []  # the word itself is an exact match, not a homophone
