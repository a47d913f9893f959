"""The studies (studies/<name>/): each config is complete and shares config.yaml's entries, its dry
run plans exactly the runs its question needs and its README states what they cost, and each runs
in miniature (tests/support/studies.py: the demo's scale, offline) to its answer page."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from hybridir.config import load_config, merge
from hybridir.studies import gpu_hours, job_counts, profile_resources, study_names
from hybridir.tables import read_table
from hybridir.vocabulary import Run, strategy
from tests.support import IGNORED, REPO, WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.jobs import planned_jobs
from tests.support.studies import miniature

pytestmark = pytest.mark.workflow
STUDIES = study_names(REPO / "studies")
SECTIONS = ("datasets", "mined_datasets", "parallel_datasets", "validation_datasets", "benchmarks")


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_there_are_the_five_studies_each_with_a_config_and_readme() -> None:
    assert STUDIES == [
        "domain_robustness",
        "mbert_xquad",
        "miracl_xtreme_r",
        "mmarco_cross_lingual",
        "xlmr_low_resource",
    ]
    for name in STUDIES:
        assert (REPO / "studies" / name / "README.md").is_file(), name
        assert raw(REPO / "studies" / name / "config.yaml")["study"]["name"] == name


@pytest.mark.parametrize("name", STUDIES)
def test_a_study_config_is_complete_and_its_shared_entries_are_config_yamls(name: str) -> None:
    """Loaded alone (no config.yaml under it), and every entry named as in config.yaml is that entry."""
    study = raw(REPO / "studies" / name / "config.yaml")
    load_config(REPO / "studies" / name / "config.yaml")
    paper = raw(REPO / "config.yaml")
    for section in SECTIONS:
        own = {entry["name"]: entry for entry in paper.get(section, [])}
        for entry in study.get(section, []):
            if entry["name"] in own:
                assert entry == own[entry["name"]], (name, section, entry["name"])


def expected_runs(config: dict) -> set[str]:
    """The training runs a config needs: per encoder, strategy, alpha, mixture and seed."""
    training = config["training"]
    mixtures = [m["name"] for m in training.get("mixtures") or []] or [None]
    return {
        f"{encoder['name']}/{Run(encoder['name'], name, alpha, seed, mixture).name}"
        for encoder in training["encoders"]
        for name in training["strategies"]
        for alpha in (training["alpha"] if strategy(name).takes_alpha else [None])
        for mixture in mixtures
        for seed in training["seeds"]
    }


@pytest.mark.parametrize("name", STUDIES)
def test_a_studys_dry_run_plans_exactly_its_runs_and_its_readme_states_their_cost(
    workflow_copy: Path, name: str
) -> None:
    path = f"studies/{name}/config.yaml"
    output = snakemake(workflow_copy, "-n", "--configfile", path, "--replace-workflow-config").stdout
    jobs = planned_jobs(output)
    trained = {re.sub(r"train encoder=(\w+), run=(\S+)", r"\1/\2", job) for job in jobs if job.startswith("train ")}
    config = load_config(REPO / path)
    assert trained == expected_runs(config)
    assert "report_study" in jobs
    hours = gpu_hours(
        job_counts(output),
        profile_resources(REPO / "profiles" / "slurm" / "config.yaml"),
        config["training"]["processes"],
    )
    assert f"at most {hours:,.0f} GPU-hours" in (REPO / "studies" / name / "README.md").read_text()


@pytest.fixture(scope="module")
def miniature_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every study in miniature, one after the other in one workflow copy (what two studies share,
    the demo's data, models, translations and runs of one name, is made once); each study's
    results/summary.md and report tables copied aside after its run."""
    workflow = tmp_path_factory.mktemp("studies") / "hybridir"
    shutil.copytree(REPO, workflow, ignore=IGNORED, symlinks=True)
    found = {}
    for name in STUDIES:
        config = merge(
            raw(workflow / "studies" / name / "config.yaml"),
            miniature(raw(workflow / "studies" / name / "config.yaml"), workflow, workflow / "miniature" / name),
        )
        path = workflow / f"miniature-{name}.yaml"
        path.write_text(yaml.safe_dump(config))
        snakemake(workflow, "--profile", "profiles/demo", "--configfile", str(path), timeout_s=WHOLE_RUN_TIMEOUT_S)
        kept = workflow.parent / name
        shutil.copytree(workflow / "results" / "report" / "tables", kept / "tables")
        shutil.copy(workflow / "results" / "summary.md", kept / "summary.md")
        found[name] = kept
    return found


@pytest.mark.parametrize("name", STUDIES)
def test_a_study_runs_in_miniature_to_its_answer_page(miniature_runs: dict[str, Path], name: str) -> None:
    kept = miniature_runs[name]
    study = raw(REPO / "studies" / name / "config.yaml")["study"]
    answer = read_table(kept / "tables" / "study.parquet", "report_study")
    assert len(answer) == len(study["comparisons"]) == answer["comparisons"].iloc[0]
    assert answer[["value", "value_against", "difference", "ci_low", "ci_high", "p_holm"]].notna().all().all()
    assert (answer["ci_low"] <= answer["difference"]).all() and (answer["difference"] <= answer["ci_high"]).all()
    page = (kept / "tables" / "study.md").read_text()
    assert study["question"] in page and page.count("Holm p") == len(study["comparisons"])
    summary = (kept / "summary.md").read_text()
    assert f"## Study: {name}" in summary and "(report/tables/study.md)" in summary
