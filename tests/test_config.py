"""Config validation: malformed configs are rejected before any job runs, naming the key."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hybridir.config import validate_config
from hybridir.config_checks import check_config, check_run_names
from hybridir.errors import ConfigError
from tests.support import REPO, snakemake

DEMO_CONFIG = yaml.safe_load((REPO / "profiles/demo/pipeline.yaml").read_text())


def drop_benchmark_source(c):
    del c["benchmarks"][0]["source"]


def duplicate_dataset(c):
    c["datasets"].append(copy.deepcopy(c["datasets"][0]))


def duplicate_across_sections(c):
    c["parallel_datasets"][0]["name"] = c["datasets"][0]["name"]


def duplicate_benchmark(c):
    c["benchmarks"][1]["name"] = c["benchmarks"][0]["name"]


def parallel_source_without_lang(c):
    c["parallel_datasets"][0]["source"] = "results/demo/data/parallel/en.jsonl"


def translated_without_a_model(c):
    del c["translation"]["model"]


def with_beir(c, **extra):
    """The demo config with a BEIR-format benchmark (benchmarks[5], fiqa) of `extra` keys."""
    source = {"corpus": "b/corpus.jsonl", "queries": "b/queries.jsonl", "qrels": "b/qrels/{split}.tsv"}
    c["benchmarks"].append({"name": "fiqa", "format": "beir", "source": source, "languages": ["en"]} | extra)


def queries_translated_without_a_model(c):
    with_beir(c, translate_queries=["de"])
    del c["translation"]["model"]
    c["languages"]["train"] = ["en"]
    c["translation"]["quality"]["benchmark"] = None


def mixtures(*entries):
    return lambda c: c["training"].update(mixtures=[{"name": n, "datasets": d} for n, d in entries])


EVERY_DATASET = ["facts", "extra", "english_only", "parallel_facts"]


# (mutation of the demo config, text the error must contain)
MALFORMED = {
    "unknown top-level key": (lambda c: c.update(batch_sise=100), "config key batch_sise: unknown key"),
    "unknown nested key": (
        lambda c: c["datasets"][0].update(feilds={}),
        "config key datasets[0].feilds: unknown key (did you mean 'fields'?)",
    ),
    "misspelt training key": (
        lambda c: c["training"].update(stratgies=["x_x"]),
        "config key training.stratgies: unknown key (did you mean 'strategies'?)",
    ),
    "seed is not an integer": (lambda c: c.update(seed="forty-two"), "config key seed: 'forty-two' is not of type"),
    "alpha above 1": (lambda c: c["training"].update(alpha=[1.5]), "config key training.alpha[0]"),
    "alpha below 0": (lambda c: c["training"].update(alpha=[-0.1]), "config key training.alpha[0]"),
    "alpha not a number": (lambda c: c["training"].update(alpha=["half"]), "config key training.alpha[0]"),
    "unknown training language": (
        lambda c: c["languages"].update(train=["en", "xx"]),
        "languages.train[1]",
    ),
    "unknown benchmark language": (
        lambda c: c["benchmarks"][0].update(languages=["en", "qq"]),
        "benchmarks[0].languages[1]",
    ),
    "language code not ISO 639-1": (lambda c: c["languages"].update(source="english"), "config key languages.source"),
    "empty training languages": (lambda c: c["languages"].update(train=[]), "config key languages.train"),
    "source language not trained": (lambda c: c["languages"].update(source="fr"), "languages.source"),
    "benchmark without a source": (drop_benchmark_source, "config key benchmarks[0]: 'source' is a required"),
    "duplicate dataset names": (duplicate_dataset, "datasets[].name"),
    "dataset and parallel dataset share a name": (duplicate_across_sections, "facts"),
    "duplicate benchmark names": (duplicate_benchmark, "benchmarks[].name"),
    "misspelt strategy": (
        lambda c: c["training"].update(strategies=["x_x", "hybird"]),
        "config key training.strategies[1]: 'hybird' is not allowed (did you mean 'hybrid'?)",
    ),
    "unknown benchmark format": (
        lambda c: c["benchmarks"][0].update(format="squad"),
        "config key benchmarks[0].format: 'squad' is not allowed",
    ),
    "benchmark source without {lang}": (
        lambda c: c["benchmarks"][0].update(source="data/xquad.json"),
        "benchmarks[0].source",
    ),
    "miracl source is one string": (
        lambda c: c["benchmarks"][2].update(source="data/{lang}.tsv"),
        "benchmarks[2].source",
    ),
    "dataset without a question field": (
        lambda c: c["datasets"][0]["fields"].pop("question"),
        "config key datasets[0].fields: 'question' is a required property",
    ),
    "limit of zero": (lambda c: c["datasets"][0].update(limit=0), "config key datasets[0].limit"),
    "no encoders": (lambda c: c["training"].update(encoders=[]), "config key training.encoders"),
    "wrong type": (lambda c: c["training"].update(steps="many"), "config key training.steps: 'many' is not of type"),
    "unknown device": (lambda c: c.update(device="gpu"), "config key device: 'gpu' is not allowed"),
    "leakage threshold above 1": (
        lambda c: c.update(leakage={"threshold": 1.5}),
        "config key leakage.threshold: 1.5 is greater than the maximum of 1",
    ),
    "misspelt leakage key": (
        lambda c: c.update(leakage={"ngrams": 3}),
        "config key leakage.ngrams: unknown key (did you mean 'ngram'?)",
    ),
    "exclude_leaked not a boolean": (
        lambda c: c["training"].update(exclude_leaked="yes"),
        "config key training.exclude_leaked: 'yes' is not of type 'boolean'",
    ),
    "rows parallel source without {lang}": (
        parallel_source_without_lang,
        "config key parallel_datasets[0].source (parallel_facts): 'results/demo/data/parallel/en.jsonl' has no",
    ),
    "articles on a miracl benchmark": (
        lambda c: c["benchmarks"][2].update(articles=[0, 2]),
        "config key benchmarks[2].articles (demo_miracl): only a format lareqa or mlqa entry selects articles",
    ),
    "articles on a rows parallel source": (
        lambda c: c["parallel_datasets"][0].update(articles=[0, 2]),
        "config key parallel_datasets[0].articles (parallel_facts): only a format lareqa entry selects articles",
    ),
    "articles selecting none": (
        lambda c: c["benchmarks"][0].update(articles=[3, 3]),
        "config key benchmarks[0].articles (demo_lareqa): [3, 3] selects no article",
    ),
    "articles of one number": (
        lambda c: c["benchmarks"][0].update(articles=[3]),
        "config key benchmarks[0].articles: [3] is too short",
    ),
    "nothing to train on": (
        lambda c: c.update(datasets=[], parallel_datasets=[]),
        "config keys datasets / parallel_datasets: both are empty",
    ),
    "given negatives without fields.negatives": (
        lambda c: c["datasets"][1].update(negatives="given"),
        "config key datasets[1].negatives (extra): given, but the entry has no fields.negatives to give them",
    ),
    "given negatives of a parallel source without them": (
        lambda c: c["parallel_datasets"][0].update(negatives="given", fields={"question": "q", "passage": "p"}),
        "config key parallel_datasets[0].negatives (parallel_facts): given, but the entry has no fields.negatives "
        "or format: triples",
    ),
    "unknown negatives source": (
        lambda c: c["datasets"][0].update(negatives="bm25"),
        "config key datasets[0].negatives: 'bm25' is not allowed; allowed: mined, given, none",
    ),
    "alphas that give one run name": (
        lambda c: c["training"].update(alpha=[0.1234567, 0.1234571]),
        "config key training.alpha: [0.1234567, 0.1234571] are all written a0.123457 in run names",
    ),
    "an alpha that its run name rounds": (
        lambda c: c["training"].update(alpha=[0.5, 0.1234567]),
        "config key training.alpha: 0.1234567 is written a0.123457 in run names, which reads back as 0.123457",
    ),
    "an alpha that a run name cannot hold": (
        lambda c: c["training"].update(alpha=[0.00001]),
        "config key training.alpha: 1e-05 is written a1e-05 in run names, which a run name cannot hold",
    ),
    "a repeated alpha": (
        lambda c: c["training"].update(alpha=[0.5, 0.50]),
        "config key training.alpha: [0.5, 0.5] has non-unique elements",
    ),
    "a repeated seed": (
        lambda c: c["training"].update(seeds=[7, 8, 7]),
        "config key training.seeds: [7, 8, 7] has non-unique elements",
    ),
    "a repeated strategy": (
        lambda c: c["training"].update(strategies=["x_x", "x_x"]),
        "config key training.strategies: ['x_x', 'x_x'] has non-unique elements",
    ),
    "a tatoeba language without files": (
        lambda c: c["benchmarks"][3].update(languages=["de", "en"]),
        "config key benchmarks[3].languages (demo_tatoeba): 'en' has no tatoeba files; known: af, ar, az",
    ),
    "a named language set on an mmarco entry": (
        lambda c: c["benchmarks"][4].update(languages="xtreme"),
        "config key benchmarks[4].languages (demo_mmarco): the named set 'xtreme' is a tatoeba entry's",
    ),
    "an unknown named language set": (
        lambda c: c["benchmarks"][3].update(languages="xtreme_s"),
        "config key benchmarks[3].languages: 'xtreme_s' is not valid",
    ),
    "a setting the format has not": (
        lambda c: c["benchmarks"][3].update(settings=["to_en", "from_en", "multi"]),
        "config key benchmarks[3].settings (demo_tatoeba): ['to_en', 'from_en', 'multi']; format tatoeba evaluates",
    ),
    "mmarco settings without a default one": (
        lambda c: c["benchmarks"][4].update(settings=["cross"]),
        "format mmarco evaluates ['mono', 'to_en', 'from_en'] and may add ['cross']",
    ),
    "mmarco against English without English": (
        lambda c: c["benchmarks"][4].update(languages=["de", "es"], lang_names={}),
        "config key benchmarks[4].languages (demo_mmarco): settings to_en and from_en need 'en'",
    ),
    "a limit on a tatoeba entry": (
        lambda c: c["benchmarks"][3].update(limit=10),
        "config key benchmarks[3].limit (demo_tatoeba): format tatoeba reads every pair",
    ),
    "lang_names on a tatoeba entry": (
        lambda c: c["benchmarks"][3].update(lang_names={"de": "german"}),
        "config key benchmarks[3].lang_names (demo_tatoeba): only a format mmarco entry names its languages",
    ),
    "a tatoeba source without {side}": (
        lambda c: c["benchmarks"][3].update(source="data/tatoeba.{code}-eng"),
        "config key benchmarks[3].source (demo_tatoeba): 'data/tatoeba.{code}-eng' must contain '{side}'",
    ),
    "an mmarco source without qrels": (
        lambda c: c["benchmarks"][4]["source"].pop("qrels"),
        "config key benchmarks[4].source",
    ),
    "translated datasets without a model": (
        translated_without_a_model,
        "config key translation.model: required, because datasets ['facts', 'extra'] are translated into ['de', 'es']",
    ),
    # --- domains, training mixtures and beir benchmarks ---
    "misspelt domain": (
        lambda c: c["datasets"][0].update(domain="finanse"),
        "config key datasets[0].domain: 'finanse' is not allowed (did you mean 'finance'?)",
    ),
    "mixture of an unknown dataset": (
        mixtures(("base", ["facts", "fcts"])),
        "config key training.mixtures[0].datasets (base): ['fcts'] are not datasets or parallel_datasets",
    ),
    "a dataset in no mixture": (
        mixtures(("base", ["facts"])),
        "datasets ['extra', 'english_only', 'parallel_facts'] are in no mixture",
    ),
    "duplicate mixture names": (
        mixtures(("a", EVERY_DATASET), ("a", ["facts"])),
        "config key training.mixtures[].name: duplicate names ['a']",
    ),
    "mixture name not an identifier": (
        mixtures(("Plus", EVERY_DATASET)),
        "config key training.mixtures[0].name: 'Plus' does not match",
    ),
    "an empty mixture": (mixtures(("none", [])), "config key training.mixtures[0].datasets: [] should be non-empty"),
    "translated queries of a lareqa benchmark": (
        lambda c: c["benchmarks"][0].update(translate_queries=["de"]),
        "config key benchmarks[0].translate_queries (demo_lareqa): only a format beir benchmark",
    ),
    "beir benchmark of two languages": (
        lambda c: with_beir(c, languages=["en", "de"]),
        "config key benchmarks[5].languages (fiqa): a beir benchmark has one language",
    ),
    "beir queries translated into their own language": (
        lambda c: with_beir(c, translate_queries=["de", "en"]),
        "config key benchmarks[5].translate_queries (fiqa): ['de', 'en'] holds the benchmark's own language",
    ),
    "beir benchmark with one path": (
        lambda c: with_beir(c, source="b/{lang}.jsonl"),
        "config key benchmarks[5].source (fiqa): format beir needs {corpus, queries, qrels}",
    ),
    "unknown translated query language": (
        lambda c: with_beir(c, translate_queries=["qq"]),
        "config key benchmarks[5].translate_queries[0] (fiqa): unknown language code 'qq'",
    ),
    "translated queries without a model": (
        queries_translated_without_a_model,
        "config key translation.model: required, because the queries of benchmarks ['fiqa'] are translated",
    ),
    "beir dataset with one path": (
        lambda c: c["datasets"].append({"name": "fiqa_train", "format": "beir", "source": "b/train.jsonl"}),
        "config key datasets[3].source: 'b/train.jsonl' is not of type 'object'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_config_is_rejected_naming_the_key(case: str) -> None:
    mutate, expected = MALFORMED[case]
    config = copy.deepcopy(DEMO_CONFIG)
    mutate(config)
    with pytest.raises(ConfigError) as error:
        validate_config(config)
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("training", "message"),
    [
        (
            {"strategies": ["x_x", "hybird"]},
            "config key training.strategies[1]: 'hybird' is not allowed (did you mean 'hybrid'?)",
        ),
        (
            {"strategies": ["hybrid"], "alpha": [0.1234567, 0.1234571]},
            "config key training.alpha: [0.1234567, 0.1234571] are all written a0.123457 in run names",
        ),
    ],
    ids=["misspelt strategy", "alphas of one run name"],
)
def test_a_malformed_config_stops_snakemake_before_any_job_with_one_line(
    tmp_path: Path, training: dict, message: str
) -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    config["training"].update(training)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    result = snakemake(tmp_path, "-n", "-s", str(REPO / "Snakefile"), "--configfile", str(path), check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_a_named_tatoeba_language_set_is_its_languages() -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    config["benchmarks"][3]["languages"] = "xtreme_r"
    languages = validate_config(config)["benchmarks"][3]["languages"]
    assert len(languages) == 41 and languages[:3] == ["ar", "he", "vi"]
    assert languages[-5:] == ["az", "lt", "pl", "uk", "ro"]


def test_nothing_to_translate_needs_no_translation_model() -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    for dataset in config["datasets"]:
        dataset["translate"] = False
    del config["translation"]
    validate_config(config)
    assert config["translation"]["model"] is None


def test_check_config_names_unknown_lang_names() -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    check_config(config)
    config["parallel_datasets"][0]["lang_names"] = {"fr": "french"}
    with pytest.raises(ConfigError, match=r"parallel_datasets\[0\]\.lang_names"):
        check_config(config)


@pytest.mark.parametrize(
    ("benchmark", "reference", "message"),
    [
        (1, "ref/{lang}.json", None),
        (0, "ref/{lang}.json", r"benchmarks\[0\]\.reference \(demo_lareqa\): only a format mlqa benchmark"),
        (1, "ref/en.json", r"benchmarks\[1\]\.reference \(demo_mlqa\): 'ref/en.json' must contain '\{lang\}'"),
    ],
)
def test_recovery_reference_belongs_to_an_mlqa_benchmark(benchmark: int, reference: str, message: str | None) -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    config["benchmarks"][benchmark]["reference"] = reference
    if message is None:
        check_config(config)
    else:
        with pytest.raises(ConfigError, match=message):
            check_config(config)


def test_a_mixture_name_that_a_run_name_cannot_hold_is_refused() -> None:
    config = validate_config(copy.deepcopy(DEMO_CONFIG))
    config["training"]["mixtures"] = [{"name": "plus-fiqa", "datasets": EVERY_DATASET}]
    with pytest.raises(ConfigError, match=r"mixture 'plus-fiqa' is written 'x_x-mplus-fiqa-s7' in run names, which"):
        check_run_names(config)
    config["training"]["mixtures"] = [{"name": "base", "datasets": EVERY_DATASET}]
    check_run_names(config)


def test_mined_dataset_names_are_unique() -> None:
    config = copy.deepcopy(DEMO_CONFIG)
    config["mined_datasets"] = [{"name": "eq", "source": {"questions": "q.json", "passages": "p.tsv"}}] * 2
    with pytest.raises(ConfigError, match=r"mined_datasets\[\]\.name: duplicate names \['eq'\]"):
        check_config(config)


NO_NETWORK = """
import socket


def _refuse(*args, **kwargs):
    raise OSError("network access refused by the test")


socket.socket.connect = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def test_paper_config_builds_its_dag_offline(tmp_path: Path, workflow_copy: Path) -> None:
    """`snakemake -n` on config.yaml while every socket is refused: the DAG needs no network."""
    blocker = tmp_path / "no_network"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(NO_NETWORK)
    env = {"PYTHONPATH": str(blocker), "HF_HUB_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0"}
    probe = subprocess.run(
        [sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9')"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert "network access refused by the test" in probe.stderr
    result = snakemake(workflow_copy, "-n", env=env)
    jobs = result.stdout + result.stderr
    for rule in ("fetch_qa", "fetch_parallel", "fetch_benchmark"):
        assert rule in jobs
    assert "xquad_r" in jobs and "miracl" in jobs and "mmarco" in jobs


def test_a_users_own_configfile_replaces_config_yaml(tmp_path: Path) -> None:
    """`snakemake --configfile mine.yaml` runs mine.yaml alone: nothing of the paper's config.yaml
    (here its mMARCO source and MIRACL benchmark) is merged in behind the user's back."""
    config = copy.deepcopy(DEMO_CONFIG)
    del config["parallel_datasets"]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(config))
    result = snakemake(tmp_path, "-n", "-s", str(REPO / "Snakefile"), "--configfile", str(path))
    jobs = result.stdout
    assert "fetch_parallel" not in jobs and "unicamp-dl/mmarco" not in jobs and "xquad_r" not in jobs
    assert "demo_lareqa" in jobs


MICRO = REPO / "profiles" / "micro"


def test_micro_config_trains_on_one_half_of_xquad_r_and_evaluates_on_the_other() -> None:
    config = validate_config(yaml.safe_load((MICRO / "pipeline.yaml").read_text()))
    assert config["datasets"] == [] and config["translation"]["model"] is None
    (train,) = config["parallel_datasets"]
    (test,) = config["benchmarks"]
    assert (train["format"], train["articles"], test["format"], test["articles"]) == (
        "lareqa",
        [0, 24],
        "lareqa",
        [24, 48],
    )
    assert train["source"] == test["source"] and train["languages"] == config["languages"]["train"]


def test_micro_url_override_differs_from_the_micro_config_only_in_sources() -> None:
    local = yaml.safe_load((MICRO / "pipeline.yaml").read_text())
    url = yaml.safe_load((MICRO / "lareqa-url.yaml").read_text())
    paper = yaml.safe_load((REPO / "config.yaml").read_text())
    xquad_r = next(b["source"] for b in paper["benchmarks"] if b["name"] == "xquad_r")
    for section in url:
        assert [e | {"source": None} for e in url[section]] == [e | {"source": None} for e in local[section]]
        assert {e["source"] for e in url[section]} == {xquad_r}
