"""The preflight's command line: python -m hybridir.preflight [--configfile FILE ...] [--offline]."""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hybridir.config import load_config
from hybridir.errors import ConfigError
from hybridir.preflight import NOT_READY, READY, Check, format_table, preflight
from hybridir.preflight import __doc__ as PREFLIGHT_DOC


def workflow_outputs(workdir: Path, configfiles: list[str]) -> tuple[dict[str, str], str | None]:
    """{planned file: rule that makes it} from `snakemake --summary`, or an error message."""
    snakemake = shutil.which("snakemake") or str(Path(sys.executable).parent / "snakemake")
    args = [snakemake, "--summary", "--quiet"]
    if configfiles:
        args += ["--configfile", *configfiles]
    try:
        result = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return {}, f"cannot run snakemake: {error}"
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        return {}, " | ".join(lines[-3:]) or f"snakemake exited with {result.returncode}"
    outputs = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] != "output_file":
            outputs[os.path.normpath(fields[0])] = fields[2]
    return outputs, None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m hybridir.preflight", description=PREFLIGHT_DOC.splitlines()[0])
    parser.add_argument(
        "--configfile",
        nargs="+",
        action="extend",
        default=[],
        help="config files merged in order (instead of config.yaml)",
    )
    parser.add_argument("--offline", action="store_true", help="check local files only (remote rows: not checked)")
    parser.add_argument("--directory", default=".", help="the workflow's folder (default: the current one)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(args.directory).resolve()
    os.chdir(workdir)
    try:
        config = load_config(*(args.configfile or ["config.yaml"]))
    except (ConfigError, OSError) as error:
        print(f"preflight: the config cannot be loaded: {error}", file=sys.stderr)
        return 2
    made_by, problem = workflow_outputs(workdir, args.configfile)
    why = problem or f"the job graph builds ({len(made_by)} planned files)"
    rows = [Check("workflow", "snakemake --summary (dry run)", NOT_READY if problem else READY, why)]
    rows += preflight(config, workdir, made_by, args.offline)
    print(format_table(rows))
    return 1 if any(row.status == NOT_READY for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
