"""Reading user files with one-line errors, and writing files atomically.

Every file the project writes goes through :func:`atomic_write`, so an interrupted run or a bad
input never leaves a partial file behind: the new content is written next to the target and moved
over it in one ``os.replace``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd


class InputError(ValueError):
    """Bad input, described in one line that names the file (and the row when there is one)."""


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success move it over ``path``, else delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically."""
    with atomic_write(path) as handle:
        handle.write(text)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file, or raise :class:`InputError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not valid UTF-8 text") from None


def read_csv(
    path: str | os.PathLike[str], required_columns: Sequence[str] = ()
) -> pd.DataFrame:
    """Read a UTF-8 CSV file as strings, checking that it has rows and the required columns.

    Every cell is a string (empty cells are ``""``, never NaN), so labels such as ``"None"`` or
    ``"NA"`` stay labels. Errors are :class:`InputError` with a one-line message.
    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, csv.Error) as error:
        detail = str(error).strip().splitlines()[-1]
        raise InputError(f"{path}: not a valid CSV file ({detail})") from None
    missing = [c for c in required_columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(map(repr, missing))}")
    if frame.empty:
        raise InputError(f"{path}: the file has a header but no rows")
    return frame


def iter_csv_chunks(
    path: str | os.PathLike[str], required_columns: Sequence[str] = (), chunksize: int = 10_000
) -> Iterator[pd.DataFrame]:
    """Stream a CSV in chunks of strings with bounded memory, with the checks of :func:`read_csv`
    applied to the header and the encoding checked as the file is read."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    try:
        try:
            reader = pd.read_csv(
                handle, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunksize
            )
            seen_rows = False
            for number, chunk in enumerate(reader):
                if number == 0:
                    missing = [c for c in required_columns if c not in chunk.columns]
                    if missing:
                        raise InputError(
                            f"{path}: missing column(s) {', '.join(map(repr, missing))}"
                        )
                seen_rows = seen_rows or not chunk.empty
                yield chunk
            if not seen_rows:
                raise InputError(f"{path}: the file has a header but no rows")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not valid UTF-8 text") from None
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: the file is empty") from None
        except (pd.errors.ParserError, csv.Error) as error:
            detail = str(error).strip().splitlines()[-1]
            raise InputError(f"{path}: not a valid CSV file ({detail})") from None
    finally:
        handle.close()
