"""The ``stance`` command line, end to end on real files: the contract scripts rely on.

One round trip runs as a real subprocess (``python -m stance``); the rest call ``main()`` in
process, which is the same code without the interpreter start-up.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import stance
from stance import model_files
from tests.helpers import (
    GROUP,
    LABEL,
    TEXT,
    assert_one_line_error,
    four_class_rows,
    predict_args,
    run,
    stance_rows,
    train_word_model,
    write_csv,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def data_csv(workdir: Path) -> Path:
    return write_csv(workdir / "statements.csv", stance_rows())


@pytest.fixture(scope="module")
def model(workdir: Path, data_csv: Path) -> Path:
    """A model trained once through the command (word features keep it quick)."""
    return train_word_model(data_csv, workdir / "model.skops")


# --- the happy paths -----------------------------------------------------------------------


def test_round_trip_through_python_m_stance(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "train.csv", stance_rows())
    model_path, predicted = tmp_path / "m.skops", tmp_path / "predicted.csv"

    def stance_command(*argv: object) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "stance", *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done

    trained = stance_command(
        "train",
        "--data",
        data,
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
        "--group-column",
        GROUP,
        "--out",
        model_path,
    )
    assert "neutral, opposition, support (3)" in trained.stdout
    assert "selected by  f_avg" in trained.stdout and "CV f_avg" in trained.stdout
    assert "grouped by 'group'" in trained.stdout
    metadata = model_files.load_model(model_path).metadata
    assert (metadata["selection_metric"], metadata["cv_score"] > 0) == ("f_avg", True)
    assert "trained on 60 texts" in trained.stdout

    done = stance_command(
        "predict", "--model", model_path, "--data", data, "--text-column", TEXT, "--out", predicted
    )
    assert done.stderr == ""  # no progress when stderr is not a terminal
    out = pd.read_csv(predicted, dtype=str, keep_default_na=False)
    assert list(out.columns) == [
        "id",
        TEXT,
        LABEL,
        GROUP,
        "predicted",
        "proba_neutral",
        "proba_opposition",
        "proba_support",
    ]
    probabilities = out.filter(like="proba_").astype(float)
    assert probabilities.sum(axis=1).round(4).eq(1).all()
    assert (out["predicted"] == probabilities.idxmax(axis=1).str.removeprefix("proba_")).all()
    assert (out["predicted"] == out[LABEL]).mean() > 0.9

    scores = json.loads(
        stance_command(
            "evaluate",
            "--model",
            model_path,
            "--data",
            data,
            "--text-column",
            TEXT,
            "--label-column",
            LABEL,
            "--json",
        ).stdout
    )
    assert {"macro_f1", "f_avg", "accuracy", "n", "per_class"} <= set(scores)
    assert scores["n"] == 60 and scores["macro_f1"] > 0.9
    assert set(scores["per_class"]) == {"neutral", "opposition", "support"}
    assert set(scores["per_class"]["support"]) == {"precision", "recall", "f1", "support"}


def test_any_label_names_work(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = write_csv(tmp_path / "four.csv", four_class_rows())
    model_path = tmp_path / "four.skops"
    code, out, _ = run(
        capsys,
        "train",
        "--data",
        data,
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
        "--features",
        "word",
        "--target",
        "the policy",
        "--out",
        model_path,
    )
    assert code == 0 and "anti, mixed, offtopic, pro (4)" in out

    code, out, _ = run(
        capsys,
        "evaluate",
        "--model",
        model_path,
        "--data",
        data,
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
        "--json",
    )
    scores = json.loads(out)
    assert code == 0 and "f_avg" not in scores  # no side-taking pair among these names
    assert set(scores["per_class"]) == {"pro", "anti", "mixed", "offtopic"}

    predicted = tmp_path / "four.predicted.csv"
    assert (
        run(
            capsys,
            *predict_args(model_path, data, predicted),
        )[0]
        == 0
    )
    columns = pd.read_csv(predicted, nrows=0).columns.tolist()
    assert columns[-4:] == ["proba_anti", "proba_mixed", "proba_offtopic", "proba_pro"]


def test_evaluate_prints_a_table(
    capsys: pytest.CaptureFixture[str], model: Path, data_csv: Path
) -> None:
    code, out, _ = run(
        capsys,
        "evaluate",
        "--model",
        model,
        "--data",
        data_csv,
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
    )
    assert code == 0
    assert "macro-F1" in out and "accuracy" in out
    assert "F_avg" in out and "support and opposition" in out
    assert "precision" in out and "opposition" in out


def test_predict_in_chunks_equals_predict_at_once(
    capsys: pytest.CaptureFixture[str], model: Path, tmp_path: Path
) -> None:
    data = write_csv(tmp_path / "thirty.csv", stance_rows(5))
    assert len(pd.read_csv(data)) == 30
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    for out, extra in ((whole, []), (chunked, ["--chunksize", "7"])):
        code, _, err = run(
            capsys,
            *predict_args(model, data, out),
            *extra,
        )
        assert code == 0 and err == ""
    assert chunked.read_bytes() == whole.read_bytes()
    assert len(pd.read_csv(chunked)) == 30


def test_predict_leaves_empty_text_unlabelled(
    capsys: pytest.CaptureFixture[str], model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "gaps.csv"
    data.write_text(
        f"{TEXT},{LABEL}\nwe praise the treaty,support\n,neutral\n   ,neutral\n"
        "we condemn the summit,opposition\n",
        encoding="utf-8",
    )
    out = tmp_path / "gaps.predicted.csv"
    code, _, err = run(
        capsys,
        *predict_args(model, data, out),
        "--chunksize",
        "3",
    )
    assert code == 0
    assert err.strip() == (
        "stance: 2 row(s) with empty text left without a prediction ('predicted' is empty)"
    )
    predicted = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert predicted["predicted"].tolist()[1:3] == ["", ""]
    assert predicted["predicted"].iloc[0] != "" and predicted["predicted"].iloc[3] != ""
    assert (predicted.loc[1:2].filter(like="proba_") == "").all().all()


def test_predict_shows_progress_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    model: Path,
    data_csv: Path,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(
        capsys,
        *predict_args(model, data_csv, tmp_path / "p.csv"),
        "--chunksize",
        "25",
    )
    assert code == 0
    assert "\rpredicted 25 rows" in err and "\rpredicted 60 rows" in err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"stance {stance.__version__}"
    for command in (
        ["train"],
        ["predict"],
        ["evaluate"],
        ["benchmark", "tweeteval"],
        ["build-dataset"],
        ["corpus", "fetch"],
        ["corpus", "build"],
    ):
        code, out, _ = run(capsys, *command, "--help")
        assert code == 0 and "examples:" in out and "stance " + " ".join(command) in out


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "train", "--data", "x.csv")
    assert_one_line_error(code, err, "--text-column")
    code, _, err = run(
        capsys,
        "predict",
        "--model",
        "m",
        "--data",
        "d",
        "--text-column",
        "t",
        "--out",
        "o",
        "--chunksize",
        "0",
    )
    assert_one_line_error(code, err, "--chunksize")


# --- bad input: one line, exit 2, no output ------------------------------------------------


def _tampered(model: Path, path: Path) -> Path:
    """The model file with bytes flipped inside its stored arrays (the zip CRC then fails)."""
    data = bytearray(model.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))
    return path


def _with_untrusted_type(model: Path, path: Path) -> Path:
    """A well-formed skops archive whose schema names ``os.system`` instead of the classifier."""
    with zipfile.ZipFile(model) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "schema.json":
                content = (
                    content.decode()
                    .replace('"LogisticRegression"', '"system"')
                    .replace('"sklearn.linear_model._logistic"', '"os"')
                    .encode()
                )
            target.writestr(info, content)
    return path


def _bad_inputs(tmp: Path, model: Path, data: Path) -> dict[str, tuple[list[str], str]]:
    """Each case: the command line and the word its error must name."""
    empty = tmp / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp / "header_only.csv"
    header_only.write_text("text,label,group\n")
    legacy = tmp / "cp1254.csv"  # Turkish saved by an old Windows program
    legacy.write_bytes("text,label\nÇok güzel,support\nİyi,neutral\n".encode("cp1254"))
    late_bad = tmp / "late_bad.csv"  # valid for 20 rows, then a byte that is not UTF-8
    late_bad.write_bytes(data.read_bytes() + b"x,caf\xe9 bad,support,g1\n")
    one_class = write_csv(
        tmp / "one_class.csv", [row for row in stance_rows() if row[LABEL] == "support"]
    )
    unknown_label = write_csv(
        tmp / "unknown_label.csv",
        [*stance_rows(2), {"id": "x", TEXT: "We shrug at it", LABEL: "undecided", GROUP: "g9"}],
    )
    csv_model = tmp / "not_a_model.skops"
    csv_model.write_bytes(data.read_bytes())
    tampered = _tampered(model, tmp / "tampered.skops")
    untrusted = _with_untrusted_type(model, tmp / "untrusted.skops")

    def train(source: Path, *extra: str) -> list[str]:
        return [
            "train",
            "--data",
            str(source),
            "--text-column",
            TEXT,
            "--label-column",
            LABEL,
            *extra,
        ]

    def predict(source: Path, model_path: Path = model, column: str = TEXT) -> list[str]:
        return [
            "predict",
            "--model",
            str(model_path),
            "--data",
            str(source),
            "--text-column",
            column,
            "--chunksize",
            "7",
        ]

    return {
        "train: missing file": (train(tmp / "nope.csv"), "nope.csv"),
        "train: missing column": (train(data, "--group-column", "batch"), "'batch'"),
        "train: empty file": (train(empty), "empty.csv"),
        "train: header only": (train(header_only), "header_only.csv"),
        "train: not UTF-8": (train(legacy), "cp1254.csv"),
        "train: single class": (train(one_class), "2 classes"),
        "train: unknown features": (train(data, "--features", "bigram"), "'bigram'"),
        "predict: missing file": (predict(tmp / "nope.csv"), "nope.csv"),
        "predict: missing column": (predict(data, column="body"), "'body'"),
        "predict: empty file": (predict(empty), "empty.csv"),
        "predict: header only": (predict(header_only), "header_only.csv"),
        "predict: not UTF-8 after 20 good rows": (predict(late_bad), "late_bad.csv"),
        "predict: a CSV as model": (predict(data, csv_model), "not_a_model.skops"),
        "predict: tampered model": (predict(data, tampered), "tampered.skops"),
        "predict: untrusted type": (predict(data, untrusted), "os.system"),
        "predict: missing model": (predict(data, tmp / "gone.skops"), "gone.skops"),
        "evaluate: unknown label": (
            [
                "evaluate",
                "--model",
                str(model),
                "--data",
                str(unknown_label),
                "--text-column",
                TEXT,
                "--label-column",
                LABEL,
            ],
            "'undecided'",
        ),
        "evaluate: missing column": (
            [
                "evaluate",
                "--model",
                str(model),
                "--data",
                str(data),
                "--text-column",
                TEXT,
                "--label-column",
                "gold",
            ],
            "'gold'",
        ),
    }


def test_bad_input_gives_one_line_and_no_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = write_csv(tmp_path / "twenty.csv", stance_rows(4)[:20])
    for name, (argv, culprit) in _bad_inputs(tmp_path, model, data).items():
        out_dir = tmp_path / name.replace(" ", "_").replace(":", "")
        out_dir.mkdir()
        if argv[0] == "evaluate":
            code, _, err = run(capsys, *argv)
        elif argv[0] == "train":  # no output yet: none may appear
            code, _, err = run(capsys, *argv, "--out", out_dir / "model.skops")
            assert not (out_dir / "model.skops").exists(), name
        else:  # an earlier output: it must stay as it was
            existing = out_dir / "predicted.csv"
            existing.write_text("earlier output\n")
            code, _, err = run(capsys, *argv, "--out", existing)
            assert existing.read_text() == "earlier output\n", name
        assert [p.name for p in out_dir.iterdir()] in ([], ["predicted.csv"]), name
        try:
            assert_one_line_error(code, err, culprit)
        except AssertionError as error:
            raise AssertionError(f"{name}: {err!r}") from error


# --- build-dataset -------------------------------------------------------------------------


def test_build_dataset(capsys: pytest.CaptureFixture[str], raw_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "statements"
    code, out, err = run(capsys, "build-dataset", "--raw", raw_dir, "--out", out_dir)
    assert code == 0, err
    assert out.startswith(f"built {out_dir}:") and "statements" in out and "train" in out
    assert len(out.splitlines()) == 1
    assert {p.name for p in out_dir.iterdir()} == {"train.csv", "test.csv", "README.md"}

    batch = raw_dir / "constructed" / "batch.csv"
    rows = pd.read_csv(batch, dtype=str, keep_default_na=False)
    rows.loc[3, "russian_foreign_policy"] = "enthusiastic"
    rows.to_csv(batch, index=False)
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    code, _, err = run(capsys, "build-dataset", "--raw", raw_dir, "--out", out_dir)
    assert_one_line_error(code, err, "batch.csv: line 5")
    assert "'enthusiastic'" in err
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before
