"""The vocabulary (hybridir.vocabulary): the config schema's enums are its registries, every record
has its implementation, and a strategy added as one record is planned and reported."""

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hybridir import resources
from hybridir.config import load_config
from hybridir.errors import ConfigError
from hybridir.evaluate.metrics import FUNCTIONS, per_query_columns
from hybridir.plan.runs import RunPlan
from hybridir.report.data import checks, retrieval
from hybridir.report.data.mix import mix_table
from hybridir.report.data.paper import read_paper_numbers
from hybridir.report.figures import curves
from hybridir.report.format import colours, label
from hybridir.report.pages import retrieval as pages
from hybridir.report.pages.document import to_markdown
from hybridir.report.pages.mix import training_mix_page
from hybridir.report.pages.summary import summary_document
from hybridir.schemas import config_schema, table_schema
from hybridir.tables import read_table
from hybridir.train.samplers import SAMPLERS
from hybridir.train.trainer import SCHEDULES
from hybridir.vocabulary import (
    DOMAINS,
    FAMILIES,
    FORMATS,
    GROUPINGS,
    LANGUAGE,
    METRICS,
    MIXTURE_NAME,
    SETTINGS,
    STRATEGIES,
    UNTRAINED,
    Run,
    Strategy,
    UnknownName,
    domain_label,
    ranked_metrics,
    report_order,
    run_pattern,
)
from tests.support import REPO
from tests.support import report_data as rd

DEMO = REPO / "profiles" / "demo" / "pipeline.yaml"
THROWAWAY = Strategy("x_en", "x→en", "#000000", "queries in every language, passages in English", "XXSampler")


def test_the_config_schemas_enums_are_the_registries_and_their_implementations() -> None:
    schema = config_schema()
    training = schema["properties"]["training"]["properties"]
    assert training["strategies"]["items"]["enum"] == list(STRATEGIES)
    assert schema["$defs"]["benchmark"]["properties"]["format"]["enum"] == list(FORMATS)
    assert schema["$defs"]["benchmark"]["properties"]["settings"]["items"]["enum"] == list(SETTINGS)
    assert training["lr_schedule"]["enum"] == list(SCHEDULES)
    assert sorted(record.sampler for record in STRATEGIES.values()) == sorted(SAMPLERS)
    assert {record.function for record in ranked_metrics()} == set(FUNCTIONS)
    assert {record.scorer for record in METRICS.values()} == {"ranks", "mining"}
    assert per_query_columns() == table_schema("per_query")["required"]
    assert schema["$defs"]["domain"]["enum"] == [*DOMAINS, None]
    assert schema["$defs"]["name"]["pattern"] == f"^{MIXTURE_NAME}$"
    assert training["mixtures"]["items"]["properties"]["name"] == {"$ref": "#/$defs/name"}


def test_every_strategy_has_a_label_and_a_colour_of_its_own() -> None:
    runs = [Run("e", name, 0.5 if record.takes_alpha else None, 1) for name, record in STRATEGIES.items()]
    palette = colours([Run("e", UNTRAINED.name), *runs])
    assert list(palette) == ["untrained", "en_en", "x_x", "x_x_mixed", "x_y", "hybrid α=0.5"]
    assert len(set(palette.values())) == len(palette)


def test_records_refer_to_records() -> None:
    for record in FORMATS.values():
        assert set(record.settings) <= set(SETTINGS)
        assert set(record.optional) <= set(record.settings)
        assert set(record.metrics) <= set(METRICS)
        measures = [*record.compared, *record.recall, *record.per_language, *record.xtreme_r]
        assert {setting for setting, _ in measures} <= set(record.settings)
        assert {metric for _, metric in measures} <= set(record.metrics) | {"map"}
    assert METRICS["rank_distance"].formats == ("lareqa", "mlqa") and METRICS["ndcg_10"].formats == ("miracl", "beir")
    assert all(record.language_table in record.tables for record in FORMATS.values())


def test_every_domain_has_a_label_and_an_unlabelled_entry_is_said_so() -> None:
    assert [domain_label(name) for name in ("finance", "e_commerce", None)] == ["finance", "e-commerce", "unlabelled"]
    assert len({record.label for record in DOMAINS.values()}) == len(DOMAINS)


def test_an_unknown_name_is_an_error_listing_the_known_ones() -> None:
    with pytest.raises(UnknownName, match=r"^unknown metric 'mrr_100'; known: map, recall_1, recall_10, recall_100"):
        METRICS["mrr_100"]
    assert isinstance(UnknownName("x"), ConfigError) and METRICS.get("mrr_100") is None


def test_the_vocabulary_imports_nothing_heavy() -> None:
    code = "import sys, hybridir.vocabulary; print(sorted({'numpy', 'pandas', 'torch', 'yaml'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.fixture
def throwaway(monkeypatch: pytest.MonkeyPatch) -> Strategy:
    """A strategy added to the registry for one test (the config schema's enum is not edited)."""
    monkeypatch.setitem(STRATEGIES, THROWAWAY.name, THROWAWAY)
    return THROWAWAY


def test_a_strategy_added_as_one_record_is_planned(throwaway: Strategy) -> None:
    config = load_config(DEMO)
    config["training"]["strategies"] = ["x_x", throwaway.name, "hybrid"]  # as the schema would let it through
    runs = RunPlan(config).training_runs("tiny")
    assert [run.name for run in runs if run.strategy == throwaway.name] == ["x_en-s7", "x_en-s8", "x_en-s9"]
    assert Run.parse("tiny", "x_en-s7") == Run("tiny", "x_en", None, 7)
    assert pd.Series(["x_en-s7"]).str.fullmatch(run_pattern()).all()
    assert report_order()[-1] == throwaway.name


def test_a_strategy_added_as_one_record_is_reported(throwaway: Strategy, tmp_path: Path) -> None:
    runs = ["zero_shot", "x_x-s7", "x_y-s7", "x_en-s7", "hybrid-a0.5-s7"]
    rng = np.random.default_rng(7)
    rd.write_evaluation(tmp_path, rd.ENCODER, runs, {rd.LAREQA: (rd.LAREQA_LANGUAGES, True)}, rng)
    metrics = read_table(tmp_path / "evaluate" / "strategy_metrics.parquet", "strategy_metrics")
    significance = read_table(tmp_path / "evaluate" / "significance.parquet", "significance")
    paper = read_paper_numbers(REPO / "workflow" / "hybridir" / "report" / "data" / "paper_numbers.csv")
    table = retrieval.map_table(metrics, significance, paper, [rd.LAREQA])
    assert list(pd.unique(table["strategy"])) == ["zero_shot", "x_x", "x_y", "hybrid", "x_en"]
    page = to_markdown(pages.map_page(table, {**rd_settings(), "seeds": [7]}))
    assert "| tiny | x→en |" in page
    assert colours([Run.parse(rd.ENCODER, name) for name in runs[1:]])[label(Run("e", "x_en"))] == "#000000"
    logs = {(rd.ENCODER, run): copy.deepcopy(rd.training_log(rng)) for run in runs[1:]}
    assert curves.training_curves(logs).axes
    config = {
        "seed": 7,
        "languages": {"source": "en", "train": rd.TRAIN_LANGUAGES},
        "training": {"encoders": [{"name": rd.ENCODER, "model": "m"}], "strategies": ["x_x", "x_en"], "alpha": [0.5]}
        | {"seeds": [7], "steps": 10, "batch_size": 4},
        "benchmarks": [
            {"name": rd.LAREQA, "format": "lareqa", "languages": rd.LAREQA_LANGUAGES}
            | {"domain": None, "translate_queries": []}
        ],
        "mixtures": [{"name": None, "datasets": ["facts"], "domains": []}],
        "study": None,
        "translation": {"model": None, "quality": {"benchmark": None}},
        "validation_datasets": [],
    }
    empty = table.iloc[:0]
    tables = {"map": table, "rank_distance": empty, "miracl": pd.DataFrame(columns=["lang", "metric"])}
    tables |= {"mt_quality": pd.DataFrame(), "corpus_ledger": pd.DataFrame()}
    tables |= {
        "domains": pd.DataFrame(),
        "mixtures": pd.DataFrame(),
        "truncation": checks.truncation_table(checks.translation_cuts({}, 1024), checks.encoding_cuts({})),
        "benchmark_ledger": checks.benchmark_ledger_table([]),
        "warnings": checks.warnings_table([]),
        "training_mix": mix_table(logs),
    }
    assert "| tiny | x→en | dataset |" in to_markdown(training_mix_page(tables["training_mix"]))
    summary = to_markdown(summary_document(config, tables, significance, {}, [], [], rd_settings()))
    assert f"`x_en`: {throwaway.description}" in summary


def rd_settings() -> dict:
    return {"candidate_context": True, "max_length": 256, "resamples": rd.RESAMPLES, "seeds": [7]}


def test_every_language_grouping_and_pretraining_family_has_its_implementation() -> None:
    """Each pretraining family is a column of resources.csv with a source; a benchmark whose
    languages span classes, seen and unseen, and pretrained and not, has a group of every
    grouping, each group named as its grouping's record lists it."""
    header = resources.TABLE.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert set(FAMILIES) <= set(header) and set(FAMILIES) <= set(resources.SOURCES)
    rows = [resources.language(lang) for lang in ("en", "sw", "yo")]
    groups = resources.language_groups(rows, ["en"], "xlmr")
    assert [g for g in dict.fromkeys(group.grouping for group in groups)] == list(GROUPINGS)
    for group in groups:
        assert group.grouping == LANGUAGE or group.name in GROUPINGS[group.grouping].groups
