"""The translate stage on a tiny random NLLB-architecture model built here, offline."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_benchmark

from hybridir.errors import ConfigError
from hybridir.fetch.benchmarks import fetch_benchmark
from hybridir.tables import to_arrow
from hybridir.text import text_id
from hybridir.tiny import build_tiny_nllb
from hybridir.translate.convert import convert_model
from hybridir.translate.engine import DecodingOptions, NllbTranslator, has_repetition, token_batches
from hybridir.translate.quality import reference_pairs, score
from hybridir.translate.texts import flag_ledger, owned_texts, select_shard, translate_texts

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
    owned = [owned_texts(first, [], "en"), owned_texts(second, [first], "en")]
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
    one_by_one = [translator.translate([s], "en", "es", GREEDY)[0].text for s in sentences]
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
    result = translator.translate([SENTENCES[3]], "en", "de", options)[0]
    assert {"truncated_input", "truncated_output"} <= result.flags


def test_unknown_language_code_fails_clearly(translator: NllbTranslator) -> None:
    texts = pd.DataFrame({"text_id": ["a"], "lang": "en", "text": [SENTENCES[0]]})
    with pytest.raises(ConfigError, match="language code 'xx' has no NLLB-200 equivalent"):
        translate_texts(texts, translator, "en", "xx", GREEDY)


def test_repetition_detector() -> None:
    assert has_repetition(list("abcRRRR"))
    assert has_repetition(["▁the", "▁cat"] * 4)
    assert not has_repetition("▁the ▁cat ▁sat ▁on ▁the ▁mat ▁and ▁the ▁dog".split())
    assert not has_repetition(list("aaa"))


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
    spec = {"format": "lareqa", "source": f"{folder}/{{lang}}.json", "languages": ["en", "de"]}
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
