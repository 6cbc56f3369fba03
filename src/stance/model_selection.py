"""Choosing a model: grouped cross-validation over candidate pipelines of :mod:`stance.models`,
with the feature work shared between candidates, folds and tasks that train on the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import check_scoring, f1_score, make_scorer
from sklearn.model_selection import ParameterGrid, StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from stance import config
from stance.features import fold_feature_matrices
from stance.io import InputError
from stance.models import FEATURE_KINDS, build_features, build_pipeline, feature_kind
from stance.schema import side_taking_pair

#: What model selection can maximise. ``auto`` is ``f_avg`` (mean F1 of the two side-taking
#: classes, the metric stance benchmarks report) when the labels hold support/opposition or
#: favor/against, else ``macro_f1``: select by the metric that is reported.
SELECTION_METRICS = ("auto", "macro_f1", "f_avg", "accuracy")

#: Candidate hyper-parameters per feature kind, as scikit-learn grids over the pipeline of
#: :func:`build_pipeline`. Kept small on purpose: ``features="auto"`` tries all 20 candidates, and
#: fitting the vectorisers dominates the cost (char n-grams most), so a 5-fold selection on ~500
#: texts stays within seconds. ``C`` spans an order of magnitude (tf-idf features rarely need
#: weaker or stronger regularisation); class weighting is tried because stance classes are
#: unbalanced; the union, the slowest kind, uses the default n-gram range of each part.
PARAM_GRIDS: dict[str, list[dict[str, list[Any]]]] = {
    "word": [
        {
            "features__ngram_range": [(1, 1), (1, 2)],
            "classifier__C": [1.0, 10.0],
            "classifier__class_weight": [None, "balanced"],
        }
    ],
    "char": [
        {
            "features__ngram_range": [(2, 4), (2, 5)],
            "classifier__C": [1.0, 10.0],
            "classifier__class_weight": [None, "balanced"],
        }
    ],
    "word+char": [
        {
            "classifier__C": [1.0, 10.0],
            "classifier__class_weight": [None, "balanced"],
        }
    ],
}


class TrainingDataError(InputError):
    """The training data cannot support model selection (too few classes or examples)."""


# --- model selection -----------------------------------------------------------------------


class FitCache:
    """An in-memory stand-in for :class:`joblib.Memory` (the ``memory`` of a pipeline).

    In a grid search each feature step is then fitted on each training fold once, not once per
    classifier candidate, which is most of the work. Clones of a pipeline share the cache
    (within a process: with ``n_jobs > 1`` each task works on its own copy, uncached).
    """

    def __init__(self) -> None:
        self._results: dict[str, Any] = {}

    def cache(self, func: Callable[..., Any], ignore: Sequence[str] = ()) -> Callable[..., Any]:
        def cached(*args: Any, **kwargs: Any) -> Any:
            kept = {name: value for name, value in kwargs.items() if name not in ignore}
            key = joblib.hash((func.__qualname__, args, kept))
            if key not in self._results:
                self._results[key] = func(*args, **kwargs)
            return self._results[key]

        return cached

    def __deepcopy__(self, memo: dict[int, Any]) -> FitCache:
        return self


@dataclass(frozen=True)
class ModelSelection:
    """The refitted best pipeline (``None`` when only scored), its JSON-friendly parameters,
    the metric it was chosen by and its mean CV score, every candidate's scores, and the number
    of folds actually used."""

    estimator: Pipeline | None
    best_params: dict[str, Any]
    metric: str
    cv_score: float
    cv_results: pd.DataFrame
    n_splits: int


def resolve_metric(metric: str, labels: Sequence[str]) -> str:
    """The concrete selection metric for ``labels``: ``auto`` becomes ``f_avg`` when a
    side-taking pair (support/opposition, favor/against, any case) is present, else
    ``macro_f1``. Raises :class:`ValueError` for an unknown name or ``f_avg`` without a pair."""
    if metric not in SELECTION_METRICS:
        raise ValueError(f"metric must be one of {', '.join(SELECTION_METRICS)}, not {metric!r}")
    pair = side_taking_pair(labels)
    if metric == "auto":
        return "macro_f1" if pair is None else "f_avg"
    if metric == "f_avg" and pair is None:
        raise ValueError(
            "metric f_avg needs a side-taking pair of labels (support/opposition or favor/against)"
        )
    return metric


def selection_scorer(metric: str, labels: Sequence[str]) -> Any:
    """A scikit-learn scorer for a resolved metric (see :func:`resolve_metric`)."""
    if metric == "f_avg":
        return make_scorer(
            f1_score, labels=list(side_taking_pair(labels) or ()), average="macro", zero_division=0
        )
    return {"macro_f1": "f1_macro", "accuracy": "accuracy"}[metric]


def _json_friendly(value: Any) -> Any:
    if isinstance(value, BaseEstimator):
        return feature_kind(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    """Grid parameters with the feature step as its short name and tuples as lists."""
    return {key: _json_friendly(params[key]) for key in sorted(params)}


def cv_splitter(
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    n_splits: int = 5,
    seed: int = config.SEED,
) -> StratifiedKFold | StratifiedGroupKFold:
    """A shuffled stratified K-fold, grouped when ``groups`` are given.

    ``n_splits`` is lowered to the size of the smallest class (and the number of groups), so
    every validation fold can hold each class; a :class:`TrainingDataError` says why when even
    two folds are impossible.
    """
    counts = pd.Series(list(labels), dtype=object).value_counts()
    if len(counts) < 2:
        raise TrainingDataError(f"training data need at least 2 classes, found {len(counts)}")
    if counts.min() < 2:
        rare = sorted(counts[counts < 2].index)[0]
        raise TrainingDataError(
            f"class {rare!r} has {counts.min()} example; "
            "cross-validation needs at least 2 per class"
        )
    limit = int(counts.min())
    if groups is None:
        return StratifiedKFold(n_splits=min(n_splits, limit), shuffle=True, random_state=seed)
    n_groups = len(set(groups))
    if n_groups < 2:
        raise TrainingDataError("grouped cross-validation needs at least 2 groups, found 1")
    return StratifiedGroupKFold(
        n_splits=min(n_splits, limit, n_groups), shuffle=True, random_state=seed
    )


def check_lengths(
    texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None
) -> None:
    """Fail with one line unless texts, labels (and groups) have the same length."""
    if len(texts) != len(labels) or (groups is not None and len(groups) != len(texts)):
        sizes = [len(texts), len(labels)] + ([] if groups is None else [len(groups)])
        raise TrainingDataError(f"texts, labels and groups differ in length ({sizes})")


def select_model(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    lang: str = "en",
    features: str = "auto",
    n_splits: int = 5,
    seed: int = config.SEED,
    n_jobs: int = 1,
    metric: str = "auto",
) -> ModelSelection:
    """Choose features and hyper-parameters by (grouped) stratified K-fold cross-validation.

    Parameters
    ----------
    texts, labels
        The training texts and their labels.
    groups
        Optional group of each text; a group never spans a training and a validation fold.
    lang
        Language code of the texts (the normaliser is Turkish-aware for ``"tr"``).
    features
        ``"auto"`` searches the grids of every kind in :data:`PARAM_GRIDS` together (the feature
        step itself is a grid parameter), or one of :data:`FEATURE_KINDS`.
    n_splits, seed, n_jobs
        Folds (lowered when a class or the groups are too few), shuffling seed, parallel fits.
    metric
        What the search maximises, one of :data:`SELECTION_METRICS` (see :func:`resolve_metric`).

    Returns
    -------
    ModelSelection
        The best candidate refitted on all data (ties go to the earlier candidate, as in
        :class:`~sklearn.model_selection.GridSearchCV`), and every candidate's CV scores.

    Examples
    --------
    >>> texts = ["We condemn the invasion.", "Russia was right to act.", "Talks on trade."] * 4
    >>> labels = ["opposition", "support", "neutral"] * 4
    >>> selection = select_model(texts, labels, [f"g{i}" for i in range(12)], lang="en")
    >>> selection.metric, selection.n_splits
    ('f_avg', 4)
    """
    check_lengths(texts, labels, groups)
    metric = resolve_metric(metric, labels)
    cv = cv_splitter(labels, groups, n_splits, seed)
    task = SearchTask(list(labels), list(cv.split(texts, labels, groups)), metric)
    return _search(list(texts), task, candidate_grid(features, lang), lang, n_jobs)


def candidate_grid(
    features: str = "auto",
    lang: str = "en",
    grids: dict[str, list[dict[str, list[Any]]]] | None = None,
) -> list[dict[str, Any]]:
    """The search space of :func:`select_model`: :data:`PARAM_GRIDS` (or ``grids``) for one
    feature kind or, with ``"auto"``, for every kind the grids name, the feature step a grid
    parameter."""
    grids = PARAM_GRIDS if grids is None else grids
    kinds = tuple(k for k in FEATURE_KINDS if k in grids) if features == "auto" else (features,)
    for kind in kinds:
        if kind not in grids:
            named = ", ".join(k for k in FEATURE_KINDS if k in grids)
            raise ValueError(f"features must be one of auto, {named}, not {kind!r}")
    steps = {kind: build_features(kind, lang) for kind in kinds}
    return [{"features": [steps[kind]], **candidate} for kind in kinds for candidate in grids[kind]]


def _split_candidate(candidate: dict[str, Any]) -> tuple[BaseEstimator, dict[str, Any]]:
    """A grid candidate as its configured (unfitted) feature step and classifier parameters."""
    unknown = [
        key
        for key in candidate
        if key != "features" and not key.startswith(("features__", "classifier__"))
    ]
    if unknown or "features" not in candidate:
        raise ValueError(
            f"a candidate sets the feature step and features__/classifier__ "
            f"parameters only, not {unknown or ['(no features)']}"
        )
    step = clone(candidate["features"]).set_params(
        **{
            key.removeprefix("features__"): value
            for key, value in candidate.items()
            if key.startswith("features__")
        }
    )
    return step, {
        key.removeprefix("classifier__"): value
        for key, value in candidate.items()
        if key.startswith("classifier__")
    }


@dataclass(frozen=True)
class SearchTask:
    """One model selection to run in a shared search (:func:`cross_validate_tasks`).

    ``labels`` and ``sample_weight`` cover every text of the search; ``folds`` are (training
    rows, validation rows) pairs; the chosen candidate is refitted on ``refit_rows`` (all rows
    when ``None``). Tasks over the same texts share their feature work wherever their training
    rows are the same, e.g. several labels of one corpus, or one corpus at several weights.
    """

    labels: list[str]
    folds: list[tuple[np.ndarray, np.ndarray]]
    metric: str
    sample_weight: np.ndarray | None = None
    refit_rows: np.ndarray | None = None


def _training_key(rows: np.ndarray) -> bytes:
    return np.asarray(rows, dtype=np.int64).tobytes()


def _group_scores(
    texts: list[str],
    train_rows: np.ndarray,
    members: list[tuple[int, int, np.ndarray]],
    tasks: list[SearchTask],
    candidates: list[dict[str, Any]],
) -> list[tuple[int, int, list[float]]]:
    """Every candidate's validation score for the (task, fold) pairs that train on one row set.

    Exactly what :class:`~sklearn.model_selection.GridSearchCV` computes for the pipeline of
    :func:`build_pipeline`, with the feature work shared: each distinct feature step is fitted
    once on the rows (and word/char sub-ranges sliced from the widest, see
    :func:`stance.features.fold_feature_matrices`), the validation rows are transformed once,
    and a classifier fitted for a task is scored on each of its folds that train on these rows.
    """
    train_texts = [texts[i] for i in train_rows]
    validation_sets: dict[bytes, tuple[int, int]] = {}
    validation_texts: list[str] = []
    for _, _, rows in members:
        key = _training_key(rows)
        if key not in validation_sets:
            validation_sets[key] = (len(validation_texts), len(validation_texts) + len(rows))
            validation_texts.extend(texts[i] for i in rows)
    split = [_split_candidate(candidate) for candidate in candidates]
    keys = [repr(step) for step, _ in split]
    distinct = dict(zip(keys, (step for step, _ in split), strict=False))
    matrices = dict(
        zip(
            distinct,
            fold_feature_matrices(list(distinct.values()), train_texts, validation_texts),
            strict=True,
        )
    )
    by_task: dict[int, list[tuple[int, np.ndarray]]] = {}
    for task_index, fold_index, rows in members:
        by_task.setdefault(task_index, []).append((fold_index, rows))
    scores = {(task, fold): [] for task, fold, _ in members}
    for task_index, task_folds in by_task.items():
        task = tasks[task_index]
        scorer = check_scoring(build_pipeline(), scoring=selection_scorer(task.metric, task.labels))
        train_labels = [task.labels[i] for i in train_rows]
        fit_params = (
            {} if task.sample_weight is None else {"sample_weight": task.sample_weight[train_rows]}
        )
        for key, (_, classifier_params) in zip(keys, split, strict=True):
            train_matrix, validation_matrix = matrices[key]
            classifier = build_pipeline().named_steps["classifier"].set_params(**classifier_params)
            classifier.fit(train_matrix, train_labels, **fit_params)
            for fold_index, rows in task_folds:
                start, stop = validation_sets[_training_key(rows)]
                score = scorer(
                    classifier, validation_matrix[start:stop], [task.labels[i] for i in rows]
                )
                scores[task_index, fold_index].append(float(score))
    return [(task, fold, values) for (task, fold), values in scores.items()]


def cross_validate_tasks(
    texts: Sequence[str],
    tasks: Sequence[SearchTask],
    candidates: Sequence[dict[str, Any]],
    n_jobs: int = 1,
) -> list[np.ndarray]:
    """Validation scores of every candidate on every fold of every task (candidates × folds).

    The (task, fold) pairs are grouped by their training rows, and each group is one parallel
    job that fits the feature steps once (:func:`_group_scores`): the scores are the same as
    searching each task alone, with a fraction of the feature fits.
    """
    texts, tasks, candidates = list(texts), list(tasks), list(candidates)
    groups: dict[bytes, tuple[np.ndarray, list[tuple[int, int, np.ndarray]]]] = {}
    for task_index, task in enumerate(tasks):
        for fold_index, (train_rows, validation_rows) in enumerate(task.folds):
            key = _training_key(train_rows)
            groups.setdefault(key, (np.asarray(train_rows), []))[1].append(
                (task_index, fold_index, np.asarray(validation_rows))
            )
    # one BLAS thread: these problems are too small to gain from more, and results then do not
    # depend on the machine's thread count
    with threadpool_limits(limits=1):
        results = Parallel(n_jobs=n_jobs)(
            delayed(_group_scores)(texts, train_rows, members, tasks, candidates)
            for train_rows, members in groups.values()
        )
    scores = [np.empty((len(candidates), len(task.folds)), dtype=np.float64) for task in tasks]
    for group in results:
        for task_index, fold_index, values in group:
            scores[task_index][:, fold_index] = values
    return scores


def candidate_key(candidate: dict[str, Any]) -> str:
    """A candidate's parameters as canonical JSON (the ``params`` column of a CV table), so
    candidates of different grids can be matched."""
    return json.dumps(_readable(candidate), sort_keys=True)


def selection_from_scores(
    texts: Sequence[str],
    task: SearchTask,
    candidates: Sequence[dict[str, Any]],
    scores: np.ndarray,
    lang: str = "en",
    refit: bool = True,
) -> ModelSelection:
    """The selection a task's CV scores (candidates × folds) make, refitted on its rows.

    Means, standard deviations and ranks are those of
    :class:`~sklearn.model_selection.GridSearchCV` (ties to the earlier candidate). With
    ``refit=False`` the selection carries no estimator: for comparisons that only need scores.
    """
    candidates = list(candidates)
    means = np.average(scores, axis=1)
    stds = np.sqrt(np.average((scores - means[:, np.newaxis]) ** 2, axis=1))
    ranks = rankdata(-means, method="min").astype(np.int32)
    best_index = int(ranks.argmin())
    best = None
    if refit:
        rows = np.arange(len(texts)) if task.refit_rows is None else np.asarray(task.refit_rows)
        first_kind = feature_kind(candidates[0]["features"])
        best = build_pipeline(first_kind, lang).set_params(**candidates[best_index])
        weights = task.sample_weight
        refit_params = {} if weights is None else {"classifier__sample_weight": weights[rows]}
        with threadpool_limits(limits=1):
            best.fit([texts[i] for i in rows], [task.labels[i] for i in rows], **refit_params)
    metric = task.metric
    readable = [_readable(params) for params in candidates]
    table = pd.DataFrame(
        {
            "rank": [int(rank) for rank in ranks],
            f"mean_{metric}": [round(float(mean), 4) for mean in means],
            f"std_{metric}": [round(float(std), 4) for std in stds],
        }
    )
    # object columns keep None (no class weight) apart from NaN (parameter not applicable)
    table = pd.concat([table, pd.DataFrame(readable, dtype=object)], axis=1).assign(
        params=[json.dumps(params, sort_keys=True) for params in readable]
    )
    table = table.sort_values(["rank", "params"], kind="stable", ignore_index=True)
    return ModelSelection(
        estimator=best,
        best_params=readable[best_index],
        metric=metric,
        cv_score=round(float(means[best_index]), 4),
        cv_results=table,
        n_splits=len(task.folds),
    )


def _search(
    texts: list[str],
    task: SearchTask,
    grid: list[dict[str, Any]],
    lang: str,
    n_jobs: int,
) -> ModelSelection:
    """Grid search of one task, then refit the best candidate (see :class:`SearchTask`)."""
    candidates = list(ParameterGrid(grid))
    (scores,) = cross_validate_tasks(texts, [task], candidates, n_jobs)
    return selection_from_scores(texts, task, candidates, scores, lang)


#: How a model can use a second, auxiliary training set (the constructed statements) beside
#: the main one (real sentences): not at all, both with the auxiliary rows weighted, or the
#: auxiliary set alone. Validation folds are always main-set rows only.
TRAINING_SOURCES = ("main", "both", "auxiliary")


def select_with_auxiliary(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    auxiliary_texts: Sequence[str],
    auxiliary_labels: Sequence[str],
    *,
    source: str = "main",
    auxiliary_weight: float = 1.0,
    lang: str = "en",
    features: str = "auto",
    grids: dict[str, list[dict[str, list[Any]]]] | None = None,
    n_splits: int = 5,
    seed: int = config.SEED,
    n_jobs: int = 1,
    metric: str = "auto",
) -> ModelSelection:
    """Like :func:`select_model`, scored on grouped folds of the main set only, but trained on
    the main set, on main + auxiliary (auxiliary rows weighted ``auxiliary_weight``), or on the
    auxiliary set alone (``source``).

    Every source is scored on the same validation folds, so their CV scores compare directly:
    this is how the project asks whether constructed statements help a model of real text.
    The chosen candidate is refitted on the rows its source trains on.
    """
    check_lengths(texts, labels, groups)
    check_lengths(auxiliary_texts, auxiliary_labels)
    task = auxiliary_task(
        labels,
        groups,
        auxiliary_labels,
        source=source,
        auxiliary_weight=auxiliary_weight,
        n_splits=n_splits,
        seed=seed,
        metric=metric,
    )
    texts = [*texts, *auxiliary_texts]
    return _search(texts, task, candidate_grid(features, lang, grids), lang, n_jobs)


def auxiliary_task(
    labels: Sequence[str],
    groups: Sequence[str],
    auxiliary_labels: Sequence[str],
    *,
    source: str = "main",
    auxiliary_weight: float = 1.0,
    n_splits: int = 5,
    seed: int = config.SEED,
    metric: str = "auto",
) -> SearchTask:
    """The search task of :func:`select_with_auxiliary`, over the main texts followed by the
    auxiliary ones: grouped folds of the main rows, each training on its source's rows (a
    :func:`mixture_task` with one auxiliary part)."""
    if source not in TRAINING_SOURCES:
        raise ValueError(f"source must be one of {', '.join(TRAINING_SOURCES)}, not {source!r}")
    return mixture_task(
        labels,
        groups,
        [auxiliary_labels],
        trainable=np.full(len(labels), source != "auxiliary"),
        part_weights=[float(auxiliary_weight)],
        use_parts=[source != "main"],
        n_splits=n_splits,
        seed=seed,
        metric=metric,
    )


def mixture_task(
    labels: Sequence[str],
    groups: Sequence[str],
    parts: Sequence[Sequence[str]],
    *,
    trainable: Sequence[bool] | np.ndarray,
    part_weights: Sequence[float],
    use_parts: Sequence[bool] | None = None,
    n_splits: int = 5,
    seed: int = config.SEED,
    metric: str = "auto",
    strata: Sequence[str] | None = None,
) -> SearchTask:
    """A search task that validates on grouped folds of the main rows and trains on a mixture.

    The texts of the search are the main rows followed by each auxiliary part in turn (the
    labels of ``parts``). A fold trains on its training main rows that are ``trainable`` (for
    example only the tweets of a main set of tweets and speeches, or none of them) and on every
    part in ``use_parts`` (default: the parts whose weight is above 0), each row of a part
    weighted by its ``part_weights`` entry and every main row by 1. The chosen candidate is
    refitted on the trainable main rows and the used parts. Every mixture over the same main
    rows is scored on the same validation folds, so their CV scores compare directly; with
    ``strata`` (one per main row, e.g. :func:`stance.splits.joint_strata`) the folds are
    stratified by them instead of by ``labels``, so tasks of several labels share their folds
    and :func:`cross_validate_tasks` fits each fold's features once for all of them.
    """
    trainable = np.asarray(trainable, dtype=bool)
    if len(trainable) != len(labels) or len(part_weights) != len(parts):
        raise ValueError("trainable must cover the main rows and part_weights the parts")
    if use_parts is None:
        use_parts = [weight > 0 for weight in part_weights]
    metric = resolve_metric(metric, labels)
    n_main = len(labels)
    starts = np.cumsum([n_main, *[len(part) for part in parts]])
    part_rows = [
        np.arange(start, start + len(part)) for start, part in zip(starts, parts, strict=False)
    ]
    used = [rows for rows, use in zip(part_rows, use_parts, strict=True) if use]
    if not trainable.any() and not used:
        raise ValueError("a mixture must train on some rows")
    stratify = labels if strata is None else list(strata)
    main_folds = cv_splitter(stratify, groups, n_splits, seed).split(labels, stratify, groups)
    folds = [
        (np.concatenate([train_rows[trainable[train_rows]], *used]), val_rows)
        for train_rows, val_rows in main_folds
    ]
    weights = np.concatenate(
        [np.ones(n_main)]
        + [np.full(len(part), float(w)) for part, w in zip(parts, part_weights, strict=True)]
    )
    return SearchTask(
        [*labels, *[label for part in parts for label in part]],
        folds,
        metric,
        sample_weight=weights,
        refit_rows=np.concatenate([np.flatnonzero(trainable), *used]),
    )


def selection_summary(
    selections: Mapping[tuple[str, str], ModelSelection],
) -> pd.DataFrame:
    """One row per selection, keyed ``(label, lang)``: the chosen features and
    hyper-parameters and the CV score."""
    rows = []
    for (column, lang), selection in selections.items():
        params = selection.best_params
        rows.append(
            {
                "label": column,
                "lang": lang,
                "features": params.get("features", ""),
                "ngram_range": str(params.get("features__ngram_range", "default")),
                "C": f"{params.get('classifier__C', float('nan')):g}",
                "class_weight": str(params.get("classifier__class_weight")),
                "cv_folds": selection.n_splits,
                "selection_metric": selection.metric,
                "cv_score": selection.cv_score,
            }
        )
    return pd.DataFrame(rows)
