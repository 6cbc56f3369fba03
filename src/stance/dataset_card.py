"""Dataset folders and their cards: the format both datasets are written in.

A dataset folder holds one CSV per split and a ``README.md`` card whose YAML header declares
the splits and the features (ClassLabel names for the label columns), so Hugging Face
``datasets`` loads it offline. Here: the card's YAML header and tables (:func:`yaml_header`,
:func:`card_table`, shared with :func:`stance.real.dataset_card`), the card of the constructed
dataset (:func:`dataset_card`, every number computed), the atomic writing of a folder
(:func:`write_dataset`) and the reading of its split files (:func:`read_dataset`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from stance import config
from stance.describe import dataset_summary
from stance.io import read_csv
from stance.results import markdown_table
from stance.schema import ALLOWED_LABELS, COLUMNS, SPLITS
from stance.splits import NEAR_DUPLICATE_THRESHOLD, TEST_SIZE


def yaml_header(
    columns: tuple[str, ...] = COLUMNS,
    languages: tuple[str, ...] = ("en", "tr"),
    pretty_name: str = "Stance toward Russia's foreign policy and the war in Ukraine (EN/TR)",
    license_id: str = "cc-by-4.0",
) -> str:
    """A dataset card's YAML: splits (file per split) and features, with ClassLabel names for the
    label columns. Split sizes are in the card's text: ``datasets`` would want byte counts in
    the YAML too."""
    lines = [
        "---",
        "language:",
        *[f"- {lang}" for lang in languages],
        f"license: {license_id}",
        "pretty_name: >-",
        f"  {pretty_name}",
        "task_categories:",
        "- text-classification",
        "configs:",
        "- config_name: default",
        "  data_files:",
    ]
    for split in ("train", "test"):
        lines += [f"  - split: {split}", f"    path: {split}.csv"]
    lines += ["dataset_info:", "  features:"]
    for column in columns:
        if column in ALLOWED_LABELS:
            lines += [f"  - name: {column}", "    dtype:", "      class_label:", "        names:"]
            lines += [f"          '{i}': {name}" for i, name in enumerate(ALLOWED_LABELS[column])]
        else:
            lines += [f"  - name: {column}", "    dtype: string"]
    return "\n".join([*lines, "---"])


def card_table(table: pd.DataFrame) -> str:
    """A card table: :func:`stance.results.markdown_table`, the index kept when it names rows."""
    if table.index.name is not None or not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index()
    return markdown_table(table).rstrip("\n")


def dataset_card(frame: pd.DataFrame, agreement: pd.DataFrame | None = None) -> str:
    """The dataset card (``README.md`` of the dataset folder), with every number computed."""
    summary = dataset_summary(frame)
    n_statements = frame["statement_id"].nunique()
    n_seed = frame.loc[frame["origin"] == "seed", "statement_id"].nunique()
    sections = [
        yaml_header(),
        "# Stance toward Russia's foreign policy and the war in Ukraine (English/Turkish)",
        f"{n_statements} statements, each in English and in Turkish ({len(frame)} texts), labelled "
        "for stance toward two targets (`russian_foreign_policy`, `ukraine_operation`: support / "
        "opposition / neutral) and for sentiment (positive / negative / neutral). Built by "
        "`notebooks/01_build_dataset.ipynb` from the hand-written sources in `data/raw/`; the "
        "labels are defined in `data/ANNOTATION.md`.",
        "## Loading",
        '```python\nimport datasets\nds = datasets.load_dataset("data/statements")  # offline\n'
        "from stance.constructed import load_statements\ndf = load_statements()  # pandas\n```",
        "## Sizes",
        card_table(summary["texts_per_split_and_language"]),
        "Statements per origin and split:",
        card_table(summary["statements_per_origin"]),
        "## Labels (statements)",
        card_table(summary["statements_per_label"]),
        "Side-taking statements whose sentiment goes against the naive mapping (support with "
        "negative or opposition with positive sentiment):",
        card_table(summary["naive_mapping"]),
        "## Fields",
        "`id` (statement and language), `statement_id` (shared by the two language versions), "
        "`text`, `lang` (`en`/`tr`), `russian_foreign_policy`, `ukraine_operation`, `sentiment`, "
        "`speaker_role`, `genre`, `origin` (`seed`/`constructed`), `group` (variants and one "
        "source share a group), `split`, `hard_case` (what makes the statement hard, for error "
        "analysis), `source`.",
        "## Splits",
        f"About {TEST_SIZE:.0%} of the statements are in `test`, stratified by the joint stance "
        "labels and grouped by `group`: no group spans both splits, both language versions of a "
        "statement share a split, and the build fails if a test text has a TF-IDF cosine "
        f"similarity of {NEAR_DUPLICATE_THRESHOLD} or more with a training text.",
        "## Annotation agreement",
    ]
    if agreement is None:
        sections.append("No second annotation pass is available.")
    else:
        sections += [
            f"A second annotator labelled a random sample of {int(agreement['statements'].iloc[0])}"
            " statements (English versions) from the guidelines alone, without seeing the first "
            "labels. Cohen's kappa and raw agreement per label:",
            card_table(agreement.set_index("label")),
            "Both passes were made by language-model annotators (separate instances of the same "
            "system, the first of which also wrote the constructed statements to be clear cases "
            "of their labels). Their agreement is an upper bound on what independent human "
            "annotators would reach on these texts, not an estimate of it.",
        ]
    sections += [
        "## Sources and data statement",
        f"* **Seed** ({n_seed} statements): every attributed quotation in a Turkish news "
        "article on the June 2024 Putin–Kim summit, in the original Turkish with an English "
        "translation by the project, attributed as the article attributes it; the `source` field "
        "names the article.",
        f"* **Constructed** ({n_statements - n_seed} statements): drafted for this dataset by a "
        "language-model assistant following `data/ANNOTATION.md`, in six themed batches "
        "(diplomacy, news, analysis, social media, mediators and humanitarian voices, other "
        "voices), checked by code (schema, label balance, leakage) and spot-checked by the "
        "project. Each is attributed only to a role (`speaker_role`); no real person said them.",
        "The dataset is small and mostly constructed. The test split comes from the same "
        "constructed distribution as the training split, so scores on it overstate how a model "
        "does on real, independently collected statements. Use it to study methods, not to "
        "measure public opinion or to label real people.",
    ]
    return "\n\n".join(sections) + "\n"


def write_dataset(frame: pd.DataFrame, card: str, out_dir: Path | None = None) -> Path:
    """Write one CSV per split and the dataset card, replacing ``out_dir`` (default: the
    project's ``data/statements/``) as a whole.

    Everything is written into a fresh folder beside ``out_dir`` first; only when all files are
    complete is the old folder swapped out, so a failure leaves the existing dataset untouched.
    """
    out_dir = Path(out_dir or config.DATASET_DIR)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for split in SPLITS:
            rows = frame[frame["split"] == split].sort_values("id")
            rows.to_csv(staging / f"{split}.csv", index=False, lineterminator="\n")
        (staging / "README.md").write_text(card, encoding="utf-8")
        os.chmod(staging, 0o755)
        backup = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(backup, ignore_errors=True)
        if out_dir.exists():
            os.rename(out_dir, backup)
        os.rename(staging, out_dir)
        shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def read_dataset(path: Path, columns: tuple[str, ...], split: str | None = None) -> pd.DataFrame:
    """The split files of a dataset folder as one table (every value a string): ``split`` only,
    or every split of :data:`~stance.schema.SPLITS` in that order; each file must have
    ``columns``."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    frames = [
        read_csv(Path(path) / f"{name}.csv", columns)
        for name in (SPLITS if split is None else (split,))
    ]
    return pd.concat(frames, ignore_index=True)
