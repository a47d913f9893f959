"""Templated source locations stay inside the place the config names: a '..' or an absolute path
smuggled in through `{lang}` / `{split}` values (lang_names, split) is a ConfigError naming the key."""

import copy
import re

import pytest
import yaml

from hybridir.config import validate_config
from hybridir.errors import ConfigError
from hybridir.fetch.miracl import MiraclLanguage
from hybridir.fetch.parallel import lang_source
from hybridir.locations import fill_template
from hybridir.plan.data import DataPlan
from hybridir.preflight.sources import config_sources
from tests.support import REPO

DEMO = REPO / "profiles" / "demo" / "pipeline.yaml"
ESCAPES = ["..", "../etc", "de/../../x", "/etc/passwd", "~root", "C:\\data", "a\\..\\b", "https://elsewhere.org/x"]


def demo_config() -> dict:
    return yaml.safe_load(DEMO.read_text())


def test_values_are_put_into_the_template() -> None:
    filled = fill_template("data/{split}/{lang}/x-{lang}.json", "k", lang="zh-Hans", split="dev")
    assert filled == "data/dev/zh-Hans/x-zh-Hans.json"
    assert fill_template("hf://datasets/o/n/{lang}/part/*.parquet", "k", lang="de/v2") == (
        "hf://datasets/o/n/de/v2/part/*.parquet"
    )


@pytest.mark.parametrize("value", ESCAPES)
def test_a_value_that_leaves_the_location_is_a_config_error_naming_the_key(value: str) -> None:
    with pytest.raises(ConfigError, match=r"config key parallel_datasets\[p\]\.lang_names: \{lang\} = "):
        fill_template("data/{lang}.jsonl", "parallel_datasets[p].lang_names", lang=value)


@pytest.mark.parametrize("value", ["...", "de..x", ".hidden"])
def test_dots_that_are_not_a_parent_segment_are_names(value: str) -> None:
    assert fill_template("data/{lang}.jsonl", "k", lang=value) == f"data/{value}.jsonl"


def test_the_config_rejects_an_escaping_lang_name_and_split() -> None:
    config = demo_config()
    config["parallel_datasets"][0]["lang_names"] = {"es": "../../../etc/es"}
    with pytest.raises(ConfigError, match=r"parallel_datasets\[0\]\.lang_names\.es \(parallel_facts\)"):
        validate_config(config)
    config = demo_config()
    config["benchmarks"][2]["split"] = "/tmp"
    with pytest.raises(ConfigError, match=r"benchmarks\[2\]\.split \(demo_miracl\)"):
        validate_config(config)


def escaping_config() -> dict:
    """A validated demo config whose parallel source then gets an escaping lang_name (as a config
    built by other code than validate_config could hold)."""
    config = validate_config(demo_config())
    config["parallel_datasets"][0]["lang_names"] = {"de": "../../secrets"}
    return config


def test_every_place_that_fills_a_source_template_checks_the_values() -> None:
    config = escaping_config()
    spec = copy.deepcopy(config["parallel_datasets"][0])
    with pytest.raises(ConfigError, match=r"parallel_datasets\[parallel_facts\]\.lang_names"):
        lang_source(spec["source"], spec, "de")
    with pytest.raises(ConfigError, match=r"parallel_datasets\[parallel_facts\]"):
        DataPlan(config).source_files("parallel_datasets", "parallel_facts")
    with pytest.raises(ConfigError, match=r"parallel_datasets\[parallel_facts\]"):
        config_sources(config)
    miracl = {kind: "data/{split}/{lang}.tsv" for kind in ("topics", "qrels", "corpus")}
    with pytest.raises(ConfigError, match=r"benchmarks\[\]\.source\.topics: \{split\} = '\.\./x'"):
        MiraclLanguage(miracl, "en", "../x", None)


def test_no_library_module_fills_a_template_by_hand() -> None:
    library = REPO / "workflow" / "hybridir"
    by_hand = [
        f"{path.relative_to(REPO)}:{number}"
        for path in library.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"""\.replace\(\s*["']\{(lang|split)\}""", line)
    ]
    assert by_hand == []
