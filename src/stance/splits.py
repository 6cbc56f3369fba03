"""Grouped train/test splits and the leakage checks between the two parts.

Every split in the project is made by :func:`grouped_split`: the constructed statements
(:func:`assign_splits`), the real statements (:func:`stance.real.assign_splits`) and a user's
data in the adaptation template (:func:`stance.adapt.split_frame`). No group spans both parts,
and :func:`check_no_leakage` fails a split in which a test text nearly duplicates a training
text.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold

from stance import config
from stance.schema import DatasetError
from stance.text import TextNormalizer

TEST_SIZE = 0.25
NEAR_DUPLICATE_THRESHOLD = 0.8


def fold_count(test_size: float, groups: Sequence[str]) -> int:
    """Folds of the grouped split: ``round(1 / test_size)``, or the number of groups when fewer."""
    return min(round(1 / test_size), len(set(groups)))


def joint_strata(first: Sequence[str], second: Sequence[str], n_folds: int) -> list[str]:
    """Strata for folds that every label of a data set shares: the pair of two label columns
    (``"support|neutral"``), or the first label alone where the pair has fewer than ``n_folds``
    rows, and the most frequent stratum for whatever is still rarer than that, so each stratum
    can spread over the folds.

    >>> joint_strata(["a", "a", "a", "b"], ["x", "x", "y", "x"], 2)
    ['a|x', 'a|x', 'a|x', 'a|x']
    """
    pairs = pd.Series([f"{a}|{b}" for a, b in zip(first, second, strict=True)], dtype=object)
    strata = pairs.where(pairs.map(pairs.value_counts()) >= n_folds, pd.Series(list(first)))
    counts = strata.value_counts()
    return strata.where(strata.map(counts) >= n_folds, counts.index[0]).tolist()


def grouped_split(
    strata: Sequence[str],
    groups: Sequence[str],
    test_size: float = TEST_SIZE,
    seed: int = config.SEED,
    accept: Callable[[np.ndarray, np.ndarray], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A stratified, grouped train/test split, as positions: one fold of a shuffled
    :class:`~sklearn.model_selection.StratifiedGroupKFold` with :func:`fold_count` folds is the
    test part, so no group spans both parts and each stratum's share is about the same in both.
    The first fold is taken, or with ``accept`` the first for which ``accept(train, test)``
    holds (``None`` when none does). Deterministic for a given ``seed``.
    """
    folds = StratifiedGroupKFold(
        n_splits=fold_count(test_size, groups), shuffle=True, random_state=seed
    )
    with warnings.catch_warnings():  # strata rarer than the folds are expected in small data
        warnings.filterwarnings("ignore", message="The least populated class")
        for train, test in folds.split(np.zeros(len(strata)), strata, groups=groups):
            if accept is None or accept(train, test):
                return train, test
    return None


def assign_splits(
    frame: pd.DataFrame, test_size: float = TEST_SIZE, seed: int = config.SEED
) -> pd.DataFrame:
    """Add a ``split`` column: about ``test_size`` of the statements go to ``test``.

    Stratified by the joint stance labels of both targets, grouped by ``group`` (no group spans
    both splits), decided per statement so both language versions share a split.
    """
    statements = frame.drop_duplicates("statement_id").sort_values("statement_id")
    strata = statements["russian_foreign_policy"] + "|" + statements["ukraine_operation"]
    _, test_index = grouped_split(strata, statements["group"], test_size, seed)
    test_ids = set(statements["statement_id"].iloc[test_index])
    split = np.where(frame["statement_id"].isin(test_ids), "test", "train")
    return frame.assign(split=split)


def near_duplicates(
    frame: pd.DataFrame, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> pd.DataFrame:
    """Pairs of texts in different splits (same language) whose TF-IDF cosine is >= threshold."""
    pairs = []
    for lang, texts in frame.groupby("lang", sort=True):
        vectors = TfidfVectorizer(
            preprocessor=TextNormalizer(str(lang)), ngram_range=(1, 2), sublinear_tf=True
        ).fit_transform(texts["text"].tolist())
        train = np.flatnonzero((texts["split"] == "train").to_numpy())
        test = np.flatnonzero((texts["split"] == "test").to_numpy())
        similarity = (vectors[test] @ vectors[train].T).toarray()
        for i, j in zip(*np.nonzero(similarity >= threshold), strict=True):
            pairs.append(
                {
                    "lang": lang,
                    "test_id": texts["id"].iloc[test[i]],
                    "train_id": texts["id"].iloc[train[j]],
                    "cosine": round(float(similarity[i, j]), 3),
                }
            )
    return pd.DataFrame(pairs, columns=["lang", "test_id", "train_id", "cosine"])


def check_no_leakage(frame: pd.DataFrame, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
    """Fail when a group spans both splits or a test text nearly duplicates a training text."""
    spans = frame.groupby("group")["split"].nunique()
    if (spans > 1).any():
        raise DatasetError(f"group {spans[spans > 1].index[0]} spans train and test")
    pairs = near_duplicates(frame, threshold)
    if not pairs.empty:
        first = pairs.iloc[0]
        raise DatasetError(
            f"{len(pairs)} near-duplicate pair(s) across splits (TF-IDF cosine >= "
            f"{threshold}), e.g. {first.test_id} ~ {first.train_id} "
            f"({first.cosine}); put them in one group"
        )
