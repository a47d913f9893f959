"""Synthetic per_query tables for the statistics tests."""

import pandas as pd

from hybridir.vocabulary import METRICS


def per_query_rows(rows: list[tuple]) -> pd.DataFrame:
    """A per_query table from (setting, query_lang, pool_lang, question_id, value): every metric
    but rank_distance takes the value in the settings where it is defined; rank_distance is 10 *
    value in the multi setting; every query weighs 1."""
    frame = pd.DataFrame(rows, columns=["setting", "query_lang", "pool_lang", "question_id", "value"])
    frame = frame.assign(query_id=frame["query_lang"] + "/" + frame["question_id"], relevant=1, weight=1.0)
    multi = frame["setting"] == "multi"
    metrics = {
        metric.column: frame["value"].where(frame["setting"].isin(metric.settings)) for metric in METRICS.values()
    }
    metrics["rank_distance"] = (10 * frame["value"]).where(multi)
    return frame.assign(**metrics).drop(columns="value")
