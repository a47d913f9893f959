"""The readable pages of the training-data and domain studies' tables (hybridir.report.data.studies):
BEIR-format benchmarks (EN->EN and X->EN, machine-translated queries marked), results per benchmark
domain, and training mixtures compared; and their sections of results/summary.md."""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from hybridir.report.data.retrieval import MEAN, table_measures
from hybridir.report.format import MISSING, evaluation_note, lang_label, seeds_text, signed
from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table
from hybridir.report.pages.retrieval import cell_of, how_to_read, keyed_rows, strategy_labels
from hybridir.vocabulary import METRICS, domain_label, metric_label

MT = " (MT)"
Facts = Sequence[Mapping[str, Any]]


def _measure_name(benchmark: str | None, setting: str, metric: str, translated: bool) -> str:
    prefix = f"{benchmark} " if benchmark else ""
    return f"{prefix}{setting} {metric_label(metric)}{MT if translated else ''}"


def _translation_note(benchmarks: Facts) -> Paragraph:
    translated = [
        f"`{b['name']}` into {', '.join(b['translated_queries'])}" for b in benchmarks if b["translated_queries"]
    ]
    if not translated:
        return Paragraph("No benchmark's queries are machine-translated.")
    return Paragraph(
        "Machine-translated queries (marked MT), translated by this pipeline's translation stage "
        f"(`translation.model`) from the benchmark's language: {'; '.join(translated)}. Candidates and judgements "
        "are the untranslated benchmark's."
    )


def beir_page(table: pd.DataFrame, benchmarks: Facts, settings: Mapping[str, Any]) -> list[Block]:
    """The means (rows strategies, columns mono / cross measures), then each measure per query language."""
    blocks: list[Block] = [Heading("BEIR-format benchmarks: nDCG@10 and Recall@100, EN→EN and X→EN", 1)]
    if table.empty:
        return [*blocks, Paragraph("No BEIR-format benchmark was evaluated.")]
    means = table[table["lang"] == MEAN]
    blocks += [
        Paragraph(
            "mono: the benchmark's own queries against its corpus (EN→EN for an English benchmark); cross: its "
            "queries machine-translated into another language against the same corpus (X→EN), the mean over query "
            "languages. nDCG@10: graded relevance, linear gain, log2 discount; Recall@100: share of the relevant "
            "passages in the top 100. Verdicts are tested on the means."
        ),
        how_to_read(means),
        _translation_note(benchmarks),
    ]
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        rows, runs = keyed_rows(part, "lang", "setting", "metric"), strategy_labels(part)
        measures = [m for m in table_measures("beir") if ((part["setting"] == m[0]) & (part["metric"] == m[1])).any()]
        translated = {
            s: bool(part.loc[(part["setting"] == s) & (part["lang"] == MEAN), "machine_translated"].any())
            for s, _ in measures
        }
        header = ["encoder", "strategy", *(_measure_name(None, s, m, translated[s]) for s, m in measures)]
        body = [[e, n, *(cell_of(rows, (e, n, MEAN, s, m)) for s, m in measures)] for e, n in runs]
        blocks += [Heading(f"{benchmark}: mean", 2), Table(header, body, [False, False] + [True] * len(measures))]
        languages = part[part["lang"] != MEAN].drop_duplicates(["setting", "lang"])
        for setting, metric in measures:
            chosen = languages[languages["setting"] == setting]
            lang_body = [
                [
                    lang_label(lang, zero) + (MT if mt else ""),
                    *(cell_of(rows, (e, n, lang, setting, metric)) for e, n in runs),
                ]
                for lang, zero, mt in zip(
                    chosen["lang"], chosen["zero_shot_lang"], chosen["machine_translated"], strict=True
                )
            ]
            blocks += [
                Heading(f"{benchmark}: {setting} {metric_label(metric)} per query language", 2),
                Table(["query language", *(f"{e} {n}" for e, n in runs)], lang_body, [False] + [True] * len(runs)),
            ]
    return [*blocks, Paragraph(evaluation_note(settings))]


def _seen(value: Any) -> str:
    return MISSING if value is None or pd.isna(value) else ("yes" if value else "no")


def domains_page(table: pd.DataFrame, benchmarks: Facts, mixtures: Facts, settings: Mapping[str, Any]) -> list[Block]:
    """One table per benchmark domain: rows strategies, columns the compared measures of its benchmarks."""
    blocks: list[Block] = [Heading("Results per benchmark domain", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark was evaluated.")]
    blocks += [
        Paragraph(
            "Each benchmark's compared measures (macro averages over its language combinations), its benchmarks "
            "grouped by their domain (`benchmarks[].domain`); a domain's benchmarks are shown side by side, not "
            "pooled, as their metrics and questions differ. `trained on domain`: whether the strategy's training "
            "mixture holds a dataset of that domain (`datasets[].domain`)."
        ),
        how_to_read(table),
        _translation_note(benchmarks),
        *mixture_list(mixtures),
    ]
    for domain in pd.unique(_domains(table)):
        part = table[table["domain"].isna()] if domain is None else table[table["domain"] == domain]
        rows, runs = keyed_rows(part, "benchmark", "setting", "metric"), strategy_labels(part)
        measures = part[["benchmark", "setting", "metric", "machine_translated"]].drop_duplicates(
            ["benchmark", "setting", "metric"]
        )
        seen = {key[:2]: _seen(row["domain_seen"]) for key, row in rows.items()}
        header = ["encoder", "strategy", "trained on domain"]
        header += [_measure_name(b, s, m, mt) for b, s, m, mt in measures.itertuples(index=False)]
        body = [
            [
                e,
                n,
                seen[(e, n)],
                *(cell_of(rows, (e, n, b, s, m), METRICS[m].digits) for b, s, m, _ in measures.itertuples(index=False)),
            ]
            for e, n in runs
        ]
        blocks += [
            Heading(f"Domain: {domain_label(domain)}", 2),
            Table(header, body, [False, False, False] + [True] * len(measures)),
        ]
    return [*blocks, Paragraph(evaluation_note(settings))]


def mixture_list(mixtures: Facts) -> list[Block]:
    """The training mixtures with their datasets and the domains these hold."""
    if len(mixtures) == 1 and mixtures[0]["name"] is None:
        return [Paragraph(f"One training mixture: every dataset ({', '.join(mixtures[0]['datasets'])}).")]
    domains = {m["name"]: ", ".join(domain_label(d) for d in m["domains"]) or "unlabelled" for m in mixtures}
    items = [f"`{m['name']}`: {', '.join(m['datasets'])} (domains: {domains[m['name']]})" for m in mixtures]
    return [
        Paragraph("Training mixtures (`training.mixtures`), each trained with every strategy and seed:"),
        Bullets(items),
    ]


def _comparison_rows(table: pd.DataFrame) -> list[list[str]]:
    body = []
    for test in table.itertuples(index=False):
        digits = METRICS[test.metric].digits
        name = f"{test.strategy} α={test.alpha:g}" if pd.notna(test.alpha) else test.strategy
        body.append(
            [
                test.encoder,
                name,
                test.benchmark,
                f"{test.setting} {metric_label(test.metric)}",
                f"{test.mixture_b} − {test.mixture_a}",
                f"{signed(test.difference, digits)} [{signed(test.ci_low, digits)}, {signed(test.ci_high, digits)}]",
                f"{test.p_holm:.3g}",
                test.verdict,
            ]
        )
    return body


def mixtures_page(table: pd.DataFrame, mixtures: Facts) -> list[Block]:
    """Every strategy on one mixture against itself on another: Δ with its interval, Holm's p, verdict."""
    blocks: list[Block] = [Heading("Training mixtures compared", 1), *mixture_list(mixtures)]
    if table.empty:
        return [*blocks, Paragraph("No strategy was trained on two mixtures, so no mixture comparison was made.")]
    counts = table["verdict"].value_counts()
    return [
        *blocks,
        Paragraph(
            f"{len(table)} comparisons of a strategy of an encoder trained on two mixtures, over all seeds of both "
            f"({seeds_text(pd.concat([table['seeds_a'], table['seeds_b']]))}): mixture b is significantly better in "
            f"{counts.get('better', 0)} and worse in {counts.get('worse', 0)} (Holm-adjusted p < 0.05 over these "
            f"{len(table)} comparisons). Δ is b minus a, means over seeds, with its 95% interval resampling questions "
            "(paired) and each mixture's seeds; for rank distance, a negative Δ is an improvement. The strategies of "
            "one mixture are compared in the other tables (markers † / ‡)."
        ),
        Table(
            ["encoder", "strategy", "benchmark", "measure", "comparison", "Δ [95% CI]", "p (Holm)", "verdict"],
            _comparison_rows(table),
            [False, False, False, False, False, True, True, False],
        ),
    ]


def _domains(table: pd.DataFrame) -> pd.Series:
    """Each row's domain, None where its benchmark has none (read back from Parquet as NaN)."""
    return table["domain"].astype(object).where(table["domain"].notna(), None)


def summary_domains(table: pd.DataFrame) -> list[Block]:
    """The summary's results per domain: each benchmark's first compared measure, strategies as rows."""
    if table.empty:
        return []
    firsts = table.assign(domain=_domains(table)).drop_duplicates("benchmark")
    firsts = firsts[["domain", "benchmark", "setting", "metric", "machine_translated"]]
    rows, runs = keyed_rows(table, "benchmark", "setting", "metric"), strategy_labels(table)
    header = ["encoder", "strategy"] + [
        f"{domain_label(d)}: {_measure_name(b, s, m, mt)}" for d, b, s, m, mt in firsts.itertuples(index=False)
    ]
    body = [
        [e, n, *(cell_of(rows, (e, n, b, s, m), METRICS[m].digits) for _, b, s, m, _ in firsts.itertuples(index=False))]
        for e, n in runs
    ]
    return [
        Heading("Results per benchmark domain", 2),
        Paragraph(
            "The first compared measure of every benchmark, headed by its domain (mean over seeds ± sd [95% CI]; "
            "† / ‡ = better than x_x / x_y of the same mixture, Holm over the domains table). Every measure, and "
            "whether a strategy's training mixture holds the domain, are in `report/tables/domains.md`."
        ),
        Table(header, body, [False, False] + [True] * len(firsts)),
    ]


def summary_mixtures(table: pd.DataFrame, mixtures: Facts) -> list[Block]:
    """The summary's mixture comparisons (none with one mixture)."""
    if len(mixtures) < 2:
        return []
    return [Heading("Training mixtures compared", 2), *mixtures_page(table, mixtures)[2:]]
