"""The leakage audit: planted exact and near copies of benchmark texts are found, clean pairs are
not; the LSH finds what a brute-force pairwise comparison finds; leaked pairs are dropped with a
ledger; the report table counts per dataset and benchmark."""

import random
from pathlib import Path

import pandas as pd
import pytest

from hybridir.errors import DataError
from hybridir.leakage import (
    HIT_COLUMNS,
    EvaluationIndex,
    LeakageSettings,
    audit,
    evaluation_texts,
    exclude_leaked,
    index_table,
    jaccard,
    ngrams,
    normalise,
)
from hybridir.report.data.leakage import leakage_table
from hybridir.report.pages.document import to_markdown
from hybridir.report.pages.leakage import leakage_page
from hybridir.tables import read_table_chunks, to_arrow, write_table

SETTINGS = LeakageSettings(threshold=0.8, ngram=5, permutations=128, seed=3)
PARAGRAPH_EN = (
    "The Nile is a major north-flowing river in northeastern Africa. It flows into the Mediterranean Sea. "
    "The Nile is among the longest rivers in the world."
)
PARAGRAPH_DE = (
    "Der Nil ist ein großer, nach Norden fließender Fluss im Nordosten Afrikas. Er mündet ins Mittelmeer. "
    "Der Nil gehört zu den längsten Flüssen der Welt."
)
SENTENCES_EN = [
    "The Nile is a major north-flowing river in northeastern Africa.",
    "It flows into the Mediterranean Sea.",
    "The Nile is among the longest rivers in the world.",
]
SENTENCES_DE = [
    "Der Nil ist ein großer, nach Norden fließender Fluss im Nordosten Afrikas.",
    "Er mündet ins Mittelmeer.",
    "Der Nil gehört zu den längsten Flüssen der Welt.",
]
QUESTION_EN = "Into which sea does the river Nile flow after crossing northeastern Africa?"
QUESTION_DE = "In welches Meer mündet der Nil, nachdem er den Nordosten Afrikas durchquert hat?"


def benchmark() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A LAReQA-style benchmark in English and German (one paragraph, one question; the second
    sentence is the answer) and a MIRACL-style one (a passage with its title as context)."""
    candidates = [
        (f"{lang}/p1/{i}", lang, "p1", i, sentence, paragraph)
        for lang, sentences, paragraph in (("en", SENTENCES_EN, PARAGRAPH_EN), ("de", SENTENCES_DE, PARAGRAPH_DE))
        for i, sentence in enumerate(sentences)
    ]
    queries = [("en/q1", "q1", "en", QUESTION_EN), ("de/q1", "q1", "de", QUESTION_DE)]
    qrels = [("q1", "en/p1/1", 1), ("q1", "de/p1/1", 1)]
    columns = ["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"]
    return (
        pd.DataFrame(queries, columns=["query_id", "question_id", "lang", "text"]),
        pd.DataFrame(candidates, columns=columns),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
    )


def miracl() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    passage = "Kilimanjaro is a dormant volcano in Tanzania and the highest mountain in Africa."
    return (
        pd.DataFrame(
            [("en/7", "en/7", "en", "How high is Kilimanjaro?")], columns=["query_id", "question_id", "lang", "text"]
        ),
        pd.DataFrame(
            [
                ("en/12#0", "en", "12", 0, passage, "Kilimanjaro"),
                ("en/13#0", "en", "13", 0, "Unjudged passage about the Danube delta and its birds.", "Danube"),
            ],
            columns=["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"],
        ),
        pd.DataFrame([("en/7", "en/12#0", 1)], columns=["question_id", "candidate_id", "relevance"]),
    )


def index() -> EvaluationIndex:
    texts = pd.concat([evaluation_texts("lareqa", *benchmark()), evaluation_texts("miracl", *miracl())])
    table = index_table(texts.reset_index(drop=True), SETTINGS)
    to_arrow(table, "leakage_index")
    return EvaluationIndex(table, SETTINGS)


def pair(pair_id: str, lang: str, question: str, passage: str, negatives: list[str] | None = None) -> dict:
    return {
        "pair_id": f"toy/{pair_id}",
        "dataset": "toy",
        "lang": lang,
        "question": question,
        "passage": passage,
        "negative_passages": negatives or [],
    }


# planted copies, each (pair, language, field) -> (benchmark, evaluation id, evaluation field, kind)
CORPUS = pd.DataFrame(
    [
        # exact: the benchmark question in other case, spacing and punctuation
        pair(
            "exact_question",
            "en",
            "into which SEA does the river Nile flow after crossing  northeastern Africa",
            "Unrelated text.",
        ),
        # near: the German paragraph with a few characters changed, as the passage
        pair("near_paragraph", "en", "What is unrelated?", "Nothing at all is related here."),
        pair(
            "near_paragraph",
            "de",
            "Was ist egal?",
            PARAGRAPH_DE.replace("großer", "grosser").replace("Welt", "Erde"),
        ),
        # exact: the judged answer sentence as a hard negative
        pair("negative", "en", "Where do storks winter?", "Storks winter in Africa.", [SENTENCES_EN[1].upper()]),
        # near: the MIRACL passage with one word changed
        pair(
            "near_miracl",
            "en",
            "Which mountain?",
            "Kilimanjaro is a dormant volcano in Tanzania and the tallest mountain in Africa.",
        ),
        # clean: an unjudged sentence, a templated question about another river, the English
        # question in German (another language), the MIRACL title, an unjudged MIRACL passage
        pair("unjudged", "en", "Which is the longest river?", SENTENCES_EN[0]),
        pair("template", "en", "Into which sea does the river Danube flow after crossing southeastern Europe?", "No."),
        pair("other_language", "de", QUESTION_EN, "Kein Bezug."),
        pair("title", "en", "Kilimanjaro", "Unjudged passage about the Danube delta and its birds."),
    ]
)
EXPECTED = {
    ("toy/exact_question", "en", "question", "lareqa", "en/q1", "question", "exact"),
    ("toy/near_paragraph", "de", "passage", "lareqa", "de/p1", "paragraph", "near"),
    ("toy/negative", "en", "negative", "lareqa", "en/p1/1", "candidate", "exact"),
    ("toy/near_miracl", "en", "passage", "miracl", "en/12#0", "candidate", "near"),
}


def test_normalise_is_clean_text_casefolded_without_punctuation() -> None:
    assert normalise("  Who\u00a0wrote «Faust»?\n") == "who wrote faust"
    assert normalise("STRASSE, Straße!") == "strasse strasse"
    assert normalise("Cafe\u0301 - ¿qué?") == "café qué"
    assert normalise("¿?!") == ""


def test_ngram_jaccard_of_a_hand_worked_pair() -> None:
    assert ngrams("ab", 5) == {"ab"}
    assert ngrams("abcdef", 5) == {"abcde", "bcdef"}
    # 6 five-grams each, the last differs: 5 shared of 7
    assert jaccard(ngrams("abcdefghij", 5), ngrams(normalise("abcdefghiX"), 5)) == pytest.approx(5 / 7)


def test_evaluation_texts_are_questions_judged_candidates_and_their_paragraphs() -> None:
    texts = pd.concat([evaluation_texts("lareqa", *benchmark()), evaluation_texts("miracl", *miracl())])
    assert sorted(zip(texts["benchmark"], texts["evaluation_id"], texts["field"], strict=True)) == [
        ("lareqa", "de/p1", "paragraph"),
        ("lareqa", "de/p1/1", "candidate"),
        ("lareqa", "de/q1", "question"),
        ("lareqa", "en/p1", "paragraph"),
        ("lareqa", "en/p1/1", "candidate"),
        ("lareqa", "en/q1", "question"),
        ("miracl", "en/12#0", "candidate"),  # the title is no paragraph, the unjudged passage not indexed
        ("miracl", "en/7", "question"),
    ]


def test_planted_exact_and_near_copies_are_found_and_clean_pairs_are_not() -> None:
    hits = audit([CORPUS], index())
    to_arrow(hits, "leakage_hits")
    found = set(
        hits[["pair_id", "lang", "field", "benchmark", "evaluation_id", "evaluation_field", "kind"]].itertuples(
            index=False, name=None
        )
    )
    assert found == EXPECTED
    near = hits[hits["kind"] == "near"]
    assert ((near["similarity"] >= SETTINGS.threshold) & (near["similarity"] < 1)).all()
    assert (hits.loc[hits["kind"] == "exact", "similarity"] == 1).all()
    assert set(hits["evaluation_text"]) >= {QUESTION_EN, SENTENCES_EN[1], PARAGRAPH_DE}


def test_streaming_in_chunks_finds_the_same_hits(tmp_path: Path) -> None:
    path = tmp_path / "toy.parquet"
    write_table(CORPUS, path, "parallel")
    whole = audit([CORPUS], index())
    streamed = audit(read_table_chunks(path, "parallel", None, 2), index())
    pd.testing.assert_frame_equal(streamed, whole, check_dtype=False)  # str or object columns


def test_a_pair_that_hits_twice_on_one_text_keeps_the_closest() -> None:
    question = CORPUS.iloc[0]["question"]
    twice = pd.DataFrame([pair("twice", "en", "Which?", "No.", [question, question + " today"])])
    hits = audit([twice], index())
    assert hits[["field", "evaluation_id", "kind"]].values.tolist() == [["negative", "en/q1", "exact"]]


def random_text(rng: random.Random, words: int) -> str:
    return " ".join(
        "".join(rng.choice("abcdefghijklmnoprstuvwy") for _ in range(rng.randint(3, 9))) for _ in range(words)
    )


def edited(rng: random.Random, text: str, changes: int) -> str:
    chars = list(text)
    for position in rng.sample(range(len(chars)), changes):
        chars[position] = "z"  # a letter random_text never uses
    return "".join(chars)


def test_lsh_finds_every_pair_that_a_brute_force_comparison_finds() -> None:
    rng = random.Random(11)
    evaluation = [random_text(rng, rng.randint(12, 40)) for _ in range(120)]
    planted = [edited(rng, text, rng.randint(1, 2)) for text in evaluation[:40]]
    training = planted + [random_text(rng, rng.randint(12, 40)) for _ in range(200)]
    table = index_table(
        pd.DataFrame(
            {
                "benchmark": "b",
                "evaluation_id": [f"e{i}" for i in range(len(evaluation))],
                "lang": "en",
                "field": "candidate",
                "text": evaluation,
            }
        ),
        SETTINGS,
    )
    corpus = pd.DataFrame([pair(f"t{i}", "en", "?", text) for i, text in enumerate(training)])
    hits = audit([corpus], EvaluationIndex(table, SETTINGS))
    grams = [ngrams(normalise(text), SETTINGS.ngram) for text in evaluation]
    brute = {
        (f"toy/t{i}", f"e{j}")
        for i, text in enumerate(training)
        for j, other in enumerate(grams)
        if jaccard(ngrams(normalise(text), SETTINGS.ngram), other) >= SETTINGS.threshold
    }
    assert len(brute) >= 30  # most planted copies are near-duplicates at 0.8
    assert set(zip(hits["pair_id"], hits["evaluation_id"], strict=True)) == brute


def test_an_index_of_other_permutations_is_an_error() -> None:
    table = index_table(evaluation_texts("miracl", *miracl()), SETTINGS)
    with pytest.raises(DataError, match=r"leakage\.permutations is 64; rebuild the index"):
        EvaluationIndex(table, LeakageSettings(permutations=64, seed=3))


def test_exclusion_drops_a_leaked_pair_in_every_language_with_a_ledger() -> None:
    hits = audit([CORPUS], index())
    kept, ledger = exclude_leaked(CORPUS, hits)
    to_arrow(kept, "parallel")
    to_arrow(ledger, "leakage_ledger")
    leaked = {p for p, *_ in EXPECTED}
    assert set(kept["pair_id"]) == set(CORPUS["pair_id"]) - leaked
    assert len(ledger) == len(CORPUS)
    filtered = ledger[ledger["status"] == "filtered"]
    assert sorted(zip(filtered["pair_id"], filtered["lang"], strict=True)) == [
        ("toy/exact_question", "en"),
        ("toy/near_miracl", "en"),
        ("toy/near_paragraph", "de"),
        ("toy/near_paragraph", "en"),  # no hit in English: dropped with its German version
        ("toy/negative", "en"),
    ]
    assert (filtered["reason"] == "leaked").all() and ledger.loc[ledger["status"] == "kept", "reason"].isna().all()
    benchmarks = {p: list(b) for p, b in zip(ledger["pair_id"], ledger["benchmarks"], strict=True)}
    assert benchmarks["toy/near_miracl"] == ["miracl"] and benchmarks["toy/unjudged"] == []


def test_report_table_counts_pairs_and_hits_per_dataset_and_benchmark() -> None:
    hits = pd.DataFrame(
        [
            ("toy", "toy/1", "en", "question", "q", "lareqa", "en/q1", "question", "q", "exact", 1.0),
            ("toy", "toy/1", "de", "passage", "p", "lareqa", "de/p1", "paragraph", "p", "near", 0.9),
            ("toy", "toy/2", "en", "negative", "n", "lareqa", "en/p1/1", "candidate", "n", "exact", 1.0),
        ],
        columns=HIT_COLUMNS,
    )
    ledger = pd.DataFrame(
        {
            "pair_id": ["toy/1", "toy/1", "toy/2", "toy/3", "toy/4", "other/1"],
            "dataset": ["toy"] * 5 + ["other"],
            "lang": ["en", "de", "en", "en", "en", "en"],
            "status": ["kept", "kept", "kept", "kept", "filtered", "kept"],
            "reason": [None, None, None, None, "length_ratio", None],
        }
    )
    empty = pd.DataFrame(columns=HIT_COLUMNS)
    table = leakage_table([hits, empty], [ledger], ["toy", "other"], ["lareqa", "miracl"])
    to_arrow(table, "report_leakage")
    rows = table.set_index(["dataset", "benchmark"])
    assert rows.loc[("toy", "lareqa"), ["pairs", "leaked_pairs", "exact_hits", "near_hits"]].tolist() == [3, 2, 2, 1]
    assert rows.loc[("toy", "lareqa"), "share"] == pytest.approx(2 / 3)
    assert list(rows.loc[("toy", "lareqa"), "languages"]) == ["de", "en"]
    assert list(rows.loc[("toy", "lareqa"), "fields"]) == ["negative", "passage", "question"]
    assert rows.loc[("toy", "miracl"), ["pairs", "leaked_pairs", "exact_hits", "near_hits"]].tolist() == [3, 0, 0, 0]
    assert rows.loc[("other", "lareqa"), ["pairs", "leaked_pairs"]].tolist() == [1, 0]
    settings = {"ngram": 5, "threshold": 0.8, "permutations": 128}
    page = to_markdown(leakage_page(table, hits, settings, None))
    assert "| toy | lareqa | 3 | 2 (66.67%) | 2 | 1 | de, en | negative, passage, question |" in page
    assert "The 3 closest of 3 hits" in page and "`training.exclude_leaked: false`" in page
    _, exclusions = exclude_leaked(CORPUS, audit([CORPUS], index()))
    page = to_markdown(leakage_page(table, hits, settings, [exclusions]))
    assert "- toy: 4 of 8 pairs (5 of 9 pair-language rows)" in page
