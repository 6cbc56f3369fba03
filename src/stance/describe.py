"""Describing labelled statements: label shares, the naive stance-as-sentiment mapping, the
summary tables of the dataset card, and agreement between two annotation passes.

Everything here computes tables from a statement table; the dataset cards
(:mod:`stance.dataset_card`, :func:`stance.real.dataset_card`), the notebooks and
:mod:`stance.constructed_models` show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from stance.schema import ALLOWED_LABELS, LABEL_COLUMNS, TARGETS, DatasetError

#: Share of SemEval-2016 stance tweets taking a side whose sentiment contradicts the naive
#: mapping, as published by Mohammad, Sobhani & Kiritchenko (2017); shown beside our own share.
SEMEVAL_2016_MISMATCH_SHARE = 0.39


def naive_mapping_mismatch(frame: pd.DataFrame, target: str) -> pd.Series:
    """For each row, whether its sentiment contradicts the naive stance-as-sentiment mapping.

    Only side-taking rows can contradict it: ``support`` with negative sentiment or
    ``opposition`` with positive sentiment (the definition of Mohammad et al. 2017).
    """
    stance, sentiment = frame[target], frame["sentiment"]
    return ((stance == "support") & (sentiment == "negative")) | (
        (stance == "opposition") & (sentiment == "positive")
    )


def mismatch_share(frame: pd.DataFrame, target: str) -> float:
    """Share of side-taking statements whose sentiment goes against the naive mapping."""
    side = frame[frame[target] != "neutral"]
    return float(naive_mapping_mismatch(side, target).mean())


def label_shares(frame: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
    """Shares (0-1) of each label of ``column``, overall or per value of ``by``, sorted."""
    if by is None:
        return frame[column].value_counts(normalize=True).sort_index().to_frame("share")
    return pd.crosstab(frame[by], frame[column], normalize="index").sort_index().sort_index(axis=1)


def label_counts(frame: pd.DataFrame, column: str) -> pd.Series:
    """How many rows carry each label of ``column``, in :data:`~stance.schema.ALLOWED_LABELS`
    order, zero for labels that never occur."""
    return frame[column].value_counts().reindex(ALLOWED_LABELS[column], fill_value=0)


def dataset_summary(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables the card and the exploration notebook show: sizes, label counts, agreement
    with the naive mapping."""
    statements = frame.drop_duplicates("statement_id")
    sizes = pd.crosstab(frame["split"], [frame["lang"]], margins=True, margins_name="all")
    sizes = sizes.rename_axis(index="split", columns=None)
    by_origin = statements.groupby(["origin", "split"]).size().unstack(fill_value=0)
    labels = (
        pd.concat({column: label_counts(statements, column) for column in LABEL_COLUMNS}, axis=1)
        .fillna(0)
        .astype(int)
    )
    labels.index.name = "label"
    mismatch = pd.DataFrame(
        [
            {
                "target": target,
                "side_taking_statements": int((statements[target] != "neutral").sum()),
                "against_naive_mapping": int(naive_mapping_mismatch(statements, target).sum()),
                "share": round(mismatch_share(statements, target), 3),
            }
            for target in TARGETS
        ]
    )
    return {
        "texts_per_split_and_language": sizes,
        "statements_per_origin": by_origin,
        "statements_per_label": labels,
        "naive_mapping": mismatch,
    }


def kappa_table(
    first: pd.DataFrame, second: pd.DataFrame, columns: tuple[str, ...] = LABEL_COLUMNS
) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label column between two passes over the same items
    (both indexed by item id; ``first`` may hold more items than ``second``)."""
    rows = []
    for column in columns:
        a = first.loc[second.index, column].to_numpy(dtype=object)
        b = second[column].to_numpy(dtype=object)
        rows.append(
            {
                "label": column,
                "statements": len(b),
                "agreement": round(float(np.mean(a == b)), 3),
                "cohen_kappa": round(float(cohen_kappa_score(a, b)), 3),
            }
        )
    return pd.DataFrame(rows)


def annotation_agreement(dataset: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label between the dataset and a second pass.

    Statements the second pass names but the dataset lacks are an error, not silently dropped.
    """
    first = dataset.drop_duplicates("statement_id").set_index("statement_id")
    unknown = sorted(set(second["statement_id"]) - set(first.index))
    if unknown:
        raise DatasetError(
            f"second annotation names unknown statement(s): {', '.join(unknown[:3])}"
        )
    return kappa_table(first, second.set_index("statement_id"))
