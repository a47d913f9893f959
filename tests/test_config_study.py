"""A config's study: each comparison names what the config evaluates, defaults are filled for a
one-encoder, one-alpha config, and a wrong comparison is refused naming its key."""

import copy
import re

import pytest
import yaml

from hybridir.config import validate_config
from hybridir.config_study import study_comparisons
from hybridir.errors import ConfigError
from tests.support import REPO

DEMO_CONFIG = yaml.safe_load((REPO / "profiles/demo/pipeline.yaml").read_text())
HYBRID = {"benchmark": "demo_lareqa", "setting": "cross", "metric": "map", "strategy": "hybrid", "against": "x_x"}


def with_study(*comparisons: dict) -> dict:
    config = copy.deepcopy(DEMO_CONFIG)
    config["study"] = {"name": "demo", "question": "Is hybrid better?", "comparisons": copy.deepcopy(list(comparisons))}
    return config


def test_a_comparison_gets_the_only_encoder_and_alpha() -> None:
    (comparison,) = study_comparisons(validate_config(with_study(HYBRID)))
    assert (comparison.encoder, comparison.alpha, comparison.against_alpha) == ("tiny", 0.5, None)
    assert (comparison.mixture, comparison.grouping) == (None, None)
    assert comparison.label == "hybrid (α 0.5) vs x_x: tiny on demo_lareqa cross mAP"


def test_a_language_group_is_the_benchmarks() -> None:
    unseen = HYBRID | {"benchmark": "demo_miracl", "setting": "mono", "metric": "ndcg_10"}
    unseen |= {"languages": {"grouping": "training", "group": "unseen"}}
    (comparison,) = study_comparisons(validate_config(with_study(unseen)))
    assert (comparison.grouping, comparison.group) == ("training", "unseen")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"benchmark": "xquad_r"}, "study.comparisons[0].benchmark: 'xquad_r' is not in benchmarks"),
        ({"setting": "mining"}, "study.comparisons[0].setting: demo_lareqa is evaluated in mono, cross, multi"),
        ({"metric": "ndcg_10"}, "study.comparisons[0].metric: the lareqa format computes"),
        ({"against": "x_x_mixed"}, "study.comparisons[0].against: strategy 'x_x_mixed' is not in training.strategies"),
        ({"alpha": 0.3}, "study.comparisons[0].alpha: alpha 0.3 is not in training.alpha"),
        ({"against_alpha": 0.5}, "study.comparisons[0].against_alpha: strategy x_x takes no alpha"),
        ({"mixture": "plus"}, "study.comparisons[0].mixture: 'plus' names a mixture, but training.mixtures is not set"),
        ({"against": "hybrid"}, "study.comparisons[0]: compares 'hybrid (α 0.5) vs hybrid (α 0.5)"),
        (
            {"languages": {"grouping": "joshi_class", "group": "class 1"}},
            "study.comparisons[0].languages.group: demo_lareqa has no language in joshi_class 'class 1'",
        ),
        (
            {"languages": {"grouping": "training", "group": "elsewhere"}},
            "study.comparisons[0].languages.group: 'elsewhere' is not a group of training (seen, unseen)",
        ),
    ],
    ids=["benchmark", "setting", "metric", "strategy", "alpha", "alpha of x_x", "mixture", "itself", "empty", "group"],
)
def test_a_wrong_comparison_is_refused_naming_its_key(change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match="^config key " + re.escape(message)):
        validate_config(with_study(HYBRID | change))


def test_several_encoders_need_the_comparison_to_name_one() -> None:
    config = with_study(HYBRID)
    config["training"]["encoders"].append({"name": "other", "model": "results/demo/models/encoder-tiny"})
    with pytest.raises(ConfigError, match=r"study.comparisons\[0\].encoder: the config has several encoders"):
        validate_config(config)
    config["study"]["comparisons"][0]["encoder"] = "other"
    assert study_comparisons(validate_config(config))[0].encoder == "other"


def test_a_comparison_made_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"study.comparisons\[1\]: .* is already study.comparisons\[0\]"):
        validate_config(with_study(HYBRID, HYBRID | {"alpha": 0.5}))
