"""The adaptation template and its helpers (stance.adapt): generic splits and checks, and a
papermill run of notebooks/adapt_template.ipynb on a four-class CSV unlike the project's data."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pandas as pd
import papermill
import pytest

from stance import adapt, config, io, models

NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "adapt_template.ipynb"
FIXTURE = Path(__file__).parent / "fixtures" / "adapt_four_class.csv"
PARAMETERS = {"data_path": str(FIXTURE), "text_column": "comment", "label_column": "position",
              "group_column": "thread", "lang": "en", "target_name": "car-free centre"}
STEM = "car_free_centre_en"


def labelled(counts: dict[str, int], group_size: int | None = None) -> pd.DataFrame:
    """Made-up texts with ``counts`` examples per label, interleaved; groups of ``group_size``
    consecutive rows when given."""
    labels = [label for label, n in counts.items() for _ in range(n)]
    labels = [labels[i] for i in sorted(range(len(labels)), key=lambda i: (i * 7919) % 1009)]
    frame = pd.DataFrame({"text": [f"text {i} about {label}" for i, label in enumerate(labels)],
                          "label": labels})
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
    assert not adapt.split_frame(frame, "label", test_size=0.25, seed=2)[1].index.equals(
        test.index)


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
    frame = pd.DataFrame({"text": ["one", "", "  ", "four", "five", "six", "seven", "eight"],
                          "label": ["p", "q", "p", "q", "p", "q", "p", "q"]})
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
    with pytest.raises(io.InputError, match="lang"):
        adapt.check_lang("English")
    for protected in (config.RESULTS_DIR, config.FIGURES_DIR / "adapt", config.MODELS_DIR):
        with pytest.raises(io.InputError, match="inside the project's"):
            adapt.output_directory(protected)


# --- the template --------------------------------------------------------------------------

def test_template_is_paired_and_committed_executed_with_its_default_parameters():
    script = jupytext.read(NOTEBOOK.with_suffix(".py"))
    notebook = jupytext.read(NOTEBOOK)
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in notebook.cells], "run jupytext --sync"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = json.dumps([c.get("outputs", []) for c in code])
    assert str(config.PROJECT_ROOT) not in outputs and '"output_type": "error"' not in outputs


def _listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")} if folder.exists() \
        else set()


@pytest.fixture(scope="module")
def template_run(tmp_path_factory):
    """Run the template once on the four-class fixture; return its output folder."""
    tmp = tmp_path_factory.mktemp("adapt")
    watched = (config.FIGURES_DIR, config.RESULTS_DIR, config.MODELS_DIR)
    before = [_listing(folder) for folder in watched]
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp / "executed.ipynb"),
        parameters={**PARAMETERS, "output_dir": str(tmp / "out")},
        cwd=str(NOTEBOOK.parent), kernel_name="python3", progress_bar=False)
    after = [_listing(folder) for folder in watched]
    return tmp / "out", before, after


def test_template_trains_saves_and_loads_a_four_class_model(template_run):
    out, _, _ = template_run
    model = models.load_model(out / f"{STEM}.skops")
    assert model.metadata["labels"] == ["anti", "mixed", "pro", "unrelated"]
    assert model.metadata["target"] == "car-free centre"
    assert model.metadata["text_column"] == "comment"
    assert model.pipeline.predict(["Terrible idea, scrap the ban."]).shape == (1,)


def test_template_writes_results_and_figures_only_to_its_output_folder(template_run):
    out, before, after = template_run
    scores = {row["system"]: row for row in
              json.loads((out / f"{STEM}_test_scores.json").read_text(encoding="utf-8"))}
    model = scores["TF-IDF + logistic regression"]
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


def test_template_stops_at_a_bad_column_with_the_one_line_message(tmp_path):
    with pytest.raises(io.InputError) as expected:
        io.read_csv(FIXTURE, ["comment", "nope", "thread"])
    with pytest.raises(papermill.PapermillExecutionError) as failed:
        papermill.execute_notebook(
            str(NOTEBOOK), str(tmp_path / "failed.ipynb"),
            parameters={**PARAMETERS, "label_column": "nope",
                        "output_dir": str(tmp_path / "out")},
            cwd=str(NOTEBOOK.parent), kernel_name="python3", progress_bar=False)
    assert failed.value.ename == "InputError"
    assert failed.value.evalue == str(expected.value)
    assert f"InputError: {expected.value}" in str(failed.value)
    assert "Traceback" not in str(failed.value)
