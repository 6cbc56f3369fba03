"""Tests for stance.results (tables written by code, README blocks filled from them) and the
README's agreement with results/."""

import json
import re

import numpy as np
import pandas as pd

from stance import config, results


def test_write_table_writes_json_and_markdown(tmp_path):
    table = pd.DataFrame({"model": ["a", "b"], "macro_f1": [0.123456, np.float64(0.5)]})
    results.write_table(table, "demo", tmp_path)
    assert json.loads((tmp_path / "demo.json").read_text()) == [
        {"macro_f1": 0.1235, "model": "a"},
        {"macro_f1": 0.5, "model": "b"},
    ]
    assert (tmp_path / "demo.md").read_text() == (
        "| model | macro_f1 |\n|---|---:|\n| a | 0.123 |\n| b | 0.500 |\n"
    )


def test_write_json_sorts_keys_and_rounds(tmp_path):
    results.write_json({"b": 1 / 3, "a": {"z": np.int64(2), "y": [0.123456]}}, "x", tmp_path)
    assert (tmp_path / "x.json").read_text() == (
        '{\n  "a": {\n    "y": [\n      0.1235\n    ],\n    "z": 2\n  },\n  "b": 0.3333\n}\n'
    )


def test_render_readme_replaces_marked_blocks(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "t.md").write_text("| a |\n|---|\n| 1 |\n")
    text = "Intro\n<!-- BEGIN results/t.md -->\nold\n<!-- END results/t.md -->\nEnd\n"
    assert results.render_readme(text, tmp_path) == (
        "Intro\n<!-- BEGIN results/t.md -->\n| a |\n|---|\n| 1 |\n<!-- END results/t.md -->\nEnd\n"
    )


def test_readme_blocks_match_the_committed_results():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    names = results.readme_blocks(readme)
    assert len(names) >= 10
    missing = [name for name in names if not (config.PROJECT_ROOT / name).exists()]
    assert missing == [], "a README block names a file that no code has written"
    assert results.render_readme(readme) == readme, "run `make reproduce` to refresh README.md"


def test_with_intervals_formats_point_and_bounds():
    table = pd.DataFrame(
        {"system": ["m"], "macro_f1": [0.85249], "macro_f1_low": [0.7931], "macro_f1_high": [0.9]}
    )
    assert results.with_intervals(table, ["macro_f1"]).to_dict("records") == [
        {"system": "m", "macro_f1": "0.852 [0.793, 0.900]"}
    ]


def test_with_intervals_leaves_a_metric_that_does_not_apply_empty():
    table = pd.DataFrame(
        {
            "system": ["m"],
            "f_avg": [float("nan")],
            "f_avg_low": [float("nan")],
            "f_avg_high": [float("nan")],
        }
    )
    assert results.with_intervals(table, ["f_avg"]).to_dict("records") == [
        {"system": "m", "f_avg": ""}
    ]


def test_the_readme_shows_the_two_commands_on_its_first_screen() -> None:
    first_screen = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:25]
    assert any(line.startswith("make reproduce") for line in first_screen)
    assert any(line.startswith("make test") for line in first_screen)
    assert "## Contents" in first_screen


def test_the_readme_layout_gives_every_module_a_line() -> None:
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") :]
    listed = set(re.findall(r"^  (\w+)\.py ", layout, flags=re.MULTILINE))
    modules = {path.stem for path in (config.PROJECT_ROOT / "src" / "stance").glob("*.py")}
    assert modules - {"__init__", "__main__"} == listed
