"""The report figures (matplotlib, no pyplot state): each function returns a Figure; `save` writes
it as PNG and PDF with deterministic bytes (no timestamps)."""

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from hybridir.atomic import atomic_write
from hybridir.report.runs import ZERO_SHOT, parse_run, primary_runs, run_colours, run_labels, sorted_runs

MACRO = "macro"
SETTING_STYLE = {
    "mono": {"color": "#1b9e77", "marker": "o"},
    "cross": {"color": "#d95f02", "marker": "s"},
    "multi": {"color": "#7570b3", "marker": "^"},
}
METRIC_LABELS = {
    "map": "mAP",
    "recall_1": "Recall@1",
    "recall_10": "Recall@10",
    "recall_100": "Recall@100",
    "ndcg_10": "nDCG@10",
}
ZERO_SHOT_HATCH = "///"
RC = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "hatch.linewidth": 0.8,
    "pdf.fonttype": 42,
    "svg.hashsalt": "hybridir",
}


def new_figure(width: float, height: float) -> Figure:
    """A figure with constrained layout (nothing clipped, legends outside the axes fit)."""
    return Figure(figsize=(width, height), layout="constrained")


def save(figure: Figure, png: str | os.PathLike, pdf: str | os.PathLike, dpi: int = 150) -> None:
    """Write the figure as PNG and PDF, atomically and without timestamps."""
    for path, fmt, metadata in (
        (png, "png", {"Software": None}),
        (pdf, "pdf", {"CreationDate": None, "ModDate": None, "Creator": "hybridir"}),
    ):
        with atomic_write(path) as tmp, _rc():
            figure.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.1, metadata=metadata)


def message_figure(title: str, text: str) -> Figure:
    """A figure that says why there is nothing to plot (so that every promised file exists)."""
    figure = new_figure(6, 2)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title)
    axes.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return figure


def _lang_tick(lang: str, train_languages: list[str]) -> str:
    return f"{lang}*" if lang not in train_languages else lang


def _zero_shot_note(languages: list[str], train_languages: list[str]) -> str:
    unseen = [lang for lang in languages if lang not in train_languages]
    return f"* zero-shot language (not in training): {', '.join(unseen)}" if unseen else ""


def map_matrix(metrics: pd.DataFrame, encoder: str, run: str, benchmark: str, languages: list[str]) -> np.ndarray:
    """mAP of every (query language, pool language) of one run: the diagonal is mono, the rest cross."""
    rows = metrics[
        (metrics["encoder"] == encoder)
        & (metrics["run"] == run)
        & (metrics["benchmark"] == benchmark)
        & (metrics["metric"] == "map")
        & metrics["setting"].isin(["mono", "cross"])
        & (metrics["query_lang"] != MACRO)
    ]
    matrix = rows.pivot_table(index="query_lang", columns="pool_lang", values="value", aggfunc="mean")
    return matrix.reindex(index=languages, columns=languages).to_numpy(dtype="float64")


def _matrix_languages(metrics: pd.DataFrame, encoder: str, benchmark: str) -> list[str]:
    rows = metrics[
        (metrics["encoder"] == encoder)
        & (metrics["benchmark"] == benchmark)
        & (metrics["setting"] == "mono")
        & (metrics["query_lang"] != MACRO)
    ]
    return sorted(pd.unique(rows["query_lang"]))


def _draw_matrix(axes, matrix: np.ndarray, languages: list[str], train_languages: list[str], fmt: str, **imshow):
    """One annotated heatmap; the diagonal (monolingual) outlined."""
    image = axes.imshow(matrix, **imshow)
    size = len(languages)
    ticks = [_lang_tick(lang, train_languages) for lang in languages]
    axes.set_xticks(range(size), ticks)
    axes.set_yticks(range(size), ticks)
    axes.set_xlabel("pool language (candidates)")
    axes.tick_params(length=0)
    for i in range(size):
        axes.add_patch(Rectangle((i - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.4))
    if size <= 12:
        font = 8 if size <= 6 else 6.5
        for (i, j), value in np.ndenumerate(matrix):
            if np.isnan(value):
                continue
            red, green, blue, _ = image.cmap(image.norm(value))
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.55
            text = format(value, fmt)
            if float(text) == 0:  # no "-0.00" or "+0.00"
                text = format(0.0, fmt.lstrip("+"))
            axes.text(j, i, text, ha="center", va="center", fontsize=font, color="black" if light else "white")
    return image


def map_heatmaps(metrics: pd.DataFrame, encoder: str, benchmark: str, train_languages: list[str]) -> Figure:
    """mAP of every query -> pool language pair, one panel per strategy (its primary run)."""
    runs = [r for s, r in primary_runs(metrics.loc[metrics["encoder"] == encoder, "run"]).items() if s != ZERO_SHOT]
    languages = _matrix_languages(metrics, encoder, benchmark)
    if not runs or not languages:
        return message_figure(f"{encoder} on {benchmark}", "no trained run with per-language mAP")
    matrices = [map_matrix(metrics, encoder, run, benchmark, languages) for run in runs]
    low = float(np.nanmin([np.nanmin(m) for m in matrices]))
    high = float(np.nanmax([np.nanmax(m) for m in matrices]))
    side = max(2.8, 0.32 * len(languages) + 1.0)
    figure = new_figure(side * len(runs) + 1.2, side + 0.9)
    with _rc():
        axes = figure.subplots(1, len(runs), squeeze=False)[0]
        labels = run_labels(sorted_runs(runs))
        for ax, run, matrix in zip(axes, runs, matrices, strict=True):
            image = _draw_matrix(ax, matrix, languages, train_languages, ".2f", cmap="viridis", vmin=low, vmax=high)
            ax.set_title(labels[run])
        axes[0].set_ylabel("query language")
        figure.colorbar(image, ax=list(axes), label="mAP (0-1, higher is better)", shrink=0.85)
        note = _zero_shot_note(languages, train_languages)
        figure.suptitle(f"{encoder} on {benchmark}: mAP per query → pool language (outlined diagonal = monolingual)")
        if note:
            figure.supxlabel(note, fontsize=9)
    return figure


def map_difference(metrics: pd.DataFrame, encoder: str, benchmark: str, train_languages: list[str]) -> Figure:
    """Hybrid minus x_x and hybrid minus x_y mAP per language pair, diverging colours centred on 0."""
    primary = primary_runs(metrics.loc[metrics["encoder"] == encoder, "run"])
    languages = _matrix_languages(metrics, encoder, benchmark)
    references = [s for s in ("x_x", "x_y") if s in primary]
    if "hybrid" not in primary or not references or not languages:
        return message_figure(f"{encoder} on {benchmark}", "needs a hybrid run and an x_x or x_y run")
    hybrid = map_matrix(metrics, encoder, primary["hybrid"], benchmark, languages)
    differences = [hybrid - map_matrix(metrics, encoder, primary[s], benchmark, languages) for s in references]
    bound = max(0.005, float(np.nanmax([np.nanmax(np.abs(d)) for d in differences])))
    labels = run_labels(sorted_runs(list(primary.values())))
    side = max(2.8, 0.32 * len(languages) + 1.0)
    figure = new_figure(side * len(references) + 1.4, side + 0.9)
    with _rc():
        axes = figure.subplots(1, len(references), squeeze=False)[0]
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound)
        for ax, strategy, difference in zip(axes, references, differences, strict=True):
            image = _draw_matrix(ax, difference, languages, train_languages, "+.2f", cmap="RdBu", norm=norm)
            ax.set_title(f"{labels[primary['hybrid']]} − {labels[primary[strategy]]}")
        axes[0].set_ylabel("query language")
        colourbar = figure.colorbar(image, ax=list(axes), shrink=0.85)
        colourbar.set_label("Δ mAP (blue: hybrid better, red: worse)")
        figure.suptitle(f"{encoder} on {benchmark}: mAP difference per query → pool language")
        note = _zero_shot_note(languages, train_languages)
        if note:
            figure.supxlabel(note, fontsize=9)
    return figure


def _alpha_of(run: str) -> float | None:
    parsed = parse_run(run)
    return {"x_y": 0.0, "x_x": 1.0}.get(parsed.strategy, parsed.alpha)


def alpha_sweep(map_table: pd.DataFrame, encoder: str) -> Figure:
    """Macro mAP (mono, cross, multi) against alpha: x_y at 0, hybrid runs between, x_x at 1."""
    rows = map_table[(map_table["encoder"] == encoder) & (map_table["strategy"] != ZERO_SHOT)].copy()
    if rows.empty:
        return message_figure(encoder, "no trained run with mAP")
    first_seed = int(rows["seed"].min())
    rows = rows[rows["seed"] == first_seed]
    rows["x"] = [_alpha_of(run) for run in rows["run"]]
    benchmarks = list(pd.unique(rows["benchmark"]))
    figure = new_figure(4.3 * len(benchmarks) + 0.4, 3.9)
    with _rc():
        axes = figure.subplots(1, len(benchmarks), squeeze=False)[0]
        for ax, benchmark in zip(axes, benchmarks, strict=True):
            part = rows[rows["benchmark"] == benchmark]
            for setting, style in SETTING_STYLE.items():
                line = part[part["setting"] == setting].sort_values(["x", "run"])
                if line.empty:
                    continue
                ax.fill_between(line["x"], line["ci_low"], line["ci_high"], color=style["color"], alpha=0.18, lw=0)
                ax.plot(line["x"], line["value"], label=setting, linewidth=1.6, markersize=6, **style)
            xs = sorted(pd.unique(part["x"]))
            names = {0.0: "x_y", 1.0: "x_x"}
            strategies = set(part["strategy"])
            ax.set_xticks(xs, [f"{x:g}\n({names[x]})" if names.get(x) in strategies else f"{x:g}" for x in xs])
            ax.set_xlim(-0.05, 1.05)
            ax.set_xlabel("α = probability of an x_x batch")
            ax.set_title(benchmark)
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("mAP (macro average; band: 95% CI)")
        handles = [
            Line2D([], [], linewidth=1.6, markersize=6, label=f"{setting} mAP", **style)
            for setting, style in SETTING_STYLE.items()
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        figure.suptitle(f"{encoder}: mAP against the share of x_x batches (seed {first_seed})")
    return figure


def rank_distance_figure(per_query: Mapping[str, pd.DataFrame], encoder: str, benchmark: str) -> Figure:
    """Distribution of per-query rank distances (multi setting) per run: box plot and ECDF."""
    runs = sorted_runs(list(per_query))
    values = {}
    for run in runs:
        table = per_query[run.name]
        column = table.loc[(table["setting"] == "multi"), "rank_distance"].dropna()
        if len(column):
            values[run.name] = column.to_numpy(dtype="float64")
    if not values:
        return message_figure(f"{encoder} on {benchmark}", "no rank distances (multi setting)")
    runs = [r for r in runs if r.name in values]
    labels, colours = run_labels(runs), run_colours(runs)
    everything = np.concatenate(list(values.values()))
    logarithmic = everything.min() >= 1 and everything.max() / everything.min() >= 50
    figure = new_figure(10, max(3.2, 0.45 * len(runs) + 1.8))
    with _rc():
        box, ecdf = figure.subplots(1, 2, width_ratios=[1.1, 1])
        order = list(reversed(runs))  # first run on top
        parts = box.boxplot(
            [values[r.name] for r in order],
            orientation="horizontal",
            tick_labels=[labels[r.name] for r in order],
            whis=(5, 95),
            showfliers=False,
            showmeans=True,
            patch_artist=True,
            meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black", "markersize": 5},
            medianprops={"color": "black"},
        )
        for patch, run in zip(parts["boxes"], order, strict=True):
            patch.set_facecolor(colours[run.name])
            patch.set_alpha(0.75)
        box.set_title("per query: box 25-75%, whiskers 5-95%, ◇ mean", fontsize=10)
        for run in runs:
            ecdf.ecdf(values[run.name], label=labels[run.name], color=colours[run.name], linewidth=1.6)
        ecdf.set_ylabel("share of queries at or below")
        ecdf.set_title("cumulative distribution", fontsize=10)
        figure.legend(
            handles=[Line2D([], [], color=colours[r.name], linewidth=1.6, label=labels[r.name]) for r in runs],
            loc="outside lower center",
            ncols=min(len(runs), 6),
            frameon=False,
        )
        for ax in (box, ecdf):
            if logarithmic:
                ax.set_xscale("log")
            ax.set_xlabel("rank distance (ranks" + (", log scale)" if logarithmic else ")"))
            ax.grid(alpha=0.3, axis="x")
        figure.suptitle(
            f"{encoder} on {benchmark}: rank distance in the multilingual pool (lower = less language bias)"
        )
    return figure


def per_language_bars(
    table: pd.DataFrame,
    encoder: str,
    benchmark: str,
    measures: list[tuple[str, str]],
    train_languages: list[str],
) -> Figure:
    """Grouped bars per language (runs side by side, 95% CI whiskers); zero-shot languages hatched.

    `table` is the per_language or miracl report table (column `lang`; 'mean' is drawn last).
    """
    rows = table[(table["encoder"] == encoder) & (table["benchmark"] == benchmark)]
    if rows.empty:
        return message_figure(f"{encoder} on {benchmark}", "no per-language results")
    primary = primary_runs(rows["run"])
    runs = sorted_runs(list(primary.values()))
    labels, colours = run_labels(runs), run_colours(runs)
    languages = sorted(lang for lang in pd.unique(rows["lang"]) if lang != "mean")
    groups = languages + (["mean"] if (rows["lang"] == "mean").any() else [])
    width = 0.8 / len(runs)
    figure = new_figure(min(16.0, max(7.0, 1.2 + len(groups) * (0.16 * len(runs) + 0.3))), 2.3 * len(measures) + 1.2)
    with _rc():
        axes = figure.subplots(len(measures), 1, sharex=True, squeeze=False)[:, 0]
        for ax, (setting, metric) in zip(axes, measures, strict=True):
            part = rows[rows["metric"] == metric]
            if "setting" in part:
                part = part[part["setting"] == setting]
            part = part.set_index(["run", "lang"])
            top = 0.0
            for i, run in enumerate(runs):
                keys = [(run.name, g) for g in groups]
                present = [k in part.index for k in keys]
                value = np.array([part.loc[k, "value"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                low = np.array([part.loc[k, "ci_low"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                high = np.array([part.loc[k, "ci_high"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                positions = np.arange(len(groups)) - 0.4 + width * (i + 0.5)
                bars = ax.bar(
                    positions, value, width, color=colours[run.name], label=labels[run.name], edgecolor="white"
                )
                for bar, group in zip(bars, groups, strict=True):
                    if group != "mean" and group not in train_languages:
                        bar.set_hatch(ZERO_SHOT_HATCH)
                        bar.set_edgecolor("black")
                errors = np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)])
                ax.errorbar(positions, value, yerr=errors, fmt="none", ecolor="black", elinewidth=0.8, capsize=1.5)
                top = max(top, float(np.nanmax(high)) if np.isfinite(high).any() else 0.0)
            name = METRIC_LABELS.get(metric, metric)
            ax.set_ylabel(f"{setting} {name}" if "setting" in rows else name)
            ax.set_ylim(0, min(1.02, max(0.05, top * 1.12)))
            ax.grid(alpha=0.3, axis="y")
            if "mean" in groups:
                ax.axvline(len(groups) - 1.5, color="grey", linewidth=0.8, linestyle=":")
        ticks = [g if g == "mean" or g in train_languages else f"{g}\nzero-shot" for g in groups]
        axes[-1].set_xticks(range(len(groups)), ticks)
        axes[-1].set_xlabel("query language" + (" (mean = average over languages)" if "mean" in groups else ""))
        handles = [Patch(facecolor=colours[r.name], label=labels[r.name]) for r in runs]
        if any(g not in train_languages for g in languages):
            handles.append(
                Patch(facecolor="white", edgecolor="black", hatch=ZERO_SHOT_HATCH, label="zero-shot language")
            )
        figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6), frameon=False)
        figure.suptitle(f"{encoder} on {benchmark}: results per language (whiskers: 95% CI)")
    return figure


def training_curves(logs: Mapping[tuple[str, str], pd.DataFrame]) -> Figure:
    """Training loss (per step and moving average) and validation loss per run, a panel per encoder."""
    if not logs:
        return message_figure("Training", "no training runs")
    encoders = list(dict.fromkeys(encoder for encoder, _ in logs))
    all_runs = sorted_runs([run for _, run in logs])
    labels, colours = run_labels(all_runs), run_colours(all_runs)
    window = max(1, min(200, max(len(log) for log in logs.values()) // 20))
    figure = new_figure(5.2 * len(encoders) + 0.4, 4.2)
    with _rc():
        axes = figure.subplots(1, len(encoders), squeeze=False)[0]
        for ax, encoder in zip(axes, encoders, strict=True):
            runs = sorted_runs([run for e, run in logs if e == encoder])
            for run in runs:
                log = logs[(encoder, run.name)].sort_values("step")
                colour = colours[run.name]
                ax.plot(log["step"], log["loss"], color=colour, alpha=0.2, linewidth=0.7, rasterized=True)
                smooth = log["loss"].rolling(window, min_periods=1).mean()
                ax.plot(log["step"], smooth, color=colour, linewidth=1.8, label=labels[run.name])
                validation = log.dropna(subset=["val_loss"])
                if len(validation):
                    ax.plot(
                        validation["step"],
                        validation["val_loss"],
                        color=colour,
                        linestyle="--",
                        marker="o" if len(validation) <= 60 else None,  # dots only where they stay apart
                        markersize=4,
                    )
                    best = validation.loc[validation["val_loss"].idxmin()]
                    ax.plot(
                        best["step"], best["val_loss"], marker="*", markersize=13, color=colour, markeredgecolor="black"
                    )
            ax.set_title(encoder)
            ax.set_xlabel("training step (batches)")
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("InfoNCE loss (nats)")
        handles = [Line2D([], [], color=c, linewidth=1.8, label=labels[n]) for n, c in colours.items()]
        handles += [
            Line2D([], [], color="grey", alpha=0.3, linewidth=0.7, label="training loss per step"),
            Line2D([], [], color="grey", linewidth=1.8, label=f"moving average ({window} steps)"),
            Line2D([], [], color="grey", linestyle="--", marker="o", markersize=4, label="validation loss"),
            Line2D(
                [],
                [],
                color="grey",
                linestyle="none",
                marker="*",
                markersize=11,
                markeredgecolor="black",
                label="best validation (model kept)",
            ),
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
        figure.suptitle("Training and validation loss")
    return figure


def _rc():
    """matplotlib settings of the report figures, applied while a figure is drawn."""
    import matplotlib as mpl

    return mpl.rc_context(RC)
