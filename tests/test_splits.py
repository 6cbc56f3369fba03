"""Tests for stance.splits: grouped splits and the leakage checks between train and test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance import constructed, splits
from stance.schema import DatasetError
from tests.helpers import constructed_rows, write_csv


def test_grouped_split_keeps_groups_whole_and_is_seeded():
    strata = ["a", "b"] * 40
    groups = [f"g{i // 4}" for i in range(80)]
    train, test = splits.grouped_split(strata, groups, test_size=0.25, seed=5)
    assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert len(test) == 20 and sorted([*train, *test]) == list(range(80))
    again = splits.grouped_split(strata, groups, test_size=0.25, seed=5)
    np.testing.assert_array_equal(again[1], test)
    assert splits.grouped_split(strata, groups, accept=lambda train, test: False) is None


def test_fewer_groups_than_folds_make_one_fold_per_group():
    assert splits.fold_count(0.25, ["a", "b", "c", "d", "e"]) == 4
    assert splits.fold_count(0.25, ["a", "a", "b", "c"]) == 3
    train, test = splits.grouped_split(["x"] * 6, ["a", "a", "b", "b", "c", "c"], 0.25, seed=1)
    assert len(test) == 2 and len(train) == 4


def test_assign_splits_gives_both_languages_one_split(raw_dir):
    frame = splits.assign_splits(constructed.build_statements(raw_dir).drop(columns="split"))
    assert (frame.groupby("statement_id")["split"].nunique() == 1).all()
    assert (frame.groupby("group")["split"].nunique() == 1).all()


def test_a_group_across_splits_fails_the_check():
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "group": ["g", "g"],
            "lang": ["en", "en"],
            "text": ["one text", "another"],
            "split": ["train", "test"],
        }
    )
    with pytest.raises(DatasetError, match="group g spans train and test"):
        splits.check_no_leakage(frame)


def test_near_duplicates_across_splits_fail_the_build(raw_dir):
    rows = constructed_rows()
    frame = splits.assign_splits(constructed.build_statements(raw_dir).drop(columns="split"))
    test_id = frame.query("split == 'test' and origin == 'constructed'")["statement_id"].iloc[0]
    train_id = frame.query("split == 'train' and origin == 'constructed'")["statement_id"].iloc[0]
    source = next(r for r in rows if r["statement_id"] == train_id)
    target = next(r for r in rows if r["statement_id"] == test_id)
    target["text_en"] = source["text_en"] + " indeed"
    write_csv(raw_dir / constructed.CONSTRUCTED_DIR / "batch.csv", rows)
    with pytest.raises(DatasetError, match="near-duplicate pair"):
        constructed.build_statements(raw_dir)
