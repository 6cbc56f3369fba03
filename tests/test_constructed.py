"""Tests for stance.constructed: reading the raw sources, building, writing and loading the
constructed-statement dataset."""

from __future__ import annotations

import pandas as pd
import pytest

from stance import config, constructed, schema
from stance.schema import DatasetError
from tests.helpers import constructed_rows, write_csv


def test_build_statements_gives_both_languages_with_shared_labels_and_split(raw_dir):
    frame = constructed.build_statements(raw_dir)
    assert list(frame.columns) == list(schema.COLUMNS)
    assert frame["statement_id"].nunique() == 44  # 4 seed quotations + 40 constructed
    per_statement = frame.groupby("statement_id").agg(
        langs=("lang", lambda s: "".join(sorted(s))), splits=("split", "nunique")
    )
    assert (per_statement["langs"] == "entr").all() and (per_statement["splits"] == 1).all()
    assert frame.groupby("group")["split"].nunique().max() == 1
    assert 0.15 < (frame["split"] == "test").mean() < 0.35


def test_seed_rows_name_speaker_and_source(raw_dir):
    seed = constructed.build_statements(raw_dir).query("origin == 'seed'")
    assert set(seed["speaker_role"]) == {
        "President of Russia (Vladimir Putin)",
        "Leader of North Korea (Kim Jong-Un)",
    }
    assert seed["source"].str.contains("Putin 24 yıl sonra Kuzey Kore").all()


def test_build_is_deterministic(raw_dir):
    pd.testing.assert_frame_equal(
        constructed.build_statements(raw_dir), constructed.build_statements(raw_dir)
    )


def _break(raw_dir, change):
    rows = constructed_rows()
    change(rows)
    return write_csv(raw_dir / constructed.CONSTRUCTED_DIR / "batch.csv", rows)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: [r.pop("sentiment") for r in rows], "missing column 'sentiment'"),
        (
            lambda rows: rows[4].update(ukraine_operation="favour"),
            "line 6: ukraine_operation 'favour' is not one of",
        ),
        (lambda rows: rows[2].update(text_tr="   "), "line 4: empty text (tr)"),
        (
            lambda rows: rows[9].update(statement_id="t-003", sentiment="positive"),
            "line 11: duplicate statement_id t-003 with conflicting labels (first at",
        ),
        (lambda rows: rows[9].update(text_en=rows[3]["text_en"]), "line 11: duplicate text"),
        (lambda rows: rows[0].update(genre="tweet"), "line 2: genre 'tweet' is not one of"),
    ],
)
def test_malformed_raw_input_names_file_and_row(raw_dir, change, message):
    path = _break(raw_dir, change)
    with pytest.raises(DatasetError) as error:
        constructed.build_statements(raw_dir)
    assert message in str(error.value)
    assert str(path.name) in str(error.value) and "\n" not in str(error.value)


def test_raw_file_that_is_not_utf8(raw_dir):
    path = raw_dir / constructed.CONSTRUCTED_DIR / "batch.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("iso-8859-9"))
    with pytest.raises(DatasetError, match=r"batch\.csv: line \d+: not valid UTF-8"):
        constructed.build_statements(raw_dir)


def test_seed_annotation_must_match_the_article(raw_dir):
    path = raw_dir / constructed.SEED_QUOTES
    annotations = pd.read_csv(path, dtype=str, keep_default_na=False)
    annotations.loc[1, "quote_tr"] = "Bu cümle makalede geçmiyor."
    annotations.to_csv(path, index=False)
    with pytest.raises(DatasetError, match="line 3: quote_tr is not a quotation"):
        constructed.build_statements(raw_dir)
    original = pd.read_csv(
        config.RAW_DIR / constructed.SEED_QUOTES, dtype=str, keep_default_na=False
    )
    original.iloc[:3].to_csv(path, index=False)  # one quotation left unannotated
    with pytest.raises(DatasetError, match="1 quotation"):
        constructed.build_statements(raw_dir)


def test_write_dataset_replaces_folder_and_loads_with_classlabels(raw_dir, tmp_path):
    out = tmp_path / "statements"
    frame = constructed.build_dataset(raw_dir, out)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "test.csv", "train.csv"]
    pd.testing.assert_frame_equal(
        constructed.load_statements(path=out).sort_values("id", ignore_index=True),
        frame.sort_values("id", ignore_index=True),
    )
    dataset = constructed.load_hf_dataset(out, cache_dir=tmp_path / "cache")
    assert set(dataset) == {"train", "test"}
    features = dataset["train"].features
    for column in schema.LABEL_COLUMNS:
        assert features[column].names == list(schema.ALLOWED_LABELS[column])
    assert dataset["train"].num_rows + dataset["test"].num_rows == len(frame)


def test_failed_build_leaves_existing_dataset_untouched(raw_dir, tmp_path):
    out = tmp_path / "statements"
    constructed.build_dataset(raw_dir, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _break(raw_dir, lambda rows: rows[0].update(sentiment="angry"))
    with pytest.raises(DatasetError):
        constructed.build_dataset(raw_dir, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "statements"]  # no staging left
