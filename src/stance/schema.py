"""The schema of the statement datasets: targets, label sets, columns, and the check of a table.

Both datasets (the constructed statements of :mod:`stance.constructed` and the real statements of
:mod:`stance.real`) label each text for stance toward :data:`TARGETS` and for sentiment, with the
label sets in :data:`ALLOWED_LABELS`. :func:`validate` checks a long-format table of statements
(one row per text) against every rule of the constructed dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from stance.io import InputError
from stance.text import SUPPORTED_LANGUAGES

TARGETS = ("russian_foreign_policy", "ukraine_operation")
#: Class names, sorted, so ClassLabel ids and scikit-learn's ``classes_`` agree.
STANCES = ("neutral", "opposition", "support")
SENTIMENTS = ("negative", "neutral", "positive")
LABEL_COLUMNS = (*TARGETS, "sentiment")
ALLOWED_LABELS: dict[str, tuple[str, ...]] = {
    **{target: STANCES for target in TARGETS},
    "sentiment": SENTIMENTS,
}
#: Side-taking class pairs (for, against) recognised by :func:`side_taking_pair`, in order.
SIDE_TAKING_PAIRS = (("support", "opposition"), ("favor", "against"))
GENRES = ("diplomatic_speech", "official_statement", "news_report", "op_ed", "social_media")
ORIGINS = ("constructed", "seed")
SPLITS = ("test", "train")

#: Columns of the built constructed-statement dataset, in file order.
COLUMNS = (
    "id",
    "statement_id",
    "text",
    "lang",
    *LABEL_COLUMNS,
    "speaker_role",
    "genre",
    "origin",
    "group",
    "split",
    "hard_case",
    "source",
)


class DatasetError(InputError):
    """The raw data break a rule of the dataset; the message names the file and the line."""


def source_line(row: pd.Series) -> str:
    """``file: line N`` of a row read with its ``source_file`` and ``source_row``."""
    return f"{row['source_file']}: line {row['source_row']}"


def check_row_values(
    row: pd.Series, allowed: Mapping[str, Sequence[str]], where: Callable[[pd.Series], str]
) -> None:
    """Raise :class:`DatasetError` when the row's value in a column of ``allowed`` is not one of
    that column's values; ``where(row)`` names the row."""
    for column, values in allowed.items():
        if row[column] not in values:
            raise DatasetError(
                f"{where(row)}: {column} {row[column]!r} is not one of {', '.join(values)}"
            )


def check_values(
    frame: pd.DataFrame, allowed: Mapping[str, Sequence[str]], where: Callable[[pd.Series], str]
) -> None:
    """:func:`check_row_values` for every row, in table order (``row.name`` is its index)."""
    for _, row in frame.iterrows():
        check_row_values(row, allowed, where)


def check_unique(frame: pd.DataFrame, column: str, where: Callable[[pd.Series], str]) -> None:
    """Raise :class:`DatasetError` at the first row whose ``column`` repeats an earlier row's."""
    duplicated = frame[frame[column].duplicated()]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise DatasetError(f"{where(first)}: duplicate {column} {first[column]}")


def side_taking_pair(labels: Iterable[str]) -> tuple[str, str] | None:
    """The (for, against) labels among ``labels``, matched case-insensitively and returned as
    spelled there: support/opposition or favor/against; ``None`` unless both are present."""
    by_lower = {str(label).lower(): str(label) for label in sorted(set(labels), key=str)}
    for pro, con in SIDE_TAKING_PAIRS:
        if pro in by_lower and con in by_lower:
            return by_lower[pro], by_lower[con]
    return None


def validate(frame: pd.DataFrame) -> None:
    """Check a long-format table of statements; raise :class:`DatasetError` at the first problem.

    Checks: required columns, allowed labels, genres, origins and language codes, empty or
    whitespace-only text, each statement present once per language, and duplicates: the same
    ``statement_id`` or the same text given twice with conflicting labels, or given twice at all.
    Rows that carry ``source_file``/``source_row`` are named by them, others by their ``id``.
    """
    required = ("statement_id", "text", "lang", *LABEL_COLUMNS, "genre", "group", "origin")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        where = frame["source_file"].iloc[0] if "source_file" in frame and len(frame) else "data"
        raise DatasetError(f"{where}: missing column(s) {', '.join(missing)}")

    def where(row: pd.Series) -> str:
        return source_line(row) if "source_file" in row.index else f"row with id {row.get('id')!r}"

    allowed = {**ALLOWED_LABELS, "genre": GENRES, "origin": ORIGINS, "lang": SUPPORTED_LANGUAGES}
    for _, row in frame.iterrows():
        check_row_values(row, allowed, where)
        if not str(row["text"]).strip():
            raise DatasetError(f"{where(row)}: empty text ({row['lang']})")
        for column in ("statement_id", "group"):
            if not str(row[column]).strip():
                raise DatasetError(f"{where(row)}: empty {column}")

    labels = list(LABEL_COLUMNS)
    for keys, what in ((["statement_id", "lang"], "statement_id"), (["text", "lang"], "text")):
        duplicated = frame[frame.duplicated(keys, keep=False)]
        if duplicated.empty:
            continue
        for _, group in duplicated.groupby(keys, sort=False):
            first, second = group.iloc[0], group.iloc[1]
            conflict = (group[labels].nunique() > 1).any()
            detail = "with conflicting labels" if conflict else "given twice"
            name = first["statement_id"] if what == "statement_id" else f"“{first['text'][:40]}”"
            raise DatasetError(
                f"{where(second)}: duplicate {what} {name} {detail} (first at {where(first)})"
            )
    per_statement = frame.groupby("statement_id")[[*labels, "group"]].nunique()
    inconsistent = per_statement[(per_statement > 1).any(axis=1)]
    if not inconsistent.empty:
        raise DatasetError(
            f"statement {inconsistent.index[0]}: its language versions disagree on labels or group"
        )
