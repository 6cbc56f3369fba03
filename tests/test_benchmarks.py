"""The TweetEval stance benchmark through ``stance benchmark tweeteval``, on a tiny fixture.

``tests/fixtures/tweeteval`` has TweetEval's layout with made-up tweets (cue words make the
classes separable, a few test items are deliberately hard), so the run is quick and the score
is above chance but not perfect, which lets the pooled official score be checked for real.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import datasets
import pandas as pd
import pytest

from stance import benchmarks, evaluate
from stance.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "tweeteval"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def fixture_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "tweeteval"))


def assert_one_line_error(code: int, err: str, culprit: str) -> None:
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("stance: error:") and culprit in err, err


@pytest.fixture(scope="module")
def benchmark_json() -> dict:
    """The JSON of one run over all five targets of the fixture (in process, run once)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["benchmark", "tweeteval", "--path", str(FIXTURE), "--json"]) == 0
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    return json.loads(lines[0])


def test_scores_per_target(benchmark_json: dict) -> None:
    per_target = benchmark_json["per_target"]
    assert list(per_target) == list(benchmarks.TARGETS)
    for scores in per_target.values():
        assert {"f_avg", "macro_f1", "cv_score", "selection_metric",
                "features", "n_train", "n_test"} <= set(
            scores)
        assert scores["n_train"] == 24 and scores["n_test"] == 12  # train + val, then test
        assert scores["f_avg"] > 0.5


def test_official_score_is_f_avg_of_the_pooled_predictions(benchmark_json: dict) -> None:
    gold, predicted = [], []
    for target in benchmarks.TARGETS:
        ids = (FIXTURE / target / "test_labels.txt").read_text().split()
        gold += [benchmarks.LABELS[int(i)] for i in ids]
        predicted += benchmark_json["predictions"][target]
    official = evaluate.f_avg(gold, predicted, ("favor", "against"))
    assert benchmark_json["official_f_avg"] == round(official, 4)
    assert benchmark_json["official_f_avg_percent"] == round(100 * official, 2)
    assert 0.5 < official < 1  # above chance, and the deliberately hard items cost something
    # pooling is not averaging the targets' scores
    mean_of_targets = sum(s["f_avg"] for s in benchmark_json["per_target"].values()) / 5
    assert round(official, 4) != round(mean_of_targets, 4)
    assert benchmark_json["pooled"]["n"] == 60


def test_published_baselines_are_reported_as_published(benchmark_json: dict) -> None:
    published = {b["system"]: b for b in benchmark_json["published_baselines"]}
    assert published["TimeLMs-2021"]["f_avg_percent"] == 72.9
    assert published["BERTweet"]["f_avg_percent"] == 71.2
    assert published["MITRE, best team (SemEval-2016)"]["f_avg_percent"] == 67.82
    assert published["Majority class (SemEval-2016)"]["f_avg_percent"] == 65.22
    assert all(b["source"] for b in published.values())
    assert "not re-measured" in benchmark_json["published_baselines_note"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "benchmark", "tweeteval", "--path", FIXTURE, "--targets",
                       "abortion")
    assert code == 0
    assert "abortion" in out and "atheism" not in out.split("Official")[0]
    assert "Official score (F_avg, test items of all targets pooled):" in out
    assert "NOT re-measured" in out and "TimeLMs-2021" in out and "72.90" in out


def test_missing_target_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_copy(tmp_path)
    shutil.rmtree(root / "climate")
    code, out, err = run(capsys, "benchmark", "tweeteval", "--path", root, "--json")
    assert_one_line_error(code, err, "climate")
    assert out == ""


def test_labels_and_texts_must_have_as_many_lines(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    root = fixture_copy(tmp_path)
    labels = root / "hillary" / "val_labels.txt"
    labels.write_text("".join(labels.read_text().splitlines(keepends=True)[:-1]))
    code, _, err = run(capsys, "benchmark", "tweeteval", "--path", root)
    assert_one_line_error(code, err, "hillary/val_labels.txt")
    assert "11 labels for 12 texts" in err


def test_unknown_label_id_and_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_copy(tmp_path)
    (root / "atheism" / "train_labels.txt").write_text("0\n1\n3\n" + "2\n" * 9)
    code, _, err = run(capsys, "benchmark", "tweeteval", "--path", root)
    assert_one_line_error(code, err, "atheism/train_labels.txt: line 3")
    code, _, err = run(capsys, "benchmark", "tweeteval", "--path", root, "--targets",
                       "abortion,brexit")
    assert_one_line_error(code, err, "'brexit'")


def _as_hub(items: pd.DataFrame) -> dict[str, datasets.DatasetDict]:
    """The hub's form of the items: one DatasetDict per target, ClassLabel label ids."""
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=list(benchmarks.LABELS))})
    hub_names = {local: hub for hub, local in benchmarks.HUB_SPLITS.items()}
    return {target: datasets.DatasetDict({
        hub_names[split]: datasets.Dataset.from_dict(
            {"text": part["text"].tolist(),
             "label": [benchmarks.LABELS.index(label) for label in part["label"]]},
            features=features)
        for split, part in rows.groupby("split", sort=False)})
        for target, rows in items.groupby("target", sort=False)}


def test_hub_conversion_gives_the_same_table_as_the_files() -> None:
    items = benchmarks.load_tweeteval_dir(FIXTURE)
    assert list(items.columns) == list(benchmarks.ITEM_COLUMNS) and len(items) == 5 * 36
    pd.testing.assert_frame_equal(benchmarks.tweeteval_from_hub(_as_hub(items)), items)


def test_hub_conversion_checks_label_names() -> None:
    items = benchmarks.load_tweeteval_dir(FIXTURE, ["abortion"])
    hub = _as_hub(items)
    hub["abortion"]["test"] = hub["abortion"]["test"].cast_column(
        "label", datasets.ClassLabel(names=["none", "favor", "against"]))
    with pytest.raises(benchmarks.InputError, match="stance_abortion: label names"):
        benchmarks.tweeteval_from_hub(hub)
