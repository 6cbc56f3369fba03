"""Compare TweetEval stance designs by cross-validation on train + val, with and without
near-duplicate folds: the evidence behind :mod:`stance.tweet_models`' choices.

Usage: ``.venv/bin/python -m benchmarks.tweeteval_designs --path DIR`` (``DIR`` is TweetEval's
``datasets/stance`` folder; ``$STANCE_TWEETEVAL`` by default). Every design is scored by the
official F_avg of its out-of-fold predictions, all targets pooled, on 5 folds of train + val,
for three fold seeds (the project's and the next two), once with folds that may split
near-duplicate tweets and once with folds that keep them together
(:func:`stance.tweet_models.tweet_cv_folds`). The test split's labels are never read; its texts
are read only to count how many test tweets have a near-duplicate in train + val. Writes
``results/tweeteval_designs.md`` and ``.json``. About 5 minutes on 2 cores.
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
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from stance import config, tweet_models, tweeteval
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


def compare_designs(
    items: pd.DataFrame,
    designs: list[str],
    seeds: list[int],
    n_jobs: int,
    log: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Mean and per-seed CV F_avg (percent) of each design under each protocol."""
    train = items[items["split"].isin(["train", "val"])].reset_index(drop=True)
    X, y = train[["target", "text"]], train["label"].to_numpy(dtype=object)
    rows = []
    for protocol, cosine in PROTOCOLS.items():
        folds = {
            seed: tweet_models.tweet_cv_folds(
                X["target"].tolist(), X["text"].tolist(), y, seed=seed, near_duplicate_cosine=cosine
            )
            for seed in seeds
        }
        for name in designs:
            make, protocols = DESIGNS[name]
            if protocol not in protocols:
                continue
            started = time.perf_counter()
            jobs = [(seed, fold) for seed in seeds for fold in folds[seed]]
            probas = Parallel(n_jobs=n_jobs)(
                delayed(_fold_proba)(make, X, y, *fold) for _, fold in jobs
            )
            scores = []
            for seed in seeds:
                predicted = np.empty(len(y), dtype=object)
                for (job_seed, (_, test)), proba in zip(jobs, probas, strict=True):
                    if job_seed == seed:
                        predicted[test] = np.asarray(CLASSES, dtype=object)[proba.argmax(axis=1)]
                scores.append(100 * tweet_models.official_f_avg(y, predicted))
            rows.append(
                {
                    "design": name,
                    "protocol": protocol,
                    "cv_f_avg": round(float(np.mean(scores)), 2),
                    "per_seed": [round(s, 2) for s in scores],
                }
            )
            seconds = time.perf_counter() - started
            log(f"  {name} · {protocol}: {np.mean(scores):.2f} ({seconds:.0f} s)")
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, shares: dict[str, float], seeds: list[int]) -> str:
    """The result table with how it was measured."""
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
        "| design | folds | CV F_avg | per seed |",
        "|---|---|---:|---|",
    ]
    for row in table.itertuples(index=False):
        per_seed = ", ".join(f"{s:.2f}" for s in row.per_seed)
        lines.append(f"| {row.design} | {row.protocol} | {row.cv_f_avg:.2f} | {per_seed} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tweeteval_designs",
        description="Score TweetEval stance designs by cross-validation on train + val, with "
        "random and near-duplicate folds; write results/tweeteval_designs.md and .json.",
        epilog="example: .venv/bin/python -m benchmarks.tweeteval_designs --path "
        "~/tweeteval/datasets/stance",
    )
    parser.add_argument(
        "--path",
        type=Path,
        default=tweeteval.tweeteval_dir_from_env(),
        help="TweetEval's datasets/stance folder (default: $STANCE_TWEETEVAL)",
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
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=config.RESULTS_DIR,
        help=f"where the result files go (default {config.RESULTS_DIR})",
    )
    args = parser.parse_args(argv)
    if args.path is None:
        parser.error("give --path or set STANCE_TWEETEVAL")
    try:
        items = tweeteval.load_tweeteval_dir(args.path)
    except InputError as error:
        print(f"benchmarks.tweeteval_designs: error: {error}", file=sys.stderr)
        return 2
    seeds = [config.SEED + i for i in range(args.seeds)]
    shares = near_duplicate_shares(items)
    table = compare_designs(items, args.designs, seeds, args.jobs)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    payload = {"seeds": seeds, "near_duplicates": shares, "designs": table.to_dict("records")}
    atomic_write_text(args.out_dir / "tweeteval_designs.json", json.dumps(payload, indent=2) + "\n")
    atomic_write_text(args.out_dir / "tweeteval_designs.md", markdown(table, shares, seeds))
    print(f"wrote {args.out_dir / 'tweeteval_designs.md'} and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
