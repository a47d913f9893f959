"""Every job imports the library of the checkout that planned it.

The Snakefile puts the checkout's workflow/ folder first on PYTHONPATH; jobs inherit it (local,
conda, and Slurm jobs, whose Snakemake reads the same Snakefile again), and so do the processes a
job starts, such as torchrun's workers, whatever else is installed in the job's environment.
"""

import os


def put_first_on_pythonpath(folder: str) -> None:
    """Make `folder` the first entry of PYTHONPATH (once), keeping the others in order."""
    others = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry and entry != folder]
    os.environ["PYTHONPATH"] = os.pathsep.join([folder, *others])
