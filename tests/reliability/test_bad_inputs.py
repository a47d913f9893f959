"""The bad-input suite: every case gets a clear error naming what is at fault, a ledger entry with
its reason, a warning or a valid result, never a silent drop; docs/bad-inputs.md is current."""

import os
from pathlib import Path

import pytest

from tests.reliability.bad_inputs import CASES, DOC, Observed, observe_all, passes, table


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Observed], Path]:
    root = tmp_path_factory.mktemp("bad-inputs")
    return observe_all(root), root


def test_there_are_at_least_30_cases_with_unique_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_gets_its_expected_outcome(case, outcomes) -> None:
    observed = outcomes[0][case.id]
    assert passes(case, observed), f"{case.input}: expected {case.kind} naming {case.names}, got {observed}"


def test_the_bad_input_table_is_current(outcomes) -> None:
    generated = table(*outcomes)
    if os.environ.get("HYBRIDIR_REGENERATE"):
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(generated, encoding="utf-8")
    assert DOC.is_file() and DOC.read_text(encoding="utf-8") == generated, (
        f"{DOC} is not current: rerun with HYBRIDIR_REGENERATE=1"
    )
