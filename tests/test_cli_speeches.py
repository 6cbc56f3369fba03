"""`stance speeches`: one's own question (these states, these sessions) in one command, on the
fixture corpus in the publisher's layout; bad input is one line, exit 2, and no output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import assert_one_line_error, run, stance_rows, train_word_model, write_csv

UNGDC = Path(__file__).parent / "fixtures" / "corpora" / "ungdc"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("speeches")
    return train_word_model(write_csv(folder / "train.csv", stance_rows()), folder / "m.skops")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixture corpus plus a speech without any keyword sentence."""
    folder = tmp_path / "ungdc"
    shutil.copytree(UNGDC, folder)
    (folder / "TXT" / "Session 78 - 2023" / "XBB_78_2023.txt").write_text(
        "We thank the President for his leadership of this session.\n\n"
        "Our schools and hospitals need clean water and reliable power.\n",
        encoding="utf-8",
    )
    return folder


def test_one_row_per_speech_including_speeches_without_keyword_sentences(
    capsys, tmp_path, corpus, model
):
    out, sentences = tmp_path / "speeches.csv", tmp_path / "sentences.csv"
    code, stdout, _ = run(
        capsys,
        "speeches", "--corpus", corpus, "--model", model, "--iso3", "xaa, XBB",
        "--sessions", "77-78", "--out", out, "--sentences", sentences,
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert table[["iso3", "session"]].values.tolist() == [
        ["XAA", 77],
        ["XBB", 77],
        ["XAA", 78],
        ["XBB", 78],
    ]
    silent = table[(table["iso3"] == "XBB") & (table["session"] == 78)].iloc[0]
    assert silent["sentences"] == 0 and silent["net_stance"] == ""
    spoken = table[table["sentences"] > 0]
    assert (spoken["support"] + spoken["opposition"] <= spoken["sentences"]).all()
    net = (spoken["support"] - spoken["opposition"]) / spoken["sentences"]
    assert (spoken["net_stance"].astype(float) - net).abs().max() < 1e-12
    low, high = spoken["net_stance_low"].astype(float), spoken["net_stance_high"].astype(float)
    assert ((low <= net + 1e-12) & (net <= high + 1e-12)).all()
    assert set(table["model"]) == {str(model)}
    scored = pd.read_csv(sentences)
    assert len(scored) == table["sentences"].sum()
    assert {"sentence_id", "text", "predicted"} <= set(scored.columns)
    assert f"of {len(table)} speeches (1 without a keyword sentence)" in stdout
    assert str(model) in stdout


@pytest.mark.parametrize(
    ("argv", "culprit"),
    [
        (["--iso3", "XAA,QQQ", "--sessions", "77"], "no speech of QQQ in any session"),
        (["--sessions", "78-77"], "'78-77' is an empty range"),
        (["--sessions", "seventy"], "'seventy' is not a session"),
        (["--sessions", "60-65"], "no speech of the chosen states in sessions 60-65"),
        (["--iso3", " , ", "--sessions", "77"], "--iso3: no ISO3 code given"),
    ],
)
def test_bad_choices_are_one_line_errors_and_write_nothing(
    capsys, tmp_path, corpus, model, argv, culprit
):
    out = tmp_path / "speeches.csv"
    code, _, err = run(
        capsys, "speeches", "--corpus", corpus, "--model", model, *argv, "--out", out
    )
    assert_one_line_error(code, err, culprit)
    assert not out.exists()


def test_a_missing_corpus_or_model_is_named(capsys, tmp_path, corpus, model):
    out = tmp_path / "speeches.csv"
    code, _, err = run(
        capsys, "speeches", "--corpus", tmp_path / "nowhere", "--model", model,
        "--sessions", "77", "--out", out,
    )  # fmt: skip
    assert_one_line_error(code, err, "no UN General Debate corpus here")
    code, _, err = run(
        capsys, "speeches", "--corpus", corpus, "--model", tmp_path / "none.skops",
        "--sessions", "77", "--out", out,
    )  # fmt: skip
    assert_one_line_error(code, err, "none.skops: no such model file")
    assert not out.exists()
