"""Prediction at scale: the partition-level function, the local engine (worker processes) and
the Dask engine, checked against each other through the real command.

One tiny model is trained once for the module; one Dask cluster is started once for the tests
that pass ``--scheduler``, and one test lets the command start its own (in a subprocess, as a
user runs it).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import threadpoolctl

from stance import model_files, predict
from stance.cli import main
from stance.io import InputError
from tests.helpers import (
    SUBJECTS,
    TEMPLATES,
    TEXT,
    assert_one_line_error,
    predict_args,
    run,
    stance_rows,
    train_word_model,
)

CLASSES = ["neutral", "opposition", "support"]


def training_rows() -> pd.DataFrame:
    return pd.DataFrame(stance_rows()).drop(columns="id")


def unlabelled_rows(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` texts in a known order (ids), some empty or blank, one in five marked Turkish."""
    rng = np.random.default_rng(seed)
    templates = [template for group in TEMPLATES.values() for template in group]
    texts = [
        templates[rng.integers(len(templates))].format(
            s=f"{SUBJECTS[rng.integers(len(SUBJECTS))]} item {i}"
        )
        for i in range(n)
    ]
    for i in range(0, n, 37):
        texts[i] = "" if i % 2 else "   "
    return pd.DataFrame(
        {
            "id": [f"row{i:05d}" for i in range(n)],
            TEXT: texts,
            "lang": ["tr" if i % 5 == 4 else "en" for i in range(n)],
        }
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("predict")


@pytest.fixture(scope="module")
def model(workdir: Path) -> Path:
    """A model trained once through the command (word features keep it quick)."""
    data, path = workdir / "train.csv", workdir / "model.skops"
    training_rows().to_csv(data, index=False)
    return train_word_model(data, path)


@pytest.fixture(scope="module")
def pipeline(model: Path) -> object:
    return model_files.load_model(model).pipeline


@pytest.fixture(scope="module")
def big_csv(workdir: Path) -> Path:
    path = workdir / "big.csv"
    unlabelled_rows(3000).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def local_output(model: Path, big_csv: Path, workdir: Path) -> pd.DataFrame:
    """The local engine's output for ``big_csv``, in-process (--jobs 1), as strings."""
    out = workdir / "big.jobs1.csv"
    assert (
        main(
            [str(a) for a in predict_args(model, big_csv, out, "--jobs", "1", "--chunksize", "97")]
        )
        == 0
    )
    return pd.read_csv(out, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One local Dask cluster for the module: two single-threaded worker processes."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as cluster:
        yield cluster.scheduler_address


# --- predict_frame -------------------------------------------------------------------------


def test_predict_frame_adds_label_and_probabilities_after_the_columns(pipeline: object) -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b"], TEXT: ["We warmly welcome the treaty", "We firmly condemn the summit"]},
        index=[10, 11],
    )
    result = predict.predict_frame(pipeline, frame, TEXT)
    assert list(result.columns) == ["id", TEXT, "predicted", *(f"proba_{c}" for c in CLASSES)]
    assert list(result.index) == [10, 11]
    assert result["predicted"].tolist() == ["support", "opposition"]
    proba = result.filter(like="proba_").to_numpy()
    assert np.allclose(proba.sum(axis=1), 1)
    assert list(frame.columns) == ["id", TEXT]  # the input is not changed


def test_predict_frame_prefix_names_the_added_columns(pipeline: object) -> None:
    frame = pd.DataFrame({TEXT: ["We warmly welcome the treaty"]})
    plain = predict.predict_frame(pipeline, frame, TEXT)
    prefixed = predict.predict_frame(pipeline, frame, TEXT, prefix="rfp")
    assert list(prefixed.columns) == [TEXT, "rfp_predicted", *(f"rfp_proba_{c}" for c in CLASSES)]
    assert prefixed.iloc[:, 1:].to_numpy().tolist() == plain.iloc[:, 1:].to_numpy().tolist()
    assert predict.output_columns(CLASSES, "rfp")[0] == "rfp_predicted"


def test_predict_frame_leaves_missing_and_blank_text_unlabelled(pipeline: object) -> None:
    frame = pd.DataFrame(
        {TEXT: ["We warmly welcome the treaty", "", "  \t", None, np.nan]}, dtype=object
    )
    result = predict.predict_frame(pipeline, frame, TEXT)
    assert result["predicted"].tolist() == ["support", "", "", "", ""]
    assert result.filter(like="proba_").iloc[1:].isna().all().all()
    assert (result["predicted"] == "").sum() == 4
    nothing = predict.predict_frame(pipeline, frame.iloc[1:], TEXT)  # no text: no model call
    assert (nothing["predicted"] == "").all()


def test_predict_meta_matches_what_predict_frame_returns(pipeline: object) -> None:
    frame = pd.DataFrame({"id": ["a"], TEXT: ["We firmly condemn the summit"]})
    meta = predict.predict_meta(frame, CLASSES, prefix="p")
    result = predict.predict_frame(pipeline, frame, TEXT, prefix="p")
    assert meta.empty and list(meta.columns) == list(result.columns)
    assert meta.dtypes.to_dict() == result.dtypes.to_dict()


def test_predict_frame_loads_a_model_path_once_per_process(model: Path, pipeline: object) -> None:
    frame = pd.DataFrame({TEXT: ["Officials noted the talks on Tuesday"]})
    by_path = predict.predict_frame(str(model), frame, TEXT)
    pd.testing.assert_frame_equal(by_path, predict.predict_frame(pipeline, frame, TEXT))
    assert predict.load_pipeline(model) is predict.load_pipeline(str(model))


def test_predict_frame_refuses_to_overwrite_a_column(pipeline: object) -> None:
    frame = pd.DataFrame({TEXT: ["x"], "predicted": ["y"]})
    with pytest.raises(InputError, match="'predicted'"):
        predict.predict_frame(pipeline, frame, TEXT)
    assert "p_predicted" in predict.predict_frame(pipeline, frame, TEXT, prefix="p")


# --- the local engine ----------------------------------------------------------------------


def test_jobs_2_writes_the_same_bytes_as_jobs_1_in_input_order(
    capsys: pytest.CaptureFixture[str],
    model: Path,
    big_csv: Path,
    workdir: Path,
    local_output: pd.DataFrame,
) -> None:
    one, two = workdir / "big.jobs1.csv", workdir / "big.jobs2.csv"
    code, out, err = run(
        capsys, *predict_args(model, big_csv, two, "--jobs", "2", "--chunksize", "97")
    )  # 31 chunks
    assert code == 0, err
    assert two.read_bytes() == one.read_bytes()
    assert local_output["id"].tolist() == pd.read_csv(big_csv)["id"].tolist()
    assert out.strip() == f"predicted 3,000 rows -> {two}"
    empty = (local_output[TEXT].str.strip() == "").sum()
    assert err.splitlines()[0] == (
        f"stance: {empty} row(s) with empty text left without a prediction ('predicted' is empty)"
    )


def test_pool_workers_use_one_blas_thread(model: Path) -> None:
    context = predict._pool_context()
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=predict._init_worker, initargs=(str(model),)
    ) as pool:
        info = pool.submit(threadpoolctl.threadpool_info).result()
    assert info and {library["num_threads"] for library in info} == {1}


@pytest.mark.parametrize(
    ("bad_row", "culprit"),
    [
        (b"row9,caf\xe9 au lait,en\n", "not valid UTF-8"),
        (b"row9,one,two,three,four\n", "not a valid CSV file"),
    ],
)
def test_a_bad_row_mid_stream_stops_the_workers_with_one_line(
    capsys: pytest.CaptureFixture[str],
    model: Path,
    big_csv: Path,
    tmp_path: Path,
    bad_row: bytes,
    culprit: str,
) -> None:
    data = tmp_path / "late_bad.csv"
    header, rows = big_csv.read_bytes().split(b"\n", 1)
    long_text = b"We warmly welcome the treaty " * 40_000  # the bad row comes after 1 MiB,
    data.write_bytes(
        header
        + b"\nrow0,"
        + long_text
        + b",en\n"
        + rows  # past any check of
        + bad_row
        + b"row10,We praise the talks,en\n"
    )  # the file's start
    out = tmp_path / "out" / "predicted.csv"
    out.parent.mkdir()
    out.write_text("earlier output\n")
    code, _, err = run(capsys, *predict_args(model, data, out, "--jobs", "2", "--chunksize", "100"))
    assert_one_line_error(code, err, "late_bad.csv")
    assert culprit in err
    assert out.read_text() == "earlier output\n"
    assert [p.name for p in out.parent.iterdir()] == ["predicted.csv"]


def test_out_equal_to_data_is_refused(
    capsys: pytest.CaptureFixture[str], model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data.csv"
    unlabelled_rows(20).to_csv(data, index=False)
    before = data.read_bytes()
    for out in (data, tmp_path / "sub" / ".." / "data.csv"):
        code, _, err = run(capsys, *predict_args(model, data, out))
        assert_one_line_error(code, err, "--out")
    assert data.read_bytes() == before


def test_prefix_names_the_columns_and_avoids_a_clash(
    capsys: pytest.CaptureFixture[str], model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "scored.csv"
    unlabelled_rows(30).assign(predicted="old").to_csv(data, index=False)
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, *predict_args(model, data, out))
    assert_one_line_error(code, err, "'predicted'")
    assert "--prefix" in err and not out.exists()
    code, _, err = run(capsys, *predict_args(model, data, out, "--prefix", "rfp"))
    assert code == 0, err
    columns = pd.read_csv(out, nrows=0).columns.tolist()
    assert columns == [
        "id",
        TEXT,
        "lang",
        "predicted",
        "rfp_predicted",
        *(f"rfp_proba_{c}" for c in CLASSES),
    ]
    assert "'rfp_predicted' is empty" in err


def test_lang_keeps_one_language_and_warns_about_others(
    capsys: pytest.CaptureFixture[str], model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "mixed.csv"
    rows = unlabelled_rows(50)
    rows.to_csv(data, index=False)
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, *predict_args(model, data, out, "--chunksize", "7"))
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("stance: warning:")]
    assert len(warnings) == 1 and "'tr'" in warnings[0] and "--lang en" in warnings[0]
    assert len(pd.read_csv(out)) == 50

    code, stdout, err = run(
        capsys, *predict_args(model, data, out, "--lang", "en", "--chunksize", "7", "--jobs", "2")
    )
    assert code == 0 and "warning" not in err
    kept = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert kept["id"].tolist() == rows.loc[rows["lang"] == "en", "id"].tolist()
    assert "10 other rows left out" in stdout

    code, _, err = run(capsys, *predict_args(model, data, tmp_path / "de.csv", "--lang", "de"))
    assert_one_line_error(code, err, "'de'")
    assert not (tmp_path / "de.csv").exists()
    plain = tmp_path / "plain.csv"
    rows.drop(columns="lang").to_csv(plain, index=False)
    code, _, err = run(capsys, *predict_args(model, plain, out, "--lang", "en"))
    assert_one_line_error(code, err, "'lang'")


# --- the Dask engine -----------------------------------------------------------------------


def assert_same_predictions(dask_output: pd.DataFrame, local: pd.DataFrame) -> None:
    """Same rows in the same order, same labels, probabilities equal to the CSV's 6 decimals."""
    assert dask_output["id"].tolist() == local["id"].tolist()
    assert dask_output["predicted"].tolist() == local["predicted"].tolist()
    for column in (f"proba_{c}" for c in CLASSES):
        expected = pd.to_numeric(local[column].replace("", np.nan))
        assert np.allclose(dask_output[column], expected, atol=5e-7, equal_nan=True), column


@pytest.fixture(scope="module")
def shards(workdir: Path, big_csv: Path) -> Path:
    """``big_csv`` as three CSV shards and three Parquet shards, in order by file name."""
    folder = workdir / "shards"
    folder.mkdir()
    rows = pd.read_csv(big_csv, dtype=str, keep_default_na=False)
    for number, part in enumerate(np.array_split(np.arange(len(rows)), 3)):
        rows.iloc[part].to_csv(folder / f"part{number}.csv", index=False)
        rows.iloc[part].to_parquet(folder / f"part{number}.parquet", index=False)
    return folder


def test_dask_engine_starts_a_local_cluster_and_matches_the_local_engine(
    model: Path, shards: Path, workdir: Path, local_output: pd.DataFrame
) -> None:
    out = workdir / "dask_csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stance",
            "predict",
            "--model",
            str(model),
            "--data",
            str(shards / "*.csv"),
            "--text-column",
            TEXT,
            "--out",
            str(out),
            "--engine",
            "dask",
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"predicted 3,000 rows -> {out} (3 Parquet files)"
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"part.0000{i}.parquet" for i in range(3)]
    assert_same_predictions(pd.read_parquet(out), local_output)
    assert not list(workdir.glob(".dask_csv.*"))  # no staging folder left behind


def test_dask_engine_reads_parquet_with_prefix_and_lang(
    capsys: pytest.CaptureFixture[str],
    model: Path,
    shards: Path,
    workdir: Path,
    local_output: pd.DataFrame,
    scheduler: str,
) -> None:
    out = workdir / "dask_parquet"
    code, stdout, err = run(
        capsys,
        *predict_args(
            model, shards / "*.parquet", out, "--engine", "dask", "--scheduler", scheduler
        ),
    )
    assert code == 0, err
    assert stdout.strip() == f"predicted 3,000 rows -> {out} (3 Parquet files)"
    assert "'tr'" in err and "stance: warning:" in err
    assert_same_predictions(pd.read_parquet(out), local_output)

    code, stdout, err = run(
        capsys,
        *predict_args(
            model,
            shards / "*.parquet",
            out,
            "--engine",
            "dask",
            "--scheduler",
            scheduler,
            "--prefix",
            "rfp",
            "--lang",
            "en",
        ),
    )
    assert code == 0, err
    english = pd.read_parquet(out)  # the earlier output was replaced
    expected = local_output[local_output["lang"] == "en"]
    assert english["id"].tolist() == expected["id"].tolist()
    assert english["rfp_predicted"].tolist() == expected["predicted"].tolist()
    assert "600 other rows left out" in stdout


def test_dask_engine_errors_are_one_line_and_leave_no_output(
    capsys: pytest.CaptureFixture[str], model: Path, shards: Path, tmp_path: Path, scheduler: str
) -> None:
    dask = ("--engine", "dask", "--scheduler", scheduler)
    out = tmp_path / "out"
    code, _, err = run(capsys, *predict_args(model, tmp_path / "none" / "*.parquet", out, *dask))
    assert_one_line_error(code, err, "no files match")

    code, _, err = run(capsys, *predict_args(model, shards / "*.parquet", shards, *dask))
    assert_one_line_error(code, err, "--out")

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.csv").write_bytes((shards / "part0.csv").read_bytes())
    (bad / "b.csv").write_bytes((shards / "part1.csv").read_bytes() + b"x,caf\xe9,en\n")
    out.mkdir()
    (out / "part.00000.parquet").write_bytes(b"earlier output")
    code, _, err = run(capsys, *predict_args(model, bad / "*.csv", out, *dask))
    assert_one_line_error(code, err, "b.csv")
    assert "not valid UTF-8" in err
    assert [p.name for p in out.iterdir()] == ["part.00000.parquet"]
    assert (out / "part.00000.parquet").read_bytes() == b"earlier output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out"]

    (out / "notes.txt").write_text("mine")
    code, _, err = run(capsys, *predict_args(model, shards / "*.parquet", out, *dask))
    assert_one_line_error(code, err, "notes.txt")
    code, _, err = run(
        capsys,
        *predict_args(model, shards / "part0.csv", tmp_path / "o.csv", "--scheduler", scheduler),
    )
    assert_one_line_error(code, err, "--engine dask")
