"""Figures. Every figure the project writes goes through :func:`save_figure`.

Plot functions draw what :mod:`stance.describe`, :mod:`stance.evaluate` and the other modules
computed and compute nothing themselves (:func:`top_feature_bars`, given an unfolded table, asks
:func:`stance.interpret.fold_char_ngrams` which bars to draw). :func:`save_figure` makes files
byte-reproducible: bundled DejaVu Sans (and DejaVu Sans Mono), a fixed SVG hash salt, and no
date, software or creator metadata.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from stance import config
from stance.io import atomic_write

STYLE = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "stance",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
}
#: Per-format metadata keys that would otherwise record a date or a software version.
_NO_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}
#: Colours for the three stances and sentiments (colour-blind safe, Okabe–Ito).
LABEL_COLORS = {
    "support": "#0072B2",
    "opposition": "#D55E00",
    "neutral": "#999999",
    "positive": "#009E73",
    "negative": "#CC79A7",
}


def apply_style() -> None:
    """Set the project's matplotlib style (also makes figure files byte-stable)."""
    matplotlib.rcParams.update(STYLE)


def save_figure(
    fig: Figure, name: str, directory: Path | None = None, formats: tuple[str, ...] = ("png",)
) -> list[Path]:
    """Write ``fig`` as ``directory/name.<format>`` for each format, atomically, without metadata
    (``directory`` defaults to the project's ``figures/``).

    Returns the written paths. The figure stays open so a notebook can still display it.
    """
    directory = directory or config.FIGURES_DIR
    apply_style()
    written = []
    for fmt in formats:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=_NO_METADATA[fmt], bbox_inches="tight")
        path = Path(directory) / f"{name}.{fmt}"
        with atomic_write(path, "wb") as handle:
            handle.write(buffer.getvalue())
        written.append(path)
    return written


def publish(fig: Figure, name: str, directory: Path | None = None):
    """Save ``fig`` with :func:`save_figure`, close it, and return the saved PNG for display.

    Notebooks end a plotting cell with this, so what they show is byte for byte the committed
    file, and no ``<Figure size ...>`` text or absolute path appears among their outputs.
    """
    from IPython.display import Image

    (path,) = save_figure(fig, name, directory, formats=("png",))
    plt.close(fig)
    return Image(data=path.read_bytes(), format="png")


def _new_figure(width: float = 6.4, height: float = 4.0, ncols: int = 1):
    apply_style()
    return plt.subplots(1, ncols, figsize=(width, height), squeeze=False, layout="constrained")


def share_bars(shares: pd.DataFrame, title: str, xlabel: str = "") -> Figure:
    """Stacked horizontal bars: one bar per row of ``shares`` (rows sum to 1), one colour per
    label column."""
    fig, axes = _new_figure(6.4, 0.45 * len(shares) + 1.4)
    ax = axes[0, 0]
    left = np.zeros(len(shares))
    labels = [str(i) for i in shares.index]
    for column in shares.columns:
        values = shares[column].to_numpy(dtype=float)
        ax.barh(labels, values, left=left, color=LABEL_COLORS.get(column), label=column)
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v >= 0.08:
                ax.text(
                    x0 + v / 2, y, f"{v:.0%}", ha="center", va="center", fontsize=8, color="white"
                )
        left += values
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel or "share of texts")
    ax.legend(
        ncols=len(shares.columns),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        frameon=False,
        fontsize=8,
    )
    return fig


def heatmap(
    table: pd.DataFrame, title: str, fmt: str = "{:.0f}", ax=None, cmap: str = "Blues"
) -> Figure:
    """A labelled heatmap of a small table (a cross-tab or a confusion matrix)."""
    if ax is None:
        fig, axes = _new_figure(4.2, 3.6)
        ax = axes[0, 0]
    fig = ax.figure
    values = table.to_numpy(dtype=float)
    ax.imshow(values, cmap=cmap, vmin=0)
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [str(i) for i in table.index])
    ax.set_xlabel(str(table.columns.name or ""))
    ax.set_ylabel(str(table.index.name or ""))
    threshold = values.max() / 2 if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            j,
            i,
            fmt.format(v),
            ha="center",
            va="center",
            fontsize=9,
            color="white" if v > threshold else "black",
        )
    ax.set_title(title)
    ax.spines[["left", "bottom"]].set_visible(False)
    return fig


def grouped_boxes(values: dict[str, list[float]], title: str, ylabel: str) -> Figure:
    """Box plots of a few named samples side by side (e.g. text length per language)."""
    fig, axes = _new_figure(5.0, 3.6)
    ax = axes[0, 0]
    names = list(values)
    ax.boxplot([values[n] for n in names], tick_labels=names, showfliers=True)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    return fig


def score_intervals(
    scores: pd.DataFrame,
    title: str,
    metric: str = "macro_f1",
    xlim: tuple[float, float] | None = (0, 1),
) -> Figure:
    """Points with 95% intervals for each (panel, system) row of ``scores``.

    ``scores`` has columns ``panel`` (one subplot each, e.g. "ukraine · en"), ``system``,
    ``metric``, ``{metric}_low`` and ``{metric}_high``; systems keep their order, and a panel
    may lack some. With ``xlim=None`` the axis fits the data and a line marks zero (for
    differences).
    """
    panels = list(dict.fromkeys(scores["panel"]))
    systems = list(dict.fromkeys(scores["system"]))
    fig, axes = _new_figure(3.0 * len(panels) + 1.6, 0.38 * len(systems) + 1.6, len(panels))
    for ax, panel in zip(axes[0], panels, strict=True):
        rows = scores[scores["panel"] == panel].set_index("system").reindex(systems)
        y = np.arange(len(systems))
        point = rows[metric].to_numpy(dtype=float)
        error = np.vstack(
            [
                point - rows[f"{metric}_low"].to_numpy(dtype=float),
                rows[f"{metric}_high"].to_numpy(dtype=float) - point,
            ]
        )
        for i in np.flatnonzero(~np.isnan(point)):  # the first system (the model) in colour
            ax.errorbar(
                point[i],
                y[i],
                xerr=error[:, i : i + 1],
                fmt="o",
                capsize=3,
                color="#0072B2" if i == 0 else "#999999",
            )
        ax.set_yticks(y, systems if ax is axes[0, 0] else [""] * len(systems))
        ax.invert_yaxis()
        if xlim is None:
            ax.axvline(0, color="#555555", linewidth=0.8)
        else:
            ax.set_xlim(*xlim)
        ax.set_title(panel)
        ax.set_xlabel(metric.replace("_", "-"))
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(title)
    return fig


def confusion_grid(tables: dict[str, pd.DataFrame], title: str) -> Figure:
    """Confusion matrices side by side, one per named table (gold rows, predicted columns)."""
    fig, axes = _new_figure(3.3 * len(tables), 3.4, len(tables))
    for ax, (name, table) in zip(axes[0], tables.items(), strict=True):
        heatmap(table, name, ax=ax)
    fig.suptitle(title)
    return fig


def learning_curves(curves: pd.DataFrame, title: str) -> Figure:
    """Mean held-out macro-F1 (± one standard deviation) against training size, one line per
    ``curve`` value of ``curves`` (columns curve, n_train, mean_macro_f1, std_macro_f1)."""
    fig, axes = _new_figure(5.6, 3.8)
    ax = axes[0, 0]
    for name, rows in curves.groupby("curve", sort=True):
        ax.errorbar(
            rows["n_train"],
            rows["mean_macro_f1"],
            yerr=rows["std_macro_f1"],
            marker="o",
            capsize=3,
            label=str(name),
        )
    ax.set_xlabel("training texts")
    ax.set_ylabel("held-out macro-F1")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title)
    return fig


def reliability(tables: dict[str, pd.DataFrame], title: str) -> Figure:
    """Reliability diagram: observed frequency against mean predicted probability per bin,
    one line per named calibration table; the diagonal is perfect calibration."""
    fig, axes = _new_figure(4.6, 4.2)
    ax = axes[0, 0]
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", linewidth=1, label="perfect")
    for name, table in tables.items():
        ax.plot(table["mean_predicted"], table["observed_frequency"], marker="o", label=name)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title)
    return fig


#: Row titles of :func:`top_feature_bars`, one row per kind of feature.
FEATURE_KIND_TITLES = {"word": "word n-grams", "char": "character n-grams"}
#: How a character n-gram's word-boundary space is drawn.
BOUNDARY = "\u2423"  # ␣ (open box)


def ngram_label(ngram: str, kind: str) -> str:
    """A bar label: a character n-gram with its spaces drawn as ``␣`` (other control characters
    escaped); a word n-gram as it is."""
    if kind != "char":
        return ngram
    return "".join(BOUNDARY if c == " " else c if c.isprintable() else repr(c)[1:-1] for c in ngram)


def top_feature_bars(
    features: pd.DataFrame, title: str, n: int | None = None, fold: bool = True
) -> Figure:
    """Horizontal bars of the top coefficients: one column per class, one row per kind of
    feature (word n-grams above character n-grams), so neither kind crowds out the other.

    ``features`` has columns class, feature (``"word: ..."``/``"char: ..."``) and coefficient:
    best :func:`stance.interpret.chart_features`, which gives each panel its ``n`` bars;
    :func:`stance.interpret.top_features` works too. Unless ``features`` is already folded
    (has ``kind``, ``span`` and ``folded`` columns) or ``fold`` is false, overlapping character
    n-grams are folded by :func:`stance.interpret.fold_char_ngrams`: an n-gram inside a
    higher-ranked bar's label of its class is not drawn, and n-grams with the same coefficient
    that are one text shifted are drawn as one bar labelled with that text. ``+k`` beside a
    bar counts the n-grams folded into it; their coefficients are not added. With ``n``, at
    most ``n`` bars per panel. Character n-grams are drawn in a monospace font, a word
    boundary as ``␣``.
    """
    from stance.interpret import fold_char_ngrams, split_feature

    if not {"kind", "span", "folded"} <= set(features.columns):
        if fold:
            features = fold_char_ngrams(features, n=n)
        else:
            kind_ngram = [split_feature(str(name)) for name in features["feature"]]
            features = features.assign(
                kind=[kind for kind, _ in kind_ngram],
                span=[ngram for _, ngram in kind_ngram],
                folded=0,
            )
    if n is not None:
        features = features.groupby(["class", "kind"], sort=False).head(n)
    classes = list(dict.fromkeys(features["class"]))
    kinds = [kind for kind in FEATURE_KIND_TITLES if (features["kind"] == kind).any()]
    counts = features.groupby(["class", "kind"]).size()
    heights = [max(int(counts.get((label, kind), 0)) for label in classes) or 1 for kind in kinds]
    apply_style()
    fig, axes = plt.subplots(
        len(kinds),
        len(classes),
        figsize=(3.4 * len(classes), 0.26 * sum(heights) + 0.75 * len(kinds) + 0.9),
        squeeze=False,
        sharex=True,
        layout="constrained",
        gridspec_kw={"height_ratios": [h + 2.5 for h in heights]},
    )
    low = min(0.0, float(features["coefficient"].min()))
    high = max(0.0, float(features["coefficient"].max()))
    pad = 0.12 * ((high - low) or 1.0)
    for row, kind in enumerate(kinds):
        for col, label in enumerate(classes):
            ax = axes[row, col]
            rows = features[(features["class"] == label) & (features["kind"] == kind)]
            y = np.arange(len(rows))
            ax.barh(y, rows["coefficient"], color=LABEL_COLORS.get(label, "#0072B2"))
            ax.set_yticks(
                y,
                [ngram_label(str(g), kind) for g in rows["span"]],
                fontfamily="DejaVu Sans Mono" if kind == "char" else None,
                fontsize=8,
            )
            ax.set_ylim(heights[row] - 0.5, -0.5)
            for yi, (value, folded) in enumerate(
                zip(rows["coefficient"], rows["folded"], strict=True)
            ):
                if folded:
                    ax.text(
                        value + pad / 12 * (1 if value >= 0 else -1),
                        yi,
                        f"+{int(folded)}",
                        va="center",
                        ha="left" if value >= 0 else "right",
                        fontsize=7,
                        color="#666666",
                    )
            if not len(rows):
                ax.text(
                    0.5,
                    0.5,
                    "none",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#666666",
                )
            ax.axvline(0, color="#555555", linewidth=0.6)
            ax.grid(axis="x", alpha=0.3)
            ax.set_title(f"{label} · {FEATURE_KIND_TITLES[kind]}", fontsize=10)
            if row == len(kinds) - 1:
                ax.set_xlabel("coefficient")
    axes[0, 0].set_xlim(low - (pad if low < 0 else 0.0), high + pad)
    if "char" in kinds:
        fig.supxlabel(
            f"Character n-grams: {BOUNDARY} marks a word boundary; +k: k more n-grams of "
            "the class folded into the bar (inside its label, or the same text shifted "
            "with an equal coefficient),\nnot drawn and not added: a bar's length is "
            "the coefficient of its highest-ranked n-gram. The table lists every "
            "feature.",
            fontsize=8,
            color="#444444",
        )
    fig.suptitle(title)
    return fig


#: Readable names of the labels, for figure titles and axes.
LABEL_NAMES = {
    "russian_foreign_policy": "Russian foreign policy",
    "ukraine_operation": "Ukraine operation",
    "sentiment": "sentiment",
}

#: Colours of UN votes (yes supports the resolutions on Ukraine): Okabe–Ito colours far apart
#: from each other, and the vote is also written on the axis, so colour is never the only cue.
VOTE_COLORS = {
    "yes": "#0072B2",
    "yes_or_absent": "#CC79A7",
    "abstain": "#E69F00",
    "no": "#000000",
    "absent": "#999999",
}


#: How each vote is written on the axis (two lines where the name is long).
VOTE_NAMES = {
    "yes": "yes",
    "yes_or_absent": "yes or\nabsent",
    "abstain": "abstain",
    "no": "no",
    "absent": "absent",
}


def net_stance_by_vote(table: pd.DataFrame, title: str, seed: int = 0) -> Figure:
    """Net stance (``net_stance``) of each state's speech by its ``vote``: one column of
    jittered points per vote group over a box plot, the group's name and count on the axis, one
    panel per ``panel`` value with a shared axis. The jitter is seeded, so the file is
    byte-stable."""
    panels = list(dict.fromkeys(table["panel"]))
    fig, axes = _new_figure(3.8 * len(panels) + 0.6, 4.4, len(panels))
    rng = np.random.default_rng(seed)
    for ax, panel in zip(axes[0], panels, strict=True):
        rows = table[table["panel"] == panel]
        groups = [vote for vote in VOTE_COLORS if (rows["vote"] == vote).any()]
        for x, vote in enumerate(groups):
            values = rows.loc[rows["vote"] == vote, "net_stance"].to_numpy(dtype=float)
            ax.boxplot(
                values,
                positions=[x],
                widths=0.55,
                showfliers=False,
                medianprops={"color": "#333333"},
                boxprops={"color": "#777777"},
                whiskerprops={"color": "#777777"},
                capprops={"color": "#777777"},
            )
            jitter = rng.uniform(-0.2, 0.2, size=len(values))
            ax.scatter(x + jitter, values, s=10, color=VOTE_COLORS[vote], alpha=0.75, linewidths=0)
        ax.set_xticks(
            range(len(groups)),
            [f"{VOTE_NAMES[v]}\n({int((rows['vote'] == v).sum())})" for v in groups],
        )
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.set_ylim(-1.08, 1.08)
        ax.axhline(0, color="#555555", linewidth=0.6)
        ax.set_title(panel, fontsize=9)
        ax.set_xlabel("vote (states)")
    axes[0, 0].set_ylabel("net stance of the speech\n(share support − share opposition)")
    for ax in axes[0, 1:]:
        ax.tick_params(labelleft=False)
    fig.suptitle(title)
    return fig


def stance_trends(rows: pd.DataFrame, title: str) -> Figure:
    """Net stance per year, one small panel per state (``iso3``), with each speech's 95%
    interval (``net_stance_low``/``net_stance_high``) and its number of keyword sentences
    (``sentences``) written under the point; shared axes."""
    states = sorted(rows["iso3"].unique())
    ncols = min(4, len(states))
    nrows = -(-len(states) // ncols)
    apply_style()
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(2.6 * ncols + 0.6, 2.3 * nrows + 0.6),
        squeeze=False,
        sharex=True,
        sharey=True,
        layout="constrained",
    )
    for ax, iso3 in zip(axes.flat, states, strict=False):
        state = rows[rows["iso3"] == iso3].sort_values("year")
        years, net = state["year"].to_numpy(), state["net_stance"].to_numpy(dtype=float)
        ax.errorbar(
            years,
            net,
            yerr=[net - state["net_stance_low"], state["net_stance_high"] - net],
            fmt="o-",
            markersize=3,
            linewidth=1,
            elinewidth=0.8,
            color="#0072B2",
            ecolor="#9ecae1",
        )
        for year, value, count in zip(years, net, state["sentences"], strict=True):
            ax.annotate(
                str(int(count)),
                (year, value),
                textcoords="offset points",
                xytext=(0, -9),
                ha="center",
                fontsize=6,
                color="#555555",
            )
        ax.axhline(0, color="#555555", linewidth=0.6)
        ax.set_title(iso3, fontsize=9)
        ax.set_ylim(-1.15, 1.1)
        first, last = int(rows["year"].min()), int(rows["year"].max())
        step = 5 if last - first > 12 else 2 if last - first > 5 else 1
        ax.set_xticks(range(first, last + 1, step))
    for ax in axes.flat[len(states) :]:
        ax.set_visible(False)
    fig.supxlabel("year of the General Debate (numbers: keyword sentences in the speech)")
    fig.supylabel("net stance")
    fig.suptitle(title)
    return fig
