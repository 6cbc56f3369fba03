"""The experiments the notebooks report, as functions: one model per label column and language,
the test-split comparison with baselines, the cross-lingual transfer grid, and error analysis.

The notebooks (and the adaptation template) call these, so a loop that two of them need lives
here once, with a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed

from stance import config, evaluate, models
from stance.data import naive_mapping_mismatch


def model_name(label_column: str, lang: str) -> str:
    """File stem of a saved model: ``{label_column}_{lang}.skops``."""
    return f"{label_column}_{lang}"


def fit_models(train: pd.DataFrame, label_columns: Sequence[str], langs: Sequence[str],
               features: str = "auto", group_column: str | None = "group",
               n_jobs: int = 1) -> dict[str, models.ModelSelection]:
    """Select and fit one model per label column and language on ``train`` (CV inside train).

    The models are selected in parallel, ``n_jobs`` at a time (each selection itself runs in
    one process, where its feature cache works best); results do not depend on ``n_jobs``.
    Returns selections keyed by :func:`model_name`, in a fixed order.
    """
    tasks = []
    for column in label_columns:
        for lang in langs:
            rows = train[train["lang"] == lang]
            groups = rows[group_column].tolist() if group_column else None
            tasks.append((model_name(column, lang), rows["text"].tolist(), rows[column].tolist(),
                          groups, lang))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.select_model)(texts, labels, groups, lang=lang, features=features)
        for _, texts, labels, groups, lang in tasks)
    return {task[0]: selection for task, selection in zip(tasks, fitted, strict=True)}


def save_models(selections: Mapping[str, models.ModelSelection], train: pd.DataFrame,
                directory: Path = config.CONSTRUCTED_MODELS_DIR) -> list[Path]:
    """Save each selected model with the metadata needed to use it (see
    :func:`stance.models.model_metadata`)."""
    paths = []
    for name, selection in selections.items():
        column, lang = name.rsplit("_", 1)
        rows = train[train["lang"] == lang]
        path = Path(directory) / f"{name}.skops"
        models.save_selection(selection, path, rows["text"].tolist(), rows[column].tolist(),
                              target=column, lang=lang)
        paths.append(path)
    return paths


def load_models(label_columns: Sequence[str], langs: Sequence[str],
                directory: Path = config.CONSTRUCTED_MODELS_DIR
                ) -> dict[str, models.LoadedModel]:
    """The saved models for each label column and language, keyed by :func:`model_name`."""
    return {model_name(column, lang): models.load_model(
                Path(directory) / f"{model_name(column, lang)}.skops")
            for column in label_columns for lang in langs}


def selection_summary(selections: Mapping[str, models.ModelSelection]) -> pd.DataFrame:
    """One row per model: the chosen features and hyper-parameters and the CV macro-F1."""
    rows = []
    for name, selection in selections.items():
        column, lang = name.rsplit("_", 1)
        params = selection.best_params
        rows.append({
            "label": column, "lang": lang, "features": params.get("features", ""),
            "ngram_range": str(params.get("features__ngram_range", "default")),
            "C": f"{params.get('classifier__C', float('nan')):g}",
            "class_weight": str(params.get("classifier__class_weight")),
            "cv_folds": selection.n_splits, "selection_metric": selection.metric,
            "cv_score": selection.cv_score})
    return pd.DataFrame(rows)


def score_systems(gold: Sequence[str], systems: Mapping[str, Sequence[str]],
                  n_resamples: int = 1000, seed: int = config.SEED) -> pd.DataFrame:
    """Macro-F1 and F_avg with 95% bootstrap intervals, and accuracy, for each system's
    predictions of the same gold labels (same resamples for every system)."""
    rows = []
    has_pair = evaluate.side_taking_pair(gold) is not None
    for system, predicted in systems.items():
        macro = evaluate.bootstrap_ci(gold, predicted, "macro_f1", n_resamples, seed=seed)
        row = {"system": system, "macro_f1": macro["point"], "macro_f1_low": macro["low"],
               "macro_f1_high": macro["high"]}
        if has_pair:
            favg = evaluate.bootstrap_ci(gold, predicted, "f_avg", n_resamples, seed=seed)
            row.update(f_avg=favg["point"], f_avg_low=favg["low"], f_avg_high=favg["high"])
        row["accuracy"] = evaluate.classification_scores(gold, predicted)["accuracy"]
        rows.append(row)
    return pd.DataFrame(rows)


def baseline_predictions(train_labels: Sequence[str], test: pd.DataFrame,
                         seed: int = config.SEED) -> dict[str, list[str]]:
    """The three baselines of the stance evaluation for the rows of ``test``: majority class,
    stratified random, and gold sentiment read as stance."""
    return {
        "majority class": evaluate.majority_baseline(train_labels, len(test)),
        "stratified random": evaluate.stratified_baseline(train_labels, len(test), seed),
        "sentiment as stance (gold sentiment)": evaluate.sentiment_as_stance(
            test["sentiment"].tolist()),
    }


#: Hyper-parameters of the cross-lingual models, fixed rather than selected: the experiment
#: measures the gap between languages, which a per-cell search would blur.
CROSS_LINGUAL_PARAMS = {"classifier__C": 10.0, "classifier__class_weight": "balanced"}


def cross_lingual_table(train: pd.DataFrame, test: pd.DataFrame, label_columns: Sequence[str],
                        feature_kinds: Sequence[str] = ("word", "char"),
                        langs: Sequence[str] = ("en", "tr")) -> pd.DataFrame:
    """Macro-F1 of models trained in one language and tested in each, per feature kind.

    The test texts of the other language are the same statements, translated, so the
    off-diagonal cells measure transfer alone. Hyper-parameters are fixed
    (:data:`CROSS_LINGUAL_PARAMS`); text is normalised by the rules of the training language.
    """
    rows = []
    for column in label_columns:
        for kind in feature_kinds:
            for train_lang in langs:
                rows_train = train[train["lang"] == train_lang]
                estimator = models.build_pipeline(kind, train_lang, **CROSS_LINGUAL_PARAMS).fit(
                    rows_train["text"].tolist(), rows_train[column].tolist())
                for test_lang in langs:
                    rows_test = test[test["lang"] == test_lang]
                    predicted = estimator.predict(rows_test["text"].tolist())
                    scores = evaluate.classification_scores(rows_test[column].tolist(), predicted)
                    rows.append({"label": column, "features": kind, "train_lang": train_lang,
                                 "test_lang": test_lang, "macro_f1": scores["macro_f1"]})
    return pd.DataFrame(rows)


def error_analysis(test: pd.DataFrame, predicted: Sequence[str], label_column: str,
                   ) -> pd.DataFrame:
    """The test mistakes, each with what makes it hard: the statement's hard-case tag and
    whether its sentiment goes against the naive stance mapping."""
    frame = test.assign(predicted=list(predicted))
    if label_column in ("russian_foreign_policy", "ukraine_operation"):
        against = naive_mapping_mismatch(frame, label_column)
    else:
        against = pd.Series(False, index=frame.index)
    frame = frame.assign(sentiment_against_naive_mapping=against)
    mistakes = frame[frame[label_column] != frame["predicted"]]
    columns = ["id", "text", label_column, "predicted", "hard_case", "sentiment",
               "sentiment_against_naive_mapping", "genre"]
    return mistakes[columns].rename(columns={label_column: "gold"}).sort_values(
        "id", ignore_index=True)


def error_rates_by(frame: pd.DataFrame, by: str = "hard_case") -> pd.DataFrame:
    """Error rate per value of ``by`` (e.g. hard-case tag) from a boolean ``error`` column,
    with counts, highest rate first."""
    table = frame.groupby(by).agg(texts=("error", "size"), errors=("error", "sum"),
                                  error_rate=("error", "mean")).reset_index()
    return table.sort_values(["error_rate", by], ascending=[False, True], ignore_index=True)


def with_sentiment_features(stance_pipeline, source: str):
    """A copy (unfitted) of a stance pipeline that also sees sentiment, for the question "does
    sentiment help stance?".

    The pipeline takes a DataFrame with a ``text`` column (and ``sentiment`` for the oracle).
    ``source="vader"`` adds VADER's four scores computed from the text (English only);
    ``source="gold"`` adds the gold sentiment label, one-hot: an oracle that no real input has,
    giving the most sentiment could add.
    """
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    from stance.sentiment import VaderFeatures

    extra = {"vader": ("vader", VaderFeatures(), "text"),
             "gold": ("gold_sentiment", OneHotEncoder(handle_unknown="ignore"), ["sentiment"])}
    if source not in extra:
        raise ValueError(f"source must be 'vader' or 'gold', not {source!r}")
    features = ColumnTransformer(
        [("text", clone(stance_pipeline.named_steps["features"]), "text"), extra[source]])
    return Pipeline([("features", features),
                     ("classifier", clone(stance_pipeline.named_steps["classifier"]))])
