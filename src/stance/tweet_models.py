"""The TweetEval stance model: one TF-IDF + logistic-regression model for all five targets.

Why a separate model: the project's own pipeline (:func:`stance.model_selection.select_model`, one
model per target chosen among word, char and word + char n-grams) scores about 65.8 official F_avg
on TweetEval's stance test set, below SemEval-2016's own SVM baseline (68.98). The model here is
still a linear model on TF-IDF n-grams, read the same way, but it is built for tweets and for
five small, related training sets:

* **tweet-aware normalisation** (:class:`TweetNormalizer`): the ``#SemST`` tag that every
  SemEval tweet carries is dropped, CamelCase hashtags are segmented next to the tag itself
  (``#HillaryForPrison`` → ``#HillaryForPrison Hillary For Prison``), user mentions and URLs
  become ``@user`` and ``http`` (TweetEval has already done this), and the text is lowercased;
* **character 2-5-grams** (analyzer ``char``, so n-grams span word boundaries), sublinear TF-IDF,
  and optionally word 1-2-grams beside them (``word_weight``; the benchmark's selection chose
  weight 0.5);
* **VADER sentiment scores** (:class:`stance.sentiment.VaderFeatures`), scaled by 0.3, beside
  the n-grams: what a tweet is negative or positive about is often its stance;
* **all five targets in one model with target-marked features**
  (:class:`TargetAugmentedFeatures`, the feature augmentation of Daumé III 2007): every feature
  appears once shared by all targets (weight 0.5) and once private to the tweet's target, so
  the targets share what they have in common (insults, religious vocabulary, sentiment) while
  each keeps its own weights; the vocabulary and IDF come from all targets' training tweets;
* **class weights balanced within each target** (:func:`target_balanced_weights`), since the
  official score ignores the "none" class's F1 and the classes are unbalanced differently in
  each target (climate has 15 "against" tweets among its 395 train + val tweets).

How it was chosen, and how it scores: every choice was made by cross-validation on train +
validation only (the test split was looked at once per design, after it was fixed). The evidence
is written by code: ``results/tweeteval_designs.md`` (``python -m benchmarks.tweeteval_designs``:
the main designs with random and near-duplicate folds, and how the test tweets differ from train
+ val), ``results/tweeteval_search.md`` (``python -m benchmarks.tweeteval_search``: a wider
two-stage search, which found nothing better) and ``results/tweeteval.md`` (the benchmark, with
the choice and every candidate's CV score). The log of the design search as it was kept at the
time, with the scores of designs no script re-runs, is ``benchmarks/tweeteval_history.md``.

Inputs are tables with a ``target`` and a ``text`` column (or rows of ``(target, text)``): the
target is part of the input, as in SemEval, because the features are marked by it.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from stance import config
from stance.model_selection import FitCache, TrainingDataError, cv_splitter
from stance.sentiment import VaderFeatures

#: Hashtag that SemEval-2016 appended to every tweet: it carries no stance.
SEMEVAL_TAG = "#SemST"
CLASS_WEIGHTS = (None, "balanced", "balanced_per_target")
#: Tweets whose character-3-gram TF-IDF vectors have at least this cosine similarity are near
#: duplicates (retweets, quotes, templated tweets) and are kept in one cross-validation fold.
NEAR_DUPLICATE_COSINE = 0.5
#: The candidates :func:`select_tweet_model` compares by cross-validation (12 candidates).
PARAM_GRID: dict[str, list[Any]] = {
    "C": [1.0, 3.0, 10.0],
    "sentiment_weight": [0.0, 0.3],
    "word_weight": [0.0, 0.5],
}
#: Types a saved :class:`TweetStanceClassifier` holds beyond scikit-learn's (for skops).
TRUSTED_TYPES = [
    "stance.tweet_models.TweetStanceClassifier",
    "stance.tweet_models.TargetAugmentedFeatures",
    "stance.tweet_models.TweetNormalizer",
    "stance.sentiment.VaderFeatures",
]

_HASHTAG = re.compile(r"#(\w+)")
_CAMEL_BOUNDARY = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
    r"|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])"
)
_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+")
_WHITESPACE = re.compile(r"\s+")


# --- text ------------------------------------------------------------------------------------


def segment_hashtag(body: str) -> str:
    """The words of a CamelCase or digit-separated hashtag body (``HillaryForPrison`` →
    ``Hillary For Prison``, ``StopHillary2016`` → ``Stop Hillary 2016``); a body without such
    boundaries (``prolife``) comes back unchanged."""
    return _CAMEL_BOUNDARY.sub(" ", body).replace("_", " ").strip()


def normalize_tweet(
    text: str,
    lowercase: bool = True,
    segment_hashtags: bool = True,
    drop_tags: Sequence[str] = (SEMEVAL_TAG,),
) -> str:
    """Normalise a tweet for n-gram features: drop ``drop_tags``, map user mentions to
    ``@user`` and URLs to ``http``, add the words of segmentable hashtags after the hashtag,
    NFC, optionally lowercase, single spaces."""
    text = unicodedata.normalize("NFC", text)
    for tag in drop_tags:
        text = re.sub(rf"{re.escape(tag)}\b", " ", text)
    text = _URL.sub("http", _MENTION.sub("@user", text))
    if segment_hashtags:

        def add_words(match: re.Match[str]) -> str:
            words = segment_hashtag(match.group(1))
            return match.group(0) if words == match.group(1) else f"{match.group(0)} {words}"

        text = _HASHTAG.sub(add_words, text)
    if lowercase:
        text = text.lower()
    return _WHITESPACE.sub(" ", text).strip()


class TweetNormalizer:
    """A picklable callable that applies :func:`normalize_tweet`, for a vectoriser's
    ``preprocessor`` (a small class, not a lambda, so it can be saved with skops)."""

    def __init__(self, lowercase: bool = True, segment_hashtags: bool = True) -> None:
        self.lowercase = lowercase
        self.segment_hashtags = segment_hashtags

    def __call__(self, text: str) -> str:
        return normalize_tweet(text, self.lowercase, self.segment_hashtags)

    def __repr__(self) -> str:
        return (
            f"TweetNormalizer(lowercase={self.lowercase!r}, "
            f"segment_hashtags={self.segment_hashtags!r})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TweetNormalizer) and (
            (other.lowercase, other.segment_hashtags) == (self.lowercase, self.segment_hashtags)
        )

    def __hash__(self) -> int:
        return hash(("TweetNormalizer", self.lowercase, self.segment_hashtags))


# --- features --------------------------------------------------------------------------------


def split_target_text(X: Any) -> tuple[np.ndarray, list[str]]:
    """The targets and texts of ``X``: a DataFrame with ``target`` and ``text`` columns, or
    rows of ``(target, text)``."""
    if isinstance(X, pd.DataFrame):
        missing = {"target", "text"} - set(X.columns)
        if missing:
            raise ValueError(f"X needs the columns target and text; missing {sorted(missing)}")
        return X["target"].astype(str).to_numpy(), X["text"].astype(str).tolist()
    rows = np.asarray(X, dtype=object)
    if rows.ndim != 2 or rows.shape[1] != 2:
        raise ValueError(f"X must be rows of (target, text), not shape {rows.shape}")
    return rows[:, 0].astype(str), [str(text) for text in rows[:, 1]]


class TargetAugmentedFeatures(TransformerMixin, BaseEstimator):
    """Text features marked by target ("frustratingly easy" feature augmentation).

    ``features`` (any text transformer) is fitted on the texts of all targets; each item's
    feature vector is then written once into a shared block, multiplied by ``shared_weight``,
    and once into the block of its own target (zeros in the others). A linear model on top
    learns weights common to all targets and weights for each target. An item of a target not
    seen in ``fit`` gets the shared block only.
    """

    def __init__(self, features: BaseEstimator, shared_weight: float = 0.5) -> None:
        self.features = features
        self.shared_weight = shared_weight

    def fit(self, X: Any, y: Any = None) -> TargetAugmentedFeatures:
        targets, texts = split_target_text(X)
        self.targets_ = np.array(sorted(set(targets)), dtype=object)
        self.features_ = clone(self.features).fit(texts, y)
        return self

    def transform(self, X: Any) -> sparse.csr_matrix:
        targets, texts = split_target_text(X)
        base = sparse.csr_matrix(self.features_.transform(texts), dtype=float)
        blocks = [base * float(self.shared_weight)]
        for target in self.targets_:
            mask = sparse.diags((targets == target).astype(float))
            blocks.append(mask @ base)
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = np.asarray(self.features_.get_feature_names_out(), dtype=object)
        prefixed = [np.char.add("shared__", names.astype(str))]
        prefixed += [np.char.add(f"{target}__", names.astype(str)) for target in self.targets_]
        return np.concatenate(prefixed).astype(object)


def target_balanced_weights(targets: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Sample weights that balance the classes within each target: an item of class ``c`` in
    target ``t`` weighs ``n_t / (k_t * n_tc)`` (scikit-learn's ``"balanced"``, per target)."""
    frame = pd.DataFrame(
        {"target": np.asarray(targets, dtype=object), "label": np.asarray(labels, dtype=object)}
    )
    size = frame.groupby("target")["label"].transform("size")
    classes = frame.groupby("target")["label"].transform("nunique")
    count = frame.groupby(["target", "label"])["label"].transform("size")
    return (size / (classes * count)).to_numpy(dtype=float)


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_COSINE
) -> np.ndarray:
    """A group number per text: texts joined by a chain of pairs whose TF-IDF vectors of
    character 3-grams (within words, of the normalised text without hashtag segments) have
    cosine similarity ≥ ``threshold`` share a group, every other text is alone.

    Cross-validation that splits a near-duplicate pair scores memorisation: the held-out tweet
    is all but in the training folds, which TweetEval's test set offers about half as often as
    random folds do (see the module docstring). Memory grows with the number of similar pairs
    (fine for a few thousand tweets).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    normalised = [normalize_tweet(text, segment_hashtags=False) for text in texts]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit_transform(normalised)
    similar = (vectors @ vectors.T).tocsr()
    similar.data = (similar.data >= threshold - 1e-12).astype(np.int8)  # float round-off
    similar.eliminate_zeros()
    return connected_components(similar, directed=False)[1]


# --- the classifier --------------------------------------------------------------------------


class TweetStanceClassifier(ClassifierMixin, BaseEstimator):
    """Target-marked character n-grams (+ VADER scores, + word n-grams) → multinomial logistic
    regression.

    Parameters
    ----------
    C
        Inverse regularisation strength of the logistic regression.
    shared_weight
        Weight of the block shared by all targets (see :class:`TargetAugmentedFeatures`).
    sentiment_weight
        Weight of the four VADER scores beside the n-grams; 0 leaves them out.
    word_weight
        Weight of word n-gram TF-IDF (``word_ngram_range``) beside the character n-grams; 0
        (the default) leaves them out. :data:`PARAM_GRID` tries 0 and 0.5
        (``benchmarks.tweeteval_designs`` also scores 0.3 and 1).
    char_ngram_range, word_ngram_range
        The n-gram lengths of the character and (when ``word_weight`` > 0) word blocks.
    min_df, max_df, sublinear_tf
        Passed to both n-gram vectorisers: document-frequency limits (a count or a share, as
        in scikit-learn) and logarithmic term frequencies.
    lowercase, segment_hashtags
        The tweet normalisation (:class:`TweetNormalizer`).
    class_weight
        ``"balanced_per_target"`` (:func:`target_balanced_weights`), ``"balanced"`` (over all
        items) or ``None``.
    max_iter
        Iteration cap of the ``newton-cg`` solver (it converges in a few iterations).
    memory
        Optional cache for the feature step (``joblib.Memory``-like), for model selection.
    """

    def __init__(
        self,
        C: float = 3.0,
        shared_weight: float = 0.5,
        sentiment_weight: float = 0.3,
        word_weight: float = 0.0,
        char_ngram_range: tuple[int, int] = (2, 5),
        word_ngram_range: tuple[int, int] = (1, 2),
        min_df: float = 1,
        max_df: float = 1.0,
        sublinear_tf: bool = True,
        lowercase: bool = True,
        segment_hashtags: bool = True,
        class_weight: str | None = "balanced_per_target",
        max_iter: int = 200,
        memory: Any = None,
    ) -> None:
        self.C = C
        self.shared_weight = shared_weight
        self.sentiment_weight = sentiment_weight
        self.word_weight = word_weight
        self.char_ngram_range = char_ngram_range
        self.word_ngram_range = word_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase
        self.segment_hashtags = segment_hashtags
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.memory = memory

    def build_pipeline(self) -> Pipeline:
        """The unfitted ``features`` → ``classifier`` pipeline these parameters describe."""
        shared = {
            "min_df": self.min_df,
            "max_df": self.max_df,
            "sublinear_tf": self.sublinear_tf,
            "preprocessor": TweetNormalizer(self.lowercase, self.segment_hashtags),
            "lowercase": False,
        }
        char = TfidfVectorizer(analyzer="char", ngram_range=tuple(self.char_ngram_range), **shared)
        parts: list[tuple[str, Any]] = [("char", char)]
        weights = {"char": 1.0}
        if self.word_weight:
            words = TfidfVectorizer(ngram_range=tuple(self.word_ngram_range), **shared)
            parts.append(("word", words))
            weights["word"] = float(self.word_weight)
        if self.sentiment_weight:
            parts.append(("sentiment", VaderFeatures()))
            weights["sentiment"] = float(self.sentiment_weight)
        text_features = FeatureUnion(parts, transformer_weights=weights)
        return Pipeline(
            [
                ("features", TargetAugmentedFeatures(text_features, self.shared_weight)),
                (
                    "classifier",
                    LogisticRegression(
                        C=self.C,
                        solver="newton-cg",
                        max_iter=self.max_iter,
                        class_weight="balanced" if self.class_weight == "balanced" else None,
                    ),
                ),
            ],
            memory=self.memory,
        )

    def fit(self, X: Any, y: Sequence[str]) -> TweetStanceClassifier:
        if self.class_weight not in CLASS_WEIGHTS:
            raise ValueError(
                f"class_weight must be one of {CLASS_WEIGHTS}, not {self.class_weight!r}"
            )
        targets, _ = split_target_text(X)
        labels = np.asarray(y, dtype=object)
        params = {}
        if self.class_weight == "balanced_per_target":
            params["classifier__sample_weight"] = target_balanced_weights(targets, labels)
        self.pipeline_ = self.build_pipeline().fit(X, labels, **params)
        self.pipeline_.set_params(memory=None)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.pipeline_.predict_proba(X)

    def decision_function(self, X: Any) -> np.ndarray:
        return self.pipeline_.decision_function(X)

    def predict(self, X: Any) -> np.ndarray:
        return self.pipeline_.predict(X)


# --- selection -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TweetModelSelection:
    """The refitted best model, its parameters, the pooled CV score (official F_avg of the
    out-of-fold predictions of all targets pooled), every candidate's score, the best
    candidate's out-of-fold predictions (in input order) and the number of folds."""

    estimator: TweetStanceClassifier
    best_params: dict[str, Any]
    metric: str
    cv_score: float
    cv_results: pd.DataFrame
    oof_predictions: np.ndarray
    n_splits: int


def candidates(param_grid: Mapping[str, Sequence[Any]] = PARAM_GRID) -> list[dict[str, Any]]:
    """Every combination of ``param_grid``, in a fixed order (the first key varies slowest)."""
    keys = list(param_grid)
    return [
        dict(zip(keys, values, strict=True))
        for values in itertools.product(*(param_grid[k] for k in keys))
    ]


def _fold_predictions(
    base: TweetStanceClassifier,
    grid: list[dict[str, Any]],
    X: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
) -> list[np.ndarray]:
    """Each candidate's predictions for one validation fold (feature steps shared by cache)."""
    memory = FitCache()  # candidates differing only in C share a fold's features
    X_train, X_test = X.iloc[train].reset_index(drop=True), X.iloc[test].reset_index(drop=True)
    with threadpool_limits(limits=1):
        return [
            clone(base).set_params(memory=memory, **params).fit(X_train, y[train]).predict(X_test)
            for params in grid
        ]


def official_f_avg(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Mean F1 of ``favor`` and ``against`` (TweetEval's stance score)."""
    from stance.evaluate import f_avg  # evaluate imports models; keep imports one-way

    return f_avg(list(y_true), list(y_pred), ("favor", "against"))


def tweet_cv_folds(
    targets: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    n_splits: int = 5,
    seed: int = config.SEED,
    near_duplicate_cosine: float | None = NEAR_DUPLICATE_COSINE,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, validation) row indices of :func:`select_tweet_model`'s folds: stratified
    by target and label together, near-duplicate tweets (:func:`near_duplicate_groups`) in the
    same fold unless ``near_duplicate_cosine`` is None, shuffled with ``seed``."""
    if not len(labels) == len(targets) == len(texts):
        raise TrainingDataError(f"{len(texts)} items but {len(labels)} labels")
    strata = np.array([f"{t}/{label}" for t, label in zip(targets, labels, strict=True)])
    duplicates = (
        None
        if near_duplicate_cosine is None
        else near_duplicate_groups(texts, near_duplicate_cosine).astype(str)
    )
    cv = cv_splitter(strata, duplicates, n_splits=n_splits, seed=seed)
    return list(cv.split(np.zeros(len(strata)), strata, duplicates))


def select_tweet_model(
    X: pd.DataFrame,
    y: Sequence[str],
    param_grid: Mapping[str, Sequence[Any]] = PARAM_GRID,
    base: TweetStanceClassifier | None = None,
    n_splits: int = 5,
    seed: int = config.SEED,
    n_jobs: int = 1,
    near_duplicate_cosine: float | None = NEAR_DUPLICATE_COSINE,
) -> TweetModelSelection:
    """Choose the parameters of a :class:`TweetStanceClassifier` by cross-validation.

    The folds are stratified by target and label together (``n_splits`` is lowered when a
    target's class is too small) and keep near-duplicate tweets together
    (:func:`near_duplicate_groups`; ``near_duplicate_cosine=None`` splits them freely), every
    candidate of ``param_grid`` is scored by the official F_avg of its out-of-fold predictions
    of all targets pooled, and the best (the earlier on a tie) is refitted on all of ``X``.
    Results do not depend on ``n_jobs``: each task (one fold, the candidates that share a
    feature step) runs in one process, with one BLAS thread.
    """
    X = X.reset_index(drop=True)
    y = np.asarray(y, dtype=object)
    targets, texts = split_target_text(X)
    folds = tweet_cv_folds(targets, texts, y, n_splits, seed, near_duplicate_cosine)
    base = TweetStanceClassifier() if base is None else base
    grid = candidates(param_grid)
    # one task per fold and feature step: candidates differing only in C share the features
    groups: dict[str, list[int]] = {}
    for index, params in enumerate(grid):
        shared = {key: value for key, value in params.items() if key != "C"}
        groups.setdefault(json.dumps(shared, sort_keys=True, default=str), []).append(index)
    tasks = [(fold, members) for fold in range(len(folds)) for members in groups.values()]
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fold_predictions)(base, [grid[i] for i in members], X, y, *folds[fold])
        for fold, members in tasks
    )
    oof = [np.empty(len(y), dtype=object) for _ in grid]
    for (fold, members), predictions in zip(tasks, results, strict=True):
        for index, predicted in zip(members, predictions, strict=True):
            oof[index][folds[fold][1]] = predicted
    scores = [official_f_avg(y, predicted) for predicted in oof]
    best = int(np.argmax(scores))  # first maximum: ties go to the earlier candidate
    with threadpool_limits(limits=1):
        estimator = clone(base).set_params(**grid[best]).fit(X, y)
    ranks = pd.Series(scores).rank(method="min", ascending=False).astype(int)
    table = pd.DataFrame(
        {
            "rank": ranks.tolist(),
            "cv_f_avg": [round(s, 4) for s in scores],
            **{key: [params[key] for params in grid] for key in param_grid},
            "params": [json.dumps(params, sort_keys=True) for params in grid],
        }
    )
    table = table.sort_values("rank", kind="stable", ignore_index=True)  # grid order on ties
    return TweetModelSelection(
        estimator=estimator,
        best_params=dict(grid[best]),
        metric="f_avg",
        cv_score=round(scores[best], 4),
        cv_results=table,
        oof_predictions=oof[best],
        n_splits=len(folds),
    )


def describe(estimator: TweetStanceClassifier) -> str:
    """A short name of a model's features, e.g. ``char2-5+vader`` (for tables)."""
    low, high = estimator.char_ngram_range
    word_low, word_high = estimator.word_ngram_range
    words = f"+word{word_low}-{word_high}" if estimator.word_weight else ""
    return f"char{low}-{high}{words}" + ("+vader" if estimator.sentiment_weight else "")


def configuration(estimator: TweetStanceClassifier) -> dict[str, Any]:
    """A model's parameters as plain JSON values (the cache left out)."""
    params = estimator.get_params()
    params.pop("memory", None)
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in sorted(params.items())
    }
