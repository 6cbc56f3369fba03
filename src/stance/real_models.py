"""Models for real text: which training data, which model, and how they score.

The question this module answers for each label (the two stance targets and sentiment) and
language: does a model of real text learn best from real text of the same kind, of another kind
(statements, tweets, news), from translations, from the project's constructed statements, or
from a mix? Every option (:data:`ENGLISH_TRAINING`, :data:`TURKISH_TRAINING`) is scored by
grouped cross-validation on the **real training split of the language only**
(:func:`stance.model_selection.mixture_task`), so the real test split stays untouched until the
chosen models are scored once, beside the baselines (:func:`real_test_systems`, scored by
:func:`stance.evaluate.compare_each`).
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

from stance import config, evaluate, model_files, model_selection, models
from stance.baselines import baseline_systems, majority_baseline
from stance.schema import LABEL_COLUMNS, TARGETS
from stance.splits import joint_strata


@dataclass(frozen=True)
class TrainingData:
    """One training set that the comparison scores: which real training rows of the language
    train (``main``: their genres; empty: none) and the weight of each auxiliary part (in the
    order of the ``parts`` given to :func:`choose_real_models`; 0: not used). Validation folds
    are always the language's real training rows, so every option is scored on the same texts."""

    name: str
    main: tuple[str, ...]
    weights: tuple[float, ...]


#: Grouped cross-validation folds of the comparison.
N_FOLDS = 5
#: The logistic-regression solver of the real-text grids. It minimises the same objective as the
#: default lbfgs, but on the ~200,000 word and character n-gram columns of several thousand real
#: texts it converges in a few Newton steps instead of dozens of gradient steps: about four times
#: faster per fit here, with the same predictions on more than 99% of the training texts.
REAL_SOLVER = "newton-cg"

STATEMENT_GENRES = ("speech", "press_release")
#: The English options: real statements (UN speeches and press releases), real tweets, both,
#: with or without the constructed statements (the one auxiliary part) at weight 0.3, or the
#: constructed statements alone. A first run with the tweets also scored statements +
#: constructed at weight 1: it ranked first for no label, and was dropped because each option
#: costs fits on every label and fold.
ENGLISH_TRAINING = (
    TrainingData("statements", STATEMENT_GENRES, (0.0,)),
    TrainingData("statements + constructed (weight 0.3)", STATEMENT_GENRES, (0.3,)),
    TrainingData("constructed only", (), (1.0,)),
    TrainingData("tweets", ("tweet",), (0.0,)),
    TrainingData("statements + tweets", (*STATEMENT_GENRES, "tweet"), (0.0,)),
    TrainingData(
        "statements + tweets + constructed (weight 0.3)", (*STATEMENT_GENRES, "tweet"), (0.3,)
    ),
)
NATIVE_TURKISH = ("tweet", "news")
#: The Turkish options: real Turkish tweets and news, and two auxiliary parts, the Turkish
#: translations of the English statements and the Turkish constructed statements, beside the
#: real text (translations at weight 0.3 or 1, constructed statements at 0.3, both at 0.3) or
#: alone. A first run with three more mixes (translated + constructed alone; constructed at
#: weight 1; translated 1 + constructed 0.3) ranked none of them first for any label; they
#: were dropped to keep the notebook's run time down.
TURKISH_TRAINING = (
    TrainingData("constructed only", (), (0.0, 1.0)),
    TrainingData("translated only", (), (1.0, 0.0)),
    TrainingData("tweets + news", NATIVE_TURKISH, (0.0, 0.0)),
    TrainingData("tweets + news + translated (weight 0.3)", NATIVE_TURKISH, (0.3, 0.0)),
    TrainingData("tweets + news + translated (weight 1)", NATIVE_TURKISH, (1.0, 0.0)),
    TrainingData("tweets + news + constructed (weight 0.3)", NATIVE_TURKISH, (0.0, 0.3)),
    TrainingData(
        "tweets + news + translated (weight 0.3) + constructed (weight 0.3)",
        NATIVE_TURKISH,
        (0.3, 0.3),
    ),
)
#: The one model design the options are compared with (the union of word and char n-grams,
#: the kind most constructed-data models chose, with class weighting for the rare classes).
SOURCE_GRID: dict[str, list[dict[str, list[Any]]]] = {
    "word+char": [
        {
            "classifier__C": [10.0],
            "classifier__class_weight": ["balanced"],
            "classifier__solver": [REAL_SOLVER],
        }
    ]
}
#: The search for the winning option's final model, per language, kept small so the notebook
#: stays fast: the regularisation of the word + char design (word n-grams alone scored lower in
#: cross-validation for every label, so the n-gram kinds are fixed) with balanced class weights
#: and, for Turkish, the same with the keyword rule's cue counts beside the n-grams
#: (:class:`stance.features.KeywordCueCounts`): with few side-taking Turkish texts, an n-gram
#: model learns little about rare cue phrases. A run that searched the cue counts in English too
#: chose them for all three English labels, but with CV gains of at most 0.009 for 130 s more
#: notebook time, so the English search keeps the n-grams alone.
_FINAL_CANDIDATES = [
    {
        "classifier__C": [3.0, 10.0, 30.0],
        "classifier__class_weight": ["balanced"],
        "classifier__solver": [REAL_SOLVER],
    }
]
FINAL_GRIDS: dict[str, dict[str, list[dict[str, list[Any]]]]] = {
    "en": {"word+char": _FINAL_CANDIDATES},
    "tr": {"word+char": _FINAL_CANDIDATES, "word+char+cues": _FINAL_CANDIDATES},
}


@dataclass(frozen=True)
class SourceComparison:
    """Per label: every option's CV score (``table``), the winning option (``sources``) and
    its final selection, refitted (``selections``)."""

    table: pd.DataFrame
    selections: dict[str, model_selection.ModelSelection]
    sources: dict[str, str]


def _tasks(
    real_train: pd.DataFrame,
    parts: Sequence[pd.DataFrame],
    options: Sequence[TrainingData],
    choices: Sequence[tuple[str, str]],
) -> list[model_selection.SearchTask]:
    """The search task of each (label, option) pair, over the real training texts followed by
    each auxiliary part's. Every label's folds are the same, stratified by the joint stance
    labels (:func:`stance.splits.joint_strata`), so each fold's features are fitted once for
    all three labels."""
    by_name = {option.name: option for option in options}
    genres = real_train["genre"].to_numpy()
    strata = joint_strata(real_train[TARGETS[0]], real_train[TARGETS[1]], N_FOLDS)
    return [
        model_selection.mixture_task(
            real_train[label].tolist(),
            real_train["group"].tolist(),
            [part[label].tolist() for part in parts],
            trainable=np.isin(genres, by_name[name].main),
            part_weights=by_name[name].weights,
            n_splits=N_FOLDS,
            strata=strata,
        )
        for label, name in choices
    ]


def choose_real_models(
    real_train: pd.DataFrame,
    parts: Sequence[pd.DataFrame],
    options: Sequence[TrainingData],
    lang: str,
    labels: Sequence[str] = LABEL_COLUMNS,
    n_jobs: int = 1,
) -> SourceComparison:
    """Choose each label's training data and final model by grouped 5-fold CV on the real
    training rows of one language.

    Every option of ``options`` (:data:`ENGLISH_TRAINING`, :data:`TURKISH_TRAINING`) is scored
    with the fixed design :data:`SOURCE_GRID` on the same folds of ``real_train`` (``table``:
    one row per label and option); for the best option of each label (:func:`best_sources`),
    the language's grid of :data:`FINAL_GRIDS` is searched and its winner refitted. The
    searches share their feature work (:func:`stance.model_selection.cross_validate_tasks`),
    and the final search reuses the comparison's fold scores of the candidate both grids hold:
    the results are those of searching each (label, option) pair alone.
    """
    texts = [*real_train["text"], *[text for part in parts for text in part["text"]]]
    choices = [(label, option.name) for label in labels for option in options]
    tasks = _tasks(real_train, parts, options, choices)
    source_candidates = list(
        ParameterGrid(model_selection.candidate_grid("auto", lang, SOURCE_GRID))
    )
    scores = model_selection.cross_validate_tasks(texts, tasks, source_candidates, n_jobs)
    rows = []
    for (label, name), task, score in zip(choices, tasks, scores, strict=True):
        selection = model_selection.selection_from_scores(
            texts, task, source_candidates, score, refit=False
        )
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
    sources = best_sources(table, options)
    winners = list(sources.items())  # in best_sources' order (by label name)
    final_tasks = _tasks(real_train, parts, options, winners)
    final_candidates = list(
        ParameterGrid(model_selection.candidate_grid("auto", lang, FINAL_GRIDS[lang]))
    )
    source_keys = [model_selection.candidate_key(candidate) for candidate in source_candidates]
    missing = [c for c in final_candidates if model_selection.candidate_key(c) not in source_keys]
    missing_keys = [model_selection.candidate_key(candidate) for candidate in missing]
    new_scores = model_selection.cross_validate_tasks(texts, final_tasks, missing, n_jobs)
    final_scores = []
    for winner, computed in zip(winners, new_scores, strict=True):
        by_key = {
            **dict(zip(source_keys, scores[choices.index(winner)], strict=True)),
            **dict(zip(missing_keys, computed, strict=True)),
        }
        final_scores.append(
            np.array([by_key[model_selection.candidate_key(c)] for c in final_candidates])
        )
    selections = Parallel(n_jobs=n_jobs)(
        delayed(model_selection.selection_from_scores)(texts, task, final_candidates, score, lang)
        for task, score in zip(final_tasks, final_scores, strict=True)
    )
    return SourceComparison(
        table=table, selections=dict(zip(sources, selections, strict=True)), sources=sources
    )


def selection_table(choices: Mapping[str, SourceComparison]) -> pd.DataFrame:
    """One row per shipped model (language, label): its training data, the metric and CV score
    it was selected by, and its chosen hyper-parameters (the ``results/real_model_selection``
    table)."""
    return pd.DataFrame(
        [
            {
                "lang": lang,
                "label": label,
                "training_data": choice.sources[label],
                "selected_by": selection.metric,
                "cv_score": selection.cv_score,
                **{key.split("__")[-1]: str(value) for key, value in selection.best_params.items()},
            }
            for lang, choice in choices.items()
            for label, selection in choice.selections.items()
        ]
    )


def best_sources(comparison: pd.DataFrame, options: Sequence[TrainingData]) -> dict[str, str]:
    """The training data with the highest CV score per label (ties: the earlier option)."""
    order = {option.name: i for i, option in enumerate(options)}
    ranked = comparison.assign(order=comparison["training_data"].map(order)).sort_values(
        ["label", "cv_score", "order"], ascending=[True, False, True]
    )
    return dict(ranked.groupby("label", sort=False)["training_data"].first())


def training_rows(
    real_train: pd.DataFrame, parts: Sequence[pd.DataFrame], option: TrainingData
) -> pd.DataFrame:
    """The rows an option trains on (text, labels and ``weight``), in the order the search's
    refit uses: the option's real rows, then each part it uses."""
    chosen = [real_train[real_train["genre"].isin(option.main)].assign(weight=1.0)]
    chosen += [
        part.assign(weight=weight)
        for part, weight in zip(parts, option.weights, strict=True)
        if weight > 0
    ]
    return pd.concat(
        [rows[["text", *LABEL_COLUMNS, "weight"]] for rows in chosen], ignore_index=True
    )


def training_composition(
    real_train: pd.DataFrame, parts: Mapping[str, pd.DataFrame], option: TrainingData
) -> pd.DataFrame:
    """What an option trains on, for a model card: the number of real texts per kind
    (:func:`stance.real.text_kind`) and of texts of each auxiliary part it uses (``parts``:
    by name, in the option's order), with the weight of each text."""
    from stance.real import text_kind

    real_rows = real_train[real_train["genre"].isin(option.main)]
    rows = [
        {"part": kind, "texts": int(count), "weight": 1.0}
        for kind, count in text_kind(real_rows).value_counts().sort_index().items()
    ]
    rows += [
        {"part": name, "texts": len(part), "weight": weight}
        for (name, part), weight in zip(parts.items(), option.weights, strict=True)
        if weight > 0
    ]
    return pd.DataFrame(rows, columns=["part", "texts", "weight"])


def save_real_models(
    selections: Mapping[str, model_selection.ModelSelection],
    sources: Mapping[str, str],
    real_train: pd.DataFrame,
    parts: Sequence[pd.DataFrame],
    options: Sequence[TrainingData],
    lang: str,
    directory: Path | None = None,
) -> list[Path]:
    """Save each label's model as ``models/{label}_{lang}.skops`` with its training data."""
    from stance.model_files import model_path

    by_name = {option.name: option for option in options}
    directory = Path(directory or config.MODELS_DIR)
    paths = []
    for label, selection in selections.items():
        rows = training_rows(real_train, parts, by_name[sources[label]])
        path = model_path(directory, label, lang)
        model_files.save_selection(
            selection,
            path,
            rows["text"].tolist(),
            rows[label].tolist(),
            target=label,
            lang=lang,
            extra={"training_data": sources[label]},
        )
        paths.append(path)
    return paths


# --- the real test -------------------------------------------------------------------------


#: The system name of the model trained on the language's constructed statements only.
CONSTRUCTED_ONLY = "constructed-only model"


def real_test_systems(
    shipped: Mapping[str, Any],
    constructed_only: Mapping[str, Any],
    real_train: pd.DataFrame,
    test: pd.DataFrame,
    seed: int = config.SEED,
    lang: str = "en",
) -> dict[str, dict[str, list[str]]]:
    """Every system's predictions on the real test rows of one language, per label: the
    shipped model (:data:`stance.evaluate.MODEL`), the model trained on constructed statements
    only (:data:`CONSTRUCTED_ONLY`), and the baselines of
    :func:`stance.baselines.baseline_systems` (sentiment as stance reads the shipped sentiment
    model's output, which a user has; gold sentiment is an oracle they don't)."""
    texts = test["text"].tolist()
    systems = {
        label: {
            evaluate.MODEL: list(shipped[label].predict(texts)),
            CONSTRUCTED_ONLY: list(constructed_only[label].predict(texts)),
        }
        for label in shipped
    }
    sentiment = systems["sentiment"][evaluate.MODEL]
    for label, predictions in systems.items():
        predictions.update(
            baseline_systems(
                real_train[label].tolist(), texts, label, lang, sentiment, "predicted", seed
            )
        )
    return systems


def test_cases(
    tests: Mapping[str, pd.DataFrame],
    systems: Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]],
) -> dict[tuple[str, str], tuple[list[str], Mapping[str, Sequence[str]]]]:
    """The real test as cases of :func:`stance.evaluate.compare_each`, keyed ``(lang, label)``:
    each language's test rows (``tests``) and its systems of :func:`real_test_systems`."""
    return {
        (lang, label): (tests[lang][label].tolist(), predictions)
        for lang, by_label in systems.items()
        for label, predictions in by_label.items()
    }


def kind_cases(
    test: pd.DataFrame, systems: Mapping[str, Mapping[str, Sequence[str]]]
) -> dict[tuple[str, int, str], tuple[list[str], dict[str, list[str]]]]:
    """The real test within each kind of text of ``test`` (:func:`stance.real.text_kind`: UN
    speeches, press releases, tweets, news, translations), as cases of
    :func:`stance.evaluate.compare_each` keyed ``(kind, n, label)``, so a score pooled over
    kinds can be read for each of them."""
    from stance.real import text_kind

    kinds = text_kind(test).to_numpy()
    cases = {}
    for kind in sorted(set(kinds)):
        positions = np.flatnonzero(kinds == kind)
        for label, by_name in systems.items():
            cases[kind, len(positions), label] = (
                test[label].iloc[positions].tolist(),
                {name: [predicted[i] for i in positions] for name, predicted in by_name.items()},
            )
    return cases


def headline_table(by_kind: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of test text: the shipped model's macro-F1 with its 95% interval for
    each label, and beside it the best baseline's macro-F1 (name and score), from the scores of
    :func:`kind_cases`. The compact table the README leads with."""
    rows = []
    for kind, part in by_kind.groupby("kind", sort=False):
        row: dict[str, Any] = {"kind": kind, "n": int(part["n"].iloc[0])}
        for label in LABEL_COLUMNS:
            model, best = evaluate.model_and_best_baseline(part[part["label"] == label])
            row[f"{label} (model)"] = (
                f"{model['macro_f1']:.2f} [{model['macro_f1_low']:.2f}, "
                f"{model['macro_f1_high']:.2f}]"
            )
            row[f"{label} (best baseline)"] = f"{best['macro_f1']:.2f} ({best['system']})"
        rows.append(row)
    return pd.DataFrame(rows)


def _chosen_design(selection: model_selection.ModelSelection, lang: str) -> Any:
    """An unfitted pipeline with a selection's chosen design."""
    return models.build_pipeline(selection.best_params["features"], lang).set_params(
        **{
            key: (tuple(value) if isinstance(value, list) else value)
            for key, value in selection.best_params.items()
            if key != "features"
        }
    )


def temporal_scores(
    frame: pd.DataFrame,
    parts: Sequence[pd.DataFrame],
    selections: Mapping[str, model_selection.ModelSelection],
    sources: Mapping[str, str],
    options: Sequence[TrainingData],
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Train on the English real rows but the UN session 79, test on session 79 (2024): each
    label's chosen design and training data, refitted on the temporal training rows (the labels
    in ``n_jobs`` processes)."""
    by_name = {option.name: option for option in options}
    train = frame[frame["temporal_split"] == "train"]
    test = frame[frame["temporal_split"] == "test"]
    fits = []
    for label, selection in selections.items():
        data = training_rows(train, parts, by_name[sources[label]])
        fits.append((label, data, _chosen_design(selection, "en")))
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.fit_and_apply)(
            estimator,
            data["text"].tolist(),
            data[label].tolist(),
            test["text"].tolist(),
            classifier__sample_weight=data["weight"].to_numpy(),
        )
        for label, data, estimator in fits
    )
    rows = []
    for (label, data, _), (_, (predicted,)) in zip(fits, fitted, strict=True):
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
                    majority_baseline(train[label].tolist(), len(test)),
                )["macro_f1"],
            }
        )
    return pd.DataFrame(rows)


def cross_genre_scores(
    frame: pd.DataFrame,
    selections: Mapping[str, model_selection.ModelSelection],
    genres: Mapping[str, tuple[str, ...]],
    lang: str = "en",
    n_jobs: int = 1,
) -> pd.DataFrame:
    """How far a model carries from one kind of text to another: each label's chosen design,
    fitted on the training rows of one group of ``genres`` (e.g. ``{"statements": ("speech",
    "press_release"), "tweets": ("tweet",)}``) and scored on the test rows of every group.

    One row per label, training group and test group, with macro-F1 and F_avg; the diagonal is
    the within-kind score of a model trained on that kind alone.
    """
    fits = []
    for label, selection in selections.items():
        for trained_on, train_genres in genres.items():
            train = frame[(frame["split"] == "train") & frame["genre"].isin(train_genres)]
            fits.append((label, trained_on, train, _chosen_design(selection, lang)))
    test = frame[frame["split"] == "test"]
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.fit_and_apply)(
            estimator, train["text"].tolist(), train[label].tolist(), test["text"].tolist()
        )
        for label, _, train, estimator in fits
    )
    rows = []
    for (label, trained_on, train, _), (_, (predicted,)) in zip(fits, fitted, strict=True):
        predicted = np.asarray(predicted, dtype=object)
        for tested_on, test_genres in genres.items():
            mask = test["genre"].isin(test_genres).to_numpy()
            scores = evaluate.classification_scores(
                test.loc[mask, label].tolist(), predicted[mask].tolist()
            )
            rows.append(
                {
                    "label": label,
                    "trained_on": trained_on,
                    "tested_on": tested_on,
                    "n_train": len(train),
                    "n_test": int(mask.sum()),
                    "macro_f1": scores["macro_f1"],
                    "f_avg": scores.get("f_avg"),
                }
            )
    return pd.DataFrame(rows)


def seed_article_predictions(
    shipped: Mapping[str, Any], raw_dir: Path | None = None
) -> pd.DataFrame:
    """The seed article's sentences (Turkish splitter, page furniture dropped), each with the
    shipped Turkish models' labels and, for a sentence inside one of the article's annotated
    quotations, that quotation's id and labels (a quotation is labelled whole, so a sentence of
    it may rightly differ, e.g. a plain fact inside a supportive quotation)."""
    from stance.constructed import SEED_ARTICLE, SEED_QUOTES
    from stance.corpora import split_sentences
    from stance.io import read_csv
    from stance.text import strip_boilerplate

    raw_dir = Path(raw_dir or config.RAW_DIR)
    article = strip_boilerplate((raw_dir / SEED_ARTICLE).read_text(encoding="utf-8"))
    sentences = split_sentences(article, "tr")
    quotes = read_csv(raw_dir / SEED_QUOTES, ("statement_id", "quote_tr", *LABEL_COLUMNS))
    unquoted = [s.replace("“", "").replace("”", "").replace('"', "") for s in sentences]
    quote_of = []
    for sentence in unquoted:
        matches = [
            row
            for row in quotes.itertuples(index=False)
            if any(part in sentence for part in split_sentences(row.quote_tr, "tr"))
        ]
        quote_of.append(matches[0] if matches else None)
    table = pd.DataFrame(
        {
            "sentence": sentences,
            "quotation": [row.statement_id if row else "" for row in quote_of],
            **{
                f"{label} (quotation)": [getattr(row, label) if row else "" for row in quote_of]
                for label in LABEL_COLUMNS
            },
        }
    )
    for label in LABEL_COLUMNS:
        table[f"{label} (model)"] = list(shipped[label].predict(sentences))
    return table


def ship_constructed_models(
    labels: Sequence[str], lang: str, source_dir: Path | None = None, target_dir: Path | None = None
) -> list[Path]:
    """Ship the constructed-data models of a language without real text (Turkish): copy
    ``models/constructed/{label}_{lang}.skops`` to ``models/`` (byte-identical, atomically)."""
    from stance.io import atomic_write
    from stance.model_files import model_path

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
    from stance.constructed_models import error_rates_by

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
