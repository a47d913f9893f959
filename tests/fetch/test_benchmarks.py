"""Benchmark loaders: XQuAD-R and MLQA-R (LAReQA JSON), raw MLQA, MIRACL; and their errors."""

import gzip
import io
import json
import logging
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from hybridir.config import load_config
from hybridir.errors import DataError
from hybridir.fetch import miracl
from hybridir.fetch.answers import normalize_answer
from hybridir.fetch.benchmarks import fetch_benchmark, sentence_recovery, stream_benchmark
from tests.support import REPO, shared_benchmark

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
        "missing_judged": "error",
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
    assert bench.ledger["reason"].isna().all() and len(bench.ledger) == 11 * 1190  # every answer at its start


def test_mlqa_r_counts_and_two_to_four_relevant_candidates() -> None:
    folder = shared_benchmark("mlqa-r")
    bench = fetch_benchmark(spec("lareqa", f"{folder}/{{lang}}.json", sorted(MLQA_R_COUNTS)))
    queries = bench.queries.groupby("lang").size().to_dict()
    candidates = bench.candidates.groupby("lang").size().to_dict()
    assert {lang: (queries[lang], candidates[lang]) for lang in MLQA_R_COUNTS} == MLQA_R_COUNTS
    per_question = relevant_languages(bench)
    assert per_question.size().between(2, 4).all()
    assert per_question.size().eq(per_question.nunique()).all()
    assert bench.ledger["reason"].isna().all() and len(bench.ledger) == len(bench.queries)


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
            "question 'q' lacks id, question, answer text or answer_start",
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


ANSWERED = "Rome lies on the Tiber. Paris lies on the Seine. The Tiber is long."
ANSWERED_BREAKS = [[0, 23], [24, 48], [49, 67]]


def answered(tmp_path: Path, answers: list[tuple[str, str, int]]) -> "object":
    """A one-language LAReQA benchmark of ANSWERED with questions (id, answer text, answer_start)."""
    qas = [{"id": q, "question": f"{q}?", "answers": [{"text": t, "answer_start": a}]} for q, t, a in answers]
    write(tmp_path / "en.json", squad([{"context": ANSWERED, "qas": qas, "sentence_breaks": ANSWERED_BREAKS}]))
    return fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["en"]))


def test_squad_normalisation_ignores_case_punctuation_articles_and_spacing() -> None:
    assert normalize_answer("The  Tiber, river!") == normalize_answer("tiber river") == "tiber river"
    assert normalize_answer("«Ça» va.") == "ça va"
    assert normalize_answer("an apple") == "apple" and normalize_answer("Theatre") == "theatre"


def test_an_answer_at_its_start_is_kept_as_given(tmp_path: Path) -> None:
    bench = answered(tmp_path, [("a", "the tiber", 13), ("b", "Paris", 24)])
    assert bench.qrels["candidate_id"].tolist() == ["en/0000-000/0", "en/0000-000/1"]
    assert bench.ledger["status"].tolist() == ["kept", "kept"] and bench.ledger["reason"].isna().all()


def test_a_shifted_answer_moves_to_its_nearest_occurrence_and_is_recorded(tmp_path: Path, caplog) -> None:
    # "Tiber" occurs at 17 and 53: answer_start 50 is off by three, nearest to 53 (third sentence)
    with caplog.at_level(logging.WARNING):
        bench = answered(tmp_path, [("a", "Tiber", 50), ("b", "seine", 3)])
    assert bench.qrels["candidate_id"].tolist() == ["en/0000-000/2", "en/0000-000/1"]
    ledger = bench.ledger.set_index("question_id")
    assert ledger["reason"].tolist() == ["answer_moved", "answer_moved"]
    assert ledger.loc["a", "detail"] == "data[0].paragraphs[0].qas[0]: answer_start 50 -> 53".join(
        [f"{tmp_path}/en.json: ", ""]
    )
    assert "2 moved to the nearest occurrence" in caplog.text


def test_an_answer_not_in_its_context_drops_the_question_in_that_language(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        bench = answered(tmp_path, [("a", "Rome", 0), ("b", "Berlin", 30)])
    assert bench.queries["question_id"].tolist() == ["a"] and bench.qrels["question_id"].tolist() == ["a"]
    dropped = bench.ledger.set_index("question_id").loc["b"]
    assert (dropped["status"], dropped["reason"]) == ("filtered", "answer_not_in_context")
    assert pd.isna(dropped["candidate_id"])
    assert "1 questions dropped (answer_not_in_context)" in caplog.text


def test_a_repeated_question_id_names_the_file_and_both_places(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"en\.json: question id 'a' at .*qas\[1\] repeats the one at .*qas\[0\]"):
        answered(tmp_path, [("a", "Rome", 0), ("a", "Paris", 24)])


def test_a_question_given_as_a_number_names_the_file_question_and_field(tmp_path: Path) -> None:
    qa = {"id": "q", "question": 42, "answers": [{"text": "Rome", "answer_start": 0}]}
    write(tmp_path / "en.json", squad([{"context": ANSWERED, "qas": [qa], "sentence_breaks": ANSWERED_BREAKS}]))
    with pytest.raises(
        DataError, match=r"en\.json: data\[0\]\.paragraphs\[0\]\.qas\[0\]: field 'question' holds a number"
    ):
        fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["en"]))


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


def test_a_judged_passage_missing_from_the_corpus_names_the_qrels_file_and_line(tmp_path: Path) -> None:
    source = write_miracl(tmp_path, "1\tQ0\t7#0\t1\n2\tQ0\t9#0\t1\n")
    with pytest.raises(DataError, match=r"qrels\.sw-dev\.tsv: line 2: question sw/2 judges sw/9#0, which is not among"):
        fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})


def test_missing_judged_drop_removes_the_judgement_with_a_ledger_entry(tmp_path: Path, caplog) -> None:
    source = write_miracl(tmp_path, "1\tQ0\t7#0\t1\n2\tQ0\t9#0\t1\n")
    with caplog.at_level(logging.WARNING):
        bench = fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source, "missing_judged": "drop"})
    assert bench.qrels.values.tolist() == [["sw/1", "sw/7#0", 1]]
    ledger = bench.ledger.fillna("-")
    assert ledger[["candidate_id", "source_row", "status", "reason"]].values.tolist() == [
        ["sw/7#0", 0, "kept", "-"],
        ["sw/9#0", 1, "filtered", "judged_passage_missing"],
    ]
    assert "1 judgements name passages that are not in" in caplog.text


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        (
            "topics.sw-dev.tsv",
            "1\tA?\n2\tB?\n1\tC?\n",
            r"topics\.sw-dev\.tsv: query id '1' at line 3 repeats the one at line 1",
        ),
        (
            "qrels.sw-dev.tsv",
            "1\tQ0\t7#0\t1\n1\tQ0\t7#0\t0\n",
            r"qrels\.sw-dev\.tsv: judgement \(query, docid\) \('1', '7#0'\) at line 2 repeats",
        ),
    ],
)
def test_a_repeated_miracl_id_names_the_file_and_both_lines(tmp_path: Path, file, content, message) -> None:
    source = write_miracl(tmp_path, "1\tQ0\t7#0\t1\n")
    (tmp_path / file).write_text(content)
    with pytest.raises(DataError, match=message):
        fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})


def test_a_repeated_corpus_docid_names_the_corpus_and_both_rows(tmp_path: Path) -> None:
    source = write_miracl(tmp_path, "1\tQ0\t7#0\t1\n")
    docs = [{"docid": d, "title": "T", "text": "x"} for d in ("7#0", "8#1", "9#0", "8#1")]
    with gzip.open(tmp_path / "docs-sw.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps(d) + "\n" for d in docs)
    with pytest.raises(DataError, match=r"docs-sw\.jsonl\.gz: docid '8#1' at row 3 repeats the one at row 1"):
        fetch_benchmark(spec("miracl", source, ["sw"]) | {"source": source})


def config_benchmark(name: str) -> dict:
    """A benchmarks[] entry of the workflow's config.yaml, defaults filled in."""
    return next(b for b in load_config(REPO / "config.yaml")["benchmarks"] if b["name"] == name)


def lareqa_paragraph(lang: str) -> dict:
    context, question, answer = PARALLEL[lang]
    sentences = ["Ann", "Sie" if lang == "de" else "She", "Bob"]
    starts = [context.index(word) for word in sentences]
    breaks = [[start, end - 1] for start, end in zip(starts, [*starts[1:], len(context) + 1], strict=True)]
    qa = {"id": "q1", "question": question, "answers": [{"text": answer, "answer_start": context.index(answer)}]}
    return {"context": context, "qas": [qa], "sentence_breaks": breaks}


def test_lareqa_files_over_http_through_the_config_source(http_files) -> None:
    """xquad_r's source of config.yaml, its host replaced by a loopback server."""
    folder, base = http_files
    spec = config_benchmark("xquad_r")
    source = spec["source"].replace("https://raw.githubusercontent.com", base)
    assert source != spec["source"]
    for lang in ("en", "de"):
        path = folder / source.removeprefix(f"{base}/").replace("{lang}", lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, squad([lareqa_paragraph(lang)]))
    bench = fetch_benchmark(spec | {"source": source, "languages": ["en", "de"]})
    assert bench.candidates.query("lang == 'de'")["text"].tolist() == [
        "Ann wohnt in Rom.",
        "Sie ist 30 Jahre alt.",
        "Bob ist ihr Bruder.",
    ]
    assert sorted(bench.qrels["candidate_id"]) == ["de/0000-000/1", "en/0000-000/1"]


RAW_MLQA = "zip://MLQA_V1/dev/dev-context-{lang}-question-{lang}.json::https://dl.fbaipublicfiles.com/MLQA/MLQA_V1.zip"


def test_raw_mlqa_zip_members_over_http(http_files) -> None:
    """The raw-MLQA option documented in docs/sources.md: members of a zip archive on a server."""
    folder, base = http_files
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as members:
        for lang in ("en", "de"):
            paragraph = {key: value for key, value in lareqa_paragraph(lang).items() if key != "sentence_breaks"}
            name = f"MLQA_V1/dev/dev-context-{lang}-question-{lang}.json"
            members.writestr(name, json.dumps(squad([paragraph]), ensure_ascii=False))
    (folder / "MLQA").mkdir()
    (folder / "MLQA" / "MLQA_V1.zip").write_bytes(archive.getvalue())
    source = RAW_MLQA.replace("https://dl.fbaipublicfiles.com", base)
    bench = fetch_benchmark(spec("mlqa", source, ["en", "de"]))
    assert bench.candidates.groupby("lang").size().to_dict() == {"de": 3, "en": 3}
    assert bench.queries["query_id"].tolist() == ["en/q1", "de/q1"]


def test_http_404_names_the_url(http_files) -> None:
    _, base = http_files
    with pytest.raises(DataError, match=f"{base}/xquad-r/de.json: file not found"):
        fetch_benchmark(spec("lareqa", f"{base}/xquad-r/{{lang}}.json", ["de"]))


def test_missing_zip_member_and_archive_name_the_source(http_files) -> None:
    folder, base = http_files
    with zipfile.ZipFile(folder / "MLQA_V1.zip", "w") as members:
        members.writestr("MLQA_V1/dev/other.json", "{}")
    for source in (f"zip://MLQA_V1/dev/{{lang}}.json::{base}/MLQA_V1.zip", f"zip://a/{{lang}}.json::{base}/none.zip"):
        with pytest.raises(DataError, match="file not found") as error:
            fetch_benchmark(spec("mlqa", source, ["de"]))
        assert source.replace("{lang}", "de") in str(error.value)


def test_truncated_download_names_the_url(http_files) -> None:
    folder, base = http_files
    write(folder / "de.json", squad([lareqa_paragraph("de")]))
    url = f"{base}/truncated/de.json"
    with pytest.raises(DataError, match="the connection dropped before the whole file arrived") as error:
        fetch_benchmark(spec("lareqa", f"{base}/truncated/{{lang}}.json", ["de"]))
    assert str(error.value).startswith(f"{url}: ")


def test_mlqa_r_is_lareqa_files_at_a_pinned_commit() -> None:
    bench = config_benchmark("mlqa_r")
    assert bench["format"] == "lareqa"
    commit = bench["source"].split("/lareqa/")[1].split("/")[0]
    assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)
    assert bench["source"].endswith("/mlqa-r/{lang}.json")
    assert config_benchmark("xquad_r")["source"] == bench["source"].replace("mlqa-r", "xquad-r")


def test_sentence_recovery_counts_reference_sentences_rebuilt_exactly(tmp_path: Path, caplog) -> None:
    """Hand-worked: paragraph 1's three reference sentences are rebuilt (3/3); paragraph 2's one
    reference sentence spans two of ours (0/1); paragraph 3 is not in the source."""
    first = PARALLEL["en"][0]
    second, third = "Dr. Who came. He left.", "Not in the source."
    raw = [{"context": first, "qas": []}, {"context": second, "qas": []}]
    write(tmp_path / "raw-en.json", squad(raw))
    reference = [
        {"context": first, "qas": [], "sentence_breaks": [[0, 18], [19, 39], [40, 59]]},
        {"context": second, "qas": [], "sentence_breaks": [[0, 22]]},
        {"context": third, "qas": [], "sentence_breaks": [[0, 18]]},
    ]
    write(tmp_path / "ref-en.json", squad(reference))
    bench_spec = spec("mlqa", f"{tmp_path}/raw-{{lang}}.json", ["en"]) | {"reference": f"{tmp_path}/ref-{{lang}}.json"}
    with caplog.at_level(logging.INFO):
        bench = fetch_benchmark(bench_spec)
    recovery = sentence_recovery(bench.candidates, f"{tmp_path}/ref-en.json", "en")
    assert (recovery.found, recovery.total, recovery.unmatched_paragraphs) == (3, 4, 1)
    assert "b en: sentence recovery 75.0% (3 of 4 reference candidate sentences" in caplog.text
    assert "1 reference paragraphs not in the source" in caplog.text


# Measured once on LAReQA's MLQA-R with hybridir.sentences; docs/sources.md gives the same figures.
MLQA_R_RECOVERY = {"ar": 96.3, "de": 93.6, "en": 98.0, "es": 95.5, "hi": 97.6, "vi": 93.4, "zh": 97.4}


def test_raw_mlqa_rebuild_recovers_lareqa_sentences(caplog) -> None:
    """The mlqa format on LAReQA's own files (its sentence_breaks unused), compared with them."""
    folder = shared_benchmark("mlqa-r")
    source = f"{folder}/{{lang}}.json"
    with caplog.at_level(logging.INFO):
        bench = fetch_benchmark(spec("mlqa", source, sorted(MLQA_R_RECOVERY)) | {"reference": source})
    for lang, percent in MLQA_R_RECOVERY.items():
        recovery = sentence_recovery(bench.candidates.query("lang == @lang"), source.replace("{lang}", lang), lang)
        assert recovery.total == MLQA_R_COUNTS[lang][1] and recovery.unmatched_paragraphs == 0
        assert round(100 * recovery.share, 1) == percent
        assert f"b {lang}: sentence recovery {percent}%" in caplog.text


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
    monkeypatch.setattr(miracl, "CHUNK_ROWS", 2)
    stream = stream_benchmark(spec("miracl", source, ["sw"]) | {"source": source})
    chunks = list(stream.candidates)
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole.candidates)


def article(title: str, context: str, breaks: list[list[int]], qas: list[dict]) -> dict:
    paragraph = {"context": context, "sentence_breaks": breaks, "qas": qas}
    return {"title": title, "paragraphs": [paragraph]}


def three_articles() -> dict:
    """Articles 0, 1, 2 of one sentence each (one question each), then two sentences in article 2."""
    qa = [{"id": f"q{i}", "question": f"Q{i}?", "answers": [{"text": "A", "answer_start": 0}]} for i in range(3)]
    return {
        "data": [
            article("zero", "A zero.", [[0, 7]], [qa[0]]),
            article("one", "A one.", [[0, 6]], [qa[1]]),
            article("two", "A two. B two.", [[0, 6], [7, 13]], [qa[2]]),
        ]
    }


def test_articles_select_a_range_in_file_order_and_keep_file_positions(tmp_path: Path) -> None:
    write(tmp_path / "en.json", three_articles())
    bench = fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["en"]) | {"articles": [1, 3]})
    assert bench.candidates["text"].tolist() == ["A one.", "A two.", "B two."]
    assert bench.candidates["paragraph_id"].tolist() == ["0001-000", "0002-000", "0002-000"]
    assert bench.queries["question_id"].tolist() == ["q1", "q2"]
    assert bench.qrels["candidate_id"].tolist() == ["en/0001-000/0", "en/0002-000/0"]
    whole = fetch_benchmark(spec("lareqa", f"{tmp_path}/{{lang}}.json", ["en"]))
    assert len(whole.candidates) == 4 and whole.queries["question_id"].tolist() == ["q0", "q1", "q2"]


def test_articles_beyond_the_file_name_it(tmp_path: Path) -> None:
    write(tmp_path / "en.json", three_articles())
    with pytest.raises(DataError, match=r"en\.json: articles \[1, 4\] asked for, but the file has 3 articles"):
        fetch_benchmark(spec("mlqa", f"{tmp_path}/{{lang}}.json", ["en"]) | {"articles": [1, 4]})


def test_xquad_r_halves_partition_its_candidates_and_questions() -> None:
    folder = shared_benchmark("xquad-r")
    languages = ["de", "en", "tr"]
    halves = [
        fetch_benchmark(spec("lareqa", f"{folder}/{{lang}}.json", languages) | {"articles": articles})
        for articles in ([0, 24], [24, 48])
    ]
    counts = [half.candidates.groupby("lang").size() for half in halves]
    assert (counts[0] + counts[1]).to_dict() == {lang: XQUAD_R_CANDIDATES[lang] for lang in languages}
    questions = [set(half.qrels["question_id"]) for half in halves]
    assert not questions[0] & questions[1] and len(questions[0] | questions[1]) == 1190
    assert halves[1].candidates["paragraph_id"].str[:4].astype(int).between(24, 47).all()
