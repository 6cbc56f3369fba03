"""Tests for stance.reproduce (the notebook runner and make check) and stance.report."""

import json
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from stance import reproduce
from stance.report import build_report, notebook_summary


def _notebook(path, *sources):
    notebook = new_notebook(
        cells=[new_markdown_cell("# 99 · A title\n\nWhat it shows.")]
        + [new_code_cell(s) for s in sources]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


def test_run_pipeline_executes_in_place_deterministically(tmp_path):
    path = _notebook(tmp_path / "01_demo.ipynb", "print(sorted({'b', 'a'}))", "1 + 1")
    reproduce.run_pipeline([path], log=lambda line: None)
    first = path.read_bytes()
    cells = json.loads(first)["cells"]
    assert "".join(cells[1]["outputs"][0]["text"]) == "['a', 'b']\n"
    assert cells[2]["execution_count"] == 2 and "execution" not in cells[2]["metadata"]
    reproduce.run_pipeline([path], log=lambda line: None)
    assert path.read_bytes() == first


def test_run_pipeline_reports_the_failing_notebook_in_one_line(tmp_path):
    path = _notebook(tmp_path / "01_bad.ipynb", "raise ValueError('raw.csv: row 3: empty text')")
    before = path.read_bytes()
    with pytest.raises(RuntimeError) as error:
        reproduce.run_pipeline([path], log=lambda line: None)
    assert str(error.value) == "01_bad.ipynb: ValueError: raw.csv: row 3: empty text"
    assert path.read_bytes() == before  # a failed run does not overwrite the notebook


def test_changed_cells_names_cells_whose_outputs_differ():
    def nb(*outputs):
        return {
            "cells": [{"cell_type": "markdown"}]
            + [{"cell_type": "code", "outputs": [{"text": o}]} for o in outputs]
        }

    assert reproduce._changed_cells(nb("a", "b", "c"), nb("a", "x", "c")) == [2]
    assert reproduce._changed_cells(nb("a"), nb("a", "b")) == [2]


def test_pipeline_notebooks_are_sorted_by_prefix(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "template.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in reproduce.pipeline_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]


def test_report_has_an_index_linking_every_notebook(tmp_path):
    path = _notebook(tmp_path / "01_demo.ipynb", "print('hello')")
    reproduce.run_pipeline([path], log=lambda line: None)
    assert notebook_summary(path) == ("99 · A title", "What it shows.")
    index = build_report([path], tmp_path / "report")
    assert '<a href="01_demo.html">99 · A title</a>' in index.read_text()
    assert "hello" in (tmp_path / "report" / "01_demo.html").read_text()


def test_check_rebuilds_a_clone_with_the_fetched_corpora_and_lists_what_differs(tmp_path):
    """``stance check`` end to end on a tiny project: the clone runs ``stance reproduce`` under
    its own root, reads the git-ignored corpora through links, and a file the rebuild writes
    that is not committed is listed."""
    root = tmp_path / "project"
    (root / "data" / "external" / "ungdc").mkdir(parents=True)
    (root / "data" / "external" / "ungdc" / "speech.txt").write_text("a fetched speech\n")
    (root / "data" / "README.md").write_text("data\n")
    (root / "README.md").write_text("# A project\n")
    (root / ".gitignore").write_text("data/external/\n")
    (root / "notebooks").mkdir()
    path = _notebook(
        root / "notebooks" / "01_demo.ipynb",
        "from pathlib import Path\n"
        "print(Path('../data/external/ungdc/speech.txt').read_text().strip())",
        "Path('../results').mkdir(exist_ok=True)\n"
        "Path('../results/new.txt').write_text('written by the notebook')",
    )
    reproduce.run_pipeline([path], log=lambda line: None)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "--quiet"], cwd=root, check=True)
    subprocess.run(
        [*git, "add", "README.md", ".gitignore", "data", "notebooks"], cwd=root, check=True
    )
    subprocess.run([*git, "commit", "--quiet", "-m", "tiny"], cwd=root, check=True)
    logged = []
    assert reproduce.check(root, log=logged.append) == ["results/new.txt: new, not committed"]
    assert "[1/1] 01_demo.ipynb done in" in logged[0]
