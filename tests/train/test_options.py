"""Training options: a setting outside its choices is named."""

import re

import pytest

from hybridir.errors import ConfigError
from hybridir.train.options import TrainingOptions


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"lr_schedule": "step"}, "training.lr_schedule: 'step'; allowed: constant, linear, cosine"),
        ({"sampling_order": "random"}, "training.sampling_order: 'random'; allowed: language_first, dataset_first"),
        ({"hard_negatives": True}, "training.hard_negatives: True; expected a count >= 0"),
    ],
)
def test_a_setting_outside_its_choices_is_named(setting: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        TrainingOptions(**setting)
