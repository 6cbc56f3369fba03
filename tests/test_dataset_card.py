"""Tests for stance.dataset_card: the card of a dataset folder and the writing of the folder."""

from __future__ import annotations

import pandas as pd

from stance import constructed, dataset_card


def test_card_reports_counts(raw_dir):
    frame = constructed.build_statements(raw_dir)
    card = dataset_card.dataset_card(frame)
    assert card.startswith("---\n") and "class_label" in card
    assert "44 statements, each in English and in Turkish (88 texts)" in card
    assert "No second annotation pass is available." in card


def test_yaml_header_declares_class_labels_in_order():
    header = dataset_card.yaml_header(("id", "sentiment"), ("en",), "A name", "other")
    assert header.splitlines()[:4] == ["---", "language:", "- en", "license: other"]
    assert "  - name: id\n    dtype: string" in header
    assert "'0': negative\n          '1': neutral\n          '2': positive" in header


def test_card_table_keeps_a_named_index():
    table = pd.DataFrame({"n": [1, 2]}, index=pd.Index(["a", "b"], name="label"))
    assert dataset_card.card_table(table).splitlines()[0].startswith("| label")
    assert "label" not in dataset_card.card_table(table.reset_index(drop=True))
