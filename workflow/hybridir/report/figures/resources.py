"""A metric per language against the language's CC-100 size (log scale), one series per strategy,
from the evaluate stage's language_groups table (its single-language groups)."""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from hybridir.report.data.runs import primary, row_strategies, strategies
from hybridir.report.figures.base import message_figure, new_figure, rc
from hybridir.report.format import colours, label, seeds_text
from hybridir.vocabulary import LANGUAGE, SEEN, TRAINING, Run, metric_label


def _of(frame: pd.DataFrame, run: Run) -> pd.DataFrame:
    """The rows of one strategy (a Run without seed)."""
    return frame[[own == run for own in row_strategies(frame)]]


def _seen(groups: pd.DataFrame, run: Run) -> set[str]:
    """The languages a strategy's runs saw in training (its `training` / seen group)."""
    rows = _of(groups[(groups["grouping"] == TRAINING) & (groups["group"] == SEEN)], run)
    return {lang for languages in rows["languages"] for lang in languages}


def slope(sizes: np.ndarray, values: np.ndarray) -> float | None:
    """Least-squares slope of `values` on log10(`sizes`): the change per ten times more data (None
    with fewer than two distinct sizes)."""
    if len(np.unique(sizes)) < 2:
        return None
    return float(np.polyfit(np.log10(sizes), values, 1)[0])


def resources_figure(
    groups: pd.DataFrame, encoder: str, benchmark: str, measure: tuple[str, str], sizes: Mapping[str, float | None]
) -> Figure:
    """The measure of every language with a CC-100 size against that size, per strategy (mean over
    seeds, whiskers 95% CI, hollow markers: unseen in training, dashed: least-squares line)."""
    setting, metric = measure
    chosen = (groups["grouping"] == LANGUAGE) & (groups["setting"] == setting) & (groups["metric"] == metric)
    rows = groups[chosen & (groups["encoder"] == encoder) & (groups["benchmark"] == benchmark)]
    placed = rows[[sizes.get(lang) is not None for lang in rows["group"]]]
    title = f"{encoder} on {benchmark}"
    if placed.empty:
        return message_figure(title, f"no language with both a {setting} {metric_label(metric)} and a CC-100 size")
    runs = list(primary(strategies(placed)).values())
    palette = colours(runs)
    missing = sorted(set(rows["group"]) - set(placed["group"]))
    figure = new_figure(7.5, 4.8)
    with rc():
        ax = figure.add_subplot()
        handles = []
        for i, run in enumerate(runs):
            part = _of(placed, run)
            size = np.array([sizes[lang] for lang in part["group"]], dtype=float)
            x = size * 1.04 ** (i - (len(runs) - 1) / 2)  # strategies side by side around each size
            value = part["value"].to_numpy(float)
            errors = np.vstack([value - part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float) - value])
            colour, seen = palette[label(run)], _seen(groups, run)
            ax.errorbar(x, value, yerr=np.clip(errors, 0, None), fmt="none", ecolor=colour, elinewidth=0.8, capsize=2)
            faces = [colour if lang in seen else "white" for lang in part["group"]]
            ax.scatter(x, value, s=36, facecolors=faces, edgecolors=colour, linewidths=1.4, zorder=3)
            fitted = slope(size, value)
            text = label(run)
            if fitted is not None:
                line = np.geomspace(size.min(), size.max(), 20)
                fit = np.polyfit(np.log10(size), value, 1)
                ax.plot(line, np.polyval(fit, np.log10(line)), "--", color=colour, lw=1)
                text += f" (slope {fitted:+.3f} per 10× data)"
            handles.append(Line2D([], [], color=colour, marker="o", linestyle="--", label=text))
        for lang, size in {lang: sizes[lang] for lang in placed["group"]}.items():
            ax.annotate(lang, (size, 0), xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=8, color="#444444")  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("CC-100 data of the language (GiB, log scale; XLM-R paper, Table 6)")
        ax.set_ylabel(f"{setting} {metric_label(metric)}")
        ax.grid(alpha=0.3)
        handles.append(
            Line2D([], [], color="grey", marker="o", markerfacecolor="white", linestyle="", label="unseen in training")
        )
        figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        note = f"; not drawn (no CC-100 size): {', '.join(missing)}" if missing else ""
        figure.suptitle(
            f"{title}: {setting} {metric_label(metric)} per language against CC-100 size\n"
            f"mean over {seeds_text(placed['seeds'])}, whiskers 95% CI{note}"
        )
    return figure
