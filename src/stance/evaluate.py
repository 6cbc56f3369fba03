"""How well the models do, and how sure we can be: scores, bootstrap intervals, baselines,
learning curves and calibration.

With ~160 test texts per language a point score alone says little, so every headline number can
come with a percentile-bootstrap interval, and two systems are compared on the same resamples.
Bootstrap metrics are computed from confusion-matrix counts of all resamples at once, so a
thousand resamples take milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from stance import config
from stance.baselines import is_baseline
from stance.model_selection import cv_splitter
from stance.models import fit_and_apply
from stance.schema import side_taking_pair

METRICS = ("macro_f1", "f_avg", "accuracy")
_MAX_CELLS = 4_000_000  # resampled item indices held in memory at once

Metric = str | Callable[[Sequence[str], Sequence[str]], float]


# --- point scores --------------------------------------------------------------------------


def _pair_or_raise(labels: Iterable[str], pair: tuple[str, str] | None) -> tuple[str, str]:
    found = pair or side_taking_pair(labels)
    if found is None:
        raise ValueError(
            "no side-taking pair (support/opposition or favor/against) among the labels; pass pair="
        )
    return found


def f_avg(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    pair: tuple[str, str] | None = None,
    sample_weight: Sequence[float] | None = None,
) -> float:
    """Mean F1 of the two side-taking classes, the SemEval-2016 stance metric.

    Neutral items still count, as false positives or negatives of the side-taking classes.
    ``pair`` defaults to the side-taking pair among the labels of ``y_true`` and ``y_pred``.
    ``sample_weight`` weighs the items (importance-weighted validation); default: all alike.
    """
    pair = _pair_or_raise([*y_true, *y_pred], pair)
    scores = f1_score(
        list(y_true),
        list(y_pred),
        labels=list(pair),
        average=None,
        zero_division=0,
        sample_weight=sample_weight,
    )
    return float(np.mean(scores))


def classification_scores(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Macro-F1, F_avg (when a side-taking pair exists), accuracy, n and per-class scores.

    Parameters
    ----------
    y_true, y_pred
        Gold and predicted labels, item by item.
    labels
        The classes to score; default: those in ``y_true`` or ``y_pred``. Sorted either way.

    Returns
    -------
    dict
        ``macro_f1``, ``f_avg`` (only when a side-taking pair such as support/opposition is
        among the labels, see :func:`side_taking_pair`), ``accuracy``, ``n`` and ``per_class``
        (``{label: {"precision", "recall", "f1", "support"}}``); floats rounded to 4 places.

    Examples
    --------
    >>> gold = ["support", "support", "opposition", "opposition", "neutral", "neutral"]
    >>> pred = ["support", "opposition", "opposition", "opposition", "support", "neutral"]
    >>> scores = classification_scores(gold, pred)
    >>> scores["macro_f1"], scores["f_avg"], scores["accuracy"], scores["n"]
    (0.6556, 0.65, 0.6667, 6)
    >>> scores["per_class"]["support"]
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'support': 2}
    """
    y_true, y_pred = list(y_true), list(y_pred)
    labels = sorted(labels if labels is not None else set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    scores: dict[str, Any] = {"macro_f1": round(float(np.mean(f1)), 4)}
    pair = side_taking_pair(labels)
    if pair is not None:
        scores["f_avg"] = round(f_avg(y_true, y_pred, pair), 4)
    scores["accuracy"] = round(float(np.mean(np.array(y_true) == np.array(y_pred))), 4)
    scores["n"] = len(y_true)
    scores["per_class"] = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return scores


def confusion_table(
    y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] | None = None
) -> pd.DataFrame:
    """Counts with gold labels as rows and predicted labels as columns (labels sorted)."""
    labels = sorted(labels if labels is not None else set(y_true) | set(y_pred))
    counts = confusion_matrix(list(y_true), list(y_pred), labels=labels)
    return pd.DataFrame(
        counts, index=pd.Index(labels, name="gold"), columns=pd.Index(labels, name="predicted")
    )


# --- bootstrap -----------------------------------------------------------------------------


def _f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Per-class F1 (zero when undefined) from confusion matrices of shape (..., k, k)."""
    tp = np.diagonal(counts, axis1=-2, axis2=-1)
    denominator = counts.sum(axis=-1) + counts.sum(axis=-2)  # gold + predicted per class
    return np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)


def _count_metric(metric: str, labels: list[str]) -> Callable[[np.ndarray], np.ndarray]:
    """The named metric as a function of stacked confusion matrices over ``labels``."""
    if metric == "macro_f1":
        return lambda counts: _f1_from_counts(counts).mean(axis=-1)
    if metric == "accuracy":
        return lambda counts: np.trace(counts, axis1=-2, axis2=-1) / counts.sum(axis=(-2, -1))
    if metric == "f_avg":
        columns = [labels.index(label) for label in _pair_or_raise(labels, None)]
        return lambda counts: _f1_from_counts(counts)[..., columns].mean(axis=-1)
    raise ValueError(f"metric must be one of {', '.join(METRICS)} or a callable, not {metric!r}")


def _resampled_scores(
    y_true: Sequence[str],
    predictions: Sequence[Sequence[str]],
    metric: Metric,
    n_resamples: int,
    seed: int,
) -> np.ndarray:
    """Scores of each system (rows) on the full sample (column 0) and on ``n_resamples``
    bootstrap resamples of the items (columns 1...), all systems on the same resamples.

    Named metrics use the labels of the full sample for every resample, so a class missing from
    a resample counts with F1 = 0 rather than vanishing from the average.
    """
    gold = np.asarray(list(y_true), dtype=object)
    systems = [np.asarray(list(pred), dtype=object) for pred in predictions]
    n = len(gold)
    if n == 0 or any(len(pred) != n for pred in systems):
        raise ValueError("y_true and the predictions must be non-empty and of equal length")
    rng = np.random.default_rng(seed)
    batch = max(1, _MAX_CELLS // n)
    batches = [
        rng.integers(0, n, size=(min(batch, n_resamples - start), n))
        for start in range(0, n_resamples, batch)
    ]
    if callable(metric):
        return np.array(
            [
                [metric(gold.tolist(), pred.tolist())]
                + [
                    metric(gold[rows].tolist(), pred[rows].tolist())
                    for indices in batches
                    for rows in indices
                ]
                for pred in systems
            ]
        )
    labels = sorted(set(gold.tolist()).union(*(pred.tolist() for pred in systems)))
    score = _count_metric(metric, labels)
    k = len(labels)
    code = {label: i for i, label in enumerate(labels)}
    gold_codes = np.array([code[label] for label in gold])
    result = []
    for pred in systems:
        cells = gold_codes * k + np.array([code[label] for label in pred])
        full = np.bincount(cells, minlength=k * k).reshape(1, k, k)
        parts = [score(full)]
        for indices in batches:
            offsets = np.arange(len(indices))[:, None] * (k * k)
            counts = np.bincount((cells[indices] + offsets).ravel(), minlength=len(indices) * k * k)
            parts.append(score(counts.reshape(len(indices), k, k)))
        result.append(np.concatenate(parts))
    return np.array(result, dtype=float)


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    alpha = (1 - confidence) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return round(float(low), 4), round(float(high), 4)


def bootstrap_ci(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    metric: Metric = "macro_f1",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = config.SEED,
) -> dict[str, float]:
    """Percentile-bootstrap interval of ``metric`` over items.

    Parameters
    ----------
    y_true, y_pred
        Gold and predicted labels, item by item (equal length, not empty).
    metric
        ``"macro_f1"``, ``"f_avg"``, ``"accuracy"`` (computed from confusion counts, fast) or
        any ``f(y_true, y_pred) -> float`` (called once per resample). Named metrics score
        every resample over the labels of the full sample.
    n_resamples
        Bootstrap resamples of the items, drawn with replacement.
    confidence
        Coverage of the interval, between 0 and 1.
    seed
        Seed of the resampling; the same seed gives the same resamples for any metric.

    Returns
    -------
    dict
        ``{"point", "low", "high"}``: the metric on the full sample and the percentile
        interval of the resampled values, rounded to 4 places.

    Examples
    --------
    >>> gold = ["support", "support", "opposition", "opposition", "neutral", "neutral"] * 20
    >>> pred = ["support", "opposition", "opposition", "opposition", "support", "neutral"] * 20
    >>> interval = bootstrap_ci(gold, pred, "macro_f1", n_resamples=1000)
    >>> interval["point"]
    0.6556
    >>> interval["low"] < interval["point"] < interval["high"]
    True
    """
    scores = _resampled_scores(y_true, [y_pred], metric, n_resamples, seed)[0]
    low, high = _interval(scores[1:], confidence)
    return {"point": round(float(scores[0]), 4), "low": low, "high": high}


def paired_bootstrap(
    y_true: Sequence[str],
    pred_a: Sequence[str],
    pred_b: Sequence[str],
    metric: Metric = "macro_f1",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = config.SEED,
) -> dict[str, float]:
    """Compare two systems on the same bootstrap resamples of the items.

    Parameters
    ----------
    y_true
        Gold labels.
    pred_a, pred_b
        The two systems' predictions for the same items.
    metric, n_resamples, confidence, seed
        As for :func:`bootstrap_ci`.

    Returns
    -------
    dict
        ``{"delta", "low", "high", "p_value"}``: ``delta = metric(a) - metric(b)`` on the full
        sample; ``low``/``high`` the percentile interval of the resampled deltas; ``p_value``
        two-sided: twice the share of resampled deltas on the less frequent side of zero,
        counting zero on both sides and with the usual +1 correction,
        ``min(1, 2 * (1 + min(#(d <= 0), #(d >= 0))) / (n_resamples + 1))``. Identical systems
        get 1; a system better on every resample gets ``2 / (n_resamples + 1)``.

    Examples
    --------
    >>> gold = ["support", "support", "opposition", "opposition", "neutral", "neutral"] * 20
    >>> model = ["support", "opposition", "opposition", "opposition", "support", "neutral"] * 20
    >>> majority = ["neutral"] * 120
    >>> result = paired_bootstrap(gold, model, majority, n_resamples=1000)
    >>> result["delta"], result["p_value"]
    (0.4889, 0.002)
    >>> paired_bootstrap(gold, model, model)["p_value"]
    1.0
    """
    scores = _resampled_scores(y_true, [pred_a, pred_b], metric, n_resamples, seed)
    deltas = scores[0] - scores[1]
    resampled = deltas[1:]
    low, high = _interval(resampled, confidence)
    side = min(int(np.sum(resampled <= 0)), int(np.sum(resampled >= 0)))
    p_value = min(1.0, 2 * (1 + side) / (n_resamples + 1))
    return {
        "delta": round(float(deltas[0]), 4),
        "low": low,
        "high": high,
        "p_value": round(p_value, 4),
    }


# --- comparing systems ---------------------------------------------------------------------

#: The name of the classifier under evaluation in every comparison table; the baselines beside
#: it are named in :mod:`stance.baselines`.
MODEL = "model"

#: The score columns of a comparison (``f_avg`` and its interval only where the labels have a
#: side-taking pair).
SCORE_COLUMNS = (
    "macro_f1",
    "macro_f1_low",
    "macro_f1_high",
    "f_avg",
    "f_avg_low",
    "f_avg_high",
    "accuracy",
)


@dataclass(frozen=True)
class Comparison:
    """Systems scored on the same gold labels.

    ``scores``: one row per system, macro-F1 and F_avg (when the labels have a side-taking pair)
    with 95% bootstrap intervals, and accuracy. ``gains``: one row per other system, the
    reference's macro-F1 minus that system's on shared resamples (:func:`paired_bootstrap`).
    """

    scores: pd.DataFrame
    gains: pd.DataFrame


def compare(
    gold: Sequence[str],
    systems: Mapping[str, Sequence[str]],
    reference: str = MODEL,
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> Comparison:
    """The one evaluation routine: every system's scores with intervals, and the paired gain
    of ``reference`` over each other system (same resamples for all).

    Examples
    --------
    >>> gold = ["support", "opposition", "neutral", "neutral"] * 30
    >>> systems = {"model": ["support", "opposition", "neutral", "support"] * 30,
    ...            "majority class": ["neutral"] * 120}
    >>> result = compare(gold, systems)
    >>> print(result.scores[["system", "macro_f1", "accuracy"]].to_string(index=False))
            system  macro_f1  accuracy
             model    0.7778      0.75
    majority class    0.2222      0.50
    >>> print(result.gains[["versus", "delta", "p_value"]].to_string(index=False))
            versus  delta  p_value
    majority class 0.5556    0.002
    """
    if reference not in systems:
        raise ValueError(f"no system named {reference!r} to compare the others with")
    has_pair = side_taking_pair(gold) is not None
    rows, gains = [], []
    for system, predicted in systems.items():
        row: dict[str, Any] = {"system": system}
        for metric in ("macro_f1", "f_avg") if has_pair else ("macro_f1",):
            interval = bootstrap_ci(gold, predicted, metric, n_resamples, seed=seed)
            row.update(
                {
                    metric: interval["point"],
                    f"{metric}_low": interval["low"],
                    f"{metric}_high": interval["high"],
                }
            )
        row["accuracy"] = classification_scores(gold, predicted)["accuracy"]
        rows.append(row)
        if system != reference:
            gain = paired_bootstrap(
                gold, systems[reference], predicted, "macro_f1", n_resamples, seed=seed
            )
            gains.append({"versus": system, **gain})
    return Comparison(pd.DataFrame(rows), pd.DataFrame(gains))


def model_and_best_baseline(scores: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The :data:`MODEL` row of one comparison's ``scores`` and the row of its best baseline
    by macro-F1 (:func:`stance.baselines.is_baseline`; the first listed wins a tie)."""
    model = scores[scores["system"] == MODEL].iloc[0]
    baselines = scores[scores["system"].map(is_baseline)]
    return model, baselines.loc[baselines["macro_f1"].idxmax()]


def compare_each(
    cases: Mapping[tuple, tuple[Sequence[str], Mapping[str, Sequence[str]]]],
    keys: Sequence[str],
    reference: str = MODEL,
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> Comparison:
    """:func:`compare` for each case (a key tuple naming it → its gold labels and systems),
    the tables stacked with the key columns ``keys`` first, in the order of ``cases``."""
    scores, gains = [], []
    for key, (gold, systems) in cases.items():
        named = dict(zip(keys, key, strict=True))
        result = compare(gold, systems, reference, n_resamples, seed)
        scores.append(result.scores.assign(**named))
        gains.append(result.gains.assign(**named))

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        table = pd.concat(frames, ignore_index=True)
        return table[[*keys, *[column for column in table.columns if column not in keys]]]

    return Comparison(stacked(scores), stacked(gains))


# --- ROC AUC -------------------------------------------------------------------------------


def roc_auc(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """ROC AUC of binary labels (1 = positive) by their scores, ties counted half.

    The Mann-Whitney form (mean rank of the positives), which equals scikit-learn's
    ``roc_auc_score`` and is about 50 times faster: what a bootstrap of a thousand resamples
    needs. Raises :class:`ValueError` unless both classes occur.
    """
    y = np.asarray(y_true) == 1
    n_positive, n_negative = int(y.sum()), int((~y).sum())
    if not n_positive or not n_negative:
        raise ValueError("ROC AUC needs positive and negative examples")
    ranks = rankdata(np.asarray(scores, dtype=float))  # average ranks of ties
    return float((ranks[y].sum() - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative))


# --- learning curve ------------------------------------------------------------------------


def _nested_stratified_order(labels: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """A random order of the positions of each class; the first ``k`` of each make a
    stratified subsample, and a larger fraction extends a smaller one."""
    return [rng.permutation(np.flatnonzero(labels == label)) for label in np.unique(labels)]


def learning_curve_table(
    make_estimator: Callable[[], Any],
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    train_fractions: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0),
    n_repeats: int = 3,
    n_splits: int = 5,
    seed: int = config.SEED,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Held-out macro-F1 as the training set grows.

    Repeat ``r`` splits the data by (grouped) stratified K-fold seeded ``seed + r``; within each
    training fold, a seeded stratified subsample of each fraction (at least one item per class;
    subsamples are nested) trains a fresh ``make_estimator()``, scored on the held-out fold.
    One row per fraction: mean training size, mean and standard deviation (ddof 0, as in
    scikit-learn's ``cv_results_``) of macro-F1 over all folds and repeats, and their number.
    The fits run in ``n_jobs`` processes (the same table for any number).
    """
    if any(not 0 < fraction <= 1 for fraction in train_fractions):
        raise ValueError("train fractions must be in (0, 1]")
    texts, labels_array = list(texts), np.asarray(list(labels), dtype=object)
    runs: list[tuple[float, np.ndarray, np.ndarray]] = []
    for repeat in range(n_repeats):
        cv = cv_splitter(labels_array.tolist(), groups, n_splits, seed + repeat)
        rng = np.random.default_rng(seed + repeat)
        for train, test in cv.split(texts, labels_array.tolist(), groups):
            order = _nested_stratified_order(labels_array[train], rng)
            for fraction in train_fractions:
                chosen = np.sort(
                    np.concatenate(
                        [
                            positions[: max(1, round(fraction * len(positions)))]
                            for positions in order
                        ]
                    )
                )
                runs.append((fraction, train[chosen], test))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(fit_and_apply)(
            make_estimator(),
            [texts[i] for i in subset],
            labels_array[subset].tolist(),
            [texts[i] for i in test],
        )
        for _, subset, test in runs
    )
    scores = [
        float(
            f1_score(labels_array[test].tolist(), list(predicted), average="macro", zero_division=0)
        )
        for (_, _, test), (_, (predicted,)) in zip(runs, fitted, strict=True)
    ]
    table = (
        pd.DataFrame(
            {
                "fraction": [fraction for fraction, _, _ in runs],
                "n_train": [len(subset) for _, subset, _ in runs],
                "macro_f1": scores,
            }
        )
        .groupby("fraction", sort=True)
        .agg(
            n_train=("n_train", "mean"),
            mean_macro_f1=("macro_f1", "mean"),
            std_macro_f1=("macro_f1", lambda scores: float(np.std(scores))),
            runs=("macro_f1", "size"),
        )
    )
    return table.reset_index()


# --- calibration ---------------------------------------------------------------------------


def _one_hot(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Indicator matrix of ``y_true`` over ``classes``, checked against ``proba``'s shape."""
    classes = list(classes)
    proba = np.asarray(proba)
    if proba.shape != (len(y_true), len(classes)):
        raise ValueError(f"proba has shape {proba.shape}, expected ({len(y_true)}, {len(classes)})")
    unknown = sorted(set(y_true) - set(classes))
    if unknown:
        raise ValueError(f"label {unknown[0]!r} is not among the classes")
    return (
        np.asarray(list(y_true), dtype=object)[:, None]
        == np.asarray(classes, dtype=object)[None, :]
    ).astype(float)


def calibration_table(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str], n_bins: int = 10
) -> pd.DataFrame:
    """Reliability bins, one-vs-rest and pooled over classes.

    Every (item, class) probability falls into one of ``n_bins`` equal-width bins on [0, 1]
    (1.0 in the last); each non-empty bin gives its mean predicted probability, the observed
    frequency of the class, and the count. Counts sum to items × classes.
    """
    outcome = _one_hot(y_true, proba, classes).ravel()
    predicted = np.asarray(proba, dtype=float).ravel()
    bins = np.minimum((predicted * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "predicted": predicted, "observed": outcome})
    table = (
        frame.groupby("bin", sort=True)
        .agg(
            mean_predicted=("predicted", "mean"),
            observed_frequency=("observed", "mean"),
            count=("observed", "size"),
        )
        .reset_index()
    )
    table.insert(1, "lower", table["bin"] / n_bins)
    table.insert(2, "upper", (table["bin"] + 1) / n_bins)
    return table


def brier_score(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> float:
    """Multi-class Brier score: the mean over items of the summed squared error over classes
    (0 is perfect; a uniform guess over k classes scores 1 - 1/k)."""
    outcome = _one_hot(y_true, proba, classes)
    return float(np.mean(np.sum((np.asarray(proba, dtype=float) - outcome) ** 2, axis=1)))
