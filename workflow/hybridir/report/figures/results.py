"""Result figures from the report tables (strategies over their seeds): mAP against alpha, and bars
per language."""

from itertools import cycle, product

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from hybridir.report.data.runs import primary, row_strategies, strategies
from hybridir.report.figures.base import ZERO_SHOT_HATCH, message_figure, new_figure, rc
from hybridir.report.format import colours, label, seeds_text
from hybridir.vocabulary import CROSS, MAP, MONO, MULTI, STRATEGIES, metric_label

MIXTURE_DASHES = ("-", "--", ":", "-.")
SETTING_STYLE = {
    MONO: {"color": "#1b9e77", "marker": "o"},
    CROSS: {"color": "#d95f02", "marker": "s"},
    MULTI: {"color": "#7570b3", "marker": "^"},
}


def alpha_sweep(map_table: pd.DataFrame, encoder: str) -> Figure:
    """Macro mAP (mono, cross, multi) against alpha, mean over seeds: hybrid at its alphas, and the
    strategies with an alpha equivalent (x_y at 0, x_x at 1); the others are not on this axis. A
    line per setting and training mixture (mixtures dashed apart)."""
    axis = {name: record.alpha_equivalent for name, record in STRATEGIES.items() if record.alpha_equivalent is not None}
    rows = map_table[(map_table["encoder"] == encoder) & (map_table["metric"] == MAP)].copy()
    rows["x"] = [axis.get(s, a) for s, a in zip(rows["strategy"], rows["alpha"], strict=True)]
    rows = rows.dropna(subset=["x"]).assign(_mixture=lambda f: f["mixture"].fillna(""))
    if rows.empty:
        return message_figure(encoder, "no trained strategy with mAP")
    # a line per setting and training mixture (the default mixture's name is '')
    mixtures = dict(zip(sorted(pd.unique(rows["_mixture"])), cycle(MIXTURE_DASHES), strict=False))
    benchmarks = list(pd.unique(rows["benchmark"]))
    figure = new_figure(4.3 * len(benchmarks) + 0.4, 3.9)
    with rc():
        axes = figure.subplots(1, len(benchmarks), squeeze=False)[0]
        for ax, benchmark in zip(axes, benchmarks, strict=True):
            part = rows[rows["benchmark"] == benchmark]
            for (setting, style), (mixture, dashes) in product(SETTING_STYLE.items(), mixtures.items()):
                line = part[(part["setting"] == setting) & (part["_mixture"] == mixture)].sort_values("x")
                if line.empty:
                    continue
                ax.fill_between(line["x"], line["ci_low"], line["ci_high"], color=style["color"], alpha=0.18, lw=0)
                ax.plot(line["x"], line["value"], linestyle=dashes, linewidth=1.6, markersize=6, **style)
                spread = line["seed_sd"].astype("float64").fillna(0.0)
                ax.errorbar(line["x"], line["value"], yerr=spread, fmt="none", ecolor=style["color"], capsize=3)
            xs = sorted(pd.unique(part["x"]))
            names = {alpha: name for name, alpha in axis.items() if name in set(part["strategy"])}
            ax.set_xticks(xs, [f"{x:g}\n({names[x]})" if x in names else f"{x:g}" for x in xs])
            ax.set_xlim(-0.05, 1.05)
            ax.set_xlabel("α = probability of an x_x batch")
            ax.set_title(benchmark)
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("mAP (macro average)")
        handles = [
            Line2D([], [], linewidth=1.6, markersize=6, label=f"{setting} mAP", **style)
            for setting, style in SETTING_STYLE.items()
        ]
        if len(mixtures) > 1:
            handles += [Line2D([], [], color="grey", linestyle=d, label=f"on {m}") for m, d in mixtures.items()]
        figure.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        figure.suptitle(
            f"{encoder}: mAP against the share of x_x batches\n"
            f"mean over {seeds_text(rows['seeds'])}; bars ± sd over seeds, bands 95% CI"
        )
    return figure


def per_language_bars(
    table: pd.DataFrame,
    encoder: str,
    benchmark: str,
    measures: list[tuple[str, str]],
    train_languages: list[str],
) -> Figure:
    """Grouped bars per language (strategies side by side: means over seeds, 95% CI whiskers);
    zero-shot languages hatched.

    `table` is the per_language or miracl report table (column `lang`; 'mean' is drawn last).
    """
    rows = table[(table["encoder"] == encoder) & (table["benchmark"] == benchmark)]
    if rows.empty:
        return message_figure(f"{encoder} on {benchmark}", "no per-language results")
    runs = list(primary(strategies(rows)).values())
    palette = colours(runs)
    languages = sorted(lang for lang in pd.unique(rows["lang"]) if lang != "mean")
    groups = languages + (["mean"] if (rows["lang"] == "mean").any() else [])
    width = 0.8 / len(runs)
    figure = new_figure(min(16.0, max(7.0, 1.2 + len(groups) * (0.16 * len(runs) + 0.3))), 2.3 * len(measures) + 1.2)
    with rc():
        axes = figure.subplots(len(measures), 1, sharex=True, squeeze=False)[:, 0]
        for ax, (setting, metric) in zip(axes, measures, strict=True):
            part = rows[rows["metric"] == metric]
            if "setting" in part:
                part = part[part["setting"] == setting]
            part = part.assign(label=[label(s) for s in row_strategies(part)])
            part = part.set_index(["label", "lang"])
            top = 0.0
            for i, run in enumerate(runs):
                keys = [(label(run), g) for g in groups]
                present = [k in part.index for k in keys]
                value = np.array([part.loc[k, "value"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                low = np.array([part.loc[k, "ci_low"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                high = np.array([part.loc[k, "ci_high"] if p else np.nan for k, p in zip(keys, present, strict=True)])
                positions = np.arange(len(groups)) - 0.4 + width * (i + 0.5)
                bars = ax.bar(positions, value, width, color=palette[label(run)], label=label(run), edgecolor="white")
                for bar, group in zip(bars, groups, strict=True):
                    if group != "mean" and group not in train_languages:
                        bar.set_hatch(ZERO_SHOT_HATCH)
                        bar.set_edgecolor("black")
                errors = np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)])
                ax.errorbar(positions, value, yerr=errors, fmt="none", ecolor="black", elinewidth=0.8, capsize=1.5)
                top = max(top, float(np.nanmax(high)) if np.isfinite(high).any() else 0.0)
            name = metric_label(metric)
            ax.set_ylabel(f"{setting} {name}" if "setting" in rows else name)
            ax.set_ylim(0, min(1.02, max(0.05, top * 1.12)))
            ax.grid(alpha=0.3, axis="y")
            if "mean" in groups:
                ax.axvline(len(groups) - 1.5, color="grey", linewidth=0.8, linestyle=":")
        ticks = [g if g == "mean" or g in train_languages else f"{g}\nzero-shot" for g in groups]
        axes[-1].set_xticks(range(len(groups)), ticks)
        axes[-1].set_xlabel("query language" + (" (mean = average over languages)" if "mean" in groups else ""))
        handles = [Patch(facecolor=palette[label(r)], label=label(r)) for r in runs]
        if any(g not in train_languages for g in languages):
            handles.append(
                Patch(facecolor="white", edgecolor="black", hatch=ZERO_SHOT_HATCH, label="zero-shot language")
            )
        figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6), frameon=False)
        figure.suptitle(f"{encoder} on {benchmark}: results per language, mean over seeds (whiskers: 95% CI)")
    return figure
