"""The design comparison behind the TweetEval model (benchmarks/tweeteval_designs.py), run on
the small TweetEval fixture."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from benchmarks import tweeteval_designs

FIXTURE = Path(__file__).parent / "fixtures" / "tweeteval"
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
    assert "| design | folds | CV F_avg | per seed |" in (
        tmp_path / "a/tweeteval_designs.md"
    ).read_text(encoding="utf-8")
    # shuffled test labels change nothing: the comparison never reads them
    shuffled = tmp_path / "shuffled"
    shutil.copytree(FIXTURE, shuffled)
    for labels in shuffled.glob("*/test_labels.txt"):
        lines = labels.read_text(encoding="utf-8").splitlines()
        random.Random(0).shuffle(lines)
        labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(shuffled, tmp_path / "b") == result


def test_missing_folder_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = tweeteval_designs.main(["--path", str(tmp_path / "nowhere"), "--out-dir", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such directory" in err
    assert not (tmp_path / "tweeteval_designs.md").exists()
