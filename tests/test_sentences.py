"""The sentence splitter that rebuilds MLQA-R from raw MLQA."""

import json

import pytest

from hybridir.sentences import sentence_spans
from tests.support import shared_benchmark


def sentences(text: str, lang: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "It rained. We stayed in.", ["It rained.", "We stayed in."]),
        ("en", "Dr. Smith met Mr. J. Doe. They talked.", ["Dr. Smith met Mr. J. Doe.", "They talked."]),
        (
            "en",
            "The U.S. economy grew. Prices (e.g. food) rose!",
            ["The U.S. economy grew.", "Prices (e.g. food) rose!"],
        ),
        ("en", 'He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("en", "Is it 3.5 metres? Yes.", ["Is it 3.5 metres?", "Yes."]),
        ("de", "Am 22. April kam Wilhelm I. an. Er blieb.", ["Am 22. April kam Wilhelm I. an.", "Er blieb."]),
        ("zh", "他来了。她走了！1995年，他们回来。", ["他来了。", "她走了！1995年，他们回来。"]),
        ("hi", "यह एक है।यह दो है। यह तीन है।", ["यह एक है।", "यह दो है।", "यह तीन है।"]),
        ("ar", "هذا أول.هذا ثان. هذا ثالث؟ نعم.", ["هذا أول.", "هذا ثان.", "هذا ثالث؟", "نعم."]),
        ("en", "  Leading space. No end", ["Leading space.", "No end"]),
        ("en", "", []),
    ],
)
def test_splits_like_lareqa(lang: str, text: str, expected: list[str]) -> None:
    assert sentences(text, lang) == expected


def test_spans_index_the_original_text() -> None:
    text = "One.  Two!\nThree?"
    assert sentence_spans(text, "en") == [(0, 4), (6, 10), (11, 17)]


MLQA_R_LANGUAGES = ["ar", "de", "en", "es", "hi", "vi", "zh"]


@pytest.mark.parametrize("lang", MLQA_R_LANGUAGES)
def test_recovers_lareqa_mlqa_r_sentences(lang: str) -> None:
    """On LAReQA's MLQA-R with its sentence_breaks removed, >= 90% of its sentences come back."""
    data = json.loads((shared_benchmark("mlqa-r") / f"{lang}.json").read_text())
    total = found = 0
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            gold = [context[s:e].strip() for s, e in paragraph["sentence_breaks"]]
            ours = {context[s:e].strip() for s, e in sentence_spans(context, lang)}
            total += len(gold)
            found += sum(sentence in ours for sentence in gold)
    assert found / total >= 0.90, f"{lang}: {found}/{total} = {found / total:.3f}"
