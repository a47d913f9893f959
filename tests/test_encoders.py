"""Loading an encoder: pooling, prompts, remote code, unknown models."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from hybridir.encoders import EncoderSpec, load_encoder
from hybridir.errors import ConfigError
from tests.support.training import (
    TEXTS,
)


def test_cls_pooling_of_a_plain_checkpoint_is_its_first_token(workspace: dict[str, Path]) -> None:
    path = str(workspace["deterministic"])
    tokens = AutoTokenizer.from_pretrained(path)(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        expected = AutoModel.from_pretrained(path)(**tokens).last_hidden_state[:, 0]
    encoder = load_encoder(EncoderSpec(path, pooling="cls"), "cpu")
    np.testing.assert_allclose(encoder.encode(TEXTS), expected.numpy(), atol=1e-5)


def test_zero_shot_prompts_come_from_the_encoder_entry(workspace: dict[str, Path]) -> None:
    entry = {"name": "tiny", "model": str(workspace["deterministic"]), "pooling": "mean", "trust_remote_code": False}
    prompts = {"query": "Query: ", "passage": "Passage: "}
    zero_shot = load_encoder(EncoderSpec.from_config(entry | {"zero_shot_prompts": prompts}), "cpu")
    assert zero_shot.prompts.items() >= prompts.items()
    own = load_encoder(EncoderSpec.from_config(entry | {"zero_shot_prompts": None}), "cpu").prompts
    assert "passage" not in own and not own.get("query")
    trained = EncoderSpec.from_config(entry | {"zero_shot_prompts": prompts}, model="elsewhere", zero_shot=False)
    assert trained.prompts is None and trained.model == "elsewhere"


def remote_code_model(plain: Path, output: Path) -> Path:
    """A copy of a BERT checkpoint whose config asks for code of its own (which leaves a mark)."""
    output.mkdir()
    for path in plain.iterdir():
        (output / path.name).write_bytes(path.read_bytes())
    (output / "custom.py").write_text(
        "from pathlib import Path\nfrom transformers import BertConfig, BertModel\n"
        f"Path({str(output / 'ran')!r}).touch()\n"
        "class CustomConfig(BertConfig):\n    model_type = 'custom-bert'\n"
        "class CustomModel(BertModel):\n    config_class = CustomConfig\n"
    )
    config = json.loads((output / "config.json").read_text())
    auto_map = {"AutoConfig": "custom.CustomConfig", "AutoModel": "custom.CustomModel"}
    config |= {"model_type": "custom-bert", "auto_map": auto_map}
    (output / "config.json").write_text(json.dumps(config))
    return output


def test_remote_code_runs_only_where_the_encoder_entry_allows_it(workspace: dict[str, Path], tmp_path: Path) -> None:
    model = remote_code_model(workspace["deterministic"], tmp_path / "remote")
    with pytest.raises(ConfigError, match="trust_remote_code"):
        load_encoder(EncoderSpec(str(model)), "cpu")
    assert not (model / "ran").exists()
    assert load_encoder(EncoderSpec(str(model), trust_remote_code=True), "cpu").encode(TEXTS).shape == (4, 32)
    assert (model / "ran").exists()


def test_an_unknown_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"encoder 'xlmr' ({tmp_path / 'missing'}): cannot load the model")):
        load_encoder(EncoderSpec(str(tmp_path / "missing"), name="xlmr"), "cpu")
