"""Training options: declared once in the config schema (choices, defaults), built from a validated
config, and a training job's file read back whole."""

import copy

import pytest
import yaml

from hybridir.config import validate_config
from hybridir.errors import ConfigError
from hybridir.schemas import config_defaults
from hybridir.train.options import TrainingOptions
from tests.support import REPO

DEMO = yaml.safe_load((REPO / "profiles" / "demo" / "pipeline.yaml").read_text())


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"lr_schedule": "step"}, "training.lr_schedule: 'step' is not allowed; allowed: constant, linear, cosine"),
        (
            {"sampling_order": "random"},
            "training.sampling_order: 'random' is not allowed; allowed: language_first, dataset_first",
        ),
        ({"hard_negatives": True}, "training.hard_negatives: True is not of type 'integer'"),
    ],
)
def test_a_setting_outside_its_choices_is_refused_by_the_schema_naming_it(setting: dict, message: str) -> None:
    config = copy.deepcopy(DEMO)
    config["training"].update(setting)
    with pytest.raises(ConfigError, match=message):
        validate_config(config)


def test_the_options_of_a_config_are_its_settings_with_the_schemas_defaults() -> None:
    config = copy.deepcopy(DEMO)
    config["training"] = {"encoders": config["training"]["encoders"], "strategies": ["x_x"], "steps": 7}
    training = validate_config(config)["training"]
    options = TrainingOptions.from_config(training, strategy="x_x", alpha=0.0, seed=7)
    defaults = config_defaults("training")
    assert options.steps == 7 and options.eval_steps == defaults["eval_steps"] == 500
    assert options == TrainingOptions.from_schema(strategy="x_x", seed=7, alpha=0.0, steps=7)


def test_options_of_an_unvalidated_section_name_the_missing_keys() -> None:
    with pytest.raises(ConfigError, match=r"config key training: no steps, batch_size, .*validate_config"):
        TrainingOptions.from_config({"strategies": ["x_x"]}, strategy="x_x", alpha=0.0, seed=1)
    with pytest.raises(TypeError, match="TrainingOptions has no stpes"):
        TrainingOptions.from_schema(strategy="x_x", seed=1, stpes=3)
