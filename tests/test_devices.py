"""Device resolution: cuda asked for and absent is an error; auto logs its choice and warns when a
job given a GPU runs on the CPU."""

import logging

import pytest

from hybridir.devices import (
    DeviceError,
    combined_runtime,
    gpus_given,
    resolve_device,
    runtime_info,
    stage_device,
)
from hybridir.errors import ConfigError


def no_gpu() -> tuple[bool, str]:
    return False, "torch sees no CUDA device"


def one_gpu() -> tuple[bool, str]:
    return True, "1 device(s), first H100"


def test_cuda_without_a_gpu_is_an_error_naming_the_key() -> None:
    with pytest.raises(DeviceError, match=r"training\.device is 'cuda' but no GPU is usable: torch sees no CUDA"):
        resolve_device("cuda", "training.device", no_gpu)


def test_auto_logs_its_choice(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert resolve_device("auto", "evaluation.device", one_gpu) == "cuda"
    assert resolve_device("auto", "evaluation.device", no_gpu, requested_gpus=0) in ("cpu",)
    messages = [r.getMessage() for r in caplog.records]
    assert any("auto chose CUDA" in m for m in messages)
    assert any("auto chose the CPU" in m for m in messages)


def test_a_job_given_a_gpu_that_runs_on_the_cpu_warns(caplog: pytest.LogCaptureFixture) -> None:
    assert resolve_device("auto", "translation.device", no_gpu, requested_gpus=1) == "cpu"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "given a GPU but runs on the CPU" in warnings[0].getMessage()


def test_cpu_never_asks_for_cuda() -> None:
    def fail() -> tuple[bool, str]:
        raise AssertionError("cuda probed")

    assert resolve_device("cpu", "device", fail) == "cpu"


def test_an_unknown_device_names_the_allowed_values() -> None:
    with pytest.raises(ConfigError, match="allowed: auto, cuda, cpu"):
        resolve_device("gpu", "device", no_gpu)


def test_gpus_given_reads_resources_and_the_cluster_environment() -> None:
    assert gpus_given(2, {})
    assert not gpus_given(0, {})
    assert gpus_given(0, {"CUDA_VISIBLE_DEVICES": "0"})
    assert not gpus_given(0, {"CUDA_VISIBLE_DEVICES": ""})
    assert gpus_given(0, {"SLURM_JOB_GPUS": "3"})


def test_a_stage_setting_overrides_the_global_one() -> None:
    config = {"device": "cpu", "training": {"device": "cuda"}, "evaluation": {"device": None}}
    assert stage_device(config, "training") == "cuda"
    assert stage_device(config, "evaluation") == "cpu"
    assert stage_device({}, "translation") == "auto"


def test_runtime_info_names_device_dtype_and_versions() -> None:
    info = runtime_info("cpu", "float32")
    assert info["device"] == "cpu" and info["dtype"] == "float32"
    assert {"python", "torch", "numpy"} <= set(info["versions"])


def test_a_gathered_table_keeps_its_jobs_runtime_or_lists_each() -> None:
    cpu = {"device": "cpu", "dtype": "int8", "versions": {"ctranslate2": "4.8.5"}}
    gpu = {"device": "cuda", "dtype": "int8_float16", "versions": {"ctranslate2": "4.8.5"}}
    assert combined_runtime([None, None]) is None
    assert combined_runtime([cpu, dict(cpu), None]) == cpu
    assert combined_runtime([cpu, gpu, cpu]) == {"runs": [cpu, gpu]}
