"""Sentiment: a lexicon baseline (VADER) and features that carry sentiment into a stance model.

VADER (Hutto & Gilbert 2014) scores English text with a hand-made lexicon and a few rules
(negation, intensifiers, "but"). The ``vaderSentiment`` package ships its lexicon, so it works
offline. Its compound score in [-1, 1] becomes a label with the thresholds its authors
recommend: ``>= 0.05`` positive, ``<= -0.05`` negative, otherwise neutral.

VADER knows English only. Text in another language (Turkish here) shares almost no words with
its lexicon, so it scores ``compound = 0`` and is labelled ``neutral``: a silent failure, which
:func:`lexicon_coverage` makes visible. Empty text also scores 0 (neutral).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

#: The languages VADER's lexicon reads.
VADER_LANGS = ("en",)
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
SCORE_COLUMNS = ("neg", "neu", "pos", "compound")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@lru_cache(maxsize=1)
def _analyzer():
    """One VADER analyser per process (loading the lexicon takes a moment)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: Sequence[str]) -> pd.DataFrame:
    """VADER's ``neg``, ``neu``, ``pos`` and ``compound`` scores, one row per text."""
    analyzer = _analyzer()
    rows = [analyzer.polarity_scores(str(text)) for text in texts]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS)).astype(float)


def compound_to_label(compound: float) -> str:
    """Map a compound score to ``positive`` / ``negative`` / ``neutral`` (thresholds ±0.05)."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def vader_labels(texts: Sequence[str]) -> list[str]:
    """VADER sentiment labels for English texts (see the module note on other languages)."""
    return [compound_to_label(c) for c in vader_scores(texts)["compound"]]


def lexicon_coverage(text: str) -> float:
    """Share of a text's words that VADER's lexicon knows (0 for empty text).

    Near zero for non-English text: a sign that VADER's "neutral" means "could not read it".
    """
    words = [w.lower() for w in _TOKEN.findall(text)]
    if not words:
        return 0.0
    lexicon = _analyzer().lexicon
    return sum(w in lexicon for w in words) / len(words)


class VaderFeatures(TransformerMixin, BaseEstimator):
    """VADER's four scores as features, so a stance pipeline can use sentiment.

    Stateless: ``fit`` learns nothing, and the analyser is not stored on the estimator, so a
    pipeline holding it saves with skops like any other.
    """

    def fit(self, texts: Sequence[str], y: Sequence[str] | None = None) -> VaderFeatures:
        self.n_features_in_ = 1
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return vader_scores(list(texts)).to_numpy(dtype=float)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.asarray([f"vader_{name}" for name in SCORE_COLUMNS], dtype=object)
