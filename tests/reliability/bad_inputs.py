"""The bad-input suite's cases: each a record (id, input, expected outcome) and a driver that feeds
the input to the library function or script entry that meets it in the pipeline.

A driver raises the library's error, returns an Observed outcome (a ledger entry, or a valid
result), or returns nothing and leaves a logged warning: `observe` turns each into an Observed.
docs/bad-inputs.md is the table of every case and its observed outcome (see `table`).
"""

import copy
import csv
import functools
import gzip
import http.server
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from hybridir.config import validate_config
from hybridir.corpus import parallel_corpus, translated_corpus
from hybridir.errors import ConfigError, DataError
from hybridir.fetch.benchmarks import fetch_benchmark
from hybridir.fetch.parallel import fetch_parallel
from hybridir.fetch.qa import fetch_qa
from hybridir.logs import FORMAT
from hybridir.sources import read_json, read_json_files
from hybridir.tables import read_table, write_table
from hybridir.text import text_id
from tests.support import REPO
from tests.support.http import FileHandler, fast_network

DEMO_CONFIG = REPO / "profiles" / "demo" / "pipeline.yaml"
DOC = REPO / "docs" / "bad-inputs.md"
LEDGER = "ledger"
VALID = "valid"
WARNING = "warning"


@dataclass(frozen=True)
class Observed:
    """What the library did with a bad input: an error (ConfigError, DataError), a ledger entry, a
    logged warning or a valid result, and its message."""

    kind: str
    message: str


@dataclass(frozen=True)
class Case:
    """One bad input: `kind` is the expected Observed.kind, and every string of `names` must
    appear in the observed message (the file, key, row or reason it names)."""

    id: str
    input: str
    expected: str
    kind: str
    names: tuple[str, ...]
    driver: Callable[["Context"], Observed | None]


@dataclass(frozen=True)
class Context:
    """A case's own folder, and the base URL of a server of files put under `served`."""

    folder: Path
    served: Path
    url: str


# --- inputs -----------------------------------------------------------------------------------


def demo_config() -> dict:
    """The demo's pipeline config (validated, defaults filled in), to change one key of."""
    return validate_config(yaml.safe_load(DEMO_CONFIG.read_text()))


def qa_spec(source: Path | str, **changes) -> dict:
    """The demo's `facts` dataset entry reading `source`."""
    spec = copy.deepcopy(demo_config()["datasets"][0])
    return spec | {"source": str(source)} | changes


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def qa_row(number: int, **changes) -> dict:
    row = {
        "id": f"q{number}",
        "question": f"Who founded town {number}?",
        "passage": f"Town {number} was founded by person {number}.",
        "answer": f"person {number}",
        "negatives": [f"Town {number + 100} lies on a river."],
    }
    return row | changes


def qa_file(ctx: Context, rows: list[dict], name: str = "qa.jsonl") -> Path:
    return write_jsonl(ctx.folder / name, rows)


def corpus_ledger(qa: pd.DataFrame, translations: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    _, ledger = translated_corpus(qa, translations or {}, "en")
    return ledger


def ledger_entry(ledger: pd.DataFrame, pair_id: str, lang: str = "en") -> Observed:
    """The ledger row of one pair in one language, as an Observed."""
    rows = ledger[(ledger["pair_id"] == pair_id) & (ledger["lang"] == lang)]
    if len(rows) != 1:
        return Observed("missing", f"{len(rows)} ledger rows for ({pair_id}, {lang})")
    row = rows.iloc[0]
    return Observed(LEDGER, f"{row['pair_id']} {row['lang']}: {row['status']} {row['reason']}")


def translations_of(
    qa: pd.DataFrame, lang: str, texts: dict[str, str], flags: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """A `translations` table of every question and passage of `qa` into `lang`: the text of
    `texts` where given, else the source text prefixed with the language; flags from `flags`."""
    sources = pd.unique(pd.concat([qa["question"], qa["passage"]]))
    rows = [
        {
            "text_id": text_id(source),
            "lang": lang,
            "text": texts.get(source, f"[{lang}] {source}"),
            "source_chars": len(source),
            "sentences": 1,
            "flags": (flags or {}).get(source, []),
        }
        for source in sources
    ]
    return pd.DataFrame(rows)


def parallel_spec(source: str, **changes) -> dict:
    spec = copy.deepcopy(demo_config()["parallel_datasets"][0])
    return spec | {"source": source} | changes


def squad(paragraphs: list[dict]) -> dict:
    return {"version": "1.1", "data": [{"title": "t", "paragraphs": paragraphs}]}


def paragraph(context: str, breaks: list[list[int]], questions: list[tuple[str, int]], answer: str = "") -> dict:
    """A LAReQA paragraph whose questions (id, answer_start) answer `answer`, or the word at their start."""
    qas = [
        {
            "id": qid,
            "question": f"Question {qid}?",
            "answers": [{"text": answer or context[start:].split(" ")[0], "answer_start": start}],
        }
        for qid, start in questions
    ]
    return {"context": context, "sentence_breaks": breaks, "qas": qas}


CONTEXT = "Rome lies on the Tiber. It was founded long ago."
BREAKS = [[0, 23], [24, 48]]


def lareqa_benchmark(ctx: Context, files: dict[str, dict]) -> Observed | None:
    """Fetch a lareqa benchmark of the given language -> SQuAD JSON files."""
    for lang, data in files.items():
        (ctx.folder / f"{lang}.json").write_text(json.dumps(data))
    spec = copy.deepcopy(demo_config()["benchmarks"][0])
    spec |= {"source": str(ctx.folder / "{lang}.json"), "languages": sorted(files)}
    fetch_benchmark(spec)
    return None


def benchmark_entry(ledger: pd.DataFrame, question: str) -> Observed:
    """The benchmark ledger row of one question (or qrels judgement), as an Observed."""
    rows = ledger[ledger["question_id"] == question]
    if len(rows) != 1:
        return Observed("missing", f"{len(rows)} benchmark ledger rows for {question}")
    row = rows.iloc[0]
    return Observed(
        LEDGER, f"{row['benchmark']} {row['lang']} {question}: {row['status']} {row['reason']} ({row['detail']})"
    )


def lareqa_ledger(ctx: Context, data: dict, question: str) -> Observed:
    """Fetch a one-language (en) lareqa benchmark and give one question's ledger entry."""
    (ctx.folder / "en.json").write_text(json.dumps(data))
    spec = copy.deepcopy(demo_config()["benchmarks"][0]) | {
        "source": str(ctx.folder / "{lang}.json"),
        "languages": ["en"],
    }
    return benchmark_entry(fetch_benchmark(spec).ledger, question)


def miracl_source(ctx: Context, topics: str, qrels: str, docs: list[str]) -> dict:
    """A one-language (en) MIRACL-format source in the case's folder, passages of the given docids."""
    folder = ctx.folder / "en"
    folder.mkdir()
    (folder / "topics.tsv").write_text(topics)
    (folder / "qrels.tsv").write_text(qrels)
    with gzip.open(folder / "corpus.jsonl.gz", "wt") as handle:
        handle.writelines(json.dumps({"docid": d, "title": "T", "text": f"Passage {d}."}) + "\n" for d in docs)
    return {kind: str(ctx.folder / "{lang}" / name) for kind, name in (
        ("topics", "topics.tsv"), ("qrels", "qrels.tsv"), ("corpus", "corpus.jsonl.gz"))}  # fmt: skip


def miracl_benchmark(ctx: Context, source: dict, missing_judged: str = "error") -> pd.DataFrame:
    """The benchmark ledger of the demo's MIRACL entry reading `source` (English only)."""
    spec = copy.deepcopy(demo_config()["benchmarks"][2])
    spec |= {"source": source, "languages": ["en"], "missing_judged": missing_judged}
    return fetch_benchmark(spec).ledger


@functools.cache
def tiny_translator(folder: Path) -> "object":
    """A random tiny NLLB-architecture translator (CTranslate2), built once per folder."""
    from hybridir.demo.tiny import build_tiny_nllb
    from hybridir.translate.convert import convert_model
    from hybridir.translate.engine import NllbTranslator

    texts = [qa_row(n)[key] for n in range(20) for key in ("question", "passage")]
    model = build_tiny_nllb(texts, folder / "nllb-hf", vocab_size=120)
    return NllbTranslator(str(convert_model(str(model), folder / "nllb-ct2", "int8")), device="cpu", threads=1)


def translated_shards(ctx: Context, earlier: list[dict], rows: list[dict], shards: int) -> Observed:
    """Translate the texts of `rows` that no earlier dataset has, in `shards` shards, each shard's
    table checked against the translations schema; the rows of each shard."""
    from hybridir.translate.texts import owned_texts, select_shard
    from hybridir.translate.translation import translate_texts

    qa, _ = fetch_qa(qa_spec(qa_file(ctx, rows)), "en")
    before = [fetch_qa(qa_spec(qa_file(ctx, earlier, "earlier.jsonl")), "en")[0]] if earlier else []
    texts = owned_texts(qa, before, "en", 1)
    sizes = []
    for shard in range(shards):
        table = translate_texts(select_shard(texts, shard, shards), tiny_translator(ctx.folder.parent), "en", "de")
        write_table(table, ctx.folder / f"{shard}.parquet", "translations")
        sizes.append(len(read_table(ctx.folder / f"{shard}.parquet", "translations")))
    return Observed(VALID, f"{len(texts)} new texts; translation shards of {sizes} rows, each schema-valid")


@contextmanager
def hf_token(value: str) -> Iterator[None]:
    previous = os.environ.get("HF_TOKEN")
    os.environ["HF_TOKEN"] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ["HF_TOKEN"]
        else:
            os.environ["HF_TOKEN"] = previous


def training_corpus(languages: tuple[str, ...], pairs: int = 6) -> pd.DataFrame:
    rows = [
        (f"d/{pair}", "d", lang, f"question {pair} in {lang}", f"passage {pair} in {lang}", [])
        for pair in range(pairs)
        for lang in languages
    ]
    return pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage", "negative_passages"])


def batch_kinds(strategy: str, alpha: float, languages: tuple[str, ...]) -> Observed:
    """Kinds of 40 batches drawn by the sampler of `strategy` over a small corpus."""
    from hybridir.train.index import CorpusIndex
    from hybridir.train.options import TrainingOptions
    from hybridir.train.samplers import make_sampler, schedule

    options = TrainingOptions.from_schema(strategy=strategy, seed=0, alpha=alpha, batch_size=2)
    index = CorpusIndex(training_corpus(languages), languages)
    kinds = sorted({batch.kind for batch in schedule(make_sampler(index, languages, options), 40, 0)})
    return Observed(VALID, f"{strategy} alpha={alpha}: batches of kinds {kinds}")


def config_with(change: Callable[[dict], None]) -> None:
    config = yaml.safe_load(DEMO_CONFIG.read_text())
    change(config)
    validate_config(config)


def tiny_encoder(folder: Path) -> Path:
    from hybridir.demo.tiny import build_tiny_encoder

    return build_tiny_encoder(["Rome lies on the Tiber.", "Paris lies on the Seine."], folder / "encoder", 60)


def load_model(model: str) -> None:
    from hybridir.encoders import EncoderSpec, load_encoder

    entry = demo_config()["training"]["encoders"][0] | {"model": model}
    load_encoder(EncoderSpec.from_config(entry))


def write_demo_qa(path: Path) -> pd.DataFrame:
    qa, _ = fetch_qa(qa_spec(write_jsonl(path.with_suffix(".jsonl"), [qa_row(1), qa_row(2)])), "en")
    write_table(qa, path, "qa")
    return qa


# --- drivers ------------------------------------------------------------------------------------


def empty_question(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question="")])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def empty_passage(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, passage="")])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def whitespace_question(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question=" \t\n\u00a0 ")])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def null_question(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question=None)])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def row_missing_question(ctx: Context) -> Observed | None:
    row = qa_row(2)
    del row["question"]
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), row])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def non_utf8(ctx: Context) -> None:
    path = ctx.folder / "qa.jsonl"
    path.write_bytes(json.dumps(qa_row(1)).encode() + b"\n" + b'{"id": "q2", "question": "caf\xe9?"}\n')
    fetch_qa(qa_spec(path), "en")


def nul_characters(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question="\x00\x00")])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q2")


def nul_inside_text(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1, question="Who\x00 founded it?")])), "en")
    return Observed(VALID, f"question stored as {qa['question'].iloc[0]!r}")


def missing_column(ctx: Context) -> None:
    rows = [{k: v for k, v in qa_row(n).items() if k != "passage"} for n in (1, 2)]
    fetch_qa(qa_spec(qa_file(ctx, rows)), "en")


def renamed_csv_column(ctx: Context) -> None:
    path = ctx.folder / "qa.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "query", "passage", "answer"])
        writer.writerow(["q1", "Who?", "Someone did.", "Someone"])
    fetch_qa(qa_spec(path, fields={"id": "id", "question": "question", "passage": "passage"}), "en")


def duplicate_ids_same_content(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(1)])), "en")
    return ledger_entry(corpus_ledger(qa), "facts/q1~2")


def duplicate_ids_other_content(ctx: Context) -> Observed:
    spec = qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, id="q1")]))
    _, ledger = fetch_qa(spec, "en")
    return ledger_entry(ledger, "facts/q1~2")


def long_passage(ctx: Context) -> Observed:
    """A 50,000-character passage: read whole, then cut by the translator, whose flag
    truncated_input (engine tests cover it) is given here."""
    passage = ("Rome lies on the Tiber and was founded long ago " * 1100)[:50_000]
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1, passage=passage)])), "en")
    translation = translations_of(qa, "de", {}, {qa["passage"].iloc[0]: ["truncated_input"]})
    entry = ledger_entry(corpus_ledger(qa, {"de": translation}), "facts/q1", "de")
    return Observed(entry.kind, f"{entry.message} (fetched whole: {len(qa['passage'].iloc[0])} characters)")


def where_matches_nothing(ctx: Context) -> None:
    fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2)]), where={"answer": "nobody"}), "en")


def where_filters_rows(ctx: Context) -> Observed:
    spec = qa_spec(qa_file(ctx, [qa_row(1), qa_row(2)]), where={"answer": "person 1"})
    _, ledger = fetch_qa(spec, "en")
    return ledger_entry(ledger, "facts/row-1")


def empty_source_file(ctx: Context) -> None:
    path = ctx.folder / "qa.jsonl"
    path.write_text("")
    fetch_qa(qa_spec(path), "en")


def unaligned_parallel(ctx: Context) -> None:
    write_jsonl(ctx.folder / "en.jsonl", [qa_row(n) for n in range(3)])
    write_jsonl(ctx.folder / "de.jsonl", [qa_row(n) for n in range(2)])
    spec = parallel_spec(str(ctx.folder / "{lang}.jsonl"), languages=["en", "de"])
    spec["fields"] = {k: v for k, v in spec["fields"].items() if k != "id"}
    fetch_parallel(spec)


def pair_missing_in_one_language(ctx: Context) -> Observed:
    write_jsonl(ctx.folder / "en.jsonl", [qa_row(n) for n in range(3)])
    write_jsonl(ctx.folder / "de.jsonl", [qa_row(n) for n in range(2)])
    spec = parallel_spec(str(ctx.folder / "{lang}.jsonl"), languages=["en", "de"])
    _, ledger = parallel_corpus(fetch_parallel(spec))
    return ledger_entry(ledger, "parallel_facts/q2", "de")


def unknown_language(ctx: Context) -> None:
    config_with(lambda c: c["languages"]["train"].append("xx"))


def unknown_key(ctx: Context) -> None:
    config_with(lambda c: c["training"].update(batchsize=8))


def wrong_type(ctx: Context) -> None:
    config_with(lambda c: c["training"].update(steps="many"))


def misspelt_strategy(ctx: Context) -> None:
    config_with(lambda c: c["training"].update(strategies=["x_x", "hybird"]))


def unknown_model_id(ctx: Context) -> None:
    load_model("no-such-owner/no-such-encoder")


def model_dir_without_weights(ctx: Context) -> None:
    model = tiny_encoder(ctx.folder)
    (model / "model.safetensors").unlink()
    load_model(str(model))


def unknown_translation_model(ctx: Context) -> None:
    from hybridir.translate.engine import NllbTranslator

    NllbTranslator(str(ctx.folder / "no-such-nllb"), device="cpu")


def unknown_translation_model_id(ctx: Context) -> None:
    from hybridir.translate.convert import convert_model

    convert_model("no-such-owner/no-such-nllb", ctx.folder / "ct2_model")


def corrupted_parquet(ctx: Context) -> None:
    path = ctx.folder / "qa.parquet"
    write_demo_qa(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\0" * 64 + data[len(data) // 2 + 64 :])
    read_table(path, "qa")


def parquet_wrong_schema(ctx: Context) -> None:
    path = ctx.folder / "qa.parquet"
    qa = write_demo_qa(path)
    pq.write_table(pa.Table.from_pandas(qa.rename(columns={"passage": "context"})), path)
    read_table(path, "qa")


def answer_outside_paragraph(ctx: Context) -> Observed:
    data = squad([paragraph(CONTEXT, BREAKS, [("a", 5), ("b", 400)], answer="Tiber")])
    return lareqa_ledger(ctx, data, "b")


def answer_off_by_two(ctx: Context) -> Observed:
    return lareqa_ledger(ctx, squad([paragraph(CONTEXT, BREAKS, [("a", 15)], answer="Tiber")]), "a")


def answer_not_in_context(ctx: Context) -> Observed:
    return lareqa_ledger(ctx, squad([paragraph(CONTEXT, BREAKS, [("a", 5), ("b", 0)], answer="Rhine")]), "b")


def answer_in_no_sentence(ctx: Context) -> None:
    lareqa_benchmark(ctx, {"en": squad([paragraph(CONTEXT, BREAKS[:1], [("a", 27)])])})


def repeated_question_id(ctx: Context) -> None:
    lareqa_benchmark(ctx, {"en": squad([paragraph(CONTEXT, BREAKS, [("a", 0), ("a", 27)])])})


def overlapping_breaks(ctx: Context) -> None:
    data = squad([paragraph(CONTEXT, [[0, 30], [24, 48]], [("a", 5)])])
    lareqa_benchmark(ctx, {"en": data})


def question_in_one_language(ctx: Context) -> None:
    both = [("a", 5), ("b", 30)]
    lareqa_benchmark(
        ctx, {"en": squad([paragraph(CONTEXT, BREAKS, both)]), "de": squad([paragraph(CONTEXT, BREAKS, both[:1])])}
    )


def miracl_qrels_outside_corpus(ctx: Context) -> None:
    miracl_benchmark(ctx, miracl_source(ctx, "1\tWhere is Rome?\n", "1\tQ0\tdoc1#0\t1\n1\tQ0\tdoc9#0\t1\n", ["doc1#0"]))


def miracl_qrels_outside_corpus_dropped(ctx: Context) -> Observed:
    source = miracl_source(ctx, "1\tWhere is Rome?\n", "1\tQ0\tdoc1#0\t1\n1\tQ0\tdoc9#0\t1\n", ["doc1#0"])
    ledger = miracl_benchmark(ctx, source, "drop")
    return benchmark_entry(ledger[ledger["candidate_id"] == "en/doc9#0"], "en/1")


def miracl_repeated_docid(ctx: Context) -> None:
    miracl_benchmark(ctx, miracl_source(ctx, "1\tWhere?\n", "1\tQ0\td1\t1\n", ["d1", "d2", "d1"]))


def miracl_repeated_query(ctx: Context) -> None:
    miracl_benchmark(ctx, miracl_source(ctx, "1\tWhere?\n2\tWho?\n1\tWhen?\n", "1\tQ0\td1\t1\n", ["d1"]))


def passage_as_list(ctx: Context) -> None:
    fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, passage=["Town 2 lies east.", "It is old."])])), "en")


def passage_as_list_converted(ctx: Context) -> Observed | None:
    rows = [qa_row(1), qa_row(2, passage=["Town 2 lies east.", "It is old."])]
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, rows), convert_values=True), "en")
    logging.warning("passage stored as %r", qa["passage"].iloc[1])


def question_as_number(ctx: Context) -> None:
    fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question=42)])), "en")


def question_as_mapping(ctx: Context) -> None:
    fetch_qa(qa_spec(qa_file(ctx, [qa_row(1), qa_row(2, question={"text": "Who?"})]), convert_values=True), "en")


def subset_dataset(ctx: Context) -> Observed:
    return translated_shards(ctx, [qa_row(1), qa_row(2)], [qa_row(2)], 2)


def one_text_four_shards(ctx: Context) -> Observed:
    return translated_shards(ctx, [qa_row(1)], [qa_row(1, passage="Town 7 lies on a lake.")], 4)


def long_sentence_at_translation(ctx: Context) -> None:
    from hybridir.translate.engine import DecodingOptions
    from hybridir.translate.translation import translate_texts

    texts = pd.DataFrame({"text_id": ["a"], "lang": "en", "text": [" ".join(["Town"] * 80) + "."]})
    options = DecodingOptions(beam_size=1, max_input_tokens=16, max_output_tokens=8)
    translate_texts(texts, tiny_translator(ctx.folder.parent), "en", "de", options)


def long_text_at_encoding(ctx: Context) -> Observed:
    from hybridir.evaluate.encode import encode_table, load_encoder
    from hybridir.evaluate.options import EncodingOptions

    encoder = load_encoder(str(tiny_encoder(ctx.folder)), max_length=8)
    texts = ["Rome.", " ".join(["Rome lies on the Tiber."] * 20)]
    runtime = {"device": "cpu", "dtype": "float32"}
    options = EncodingOptions.from_schema()
    counts = encode_table(encoder, [texts], None, options, ctx.folder / "vectors", "encode", runtime)
    return Observed(VALID, f"text_lengths: {counts['cut']} of {counts['distinct']} texts cut at {counts['max_length']}")


def http_busy_then_answers(ctx: Context) -> None:
    (ctx.served / "busy.json").write_text(json.dumps(squad([paragraph(CONTEXT, BREAKS, [("a", 5)])])))
    with fast_network():
        read_json(f"{ctx.url}/status/429/2/busy.json")


def http_busy_beyond_retries(ctx: Context) -> None:
    (ctx.served / "down.json").write_text(json.dumps(squad([paragraph(CONTEXT, BREAKS, [("a", 5)])])))
    with fast_network():
        read_json(f"{ctx.url}/status/503/9/down.json")


def http_dropped(ctx: Context) -> None:
    write_jsonl(ctx.served / "dropped.jsonl", [qa_row(n) for n in range(200)])
    with fast_network():
        fetch_qa(qa_spec(f"{ctx.url}/dropped/dropped.jsonl"), "en")


def http_silent(ctx: Context) -> None:
    (ctx.served / "silent.json").write_text("{}")
    with fast_network():
        read_json(f"{ctx.url}/silent/silent.json")


def job_warning_in_table(ctx: Context) -> Observed:
    from hybridir.joblogs import warning_rows

    log = ctx.folder / "logs" / "fetch" / "qa" / "facts.log"
    log.parent.mkdir(parents=True)
    formatter = logging.Formatter(FORMAT)
    records = [(logging.INFO, "job of rule fetch_qa"), (logging.WARNING, "facts: 1 of 2 rows repeat an earlier id")]
    log.write_text(
        "".join(
            formatter.format(logging.makeLogRecord({"levelno": lv, "levelname": logging.getLevelName(lv), "msg": m}))
            + "\n"
            for lv, m in records
        )
    )
    return Observed(VALID, f"warnings table rows: {warning_rows([log], ctx.folder / 'logs')}")


def hf_token_set(ctx: Context) -> Observed:
    secret = "hf_caseSENTINEL42"
    with hf_token(secret):
        spec = qa_spec(qa_file(ctx, [qa_row(1)]))
        qa, ledger = fetch_qa(spec, "en")
        write_table(qa, ctx.folder / "qa.parquet", "qa", config=spec, seed=7)
        write_table(ledger, ctx.folder / "ledger.parquet", "fetch_ledger", config=spec, seed=7)
    holding = [p.name for p in sorted(ctx.folder.iterdir()) if p.is_file() and secret.encode() in p.read_bytes()]
    return Observed(VALID, f"HF_TOKEN held by {len(holding)} of the files written (tables with provenance)")


def nan_embeddings(ctx: Context) -> None:
    from hybridir.evaluate.vectors import write_vectors

    vectors = np.ones((4, 3), dtype=np.float32)
    vectors[2, 1] = np.nan
    write_vectors(ctx.folder / "candidates", [vectors], 3)


def inf_embeddings(ctx: Context) -> None:
    from hybridir.evaluate.vectors import write_vectors

    vectors = np.ones((4, 3), dtype=np.float32)
    vectors[3, 0] = np.inf
    write_vectors(ctx.folder / "queries", [vectors[:2], vectors[2:]], 3)


def one_language_x_y(ctx: Context) -> Observed:
    return batch_kinds("x_y", 0.5, ("en",))


def alpha_zero(ctx: Context) -> Observed:
    return batch_kinds("hybrid", 0.0, ("en", "de"))


def alpha_one(ctx: Context) -> Observed:
    return batch_kinds("hybrid", 1.0, ("en", "de"))


def batch_larger_than_dataset(ctx: Context) -> None:
    from hybridir.train.index import CorpusIndex
    from hybridir.train.samplers import check_batch_size

    check_batch_size(CorpusIndex(training_corpus(("en", "de")), ("en", "de")), 50)


def more_processes_than_gpus(ctx: Context) -> None:
    from hybridir.train.launch import check_processes

    check_processes(processes=4, device="cuda", gpus=2)


def hf_path_no_match(ctx: Context) -> None:
    read_json_files(f"file://{ctx.folder}/data/*-{{lang}}.json")


def http_404(ctx: Context) -> None:
    read_json(f"{ctx.url}/missing.json")


def truncated_download(ctx: Context) -> None:
    (ctx.served / "big.json").write_text(json.dumps(squad([paragraph(CONTEXT, BREAKS, [("a", 5)])] * 50)))
    read_json(f"{ctx.url}/truncated/big.json")


def empty_translation(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1)])), "en")
    ledger = corpus_ledger(qa, {"de": translations_of(qa, "de", {qa["question"].iloc[0]: ""})})
    return ledger_entry(ledger, "facts/q1", "de")


def overlong_translation(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1)])), "en")
    passage = qa["passage"].iloc[0]
    ledger = corpus_ledger(qa, {"de": translations_of(qa, "de", {passage: "Die Stadt " * len(passage)})})
    return ledger_entry(ledger, "facts/q1", "de")


def missing_translation(ctx: Context) -> Observed:
    qa, _ = fetch_qa(qa_spec(qa_file(ctx, [qa_row(1)])), "en")
    translation = translations_of(qa, "de", {})
    translation = translation[translation["text_id"] != text_id(qa["passage"].iloc[0])]
    return ledger_entry(corpus_ledger(qa, {"de": translation}), "facts/q1", "de")


def lang_name_escape(ctx: Context) -> None:
    def change(config: dict) -> None:
        config["parallel_datasets"][0]["lang_names"] = {"de": "../../etc"}

    config_with(change)


# --- the cases ----------------------------------------------------------------------------------

CASES = [
    Case("empty-question", "a source row whose question is ''", "corpus ledger: filtered empty_question",
         LEDGER, ("facts/q2", "filtered", "empty_question"), empty_question),
    Case("empty-passage", "a source row whose passage is ''", "corpus ledger: filtered empty_passage",
         LEDGER, ("facts/q2", "filtered", "empty_passage"), empty_passage),
    Case("whitespace-question", "a question of tabs, newlines and no-break spaces only",
         "corpus ledger: filtered empty_question", LEDGER, ("facts/q2", "filtered", "empty_question"),
         whitespace_question),
    Case("null-question", "a question that is JSON null", "corpus ledger: filtered empty_question",
         LEDGER, ("facts/q2", "filtered", "empty_question"), null_question),
    Case("row-without-question", "one JSONL row lacks the question key (the others have it)",
         "corpus ledger: filtered empty_question", LEDGER, ("facts/q2", "filtered", "empty_question"),
         row_missing_question),
    Case("non-utf8", "a JSONL source with a Latin-1 byte", "DataError naming the file",
         "DataError", ("qa.jsonl", "cannot be read"), non_utf8),
    Case("nul-question", "a question of NUL characters only", "corpus ledger: filtered empty_question",
         LEDGER, ("facts/q2", "filtered", "empty_question"), nul_characters),
    Case("nul-inside-text", "a NUL character inside a question", "kept, the NUL removed",
         VALID, ("'Who founded it?'",), nul_inside_text),
    Case("missing-column", "fields.passage names a column that no row has",
         "DataError naming the row, the field and the config key", "DataError",
         ("qa.jsonl: row 0", "'passage'", "datasets[facts].fields.passage"), missing_column),
    Case("renamed-column", "a CSV whose question column is called 'query'",
         "DataError naming the row, the field, the columns present and the config key", "DataError",
         ("qa.csv: row 0", "'question'", "query", "datasets[facts].fields.question"), renamed_csv_column),
    Case("duplicate-id-same-content", "two rows with the same id and the same texts",
         "corpus ledger: the second filtered duplicate_pair", LEDGER,
         ("facts/q1~2", "filtered", "duplicate_pair"), duplicate_ids_same_content),
    Case("duplicate-id-other-content", "two rows with the same id and different texts",
         "fetch ledger: the second kept under id ~2, reason duplicate_id", LEDGER,
         ("facts/q1~2", "kept", "duplicate_id"), duplicate_ids_other_content),
    Case("long-passage", "a 50,000-character passage (translated with the flag truncated_input)",
         "corpus ledger: filtered flagged_truncated_input in that language", LEDGER,
         ("facts/q1 de", "filtered", "flagged_truncated_input", "50000 characters"), long_passage),
    Case("where-drops-rows", "a `where` filter that some rows fail", "fetch ledger: filtered where",
         LEDGER, ("facts/row-1", "filtered", "where"), where_filters_rows),
    Case("where-matches-nothing", "a `where` filter that no row passes (empty dataset after filtering)",
         "DataError naming the dataset, the filter and the rows read", "DataError",
         ("datasets[facts]", "where", "answer", "2 rows"), where_matches_nothing),
    Case("empty-source-file", "an empty JSONL source", "DataError naming the file: no rows",
         "DataError", ("qa.jsonl", "no rows"), empty_source_file),
    Case("unaligned-parallel", "a parallel source without fields.id, its languages of 3 and 2 rows",
         "DataError naming the languages' row counts and fields.id", "DataError",
         ("parallel_datasets[parallel_facts]", "en: 3", "de: 2", "fields.id"), unaligned_parallel),
    Case("pair-in-one-language", "a parallel pair id present in en only",
         "corpus ledger: failed missing_language in de", LEDGER,
         ("parallel_facts/q2 de", "failed", "missing_language"), pair_missing_in_one_language),
    Case("unknown-language", "languages.train holds 'xx'", "ConfigError naming the key and allowed codes",
         "ConfigError", ("languages.train[3]", "'xx'", "allowed"), unknown_language),
    Case("config-unknown-key", "training.batchsize (for batch_size)", "ConfigError with a did-you-mean",
         "ConfigError", ("training.batchsize", "did you mean 'batch_size'"), unknown_key),
    Case("config-wrong-type", "training.steps: many", "ConfigError naming the key and the type",
         "ConfigError", ("training.steps", "integer"), wrong_type),
    Case("config-misspelt-strategy", "training.strategies holds 'hybird'", "ConfigError with a did-you-mean",
         "ConfigError", ("training.strategies[1]", "did you mean 'hybrid'", "allowed"), misspelt_strategy),
    Case("unknown-encoder-id", "an encoder model id that does not exist",
         "ConfigError naming the id and training.encoders[].model", "ConfigError",
         ("no-such-owner/no-such-encoder", "training.encoders[].model"), unknown_model_id),
    Case("model-dir-without-weights", "an encoder directory with config and tokenizer but no weights",
         "ConfigError naming the directory and training.encoders[].model", "ConfigError",
         ("encoder", "training.encoders[].model"), model_dir_without_weights),
    Case("unknown-translation-model", "a translation model directory that does not exist",
         "ConfigError naming the directory and translation.model", "ConfigError",
         ("no-such-nllb", "translation.model"), unknown_translation_model),
    Case("unknown-translation-model-id", "a translation model Hub id that does not exist (conversion)",
         "ConfigError naming the id and translation.model", "ConfigError",
         ("translation.model", "'no-such-owner/no-such-nllb'"), unknown_translation_model_id),
    Case("corrupted-parquet", "a qa table with 64 bytes zeroed in its middle", "DataError naming the file",
         "DataError", ("qa.parquet",), corrupted_parquet),
    Case("parquet-wrong-schema", "a qa table whose passage column is called context",
         "DataError naming the file and the missing and unexpected columns", "DataError",
         ("qa.parquet", "missing ['passage']", "unexpected ['context']"), parquet_wrong_schema),
    Case("lareqa-answer-outside", "a LAReQA answer_start beyond its paragraph, its answer text in it",
         "benchmark ledger: kept answer_moved to the nearest occurrence", LEDGER,
         ("en b: kept answer_moved", "qas[1]: answer_start 400 -> 17"), answer_outside_paragraph),
    Case("lareqa-answer-shifted", "a LAReQA answer_start two characters before its answer",
         "benchmark ledger: kept answer_moved", LEDGER, ("en a: kept answer_moved", "answer_start 15 -> 17"),
         answer_off_by_two),
    Case("lareqa-answer-not-in-context", "a LAReQA answer text that its paragraph does not hold",
         "benchmark ledger: filtered answer_not_in_context (not evaluated in that language)", LEDGER,
         ("en b: filtered answer_not_in_context", "'Rhine'"), answer_not_in_context),
    Case("lareqa-answer-in-no-sentence", "a LAReQA answer after the last sentence break",
         "DataError naming the file, paragraph and question", "DataError",
         ("en.json: data[0].paragraphs[0]", "question a", "answer_start 27 is in no sentence"), answer_in_no_sentence),
    Case("lareqa-repeated-question-id", "a LAReQA question id twice in one file",
         "DataError naming the file and both places", "DataError",
         ("en.json: question id 'a'", "qas[1] repeats the one at data[0].paragraphs[0].qas[0]"),
         repeated_question_id),
    Case("lareqa-overlapping-breaks", "LAReQA sentence_breaks [0, 30] then [24, 48]",
         "DataError naming the file, paragraph and break", "DataError",
         ("en.json: data[0].paragraphs[0]", "[24, 48]"), overlapping_breaks),
    Case("lareqa-question-one-language", "a LAReQA question id in en but not in de",
         "a warning naming the question and the language without it", WARNING,
         ("demo_lareqa", "1 question", "e.g. b", "not in de"), question_in_one_language),
    Case("miracl-qrels-outside-corpus", "MIRACL qrels judging a passage absent from the corpus",
         "DataError naming the qrels file and line, and the key that drops such lines", "DataError",
         ("qrels.tsv: line 2", "en/doc9#0", "missing_judged: drop"), miracl_qrels_outside_corpus),
    Case("miracl-qrels-outside-corpus-dropped", "the same with benchmarks[].missing_judged: drop",
         "benchmark ledger: filtered judged_passage_missing", LEDGER,
         ("en en/1: filtered judged_passage_missing", "corpus.jsonl.gz"), miracl_qrels_outside_corpus_dropped),
    Case("miracl-repeated-docid", "a MIRACL corpus with one docid on two rows",
         "DataError naming the corpus and both rows", "DataError",
         ("corpus.jsonl.gz: docid 'd1' at row 2 repeats the one at row 0",), miracl_repeated_docid),
    Case("miracl-repeated-query", "MIRACL topics with one query id on two lines",
         "DataError naming the topics file and both lines", "DataError",
         ("topics.tsv: query id '1' at line 3 repeats the one at line 1",), miracl_repeated_query),
    Case("passage-as-list", "a passage given as a list of two texts", "DataError naming the file, row and field",
         "DataError", ("qa.jsonl: row 1", "field 'passage' holds a list", "convert_values"), passage_as_list),
    Case("passage-as-list-converted", "the same with datasets[].convert_values: true",
         "kept, joined with a space, the conversion logged", WARNING,
         ("values converted to text", "1 passage (a list)", "'Town 2 lies east. It is old.'"),
         passage_as_list_converted),
    Case("question-as-number", "a question given as the number 42", "DataError naming the file, row and field",
         "DataError", ("qa.jsonl: row 1", "field 'question' holds a number (42)"), question_as_number),
    Case("question-as-mapping", "a question given as a mapping, convert_values: true", "DataError (never converted)",
         "DataError", ("qa.jsonl: row 1", "field 'question' holds a mapping"), question_as_mapping),
    Case("dataset-subset", "a translated dataset whose texts all belong to an earlier dataset (2 shards)",
         "valid: empty, schema-valid translation shards", VALID, ("0 new texts", "[0, 0] rows"), subset_dataset),
    Case("one-text-four-shards", "a translated dataset adding one new text, in 4 shards",
         "valid: three empty shards and one of one row, all schema-valid", VALID, ("1 new texts",),
         one_text_four_shards),
    Case("long-sentence-at-translation", "a sentence over translation.max_input_tokens",
         "a warning counting the texts cut (and the flag truncated_input)", WARNING,
         ("1 of 1 texts had a sentence longer than 16 tokens", "truncated_input"), long_sentence_at_translation),
    Case("long-text-at-encoding", "a text over evaluation.max_length tokens",
         "valid: counted in the encode job's text_lengths (and the report's truncation table)", VALID,
         ("1 of 2 texts cut at 8",), long_text_at_encoding),
    Case("nan-embedding", "an encoder output with a NaN", "DataError naming the vector folder and row",
         "DataError", ("candidates", "row 2", "NaN"), nan_embeddings),
    Case("inf-embedding", "an encoder output with an Inf in its second shard",
         "DataError naming the vector folder and row", "DataError", ("queries", "row 3", "Inf"), inf_embeddings),
    Case("x_y-one-language", "x_y training on a corpus of one language", "DataError: x_y needs two languages",
         "DataError", ("x_y", "two languages"), one_language_x_y),
    Case("alpha-0", "hybrid with alpha = 0", "valid: x_y batches only", VALID, ("kinds ['x_y']",), alpha_zero),
    Case("alpha-1", "hybrid with alpha = 1", "valid: x_x batches only", VALID, ("kinds ['x_x']",), alpha_one),
    Case("batch-larger-than-dataset", "training.batch_size 50 over a corpus of 6 pairs",
         "ConfigError naming training.batch_size and the dataset sizes", "ConfigError",
         ("training.batch_size", "50", "6 pairs"), batch_larger_than_dataset),
    Case("more-processes-than-gpus", "training.processes 4 with 2 GPUs",
         "ConfigError naming training.processes and the GPU count", "ConfigError",
         ("training.processes", "4", "2 GPU"), more_processes_than_gpus),
    Case("hf-path-no-match", "a source glob that matches no file (file:// stands in for hf://)",
         "DataError naming the path", "DataError", ("-{lang}.json", "no file matches"), hf_path_no_match),
    Case("http-404", "a benchmark URL answered 404", "DataError naming the URL", "DataError",
         ("/missing.json", "file not found"), http_404),
    Case("truncated-download", "a benchmark download cut off halfway", "DataError naming the URL",
         "DataError", ("/truncated/big.json",), truncated_download),
    Case("http-429-then-answers", "a server answering 429 (Retry-After: 0) twice, then the file",
         "valid after retries, each a logged warning", WARNING, ("/status/429/2/busy.json: HTTP 429, retry 2 of 2",),
         http_busy_then_answers),
    Case("http-503-beyond-retries", "a server answering 503 more often than network.retries (2)",
         "DataError naming the URL and network.retries", "DataError",
         ("/status/503/9/down.json", "HTTP 503 after 2 retries", "network.retries"), http_busy_beyond_retries),
    Case("http-dropped-mid-body", "a JSONL source whose connection drops mid-body (chunked)",
         "DataError naming the URL (no output written)", "DataError",
         ("/dropped/dropped.jsonl", "connection dropped before the whole file arrived"), http_dropped),
    Case("http-never-answers", "a server that accepts the request and never answers",
         "DataError naming the URL and network.timeout", "DataError",
         ("/silent/silent.json", "no answer in time", "network.timeout"), http_silent),
    Case("empty-translation", "a translated question that comes back ''",
         "corpus ledger: filtered length_ratio in that language", LEDGER,
         ("facts/q1 de", "filtered", "length_ratio"), empty_translation),
    Case("overlong-translation", "a translated passage 10x longer than its source",
         "corpus ledger: filtered length_ratio in that language", LEDGER,
         ("facts/q1 de", "filtered", "length_ratio"), overlong_translation),
    Case("missing-translation", "a passage with no translation", "corpus ledger: failed missing_translation",
         LEDGER, ("facts/q1 de", "failed", "missing_translation"), missing_translation),
    Case("job-warning", "a job that logs a warning", "a row of the report's warnings table (rule, job, message, count)",
         VALID, ("('fetch_qa', 'fetch/qa/facts', 'facts: 1 of 2 rows repeat an earlier id', 1)",),
         job_warning_in_table),
    Case("hf-token-set", "HF_TOKEN set while a dataset is fetched and its tables written",
         "valid: the token in no file (tests/reliability/test_secrets.py checks a whole demo run)", VALID,
         ("HF_TOKEN held by 0 of the files written",), hf_token_set),
    Case("lang-name-escape", "parallel_datasets[].lang_names maps de to '../../etc'",
         "ConfigError naming the key", "ConfigError", ("parallel_datasets[0].lang_names", "'../../etc'"),
         lang_name_escape),
]  # fmt: skip


# --- Tatoeba, mMARCO, Mewsli-X, BUCC (issue 22) and BEIR ----------------------------------------


def tatoeba_files(ctx: Context, german: bytes, english: bytes) -> None:
    """LASER-layout Tatoeba files of German and English, read as the fetch stage reads them."""
    (ctx.folder / "tatoeba.deu-eng.deu").write_bytes(german)
    (ctx.folder / "tatoeba.deu-eng.eng").write_bytes(english)
    spec = {"name": "tatoeba", "format": "tatoeba", "languages": ["de"]}
    fetch_benchmark(spec | {"source": f"{ctx.folder}/tatoeba.{{code}}-eng.{{side}}"})


def tatoeba_unequal(ctx: Context) -> None:
    tatoeba_files(ctx, b"Hallo.\nDanke.\nBitte.\n", b"Hello.\nThanks.\n")


def tatoeba_empty_line(ctx: Context) -> None:
    tatoeba_files(ctx, b"Hallo.\n\nBitte.\n", b"Hello.\nThanks.\nPlease.\n")


def tatoeba_not_utf8(ctx: Context) -> None:
    tatoeba_files(ctx, "Hallo.\nGrüße.\n".encode("latin-1"), b"Hello.\nRegards.\n")


MMARCO_QRELS = "1\t0\t7\t1\n2\t0\t3\t1\n"


def mmarco_files(
    ctx: Context, qrels: str = MMARCO_QRELS, queries: str = "1\twhat is a cat\n2\twhere is rome\n", passages: int = 9
) -> None:
    """An mMARCO tree of English only (queries, collection, qrels), read as the fetch stage reads it."""
    (ctx.folder / "queries.tsv").write_text(queries)
    (ctx.folder / "collection.tsv").write_text("".join(f"{pid}\tpassage {pid}\n" for pid in range(passages)))
    (ctx.folder / "qrels.tsv").write_text(qrels)
    source = {kind: str(ctx.folder / f"{kind}.tsv") for kind in ("queries", "collection", "qrels")}
    fetch_benchmark({"name": "mmarco", "format": "mmarco", "source": source, "languages": ["en"], "limit": None})


def mmarco_query_without_qrels(ctx: Context) -> None:
    mmarco_files(ctx, queries="1\twhat is a cat\n2\twhere is rome\n5\tunjudged query\n")


def mmarco_judged_query_missing(ctx: Context) -> None:
    mmarco_files(ctx, queries="1\twhat is a cat\n")


def mmarco_judged_passage_missing(ctx: Context) -> None:
    mmarco_files(ctx, qrels=MMARCO_QRELS + "2\t0\t42\t1\n")


def mmarco_empty_line(ctx: Context) -> None:
    mmarco_files(ctx, queries="1\twhat is a cat\n\n2\twhere is rome\n")


def mmarco_repeated_query(ctx: Context) -> None:
    mmarco_files(ctx, queries="1\twhat is a cat\n2\twhere is rome\n1\tagain\n")


def mewsli_files(ctx: Context, text: str = "Rome is old.", span: tuple = (0, 4, "Rome"), gold: str = "Q220") -> None:
    """Mewsli-X files of one English article with one mention, read as the fetch stage reads them."""
    article = {
        "context": {"document_id": "en-1", "language": "en", "text": text,
                    "sentence_spans": [{"start": 0, "end": len(text)}] if text else []},
        "mentions": [{"example_id": "m1", "entity_id": gold,
                      "mention_span": {"start": span[0], "end": span[1], "text": span[2]}}],
    }  # fmt: skip
    entity = {"entity_id": "Q220", "title": "Rome", "description": "Rome is a city.", "description_language": "en",
              "sentence_spans": [{"start": 0, "end": 15}]}  # fmt: skip
    write_jsonl(ctx.folder / "wikinews_mentions-dev.jsonl", [article])
    write_jsonl(ctx.folder / "candidate_set_entities.jsonl", [entity])
    source = {
        "mentions": f"{ctx.folder}/wikinews_mentions-{{split}}.jsonl",
        "entities": f"{ctx.folder}/candidate_set_entities.jsonl",
    }
    spec = {"name": "mewsli", "format": "mewsli_x", "source": source, "split": "dev", "languages": ["en"]}
    fetch_benchmark(spec | {"limit": None})


def mewsli_text_not_restored(ctx: Context) -> None:
    mewsli_files(ctx, text="")


def mewsli_bad_span(ctx: Context) -> None:
    mewsli_files(ctx, span=(0, 4, "Roma"))


def mewsli_gold_missing(ctx: Context) -> None:
    mewsli_files(ctx, gold="Q999")


def bucc_files(
    ctx: Context, english: str = "en-000000001\tIt rains.\n", gold: str = "de-000000001\ten-000000001\n"
) -> None:
    """BUCC files of one German-English pair, read as the fetch stage reads them."""
    (ctx.folder / "de-en").mkdir()
    files = {"de": "de-000000001\tEs regnet.\n", "en": english, "gold": gold}
    for side, text in files.items():
        (ctx.folder / f"de-en/de-en.training.{side}").write_text(text)
    source = f"{ctx.folder}/{{lang}}-en/{{lang}}-en.{{split}}.{{side}}"
    fetch_benchmark({"name": "bucc", "format": "bucc", "source": source, "split": "training", "languages": ["de"]})


def bucc_gold_missing(ctx: Context) -> None:
    bucc_files(ctx, gold="de-000000001\ten-000000009\n")


def bucc_repeated_id(ctx: Context) -> None:
    bucc_files(ctx, english="en-000000001\tIt rains.\nen-000000001\tAgain.\n")


BEIR_QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\n"


def beir_files(
    ctx: Context, qrels: str = BEIR_QRELS, queries: str = '{"_id": "q1", "text": "Where is Rome?"}\n'
) -> None:
    """A BEIR tree of one language (corpus.jsonl, queries.jsonl, qrels/test.tsv), read as the fetch stage reads it."""
    (ctx.folder / "qrels").mkdir()
    (ctx.folder / "corpus.jsonl").write_text('{"_id": "d1", "title": "Rome", "text": "Rome lies on the Tiber."}\n')
    (ctx.folder / "queries.jsonl").write_text(queries)
    (ctx.folder / "qrels" / "test.tsv").write_text(qrels)
    source = {
        "corpus": f"{ctx.folder}/corpus.jsonl",
        "queries": f"{ctx.folder}/queries.jsonl",
        "qrels": f"{ctx.folder}/qrels/{{split}}.tsv",
    }
    spec = {"name": "beir", "format": "beir", "source": source, "split": "test", "languages": ["en"]}
    fetch_benchmark(spec | {"limit": None})


def beir_qrels_without_header(ctx: Context) -> None:
    beir_files(ctx, qrels="q1\td1\t1\n")


def beir_judged_passage_missing(ctx: Context) -> None:
    beir_files(ctx, qrels=BEIR_QRELS + "q1\td9\t1\n")


def beir_query_not_json(ctx: Context) -> None:
    beir_files(ctx, queries='{"_id": "q1", "text": "Where is Rome?"\n')


BENCHMARK_FORMAT_CASES = [
    Case("tatoeba-unequal-files", "Tatoeba files of 3 German and 2 English lines",
         "DataError naming both files, their line counts and the line without a partner", "DataError",
         ("tatoeba.deu-eng.deu: 3 lines", "tatoeba.deu-eng.eng: 2 lines", "line 3 has no partner"), tatoeba_unequal),
    Case("tatoeba-empty-line", "a Tatoeba file with an empty line", "DataError naming the file and line",
         "DataError", ("tatoeba.deu-eng.deu: line 2 is empty",), tatoeba_empty_line),
    Case("tatoeba-not-utf8", "a Tatoeba file in Latin-1", "DataError naming the file, line and byte",
         "DataError", ("tatoeba.deu-eng.deu: line 2: not UTF-8",), tatoeba_not_utf8),
    Case("mmarco-query-without-qrels", "an mMARCO query that the qrels do not judge",
         "a warning naming the file, the count and the first line: the query is dropped", WARNING,
         ("queries.tsv", "1 queries have no qrels", "line 3"), mmarco_query_without_qrels),
    Case("mmarco-judged-query-missing", "a query judged in the qrels but absent from the queries file",
         "DataError naming the qrels line, the query and the queries file", "DataError",
         ("qrels.tsv: line 2", "query 2 is judged but not in", "queries.tsv"), mmarco_judged_query_missing),
    Case("mmarco-judged-passage-missing", "a passage judged in the qrels but absent from the collection",
         "DataError naming the collection, the passage and the qrels line", "DataError",
         ("collection.tsv: passage 42", "qrels.tsv: line 3"), mmarco_judged_passage_missing),
    Case("mmarco-empty-line", "an empty line in an mMARCO queries file", "DataError naming the file and line",
         "DataError", ("queries.tsv: line 2", "tab-separated fields"), mmarco_empty_line),
    Case("mmarco-repeated-query", "a query id twice in an mMARCO queries file", "DataError naming the file and line",
         "DataError", ("queries.tsv: line 3", "query 1 occurs a second time"), mmarco_repeated_query),
    Case("mewsli-text-not-restored", "Mewsli-X mentions whose article text is empty (the released zip)",
         "DataError naming the file and line and get-mewsli-x.sh", "DataError",
         ("wikinews_mentions-dev.jsonl: line 1", "get-mewsli-x.sh"), mewsli_text_not_restored),
    Case("mewsli-bad-span", "a Mewsli-X mention span that is not its text",
         "DataError naming the file, line, mention and span", "DataError",
         ("wikinews_mentions-dev.jsonl: line 1", "mention m1", "text[0:4]"), mewsli_bad_span),
    Case("mewsli-gold-not-in-candidates", "a Mewsli-X gold entity absent from the candidate set",
         "DataError naming the candidate file and the entity", "DataError",
         ("candidate_set_entities.jsonl", "Q999"), mewsli_gold_missing),
    Case("bucc-gold-id-missing", "a BUCC gold pair naming an English sentence that is not in the file",
         "DataError naming the gold file, line and sentence", "DataError",
         ("de-en.training.gold: line 1", "en-000000009"), bucc_gold_missing),
    Case("bucc-repeated-id", "a BUCC sentence id twice in its file", "DataError naming the file and line",
         "DataError", ("de-en.training.en: line 2", "en-000000001 occurs a second time"), bucc_repeated_id),
    Case("beir-qrels-without-header", "a BEIR qrels file without its header line query-id, corpus-id, score",
         "DataError naming the file and the header expected", "DataError",
         ("qrels/test.tsv", "expected BEIR's header line"), beir_qrels_without_header),
    Case("beir-judged-passage-missing", "a passage judged in a BEIR qrels file but absent from corpus.jsonl",
         "DataError naming the corpus and the passage", "DataError",
         ("corpus.jsonl", "1 judged passages are not in the corpus", "d9"), beir_judged_passage_missing),
    Case("beir-query-not-json", "a line of a BEIR queries.jsonl that is not JSON",
         "DataError naming the file and line", "DataError", ("queries.jsonl: line 1", "not valid JSON"),
         beir_query_not_json),
]  # fmt: skip
CASES += BENCHMARK_FORMAT_CASES


# --- observing --------------------------------------------------------------------------------


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings() -> Iterator[Warnings]:
    handler = Warnings()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def observe(case: Case, ctx: Context) -> Observed:
    """Run a case's driver and say what it did."""
    with captured_warnings() as warnings:
        try:
            observed = case.driver(ctx)
        except (ConfigError, DataError) as error:
            return Observed(type(error).__name__, str(error))
        except Exception as error:
            return Observed(f"unexpected {type(error).__name__}", str(error))
    if observed is not None:
        return observed
    if warnings.messages:
        return Observed(WARNING, " / ".join(warnings.messages))
    return Observed("silent", "no error, no ledger entry, no warning")


@contextmanager
def served_files(folder: Path) -> Iterator[str]:
    """The base URL of `folder`'s files, served on 127.0.0.1 while the context lasts."""
    handler = functools.partial(FileHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def observe_all(root: Path) -> dict[str, Observed]:
    """Every case's outcome, each case in a folder of its own under `root`."""
    served = root / "served"
    served.mkdir()
    outcomes = {}
    with served_files(served) as url:
        for case in CASES:
            folder = root / case.id
            folder.mkdir()
            outcomes[case.id] = observe(case, Context(folder, served, url))
    return outcomes


def passes(case: Case, observed: Observed) -> bool:
    return observed.kind == case.kind and all(name in observed.message for name in case.names)


# --- the table ----------------------------------------------------------------------------------

HEADER = """# Bad inputs and what each gets

Generated by tests/reliability/test_bad_inputs.py from its cases (tests/reliability/bad_inputs.py);
a test fails when this file differs from what the suite observes now. To rewrite it:
`HYBRIDIR_REGENERATE=1 .venv/bin/python -m pytest tests/reliability/test_bad_inputs.py`.

Every case drives the library function or script entry that meets the input in the pipeline.
Outcomes: an error (ConfigError / DataError: the job exits non-zero with this message), a
ledger entry (the pair's fate, kept in results/*/ledger/), a logged warning, or a valid run.
Paths are shown relative to the case's folder (`<case>`); the test server's port as `<port>`.
`hf-path-no-match` reads a `file://` glob: the hf:// protocol goes through the same function
(hybridir.sources.read_json_files, fsspec) but needs the network, which tests do not have.
The http-* cases meet a loopback server that misbehaves on purpose (tests/support/http.py), read
with `network: {retries: 2, backoff: 0.01, timeout: 0.5}` (hybridir.network; the defaults are 5,
1 s and 60 s). Hub paths (hf://, dataset ids) get huggingface_hub's own retries (5, on 408, 429
and 5xx answers) and `network.timeout` as its download timeout; they are not tried here.

| case | input | expected | observed | passes |
|---|---|---|---|---|
"""


def shown(message: str, root: Path) -> str:
    """A message as the table shows it: temporary folders and ports replaced, one line, short."""
    text = message.replace(str(root / "served"), "<served>")
    text = re.sub(re.escape(str(root)) + r"/[^/\s'\"]+", "<case>", text)
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 300 else text[:297] + "..."


def table(outcomes: dict[str, Observed], root: Path) -> str:
    """docs/bad-inputs.md: one row per case."""
    rows = []
    for case in CASES:
        observed = outcomes[case.id]
        cells = [case.id, case.input, case.expected, f"{observed.kind}: {shown(observed.message, root)}"]
        rows.append("| " + " | ".join([*cells, "yes" if passes(case, observed) else "NO"]) + " |")
    return HEADER + "\n".join(rows) + "\n"
