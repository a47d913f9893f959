"""The corpus stage: translations joined back by id, filtered with reasons, every pair accounted for."""

import pandas as pd

from hybridir.corpus import CorpusFilters, parallel_corpus, translated_corpus
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
    assert ledger["reason"].fillna("").tolist() == ["", "duplicate_pair", "", ""]
    to_arrow(ledger, "corpus_ledger")
