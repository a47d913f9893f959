"""QA and parallel sources: local JSONL / CSV / Parquet / TSV, field paths, and their errors."""

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from hybridir.config import load_config
from hybridir.errors import DataError
from hybridir.fetch.parallel import fetch_parallel
from hybridir.fetch.qa import fetch_qa
from hybridir.locations import is_file_source, local_files
from hybridir.sources import pluck, stream_columns, stream_rows
from hybridir.tables import to_arrow
from hybridir.text import text_id
from tests.support import REPO

ROWS = [
    {
        "qid": "a",
        "label": 1,
        "q": {"text": "Who  founded Rome?"},
        "pos": [{"text": "Romulus founded Rome."}],
        "neg": [{"text": "Paris is in France."}, {"text": "Bern is Swiss."}],
        "ans": ["Romulus"],
    },
    {"qid": "b", "label": 0, "q": {"text": "Unused?"}, "pos": [{"text": "x"}], "neg": [], "ans": []},
    {
        "qid": "a",
        "label": 1,
        "q": {"text": "Who founded Rome?"},
        "pos": [{"text": "Remus did not."}],
        "neg": [],
        "ans": [],
    },
]


def qa_spec(source: Path | str, **fields: str | None) -> dict:
    return {
        "name": "toy",
        "source": str(source),
        "subset": None,
        "split": "train",
        "limit": None,
        "where": {"label": 1},
        "fields": {
            "id": "qid",
            "question": "q.text",
            "passage": "pos.0.text",
            "answer": "ans",
            "negatives": "neg.*.text",
        }
        | fields,
    }


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_qa_from_jsonl_with_nested_fields(tmp_path: Path) -> None:
    table, _ = fetch_qa(qa_spec(write_jsonl(tmp_path / "toy.jsonl", ROWS)), "en")
    assert table["qa_id"].tolist() == ["toy/a", "toy/a~2"]
    assert table["question"].tolist() == ["Who founded Rome?", "Who founded Rome?"]
    assert table["question_id"].nunique() == 1
    assert table["passage_id"][0] == text_id("Romulus founded Rome.")
    assert table["answer"][0] == "Romulus" and pd.isna(table["answer"][1])
    assert table["negative_passages"][0] == ["Paris is in France.", "Bern is Swiss."]
    assert table["negative_passage_ids"][0] == [text_id("Paris is in France."), text_id("Bern is Swiss.")]
    to_arrow(table, "qa")


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_qa_from_flat_files_and_limit(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"question": ["Q1?", "Q2?", "Q3?"], "passage": ["P1.", "P2.", "P3."], "label": [1, 1, 1]})
    path = tmp_path / f"toy.{suffix}"
    frame.to_csv(path, index=False) if suffix == "csv" else frame.to_parquet(path)
    spec = qa_spec(path, id=None, question="question", passage="passage", answer=None, negatives=None) | {"limit": 2}
    table, _ = fetch_qa(spec, "en")
    assert table["qa_id"].tolist() == ["toy/0", "toy/1"]
    assert table["passage"].tolist() == ["P1.", "P2."]
    assert table["negative_passages"].tolist() == [[], []]


def test_missing_field_names_file_row_and_config_key(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "toy.jsonl", ROWS)
    with pytest.raises(DataError, match=r"toy.jsonl: row 0: no field 'q.txt'.*datasets\[toy\]\.fields\.question"):
        fetch_qa(qa_spec(path, question="q.txt"), "en")


def flat_rows(path: Path, **changes: object) -> Path:
    """Two flat rows (id, question, passage, answers); `changes` replace fields of the second."""
    rows = [
        {"id": "1", "question": "Who founded Rome?", "passage": "Romulus did.", "answers": ["Romulus", "R."]},
        {"id": "2", "question": "Where is Bern?", "passage": "In Switzerland.", "answers": []} | changes,
    ]
    return write_jsonl(path, rows)


def flat_spec(source: Path, **extra: object) -> dict:
    fields = {"id": "id", "question": "question", "passage": "passage", "answer": "answers", "negatives": None}
    return qa_spec(source, **fields) | {"where": {}} | extra


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"passage": ["In Bern.", "The capital."]}, "field 'passage' holds a list"),
        ({"question": 42}, "field 'question' holds a number"),
        ({"question": {"text": "Where?"}}, "field 'question' holds a mapping"),
        ({"passage": True}, "field 'passage' holds a boolean"),
    ],
)
def test_a_value_that_is_not_a_text_names_file_row_and_field(tmp_path: Path, change: dict, message: str) -> None:
    source = flat_rows(tmp_path / "qa.jsonl", **change)
    with pytest.raises(DataError, match=f"{tmp_path}/qa.jsonl: row 1: {message}"):
        fetch_qa(flat_spec(source), "en")


def test_convert_values_joins_lists_writes_numbers_and_logs_them(tmp_path: Path, caplog) -> None:
    source = flat_rows(tmp_path / "qa.jsonl", passage=["In Bern.", ["The capital."]], question=42)
    with caplog.at_level(logging.WARNING):
        qa, _ = fetch_qa(flat_spec(source, convert_values=True), "en")
    assert qa["passage"].tolist() == ["Romulus did.", "In Bern. The capital."]
    assert qa["question"].tolist() == ["Who founded Rome?", "42"]
    expected = "datasets[toy]: values converted to text (datasets[toy].convert_values: true): 1 passage (a list), "
    assert expected + "1 question (a number)" in caplog.text
    with pytest.raises(DataError, match="holds a mapping"):
        fetch_qa(flat_spec(flat_rows(tmp_path / "m.jsonl", passage={"a": 1}), convert_values=True), "en")


def test_an_answer_list_gives_its_first_answer(tmp_path: Path) -> None:
    qa, _ = fetch_qa(flat_spec(flat_rows(tmp_path / "qa.jsonl")), "en")
    assert qa["answer"].iloc[0] == "Romulus" and pd.isna(qa["answer"].iloc[1])


def test_corrupted_jsonl_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "toy.jsonl"
    path.write_text('{"q": "fine"}\n{"q": broken\n')
    with pytest.raises(DataError, match=f"{path} \\(read as json\\): cannot be read"):
        fetch_qa(qa_spec(path), "en")


def test_missing_local_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nowhere\.jsonl: file not found"):
        list(stream_rows(str(tmp_path / "nowhere.jsonl")))


def test_hub_ids_go_through_the_same_loader_and_fail_offline_naming_the_dataset() -> None:
    with pytest.raises(DataError, match="Hub dataset owner/no-such-dataset \\(subset None, split train\\)"):
        list(stream_rows("owner/no-such-dataset", limit=1))


def test_sources_are_told_apart() -> None:
    assert not is_file_source("microsoft/wiki_qa")
    assert is_file_source("hf://datasets/castorini/mr-tydi/mrtydi-v1.1-english/train.jsonl.gz")
    assert is_file_source("zip://MLQA_V1/dev/a.json::https://example.org/MLQA_V1.zip")
    assert local_files("data/x.tsv") == ["data/x.tsv"]
    assert local_files("hf://datasets/a/b/x.parquet") == local_files("data/*.parquet") == []


def test_pluck_paths() -> None:
    row = {"a": [{"b": 1}, {"b": 2}], "c": {"d": "e"}}
    assert pluck(row, "a.*.b") == [1, 2]
    assert pluck(row, "a.1.b") == 2
    assert pluck(row, "c.d") == "e"
    for bad in ("a.5.b", "c.x", "a.b"):
        with pytest.raises(KeyError):
            pluck(row, bad)


def parallel_spec(**extra) -> dict:
    return {
        "name": "par",
        "format": "rows",
        "subset": None,
        "split": "train",
        "limit": None,
        "where": {},
        "lang_names": {"de": "german"},
        "languages": ["en", "de"],
        "fields": {"id": None, "question": "q", "passage": "p", "negatives": None},
    } | extra


def test_parallel_rows_align_languages_by_row(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "en.jsonl", [{"q": "Who?", "p": "Ann."}, {"q": "Where?", "p": "Rome."}])
    write_jsonl(tmp_path / "german.jsonl", [{"q": "Wer?", "p": "Anna."}, {"q": "Wo?", "p": "Rom."}])
    table = fetch_parallel(parallel_spec(source=f"{tmp_path}/{{lang}}.jsonl"))
    assert table.query("pair_id == 'par/1'").set_index("lang")["question"].to_dict() == {
        "en": "Where?",
        "de": "Wo?",
    }
    to_arrow(table, "parallel")


def test_parallel_triples_join_ids_per_language(tmp_path: Path) -> None:
    (tmp_path / "triples.tsv").write_text("1\t10\t11\n1\t10\t12\n2\t12\t10\n")
    for lang, words in {
        "english": ("q one", "q two", "p ten", "p eleven", "p twelve"),
        "german": "abcde",
    }.items():
        (tmp_path / f"{lang}_queries.tsv").write_text(f"1\t{words[0]}\n2\t{words[1]}\n3\tunused\n")
        (tmp_path / f"{lang}_passages.tsv").write_text(f"10\t{words[2]}\n11\t{words[3]}\n12\t{words[4]}\n")
    source = {
        "queries": f"{tmp_path}/{{lang}}_queries.tsv",
        "passages": f"{tmp_path}/{{lang}}_passages.tsv",
        "triples": f"{tmp_path}/triples.tsv",
    }
    spec = parallel_spec(format="triples", source=source, lang_names={"en": "english", "de": "german"})
    table = fetch_parallel(spec)
    assert sorted(table["pair_id"].unique()) == ["par/1-10", "par/2-12"]
    english = table.query("lang == 'en'").set_index("pair_id")
    assert english.loc["par/1-10", "negative_passages"] == ["p eleven", "p twelve"]
    assert table.query("lang == 'de'").set_index("pair_id").loc["par/2-12", "passage"] == "e"
    assert len(fetch_parallel(spec | {"limit": 1})) == 2


def test_triples_with_an_unknown_passage_id_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "triples.tsv").write_text("1\t10\t99\n")
    (tmp_path / "en_q.tsv").write_text("1\tq\n")
    (tmp_path / "en_p.tsv").write_text("10\tp\n")
    source = {
        "queries": f"{tmp_path}/{{lang}}_q.tsv",
        "passages": f"{tmp_path}/{{lang}}_p.tsv",
        "triples": f"{tmp_path}/triples.tsv",
    }
    with pytest.raises(DataError, match=r"en_p\.tsv: 1 ids used by the triples are missing, e\.g\. 99"):
        fetch_parallel(parallel_spec(format="triples", source=source, languages=["en"], lang_names={}))


# Rows as lmqg's qa_squadshifts JSONL holds them: SQuAD fields, `id` shared by a paragraph's questions.
SQUADSHIFTS_ROWS = [
    {"id": "p1", "title": "T", "context": "Ann is 30.", "question": "How old is Ann?", "answers": {"text": ["30"]}},
    {"id": "p1", "title": "T", "context": "Ann is 30.", "question": "Who is 30?", "answers": {"text": ["Ann"]}},
    {"id": "p2", "title": "U", "context": "Bob is 9.", "question": "How old is Bob?", "answers": {"text": ["9"]}},
]


def test_squadshifts_entry_gives_one_qa_id_per_question(tmp_path: Path) -> None:
    """config.yaml's SQuADShifts entry on a file of its published layout: row-numbered ids."""
    spec = next(d for d in load_config(REPO / "config.yaml")["validation_datasets"] if d["name"] == "squadshifts")
    assert spec["source"].startswith("hf://datasets/lmqg/qa_squadshifts@") and spec["source"].endswith(".jsonl")
    table, _ = fetch_qa(spec | {"source": str(write_jsonl(tmp_path / "new_wiki.jsonl", SQUADSHIFTS_ROWS))}, "en")
    assert table["qa_id"].tolist() == ["squadshifts/0", "squadshifts/1", "squadshifts/2"]
    assert table["question"].tolist() == [row["question"] for row in SQUADSHIFTS_ROWS]
    assert table["answer"].tolist() == ["30", "Ann", "9"]
    assert table["passage_id"].nunique() == 2


def test_repeated_ids_are_suffixed_and_logged(tmp_path: Path, caplog) -> None:
    spec = qa_spec(write_jsonl(tmp_path / "toy.jsonl", SQUADSHIFTS_ROWS), id="id", question="question")
    spec |= {"where": {}, "fields": spec["fields"] | {"passage": "context", "answer": None, "negatives": None}}
    with caplog.at_level(logging.WARNING):
        table, _ = fetch_qa(spec, "en")
    assert table["qa_id"].tolist() == ["toy/p1", "toy/p1~2", "toy/p2"]
    assert "toy: 1 of 3 rows repeat an earlier row's 'id'" in caplog.text


def test_qa_rows_over_http(http_files) -> None:
    folder, base = http_files
    write_jsonl(folder / "toy.jsonl", ROWS)
    table, _ = fetch_qa(qa_spec(f"{base}/toy.jsonl"), "en")
    assert table["qa_id"].tolist() == ["toy/a", "toy/a~2"]


def test_http_404_through_datasets_names_the_url(http_files) -> None:
    _, base = http_files
    with pytest.raises(DataError, match=f"{base}/none.jsonl: file not found"):
        fetch_qa(qa_spec(f"{base}/none.jsonl"), "en")


def test_tsv_texts_that_look_like_missing_values_stay_text(tmp_path: Path) -> None:
    (tmp_path / "queries.tsv").write_text("1\tNA\n2\tnull\n3\tN/A\n")
    assert [row["text"] for row in stream_columns(str(tmp_path / "queries.tsv"), "id", "text")] == ["NA", "null", "N/A"]


def lareqa_file(path: Path, context: str, breaks: list[list[int]], qas: list[tuple[str, str, int]]) -> None:
    """A one-article LAReQA-format file whose questions (id, question, answer_start) share one paragraph;
    each answer is the word at its answer_start."""
    questions = [
        {"id": i, "question": q, "answers": [{"text": context[s:].split()[0], "answer_start": s}]} for i, q, s in qas
    ]
    paragraph = {"context": context, "sentence_breaks": breaks, "qas": questions}
    path.write_text(json.dumps({"data": [{"title": "t", "paragraphs": [paragraph]}]}))


def test_parallel_lareqa_pairs_each_question_with_its_answer_sentence_in_every_language(tmp_path: Path) -> None:
    lareqa_file(
        tmp_path / "en.json",
        "Ann lives in Rome. She is 30.",
        [[0, 18], [19, 29]],
        [("a", "Where does Ann live?", 13), ("b", "How old is Ann?", 26), ("c", "Who is 30?", 19)],
    )
    lareqa_file(
        tmp_path / "de.json",
        "Ann wohnt in Rom. Sie ist 30.",
        [[0, 17], [18, 29]],
        [("b", "Wie alt ist Ann?", 26), ("a", "Wo wohnt Ann?", 13)],
    )
    spec = parallel_spec(format="lareqa", source=f"{tmp_path}/{{lang}}.json", lang_names={}, fields=None)
    table = fetch_parallel(spec)
    assert table["pair_id"].tolist() == ["par/a", "par/b", "par/a", "par/b"]
    assert table.set_index(["pair_id", "lang"])["passage"].to_dict() == {
        ("par/a", "en"): "Ann lives in Rome.",
        ("par/b", "en"): "She is 30.",
        ("par/a", "de"): "Ann wohnt in Rom.",
        ("par/b", "de"): "Sie ist 30.",
    }
    assert table.query("lang == 'de'")["question"].tolist() == ["Wo wohnt Ann?", "Wie alt ist Ann?"]
    assert table["negative_passages"].map(len).eq(0).all()
    to_arrow(table, "parallel")
    assert fetch_parallel(spec | {"limit": 1})["pair_id"].unique().tolist() == ["par/a"]


def test_parallel_lareqa_reads_the_selected_articles(tmp_path: Path) -> None:
    def question(i: int) -> dict:
        return {"id": f"q{i}", "question": f"Q{i}?", "answers": [{"text": "A", "answer_start": 0}]}

    articles = [
        {"title": str(i), "paragraphs": [{"context": f"A{i}.", "sentence_breaks": [[0, 3]], "qas": [question(i)]}]}
        for i in range(4)
    ]
    (tmp_path / "en.json").write_text(json.dumps({"data": articles}))
    spec = parallel_spec(format="lareqa", source=f"{tmp_path}/{{lang}}.json", languages=["en"], lang_names={})
    table = fetch_parallel(spec | {"articles": [2, 4]})
    assert table["passage"].tolist() == ["A2.", "A3."] and table["question"].tolist() == ["Q2?", "Q3?"]


def test_parallel_lareqa_with_a_repeated_question_id_names_the_file(tmp_path: Path) -> None:
    lareqa_file(tmp_path / "en.json", "Ann is 30.", [[0, 10]], [("a", "How old is Ann?", 7), ("a", "Who is 30?", 0)])
    spec = parallel_spec(format="lareqa", source=f"{tmp_path}/{{lang}}.json", languages=["en"], lang_names={})
    with pytest.raises(DataError, match=r"en\.json: question id 'a' at data\[0\]\.paragraphs\[0\]\.qas\[1\] repeats"):
        fetch_parallel(spec)
