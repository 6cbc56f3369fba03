"""Models for real statements: which training data, which model, and how they score.

The question this module answers for each label (the two stance targets and sentiment): does a
model of real sentences learn best from real sentences, from the project's constructed
statements, or from both? Every candidate is scored by grouped cross-validation on the
**real training split only** (:func:`stance.models.select_with_auxiliary`), so the real test
split stays untouched until the chosen models are scored once (:func:`score_on_real_test`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import ParameterGrid

from stance import config, evaluate, models
from stance.schema import LABEL_COLUMNS, TARGETS
from stance.sentiment import vader_labels

#: The training sources compared: (name, source of :func:`~stance.models.select_with_auxiliary`,
#: weight of each constructed statement relative to a real sentence).
SOURCES = (
    ("real", "main", 1.0),
    ("real + constructed (weight 0.3)", "both", 0.3),
    ("real + constructed (weight 1)", "both", 1.0),
    ("constructed only", "auxiliary", 1.0),
)
#: The one model design the sources are compared with (the union of word and char n-grams,
#: the kind most constructed-data models chose, with class weighting for the rare classes).
SOURCE_GRID: dict[str, list[dict[str, list[Any]]]] = {
    "word+char": [{"classifier__C": [10.0], "classifier__class_weight": ["balanced"]}]
}
#: The search for the winning source's final model, kept small so the notebook stays fast: the
#: regularisation of the word + char design (word n-grams alone scored lower in cross-validation
#: for every label, so the feature kind is fixed), balanced class weights.
FINAL_GRID: dict[str, list[dict[str, list[Any]]]] = {
    "word+char": [{"classifier__C": [3.0, 10.0, 30.0], "classifier__class_weight": ["balanced"]}],
}

#: A transparent keyword baseline for stance (both targets): words that in diplomatic English
#: mostly signal condemnation of Russia's war, or its defence. Written from the guidelines'
#: rules (R4–R8), not fitted to data; a sentence with cues of both kinds, or none, is neutral.
OPPOSITION_CUES = (
    "aggression",
    "invasion",
    "invaded",
    "withdraw",
    "annexation",
    "occupation",
    "occupied",
    "war crimes",
    "atrocities",
    "unprovoked",
    "brutal",
    "condemn",
    "sanctions against russia",
    "sanctions on russia",
)
SUPPORT_CUES = (
    "special military operation",
    "liberat",
    "neo-nazi",
    "nazis",
    "russophob",
    "provocation",
    "illegitimate sanctions",
    "illegal sanctions",
    "kyiv regime",
    "kiev regime",
    "nato expansion",
    "expansion of nato",
    "genocide in donbas",
)


def keyword_stance(texts: Sequence[str]) -> list[str]:
    """The keyword baseline: ``opposition`` / ``support`` when only cues of one kind occur."""
    labels = []
    for text in texts:
        lowered = str(text).lower()
        against = any(cue in lowered for cue in OPPOSITION_CUES)
        pro = any(cue in lowered for cue in SUPPORT_CUES)
        labels.append(
            "opposition" if against and not pro else "support" if pro and not against else "neutral"
        )
    return labels


@dataclass(frozen=True)
class SourceComparison:
    """Per label: every source's CV score (``table``), the winning source (``sources``) and
    its final selection, refitted (``selections``)."""

    table: pd.DataFrame
    selections: dict[str, models.ModelSelection]
    sources: dict[str, str]


def _source_tasks(
    real_train: pd.DataFrame, constructed: pd.DataFrame, choices: Sequence[tuple[str, str]]
) -> list[models.SearchTask]:
    """The search task of each (label, training data) pair, over the real training texts
    followed by the constructed ones."""
    spec = {name: (source, weight) for name, source, weight in SOURCES}
    return [
        models.auxiliary_task(
            real_train[label].tolist(),
            real_train["group"].tolist(),
            constructed[label].tolist(),
            source=spec[name][0],
            auxiliary_weight=spec[name][1],
        )
        for label, name in choices
    ]


def choose_real_models(
    real_train: pd.DataFrame,
    constructed: pd.DataFrame,
    labels: Sequence[str] = LABEL_COLUMNS,
    n_jobs: int = 1,
) -> SourceComparison:
    """Choose each label's training data and final model by grouped 5-fold CV on the real
    training split.

    Every source in :data:`SOURCES` is scored with the fixed design :data:`SOURCE_GRID`
    (``table``: one row per label and source); for the best source of each label
    (:func:`best_sources`), :data:`FINAL_GRID` is searched and its winner refitted. The
    searches share their feature work (:func:`stance.models.cross_validate_tasks`), and the
    final search reuses the comparison's fold scores of the candidate both grids hold: the
    results are those of searching each (label, source) pair alone.
    """
    texts = [*real_train["text"], *constructed["text"]]
    choices = [(label, name) for label in labels for name, _, _ in SOURCES]
    tasks = _source_tasks(real_train, constructed, choices)
    source_candidates = list(ParameterGrid(models.candidate_grid("auto", "en", SOURCE_GRID)))
    scores = models.cross_validate_tasks(texts, tasks, source_candidates, n_jobs)
    rows = []
    for (label, name), task, score in zip(choices, tasks, scores, strict=True):
        selection = models.selection_from_scores(texts, task, source_candidates, score, refit=False)
        rows.append(
            {
                "label": label,
                "training_data": name,
                "metric": selection.metric,
                "cv_score": selection.cv_score,
                "cv_std": float(selection.cv_results[f"std_{selection.metric}"].iloc[0]),
            }
        )
    table = pd.DataFrame(rows)
    sources = best_sources(table)
    winners = list(sources.items())  # in best_sources' order (by label name)
    final_tasks = _source_tasks(real_train, constructed, winners)
    final_candidates = list(ParameterGrid(models.candidate_grid("auto", "en", FINAL_GRID)))
    source_keys = [models.candidate_key(candidate) for candidate in source_candidates]
    missing = [c for c in final_candidates if models.candidate_key(c) not in source_keys]
    missing_keys = [models.candidate_key(candidate) for candidate in missing]
    new_scores = models.cross_validate_tasks(texts, final_tasks, missing, n_jobs)
    final_scores = []
    for winner, computed in zip(winners, new_scores, strict=True):
        by_key = {
            **dict(zip(source_keys, scores[choices.index(winner)], strict=True)),
            **dict(zip(missing_keys, computed, strict=True)),
        }
        final_scores.append(np.array([by_key[models.candidate_key(c)] for c in final_candidates]))
    selections = Parallel(n_jobs=n_jobs)(
        delayed(models.selection_from_scores)(texts, task, final_candidates, score, "en")
        for task, score in zip(final_tasks, final_scores, strict=True)
    )
    return SourceComparison(
        table=table, selections=dict(zip(sources, selections, strict=True)), sources=sources
    )


def best_sources(comparison: pd.DataFrame) -> dict[str, str]:
    """The training data with the highest CV score per label (ties: the earlier source)."""
    order = {name: i for i, (name, _, _) in enumerate(SOURCES)}
    ranked = comparison.assign(order=comparison["training_data"].map(order)).sort_values(
        ["label", "cv_score", "order"], ascending=[True, False, True]
    )
    return dict(ranked.groupby("label", sort=False)["training_data"].first())


def training_rows(
    real_train: pd.DataFrame, constructed: pd.DataFrame, training_data: str
) -> pd.DataFrame:
    """The rows a source trains on (text and labels), for the model file's metadata."""
    source = {name: source for name, source, _ in SOURCES}[training_data]
    parts = {"main": [real_train], "both": [real_train, constructed], "auxiliary": [constructed]}[
        source
    ]
    return pd.concat([part[["text", *LABEL_COLUMNS]] for part in parts], ignore_index=True)


def save_real_models(
    selections: Mapping[str, models.ModelSelection],
    sources: Mapping[str, str],
    real_train: pd.DataFrame,
    constructed: pd.DataFrame,
    directory: Path | None = None,
) -> list[Path]:
    """Save each label's model as ``models/{label}_en.skops`` with where its data came from."""
    from stance.experiments import model_path

    directory = Path(directory or config.MODELS_DIR)
    paths = []
    for label, selection in selections.items():
        rows = training_rows(real_train, constructed, sources[label])
        path = model_path(directory, label, "en")
        models.save_selection(
            selection,
            path,
            rows["text"].tolist(),
            rows[label].tolist(),
            target=label,
            lang="en",
            extra={"training_data": sources[label]},
        )
        paths.append(path)
    return paths


# --- the real test -------------------------------------------------------------------------


def baseline_systems(
    label: str,
    real_train: pd.DataFrame,
    test: pd.DataFrame,
    predicted_sentiment: Sequence[str],
    seed: int = config.SEED,
) -> dict[str, list[str]]:
    """The baselines of one label on the real test rows.

    Stance: majority class, stratified random, sentiment-as-stance (from the sentiment model's
    predictions, which a user has; gold sentiment is an oracle they don't) and the keyword rule.
    Sentiment: majority, stratified and VADER.
    """
    train_labels = real_train[label].tolist()
    systems = {
        "majority class": evaluate.majority_baseline(train_labels, len(test)),
        "stratified random": evaluate.stratified_baseline(train_labels, len(test), seed),
    }
    if label in TARGETS:
        systems["sentiment as stance (predicted sentiment)"] = evaluate.sentiment_as_stance(
            list(predicted_sentiment)
        )
        systems["keyword rule"] = keyword_stance(test["text"].tolist())
    else:
        systems["VADER"] = vader_labels(test["text"].tolist())
    return systems


def real_test_systems(
    shipped: Mapping[str, Any],
    constructed_only: Mapping[str, Any],
    real_train: pd.DataFrame,
    test: pd.DataFrame,
    seed: int = config.SEED,
) -> dict[str, dict[str, list[str]]]:
    """Every system's predictions on the real test rows, per label: the shipped model
    (``"model"``), the model trained on constructed statements only, and the baselines of
    :func:`baseline_systems` (sentiment-as-stance reads the shipped sentiment model's output)."""
    texts = test["text"].tolist()
    systems = {
        label: {
            "model": list(shipped[label].predict(texts)),
            "constructed-only model": list(constructed_only[label].predict(texts)),
        }
        for label in shipped
    }
    sentiment = systems["sentiment"]["model"]
    for label, predictions in systems.items():
        predictions.update(baseline_systems(label, real_train, test, sentiment, seed))
    return systems


def score_on_real_test(
    test: pd.DataFrame,
    systems: Mapping[str, Mapping[str, Sequence[str]]],
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Macro-F1 and F_avg with 95% bootstrap intervals, and accuracy, of every system of
    :func:`real_test_systems`, one row per label and system."""
    from stance.experiments import score_systems

    frames = [
        score_systems(test[label].tolist(), predictions, n_resamples, seed).assign(label=label)
        for label, predictions in systems.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    return table[["label", *[c for c in table.columns if c != "label"]]]


def scores_by_source(
    test: pd.DataFrame,
    systems: Mapping[str, Mapping[str, Sequence[str]]],
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """:func:`score_on_real_test` within each source of the test rows (UN speeches, press
    releases), so a score pooled over sources can be read for each kind of text."""
    sources = test["source"].to_numpy()
    frames = []
    for source in sorted(set(sources)):
        positions = np.flatnonzero(sources == source)
        subset = {
            label: {name: [predicted[i] for i in positions] for name, predicted in by_name.items()}
            for label, by_name in systems.items()
        }
        table = score_on_real_test(test.iloc[positions], subset, n_resamples, seed)
        frames.append(table.assign(source=source, n=len(positions)))
    table = pd.concat(frames, ignore_index=True)
    return table[["source", "n", *[c for c in table.columns if c not in ("source", "n")]]]


def paired_gains(
    test: pd.DataFrame,
    systems: Mapping[str, Mapping[str, Sequence[str]]],
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Macro-F1 of the shipped model minus that of every other system, per label, on shared
    bootstrap resamples: the difference, its 95% interval and a two-sided p-value."""
    rows = []
    for label, predictions in systems.items():
        for other, predicted in predictions.items():
            if other == "model":
                continue
            gain = evaluate.paired_bootstrap(
                test[label].tolist(),
                predictions["model"],
                predicted,
                "macro_f1",
                n_resamples,
                seed=seed,
            )
            rows.append({"label": label, "versus": other, **gain})
    return pd.DataFrame(rows)


def temporal_scores(
    frame: pd.DataFrame,
    constructed: pd.DataFrame,
    selections: Mapping[str, models.ModelSelection],
    sources: Mapping[str, str],
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Train on the UN sessions up to 78 (and press releases), test on session 79 (2024):
    each label's chosen design and data, refitted on the temporal training rows (the labels in
    ``n_jobs`` processes)."""
    train = frame[frame["temporal_split"] == "train"]
    test = frame[frame["temporal_split"] == "test"]
    fits = []
    for label, selection in selections.items():
        data = training_rows(train, constructed, sources[label])
        estimator = models.build_pipeline(selection.best_params["features"], "en").set_params(
            **{
                key: (tuple(value) if isinstance(value, list) else value)
                for key, value in selection.best_params.items()
                if key != "features"
            }
        )
        weights = np.ones(len(data))
        if sources[label].startswith("real + constructed"):
            weight = {name: w for name, _, w in SOURCES}[sources[label]]
            weights[len(train) :] = weight
        fits.append((label, data, estimator, weights))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.fit_and_apply)(
            estimator,
            data["text"].tolist(),
            data[label].tolist(),
            test["text"].tolist(),
            classifier__sample_weight=weights,
        )
        for label, data, estimator, weights in fits
    )
    rows = []
    for (label, data, _, _), (_, (predicted,)) in zip(fits, fitted, strict=True):
        predicted = list(predicted)
        scores = evaluate.classification_scores(test[label].tolist(), predicted)
        counts = test[label].value_counts().sort_index()
        rows.append(
            {
                "label": label,
                "n_train": len(data),
                "n_test": len(test),
                "test_labels": ", ".join(f"{k} {v}" for k, v in counts.items()),
                "macro_f1": scores["macro_f1"],
                "f_avg": scores.get("f_avg"),
                "majority_macro_f1": evaluate.classification_scores(
                    test[label].tolist(),
                    evaluate.majority_baseline(train[label].tolist(), len(test)),
                )["macro_f1"],
            }
        )
    return pd.DataFrame(rows)


def ship_constructed_models(
    labels: Sequence[str], lang: str, source_dir: Path | None = None, target_dir: Path | None = None
) -> list[Path]:
    """Ship the constructed-data models of a language without real text (Turkish): copy
    ``models/constructed/{label}_{lang}.skops`` to ``models/`` (byte-identical, atomically)."""
    from stance.experiments import model_path
    from stance.io import atomic_write

    source_dir = Path(source_dir or config.CONSTRUCTED_MODELS_DIR)
    target_dir = Path(target_dir or config.MODELS_DIR)
    paths = []
    for label in labels:
        data = model_path(source_dir, label, lang).read_bytes()
        path = model_path(target_dir, label, lang)
        with atomic_write(path, "wb") as handle:
            handle.write(data)
        paths.append(path)
    return paths


def challenge_set_errors(
    shipped: Mapping[str, Any], constructed_test: pd.DataFrame
) -> pd.DataFrame:
    """Error rates of the shipped English models on the constructed test statements, per label
    and hard-case tag (highest first)."""
    from stance.experiments import error_rates_by

    rows = constructed_test[constructed_test["lang"] == "en"]
    frames = []
    for label, estimator in shipped.items():
        predicted = estimator.predict(rows["text"].tolist())
        errors = rows.assign(error=np.asarray(predicted) != rows[label].to_numpy(dtype=object))
        frames.append(error_rates_by(errors, "hard_case").assign(label=label))
    table = pd.concat(frames, ignore_index=True)
    table = table[["label", "hard_case", "texts", "errors", "error_rate"]]
    return table.sort_values(
        ["error_rate", "label", "hard_case"], ascending=[False, True, True], ignore_index=True
    )
