"""The corpus stage: translations joined back by id, filtered with reasons, every pair accounted for."""

import pandas as pd
import pytest

from hybridir.corpus import CorpusFilters, parallel_corpus, source_reasons, translated_corpus, translation_reason
from hybridir.tables import to_arrow
from hybridir.text import text_id

PAIRS = [
    ("Who founded Rome?", "Romulus founded Rome.", ["Paris is in France.", "Bern is in Switzerland."]),
    ("Who founded Rome?", "Romulus founded Rome.", []),
    ("", "An empty question.", []),
    ("Where is Bern?", "Bern is in Switzerland.", []),
    ("How old is Ann?", "Ann is thirty years old.", []),
    ("Which river?", "The river Tiber flows through Rome.", []),
]
GERMAN = {
    "Who founded Rome?": ("Wer gründete Rom?", []),
    "Romulus founded Rome.": ("Romulus gründete Rom.", []),
    "Paris is in France.": ("Paris liegt in Frankreich.", ["repetition"]),
    "Bern is in Switzerland.": ("Bern liegt in der Schweiz.", []),
    "Where is Bern?": ("Where is Bern?", []),
    "How old is Ann?": ("Wie alt ist Ann?", []),
    "Ann is thirty years old.": ("Ann ist dreißig Jahre alt, und das schon seit einem ganzen langen Jahr.", []),
}


def qa() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "qa_id": [f"toy/{i}" for i in range(len(PAIRS))],
            "dataset": "toy",
            "lang": "en",
            "question_id": [text_id(q) for q, _, _ in PAIRS],
            "question": [q for q, _, _ in PAIRS],
            "passage_id": [text_id(p) for _, p, _ in PAIRS],
            "passage": [p for _, p, _ in PAIRS],
            "answer": None,
            "negative_passage_ids": [[text_id(n) for n in ns] for _, _, ns in PAIRS],
            "negative_passages": [ns for _, _, ns in PAIRS],
        }
    )


def translations() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"text_id": text_id(s), "lang": "de", "text": t, "source_chars": len(s), "sentences": 1, "flags": f}
            for s, (t, f) in GERMAN.items()
        ]
    )


def test_every_pair_and_language_has_one_ledger_row_with_its_reason() -> None:
    filters = CorpusFilters(length_ratio=(0.5, 2.0))
    table, ledger = translated_corpus(qa(), {"de": translations()}, "en", filters)
    to_arrow(table, "parallel")
    to_arrow(ledger, "corpus_ledger")
    assert len(ledger) == len(PAIRS) * 2
    reasons = {k: None if pd.isna(v) else v for k, v in ledger.set_index(["pair_id", "lang"])["reason"].items()}
    assert reasons[("toy/0", "en")] is None and reasons[("toy/0", "de")] is None
    assert reasons[("toy/1", "en")] == reasons[("toy/1", "de")] == "duplicate_pair"
    assert reasons[("toy/2", "en")] == "empty_question"
    assert reasons[("toy/3", "de")] == "untranslated_copy"
    assert reasons[("toy/4", "de")] == "length_ratio"
    assert reasons[("toy/5", "de")] == "missing_translation"
    assert ledger.set_index(["pair_id", "lang"]).loc[("toy/5", "de"), "status"] == "failed"
    german = table[table["lang"] == "de"].set_index("pair_id")
    assert german.loc["toy/0", "question"] == "Wer gründete Rom?"
    assert list(german.loc["toy/0", "negative_passages"]) == ["Bern liegt in der Schweiz."]
    assert sorted(table.loc[table["lang"] == "en", "pair_id"]) == ["toy/0", "toy/3", "toy/4", "toy/5"]


def test_flag_filters_follow_the_config() -> None:
    data = translations()
    data.loc[data["text"] == "Wer gründete Rom?", "flags"] = pd.Series([["truncated_output"]] * 1).to_numpy()
    _, strict = translated_corpus(qa(), {"de": data}, "en")
    _, lenient = translated_corpus(qa(), {"de": data}, "en", CorpusFilters(filter_flags=()))
    assert strict.set_index(["pair_id", "lang"]).loc[("toy/0", "de"), "reason"] == "flagged_truncated_output"
    assert pd.isna(lenient.set_index(["pair_id", "lang"]).loc[("toy/0", "de"), "reason"])


def test_source_only_datasets_keep_their_language() -> None:
    table, ledger = translated_corpus(qa(), {}, "en")
    assert set(table["lang"]) == {"en"} and len(ledger) == len(PAIRS)


def test_parallel_sources_drop_duplicates_within_a_language() -> None:
    parallel = pd.DataFrame(
        {
            "pair_id": ["p/0", "p/1", "p/0", "p/1"],
            "dataset": "p",
            "lang": ["en", "en", "de", "de"],
            "question": ["Who?", "Who?", "Wer?", "Wo?"],
            "passage": ["Ann.", "Ann.", "Anna.", "Rom."],
            "negative_passages": [[], [], [], []],
        }
    )
    table, ledger = parallel_corpus(parallel)
    assert sorted(zip(table["pair_id"], table["lang"], strict=True)) == [("p/0", "de"), ("p/0", "en"), ("p/1", "de")]
    # kept without a hard negative: no_negative
    assert ledger["reason"].tolist() == ["no_negative", "duplicate_pair", "no_negative", "no_negative"]
    to_arrow(ledger, "corpus_ledger")


def test_every_ledger_row_has_its_status() -> None:
    _, ledger = translated_corpus(qa(), {"de": translations()}, "en", CorpusFilters(length_ratio=(0.5, 2.0)))
    status = ledger.set_index(["pair_id", "lang"])["status"].to_dict()
    assert status == {
        ("toy/0", "en"): "kept",
        ("toy/0", "de"): "kept",
        ("toy/1", "en"): "filtered",
        ("toy/1", "de"): "filtered",
        ("toy/2", "en"): "filtered",
        ("toy/2", "de"): "filtered",
        ("toy/3", "en"): "kept",
        ("toy/3", "de"): "filtered",
        ("toy/4", "en"): "kept",
        ("toy/4", "de"): "filtered",
        ("toy/5", "en"): "kept",
        ("toy/5", "de"): "failed",
    }


def test_an_empty_or_blank_passage_makes_the_pair_unusable() -> None:
    questions = pd.Series(["Who?", "Why?", "Who?", "Who?"])
    passages = pd.Series(["  ", "Because.", "Ann.", "Ann."])
    assert source_reasons(questions, passages) == ["empty_passage", None, None, "duplicate_pair"]


@pytest.mark.parametrize(
    ("source", "text", "reason"),
    [
        ("abcd", "ab", None),  # ratio 0.5: the lower bound is allowed
        ("abcd", "a", "length_ratio"),  # 0.25
        ("abcd", "abcdefgh", None),  # 2.0: the upper bound is allowed
        ("abcd", "abcdefghi", "length_ratio"),  # 2.25
        ("x", "yyy", "length_ratio"),  # one source character: 3.0
        ("", "yy", None),  # no source character counts as one: 2.0
    ],
)
def test_the_length_ratio_bounds_are_inclusive(source: str, text: str, reason: str | None) -> None:
    translation = pd.Series({"text": text, "flags": []})
    assert translation_reason(source, translation, CorpusFilters(length_ratio=(0.5, 2.0))) == reason


def test_filters_come_from_the_corpus_config() -> None:
    filters = CorpusFilters.from_config({"filter_flags": ["empty"], "length_ratio": [0.1, 3.0]})
    assert filters == CorpusFilters(("empty",), (0.1, 3.0))


def test_hard_negative_ids_and_texts_must_pair_up() -> None:
    broken = qa()
    broken.at[0, "negative_passage_ids"] = broken.at[0, "negative_passage_ids"][:1]
    with pytest.raises(ValueError, match="zip"):
        translated_corpus(broken, {"de": translations()}, "en")


def test_parallel_sources_keep_their_columns_and_give_every_row_a_status() -> None:
    parallel = pd.DataFrame(
        {
            "pair_id": ["p/0", "p/1", "p/2"],
            "dataset": "p",
            "lang": ["de", "en", "de"],
            "question": ["Wer?", "", "Wer?"],
            "passage": ["Anna.", "Ann.", "Anna."],
            "negative_passages": [["Rom."], [], []],
        }
    )
    table, ledger = parallel_corpus(parallel)
    assert list(table.columns) == ["pair_id", "dataset", "lang", "question", "passage", "negative_passages"]
    assert table["pair_id"].tolist() == ["p/0"] and table.index.tolist() == [0]
    # each pair is in one of the source's two languages: the other is a failed, missing_language row
    assert ledger["status"].tolist() == ["kept", "filtered", "filtered", "failed", "failed", "failed"]
    assert ledger["reason"].tolist() == [None, "empty_question", "duplicate_pair", *["missing_language"] * 3]
    assert ledger["lang"].tolist() == ["de", "en", "de", "en", "de", "en"]


def three_languages(flagged: dict[str, set[str]]) -> dict[str, pd.DataFrame]:
    """German and Spanish translations ('<lang>:' + text) of every text of PAIRS, each flagged
    `repetition` where `flagged[lang]` holds its source text."""
    texts = {t for q, p, ns in PAIRS for t in (q, p, *ns) if t}
    return {
        lang: pd.DataFrame(
            [
                {"text_id": text_id(t), "lang": lang, "text": f"{lang}:{t}", "source_chars": len(t), "sentences": 1}
                | {"flags": ["repetition"] if t in flagged.get(lang, set()) else []}
                for t in sorted(texts)
            ]
        )
        for lang in ("de", "es")
    }


def test_a_pair_has_the_same_hard_negatives_in_every_language() -> None:
    """toy/0's first negative is flagged in Spanish only: it is dropped from every language, and the
    second takes its place everywhere (the first `negatives`, 1, of those usable in all)."""
    translations = three_languages({"es": {"Paris is in France."}})
    table, ledger = translated_corpus(qa(), translations, "en", CorpusFilters(length_ratio=(0.1, 10)), negatives=1)
    toy = table[table["pair_id"] == "toy/0"].set_index("lang")["negative_passages"].map(list).to_dict()
    assert toy == {lang: [f"{lang}:Bern is in Switzerland.".removeprefix("en:")] for lang in ("en", "de", "es")}
    reasons = ledger.set_index(["pair_id", "lang"])["reason"].fillna("")
    assert [reasons[("toy/0", lang)] for lang in ("en", "de", "es")] == ["", "", ""]
    assert [reasons[("toy/3", lang)] for lang in ("en", "de", "es")] == ["no_negative"] * 3
    to_arrow(ledger, "corpus_ledger")


def test_a_negative_flagged_where_its_pair_is_dropped_anyway_is_kept() -> None:
    translations = three_languages({"es": {"Paris is in France.", "Who founded Rome?"}})
    table, ledger = translated_corpus(qa(), translations, "en", CorpusFilters(length_ratio=(0.1, 10)))
    assert ledger.set_index(["pair_id", "lang"]).loc[("toy/0", "es"), "reason"] == "flagged_repetition"
    toy = table[table["pair_id"] == "toy/0"].set_index("lang")["negative_passages"].map(list).to_dict()
    assert toy == {
        "en": ["Paris is in France.", "Bern is in Switzerland."],
        "de": ["de:Paris is in France.", "de:Bern is in Switzerland."],
    }


def test_parallel_sources_keep_the_hard_negatives_training_reads() -> None:
    parallel = pd.DataFrame(
        {
            "pair_id": ["p/0", "p/1"],
            "dataset": "p",
            "lang": "en",
            "question": ["Who?", "Where?"],
            "passage": ["Ann.", "Rome."],
            "negative_passages": [["Bob.", "Cy."], []],
        }
    )
    table, ledger = parallel_corpus(parallel, negatives=1)
    assert table["negative_passages"].map(list).tolist() == [["Bob."], []]
    assert ledger["reason"].tolist() == [None, "no_negative"]
