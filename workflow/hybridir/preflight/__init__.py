"""Before submitting hundreds of jobs: is every source, model, env file and the device ready?

    python -m hybridir.preflight [--configfile FILE ...] [--offline]

Run in the workflow's folder (where config.yaml is). The config is loaded as the workflow loads
it (config.yaml, or the --configfile files in its place, merged in order), and nothing is
downloaded:
- the workflow: `snakemake --summary` builds the job graph (as a dry run does) and tells which
  rule makes each planned file, so a source or model that a rule makes is ready;
- local sources: exist and are readable (a glob matches at least one file);
- http(s) sources: answer a HEAD request (or a one-byte ranged GET);
- zip:: chains: their outer file, checked as above;
- Hub datasets (`owner/name` ids, hf://datasets/... paths): the repository, revision and files
  exist, a Hub id is not a loading script without data files, its subset is declared, and a
  gated repository (MIRACL) grants access to the token in use;
- models: a Hub id has a config.json (and grants access when gated); a local model is a folder
  with weights;
- env files (envs/*.yaml): parse, and every pin agrees with pyproject.toml;
- devices: each stage's device setting resolves on this machine (hybridir.devices).
One table is printed (entry, what, status, why); the exit status is 1 when anything is not ready.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hybridir.envs import pyproject_pins
from hybridir.preflight.checks import NOT_READY, OFFLINE, READY, check_device, check_env
from hybridir.preflight.hub import Hub, check_model
from hybridir.preflight.sources import check_location, config_models, config_sources

STAGES = ("translation", "training", "evaluation")


@dataclass(frozen=True)
class Check:
    """One row of the table."""

    entry: str
    what: str
    status: str
    why: str


def _guarded(entry: str, what: str, check: Callable[[], tuple[str, str]]) -> Check:
    """Run one check; an unexpected error becomes a not-ready row instead of ending the preflight."""
    try:
        status, why = check()
    except Exception as error:
        status, why = NOT_READY, f"check failed: {type(error).__name__}: {error}"
    return Check(entry, what, status, why)


def preflight(config: Mapping[str, Any], workdir: Path, made_by: Mapping[str, str], offline: bool) -> list[Check]:
    """Every row of the table but the workflow's own (which needs Snakemake)."""
    hub = Hub()
    rows = [
        _guarded(
            s.entry,
            f"{s.what}: {s.location}",
            lambda s=s: check_location(s.location, s.subset, made_by, hub, offline, s.plain),
        )
        for s in config_sources(config)
    ]
    rows += [
        _guarded(key, f"model: {model}", lambda m=model: check_model(m, made_by, hub, offline))
        for key, model in config_models(config)
    ]
    reference = pyproject_pins(workdir / "pyproject.toml")
    rows += [
        _guarded(f"envs/{path.name}", "conda env file", lambda p=path: check_env(p, reference))
        for path in sorted((workdir / "envs").glob("*.yaml"))
    ]
    rows += [_guarded(f"{section}.device", "device", lambda s=section: check_device(config, s)) for section in STAGES]
    return rows


def format_table(rows: list[Check]) -> str:
    """The rows as an aligned text table with a count of each status."""
    header = Check("entry", "what", "status", "why")
    widths = [max(len(getattr(row, f)) for row in [header, *rows]) for f in ("entry", "what", "status")]
    lines = [
        f"{row.entry:<{widths[0]}}  {row.what:<{widths[1]}}  {row.status:<{widths[2]}}  {row.why}"
        for row in [header, *rows]
    ]
    counts = {status: sum(row.status == status for row in rows) for status in (READY, NOT_READY, OFFLINE)}
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()))
    return "\n".join(lines)
