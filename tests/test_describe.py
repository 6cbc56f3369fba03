"""Tests for stance.describe: label shares, the naive mapping and annotation agreement."""

from __future__ import annotations

import pandas as pd
import pytest

from stance import constructed, describe
from stance.schema import LABEL_COLUMNS, DatasetError


def test_annotation_agreement_kappa(raw_dir):
    frame = constructed.build_statements(raw_dir)
    first = frame.drop_duplicates("statement_id")
    second = first[["statement_id", *LABEL_COLUMNS]].copy()
    agreement = describe.annotation_agreement(frame, second)
    assert (agreement["cohen_kappa"] == 1.0).all() and (agreement["agreement"] == 1.0).all()
    second["sentiment"] = "neutral"
    agreement = describe.annotation_agreement(frame, second).set_index("label")
    assert agreement.loc["sentiment", "cohen_kappa"] == 0.0
    with pytest.raises(DatasetError, match="unknown statement"):
        describe.annotation_agreement(frame, pd.concat([second, second.assign(statement_id="zz")]))


def test_mismatch_share_counts_only_cross_polarity():
    frame = pd.DataFrame(
        {
            "t": ["support", "support", "opposition", "opposition", "neutral"],
            "sentiment": ["negative", "neutral", "positive", "negative", "negative"],
        }
    )
    assert describe.naive_mapping_mismatch(frame, "t").tolist() == [True, False, True, False, False]
    assert describe.mismatch_share(frame, "t") == 0.5


def test_label_counts_list_every_label_in_order():
    frame = pd.DataFrame({"sentiment": ["positive", "positive", "neutral"]})
    assert describe.label_counts(frame, "sentiment").to_dict() == {
        "negative": 0,
        "neutral": 1,
        "positive": 2,
    }
    shares = describe.label_shares(frame, "sentiment")
    assert shares["share"].round(3).to_dict() == {"neutral": 0.333, "positive": 0.667}
