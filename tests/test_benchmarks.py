"""Benchmark loaders: XQuAD-R and MLQA-R (LAReQA JSON), raw MLQA, MIRACL; and their errors."""

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_benchmark

from hybridir.errors import DataError
from hybridir.fetch import benchmarks
from hybridir.fetch.benchmarks import fetch_benchmark

XQUAD_R_CANDIDATES = {
    "ar": 1222, "de": 1276, "el": 1234, "en": 1180, "es": 1215, "hi": 1244,
    "ru": 1219, "th": 852, "tr": 1167, "vi": 1209, "zh": 1196,
}  # fmt: skip
MLQA_R_COUNTS = {
    "ar": (517, 2545), "de": (512, 2362), "en": (1148, 6264), "es": (500, 1787),
    "hi": (507, 2426), "vi": (511, 2828), "zh": (504, 2322),
}  # fmt: skip


def spec(fmt: str, source: str, languages: list[str]) -> dict:
    return {
        "name": "b",
        "format": fmt,
        "source": source,
        "languages": languages,
        "split": "dev",
        "limit": None,
    }


def relevant_languages(bench) -> "object":
    """Per question id, the languages of its relevant candidates and how many there are."""
    judged = bench.qrels.merge(bench.candidates[["candidate_id", "lang"]], on="candidate_id")
    return judged.groupby("question_id")["lang"]


def test_xquad_r_counts_and_one_relevant_candidate_per_language() -> None:
    folder = shared_benchmark("xquad-r")
    bench = fetch_benchmark(spec("lareqa", f"{folder}/{{lang}}.json", sorted(XQUAD_R_CANDIDATES)))
    assert bench.candidates.groupby("lang").size().to_dict() == XQUAD_R_CANDIDATES
    assert bench.queries.groupby("lang").size().to_dict() == dict.fromkeys(XQUAD_R_CANDIDATES, 1190)
    languages = relevant_languages(bench)
    assert languages.size().eq(11).all() and languages.nunique().eq(11).all()
    assert bench.qrels["question_id"].nunique() == 1190


def test_mlqa_r_counts_and_two_to_four_relevant_candidates() -> None:
    folder = shared_benchmark("mlqa-r")
    bench = fetch_benchmark(spec("lareqa", f"{folder}/{{lang}}.json", sorted(MLQA_R_COUNTS)))
    queries = bench.queries.groupby("lang").size().to_dict()
    candidates = bench.candidates.groupby("lang").size().to_dict()
    assert {lang: (queries[lang], candidates[lang]) for lang in MLQA_R_COUNTS} == MLQA_R_COUNTS
    per_question = relevant_languages(bench)
    assert per_question.size().between(2, 4).all()
    assert per_question.size().eq(per_question.nunique()).all()


def squad(paragraphs: list[dict]) -> dict:
    return {"version": "test", "data": [{"title": "t", "paragraphs": paragraphs}]}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


PARALLEL = {
    "en": ("Ann lives in Rome. She is 30 years old. Bob is her brother.", "How old is Ann?", "30"),
    "de": ("Ann wohnt in Rom. Sie ist 30 Jahre alt. Bob ist ihr Bruder.", "Wie alt ist Ann?", "30"),
}


def test_raw_mlqa_is_split_into_sentence_candidates(tmp_path: Path) -> None:
    for lang, (context, question, answer) in PARALLEL.items():
        qa = {
            "id": "q1",
            "question": question,
            "answers": [{"text": answer, "answer_start": context.index(answer)}],
        }
        write(tmp_path / f"dev-{lang}.json", squad([{"context": context, "qas": [qa]}]))
    bench = fetch_benchmark(spec("mlqa", f"{tmp_path}/dev-{{lang}}.json", ["en", "de"]))
    assert bench.candidates.query("lang == 'en'")["text"].tolist() == [
        "Ann lives in Rome.",
        "She is 30 years old.",
        "Bob is her brother.",
    ]
    assert sorted(bench.qrels["candidate_id"]) == ["de/0000-000/1", "en/0000-000/1"]
    assert bench.queries["query_id"].tolist() == ["en/q1", "de/q1"]
    assert set(bench.candidates["context"]) == {PARALLEL["en"][0], PARALLEL["de"][0]}


CONTEXT = "One. Two."
GOOD_QA = {"id": "q", "question": "?", "answers": [{"text": "Two", "answer_start": 5}]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"paragraphs": []}, "expected SQuAD-format JSON with a top-level 'data' list"),
        (
            squad([{"context": CONTEXT}]),
            r"data\[0\]\.paragraphs\[0\]: expected a 'context' string and a 'qas' list",
        ),
        (squad([{"context": CONTEXT, "qas": [GOOD_QA]}]), "no 'sentence_breaks'"),
        (
            squad([{"context": CONTEXT, "qas": [GOOD_QA], "sentence_breaks": [[0, 4], [3, 9]]}]),
            r"\[3, 9\] is not",
        ),
        (
            squad([{"context": CONTEXT, "qas": [GOOD_QA], "sentence_breaks": [[0, 4], [5, 99]]}]),
            "not an ordered span",
        ),
        (
            squad([{"context": CONTEXT, "qas": [{"id": "q", "question": "?"}], "sentence_breaks": [[0, 4]]}]),
            "question 'q' lacks id, question or answer_start",
        ),
        (
            squad([{"context": CONTEXT, "qas": [GOOD_QA], "sentence_breaks": [[0, 4]]}]),
            "question q: answer_start 5 is in no sentence",
        ),
    ],
)
def test_malformed_lareqa_file_is_named_with_the_problem(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "en.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(DataError, match=message) as error:
        fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["en"]))
    assert str(path) in str(error.value)


def test_missing_benchmark_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=f"{tmp_path}/de.json: file not found"):
        fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["de"]))


def write_miracl(folder: Path, qrels: str) -> dict:
    (folder / "topics.sw-dev.tsv").write_text('1\tNani "mwalimu"?\n2\tWapi?\n')
    (folder / "qrels.sw-dev.tsv").write_text(qrels)
    docs = [
        {"docid": "7#0", "title": "T", "text": "Mwalimu ni mtu."},
        {"docid": "8#1", "title": "U", "text": "Hapa."},
    ]
    with gzip.open(folder / "docs-sw.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps(d) + "\n" for d in docs)
    return {
        "topics": f"{folder}/topics.{{lang}}-{{split}}.tsv",
        "qrels": f"{folder}/qrels.{{lang}}-{{split}}.tsv",
        "corpus": f"{folder}/docs-{{lang}}.jsonl.gz",
    }


def test_miracl_tables_through_datasets(tmp_path: Path) -> None:
    source = write_miracl(tmp_path, "1\tQ0\t7#0\t1\n1\tQ0\t8#1\t0\n2\tQ0\t8#1\t1\n")
    bench = fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})
    assert bench.queries["text"].tolist() == ['Nani "mwalimu"?', "Wapi?"]
    assert bench.candidates["candidate_id"].tolist() == ["sw/7#0", "sw/8#1"]
    assert bench.candidates["context"].tolist() == ["T", "U"]
    assert bench.qrels.values.tolist() == [
        ["sw/1", "sw/7#0", 1],
        ["sw/1", "sw/8#1", 0],
        ["sw/2", "sw/8#1", 1],
    ]


def test_malformed_miracl_qrels_name_the_file(tmp_path: Path) -> None:
    source = write_miracl(tmp_path, "1\tQ0\n")
    with pytest.raises(DataError, match=f"{tmp_path}/qrels.sw-dev.tsv"):
        fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})


def write_miracl_corpus(folder: Path, docs: int) -> dict:
    """A MIRACL source whose corpus holds passages 0#0 .. (docs-1)#0; query 1 judges 4#0 relevant
    and 2#0 not relevant."""
    source = write_miracl(folder, "1\tQ0\t4#0\t1\n1\tQ0\t2#0\t0\n")
    with gzip.open(folder / "docs-sw.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps({"docid": f"{d}#0", "title": None, "text": f"P {d}."}) + "\n" for d in range(docs))
    return source


@pytest.mark.parametrize(
    ("limit", "kept"), [(None, [0, 1, 2, 3, 4, 5]), (1, [0, 2, 4]), (0, [2, 4]), (3, [0, 1, 2, 3, 4])]
)
def test_miracl_limit_keeps_every_judged_passage_and_the_first_others(tmp_path: Path, limit, kept) -> None:
    source = write_miracl_corpus(tmp_path, 6)
    bench = fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source, "limit": limit})
    assert bench.candidates["candidate_id"].tolist() == [f"sw/{d}#0" for d in kept]


def test_the_miracl_corpus_is_read_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_miracl_corpus(tmp_path, 5)
    whole = fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})
    monkeypatch.setattr(benchmarks, "CHUNK_ROWS", 2)
    stream = benchmarks.stream_benchmark(spec("miracl", source, ["sw"]) | {"source": source})
    chunks = list(stream.candidates)
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole.candidates)
