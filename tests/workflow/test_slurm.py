"""Cluster submission: profiles/slurm's resources, and a part of the demo pipeline run on a real Slurm.

The profile tests read profiles/slurm through Snakemake itself (its profile parser, its resource
evaluation, dry runs of the README's command, which plan the whole demo). The integration test
starts a private one-node Slurm (slurm_cluster.py), runs a part of `make demo`'s pipeline
(DEMO_PART: a trained model, its evaluation and three report tables; 46 jobs of 23 rules, the GPU
rules and train among them) through `--profile profiles/slurm` and a CPU-node override, and checks
that every job ran once as a Slurm job with the partition, time, CPUs and memory Snakemake planned
for it, and that its Parquet tables and weights equal the same files of a local whole demo run. Each
Slurm job parses the workflow twice (the job and its job step), which is most of a job's time on a
small machine: the whole demo (229 jobs) would take nearly three times as long as running it
locally. It needs root (packages, daemons) and skips, saying so, otherwise.
"""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from hybridir.studies import evaluated, job_counts, profile_resources
from tests.support import IGNORED, REPO, WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.run_comparison import DEMO_PART, differences, relative_files
from tests.support.slurm_cluster import OWNER, install_slurm, owner_alive, slurm_cluster

pytestmark = pytest.mark.workflow
PROFILE = REPO / "profiles" / "slurm" / "config.yaml"
DEMO_PROFILE = REPO / "profiles" / "demo" / "config.yaml"
DEMO_CONFIG = "profiles/demo/pipeline.yaml"
# the demo's GPU rules; translate_queries (a BEIR benchmark's queries, not in the demo) is one too
GPU_RULES = {"translate_shard", "mt_quality_language", "encode", "rank"}
# Slurm's default partition is the first; the override's partition config sends CPU jobs to "cpu".
PARTITIONS = ("debug", "cpu", "gpu")
PARTITION_CONFIG = {"partitions": {"cpu": {}, "gpu": {"max_gpu": 1}}}
# The node declares more CPUs than the machine has, so that Slurm starts each job as soon as
# Snakemake submits it and the operating system shares the cores (a job's CPUs are still checked).
NODE_CPUS = max(8, 2 * (os.cpu_count() or 1))


@dataclass
class PlannedJob:
    """A job as Snakemake printed it: rule, threads and resources (the last attempt's)."""

    rule: str
    threads: int = 1
    resources: dict[str, str] = field(default_factory=dict)


def planned_jobs(output: str) -> dict[int, PlannedJob]:
    """Job id -> the job block Snakemake printed for it ("rule x:", "jobid:", "threads:", ...)."""
    jobs: dict[int, PlannedJob] = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:\n)", output):
        header = re.match(r"(?:local)?rule (\w+):$", block, re.M)
        jobid = re.search(r"^\s+jobid: (\d+)$", block, re.M)
        if header is None or jobid is None:
            continue
        job = PlannedJob(header.group(1))
        threads = re.search(r"^\s+threads: (\d+)$", block, re.M)
        if threads:
            job.threads = int(threads.group(1))
        resources = re.search(r"^\s+resources: (.*)$", block, re.M)
        if resources:
            job.resources = dict(item.split("=", 1) for item in resources.group(1).split(", "))
        jobs[int(jobid.group(1))] = job
    return jobs


def workflow_rules(folder: Path) -> set[str]:
    return set(snakemake(folder, "--list-rules").stdout.split())


def test_profile_sizes_every_rule_and_grows_runtime_and_memory_with_each_attempt(workflow_copy: Path) -> None:
    table = profile_resources(PROFILE)
    assert set(table) == workflow_rules(workflow_copy) - {"all"}
    for rule, resources in table.items():
        for name in ("runtime", "mem_mb"):
            values = [evaluated(resources, name, attempt) for attempt in (1, 2, 3)]
            assert 0 < values[0] < values[1] < values[2], (rule, name, values)
    settings = yaml.safe_load(PROFILE.read_text())
    assert settings["retries"] >= 1
    assert "default-resources" not in settings  # the user's key, for account and partition


def write_profile(folder: Path, settings: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(settings))
    return folder


@pytest.fixture
def two_process_config(workflow_copy: Path) -> Path:
    """The demo config with training.processes: 2."""
    config = yaml.safe_load((workflow_copy / DEMO_CONFIG).read_text())
    config["training"]["processes"] = 2
    path = workflow_copy / "two_processes.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("where", ["command line", "user profile"])
def test_account_and_partitions_add_to_the_profile_without_replacing_its_resources(
    where: str, workflow_copy: Path, two_process_config: Path
) -> None:
    """The README's command, and the same settings kept in a user profile, in a dry run."""
    site = workflow_copy.parent / "site"
    site.mkdir()
    partitions = site / "partitions.yaml"
    partitions.write_text(yaml.safe_dump(PARTITION_CONFIG))
    if where == "command line":
        user = ["--default-resources", "slurm_account=ACCOUNT", "--slurm-partition-config", str(partitions)]
    else:
        settings = {"default-resources": {"slurm_account": "ACCOUNT"}, "slurm-partition-config": "partitions.yaml"}
        (site / "config.yaml").write_text(yaml.safe_dump(settings))
        user = ["--profile", str(site)]
    no_conda = write_profile(workflow_copy.parent / "no_conda", {"use-conda": False})  # no conda here
    result = snakemake(
        workflow_copy,
        "-n",
        "--profile",
        "profiles/slurm",
        *user,
        "--profile",
        str(no_conda),
        "--configfile",
        str(two_process_config),
        "--replace-workflow-config",
    )
    jobs = {jobid: job for jobid, job in planned_jobs(result.stdout + result.stderr).items() if job.rule != "all"}
    table = profile_resources(PROFILE)
    assert evaluated(table["translate_queries"], "gpu", 1) == 1
    assert {job.rule for job in jobs.values()} >= GPU_RULES | {"train", "fetch_qa", "corpus", "score", "report_summary"}
    for job in jobs.values():
        resources = job.resources
        assert resources["slurm_account"] == "ACCOUNT", job
        assert int(resources["runtime"]) == evaluated(table[job.rule], "runtime", 1), job
        assert int(resources["mem_mb"]) == evaluated(table[job.rule], "mem_mb", 1), job
        assert "cpus_per_task" not in resources  # Slurm's CPUs are the rule's threads
        expected_gpus = 2 if job.rule == "train" else 1 if job.rule in GPU_RULES else None
        assert (int(resources["gpu"]) if "gpu" in resources else None) == expected_gpus, job


def cpu_node_override(folder: Path) -> Path:
    """A site profile, given after profiles/slurm, for the test's cluster (one CPU node, no
    accounting database, no conda channels): partitions by the plugin's partition config, job
    status from squeue, conda off, and profiles/slurm's set-resources with every GPU request
    set to 0. Snakemake merges profiles by top-level key, so set-resources is the profile's
    table again with only `gpu` changed. Threads are the local demo's (profiles/demo), so that
    both runs compute with the same thread counts and their tables can be compared."""
    profile = yaml.safe_load(PROFILE.read_text())
    demo = yaml.safe_load(DEMO_PROFILE.read_text())
    resources = {rule: dict(values) for rule, values in profile["set-resources"].items()}
    for rule in GPU_RULES | {"train"}:
        resources[rule]["gpu"] = 0
    settings = {
        "use-conda": False,
        "slurm-partition-config": "partitions.yaml",
        "slurm-status-command": "squeue",
        "slurm-init-seconds-before-status-checks": 1,
        "set-resources": resources,
        "set-threads": demo["set-threads"],
    }
    override = write_profile(folder, settings)
    (override / "partitions.yaml").write_text(yaml.safe_dump(PARTITION_CONFIG))
    return override


@dataclass
class SlurmRun:
    """DEMO_PART run through Slurm: its folder, Snakemake's output and Slurm's job records."""

    workflow: Path
    planned: Counter[str]
    output: str
    records: dict[str, dict[str, str]]

    def submissions(self) -> dict[int, list[str]]:
        """Snakemake job id -> its Slurm job ids, one per attempt."""
        found: dict[int, list[str]] = {}
        for jobid, slurm_id in re.findall(r"Job (\d+) has been submitted with SLURM jobid (\d+)", self.output):
            found.setdefault(int(jobid), []).append(slurm_id)
        return found

    def finished(self) -> dict[int, str]:
        """Snakemake job id -> rule, for every job Snakemake reports finished."""
        return {int(jobid): rule for jobid, rule in re.findall(r"Finished jobid: (\d+) \(Rule: (\w+)\)", self.output)}


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory: pytest.TempPathFactory) -> SlurmRun:
    """DEMO_PART of the demo pipeline through profiles/slurm on a private Slurm, stopped before the checks."""
    if os.geteuid() != 0:
        pytest.skip(f"the Slurm test installs Debian packages and runs Slurm's daemons as root; uid is {os.geteuid()}")
    install_slurm()
    folder = tmp_path_factory.mktemp("slurm")
    workflow = folder / "hybridir"
    shutil.copytree(REPO, workflow, ignore=IGNORED, symlinks=True)
    override = cpu_node_override(folder / "cpu_node")
    command = ["--profile", "profiles/slurm", "--profile", str(override)]
    command += ["--configfile", DEMO_CONFIG, "--replace-workflow-config", *DEMO_PART]
    dry_run = snakemake(workflow, "-n", *command)
    planned = job_counts(dry_run.stdout + dry_run.stderr)
    with slurm_cluster(folder / "cluster", PARTITIONS, cpus=NODE_CPUS) as cluster:
        result = snakemake(workflow, *command, env={"SLURM_CONF": str(cluster.conf)}, timeout_s=WHOLE_RUN_TIMEOUT_S)
        records = cluster.completed_jobs()
    return SlurmRun(workflow, planned, result.stdout + result.stderr, records)


def test_a_killed_runs_cluster_link_is_stale_and_a_running_ones_is_not(tmp_path: Path) -> None:
    """A stale /etc/slurm/slurm.conf link of a killed test run must not keep the next run from its cluster."""
    conf = tmp_path / "slurm.conf"
    assert not owner_alive(conf)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / OWNER).write_text(ended.stdout.strip())
    assert not owner_alive(conf)
    (tmp_path / OWNER).write_text(str(os.getpid()))
    assert owner_alive(conf)


def test_every_job_of_the_demo_part_ran_as_a_slurm_job(slurm_run: SlurmRun) -> None:
    submissions, finished = slurm_run.submissions(), slurm_run.finished()
    assert Counter(finished.values()) == slurm_run.planned  # the dry run's jobs, each once
    assert set(slurm_run.planned) >= GPU_RULES | {"train", "fetch_qa", "corpus", "score", "report_leakage"}
    assert finished.keys() == submissions.keys()  # no job ran locally
    for jobid, slurm_ids in submissions.items():
        assert jobid in finished, f"job {jobid} was submitted ({slurm_ids}) but did not finish"
        assert slurm_run.records[slurm_ids[-1]]["JobState"] == "COMPLETED", slurm_run.records[slurm_ids[-1]]
    completed = {job for job, record in slurm_run.records.items() if record["JobState"] == "COMPLETED"}
    assert completed == {ids[-1] for ids in submissions.values()}  # one successful Slurm job each
    assert len({record["Name"] for record in slurm_run.records.values()}) == 1  # all of this one run


def tres_megabytes(tres: str) -> int:
    """The memory of a job completion record's TRES ("cpu=1,mem=62.50G,node=1"), in MB."""
    memory = dict(item.split("=", 1) for item in tres.split(","))["mem"]
    return round(float(memory[:-1]) * {"M": 1, "G": 1024, "T": 1024**2}[memory[-1]])


def test_each_slurm_job_had_the_partition_time_cpus_and_memory_snakemake_planned(slurm_run: SlurmRun) -> None:
    jobs = planned_jobs(slurm_run.output)
    for jobid, slurm_ids in slurm_run.submissions().items():
        job, record = jobs[jobid], slurm_run.records[slurm_ids[-1]]
        assert record["Partition"] == "cpu", (job, record)
        assert record["TimeLimit"] == job.resources["runtime"], (job, record)
        assert record["ProcCnt"] == str(job.threads), (job, record)
        assert tres_megabytes(record["Tres"]) == int(job.resources["mem_mb"]), (job, record)
    assert any(job.threads > 1 for job in jobs.values())  # train: its two threads are two CPUs


def test_slurm_run_writes_the_tables_and_weights_of_a_local_demo_run(slurm_run: SlurmRun, demo_run: Path) -> None:
    """Two runs from scratch, the whole demo locally and DEMO_PART on Slurm: the part's tables
    (content and file metadata, measured columns aside) and model weights equal the same files of
    the whole run."""
    results = slurm_run.workflow / "results"
    assert len(relative_files(results, "*.parquet")) > 30 and relative_files(results, "*.safetensors")
    assert differences(demo_run / "results", results, part=True) == []
