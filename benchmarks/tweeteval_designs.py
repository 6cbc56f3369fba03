"""Compare TweetEval stance designs by cross-validation on train + val, with and without
near-duplicate folds: the evidence behind :mod:`stance.tweet_models`' choices.

Usage: ``.venv/bin/python -m benchmarks.tweeteval_designs --path DIR`` (``DIR`` is TweetEval's
``datasets/stance`` folder; ``$STANCE_TWEETEVAL`` by default). Every design is scored by the
official F_avg of its out-of-fold predictions, all targets pooled, on 5 folds of train + val,
for three fold seeds (the project's and the next two), once with folds that may split
near-duplicate tweets and once with folds that keep them together
(:func:`stance.tweet_models.tweet_cv_folds`). The test split's labels are never read. Its texts
are read for two diagnostics: how many test tweets have a near-duplicate in train + val, and how
well a classifier tells test texts from train + val texts (:func:`covariate_shift`), whose odds
also weigh the out-of-fold predictions into an importance-weighted CV score (Sugiyama et al.
2007, "Covariate shift adaptation by importance weighted cross validation", JMLR 8): the score CV
would give if train + val looked like the test tweets. Writes ``results/tweeteval_designs.md``
and ``.json``. About 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from stance import config, tweet_models, tweeteval
from stance.evaluate import f_avg
from stance.io import InputError, atomic_write_text

CLASSES = ("against", "favor", "none")
PROTOCOLS = {"random folds": None, "near-duplicate folds": tweet_models.NEAR_DUPLICATE_COSINE}


class PerTargetWordChar:
    """One word 1-3 + char 2-5 TF-IDF → logistic regression (C = 3, balanced) per target:
    the project's per-target design, selected by F_avg."""

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PerTargetWordChar:
        normalizer = tweet_models.TweetNormalizer()
        self.models_ = {}
        for target in sorted(set(X["target"])):
            rows = (X["target"] == target).to_numpy()
            vectorizers = [
                ("word", TfidfVectorizer(ngram_range=(1, 3), analyzer="word")),
                ("char", TfidfVectorizer(ngram_range=(2, 5), analyzer="char")),
            ]
            for _, vectorizer in vectorizers:
                vectorizer.set_params(sublinear_tf=True, preprocessor=normalizer, lowercase=False)
            model = Pipeline(
                [
                    ("features", FeatureUnion(vectorizers)),
                    ("classifier", LogisticRegression(C=3.0, class_weight="balanced")),
                ]
            )
            self.models_[target] = model.fit(X.loc[rows, "text"].tolist(), y[rows])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = np.zeros((len(X), len(CLASSES)))
        for target, model in self.models_.items():
            rows = (X["target"] == target).to_numpy()
            if rows.any():
                columns = [CLASSES.index(c) for c in model.classes_]
                proba[np.ix_(rows, columns)] = model.predict_proba(X.loc[rows, "text"].tolist())
        return proba


class AllTargets:
    """:class:`stance.tweet_models.TweetStanceClassifier` with its per-target balancing
    weights raised to ``power`` (1 = its own weighting, 0 = unweighted)."""

    def __init__(self, power: float = 1.0, **params: Any) -> None:
        self.power = power
        self.params = params

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> AllTargets:
        model = tweet_models.TweetStanceClassifier(**self.params)
        targets, _ = tweet_models.split_target_text(X)
        weights = tweet_models.target_balanced_weights(targets, y) ** self.power
        self.pipeline_ = model.build_pipeline().fit(X, y, classifier__sample_weight=weights)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = np.zeros((len(X), len(CLASSES)))
        columns = [CLASSES.index(c) for c in self.pipeline_.classes_]
        proba[:, columns] = self.pipeline_.predict_proba(X)
        return proba


class Average:
    """The mean of two designs' class probabilities."""

    def __init__(self, *designs: Any) -> None:
        self.designs = designs

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> Average:
        for design in self.designs:
            design.fit(X, y)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.mean([design.predict_proba(X) for design in self.designs], axis=0)


#: name → (factory, protocols it is scored under)
DESIGNS: dict[str, tuple[Callable[[], Any], tuple[str, ...]]] = {
    "base: all targets, char 2-5 + VADER, C = 3": (lambda: AllTargets(), tuple(PROTOCOLS)),
    "one model per target, word 1-3 + char 2-5": (lambda: PerTargetWordChar(), tuple(PROTOCOLS)),
    "base, C = 1": (lambda: AllTargets(C=1.0), ("near-duplicate folds",)),
    "base, balancing weights ^ 0.5": (lambda: AllTargets(0.5), ("near-duplicate folds",)),
    "base, balancing weights ^ 0.75": (lambda: AllTargets(0.75), ("near-duplicate folds",)),
    "base, balancing weights ^ 1.25": (lambda: AllTargets(1.25), ("near-duplicate folds",)),
    "base + word 1-2-grams × 0.3": (
        lambda: AllTargets(word_weight=0.3),
        ("near-duplicate folds",),
    ),
    "base + word 1-2-grams × 0.5": (
        lambda: AllTargets(word_weight=0.5),
        ("near-duplicate folds",),
    ),
    "base + word 1-2-grams × 1": (
        lambda: AllTargets(word_weight=1.0),
        ("near-duplicate folds",),
    ),
    "mean of base and per-target probabilities": (
        lambda: Average(AllTargets(), PerTargetWordChar()),
        ("near-duplicate folds",),
    ),
}


def _fold_proba(
    make: Callable[[], Any], X: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    with threadpool_limits(limits=1):
        model = make().fit(X.iloc[train].reset_index(drop=True), y[train])
        return model.predict_proba(X.iloc[test].reset_index(drop=True))


def near_duplicate_shares(items: pd.DataFrame) -> dict[str, float]:
    """Share of train + val tweets with a near-duplicate elsewhere in train + val, and of test
    tweets with one in train + val (texts only)."""
    texts = items["text"].tolist()
    groups = tweet_models.near_duplicate_groups(texts)
    is_train = items["split"].isin(["train", "val"]).to_numpy()
    train_groups = pd.Series(groups[is_train]).value_counts()
    in_train = pd.Series(groups).map(train_groups).fillna(0).to_numpy()
    return {
        "train_val_with_a_near_duplicate": float(np.mean(in_train[is_train] >= 2)),
        "test_with_a_near_duplicate_in_train_val": float(np.mean(in_train[~is_train] >= 1)),
    }


def _held_out_probability(texts: list[str], is_second: np.ndarray, seed: int) -> np.ndarray:
    """Cross-fitted probability that each text belongs to the second group (5 folds; character
    2-5-gram TF-IDF of normalised tweets, logistic regression)."""
    model = Pipeline(
        [
            (
                "char",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    preprocessor=tweet_models.TweetNormalizer(),
                    lowercase=False,
                ),
            ),
            ("classifier", LogisticRegression(C=1.0, max_iter=1000)),
        ]
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    with threadpool_limits(limits=1):
        proba = cross_val_predict(model, texts, is_second, cv=folds, method="predict_proba")
    return proba[:, 1]


def covariate_shift(
    items: pd.DataFrame, seed: int = config.SEED
) -> tuple[np.ndarray, pd.DataFrame]:
    """How far the test tweets' texts lie from train + val, per target, and importance weights.

    For each target, a classifier learns (cross-fitted, texts only) to tell its test tweets from
    its train + val tweets; its ROC AUC is 0.5 when they look alike. As a control, the same
    classifier tells val from train, which TweetEval drew from one pool. The weight of a train +
    val tweet is the classifier's odds p(test | x) / p(train + val | x), normalised to mean 1
    within the target (proportional to the density ratio of test to train + val). Returns the
    weights (rows of train + val in ``items``' order) and a table per target.
    """
    items = items.reset_index(drop=True)
    weights = pd.Series(np.nan, index=items.index[items["split"].isin(["train", "val"])])
    rows = []
    for target in sorted(items["target"].unique()):
        subset = items[items["target"] == target]
        is_test = (subset["split"] == "test").to_numpy()
        p = _held_out_probability(subset["text"].tolist(), is_test, seed)
        ratio = p[~is_test] / (1 - p[~is_test])
        weights[subset.index[~is_test]] = ratio / ratio.mean()
        seen = subset[~is_test]
        is_val = (seen["split"] == "val").to_numpy()
        p_val = _held_out_probability(seen["text"].tolist(), is_val, seed)
        rows.append(
            {
                "target": target,
                "n_train_val": int((~is_test).sum()),
                "n_test": int(is_test.sum()),
                "auc_test_vs_train_val": round(float(roc_auc_score(is_test, p)), 3),
                "auc_val_vs_train": round(float(roc_auc_score(is_val, p_val)), 3),
            }
        )
    return weights.to_numpy(), pd.DataFrame(rows)


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted items: how many equally weighted items they
    are worth."""
    return float(weights.sum() ** 2 / (weights**2).sum())


def train_val(items: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The ``target`` and ``text`` columns and the labels of the train + val tweets."""
    train = items[items["split"].isin(["train", "val"])].reset_index(drop=True)
    return train[["target", "text"]], train["label"].to_numpy(dtype=object)


def folds_by_seed(
    X: pd.DataFrame, y: np.ndarray, seeds: list[int], cosine: float | None
) -> dict[int, list[tuple[np.ndarray, np.ndarray]]]:
    """:func:`stance.tweet_models.tweet_cv_folds` for each fold seed."""
    targets, texts = X["target"].tolist(), X["text"].tolist()
    return {
        seed: tweet_models.tweet_cv_folds(
            targets, texts, y, seed=seed, near_duplicate_cosine=cosine
        )
        for seed in seeds
    }


def cv_scores(
    make: Callable[[], Any],
    X: pd.DataFrame,
    y: np.ndarray,
    folds: dict[int, list[tuple[np.ndarray, np.ndarray]]],
    n_jobs: int,
    weights: np.ndarray | None = None,
) -> tuple[list[float], list[float]]:
    """Official F_avg (percent) of a design's out-of-fold predictions for each fold seed, and
    the same importance-weighted by ``weights`` (empty without weights). One process per fold
    and seed, one BLAS thread each, so the scores do not depend on ``n_jobs``."""
    jobs = [(seed, fold) for seed, seed_folds in folds.items() for fold in seed_folds]
    probas = Parallel(n_jobs=n_jobs)(delayed(_fold_proba)(make, X, y, *fold) for _, fold in jobs)
    scores, weighted = [], []
    for seed in folds:
        predicted = np.empty(len(y), dtype=object)
        for (job_seed, (_, test)), proba in zip(jobs, probas, strict=True):
            if job_seed == seed:
                predicted[test] = np.asarray(CLASSES, dtype=object)[proba.argmax(axis=1)]
        scores.append(100 * tweet_models.official_f_avg(y, predicted))
        if weights is not None:
            pair = ("favor", "against")
            weighted.append(100 * f_avg(y, predicted, pair, sample_weight=weights))
    return scores, weighted


def compare_designs(
    items: pd.DataFrame,
    designs: list[str],
    seeds: list[int],
    n_jobs: int,
    weights: np.ndarray,
    log: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Mean and per-seed CV F_avg (percent) of each design under each protocol, unweighted and
    importance-weighted by ``weights`` (one per train + val row, :func:`covariate_shift`)."""
    X, y = train_val(items)
    rows = []
    for protocol, cosine in PROTOCOLS.items():
        folds = folds_by_seed(X, y, seeds, cosine)
        for name in designs:
            make, protocols = DESIGNS[name]
            if protocol not in protocols:
                continue
            started = time.perf_counter()
            scores, weighted = cv_scores(make, X, y, folds, n_jobs, weights)
            rows.append(
                {
                    "design": name,
                    "protocol": protocol,
                    "cv_f_avg": round(float(np.mean(scores)), 2),
                    "per_seed": [round(s, 2) for s in scores],
                    "iw_cv_f_avg": round(float(np.mean(weighted)), 2),
                }
            )
            seconds = time.perf_counter() - started
            log(
                f"  {name} · {protocol}: {np.mean(scores):.2f}, importance-weighted "
                f"{np.mean(weighted):.2f} ({seconds:.0f} s)"
            )
    return pd.DataFrame(rows)


def markdown(
    table: pd.DataFrame,
    shares: dict[str, float],
    shift: pd.DataFrame,
    weights: np.ndarray,
    seeds: list[int],
) -> str:
    """The result tables with how they were measured."""
    lines = [
        "# TweetEval stance: designs compared by cross-validation on train + val",
        "",
        "Written by `python -m benchmarks.tweeteval_designs`. Official F_avg (percent) of "
        "out-of-fold predictions, all targets pooled, 5 folds of train + val stratified by "
        f"target and label, mean over the fold seeds {', '.join(map(str, seeds))}. The test "
        "labels are never read.",
        "",
        f"Near duplicates (cosine of character 3-grams ≥ {tweet_models.NEAR_DUPLICATE_COSINE}): "
        f"{100 * shares['train_val_with_a_near_duplicate']:.1f}% of train + val tweets have one "
        "elsewhere in train + val, but only "
        f"{100 * shares['test_with_a_near_duplicate_in_train_val']:.1f}% of test tweets have one "
        "in train + val, so random folds reward memorising them.",
        "",
        "## Do the test tweets look like train + val?",
        "",
        "ROC AUC of a classifier (character 2-5-gram TF-IDF, logistic regression, 5-fold "
        "cross-fitted, texts only) that tells one group of a target's tweets from another: 0.5 "
        "means they look alike. Val against train is the control (TweetEval drew both from "
        "SemEval-2016's training tweets): values at or below 0.5 mean no difference the "
        "classifier can find.",
        "",
        "| target | n train + val | n test | AUC test vs train + val | AUC val vs train |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in shift.itertuples(index=False):
        lines.append(
            f"| {row.target} | {row.n_train_val} | {row.n_test} | "
            f"{row.auc_test_vs_train_val:.3f} | {row.auc_val_vs_train:.3f} |"
        )
    lines += [
        "",
        "The classifier's odds give each train + val tweet an importance weight (the density "
        "ratio of test to train + val, mean 1 per target; from "
        f"{weights.min():.2f} to {weights.max():.2f}, effective sample size "
        f'{effective_sample_size(weights):.0f} of {len(weights)}). "IW-CV" weighs the '
        "out-of-fold predictions with them (importance-weighted cross-validation, Sugiyama et "
        "al. 2007): the CV score if train + val had the test tweets' mix of texts.",
        "",
        "## Designs",
        "",
        "| design | folds | CV F_avg | per seed | IW-CV F_avg |",
        "|---|---|---:|---|---:|",
    ]
    for row in table.itertuples(index=False):
        per_seed = ", ".join(f"{s:.2f}" for s in row.per_seed)
        lines.append(
            f"| {row.design} | {row.protocol} | {row.cv_f_avg:.2f} | {per_seed} | "
            f"{row.iw_cv_f_avg:.2f} |"
        )
    return "\n".join(lines) + "\n"


def script_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every TweetEval benchmark script takes: ``--path``,
    ``--jobs`` and ``--out-dir``."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {prog}",
        description=description,
        epilog=f"example: .venv/bin/python -m {prog} --path ~/tweeteval/datasets/stance",
    )
    parser.add_argument(
        "--path",
        type=Path,
        default=tweeteval.tweeteval_dir_from_env(),
        help="TweetEval's datasets/stance folder (default: $STANCE_TWEETEVAL)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=config.RESULTS_DIR,
        help=f"where the result files go (default {config.RESULTS_DIR})",
    )
    return parser


def load_items(parser: argparse.ArgumentParser, path: Path | None) -> pd.DataFrame | None:
    """TweetEval's tweets from ``path``; None, after a one-line error, when they cannot be read
    (and argparse's usage error, exit 2, when no path was given)."""
    if path is None:
        parser.error("give --path or set STANCE_TWEETEVAL")
    try:
        return tweeteval.load_tweeteval_dir(path)
    except InputError as error:
        print(f"{parser.prog.removeprefix('python -m ')}: error: {error}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(
        "benchmarks.tweeteval_designs",
        "Score TweetEval stance designs by cross-validation on train + val, with random and "
        "near-duplicate folds; write results/tweeteval_designs.md and .json.",
    )
    parser.add_argument(
        "--designs",
        nargs="+",
        choices=list(DESIGNS),
        default=list(DESIGNS),
        metavar="DESIGN",
        help="the designs to score, by name (default: all of them)",
    )
    parser.add_argument("--seeds", type=int, default=3, help="fold seeds (default 3)")
    args = parser.parse_args(argv)
    items = load_items(parser, args.path)
    if items is None:
        return 2
    seeds = [config.SEED + i for i in range(args.seeds)]
    shares = near_duplicate_shares(items)
    weights, shift = covariate_shift(items)
    table = compare_designs(items, args.designs, seeds, args.jobs, weights)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "seeds": seeds,
        "near_duplicates": shares,
        "covariate_shift": {
            "per_target": shift.to_dict("records"),
            "weights_min": round(float(weights.min()), 4),
            "weights_max": round(float(weights.max()), 4),
            "effective_sample_size": round(effective_sample_size(weights), 1),
        },
        "designs": table.to_dict("records"),
    }
    atomic_write_text(args.out_dir / "tweeteval_designs.json", json.dumps(payload, indent=2) + "\n")
    atomic_write_text(
        args.out_dir / "tweeteval_designs.md", markdown(table, shares, shift, weights, seeds)
    )
    print(f"wrote {args.out_dir / 'tweeteval_designs.md'} and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
