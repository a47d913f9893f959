"""The paper run's DAG: how long Snakemake takes to plan it, its jobs per rule, and the GPU-hours
the Slurm profile requests for it.

The config is config.yaml with 3 seeds and an alpha sweep of 5 values (the size a replication with
seed spreads and the paper's alpha grid has). The dry run goes through `--profile profiles/slurm`
(no job is submitted), so every job's resources are the profile's, at attempt 1.

    .venv/bin/python perf/dag.py [--seeds 3] [--alphas 5]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


def sweep_config(seeds: int, alphas: int) -> dict:
    """config.yaml with `seeds` seeds and `alphas` alpha values evenly spread over [0.3, 0.7]."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["training"]["seeds"] = list(range(1, seeds + 1))
    config["training"]["alpha"] = [round(0.3 + 0.4 * i / max(alphas - 1, 1), 2) for i in range(alphas)]
    return config


def planning_profile(folder: Path) -> Path:
    """profiles/slurm without its conda settings: a dry run needs no conda (none is installed here)."""
    settings = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    for key in ("use-conda", "conda-frontend", "software-deployment-method"):
        settings.pop(key, None)
    profile = folder / "slurm"
    profile.mkdir()
    (profile / "config.yaml").write_text(yaml.safe_dump(settings))
    return profile


def dry_run(config_path: Path, workdir: Path) -> tuple[float, str]:
    """Seconds a dry run through the Slurm profile takes, and what it prints."""
    command = [
        str(SNAKEMAKE), "-n", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
        "--profile", str(planning_profile(workdir)), "--configfile", str(config_path),
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"})
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"dry run failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def jobs(output: str) -> list[tuple[str, dict[str, str]]]:
    """(rule, resources) of every job a dry run lists."""
    found = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        rule = re.match(r"(?:local)?rule (\w+):", block)
        if rule is None or rule[1] == "all":
            continue
        line = re.search(r"^\s+resources: (.*)$", block, re.M)
        pairs = re.findall(r"(\w+)=([^,]+)", line[1]) if line else []
        found.append((rule[1], dict(pairs)))
    return found


def gpu_hours(listed: list[tuple[str, dict[str, str]]]) -> Counter:
    """GPU-hours requested per rule: gpus x runtime (minutes) / 60."""
    hours: Counter = Counter()
    for rule, resources in listed:
        gpus = int(resources.get("gpu", resources.get("gpus", "0")))
        if gpus:
            hours[rule] += gpus * int(resources.get("runtime", "0")) / 60
    return hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--alphas", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "sweep.yaml"
        config.write_text(yaml.safe_dump(sweep_config(args.seeds, args.alphas)))
        elapsed, output = dry_run(config, Path(folder))
    listed = jobs(output)
    per_rule = Counter(rule for rule, _ in listed)
    hours = gpu_hours(listed)
    print(f"paper config, {args.seeds} seeds, {args.alphas} alpha values: {len(listed)} jobs")
    print(f"{'rule':32s} {'jobs':>6s} {'GPU-hours requested':>20s}")
    for rule, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        print(f"{rule:32s} {count:6d} {hours.get(rule, 0.0):20.1f}")
    print(f"{'total':32s} {len(listed):6d} {sum(hours.values()):20.1f}")
    print(f"dag {elapsed:.1f} s")


if __name__ == "__main__":
    main()
