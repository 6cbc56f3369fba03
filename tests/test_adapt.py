"""The adaptation template and its helpers (stance.adapt): generic splits and checks, the one-line
errors and warnings of `make adapt` (through the real make target), and one `make adapt` run of
notebooks/adapt_template.ipynb on a four-class CSV unlike the project's data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import jupytext
import pandas as pd
import pytest
from nbclient.exceptions import CellExecutionError

from stance import adapt, checks, config, io, model_files, reproduce, splits, text

NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "adapt_template.ipynb"
FIXTURE = Path(__file__).parent / "fixtures" / "adapt_four_class.csv"
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")
PARAMETERS = {
    "data_path": str(FIXTURE),
    "text_column": "comment",
    "label_column": "position",
    "group_column": "thread",
    "lang": "en",
    "target_name": "car-free centre",
}
STEM = "car_free_centre_en"


def labelled(counts: dict[str, int], group_size: int | None = None) -> pd.DataFrame:
    """Made-up texts with ``counts`` examples per label, interleaved; groups of ``group_size``
    consecutive rows when given."""
    labels = [label for label, n in counts.items() for _ in range(n)]
    labels = [labels[i] for i in sorted(range(len(labels)), key=lambda i: (i * 7919) % 1009)]
    frame = pd.DataFrame(
        {"text": [f"text {i} about {label}" for i, label in enumerate(labels)], "label": labels}
    )
    if group_size:
        frame["group"] = [f"g{i // group_size:03d}" for i in range(len(frame))]
    return frame


# --- helpers -------------------------------------------------------------------------------


def test_ungrouped_split_is_stratified_deterministic_and_seeded():
    frame = labelled({"a": 40, "b": 20, "c": 12, "d": 8})
    train, test = adapt.split_frame(frame, "label", test_size=0.25, seed=1)
    assert len(test) == 20 and len(train) == 60
    assert sorted(train.index.tolist() + test.index.tolist()) == list(range(80))
    assert test["label"].value_counts().to_dict() == {"a": 10, "b": 5, "c": 3, "d": 2}
    again = adapt.split_frame(frame, "label", test_size=0.25, seed=1)
    assert again[1].index.equals(test.index)
    assert not adapt.split_frame(frame, "label", test_size=0.25, seed=2)[1].index.equals(test.index)


def test_grouped_split_keeps_groups_whole_and_every_class_on_both_sides():
    frame = labelled({"x": 30, "y": 24, "z": 18}, group_size=3)
    train, test = adapt.split_frame(frame, "label", "group", test_size=0.25, seed=3)
    assert not set(train["group"]) & set(test["group"])
    assert len(train) + len(test) == len(frame)
    assert set(test["label"]) == set(train["label"]) == {"x", "y", "z"}
    assert (train["label"].value_counts() >= adapt.MIN_TRAIN_PER_CLASS).all()
    assert adapt.split_frame(frame, "label", "group", 0.25, 3)[1].index.equals(test.index)


def test_split_and_checks_fail_with_one_line_errors():
    with pytest.raises(io.InputError, match="has 1 class \\('a'\\); a classifier needs at least"):
        adapt.split_frame(labelled({"a": 10}), "label")
    with pytest.raises(io.InputError, match="class 'b' of column 'label' has 1 example;"):
        adapt.check_labels(labelled({"a": 10, "b": 1}), "label", source="my.csv")
    with pytest.raises(io.InputError, match="has 3 groups; a grouped split"):
        adapt.split_frame(labelled({"a": 10, "b": 10}, group_size=8), "label", "group")
    with pytest.raises(io.InputError, match="test_size"):
        adapt.split_frame(labelled({"a": 10, "b": 10}), "label", test_size=0.9)
    no_label = labelled({"a": 5, "b": 5})
    no_label.loc[3, "label"] = " "
    with pytest.raises(io.InputError, match=r"^my\.csv: line 5: empty label in column 'label'$"):
        adapt.check_labels(no_label, "label", source="my.csv")


def test_check_labels_counts_and_empty_texts_are_dropped_and_counted():
    frame = pd.DataFrame(
        {
            "text": ["one", "", "  ", "four", "five", "six", "seven", "eight"],
            "label": ["p", "q", "p", "q", "p", "q", "p", "q"],
        }
    )
    kept, dropped = adapt.drop_empty_texts(frame, "text")
    assert dropped == 2 and kept.index.tolist() == [0, 3, 4, 5, 6, 7]
    assert adapt.check_labels(kept, "label").to_dict() == {"p": 3, "q": 3}
    counts = adapt.class_counts(kept.iloc[:4], kept.iloc[4:], "label")
    assert counts.loc["total", ["train", "test"]].tolist() == [4, 2]


def test_names_languages_and_output_folders():
    assert adapt.file_stem(" Car-free  City centre! ", "en") == "car_free_city_centre_en"
    with pytest.raises(io.InputError, match="target_name"):
        adapt.file_stem("--", "en")
    assert adapt.check_lang("tr").startswith("tr: Turkish")
    assert "WRONG" in adapt.check_lang("az")
    with pytest.raises(ValueError) as shared:
        text.check_language_code("English")  # the one check, also behind `stance train --lang`
    with pytest.raises(io.InputError) as error:
        adapt.check_lang("English")
    assert str(error.value) == f"lang: {shared.value}"
    assert text.check_language_code("crh") == "crh"
    for protected in (config.RESULTS_DIR, config.FIGURES_DIR / "adapt", config.MODELS_DIR):
        with pytest.raises(io.InputError, match="inside the project's"):
            adapt.output_directory(protected)


def test_grouped_split_is_the_one_of_the_dataset():
    """adapt.split_frame and splits.assign_splits share splits.grouped_split."""
    frame = labelled({"x": 30, "y": 24, "z": 18}, group_size=3)
    train, test = adapt.split_frame(frame, "label", "group", test_size=0.25, seed=3)
    labels = frame["label"].to_numpy(dtype=object)
    first_valid = splits.grouped_split(
        labels,
        frame["group"].to_numpy(dtype=object),
        0.25,
        3,
        accept=lambda tr, te: adapt._valid_split(labels, tr, te),
    )
    assert test.index.tolist() == sorted(first_valid[1].tolist())
    assert train.index.tolist() == sorted(first_valid[0].tolist())


# --- duplicates and lines ------------------------------------------------------------------


def test_duplicate_texts_with_one_label_are_a_warning_with_the_count_and_first_lines():
    frame = pd.DataFrame(
        {
            "text": ["a b", "c", "a  b ", "d", "c", "e", "e", "f", "f", "f", "g"],
            "label": ["p", "q", "p", "q", "q", "p", "p", "q", "q", "q", "p"],
        }
    )
    warning = checks.check_duplicate_texts(frame, "text", "label", "my.csv")
    assert warning == (
        "my.csv: 4 texts given more than once (5 extra copies; lines 2 and 4; 3 and 6; 7 and 8; "
        "and 1 more): a copy in the test split of a text in the training split inflates the "
        "test score; drop the copies or give them the same group"
    )
    assert checks.check_duplicate_texts(frame.iloc[[0, 1, 3]], "text", "label", "x") is None


def test_duplicate_texts_with_different_labels_stop_naming_the_lines():
    frame = pd.DataFrame(
        {
            "text": ["same", "other", "same", "x", "same", "x"],
            "label": ["pro", "anti", "pro", "a", "anti", "b"],
        }
    )
    with pytest.raises(io.InputError) as error:
        checks.check_duplicate_texts(frame, "text", "label", "my.csv")
    assert str(error.value) == (
        "my.csv: lines 2, 4 and 6 have the same text with different labels ('pro', 'anti') "
        "(and 1 more text like it); give each text one label, or drop the copies"
    )


def test_lines_are_the_lines_of_the_file(tmp_path):
    """A quoted cell with line breaks moves the rows after it; dropped empty texts keep theirs."""
    path = tmp_path / "multi.csv"
    path.write_text(
        'text,label\n"one\ntwo",p\n,q\nsame,p\nthree,q\nsame,q\nfour,p\nfive,q\nsix,p\n',
        encoding="utf-8",
    )
    with pytest.raises(io.InputError, match=r"multi\.csv: lines 5 and 7 have the same text"):
        adapt.read_labelled_csv(path, "text", "label")
    path.write_text('text,label\n"one\ntwo",p\n,q\nsame,p\nthree,\n', encoding="utf-8")
    with pytest.raises(io.InputError, match=r"^.*multi\.csv: line 6: empty label in column"):
        adapt.read_labelled_csv(path, "text", "label")


def test_a_failed_notebook_is_reported_by_its_cause_only():
    from nbclient.exceptions import CellExecutionError

    def failure(ename, evalue):
        return CellExecutionError("Traceback ...\nx", ename, evalue)

    assert (
        reproduce.notebook_failure(failure("InputError", "my.csv: line 3: empty label"))
        == "my.csv: line 3: empty label"
    )
    assert (
        reproduce.notebook_failure(failure("ValueError", "bad\n\x1b[31mworse\x1b[0m"))
        == "ValueError: worse"
    )


# --- make adapt: one-line errors before any kernel starts ----------------------------------


def make_adapt(*assignments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `make adapt` with ``NAME=value`` assignments, as a user's top-level make
    (not as a sub-make of `make test`, whose variables and level would leak in)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(
        [MAKE, "-s", "--no-print-directory", "-C", str(config.PROJECT_ROOT), "adapt", *assignments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def own_lines(stream: str) -> list[str]:
    """The lines of stderr apart from make's own "make: *** [adapt] Error 2"."""
    return [line for line in stream.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]


def assert_one_line_error(result: subprocess.CompletedProcess, start: str) -> str:
    assert result.returncode == 2
    [line] = own_lines(result.stderr)
    assert line.startswith(f"stance: error: {start}"), line
    assert "Traceback" not in result.stdout + result.stderr
    return line


def fixture_copy(tmp_path: Path, *extra_lines: str) -> Path:
    path = tmp_path / "comments.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + "".join(extra_lines), encoding="utf-8")
    return path


@needs_make
def test_make_adapt_misspelled_column_is_one_line(tmp_path):
    line = assert_one_line_error(
        make_adapt(f"DATA={FIXTURE}", "TEXT=comment", "LABEL=positon", f"OUT={tmp_path / 'out'}"),
        f"{FIXTURE}: missing column 'positon'",
    )
    assert "'position'" in line  # the columns the file has
    assert not (tmp_path / "out").exists()  # checked before anything is written


@needs_make
def test_make_adapt_non_csv_file_is_one_line(tmp_path):
    workbook = tmp_path / "comments.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    line = assert_one_line_error(
        make_adapt(f"DATA={workbook}", "TEXT=comment", "LABEL=position", f"OUT={tmp_path / 'out'}"),
        f"{workbook}: ",
    )
    assert "CSV" in line or "UTF-8" in line


@needs_make
def test_make_adapt_without_data_is_one_line():
    assert_one_line_error(make_adapt("TEXT=comment"), "DATA, TEXT and LABEL are required")


@needs_make
def test_make_adapt_stops_at_duplicates_with_different_labels(tmp_path):
    first = FIXTURE.read_text(encoding="utf-8").splitlines()[1]  # line 2: "...",pro,thread-01
    assert first.endswith(",pro,thread-01")
    path = fixture_copy(tmp_path, first.replace(",pro,", ",anti,") + "\n")
    assert_one_line_error(
        make_adapt(f"DATA={path}", "TEXT=comment", "LABEL=position", f"OUT={tmp_path / 'out'}"),
        f"{path}: lines 2 and 124 have the same text with different labels ('pro', 'anti')",
    )


# --- make adapt on the four-class CSV: one run, several checks -----------------------------


def _listing(folder: Path) -> set[str]:
    return (
        {str(path.relative_to(folder)) for path in folder.rglob("*")} if folder.exists() else set()
    )


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make adapt` once on the four-class fixture plus a second copy of its line 2 (same
    label): its output folder, its result, and the project's output folders before and after."""
    if MAKE is None:
        pytest.skip("make is not installed")
    tmp = tmp_path_factory.mktemp("adapt")
    data_path = fixture_copy(tmp, FIXTURE.read_text(encoding="utf-8").splitlines()[1] + "\n")
    watched = (config.FIGURES_DIR, config.RESULTS_DIR, config.MODELS_DIR)
    before = [_listing(folder) for folder in watched]
    result = make_adapt(
        f"DATA={data_path}",
        "TEXT=comment",
        "LABEL=position",
        "GROUP=thread",
        "TARGET=car-free centre",
        f"OUT={tmp / 'out'}",
        timeout=600,
    )
    after = [_listing(folder) for folder in watched]
    return tmp / "out", result, data_path, before, after


def test_make_adapt_warns_prints_the_scores_and_writes_an_html_copy(make_run):
    out, result, data_path, _, _ = make_run
    assert result.returncode == 0, result.stderr
    # stderr holds the duplicate warning only: no progress bar, no kernel log lines
    assert result.stderr.splitlines() == [
        f"stance: warning: {data_path}: 1 text given more than once (1 extra copy; lines 2 "
        "and 124): a copy in the test split of a text in the training split inflates the test "
        "score; drop the copies or give them the same group"
    ]
    stdout = result.stdout.splitlines()
    assert stdout[0] == (
        "stance adapt: comments.csv: 123 rows, 2 with an empty text dropped, "
        "121 texts in 4 classes and 31 groups"
    )
    assert stdout[1] == "stance adapt: running notebooks/adapt_template.ipynb (a minute or so) ..."
    scores = json.loads((out / f"{STEM}_test_scores.json").read_text(encoding="utf-8"))
    n_test = sum(
        row["support"]
        for row in json.loads((out / f"{STEM}_per_class.json").read_text(encoding="utf-8"))
    )
    assert stdout[2] == (
        f"stance adapt: test scores on {n_test} held-out texts, with 95% bootstrap intervals:"
    )
    for line, row in zip(stdout[3:6], scores, strict=True):
        assert line.strip().startswith(row["system"] + " ")
        assert line.endswith(
            f"macro-F1 {row['macro_f1']:.3f} [{row['macro_f1_low']:.3f}, "
            f"{row['macro_f1_high']:.3f}]  accuracy {row['accuracy']:.3f}"
        )
    assert stdout[6].startswith(f"stance adapt: everything is in {out}/: the model {STEM}.skops")
    assert len(stdout) == 7
    html = (out / "adapt_template.html").read_text(encoding="utf-8")
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert html.count("data:image/png;base64,") >= 3  # the figures, inside the one file
    assert "Adaptation template" in html and "car-free centre" in html
    executed = json.loads((out / "adapt_template.ipynb").read_text(encoding="utf-8"))
    assert '"output_type": "error"' not in json.dumps(executed)


def test_make_adapt_trains_saves_and_loads_a_four_class_model(make_run):
    out, _, _, _, _ = make_run
    model = model_files.load_model(out / f"{STEM}.skops")
    assert model.metadata["labels"] == ["anti", "mixed", "pro", "unrelated"]
    assert model.metadata["target"] == "car-free centre"
    assert model.metadata["text_column"] == "comment"
    assert model.metadata["label_column"] == "position"
    assert model.pipeline.predict(
        [
            "Terrible idea, scrap the ban.",
            "I would back the ban, but only with exemptions for disabled drivers.",
            "What time does the library open on Sundays?",
        ]
    ).tolist() == ["anti", "mixed", "unrelated"]


def test_make_adapt_writes_results_and_figures_only_to_its_output_folder(make_run):
    out, _, _, before, after = make_run
    scores = {
        row["system"]: row
        for row in json.loads((out / f"{STEM}_test_scores.json").read_text(encoding="utf-8"))
    }
    model = scores["model"]
    assert model["macro_f1"] > scores["majority class"]["macro_f1"]
    assert model["macro_f1_low"] <= model["macro_f1"] <= model["macro_f1_high"]
    assert "f_avg" not in model  # pro/anti is not a recognised side-taking pair
    for name in ("model_selection", "test_scores", "per_class", "confusion", "top_features"):
        assert (out / f"{STEM}_{name}.json").is_file() and (out / f"{STEM}_{name}.md").is_file()
    for name in ("test_scores", "confusion", "top_features"):
        assert (out / f"{STEM}_{name}.png").read_bytes().startswith(b"\x89PNG")
    per_class = json.loads((out / f"{STEM}_per_class.json").read_text(encoding="utf-8"))
    assert sorted(row["class"] for row in per_class) == ["anti", "mixed", "pro", "unrelated"]
    assert after == before, "the template wrote into the project's figures/, results/ or models/"


# --- the template itself (opened in Jupyter, or run by papermill) --------------------------


def test_template_is_paired_and_committed_executed_with_its_default_parameters():
    script = jupytext.read(NOTEBOOK.parent / "py" / "adapt_template.py")
    notebook = jupytext.read(NOTEBOOK)
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in notebook.cells
    ], "run jupytext --sync"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = json.dumps([c.get("outputs", []) for c in code])
    assert str(config.PROJECT_ROOT) not in outputs and '"output_type": "error"' not in outputs


def test_template_stops_at_a_bad_column_with_the_one_line_message(tmp_path):
    with pytest.raises(io.InputError) as expected:
        io.read_csv(FIXTURE, ["comment", "nope", "thread"])
    with pytest.raises(CellExecutionError) as failed:
        reproduce.run_notebook(
            NOTEBOOK,
            tmp_path / "failed.ipynb",
            {**PARAMETERS, "label_column": "nope", "output_dir": str(tmp_path / "out")},
            NOTEBOOK.parent,
        )
    assert failed.value.ename == "InputError"
    assert failed.value.evalue == str(expected.value)
    assert reproduce.notebook_failure(failed.value) == str(expected.value)
    assert (tmp_path / "failed.ipynb").is_file()  # written, to show where it stopped
