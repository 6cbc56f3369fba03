"""The project's own commands (``stance reproduce``, ``stance check``, ``stance report``) and
where the package finds the project: under ``STANCE_ROOT`` as it is when a path is used, not
when the package was imported, and never silently outside a checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from stance import config, results
from stance.cli import main

PROJECT_COMMANDS = {
    "reproduce": ["reproduce"],
    "check": ["check"],
    "report": ["report"],
    "build-dataset": ["build-dataset"],
    "corpus build": ["corpus", "build"],
    "corpus fetch": ["corpus", "fetch", "ungdc"],
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_one_line_error(code: int, err: str, *parts: str) -> None:
    assert code == 2, err
    assert err.startswith("stance: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, (part, err)


def _notebook(path: Path, *sources: str, output: str | None = None) -> Path:
    """A notebook with a title cell and code cells; ``output`` fakes an executed first cell."""
    cells = [new_code_cell(source) for source in sources]
    if output is not None:
        cells[0].execution_count = 1
        cells[0].outputs = [new_output("stream", name="stdout", text=output)]
    notebook = new_notebook(cells=[new_markdown_cell("# 01 · A demo\n\nWhat it shows."), *cells])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project (data/, one executed notebook, a headline table) as ``STANCE_ROOT``,
    set after the package was imported."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    _notebook(root / "notebooks" / "01_demo.ipynb", "print('hello')", output="hello\n")
    (root / "results").mkdir()
    (root / "results" / "real_test_summary.md").write_text(
        "| label | system | macro_f1 |\n|---|---|---:|\n| stance | model | 0.5 |\n"
    )
    monkeypatch.setenv("STANCE_ROOT", str(root))
    return root


# --- --help and usage ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["reproduce", "check", "report"])
def test_project_commands_explain_themselves(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, _ = _run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: stance {command} ")
    description, examples = out.split("examples:\n")
    assert f"'make {command}' runs this" in " ".join(description.split())
    assert f"  stance {command}\n" in examples
    code, out, _ = _run(capsys, "--help")
    assert f"    {command} " in out  # listed in the overview


def test_project_commands_reject_bad_arguments_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(capsys, "reproduce", tmp_path / "missing.ipynb")
    _assert_one_line_error(code, err, "missing.ipynb: no such notebook")
    text = tmp_path / "notes.txt"
    text.write_text("not a notebook")
    code, _, err = _run(capsys, "reproduce", text)
    _assert_one_line_error(code, err, "notes.txt: not a notebook")
    code, _, err = _run(capsys, "report", "--out", text)
    _assert_one_line_error(code, err, "notes.txt: --out is a file")
    code, _, err = _run(capsys, "check", "--everything")
    _assert_one_line_error(code, err, "unrecognized arguments: --everything")


def test_python_m_stance_reproduce_names_a_missing_notebook(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "stance", "reproduce", str(tmp_path / "missing.ipynb")],
        capture_output=True,
        text=True,
        check=False,
    )
    _assert_one_line_error(process.returncode, process.stderr, "no such notebook")


# --- the commands at work ------------------------------------------------------------------


def test_reproduce_runs_the_notebooks_named_and_stops_at_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = _notebook(tmp_path / "01_good.ipynb", "print(6 * 7)")
    code, out, err = _run(capsys, "reproduce", good)
    assert code == 0, err
    assert "[1/1] 01_good.ipynb done in" in out and "All 1 notebooks ran in" in out
    assert "README.md" not in out  # the README is refreshed only by a full run
    assert "42" in good.read_text()

    bad = _notebook(tmp_path / "02_bad.ipynb", "raise ValueError('raw.csv: line 3: empty text')")
    before = bad.read_bytes()
    code, out, err = _run(capsys, "reproduce", good, bad)
    assert code == 1  # the run failed; not a usage error
    assert err == "stance: error: 02_bad.ipynb: ValueError: raw.csv: line 3: empty text\n"
    assert "[2/2] 02_bad.ipynb ..." in out and bad.read_bytes() == before


def test_report_follows_stance_root_set_after_import(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path
) -> None:
    code, out, err = _run(capsys, "report")
    assert code == 0, err
    index = project / "report" / "index.html"
    assert out == f"report written: open {index} in a browser\n"
    text = index.read_text(encoding="utf-8")
    assert '<a href="01_demo.html">01 · A demo</a>' in text and "0.5" in text
    assert "hello" in (project / "report" / "01_demo.html").read_text(encoding="utf-8")

    code, _, err = _run(capsys, "report", "--out", tmp_path / "site")
    assert code == 0, err
    assert (tmp_path / "site" / "index.html").read_bytes() == index.read_bytes()


def test_check_needs_a_git_repository(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    code, _, err = _run(capsys, "check")
    _assert_one_line_error(code, err, f"{project}: not a git repository")


def test_build_dataset_writes_into_the_project_under_stance_root(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raw_dir: Path,
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(raw_dir, project / "data" / "raw")
    monkeypatch.setenv("STANCE_ROOT", str(project))
    code, out, err = _run(capsys, "build-dataset")
    assert code == 0, err
    assert out.startswith(f"built {project / 'data' / 'statements'}:")
    assert (project / "data" / "statements" / "train.csv").is_file()


# --- where the project is ------------------------------------------------------------------


def test_paths_are_resolved_when_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STANCE_ROOT", raising=False)
    checkout = Path(__file__).resolve().parents[1]
    assert (checkout, checkout / "data" / "raw") == (config.PROJECT_ROOT, config.RAW_DIR)
    monkeypatch.setenv("STANCE_ROOT", str(tmp_path))
    real_statements = tmp_path / "data" / "external" / "real_statements"
    assert (tmp_path, real_statements) == (config.PROJECT_ROOT, config.REAL_DATASET_DIR)
    # a function's default follows too: results.write_table writes into the new results/
    results.write_table(pd.DataFrame({"a": [1]}), "probe")
    assert (tmp_path / "results" / "probe.md").is_file()
    with pytest.raises(AttributeError):
        config.NO_SUCH_DIR  # noqa: B018


@pytest.mark.parametrize("command", list(PROJECT_COMMANDS))
def test_commands_that_need_the_project_say_so_outside_one(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    monkeypatch.setenv("STANCE_ROOT", str(tmp_path))
    code, _, err = _run(capsys, *PROJECT_COMMANDS[command])
    _assert_one_line_error(
        code,
        err,
        f"no project data: {tmp_path} (STANCE_ROOT) has no data/",
        "set STANCE_ROOT to a checkout",
        "run inside a checkout",
    )


def test_outside_a_checkout_in_a_fresh_process(tmp_path: Path) -> None:
    """As a user runs it: a new interpreter with STANCE_ROOT at an empty folder."""
    environment = {**os.environ, "STANCE_ROOT": str(tmp_path)}
    for argv in (["build-dataset"], ["reproduce"]):
        process = subprocess.run(
            [sys.executable, "-m", "stance", *argv],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        _assert_one_line_error(process.returncode, process.stderr, "no project data", "STANCE_ROOT")
        assert process.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing was written
