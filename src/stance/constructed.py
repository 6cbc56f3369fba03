"""The constructed-statement dataset: read from its raw sources, built, written and loaded.

Raw sources in ``data/raw/`` are written by hand and never edited by code:

* ``putin-kim-summit-2024-06.tr.txt``: the seed article as published (Turkish);
* ``seed_quotes.csv``: for each quotation the extractor finds in it, the speaker as the article
  attributes it, an English translation and the labels;
* ``constructed/*.csv``: constructed statements, one row per statement with its English and
  Turkish versions (``text_en``, ``text_tr``);
* ``second_annotation.csv``: an independent second pass of labels over a sample.

The built dataset in ``data/statements/`` has one row per text (a statement in one language), so
every statement appears twice, with the same ``statement_id``, labels and split.

The rest lives in modules of its own: the schema and its check in :mod:`stance.schema`, splits
and leakage checks in :mod:`stance.splits`, summary tables and annotation agreement in
:mod:`stance.describe`, the card and the writing of the folder in :mod:`stance.dataset_card`.
For the notebooks, which use this module as their one entry to the dataset, it also offers
these names from those modules (code in ``src/`` imports them from their home):
:data:`~stance.schema.TARGETS`, :data:`~stance.schema.STANCES`,
:data:`~stance.schema.LABEL_COLUMNS`, :func:`~stance.splits.near_duplicates`,
:func:`~stance.describe.dataset_summary`, :func:`~stance.describe.label_shares`,
:func:`~stance.describe.annotation_agreement`,
:data:`~stance.describe.SEMEVAL_2016_MISMATCH_SHARE`, :func:`~stance.dataset_card.dataset_card`
and :func:`~stance.dataset_card.write_dataset`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from stance import config
from stance.dataset_card import dataset_card, read_dataset, write_dataset
from stance.describe import (
    SEMEVAL_2016_MISMATCH_SHARE,
    annotation_agreement,
    dataset_summary,
    label_shares,
)
from stance.io import InputError, csv_lines, read_csv, read_text
from stance.schema import (
    ALLOWED_LABELS,
    COLUMNS,
    LABEL_COLUMNS,
    STANCES,
    TARGETS,
    DatasetError,
    check_unique,
    check_values,
    source_line,
    validate,
)
from stance.splits import assign_splits, check_no_leakage, near_duplicates
from stance.text import Quote, extract_quotes

#: This module's public names: its own, and those it offers the notebooks from their homes.
__all__ = [
    "LABEL_COLUMNS",
    "SEMEVAL_2016_MISMATCH_SHARE",
    "STANCES",
    "TARGETS",
    "annotation_agreement",
    "build_dataset",
    "build_statements",
    "dataset_card",
    "dataset_summary",
    "label_shares",
    "load_constructed",
    "load_hf_dataset",
    "load_second_annotation",
    "load_seed",
    "load_statements",
    "near_duplicates",
    "seed_quotations",
    "write_dataset",
]

SEED_ARTICLE = "putin-kim-summit-2024-06.tr.txt"
SEED_QUOTES = "seed_quotes.csv"
CONSTRUCTED_DIR = "constructed"
SECOND_ANNOTATION = "second_annotation.csv"

CONSTRUCTED_COLUMNS = (
    "statement_id",
    "group",
    "genre",
    "speaker_role",
    *LABEL_COLUMNS,
    "hard_case",
    "text_en",
    "text_tr",
)
SEED_COLUMNS = (
    "statement_id",
    "speaker",
    "speaker_aliases",
    "speaker_role",
    "genre",
    *LABEL_COLUMNS,
    "quote_tr",
    "text_en",
    "source",
)
CONSTRUCTED_SOURCE = "constructed for this dataset; not said by any real person"
#: Columns a raw statement gives all its language versions (besides ``text`` and ``lang``).
_SHARED_BY_LANGUAGES = (
    "statement_id",
    "group",
    "genre",
    "speaker_role",
    *LABEL_COLUMNS,
    "hard_case",
    "origin",
    "source",
    "source_file",
    "source_row",
)


# --- reading raw sources -------------------------------------------------------------------


def _read_raw(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = read_csv(path, columns)
    except InputError as error:
        raise DatasetError(str(error)) from None
    frame = frame.assign(
        source_file=str(
            path.relative_to(config.PROJECT_ROOT)
            if path.is_relative_to(config.PROJECT_ROOT)
            else path
        ),
        source_row=csv_lines(path, len(frame)),
    )
    return frame


def _to_long(wide: pd.DataFrame, texts: Mapping[str, str]) -> pd.DataFrame:
    """One row per (statement, language) from a table with one text column per language."""
    parts = []
    for lang, column in texts.items():
        part = wide[list(_SHARED_BY_LANGUAGES)].copy()
        part["text"] = wide[column]
        part["lang"] = lang
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def load_constructed(raw_dir: Path | None = None) -> pd.DataFrame:
    """All constructed statements, long format, with the file and row each came from."""
    raw_dir = raw_dir or config.RAW_DIR
    files = sorted((raw_dir / CONSTRUCTED_DIR).glob("*.csv"))
    if not files:
        raise DatasetError(f"{raw_dir / CONSTRUCTED_DIR}: no constructed statement files (*.csv)")
    wide = pd.concat([_read_raw(path, CONSTRUCTED_COLUMNS) for path in files], ignore_index=True)
    wide["origin"] = "constructed"
    wide["source"] = CONSTRUCTED_SOURCE
    return _to_long(wide, {"en": "text_en", "tr": "text_tr"})


def _seed_annotations(raw_dir: Path) -> pd.DataFrame:
    return _read_raw(raw_dir / SEED_QUOTES, SEED_COLUMNS)


def seed_quotations(raw_dir: Path | None = None) -> list[Quote]:
    """The attributed quotations that :func:`stance.text.extract_quotes` finds in the seed
    article, with speakers (and their short forms) taken from ``seed_quotes.csv``."""
    raw_dir = raw_dir or config.RAW_DIR
    annotations = _seed_annotations(raw_dir)
    speakers = {
        row.speaker: [a.strip() for a in row.speaker_aliases.split(";") if a.strip()]
        for row in annotations.itertuples()
    }
    try:
        article = read_text(raw_dir / SEED_ARTICLE)
    except InputError as error:
        raise DatasetError(str(error)) from None
    return extract_quotes(article, speakers)


def load_seed(raw_dir: Path | None = None) -> pd.DataFrame:
    """The quotations of the seed article, long format.

    Every quotation the extractor finds must have exactly one annotated row in
    ``seed_quotes.csv`` and every annotated row must match an extracted quotation (and its
    speaker), so the dataset holds exactly what the article quotes.
    """
    raw_dir = raw_dir or config.RAW_DIR
    annotations = _seed_annotations(raw_dir)
    quotes = seed_quotations(raw_dir)
    found = {q.text: q for q in quotes}
    for _, row in annotations.iterrows():
        quote = found.get(row["quote_tr"].strip())
        if quote is None:
            raise DatasetError(
                f"{source_line(row)}: quote_tr is not a quotation the extractor "
                f"finds in {SEED_ARTICLE}"
            )
        if quote.speaker != row["speaker"]:
            raise DatasetError(
                f"{source_line(row)}: the article attributes this quote to "
                f"{quote.speaker!r}, not {row['speaker']!r}"
            )
    missing = set(found) - set(annotations["quote_tr"].str.strip())
    if missing:
        first = sorted(missing)[0]
        raise DatasetError(
            f"{raw_dir / SEED_QUOTES}: {len(missing)} quotation(s) of the article "
            f"have no row, e.g. “{first[:60]}…”"
        )
    annotations = annotations.assign(
        origin="seed",
        group="seed-putin-kim-2024-06",
        hard_case="none",
        speaker_role=annotations["speaker_role"] + " (" + annotations["speaker"] + ")",
    )
    return _to_long(annotations, {"tr": "quote_tr", "en": "text_en"})


def load_second_annotation(raw_dir: Path | None = None) -> pd.DataFrame:
    """The second annotator's labels, one row per statement, checked against the label sets."""
    raw_dir = raw_dir or config.RAW_DIR
    frame = _read_raw(raw_dir / SECOND_ANNOTATION, ("statement_id", *LABEL_COLUMNS))
    check_values(frame, ALLOWED_LABELS, source_line)
    check_unique(frame, "statement_id", source_line)
    return frame.drop(columns=["source_file", "source_row"])


# --- building, writing, loading ----------------------------------------------------------


def build_statements(raw_dir: Path | None = None, seed: int = config.SEED) -> pd.DataFrame:
    """Read, validate, split and leakage-check every raw source (in ``raw_dir``, default: the
    project's ``data/raw/``); return the dataset table."""
    raw_dir = raw_dir or config.RAW_DIR
    frame = pd.concat([load_seed(raw_dir), load_constructed(raw_dir)], ignore_index=True)
    frame = frame.assign(
        text=frame["text"].str.strip(), id=frame["statement_id"] + "-" + frame["lang"]
    )
    validate(frame)
    frame = assign_splits(frame, seed=seed)
    check_no_leakage(frame)
    return frame.sort_values(["split", "id"], ignore_index=True)[list(COLUMNS)]


def load_statements(split: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """The built dataset as pandas (one row per text), optionally one split only.

    Parameters
    ----------
    split
        ``"train"``, ``"test"`` or ``None`` for both (test rows first).
    path
        The dataset folder, as written by :func:`build_dataset` (default: the project's
        ``data/statements/``).

    Returns
    -------
    pandas.DataFrame
        One row per text, columns :data:`~stance.schema.COLUMNS`, every value a string; each
        statement appears once per language with the same ``statement_id``, labels and split.

    Examples
    --------
    >>> train = load_statements("train")
    >>> sorted(train["lang"].unique()), sorted(train["ukraine_operation"].unique())
    (['en', 'tr'], ['neutral', 'opposition', 'support'])
    """
    return read_dataset(path or config.DATASET_DIR, COLUMNS, split)


def load_hf_dataset(path: Path | None = None, cache_dir: Path | None = None):
    """The built dataset through Hugging Face ``datasets`` (a ``DatasetDict`` of ClassLabel
    columns), offline, with its Arrow cache in the project's git-ignored ``.cache``."""
    path, cache_dir = path or config.DATASET_DIR, cache_dir or config.CACHE_DIR
    config.quiet_offline_environment()
    import datasets  # imported late: it reads the environment variables at import time

    return datasets.load_dataset(str(path), cache_dir=str(cache_dir / "datasets"))


def build_dataset(
    raw_dir: Path | None = None, out_dir: Path | None = None, seed: int = config.SEED
) -> pd.DataFrame:
    """Build, check and write the whole dataset folder (card included) from the raw sources
    (default: the project's ``data/raw/`` into ``data/statements/``)."""
    raw_dir, out_dir = raw_dir or config.RAW_DIR, out_dir or config.DATASET_DIR
    frame = build_statements(raw_dir, seed)
    agreement = None
    if (raw_dir / SECOND_ANNOTATION).exists():
        agreement = annotation_agreement(frame, load_second_annotation(raw_dir))
    write_dataset(frame, dataset_card(frame, agreement), out_dir)
    return frame
