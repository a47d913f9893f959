"""Heatmaps of mAP per query -> pool language: one panel per strategy (mean over its seeds, from
the strategy_metrics table; a strategy of each training mixture), and hybrid's differences from the
x_x and x_y strategies of its mixture."""

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from hybridir.evaluate.cells import MACRO
from hybridir.report.data.runs import primary, strategies
from hybridir.report.figures.base import lang_tick, message_figure, new_figure, rc, zero_shot_note
from hybridir.report.format import label
from hybridir.vocabulary import CROSS, MAP, MONO, ZERO_SHOT, Run, alpha_strategies, references


def map_matrix(metrics: pd.DataFrame, strategy: Run, benchmark: str, languages: list[str]) -> np.ndarray:
    """mAP of every (query language, pool language) of one strategy (mean over its seeds): the
    diagonal is mono, the rest cross."""
    alpha = metrics["alpha"].isna() if strategy.alpha is None else metrics["alpha"] == strategy.alpha
    mixture = metrics["mixture"].isna() if strategy.mixture is None else metrics["mixture"] == strategy.mixture
    rows = metrics[
        (metrics["encoder"] == strategy.encoder)
        & (metrics["strategy"] == strategy.strategy)
        & alpha
        & mixture
        & (metrics["benchmark"] == benchmark)
        & (metrics["metric"] == MAP)
        & metrics["setting"].isin([MONO, CROSS])
        & (metrics["query_lang"] != MACRO)
        & (metrics["pool_lang"] != MACRO)
    ]
    matrix = rows.pivot_table(index="query_lang", columns="pool_lang", values="value", aggfunc="mean")
    return matrix.reindex(index=languages, columns=languages).to_numpy(dtype="float64")


def _matrix_languages(metrics: pd.DataFrame, encoder: str, benchmark: str) -> list[str]:
    rows = metrics[
        (metrics["encoder"] == encoder)
        & (metrics["benchmark"] == benchmark)
        & (metrics["setting"] == MONO)
        & (metrics["query_lang"] != MACRO)
    ]
    return sorted(pd.unique(rows["query_lang"]))


def _draw_matrix(axes, matrix: np.ndarray, languages: list[str], train_languages: list[str], fmt: str, **imshow):
    """One annotated heatmap; the diagonal (monolingual) outlined."""
    image = axes.imshow(matrix, **imshow)
    size = len(languages)
    ticks = [lang_tick(lang, train_languages) for lang in languages]
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


def _primary(metrics: pd.DataFrame, encoder: str) -> dict[tuple[str, str | None], Run]:
    return primary(strategies(metrics[metrics["encoder"] == encoder]))


def map_heatmaps(metrics: pd.DataFrame, encoder: str, benchmark: str, train_languages: list[str]) -> Figure:
    """mAP of every query -> pool language pair, one panel per trained strategy (hybrid: α nearest 0.5)."""
    runs = [r for (s, _), r in _primary(metrics, encoder).items() if s != ZERO_SHOT]
    languages = _matrix_languages(metrics, encoder, benchmark)
    if not runs or not languages:
        return message_figure(f"{encoder} on {benchmark}", "no trained strategy with per-language mAP")
    matrices = [map_matrix(metrics, run, benchmark, languages) for run in runs]
    low = float(np.nanmin([np.nanmin(m) for m in matrices]))
    high = float(np.nanmax([np.nanmax(m) for m in matrices]))
    side = max(2.8, 0.32 * len(languages) + 1.0)
    figure = new_figure(side * len(runs) + 1.2, side + 0.9)
    with rc():
        axes = figure.subplots(1, len(runs), squeeze=False)[0]
        for ax, run, matrix in zip(axes, runs, matrices, strict=True):
            image = _draw_matrix(ax, matrix, languages, train_languages, ".2f", cmap="viridis", vmin=low, vmax=high)
            ax.set_title(label(run))
        axes[0].set_ylabel("query language")
        figure.colorbar(image, ax=list(axes), label="mAP (0-1, higher is better)", shrink=0.85)
        note = zero_shot_note(languages, train_languages)
        figure.suptitle(
            f"{encoder} on {benchmark}: mAP per query → pool language, mean over seeds "
            "(outlined diagonal = monolingual)"
        )
        if note:
            figure.supxlabel(note, fontsize=9)
    return figure


def map_difference(metrics: pd.DataFrame, encoder: str, benchmark: str, train_languages: list[str]) -> Figure:
    """Hybrid minus x_x and hybrid minus x_y mAP per language pair (the strategies of one training
    mixture), diverging colours centred on 0."""
    chosen = _primary(metrics, encoder)
    languages = _matrix_languages(metrics, encoder, benchmark)
    hybrids = [key for key in chosen if key[0] in alpha_strategies()]
    pairs = [(chosen[key], chosen[(r, key[1])]) for key in hybrids for r in references() if (r, key[1]) in chosen]
    if not pairs or not languages:
        return message_figure(f"{encoder} on {benchmark}", "needs a hybrid strategy and an x_x or x_y strategy")
    differences = [
        map_matrix(metrics, hybrid, benchmark, languages) - map_matrix(metrics, other, benchmark, languages)
        for hybrid, other in pairs
    ]
    bound = max(0.005, float(np.nanmax([np.nanmax(np.abs(d)) for d in differences])))
    side = max(2.8, 0.32 * len(languages) + 1.0)
    figure = new_figure(side * len(pairs) + 1.4, side + 0.9)
    with rc():
        axes = figure.subplots(1, len(pairs), squeeze=False)[0]
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound)
        for ax, (hybrid, other), difference in zip(axes, pairs, differences, strict=True):
            image = _draw_matrix(ax, difference, languages, train_languages, "+.2f", cmap="RdBu", norm=norm)
            ax.set_title(f"{label(hybrid)} − {label(other)}")
        axes[0].set_ylabel("query language")
        colourbar = figure.colorbar(image, ax=list(axes), shrink=0.85)
        colourbar.set_label("Δ mAP (blue: hybrid better, red: worse)")
        figure.suptitle(f"{encoder} on {benchmark}: mAP difference per query → pool language, means over seeds")
        note = zero_shot_note(languages, train_languages)
        if note:
            figure.supxlabel(note, fontsize=9)
    return figure
