"""EntityQuestions-style question-answer sets given passages by BM25 (hybridir.fetch.mined)."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from hybridir.config import load_config
from hybridir.errors import DataError
from hybridir.fetch.bm25 import answer_tokens, has_answer
from hybridir.fetch.mined import mine_dataset, read_questions
from hybridir.fetch.qa import fetch_qa
from hybridir.tables import to_arrow
from tests.support import REPO

QUESTIONS = {
    "P19": [
        {"question": "Where was Donnie Neuenberger born?", "answers": ["Brandywine"]},
        {"question": "Where was Desiderio Hernández born?", "answers": ["Havana"]},
        {"question": "Where was Nobody Known born?", "answers": ["Atlantis"]},
    ],
    "P36": [{"question": "What is the capital of Ruritania?", "answers": ["Strelsau"]}],
}
# (id, title, text): a tiny collection in which each question's fate is worked out by hand.
PASSAGES = [
    ("1", "Donnie Neuenberger", "Donnie Neuenberger is an American baseball coach."),
    ("2", "Donnie Neuenberger", "Neuenberger was born in Brandywine, Maryland."),
    ("3", "Desiderio Hernandez", "Desiderio Hernández was born in Havana, Cuba."),
    ("4", "Havana", "Havana is the capital of Cuba."),
    ("5", "Ruritania", "Ruritania is a fictional country; its capital is Strelsau."),
    ("6", "Zenda", 'The "Prisoner of Zenda" is set in Ruritania.'),
    ("7", "Atlantis", "A legendary island."),
    ("8", "NA", "NA stands for not available."),
]


def test_answer_tokens_fold_accents_case_and_punctuation() -> None:
    assert answer_tokens("Desiderio Hernández, CUBA!") == ("desiderio", "hernandez", "cuba")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [(["York City"], True), (["New"], True), (["Newport"], False), (["City York"], False), (["", "Bern"], False)],
)
def test_has_answer_matches_whole_token_runs(answers: list[str], expected: bool) -> None:
    passage = answer_tokens("He was born in New York City.")
    assert has_answer(passage, [answer_tokens(a) for a in answers]) is expected


def entityquestions_zip() -> bytes:
    """The layout of EntityQuestions' dataset.zip: dataset/train/P*.train.json."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as members:
        for relation, rows in QUESTIONS.items():
            members.writestr(f"dataset/train/{relation}.train.json", json.dumps(rows, ensure_ascii=False))
        members.writestr("dataset/dev/P19.dev.json", "[]")
    return archive.getvalue()


def dpr_passages(path: Path) -> Path:
    """DPR's psgs_w100.tsv layout: a header row, tab-separated, csv-quoted fields."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["id", "text", "title"])
        writer.writerows([(pid, text, title) for pid, title, text in PASSAGES])
    return path


def config_entries() -> tuple[dict, dict]:
    """config.yaml's mined_datasets entry and the datasets entry that reads its output."""
    config = load_config(REPO / "config.yaml")
    mined = next(m for m in config["mined_datasets"] if m["name"] == "entityquestions")
    dataset = next(d for d in config["datasets"] if d["name"] == "entityquestions")
    return mined, dataset


def test_entityquestions_recipe_end_to_end(tmp_path: Path, http_files) -> None:
    """config.yaml's questions source (a zip:: chain, host replaced by a loopback server) and a
    DPR-format passage file become DPR-style rows that the config's datasets entry reads."""
    folder, base = http_files
    mined, dataset = config_entries()
    questions = mined["source"]["questions"].replace("https://nlp.cs.princeton.edu", base)
    archive = folder / questions.split(f"{base}/")[1]
    archive.parent.mkdir(parents=True)
    archive.write_bytes(entityquestions_zip())
    spec = mined | {"source": {"questions": questions, "passages": str(dpr_passages(tmp_path / "psgs.tsv"))}}
    output = tmp_path / "entityquestions.jsonl"
    assert mine_dataset(spec | {"top_k": 3, "hard_negatives": 2}, output) == 3

    rows = {row["id"]: row for row in map(json.loads, output.read_text().splitlines())}
    assert sorted(rows) == ["P19/0", "P19/1", "P36/0"]  # P19/2: no passage mentions Atlantis

    def ids(contexts: list[dict]) -> set[str]:
        return {c["passage_id"] for c in contexts}

    assert [ids(rows[q]["positive_ctxs"]) for q in ("P19/0", "P19/1", "P36/0")] == [{"2"}, {"3"}, {"5"}]
    assert [ids(rows[q]["hard_negative_ctxs"]) for q in ("P19/0", "P19/1", "P36/0")] == [{"1", "3"}, {"2"}, {"4", "6"}]
    zenda = next(c for c in rows["P36/0"]["hard_negative_ctxs"] if c["passage_id"] == "6")
    assert zenda["text"] == 'The "Prisoner of Zenda" is set in Ruritania.'

    table, _ = fetch_qa(dataset | {"source": str(output)}, "en")
    assert table["qa_id"].tolist() == ["entityquestions/P19/0", "entityquestions/P19/1", "entityquestions/P36/0"]
    assert table["passage"][0] == "Neuenberger was born in Brandywine, Maryland."
    assert table["answer"].tolist() == ["Brandywine", "Havana", "Strelsau"]
    assert len(table["negative_passages"][0]) == 2
    to_arrow(table, "qa")


def test_question_files_and_their_errors(tmp_path: Path) -> None:
    (tmp_path / "P1.train.json").write_text(json.dumps([{"question": "Q?", "answers": ["A"]}] * 2))
    (tmp_path / "P2.train.json").write_text(json.dumps([{"question": "R?", "answers": ["B"]}]))
    questions = read_questions(f"{tmp_path}/*.train.json", limit=2)
    assert [q.question_id for q in questions] == ["P1/0", "P1/1"]
    with pytest.raises(DataError, match="no file matches"):
        read_questions(f"{tmp_path}/*.dev.json")
    (tmp_path / "P3.train.json").write_text(json.dumps([{"q": "?"}]))
    with pytest.raises(DataError, match=r"P3\.train\.json\): row 0: expected keys 'question' and 'answers'"):
        read_questions(f"{tmp_path}/*.train.json")


def test_passages_without_the_expected_columns_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "P1.train.json").write_text(json.dumps([{"question": "Q?", "answers": ["A"]}]))
    passages = tmp_path / "passages.jsonl"
    passages.write_text(json.dumps({"id": 1, "body": "x"}) + "\n")
    spec = {"name": "eq", "source": {"questions": f"{tmp_path}/*.json", "passages": str(passages)}}
    with pytest.raises(DataError, match=r"passages\.jsonl: row 0: expected columns id, text and title"):
        mine_dataset(spec | {"top_k": 5, "hard_negatives": 1, "limit": None}, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()
