"""The experiments the notebooks report, as functions: one model per label column and language,
the test-split comparison with baselines (as cases of :func:`stance.evaluate.compare_each`),
the cross-lingual transfer grid, error analysis, and how sentiment relates to stance.

Models are keyed by ``(target, lang)`` tuples (:data:`ModelKey`); on disk each is
``{target}_{lang}.skops`` (:func:`stance.model_files.model_path`). :func:`model_predictions` is
the one loop that runs every model on the statements of its language; the notebooks build their
tables from its long output. ``tests/test_constructed_models.py`` tests every function here on
small data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.pipeline import Pipeline

from stance import config, evaluate, model_files, model_selection, models
from stance.baselines import baseline_systems, sentiment_as_stance
from stance.describe import naive_mapping_mismatch
from stance.model_files import model_path
from stance.schema import TARGETS

#: A model's key: its target (label column) and language, e.g. ``("ukraine_operation", "en")``.
ModelKey = tuple[str, str]

#: Columns of :func:`model_predictions` before the ``proba_<class>`` columns.
PREDICTION_COLUMNS = ("id", "target", "lang", "gold", "predicted")


def fit_models(
    train: pd.DataFrame,
    label_columns: Sequence[str],
    langs: Sequence[str],
    features: str = "auto",
    group_column: str | None = "group",
    n_jobs: int = 1,
) -> dict[ModelKey, model_selection.ModelSelection]:
    """Select and fit one model per label column and language on ``train`` (CV inside train).

    The models are selected in parallel, ``n_jobs`` at a time (each selection itself runs in
    one process, where its feature cache works best); results do not depend on ``n_jobs``.
    Returns selections keyed by ``(label column, lang)``, label columns first, in the order
    given.
    """
    tasks = []
    for column in label_columns:
        for lang in langs:
            rows = train[train["lang"] == lang]
            groups = rows[group_column].tolist() if group_column else None
            tasks.append(
                ((column, lang), rows["text"].tolist(), rows[column].tolist(), groups, lang)
            )
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(model_selection.select_model)(texts, labels, groups, lang=lang, features=features)
        for _, texts, labels, groups, lang in tasks
    )
    return {task[0]: selection for task, selection in zip(tasks, fitted, strict=True)}


def save_models(
    selections: Mapping[ModelKey, model_selection.ModelSelection],
    train: pd.DataFrame,
    directory: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Save each selected model at :func:`model_path` in ``directory`` (default: the project's
    ``models/constructed/``) with the metadata needed to use it (see
    :func:`stance.model_files.model_metadata`)."""
    directory = directory or config.CONSTRUCTED_MODELS_DIR
    paths = []
    for (column, lang), selection in selections.items():
        rows = train[train["lang"] == lang]
        path = model_path(directory, column, lang)
        model_files.save_selection(
            selection, path, rows["text"].tolist(), rows[column].tolist(), target=column, lang=lang
        )
        paths.append(path)
    return paths


def load_models(
    label_columns: Sequence[str],
    langs: Sequence[str],
    directory: str | os.PathLike[str] | None = None,
) -> dict[ModelKey, model_files.LoadedModel]:
    """The saved models (in ``directory``, default: the project's ``models/constructed/``) for
    each label column and language, keyed by ``(label column, lang)``, label columns first."""
    directory = directory or config.CONSTRUCTED_MODELS_DIR
    return {
        (column, lang): model_files.load_model(model_path(directory, column, lang))
        for column in label_columns
        for lang in langs
    }


def fitted_pipeline(model: Any):
    """The fitted pipeline of a loaded model (:func:`load_models`) or a selection
    (:func:`fit_models`); anything else is returned as it is (a fitted estimator)."""
    if isinstance(model, model_files.LoadedModel):
        return model.pipeline
    if isinstance(model, model_selection.ModelSelection):
        return model.estimator
    return model


def model_predictions(fitted: Mapping[ModelKey, Any], statements: pd.DataFrame) -> pd.DataFrame:
    """Every model's predictions for the statements in its language, as one long table.

    ``fitted`` maps ``(target, lang)`` to a loaded model, a selection or a fitted pipeline
    that takes a list of texts (see :func:`fitted_pipeline`); ``statements`` has the columns
    ``id``, ``text``, ``lang`` and each target. One row per model and statement of the model's
    language, models in the order of ``fitted`` and statements in their order (a model with no
    statement in its language has no row): ``id``, ``target``, ``lang``, ``gold`` (the
    statement's label for the target), ``predicted``, and ``proba_<class>`` for every class
    of the models, sorted (empty where a model does not have the class).
    """
    frames = []
    for (target, lang), model in fitted.items():
        pipeline = fitted_pipeline(model)
        rows = statements[statements["lang"] == lang]
        if rows.empty:
            continue
        texts = rows["text"].tolist()
        frame = pd.DataFrame(
            {
                "id": rows["id"].tolist(),
                "target": target,
                "lang": lang,
                "gold": rows[target].tolist(),
                "predicted": pipeline.predict(texts).tolist(),
            }
        )
        proba = pipeline.predict_proba(texts)
        for index, label in enumerate(pipeline.classes_.tolist()):
            frame[f"proba_{label}"] = proba[:, index]
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(PREDICTION_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    proba_columns = sorted(column for column in table.columns if column.startswith("proba_"))
    return table[[*PREDICTION_COLUMNS, *proba_columns]]


def probabilities(predictions: pd.DataFrame, classes: Sequence[str]) -> np.ndarray:
    """The ``proba_<class>`` columns of (part of) :func:`model_predictions` as an array, one
    column per class in the order of ``classes``."""
    return predictions[[f"proba_{label}" for label in classes]].to_numpy(dtype=float)


def annotate_predictions(
    predictions: pd.DataFrame,
    statements: pd.DataFrame,
    columns: Sequence[str] = ("text", "hard_case", "sentiment", "genre"),
) -> pd.DataFrame:
    """:func:`model_predictions` with the statements' ``columns`` (joined by ``id``),
    ``error`` (predicted differs from gold) and ``sentiment_against_naive_mapping`` (a stance
    target's gold side contradicts the statement's sentiment; always false for other labels).
    """
    joined = predictions.merge(
        statements[["id", *columns]], on="id", how="left", validate="many_to_one"
    )
    against = naive_mapping_mismatch(joined, "gold") & joined["target"].isin(TARGETS)
    return joined.assign(
        error=joined["gold"] != joined["predicted"], sentiment_against_naive_mapping=against
    )


def comparison_cases(
    predictions: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame, seed: int = config.SEED
) -> dict[ModelKey, tuple[list[str], dict[str, list[str]]]]:
    """The test split as cases of :func:`stance.evaluate.compare_each`, keyed like the models:
    each model's predictions (:func:`model_predictions` of ``test``) under
    :data:`stance.evaluate.MODEL`, beside the baselines of its label and language
    (:func:`stance.baselines.baseline_systems`, trained on ``train``; a stance target's
    sentiment-as-stance baseline reads the statements' gold sentiment, the heuristic's best
    case)."""
    statements = test.set_index("id")
    cases = {}
    for (target, lang), rows in predictions.groupby(["target", "lang"], sort=False):
        scored = statements.loc[rows["id"]]
        systems = {evaluate.MODEL: rows["predicted"].tolist()}
        systems.update(
            baseline_systems(
                train.loc[train["lang"] == lang, target].tolist(),
                scored["text"].tolist(),
                target,
                lang,
                sentiment=scored["sentiment"].tolist(),
                sentiment_source="gold",
                seed=seed,
            )
        )
        cases[target, lang] = (rows["gold"].tolist(), systems)
    return cases


#: Hyper-parameters of the cross-lingual models, fixed rather than selected: the experiment
#: measures the gap between languages, which a per-cell search would blur.
CROSS_LINGUAL_PARAMS = {"classifier__C": 10.0, "classifier__class_weight": "balanced"}


def cross_lingual_table(
    train: pd.DataFrame,
    test: pd.DataFrame,
    label_columns: Sequence[str],
    feature_kinds: Sequence[str] = ("word", "char"),
    langs: Sequence[str] = ("en", "tr"),
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Macro-F1 of models trained in one language and tested in each, per feature kind.

    The test texts of the other language are the same statements, translated, so the
    off-diagonal cells measure transfer alone. Hyper-parameters are fixed
    (:data:`CROSS_LINGUAL_PARAMS`); text is normalised by the rules of the training language.
    The models are fitted in ``n_jobs`` processes (the same table for any number).
    """
    fits = [
        (column, kind, train_lang)
        for column in label_columns
        for kind in feature_kinds
        for train_lang in langs
    ]
    test_texts = [test.loc[test["lang"] == lang, "text"].tolist() for lang in langs]
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.fit_and_apply)(
            models.build_pipeline(kind, train_lang, **CROSS_LINGUAL_PARAMS),
            train.loc[train["lang"] == train_lang, "text"].tolist(),
            train.loc[train["lang"] == train_lang, column].tolist(),
            *test_texts,
        )
        for column, kind, train_lang in fits
    )
    rows = []
    for (column, kind, train_lang), (_, outputs) in zip(fits, fitted, strict=True):
        for test_lang, predicted in zip(langs, outputs, strict=True):
            rows_test = test[test["lang"] == test_lang]
            scores = evaluate.classification_scores(rows_test[column].tolist(), predicted)
            rows.append(
                {
                    "label": column,
                    "features": kind,
                    "train_lang": train_lang,
                    "test_lang": test_lang,
                    "macro_f1": scores["macro_f1"],
                }
            )
    return pd.DataFrame(rows)


def error_analysis(predictions: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """The mistakes in :func:`model_predictions`, each with what makes it hard: the statement's
    hard-case tag and whether its sentiment goes against the naive stance mapping. Models in
    their order, each model's mistakes by id."""
    annotated = annotate_predictions(predictions, statements)
    annotated["model"] = pd.factorize(annotated["target"] + "\t" + annotated["lang"])[0]
    mistakes = annotated[annotated["error"]].sort_values(["model", "id"], kind="stable")
    columns = [
        "target",
        "lang",
        "id",
        "text",
        "gold",
        "predicted",
        "hard_case",
        "sentiment",
        "sentiment_against_naive_mapping",
        "genre",
    ]
    return mistakes[columns].reset_index(drop=True)


def error_rates_by(frame: pd.DataFrame, by: str = "hard_case") -> pd.DataFrame:
    """Error rate per value of ``by`` (e.g. hard-case tag) from a boolean ``error`` column,
    with counts, highest rate first."""
    table = (
        frame.groupby(by)
        .agg(texts=("error", "size"), errors=("error", "sum"), error_rate=("error", "mean"))
        .reset_index()
    )
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
    from sklearn.preprocessing import OneHotEncoder

    from stance.sentiment import VaderFeatures

    extra = {
        "vader": ("vader", VaderFeatures(), "text"),
        "gold": ("gold_sentiment", OneHotEncoder(handle_unknown="ignore"), ["sentiment"]),
    }
    if source not in extra:
        raise ValueError(f"source must be 'vader' or 'gold', not {source!r}")
    features = ColumnTransformer(
        [("text", clone(stance_pipeline.named_steps["features"]), "text"), extra[source]]
    )
    return Pipeline(
        [("features", features), ("classifier", clone(stance_pipeline.named_steps["classifier"]))]
    )


def sentiment_as_stance_table(
    statements: pd.DataFrame,
    sources: Mapping[str, pd.Series],
    targets: Sequence[str] = TARGETS,
    langs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How far reading stance off sentiment gets (positive → support, negative → opposition,
    neutral → neutral), overall and on the statements against the naive mapping.

    ``sources`` maps a name (e.g. ``"gold sentiment"``) to sentiment labels for the rows of
    ``statements`` (a Series on the same index); where a source has no label for any row of a
    language (e.g. VADER outside English), it is left out for that language. One row per
    target, language (``langs``, default: in order of appearance) and source: macro-F1 with
    its 95% bootstrap interval, the number of side-taking texts whose sentiment goes against
    the mapping, and the heuristic's accuracy on them.
    """
    langs = list(dict.fromkeys(statements["lang"])) if langs is None else langs
    table = []
    for target in targets:
        for lang in langs:
            rows = statements[statements["lang"] == lang]
            against = naive_mapping_mismatch(rows, target).to_numpy()
            gold = rows[target].tolist()
            for source, labels in sources.items():
                sentiments = labels.loc[rows.index]
                if sentiments.isna().all():
                    continue
                if sentiments.isna().any():
                    raise ValueError(f"sentiment from {source}: some {lang} rows have no label")
                predicted = sentiment_as_stance(sentiments.tolist())
                overall = evaluate.bootstrap_ci(gold, predicted, "macro_f1")
                subset = [p for p, a in zip(predicted, against, strict=True) if a]
                subset_gold = rows.loc[against, target].tolist()
                table.append(
                    {
                        "target": target,
                        "lang": lang,
                        "sentiment from": source,
                        "macro_f1": overall["point"],
                        "macro_f1_low": overall["low"],
                        "macro_f1_high": overall["high"],
                        "against_mapping_texts": len(subset_gold),
                        "accuracy_on_those": evaluate.classification_scores(subset_gold, subset)[
                            "accuracy"
                        ],
                    }
                )
    return pd.DataFrame(table)


def sentiment_feature_gains(
    fitted: Mapping[ModelKey, Any],
    train: pd.DataFrame,
    test: pd.DataFrame,
    sources: Sequence[str] = ("vader", "gold"),
) -> pd.DataFrame:
    """Does sentiment help stance? Each stance model refitted on ``train`` (rows of its
    language) with sentiment features beside its own (:func:`with_sentiment_features`, same
    hyper-parameters), against the model as it is, on the same ``test`` rows.

    ``fitted`` is keyed by ``(target, lang)`` like :func:`model_predictions`; ``sources`` are
    ``"vader"`` (used for the languages of :data:`stance.sentiment.VADER_LANGS` only) and
    ``"gold"``. One row per model and source: macro-F1 without and with the features and the
    paired bootstrap of the change (``delta``, ``low``, ``high``, ``p_value``).
    """
    from stance.sentiment import VADER_LANGS

    gains = []
    base_predictions = model_predictions(fitted, test)
    for (target, lang), base in base_predictions.groupby(["target", "lang"], sort=False):
        pipeline = fitted_pipeline(fitted[target, lang])
        rows_train, rows = train[train["lang"] == lang], test[test["lang"] == lang]
        gold, without = base["gold"].tolist(), base["predicted"].tolist()
        for source in sources:
            if source == "vader" and lang not in VADER_LANGS:
                continue
            augmented = with_sentiment_features(pipeline, source).fit(
                rows_train[["text", "sentiment"]], rows_train[target].tolist()
            )
            predicted = augmented.predict(rows[["text", "sentiment"]]).tolist()
            gains.append(
                {
                    "target": target,
                    "lang": lang,
                    "added features": source,
                    "macro_f1_without": evaluate.classification_scores(gold, without)["macro_f1"],
                    "macro_f1_with": evaluate.classification_scores(gold, predicted)["macro_f1"],
                    **evaluate.paired_bootstrap(gold, predicted, without),
                }
            )
    return pd.DataFrame(gains)
