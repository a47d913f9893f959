"""The translate stage on a tiny random NLLB-architecture model built here, offline."""

import ctypes
import logging
import random
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import ctranslate2
import numpy as np
import pandas as pd
import pytest
from transformers import AutoTokenizer

from hybridir.demo.tiny import build_tiny_nllb
from hybridir.devices import DeviceError, resolve_device
from hybridir.errors import ConfigError
from hybridir.fetch.benchmarks import fetch_benchmark
from hybridir.languages import nllb_code
from hybridir.tables import read_table, to_arrow, write_table
from hybridir.text import text_id
from hybridir.translate.convert import convert_model
from hybridir.translate.cublas import cublas_candidates, load_first, wheel_cublas
from hybridir.translate.engine import (
    DecodingOptions,
    NllbTranslator,
    ctranslate2_cuda,
    flag_names,
    repetitions,
    token_batches,
)
from hybridir.translate.quality import reference_pairs, score
from hybridir.translate.queries import query_texts, with_translations
from hybridir.translate.texts import flag_ledger, owned_texts, select_shard, shard_of
from hybridir.translate.translation import translate_texts
from tests.support import shared_benchmark
from tests.support.beir import beir_source, write_beir

SENTENCES = [
    "The river Aldor flows through the old town.",
    "About 4200 people live in Belmor.",
    "The mayor of Kalven is Ira Solt.",
    "Every May, Dorwen celebrates a festival of kites.",
    "Der Fluss fließt durch die Stadt.",
    "La ciudad fue fundada en el año 1200.",
]
GREEDY = DecodingOptions(beam_size=1, max_output_tokens=24)


@pytest.fixture(scope="module")
def ct2_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nllb")
    hf_model = build_tiny_nllb(SENTENCES * 20, folder / "hf", vocab_size=200)
    return convert_model(str(hf_model), folder / "ct2", "int8")


@pytest.fixture(scope="module")
def translator(ct2_model: Path) -> NllbTranslator:
    return NllbTranslator(str(ct2_model), device="cpu", compute_type="int8", threads=1)


class CountingTranslator:
    """Wraps a translator and records the sentences of every call."""

    def __init__(self, inner: NllbTranslator):
        self.inner = inner
        self.calls: list[list[str]] = []

    def translate(self, sentences, *args, **kwargs):
        self.calls.append(list(sentences))
        return self.inner.translate(sentences, *args, **kwargs)


def qa_table(dataset: str, pairs: list[tuple[str, str]], negatives: list[list[str]] | None = None) -> pd.DataFrame:
    negatives = negatives or [[] for _ in pairs]
    return pd.DataFrame(
        {
            "qa_id": [f"{dataset}/{i}" for i in range(len(pairs))],
            "dataset": dataset,
            "lang": "en",
            "question_id": [text_id(q) for q, _ in pairs],
            "question": [q for q, _ in pairs],
            "passage_id": [text_id(p) for _, p in pairs],
            "passage": [p for _, p in pairs],
            "answer": None,
            "negative_passage_ids": [[text_id(n) for n in ns] for ns in negatives],
            "negative_passages": negatives,
        }
    )


def test_each_unique_text_reaches_the_translator_once(translator: NllbTranslator) -> None:
    shared = "The mayor of Kalven is Ira Solt. About 4200 people live in Belmor."
    first = qa_table("first", [("Who is the mayor?", shared), ("Who is the mayor?", SENTENCES[0])], [[shared], []])
    second = qa_table("second", [("How many live there?", shared)], [[SENTENCES[0] + " " + SENTENCES[1]]])
    owned = [owned_texts(first, [], "en", 1), owned_texts(second, [first], "en", 1)]
    assert owned[0]["text"].tolist().count(shared) == 1 and shared not in set(owned[1]["text"])
    counting = CountingTranslator(translator)
    shards = [select_shard(texts, shard, 3) for texts in owned for shard in range(3)]
    outputs = pd.concat([translate_texts(s, counting, "en", "de", GREEDY) for s in shards if len(s)])
    all_texts = pd.concat(owned)
    assert sorted(outputs["text_id"]) == sorted(all_texts["text_id"]) == sorted(set(all_texts["text_id"]))
    assert all(len(call) == len(set(call)) for call in counting.calls)
    sentences_sent = [s for call in counting.calls for s in call]
    assert "Who is the mayor?" in sentences_sent and sentences_sent.count("Who is the mayor?") == 1


def test_a_long_passage_is_the_join_of_its_translated_sentences(translator: NllbTranslator) -> None:
    sentences = [f"{SENTENCES[i % 4][:-1]} number {i}." for i in range(120)]
    passage = " ".join(sentences)
    assert len(passage) >= 5000
    texts = pd.DataFrame({"text_id": ["long"], "lang": "en", "text": [passage]})
    whole = translate_texts(texts, translator, "en", "es", GREEDY)
    one_by_one = [translator.translate([s], "en", "es", GREEDY).texts[0] for s in sentences]
    assert whole["sentences"][0] == 120
    assert whole["text"][0] == " ".join(t for t in one_by_one if t)


def test_outputs_line_up_by_id_and_fit_the_schema(translator: NllbTranslator) -> None:
    texts = pd.DataFrame({"text_id": ["b", "a", "c"], "lang": "en", "text": [SENTENCES[1], SENTENCES[0], ""]})
    table = translate_texts(texts, translator, "en", "de", GREEDY)
    assert table["text_id"].tolist() == ["b", "a", "c"]
    assert table["source_chars"].tolist() == [len(SENTENCES[1]), len(SENTENCES[0]), 0]
    assert table["flags"][2] == ["empty_source"] and table["text"][2] == ""
    to_arrow(table, "translations")


def test_limits_are_flagged_never_silent(translator: NllbTranslator) -> None:
    options = DecodingOptions(beam_size=1, max_input_tokens=6, max_output_tokens=3)
    result = translator.translate([SENTENCES[3]], "en", "de", options)
    assert {"truncated_input", "truncated_output"} <= set(flag_names(result.flags[0]))


def test_texts_cut_at_the_input_limit_are_counted_in_the_log(translator: NllbTranslator, caplog) -> None:
    texts = pd.DataFrame({"text_id": ["a", "b"], "lang": "en", "text": [SENTENCES[3], "Hi."]})
    with caplog.at_level(logging.INFO):
        table = translate_texts(texts, translator, "en", "de", DecodingOptions(beam_size=1, max_input_tokens=6))
    assert ["truncated_input" in flags for flags in table["flags"]] == [True, False]
    assert "1 of 2 texts had a sentence longer than 6 tokens, cut there" in caplog.text


def test_unknown_language_code_fails_clearly(translator: NllbTranslator) -> None:
    texts = pd.DataFrame({"text_id": ["a"], "lang": "en", "text": [SENTENCES[0]]})
    with pytest.raises(ConfigError, match="language code 'xx' has no NLLB-200 equivalent"):
        translate_texts(texts, translator, "en", "xx", GREEDY)


def looping(tokens: list[int], max_ngram: int = 4, min_repeats: int = 4) -> bool:
    """The definition, checked position by position: some n-gram repeats `min_repeats` times in a row."""
    for n in range(1, max_ngram + 1):
        for start in range(len(tokens) - n * min_repeats + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(min_repeats)):
                return True
    return False


def test_repetition_detector() -> None:
    the, cat, sat, on, mat, and_, dog = range(7)
    cases = [
        [0, 1, 2, 9, 9, 9, 9],  # "abcRRRR"
        [the, cat] * 4,
        [the, cat, sat, on, the, mat, and_, the, dog],
        [5, 5, 5],
        [],
    ]
    assert repetitions(cases).tolist() == [True, True, False, False, False]


def test_repetition_detector_agrees_with_the_definition() -> None:
    rng = random.Random(3)
    sequences = [[rng.randrange(3) for _ in range(rng.randrange(30))] for _ in range(400)]
    sequences += [[rng.randrange(2) for _ in range(40)] for _ in range(100)]
    assert repetitions(sequences).tolist() == [looping(s) for s in sequences]
    assert any(looping(s) for s in sequences) and not all(looping(s) for s in sequences)


def test_token_batches_sort_by_length_and_respect_the_budget() -> None:
    lengths = [5, 50, 7, 49, 6, 100]
    batches = token_batches(lengths, max_batch_tokens=100)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert all(max(lengths[i] for i in b) * len(b) <= 100 for b in batches)
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)


def test_decoding_options_from_config() -> None:
    options = DecodingOptions.from_config({"model": "m", "beam_size": 2, "max_batch_tokens": 64, "shards": 4})
    assert options.beam_size == 2 and options.max_batch_tokens == 64 and options.max_output_tokens == 256


def test_scores_carry_sacrebleu_signatures() -> None:
    perfect = score(["Der Fluss fließt."], ["Der Fluss fließt."], "de")
    assert perfect["bleu"] == pytest.approx(100) and perfect["chrf"] == pytest.approx(100)
    assert "nrefs:1" in perfect["bleu_signature"] and "nc:6|nw:2" in perfect["chrf_signature"]
    assert "tok:zh" in score(["他来了"], ["他来了"], "zh")["bleu_signature"]


def test_scores_carry_bootstrap_intervals_around_them() -> None:
    references = [f"the town {i} lies on the river and has {i} bridges" for i in range(40)]
    hypotheses = [r if i % 3 else r.replace("river", "lake") for i, r in enumerate(references)]
    scores = score(hypotheses, references, "en")
    for metric in ("bleu", "chrf"):
        assert scores[f"{metric}_ci_low"] < scores[metric] < scores[f"{metric}_ci_high"]
    assert score(hypotheses, references, "en") == scores


def test_xquad_r_references_pair_questions_and_paragraphs() -> None:
    folder = shared_benchmark("xquad-r")
    spec = {"name": "xquad_r", "format": "lareqa", "source": f"{folder}/{{lang}}.json", "languages": ["en", "de"]}
    bench = fetch_benchmark(spec)
    pairs = reference_pairs(bench.queries, bench.candidates, "en", "de")
    assert pairs["kind"].value_counts().to_dict() == {"question": 1190, "paragraph": 240}


def test_flag_ledger_counts_every_text_under_each_flag() -> None:
    translations = pd.DataFrame(
        {
            "text_id": ["a", "b", "c"],
            "lang": "de",
            "text": ["x", "", "y"],
            "source_chars": [10, 20, 30],
            "sentences": [1, 1, 1],
            "flags": [[], ["empty", "repetition"], ["repetition"]],
        }
    )
    ledger = flag_ledger(translations).set_index("flag")
    assert ledger["texts"].to_dict() == {"empty": 1, "ok": 1, "repetition": 2}
    assert ledger.loc["repetition", "source_chars"] == 50
    to_arrow(ledger.reset_index()[["lang", "flag", "texts", "source_chars"]], "translation_ledger")


def reference(ct2_model: Path, sentence: str, target: str, limit: int) -> tuple[str, int]:
    """One sentence through the plain APIs: the HF tokenizer, one translate_batch call, HF decode."""
    tokenizer = AutoTokenizer.from_pretrained(ct2_model)
    tokenizer.src_lang = nllb_code("en")
    tokens = tokenizer.convert_ids_to_tokens(tokenizer(sentence).input_ids)
    raw = ctranslate2.Translator(str(ct2_model), device="cpu", compute_type="int8", intra_threads=1)
    result = raw.translate_batch([tokens], [[nllb_code(target)]], beam_size=1, max_decoding_length=limit + 1)
    output = result[0].hypotheses[0][1:]
    return tokenizer.decode(tokenizer.convert_tokens_to_ids(output), skip_special_tokens=True).strip(), len(output)


def test_batched_translation_equals_the_plain_apis_sentence_by_sentence(
    translator: NllbTranslator, ct2_model: Path
) -> None:
    sentences = [*SENTENCES, " ".join(SENTENCES[:3]), "Kalven."]
    options = DecodingOptions(beam_size=1, max_batch_tokens=64, max_output_tokens=24, max_output_factor=None)
    result = translator.translate(sentences, "en", "de", options)
    expected = [reference(ct2_model, s, "de", 24) for s in sentences]
    assert result.texts == [text for text, _ in expected]
    truncated = ["truncated_output" in flag_names(mask) for mask in result.flags]
    assert truncated == [length >= 24 for _, length in expected]


def test_outputs_stop_at_the_factor_of_their_source_length(translator: NllbTranslator, ct2_model: Path) -> None:
    sentences = ["Kalven.", *SENTENCES, " ".join(SENTENCES[:3])]  # one batch: short and long sources together
    options = DecodingOptions(beam_size=1, max_output_tokens=200, max_output_factor=2.0)
    result = translator.translate(sentences, "en", "de", options)
    for index, sentence in enumerate(sentences):
        limit = 2 * len(translator.tokenize([sentence], "en")[0])
        text, length = reference(ct2_model, sentence, "de", limit)
        assert result.texts[index] == text
        assert ("truncated_output" in flag_names(result.flags[index])) == (length >= limit)
    assert result.texts[1] and len(result.texts[1]) < len(result.texts[-1])


def test_output_limits() -> None:
    lengths = np.array([3, 100])
    assert DecodingOptions(max_output_tokens=256, max_output_factor=3.0).output_limits(lengths).tolist() == [9, 256]
    assert DecodingOptions(max_output_tokens=256, max_output_factor=1.5).output_limits(lengths).tolist() == [5, 150]
    assert DecodingOptions(max_output_tokens=40, max_output_factor=None).output_limits(lengths).tolist() == [40, 40]


def test_only_the_hard_negatives_that_training_reads_are_translated() -> None:
    pairs = [("Who is the mayor?", SENTENCES[2]), ("How many live there?", SENTENCES[1])]
    qa = qa_table("d", pairs, [[SENTENCES[0], SENTENCES[3]], [SENTENCES[4]]])
    pair_texts = {q for q, _ in pairs} | {p for _, p in pairs}
    assert set(owned_texts(qa, [], "en", 0)["text"]) == pair_texts
    assert set(owned_texts(qa, [], "en", 1)["text"]) == pair_texts | {SENTENCES[0], SENTENCES[4]}
    assert set(owned_texts(qa, [], "en", 2)["text"]) == pair_texts | {SENTENCES[0], SENTENCES[3], SENTENCES[4]}


def test_shards_deal_texts_by_their_hexadecimal_id() -> None:
    # ids 0x00, 0x01, 0x0a, 0xff = 0, 1, 10, 255: modulo 3 that is 0, 1, 1, 0
    texts = pd.DataFrame({"text_id": ["00", "01", "0a", "ff"], "lang": "en", "text": ["a", "b", "c", "d"]})
    assert [shard_of(i, 4) for i in texts["text_id"]] == [0, 1, 2, 3]
    assert select_shard(texts, 0, 3)["text"].tolist() == ["a", "d"]
    assert select_shard(texts, 1, 3)["text"].tolist() == ["b", "c"]
    assert select_shard(texts, 1, 3).index.tolist() == [0, 1]
    assert list(select_shard(texts, 1, 3).columns) == ["text_id", "lang", "text"]
    assert select_shard(texts, 2, 3).empty


def test_a_dataset_that_adds_no_new_text_gives_empty_valid_shards(translator: NllbTranslator, tmp_path: Path) -> None:
    first = qa_table("a", [("Where is Belmor?", SENTENCES[1])])
    subset = qa_table("b", [("Where is Belmor?", SENTENCES[1])])
    texts = owned_texts(subset, [first], "en", 1)
    write_table(texts, tmp_path / "texts.parquet", "texts")
    texts = read_table(tmp_path / "texts.parquet", "texts")
    shards = [translate_texts(select_shard(texts, shard, 2), translator, "en", "de", GREEDY) for shard in range(2)]
    for shard, table in enumerate(shards):
        write_table(table, tmp_path / f"{shard}.parquet", "translations")
        assert read_table(tmp_path / f"{shard}.parquet", "translations").empty
    to_arrow(flag_ledger(pd.concat(shards, ignore_index=True)), "translation_ledger")


def test_one_text_in_four_shards_leaves_three_empty_and_valid(translator: NllbTranslator) -> None:
    texts = pd.DataFrame({"text_id": [text_id(SENTENCES[2])], "lang": "en", "text": [SENTENCES[2]]})
    shards = [translate_texts(select_shard(texts, shard, 4), translator, "en", "de", GREEDY) for shard in range(4)]
    assert sorted(len(table) for table in shards) == [0, 0, 0, 1]
    for table in shards:
        to_arrow(table, "translations")
    gathered = pd.concat(shards, ignore_index=True)
    to_arrow(gathered, "translations")
    assert gathered["text_id"].tolist() == texts["text_id"].tolist()


def test_owned_texts_are_new_unique_sorted_by_id_and_in_the_source_language() -> None:
    first = qa_table("a", [("Q1", "P1")])
    second = qa_table("b", [("Q2", "P1"), ("Q1", "P2")], [["P1", "N"], []])
    alone = owned_texts(second, [], "en", 2)
    assert sorted(alone["text"]) == ["N", "P1", "P2", "Q1", "Q2"]
    owned = owned_texts(second, [first], "de", 2)
    assert list(owned.columns) == ["text_id", "lang", "text"]
    assert sorted(owned["text"]) == ["N", "P2", "Q2"]
    assert owned["text_id"].tolist() == sorted(text_id(t) for t in ["N", "P2", "Q2"])
    assert owned["lang"].tolist() == ["de"] * 3 and owned.index.tolist() == [0, 1, 2]


def test_a_hard_negative_that_an_earlier_dataset_does_not_translate_stays_with_the_later_one() -> None:
    earlier = qa_table("a", [("Q1", "P1")], [["N1", "N2"]])  # with one negative read: N1 only
    later = qa_table("b", [("Q2", "N2")])
    assert sorted(owned_texts(later, [earlier], "en", 1)["text"]) == ["N2", "Q2"]


def test_flag_ledger_columns_and_source_characters_per_language_and_flag() -> None:
    translations = pd.DataFrame(
        {
            "text_id": ["a", "b", "a"],
            "lang": ["de", "de", "es"],
            "text": ["x", "", "y"],
            "source_chars": [10, 20, 10],
            "sentences": [1, 1, 1],
            "flags": [[], ["empty"], []],
        }
    )
    ledger = flag_ledger(translations)
    assert list(ledger.columns) == ["lang", "flag", "texts", "source_chars"]
    assert ledger.values.tolist() == [["de", "empty", 1, 20], ["de", "ok", 1, 10], ["es", "ok", 1, 10]]


def test_choosing_and_gathering_texts_never_loads_the_engine() -> None:
    modules = "hybridir.translate.texts, hybridir.devices, hybridir.tables, hybridir.logs"  # what those scripts import
    engines = "{'ctranslate2', 'transformers', 'torch'}"
    code = f"import sys, {modules}; print(sorted({engines} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_translator_records_its_runtime(translator: NllbTranslator) -> None:
    assert translator.runtime["device"] == "cpu" and translator.runtime["dtype"] == "int8"
    assert translator.runtime["versions"]["ctranslate2"] == ctranslate2.__version__


@pytest.fixture
def stand_in_cublas(tmp_path: Path) -> Path:
    """A site-packages folder with the nvidia-cublas-cu12 layout and a stand-in libcublas.so.12 built by gcc."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to build the stand-in shared object")
    source = tmp_path / "stand_in.c"
    source.write_text("int hybridir_stand_in_cublas(void) { return 12; }\n")
    site = tmp_path / "site-packages"
    library = site / "nvidia" / "cublas" / "lib" / "libcublas.so.12"
    library.parent.mkdir(parents=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return site


def test_the_wheels_cublas_is_found_and_loaded_process_wide(stand_in_cublas: Path, tmp_path: Path) -> None:
    library = stand_in_cublas / "nvidia" / "cublas" / "lib" / "libcublas.so.12"
    paths = [str(tmp_path / "elsewhere"), str(stand_in_cublas)]
    assert wheel_cublas(paths) == library
    assert cublas_candidates(paths) == [str(library), "libcublas.so.12"]
    assert cublas_candidates([str(tmp_path / "elsewhere")]) == ["libcublas.so.12"]
    loaded, seen = load_first(cublas_candidates(paths))
    assert loaded and str(library) in seen
    assert ctypes.CDLL(None).hybridir_stand_in_cublas() == 12  # visible to every later dlopen (RTLD_GLOBAL)


def test_a_gpu_without_cublas_is_one_error_naming_the_library_and_the_fix(tmp_path: Path) -> None:
    def missing() -> tuple[bool, str]:
        return load_first([str(tmp_path / "nvidia" / "cublas" / "lib" / "libcublas.so.12")])

    for setting in ("cuda", "auto"):
        with pytest.raises(DeviceError) as error:
            resolve_device(setting, "translation.device", partial(ctranslate2_cuda, lambda: 1, missing))
        message = str(error.value)
        assert "sees 1 CUDA device(s)" in message and "libcublas.so.12 (CUDA 12 cuBLAS) cannot be loaded" in message
        assert "pip install 'hybridir[gpu]'" in message and "envs/mt.yaml" in message


def test_a_machine_without_a_gpu_never_looks_for_cublas(caplog: pytest.LogCaptureFixture) -> None:
    def never() -> tuple[bool, str]:
        raise AssertionError("cuBLAS looked for without a GPU")

    caplog.set_level(logging.INFO)
    assert resolve_device("auto", "translation.device", partial(ctranslate2_cuda, lambda: 0, never)) == "cpu"
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    assert "sees no CUDA device" in caplog.records[0].getMessage()


def test_a_beir_benchmarks_queries_go_through_the_stages_text_selection_and_engine(
    translator: NllbTranslator, tmp_path: Path, caplog
) -> None:
    spec = {"name": "fiqa", "format": "beir", "source": beir_source(write_beir(tmp_path)), "languages": ["en"]}
    queries = fetch_benchmark(spec | {"split": "test"}).queries
    texts = query_texts(pd.concat([queries, queries.iloc[:1]]))  # a repeated text is translated once
    to_arrow(texts, "texts")
    assert sorted(texts["text"]) == sorted(queries["text"]) and set(texts["lang"]) == {"en"}
    counting = CountingTranslator(translator)
    translations = {lang: translate_texts(texts, counting, "en", lang, GREEDY) for lang in ("de", "es")}
    assert [sorted(call) for call in counting.calls] == [sorted(queries["text"])] * 2
    emptied = translations["es"].copy()
    emptied.loc[0, ["text", "flags"]] = pd.Series({"text": "", "flags": ["empty"]})
    with caplog.at_level(logging.WARNING):
        table = with_translations(queries, {"de": translations["de"], "es": emptied}, "fiqa")
    to_arrow(table, "queries")
    assert "fiqa es: 1 queries translated to an empty text are left out" in caplog.text
    assert list(table["lang"]) == ["en"] * 6 + ["de"] * 6 + ["es"] * 5
    german = table[table["lang"] == "de"]
    assert list(german["query_id"]) == [f"de/{q}" for q in queries["question_id"]]
    assert list(german["question_id"]) == list(queries["question_id"])
    by_id = translations["de"].set_index("text_id")["text"]
    assert list(german["text"]) == [by_id[text_id(text)] for text in queries["text"]]
