"""What every report figure shares: a constrained-layout Figure, matplotlib settings, saving as PNG and
PDF with deterministic bytes (no timestamps), a figure that says why there is nothing to plot,
and how language ticks mark zero-shot languages. No pyplot state anywhere."""

import os

from matplotlib.figure import Figure

from hybridir.atomic import atomic_write

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
        with atomic_write(path) as tmp, rc():
            figure.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.1, metadata=metadata)


def message_figure(title: str, text: str) -> Figure:
    """A figure that says why there is nothing to plot (so that every promised file exists)."""
    figure = new_figure(6, 2)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title)
    axes.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return figure


def rc():
    """matplotlib settings of the report figures, applied while a figure is drawn."""
    import matplotlib as mpl

    return mpl.rc_context(RC)


def lang_tick(lang: str, train_languages: list[str]) -> str:
    return f"{lang}*" if lang not in train_languages else lang


def zero_shot_note(languages: list[str], train_languages: list[str]) -> str:
    unseen = [lang for lang in languages if lang not in train_languages]
    return f"* zero-shot language (not in training): {', '.join(unseen)}" if unseen else ""
