"""Helpers for the adaptation template (``notebooks/adapt_template.ipynb``): the same flow as the
project's notebooks, on any labelled CSV, and ``make adapt``, which runs it.

Everything here is generic: any text, label and group columns, any label names (two classes or
more), any language code. Problems with the input are :class:`~stance.io.InputError` with a
one-line message that names the file and, where there is one, the line, so a student can fix the
CSV or the parameters without reading a traceback.

:func:`run` is ``stance adapt --data CSV --text-column COL --label-column COL [...]`` (what
``make adapt`` runs): it checks the inputs as the template will, before any kernel starts; runs
the template into the output folder with the project's notebook runner
(:func:`stance.reproduce.run_notebook`); writes an HTML copy of the executed notebook there; and
prints the headline test scores from the table the notebook wrote. Errors are the command
line's one line ``stance: error: ...`` with exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit

from stance import config
from stance.checks import check_duplicate_texts, check_no_empty, line_finder
from stance.io import InputError, atomic_write_text, read_csv
from stance.splits import grouped_split
from stance.text import SUPPORTED_LANGUAGES, check_language_code

#: Fewest examples a class needs: one for the test split and two for cross-validation in train.
MIN_PER_CLASS = 3
#: Fewest training examples per class after the split (cross-validation needs two folds).
MIN_TRAIN_PER_CLASS = 2
#: Seeded candidate splits tried, in order, until one leaves every class on both sides.
SPLIT_ATTEMPTS = 20
#: Languages whose Latin alphabet has a dotted and a dotless i like Turkish, which
#: :func:`stance.text.lowercase` treats with plain Unicode rules (wrong for ``I`` and ``İ``).
DOTTED_I_LANGUAGES = {"az": "Azerbaijani", "crh": "Crimean Tatar", "gag": "Gagauz"}
#: Folders of the project that the template must never write into, by their names in
#: :mod:`stance.config` (looked up when used, so they follow ``STANCE_ROOT``).
PROJECT_OUTPUT_DIRS = ("FIGURES_DIR", "RESULTS_DIR", "MODELS_DIR", "DATA_DIR")


def enable_one_line_errors() -> None:
    """In IPython, show an :class:`~stance.io.InputError` as its one line, not a traceback.

    The cell still fails (so Run All and papermill stop there); other exceptions keep their full
    traceback. Outside IPython this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is part of the environment
        return
    shell = get_ipython()
    if shell is None:
        return

    def one_line(
        shell: Any,
        etype: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        tb_offset: int | None = None,
    ) -> None:
        shell.showtraceback((etype, value, tb), exception_only=True)

    shell.set_custom_exc((InputError,), one_line)


def check_lang(lang: str) -> str:
    """Check a language code (lowercase ISO 639, e.g. ``"en"``) and describe how text in it
    will be lowercased before vectorisation."""
    try:
        check_language_code(lang)
    except ValueError as error:
        raise InputError(f"lang: {error}") from None
    if lang == "tr":
        return "tr: Turkish lowercasing (İ → i, I → ı)"
    if lang in DOTTED_I_LANGUAGES:
        return (
            f"{lang}: plain Unicode lowercasing, which is WRONG for {DOTTED_I_LANGUAGES[lang]}"
            " (it maps I to i, not ı); see 'How to adapt' in the README"
        )
    known = "" if lang in SUPPORTED_LANGUAGES else " (right for most languages)"
    return f"{lang}: plain Unicode lowercasing{known}"


def file_stem(target_name: str, lang: str) -> str:
    """The stem of every file the template writes: the target name as a lowercase slug (runs of
    non-word characters become ``_``) and the language, e.g. ``"car-free centre"``, ``"en"`` →
    ``"car_free_centre_en"``."""
    slug = re.sub(r"\W+", "_", str(target_name).strip().lower()).strip("_")
    if not slug:
        raise InputError(f"target_name: {target_name!r} has no letters or digits to name files by")
    return f"{slug}_{lang}"


def output_directory(path: str | os.PathLike[str]) -> Path:
    """Create the output folder and return it as given (relative paths stay relative).

    Refuses the project's own ``figures/``, ``results/``, ``models/`` and ``data/`` folders and
    anything inside them, so an adaptation never mixes its files with the project's.
    """
    folder = Path(path)
    resolved = folder.resolve()
    for protected in (getattr(config, name) for name in PROJECT_OUTPUT_DIRS):
        if resolved.is_relative_to(protected.resolve()):
            raise InputError(
                f"output_dir: {folder} is inside the project's "
                f"{protected.name}/ folder; choose a folder outside figures/, "
                "results/, models/ and data/"
            )
    if folder.exists() and not folder.is_dir():
        raise InputError(f"output_dir: {folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def drop_empty_texts(frame: pd.DataFrame, text_column: str) -> tuple[pd.DataFrame, int]:
    """Rows whose text is not empty or blank, and how many were dropped (the index is kept, so
    row ``i`` is line ``i + 2`` of the CSV)."""
    keep = frame[text_column].astype(str).str.strip() != ""
    return frame[keep], int((~keep).sum())


def check_labels(
    frame: pd.DataFrame,
    label_column: str,
    group_column: str | None = None,
    min_per_class: int = MIN_PER_CLASS,
    source: str | os.PathLike[str] = "data",
    line: Callable[[int], int] | None = None,
) -> pd.Series:
    """Check that the labels can train and test a classifier; return the count per class.

    Every row needs a label (and a group id when ``group_column`` is set); there must be at least
    two classes, each with at least ``min_per_class`` examples. Rows are named by their CSV line
    (:func:`stance.checks.check_no_empty`; ``line`` maps an index to it, by default the line
    of row ``index`` of ``source``). Raises :class:`InputError`.
    """
    for column, what in ((label_column, "label"), (group_column, "group id")):
        if column is not None:
            check_no_empty(frame, column, source, what, line)
    counts = frame[label_column].value_counts().sort_index()
    if len(counts) < 2:
        found = f" ({counts.index[0]!r})" if len(counts) else ""
        raise InputError(
            f"{source}: column {label_column!r} has {len(counts)} class{found}; "
            "a classifier needs at least 2"
        )
    rare = counts[counts < min_per_class]
    if len(rare):
        label, count = rare.index[0], int(rare.iloc[0])
        raise InputError(
            f"{source}: class {label!r} of column {label_column!r} has {count} "
            f"example{'s' if count != 1 else ''}; each class needs at least "
            f"{min_per_class} (1 to test, 2 to cross-validate): add examples or "
            "drop the class"
        )
    return counts.rename("texts").rename_axis(label_column)


@dataclass(frozen=True)
class LabelledData:
    """A labelled CSV as the template uses it (:func:`read_labelled_csv`)."""

    #: Rows with a text; the index is the row's position in the CSV.
    frame: pd.DataFrame
    #: Texts per class, in label order.
    counts: pd.Series
    #: One line on what was read: rows, empty texts dropped, texts, classes, groups.
    summary: str
    #: One-line warnings (texts given more than once).
    warnings: tuple[str, ...]


def read_labelled_csv(
    data_path: str | os.PathLike[str],
    text_column: str,
    label_column: str,
    group_column: str | None = None,
) -> LabelledData:
    """Read and check the CSV the template trains on: the columns exist, rows with an empty text
    are dropped (and counted), every other row has a label (and a group id), copies of a text do
    not disagree on its label, and the classes can be split (:func:`check_labels`).

    Problems are :class:`InputError` naming the file and line (the header is line 1).
    """
    columns = [text_column, label_column, *([group_column] if group_column else [])]
    raw = read_csv(data_path, columns)
    line = line_finder(data_path, len(raw))
    frame, n_empty = drop_empty_texts(raw, text_column)
    if frame.empty:
        raise InputError(f"{data_path}: every text in column {text_column!r} is empty")
    counts = check_labels(frame, label_column, group_column, source=data_path, line=line)
    duplicates = check_duplicate_texts(frame, text_column, label_column, data_path, line)
    summary = (
        f"{Path(data_path).name}: {len(raw)} rows, {n_empty} with an empty text dropped, "
        f"{len(frame)} texts in {len(counts)} classes"
        + (f" and {frame[group_column].nunique()} groups" if group_column else "")
    )
    return LabelledData(frame, counts, summary, (duplicates,) if duplicates else ())


def _valid_split(labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> bool:
    """Every class has a test example and enough training examples for cross-validation."""
    classes = np.unique(labels)
    test_counts = pd.Series(labels[test]).value_counts().reindex(classes, fill_value=0)
    train_counts = pd.Series(labels[train]).value_counts().reindex(classes, fill_value=0)
    return bool((test_counts >= 1).all() and (train_counts >= MIN_TRAIN_PER_CLASS).all())


def split_frame(
    frame: pd.DataFrame,
    label_column: str,
    group_column: str | None = None,
    test_size: float = 0.25,
    seed: int = config.SEED,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into train and test, stratified by label and, with ``group_column``,
    grouped (every group lies wholly in one split). Deterministic for a given ``seed``.

    Without groups the test split holds ``ceil(test_size * n)`` rows (stratified shuffle split).
    With groups it is one fold of a shuffled stratified group K-fold with
    ``K = round(1 / test_size)``, so its share is about ``1 / K``. Seeded candidates are tried in
    order and the first in which every class has at least one test and
    :data:`MIN_TRAIN_PER_CLASS` training examples is returned, rows in their original order.
    Raises :class:`InputError` when the data cannot be split so.
    """
    if not 0.05 <= test_size <= 0.5:
        raise InputError(f"test_size: expected a share between 0.05 and 0.5, not {test_size}")
    check_labels(frame, label_column, group_column)
    labels = frame[label_column].astype(str).to_numpy(dtype=object)
    n_classes = len(set(labels))
    positions = np.arange(len(frame))
    if group_column is None:
        n_test = math.ceil(test_size * len(frame))
        if n_test < n_classes or len(frame) - n_test < MIN_TRAIN_PER_CLASS * n_classes:
            raise InputError(
                f"{len(frame)} texts are too few to split {n_classes} classes with "
                f"test_size {test_size}: add examples or change test_size"
            )
        candidates = StratifiedShuffleSplit(
            n_splits=SPLIT_ATTEMPTS, test_size=n_test, random_state=seed
        ).split(positions, labels)
        split = next(
            ((train, test) for train, test in candidates if _valid_split(labels, train, test)), None
        )
    else:
        groups = frame[group_column].astype(str).to_numpy(dtype=object)
        n_folds = round(1 / test_size)
        if len(set(groups)) < n_folds:
            raise InputError(
                f"column {group_column!r} has {len(set(groups))} groups; a grouped "
                f"split with test_size {test_size} needs at least {n_folds}"
            )
        split = grouped_split(
            labels,
            groups,
            test_size,
            seed,
            accept=lambda train, test: _valid_split(labels, train, test),
        )
    if split is not None:
        train, test = split
        return frame.iloc[np.sort(train)], frame.iloc[np.sort(test)]
    how = f"grouped by {group_column!r} " if group_column else ""
    raise InputError(
        f"no split {how}leaves every class of {label_column!r} with 1 test and "
        f"{MIN_TRAIN_PER_CLASS} training examples: add examples of the rarest class"
        + (" or set group_column = None" if group_column else "")
    )


def class_counts(train: pd.DataFrame, test: pd.DataFrame, label_column: str) -> pd.DataFrame:
    """Texts per class in each split, with totals and the test share per class."""
    table = (
        pd.DataFrame(
            {
                "train": train[label_column].value_counts(),
                "test": test[label_column].value_counts(),
            }
        )
        .fillna(0)
        .astype(int)
        .sort_index()
        .rename_axis(label_column)
    )
    table.loc["total"] = table.sum()
    table["test share"] = (table["test"] / (table["train"] + table["test"])).round(2)
    return table


def per_class_table(per_class: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The ``per_class`` part of :func:`stance.evaluate.classification_scores` as a table, one
    row per class (columns class, precision, recall, f1, support)."""
    table = pd.DataFrame.from_dict(per_class, orient="index")
    return table.rename_axis("class").reset_index()


def mistakes(
    texts: Sequence[str], gold: Sequence[str], predicted: Sequence[str], n: int = 10
) -> pd.DataFrame:
    """The first ``n`` misclassified texts, in input order (columns text, gold, predicted)."""
    table = pd.DataFrame({"text": list(texts), "gold": list(gold), "predicted": list(predicted)})
    return table[table["gold"] != table["predicted"]].head(n).reset_index(drop=True)


def written_files(directory: str | os.PathLike[str], stem: str) -> list[str]:
    """Names of the files in ``directory`` that a run with this ``stem`` writes (``stem.*`` and
    ``stem_*``), sorted."""
    return sorted(
        path.name
        for path in Path(directory).iterdir()
        if path.is_file() and (path.name.startswith(f"{stem}_") or path.name.startswith(f"{stem}."))
    )


# --- make adapt: check the inputs, run the template, report --------------------------------

PROG = "stance adapt"
TEMPLATE_NAME = "adapt_template.ipynb"  # in the project's notebooks/


def check_inputs(
    data_path: str | os.PathLike[str],
    text_column: str,
    label_column: str,
    group_column: str | None = None,
    lang: str = "en",
    target_name: str | None = None,
    output_dir: str | os.PathLike[str] = config.ADAPT_OUTPUT_DIR,
) -> tuple[LabelledData, str]:
    """Everything the template checks before it trains, without starting a kernel: the language
    code, the target name, the data (:func:`read_labelled_csv`), that a split with the template's
    default ``test_size`` and ``seed`` exists, and the output folder (created last). Returns the
    data and the stem of the files the run will write."""
    check_lang(lang)
    stem = file_stem(label_column if target_name is None else target_name, lang)
    labelled = read_labelled_csv(data_path, text_column, label_column, group_column)
    split_frame(labelled.frame, label_column, group_column)
    output_directory(output_dir)
    return labelled, stem


def write_html(notebook: str | os.PathLike[str], html: str | os.PathLike[str]) -> None:
    """Write an HTML copy of an executed notebook: one file, figures embedded."""
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(
        nbformat.read(notebook, as_version=4), resources={"metadata": {"name": Path(notebook).stem}}
    )
    atomic_write_text(html, body)


def _read_records(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def headline_scores(directory: str | os.PathLike[str], stem: str) -> str:
    """The test scores the template wrote (``<stem>_test_scores.json``, and the test size from
    ``<stem>_per_class.json``) as a few lines for the terminal."""
    directory = Path(directory)
    scores = _read_records(directory / f"{stem}_test_scores.json")
    n_test = sum(int(row["support"]) for row in _read_records(directory / f"{stem}_per_class.json"))
    metrics = [
        ("macro_f1", "macro-F1"),
        *([("f_avg", "F_avg")] if any("f_avg" in row for row in scores) else []),
    ]
    width = max(len(row["system"]) for row in scores)
    lines = [f"{PROG}: test scores on {n_test} held-out texts, with 95% bootstrap intervals:"]
    for row in scores:
        cells = [
            f"{name} {row[key]:.3f} [{row[f'{key}_low']:.3f}, {row[f'{key}_high']:.3f}]"
            for key, name in metrics
            if key in row
        ]
        lines.append(
            f"  {row['system']:<{width}}  " + "  ".join([*cells, f"accuracy {row['accuracy']:.3f}"])
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """``stance adapt`` (what ``make adapt`` runs): check the inputs as the template will, before
    any kernel starts; run the template into ``--out`` (:func:`stance.reproduce.run_notebook`);
    write its HTML copy; print the headline test scores. A failing notebook is an
    :class:`~stance.io.InputError` with the one line of :func:`stance.reproduce.notebook_failure`
    and the executed notebook's path."""
    target = args.label_column if args.target is None else args.target
    labelled, stem = check_inputs(
        args.data,
        args.text_column,
        args.label_column,
        args.group_column,
        args.lang,
        target,
        args.out,
    )
    print(f"{PROG}: {labelled.summary}", flush=True)
    for warning in labelled.warnings:
        warn(warning)
    if args.check:
        return 0
    from stance.reproduce import notebook_failure, run_notebook  # slow: after the check

    out = Path(args.out)
    executed = out / TEMPLATE_NAME
    print(f"{PROG}: running notebooks/{TEMPLATE_NAME} (a minute or so) ...", flush=True)
    parameters = {
        "data_path": str(args.data),
        "text_column": args.text_column,
        "label_column": args.label_column,
        "group_column": args.group_column,
        "lang": args.lang,
        "target_name": target,
        "output_dir": str(out),
    }
    try:
        run_notebook(
            config.PROJECT_ROOT / "notebooks" / TEMPLATE_NAME, executed, parameters, Path.cwd()
        )
    except Exception as error:  # a cell failed, timed out or the kernel died
        message = notebook_failure(error)
        if getattr(error, "ename", "") != "InputError":
            message += f" (see {executed})"
        raise InputError(message) from None
    html = executed.with_suffix(".html")
    write_html(executed, html)
    print(headline_scores(out, stem))
    print(
        f"{PROG}: everything is in {out}/: the model {stem}.skops, tables (.json, .md), "
        f"figures (.png), the executed notebook {executed.name} and its HTML copy {html.name}"
    )
    return 0
