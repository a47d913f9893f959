"""A private one-node Slurm cluster on 127.0.0.1 for tests, from Debian's slurm-wlm and munge.

`install_slurm()` installs the packages where a daemon or client is missing (root, apt-get).
`slurm_cluster(folder, partitions, cpus)` starts munged, slurmctld and slurmd in the foreground
on free ports, with a MUNGE key, state and logs of their own in `folder` (slurm.conf and the MUNGE
socket in a marked /tmp folder), and on leaving cancels every job of this cluster and stops the
daemons, also when the body raised. Every finished job is a line of the job completion log
(jobcomp/filetxt), `completed_jobs()`.

Clients find the cluster through SLURM_CONF (`cluster.env`) and through Slurm's default path
/etc/slurm/slurm.conf, a link to the cluster's slurm.conf while it runs: the Slurm executor's job
step (snakemake-executor-plugin-slurm-jobstep 0.6.1) removes every SLURM_* variable, SLURM_CONF
included, before it calls srun inside a job. A configuration there other than the stale link of
a killed test run (its folder gone, or the process in its owner.pid) is never replaced:
`default_config_taken()` says why, and no cluster starts.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("slurm-wlm", "munge")
PROGRAMS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo")
NODE = "node1"
# Memory is not a consumable resource here (SelectTypeParameters=CR_Core): the node declares
# enough that every --mem a profile asks for is admitted as it is, and nothing is enforced.
NODE_MEMORY_MB = 1_000_000
DEFAULT_CONF = Path("/etc/slurm/slurm.conf")
MARK = "hybridir-slurm-test"
OWNER = "owner.pid"  # in the run folder: the process id of the test run that started the cluster


def missing_programs() -> list[str]:
    return [name for name in PROGRAMS if shutil.which(name) is None]


def install_slurm() -> None:
    """Install Debian's Slurm and MUNGE packages unless all their programs are on PATH."""
    if not missing_programs():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES], check=True, env=env)
    if missing_programs():
        raise RuntimeError(f"installed {PACKAGES}, still missing {missing_programs()}")


def _ours(link: Path) -> bool:
    """A link to a test cluster's slurm.conf (this one's, or a killed run's)."""
    return link.is_symlink() and MARK in os.readlink(link)


def owner_alive(conf: Path) -> bool:
    """Whether the process that started the test cluster of `conf` still runs."""
    owner = conf.parent / OWNER
    if not owner.exists():
        return False
    try:
        os.kill(int(owner.read_text()), 0)
    except (ProcessLookupError, ValueError):
        return False
    return True


def default_config_taken() -> str | None:
    """Why /etc/slurm/slurm.conf cannot point to a new test cluster, else None."""
    if _ours(DEFAULT_CONF):
        if owner_alive(Path(os.readlink(DEFAULT_CONF))):
            return f"{DEFAULT_CONF} points to the test cluster of a run still going ({os.readlink(DEFAULT_CONF)})"
        return None  # a killed run's link: its folder is gone, or its owner is
    if DEFAULT_CONF.exists() or DEFAULT_CONF.is_symlink():
        return f"{DEFAULT_CONF} exists: this machine has a Slurm configuration the test will not replace"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class SlurmCluster:
    """Files and settings of one private cluster (see the module docstring)."""

    folder: Path
    # slurm.conf and the MUNGE socket: munged wants every folder above its socket open to all,
    # which pytest's tmp folders are not, and a marked name tells a stale default-path link
    run_folder: Path
    partitions: tuple[str, ...]
    cpus: int

    @property
    def conf(self) -> Path:
        return self.run_folder / "slurm.conf"

    @property
    def munge_socket(self) -> Path:
        return self.run_folder / "munge.socket"

    @property
    def jobcomp(self) -> Path:
        return self.folder / "jobcomp.log"

    @property
    def env(self) -> dict[str, str]:
        """Environment for Slurm clients that talk to this cluster."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def slurm_conf(self) -> str:
        """slurm.conf: one node on 127.0.0.1, the first partition the default, a job completion log."""
        host = socket.gethostname().split(".")[0]
        folder = self.folder
        lines = [
            "ClusterName=hybridir-test",
            f"SlurmctldHost={host}(127.0.0.1)",
            f"SlurmctldPort={free_port()}",
            f"SlurmdPort={free_port()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_socket}",
            f"StateSaveLocation={folder / 'state'}",
            f"SlurmdSpoolDir={folder / 'spool'}",
            f"SlurmctldPidFile={folder / 'slurmctld.pid'}",
            f"SlurmdPidFile={folder / 'slurmd.pid'}",
            f"SlurmctldLogFile={folder / 'slurmctld.log'}",
            f"SlurmdLogFile={folder / 'slurmd.log'}",
            "JobCompType=jobcomp/filetxt",
            f"JobCompLoc={self.jobcomp}",
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "MpiDefault=none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "SlurmdParameters=config_overrides",
            "SchedulerType=sched/builtin",
            "ReturnToService=2",
            f"NodeName={NODE} NodeHostname={host} NodeAddr=127.0.0.1 CPUs={self.cpus} "
            f"RealMemory={NODE_MEMORY_MB} State=UNKNOWN",
        ]
        for index, name in enumerate(self.partitions):
            default = "YES" if index == 0 else "NO"
            lines.append(f"PartitionName={name} Nodes={NODE} Default={default} MaxTime=INFINITE State=UP")
        return "\n".join(lines) + "\n"

    def queued_jobs(self) -> list[str]:
        """Ids of the jobs this cluster holds that have not ended."""
        result = subprocess.run(
            ["squeue", "--noheader", "--format=%i"], env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout.split()

    def completed_jobs(self) -> dict[str, dict[str, str]]:
        """Job id -> fields of its job completion record (JobState, Partition, TimeLimit, ...)."""
        if not self.jobcomp.exists():
            return {}
        records = {}
        for line in self.jobcomp.read_text().splitlines():
            fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
            records[fields["JobId"]] = fields
        return records


def _wait_for(check: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Slurm test cluster: no {what} within {timeout_s:.0f} s")
        time.sleep(0.2)


def _node_idle(cluster: SlurmCluster) -> bool:
    result = subprocess.run(
        ["sinfo", "--noheader", "--nodes", NODE, "--format=%T"], env=cluster.env, capture_output=True, text=True
    )
    return result.returncode == 0 and result.stdout.split()[:1] == ["idle"]


def _start(command: list[str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _cancel_all_jobs(cluster: SlurmCluster) -> None:
    """Cancel whatever jobs are left (a failed run) and wait until none runs."""
    jobs = cluster.queued_jobs()
    if jobs:
        subprocess.run(["scancel", *jobs], env=cluster.env, check=False)
        _wait_for(lambda: not cluster.queued_jobs(), "end of the cancelled jobs", 60)


def _unlink_if_to(link: Path, target: Path) -> None:
    if link.is_symlink() and os.readlink(link) == str(target):
        link.unlink()


@contextmanager
def slurm_cluster(folder: Path, partitions: tuple[str, ...], cpus: int) -> Iterator[SlurmCluster]:
    """Start a private cluster in `folder` (munged, slurmctld, slurmd); stop it on leaving."""
    taken = default_config_taken()
    if taken:
        raise RuntimeError(taken)
    with ExitStack() as stack:
        run_folder = Path(tempfile.mkdtemp(prefix=f"{MARK}-"))
        stack.callback(shutil.rmtree, run_folder, True)
        run_folder.chmod(0o755)
        (run_folder / OWNER).write_text(str(os.getpid()))
        cluster = SlurmCluster(folder, run_folder, partitions, cpus)
        for name in ("munge", "state", "spool"):
            (folder / name).mkdir(mode=0o700, parents=True)
        key = folder / "munge" / "munge.key"
        subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True)
        cluster.conf.write_text(cluster.slurm_conf())
        DEFAULT_CONF.parent.mkdir(parents=True, exist_ok=True)
        DEFAULT_CONF.unlink(missing_ok=True)  # absent, or a killed run's link (default_config_taken)
        DEFAULT_CONF.symlink_to(cluster.conf)
        stack.callback(_unlink_if_to, DEFAULT_CONF, cluster.conf)
        munged = [
            "munged",
            "--foreground",
            f"--socket={cluster.munge_socket}",
            f"--key-file={key}",
            f"--pid-file={folder / 'munge' / 'munged.pid'}",
            f"--log-file={folder / 'munge' / 'munged.log'}",
            f"--seed-file={folder / 'munge' / 'munged.seed'}",
        ]
        stack.callback(_stop, _start(munged, folder / "munged.out"))
        _wait_for(cluster.munge_socket.exists, "MUNGE socket", 30)
        stack.callback(_stop, _start(["slurmctld", "-D", "-f", str(cluster.conf)], folder / "slurmctld.out"))
        stack.callback(_stop, _start(["slurmd", "-D", "-f", str(cluster.conf), "-N", NODE], folder / "slurmd.out"))
        stack.callback(_cancel_all_jobs, cluster)
        _wait_for(lambda: _node_idle(cluster), f"idle node {NODE}", 60)
        yield cluster
