"""Tests for stance.schema: the label sets and the checks of a statement table."""

from __future__ import annotations

import pandas as pd
import pytest

from stance import schema
from stance.schema import DatasetError


def _row(**change: str) -> dict[str, str]:
    row = {
        "id": "x-en",
        "statement_id": "x",
        "text": "Hello",
        "lang": "en",
        "russian_foreign_policy": "neutral",
        "ukraine_operation": "neutral",
        "sentiment": "neutral",
        "genre": "op_ed",
        "group": "g",
        "origin": "constructed",
    }
    return {**row, **change}


def test_label_sets_are_sorted_and_cover_every_label_column():
    for column in schema.LABEL_COLUMNS:
        assert list(schema.ALLOWED_LABELS[column]) == sorted(schema.ALLOWED_LABELS[column])
    assert set(schema.ALLOWED_LABELS) == set(schema.LABEL_COLUMNS)


def test_language_code_is_checked():
    rows = pd.DataFrame([_row(id="x-de", text="Hallo", lang="de")])
    with pytest.raises(DatasetError, match="lang 'de' is not one of en, tr"):
        schema.validate(rows)


def test_rows_without_a_source_are_named_by_id():
    rows = pd.DataFrame(
        [_row(), _row(id="y-en", statement_id="y", text="Other", sentiment="angry")]
    )
    with pytest.raises(DatasetError, match="row with id 'y-en': sentiment 'angry' is not one"):
        schema.validate(rows)


def test_check_values_and_check_unique_name_the_first_bad_row():
    frame = pd.DataFrame({"item": ["a", "b", "b"], "sentiment": ["neutral", "bad", "worse"]})

    def where(row: pd.Series) -> str:
        return f"f.csv: line {row.name + 2}"

    with pytest.raises(
        DatasetError,
        match=r"^f\.csv: line 3: sentiment 'bad' is not one of "
        "negative, neutral, positive$",
    ):
        schema.check_values(frame, {"sentiment": schema.SENTIMENTS}, where)
    with pytest.raises(DatasetError, match=r"^f\.csv: line 4: duplicate item b$"):
        schema.check_unique(frame, "item", where)
    schema.check_unique(frame.iloc[:2], "item", where)  # no duplicate: no error
