"""The report tables of the data checks and the warnings: texts cut for length, the benchmark
ledgers' counts, every warning; their pages and summary lines."""

import pandas as pd

from hybridir.report.data import checks
from hybridir.report.pages import checks as pages
from hybridir.report.pages.document import to_markdown
from hybridir.tables import to_arrow


def lengths(distinct: int, cut: int) -> pd.DataFrame:
    return pd.DataFrame(
        [("queries", 10, 10, 0, 8), ("candidates", 40, distinct, cut, 8)],
        columns=["table", "texts", "distinct", "cut", "max_length"],
    )


def test_texts_cut_per_language_and_per_encoder_benchmark_and_table() -> None:
    translation = checks.translation_cuts(
        {"es": iter([[], ["truncated_input"]]), "de": [["truncated_input", "empty"]]}, 64
    )
    encoding = checks.encoding_cuts(
        {
            ("tiny", "x_x-s7", "b"): lengths(30, 3),
            ("tiny", "x_y-s7", "b"): lengths(30, 3),
            ("tiny", "zero_shot", "b"): lengths(30, 1),  # no prompts: fewer tokens
        }
    )
    table = checks.truncation_table(translation, encoding)
    to_arrow(table, "report_truncation")
    assert table.fillna("-")[["stage", "scope", "limit", "texts", "cut", "runs"]].values.tolist() == [
        ["translation", "de", 64, 1, 1, "-"],
        ["translation", "es", 64, 2, 1, "-"],
        ["encoding", "tiny b queries", 8, 10, 0, "x_x-s7, x_y-s7, zero_shot"],
        ["encoding", "tiny b candidates", 8, 30, 3, "x_x-s7, x_y-s7"],
        ["encoding", "tiny b candidates", 8, 30, 1, "zero_shot"],
    ]
    assert table["share"].tolist() == [1.0, 0.5, 0.0, 0.1, 1 / 30]
    page = to_markdown(pages.truncation_page(table))
    assert "| encoding | tiny b candidates (x_x-s7, x_y-s7) | 8 | 30 | 3 (10.0%) |" in page
    assert "| encoding | tiny b queries (x_x-s7, x_y-s7 and 1 more runs) | 8 | 10 | 0 (0.0%) |" in page


def test_benchmark_judgements_per_language_and_fate() -> None:
    ledger = pd.DataFrame(
        {
            "benchmark": "b",
            "lang": ["en", "en", "en", "de"],
            "status": ["kept", "kept", "filtered", "kept"],
            "reason": [None, "answer_moved", "answer_not_in_context", None],
        }
    )
    table = checks.benchmark_ledger_table([ledger])
    to_arrow(table, "report_benchmark_ledger")
    assert table.fillna("-")[["lang", "status", "reason", "judgements"]].values.tolist() == [
        ["de", "kept", "-", 1],
        ["en", "kept", "-", 1],
        ["en", "kept", "answer_moved", 1],
        ["en", "filtered", "answer_not_in_context", 1],
    ]
    page = to_markdown(pages.benchmark_ledger_page(table))
    assert "| b | en | 3 | 1 (33.3%) | 1 (33.3%) | 1 (33.3%) |" in page


def test_warnings_table_page_and_summary_lines() -> None:
    warnings = checks.warnings_table([("fetch_qa", "fetch/qa/a", "a: 2 rows renamed", 1), (None, "x", "y", 3)])
    to_arrow(warnings, "report_warnings")
    assert "| fetch_qa | fetch/qa/a | a: 2 rows renamed | 1 |" in to_markdown(pages.warnings_page(warnings))
    empty = checks.warnings_table([])
    to_arrow(empty, "report_warnings")
    assert "No job logged a warning." in to_markdown(pages.warnings_page(empty))
    truncation = checks.truncation_table(
        checks.translation_cuts({"de": [["truncated_input"]]}, 64), checks.encoding_cuts({})
    )
    ledger = checks.benchmark_ledger_table(
        [pd.DataFrame({"benchmark": "b", "lang": ["en"], "status": "kept", "reason": ["answer_moved"]})]
    )
    summary = to_markdown(pages.checks_summary(truncation, ledger, warnings))
    assert (
        "Texts cut for length at translation: 1 of 1 over 1 rows of `report/tables/truncation.md`; at most 100.0% (de)."
        in summary
    )
    assert "Benchmark judgements: 1 read; 1 answer_moved." in summary
    assert "Warnings: 4 logged by 2 jobs" in summary and "| x | y | 3 |" in summary
