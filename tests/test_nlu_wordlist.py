"""The compact dictionary segments exactly as PyThaiNLP's own trie does (same words, same tokens)."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.tokenize import word_tokenize

from bot.nlu.wordlist import thai_dictionary

DATA = Path(__file__).resolve().parent / "data"


def test_same_tokens_as_the_trie_on_the_utterances():
    words = thai_dictionary()
    for line in (DATA / "utterances_heldout.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            text = json.loads(line)["text"]
            for keep in (True, False):
                assert word_tokenize(text, engine="newmm", keep_whitespace=keep, custom_dict=words) == \
                    word_tokenize(text, engine="newmm", keep_whitespace=keep), text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("กขคงจนมยรลวสหอะาิีึืุูเแโใไ่้๊๋ัำ็์ 0123abc"), max_size=40))
def test_same_tokens_as_the_trie_on_any_thai_letters(text):
    assert word_tokenize(text, engine="newmm", custom_dict=thai_dictionary()) == word_tokenize(text, engine="newmm")
