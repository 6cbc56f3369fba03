"""Checks of a labelled CSV shared by every entry point that trains on one (``stance train`` and
``make adapt``), so a problem gets the same one-line message wherever it is found.

Rows are named by their line in the CSV (the header is line 1, :func:`stance.io.csv_line`); a
frame's index is the row's position in the file as :func:`stance.io.read_csv` read it, so rows
may have been dropped before a check.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pandas as pd

from stance.io import InputError, csv_line, csv_lines

#: Groups of repeated texts listed in a duplicate warning before "and N more".
LISTED_DUPLICATES = 3


def line_finder(source: str | os.PathLike[str], n_rows: int | None = None) -> Callable[[int], int]:
    """A function from a row's position to its CSV line. With ``n_rows`` (the rows of the whole
    file) the file is parsed again once, on first use; without, once per call."""
    lines: list[int] = []

    def line(position: int) -> int:
        if n_rows is None:
            return csv_line(source, position)
        if not lines:
            lines.extend(csv_lines(source, n_rows))
        return lines[position]

    return line


def check_no_empty(
    frame: pd.DataFrame,
    column: str,
    source: str | os.PathLike[str],
    what: str = "label",
    line: Callable[[int], int] | None = None,
) -> None:
    """Refuse empty or blank cells in ``column``, naming the first one's line and the count."""
    empty = frame.index[frame[column].astype(str).str.strip() == ""]
    if len(empty):
        line = line or line_finder(source)
        raise InputError(
            f"{source}: line {line(int(empty[0]))}: empty {what} in column "
            f"{column!r}" + (f" (and {len(empty) - 1} more)" if len(empty) > 1 else "")
        )


def _lines_text(lines: list[int]) -> str:
    return ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"


def check_duplicate_texts(
    frame: pd.DataFrame,
    text_column: str,
    label_column: str,
    source: str | os.PathLike[str],
    line: Callable[[int], int] | None = None,
) -> str | None:
    """Texts given more than once (compared with runs of white space as one space).

    Raises :class:`InputError` naming the lines when copies of a text carry different labels;
    otherwise returns a one-line warning with the count and the first lines, or ``None``.
    """
    key = frame[text_column].astype(str).str.split().str.join(" ")
    repeated = frame[key.duplicated(keep=False)]
    if repeated.empty:
        return None
    line = line or line_finder(source)
    by_text: dict[str, list[int]] = {}
    for position, text in key[repeated.index].items():
        by_text.setdefault(text, []).append(position)
    groups = [
        (positions, frame.loc[positions, label_column].tolist()) for positions in by_text.values()
    ]
    conflicts = [(positions, labels) for positions, labels in groups if len(set(labels)) > 1]
    if conflicts:
        positions, labels = conflicts[0]
        more = (
            (f" (and {len(conflicts) - 1} more text{'s' if len(conflicts) > 2 else ''} like it)")
            if len(conflicts) > 1
            else ""
        )
        raise InputError(
            f"{source}: lines {_lines_text([line(int(p)) for p in positions])} have the same "
            f"text with different labels ({', '.join(map(repr, dict.fromkeys(labels)))}){more}; "
            "give each text one label, or drop the copies"
        )
    extra = len(repeated) - len(groups)
    listed = "; ".join(
        _lines_text([line(int(p)) for p in positions])
        for positions, _ in groups[:LISTED_DUPLICATES]
    )
    if len(groups) > LISTED_DUPLICATES:
        listed += f"; and {len(groups) - LISTED_DUPLICATES} more"
    return (
        f"{source}: {len(groups)} text{'s' if len(groups) > 1 else ''} given more than once "
        f"({extra} extra cop{'ies' if extra > 1 else 'y'}; lines {listed}): a copy in the "
        "test split of a text in the training split inflates the test score; drop the "
        "copies or give them the same group"
    )
