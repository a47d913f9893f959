"""Every file each stage makes for one config: the targets of `rule all`, and the per-run and
per-benchmark files that gathering jobs read (path templates from hybridir.layout)."""

from hybridir import layout
from hybridir.plan.data import DataPlan
from hybridir.plan.report import ReportPlan
from hybridir.plan.runs import RunPlan


class Outputs:
    """The files of the plan's data, runs and report."""

    def __init__(self, data: DataPlan, runs: RunPlan, report: ReportPlan):
        self.data, self.runs, self.report = data, runs, report

    def fetch(self) -> list[str]:
        data = self.data
        qa = [layout.QA.format(dataset=d) for d in data.qa_datasets + data.validation_datasets]
        parallel = [layout.PARALLEL_SOURCE.format(dataset=d) for d in data.parallel_datasets]
        benchmarks = [
            template.format(benchmark=b)
            for b in data.benchmarks
            for template in [*map(layout.benchmark_table, layout.BENCHMARK_TABLES), layout.BENCHMARK_LEDGER]
        ]
        return qa + parallel + benchmarks

    def translate(self) -> list[str]:
        tables = [
            template.format(lang=lang)
            for template in (layout.TRANSLATIONS, layout.TRANSLATION_LEDGER)
            for lang in self.data.translated_languages
        ]
        queries = [layout.TRANSLATED_QUERIES.format(benchmark=b) for b in self.data.translated_benchmarks]
        return tables + queries + ([layout.MT_QUALITY] if self.data.quality_languages else [])

    def corpus(self) -> list[str]:
        return [
            template.format(dataset=d)
            for template in (layout.CORPUS, layout.CORPUS_LEDGER)
            for d in self.data.corpus_datasets
        ]

    def leakage(self) -> list[str]:
        """The audit's hits per corpus dataset and its report table; with training.exclude_leaked,
        the filtered corpus and the filter's ledger too."""
        templates = [layout.LEAKAGE_HITS]
        if self.data.exclude_leaked:
            templates += [layout.LEAKAGE_CORPUS, layout.LEAKAGE_LEDGER]
        tables = [layout.report_table("leakage", ext) for ext in layout.REPORT_TABLE_FORMATS]
        return [t.format(dataset=d) for t in templates for d in self.data.corpus_datasets] + tables

    def train(self) -> list[str]:
        return [
            template.format(encoder=run.encoder, run=run.name)
            for encoder in self.runs.encoders
            for run in self.runs.training_runs(encoder)
            for template in (layout.MODEL, layout.TRAINING_LOG)
        ]

    def evaluated(self, template: str, encoder: str | None = None, benchmarks: list[str] | None = None) -> list[str]:
        """One file of `template` per (encoder, evaluated run, benchmark)."""
        return [
            template.format(encoder=run.encoder, run=run.name, benchmark=benchmark)
            for run, benchmark in self.runs.evaluations(encoder, benchmarks)
        ]

    def per_benchmark(self, template: str) -> list[str]:
        """One `template` file per (encoder, benchmark): significance, strategy_metrics."""
        return [template.format(encoder=e, benchmark=b) for e in self.runs.encoders for b in self.runs.benchmarks]

    def evaluate(self) -> list[str]:
        mining = [layout.ALL_MINING] if self.runs.mined_benchmarks else []
        return [layout.METRICS, layout.ALL_SIGNIFICANCE, layout.ALL_STRATEGY_METRICS, *mining]

    def usage(self) -> list[str]:
        """The time and memory files of every heavy job: translation shards, training, encode, rank."""
        data, runs = self.data, self.runs
        translate = [
            layout.usage(layout.TRANSLATE_JOB.format(dataset=dataset, lang=lang, shard=shard))
            for dataset in data.translated_datasets
            for lang in data.translation_languages(dataset)
            for shard in range(data.shards(dataset))
        ]
        queries = [
            layout.usage(layout.TRANSLATE_QUERIES_JOB.format(benchmark=benchmark, lang=lang))
            for benchmark in data.translated_benchmarks
            for lang in data.query_languages(benchmark)
        ]
        train = [
            layout.usage(layout.TRAIN_JOB.format(encoder=encoder, run=run.name))
            for encoder in runs.encoders
            for run in runs.training_runs(encoder)
        ]
        mined = set(runs.mined_benchmarks)
        evaluate = [
            layout.usage(job.format(encoder=run.encoder, run=run.name, benchmark=benchmark))
            for run, benchmark in runs.evaluations()
            for job in (layout.ENCODE_JOB, layout.MINE_JOB if benchmark in mined else layout.RANK_JOB)
        ]
        return translate + queries + train + evaluate

    def logged(self) -> list[str]:
        """What the warnings table waits for: every output but the summary and the table itself."""
        warnings = [layout.report_table("warnings", ext) for ext in layout.REPORT_TABLE_FORMATS]
        last = {layout.SUMMARY, layout.SUMMARY_HTML, *warnings}
        return [path for path in self.final() if path not in last]

    def final(self) -> list[str]:
        """Everything the pipeline makes for this config."""
        return (
            self.fetch()
            + self.translate()
            + self.corpus()
            + self.leakage()
            + self.train()
            + self.evaluate()
            + self.report.outputs()
        )
