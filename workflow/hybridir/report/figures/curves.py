"""Distributions and curves: rank distances per query of each strategy, training and validation loss of each run."""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from hybridir.report.data.runs import runs_by_strategy
from hybridir.report.figures.base import message_figure, new_figure, rc
from hybridir.report.format import colours, label
from hybridir.vocabulary import MULTI, RANK_DISTANCE, Run


def rank_distance_figure(per_query: Mapping[str, pd.DataFrame], encoder: str, benchmark: str) -> Figure:
    """Distribution of per-query rank distances (multi setting) per strategy, the queries of all its
    seeds pooled: box plot and ECDF. `per_query` holds each run's table by run name."""
    values = {}
    for strategy, names in runs_by_strategy(encoder, per_query).items():
        tables = [per_query[name] for name in names]
        column = pd.concat([t.loc[t["setting"] == MULTI, RANK_DISTANCE] for t in tables]).dropna()
        if len(column):
            values[strategy] = column.to_numpy(dtype="float64")
    if not values:
        return message_figure(f"{encoder} on {benchmark}", "no rank distances (multi setting)")
    runs = list(values)
    labels, palette = {r: label(r) for r in runs}, colours(runs)
    everything = np.concatenate(list(values.values()))
    logarithmic = everything.min() >= 1 and everything.max() / everything.min() >= 50
    figure = new_figure(10, max(3.2, 0.45 * len(runs) + 1.8))
    with rc():
        box, ecdf = figure.subplots(1, 2, width_ratios=[1.1, 1])
        order = list(reversed(runs))  # first run on top
        parts = box.boxplot(
            [values[r] for r in order],
            orientation="horizontal",
            tick_labels=[labels[r] for r in order],
            whis=(5, 95),
            showfliers=False,
            showmeans=True,
            patch_artist=True,
            meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "black", "markersize": 5},
            medianprops={"color": "black"},
        )
        for patch, run in zip(parts["boxes"], order, strict=True):
            patch.set_facecolor(palette[labels[run]])
            patch.set_alpha(0.75)
        box.set_title("per query: box 25-75%, whiskers 5-95%, ◇ mean", fontsize=10)
        for run in runs:
            ecdf.ecdf(values[run], label=labels[run], color=palette[labels[run]], linewidth=1.6)
        ecdf.set_ylabel("share of queries at or below")
        ecdf.set_title("cumulative distribution", fontsize=10)
        figure.legend(
            handles=[Line2D([], [], color=palette[labels[r]], linewidth=1.6, label=labels[r]) for r in runs],
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
            f"{encoder} on {benchmark}: rank distance in the multilingual pool, seeds pooled "
            "(lower = less language bias)"
        )
    return figure


def training_curves(logs: Mapping[tuple[str, str], pd.DataFrame]) -> Figure:
    """Training loss (per step and moving average) and validation loss per run, a panel per encoder;
    the runs (seeds) of one strategy share its colour."""
    if not logs:
        return message_figure("Training", "no training runs")
    encoders = list(dict.fromkeys(encoder for encoder, _ in logs))
    all_runs = sorted({Run.parse(e, run) for e, run in logs}, key=lambda r: r.sort_key)
    palette = colours(all_runs)
    window = max(1, min(200, max(len(log) for log in logs.values()) // 20))
    figure = new_figure(5.2 * len(encoders) + 0.4, 4.2)
    with rc():
        axes = figure.subplots(1, len(encoders), squeeze=False)[0]
        for ax, encoder in zip(axes, encoders, strict=True):
            runs = [run for run in all_runs if run.encoder == encoder]
            for run in runs:
                log = logs[(encoder, run.name)].sort_values("step")
                colour = palette[label(run)]
                ax.plot(log["step"], log["loss"], color=colour, alpha=0.2, linewidth=0.7, rasterized=True)
                smooth = log["loss"].rolling(window, min_periods=1).mean()
                ax.plot(log["step"], smooth, color=colour, linewidth=1.8)
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
        handles = [Line2D([], [], color=c, linewidth=1.8, label=f"{n} (a line per seed)") for n, c in palette.items()]
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
