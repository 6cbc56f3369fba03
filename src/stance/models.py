"""Transparent stance and sentiment classifiers: the TF-IDF + logistic-regression pipelines.

The models are deliberately simple so their coefficients can be read (:mod:`stance.interpret`).
This module builds the pipelines; :mod:`stance.model_selection` chooses one by grouped
cross-validation, and :mod:`stance.model_files` saves and loads it with skops rather than
pickle, so a model file from elsewhere cannot run code when loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from stance import config
from stance.features import CachedTfidfVectorizer, KeywordCueCounts, TextFeatureUnion
from stance.text import TextNormalizer

FEATURE_KINDS = ("word", "char", "word+char", "word+char+cues")
MAX_ITER = 2000  # lbfgs converges well before this on ~500 short texts; the cap only guards


# --- pipelines -----------------------------------------------------------------------------


def _vectorizer(analyzer: str, ngram_range: tuple[int, int], lang: str) -> BaseEstimator:
    """A sublinear TF-IDF vectoriser of ``analyzer`` n-grams of the ``lang``-normalised text."""
    return CachedTfidfVectorizer(
        analyzer=analyzer,
        preprocessor=TextNormalizer(lang),
        ngram_range=ngram_range,
        min_df=1,
        sublinear_tf=True,
    )


def build_features(features: str = "word", lang: str = "en") -> BaseEstimator:
    """The TF-IDF feature step for one kind: word n-grams, char n-grams, or their union.

    The vectorisers are scikit-learn's, with the fast exact transform of :mod:`stance.features`.
    """
    word = _vectorizer("word", (1, 2), lang)
    char = _vectorizer("char_wb", (2, 5), lang)
    kinds = {
        "word": word,
        "char": char,
        "word+char": TextFeatureUnion([("word", word), ("char", char)]),
        "word+char+cues": TextFeatureUnion(
            [("word", word), ("char", char), ("cues", KeywordCueCounts(lang))]
        ),
    }
    if features not in kinds:
        raise ValueError(f"features must be one of {', '.join(FEATURE_KINDS)}, not {features!r}")
    return kinds[features]


def feature_kind(step: BaseEstimator) -> str:
    """The short name (``"word"``, ``"char"``, ``"word+char"``) of a feature step."""
    if isinstance(step, FeatureUnion):
        return "+".join(feature_kind(part) for _, part in step.transformer_list)
    if isinstance(step, KeywordCueCounts):
        return "cues"
    return "char" if step.analyzer.startswith("char") else "word"


def build_pipeline(features: str = "word", lang: str = "en", **params: Any) -> Pipeline:
    """A ``features`` → ``classifier`` pipeline; ``params`` are nested scikit-learn parameters
    (``classifier__C``, ``features__ngram_range``, ``features__word__ngram_range``, ...)."""
    pipeline = Pipeline(
        [
            ("features", build_features(features, lang)),
            ("classifier", LogisticRegression(max_iter=MAX_ITER, random_state=config.SEED)),
        ]
    )
    return pipeline.set_params(**params)


def fit_and_apply(
    estimator: BaseEstimator,
    texts: Sequence[str],
    labels: Sequence[str],
    *scored: Sequence[str],
    method: str = "predict",
    **fit_params: Any,
) -> tuple[list[str], list[np.ndarray]]:
    """Fit a clone of ``estimator`` on ``texts`` and ``labels`` and apply ``method``
    (``predict``, ``predict_proba``…) to each text list in ``scored``: the classes and one
    output per list. The one place where the project's parallel jobs fit a model; each runs
    with one BLAS thread, because the problems are small and more threads per process only
    slow them."""
    with threadpool_limits(limits=1):
        model = clone(estimator).fit(list(texts), list(labels), **fit_params)
        apply = getattr(model, method)
        return [str(c) for c in model.classes_], [np.asarray(apply(list(s))) for s in scored]
