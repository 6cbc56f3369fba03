"""The design comparison behind the TweetEval model (benchmarks/tweeteval_designs.py), run on
the small TweetEval fixture."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benchmarks import tweeteval_designs, tweeteval_search
from stance import config, tweeteval

FIXTURE = Path(__file__).parent / "fixtures" / "tweeteval"
REFERENCE = config.RESULTS_DIR / "tweeteval.json"  # the committed benchmark result
DESIGNS = ["base: all targets, char 2-5 + VADER, C = 3", "base, C = 1"]


def _run(path: Path, out: Path) -> dict:
    options = ["--seeds", "1", "--jobs", "1", "--out-dir", str(out)]
    code = tweeteval_designs.main(["--path", str(path), "--designs", *DESIGNS, *options])
    assert code == 0
    return json.loads((out / "tweeteval_designs.json").read_text(encoding="utf-8"))


def test_designs_are_scored_without_the_test_labels(tmp_path: Path) -> None:
    result = _run(FIXTURE, tmp_path / "a")
    rows = {(row["design"], row["protocol"]): row for row in result["designs"]}
    assert set(rows) == {
        (DESIGNS[0], "random folds"),
        (DESIGNS[0], "near-duplicate folds"),
        (DESIGNS[1], "near-duplicate folds"),
    }
    assert all(0 <= row["cv_f_avg"] <= 100 and len(row["per_seed"]) == 1 for row in rows.values())
    assert all(0 <= row["iw_cv_f_avg"] <= 100 for row in rows.values())
    shift = result["covariate_shift"]
    assert [row["target"] for row in shift["per_target"]] == sorted(tweeteval.TARGETS)
    assert all(
        0 <= row[key] <= 1
        for row in shift["per_target"]
        for key in ("auc_test_vs_train_val", "auc_val_vs_train")
    )
    assert 0 < shift["effective_sample_size"] <= 5 * 24  # 24 train + val tweets per target
    table = (tmp_path / "a/tweeteval_designs.md").read_text(encoding="utf-8")
    assert "| design | folds | CV F_avg | per seed | IW-CV F_avg |" in table
    assert "| target | n train + val | n test | AUC test vs train + val |" in table
    # shuffled test labels change nothing: the comparison never reads them
    shuffled = tmp_path / "shuffled"
    shutil.copytree(FIXTURE, shuffled)
    for labels in shuffled.glob("*/test_labels.txt"):
        lines = labels.read_text(encoding="utf-8").splitlines()
        random.Random(0).shuffle(lines)
        labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(shuffled, tmp_path / "b") == result


def test_importance_weights_follow_what_looks_like_the_test_tweets() -> None:
    texts = ["red apples and red cherries"] * 20 + ["blue sky over blue sea"] * 20
    splits = ["train"] * 10 + ["val"] * 5 + ["test"] * 5 + ["train"] * 3 + ["val"] * 2
    splits += ["test"] * 15
    items = pd.DataFrame({"target": "fruit", "text": texts, "split": splits, "label": "none"})
    weights, table = tweeteval_designs.covariate_shift(items, seed=0)
    # the 15 "red" train tweets stand for 5 test tweets, the 5 "blue" ones for 15
    assert weights.shape == (20,) and weights.mean() == pytest.approx(1.0)
    assert weights[15:].min() > 2 * weights[:15].max()
    assert table.loc[0, "auc_test_vs_train_val"] > 0.6  # 0.75 at best: identical texts tie
    assert tweeteval_designs.effective_sample_size(np.ones(7)) == pytest.approx(7)
    assert tweeteval_designs.effective_sample_size(np.array([1.0, 0.0])) == pytest.approx(1)


def test_search_without_a_benchmark_result_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = ["--reference", str(tmp_path / "tweeteval.json"), "--out-dir", str(tmp_path)]
    assert tweeteval_search.main(["--path", str(FIXTURE), *missing]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run make benchmark-tweeteval first" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("script", [tweeteval_designs, tweeteval_search])
def test_missing_folder_is_a_one_line_error(
    script: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code = script.main(["--path", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such directory" in err
    assert err.startswith(f"{script.__name__}: error:")
    assert list(tmp_path.iterdir()) == []


def test_wider_search_confirms_its_finalists_on_fresh_folds(tmp_path: Path) -> None:
    options = ["--candidates", "2", "--top", "1", "--jobs", "1", "--out-dir", str(tmp_path)]
    assert tweeteval_search.main(["--path", str(FIXTURE), *options]) == 0
    result = json.loads((tmp_path / "tweeteval_search.json").read_text(encoding="utf-8"))
    assert [
        row["candidate"] for row in sorted(result["stage_1"], key=lambda r: r["candidate"])
    ] == [
        0,
        1,
        2,
    ]
    assert {row["candidate"] for row in result["stage_2"]} >= {0}  # the reference always
    assert all(len(row["per_seed"]) == len(result["confirm_seeds"]) for row in result["stage_2"])
    reference = next(row for row in result["stage_1"] if row["candidate"] == 0)
    chosen = json.loads(REFERENCE.read_text(encoding="utf-8"))["selection"]["configuration"]
    assert {key: reference[key] for key in tweeteval_search.SPACE} == {
        key: chosen[key] for key in tweeteval_search.SPACE
    }
    assert "## Stage 2 (fresh fold seeds)" in (tmp_path / "tweeteval_search.md").read_text(
        encoding="utf-8"
    )


def test_candidates_are_distinct_and_start_with_the_reference() -> None:
    reference = tweeteval_search.reference_settings(REFERENCE)
    drawn = tweeteval_search.sample_candidates(30, 1, reference)
    assert drawn[0] == reference and reference["char_ngram_range"] == (2, 5)
    assert len({json.dumps(d, sort_keys=True) for d in drawn}) == 31
    assert drawn == tweeteval_search.sample_candidates(30, 1, reference)
    assert all(set(d) == set(tweeteval_search.SPACE) for d in drawn)
