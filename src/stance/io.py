"""Reading user files with one-line errors, and writing files atomically.

Every file the project writes goes through :func:`atomic_write`, so an interrupted run or a bad
input never leaves a partial file behind: the new content is written next to the target and moved
over it in one ``os.replace``.

A position in a CSV file is always called a *line*: the physical line number of the file, the
header being line 1, so a user can jump straight to it in an editor (:func:`csv_line`).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shlex
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

_XLSX_MAGIC = b"PK\x03\x04"  # a zip archive: .xlsx, .xlsm, .ods ...
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an OLE2 compound file: .xls, .doc ...
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAX_LISTED_COLUMNS = 12


class InputError(ValueError):
    """Bad input, described in one line that names the file (and the line when there is one)."""


# --- writing -------------------------------------------------------------------------------


def _umask() -> int:
    """The process umask (only readable by setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return the folders created, deepest last."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is not a folder")
    created = []
    try:
        for path in reversed(missing):
            path.mkdir()
            created.append(path)
    except BaseException:
        _remove_empty(created)
        raise
    return created


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders a failed write created, deepest first, if nothing else went in."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            return


def _output_error(path: Path, error: OSError) -> OSError:
    """The same error, naming the file the user asked for instead of a temporary file."""
    return OSError(error.errno, f"cannot write: {error.strerror or error}", str(path))


def _is_write_error(error: OSError, tmp_name: str) -> bool:
    """Whether an error raised while the content was produced came from writing it (no file
    name, or the temporary file), not from reading an input or a closed stdout."""
    if isinstance(error, (BrokenPipeError, ConnectionError)):
        return False
    return error.filename in (None, tmp_name) or error.filename2 == tmp_name


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success move it over ``path``, else delete it.

    Folders created for ``path`` are removed again when the write fails. A new file gets the
    permissions the umask allows (as ``open`` would give); a replaced file keeps its own. Errors
    while writing (read-only folder, disk full) are :class:`OSError` naming ``path``.
    """
    path = Path(path)
    try:
        created = _make_folders(path.parent)
    except OSError as error:
        raise _output_error(path, error) from None
    tmp_name = ""
    try:
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as error:
            raise _output_error(path, error) from None
        try:
            kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
            with os.fdopen(fd, mode, **kwargs) as handle:
                yield handle
            try:
                mode_bits = path.stat().st_mode & 0o7777 if path.is_file() else None
            except OSError:
                mode_bits = None
            os.chmod(tmp_name, 0o666 & ~_umask() if mode_bits is None else mode_bits)
            os.replace(tmp_name, path)
        except OSError as error:
            if _is_write_error(error, tmp_name):
                raise _output_error(path, error) from None
            raise
    except BaseException:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        _remove_empty(created)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically."""
    with atomic_write(path) as handle:
        handle.write(text)


def check_distinct_paths(
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    data_option: str = "--data",
    out_option: str = "--out",
) -> None:
    """Refuse an output that is the input file: the command would replace the data it reads."""
    data, out = Path(data), Path(out)
    try:
        same = (
            os.path.samefile(data, out)
            if data.exists() and out.exists()
            else (data.resolve() == out.resolve())
        )
    except OSError:
        same = False
    if same:
        raise InputError(
            f"{out}: {out_option} is the input file ({data_option}); write the "
            "output to another file"
        )


def check_output_path(out: str | os.PathLike[str], option: str = "--out") -> None:
    """Refuse an output path that cannot be written before a long computation, not after it:
    a folder, or a file whose nearest existing parent is not a writable folder."""
    out = Path(out)
    if out.is_dir():
        raise InputError(f"{out}: {option} is a folder; give a file name")
    folder = out.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"{out}: cannot write: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{out}: cannot write: no permission to write in {folder}")


# --- reading -------------------------------------------------------------------------------


def _not_text(path: Path, head: bytes, what: str) -> str | None:
    """Why a file that starts with ``head`` is not a text file, with what to do, or ``None``."""
    hint = "save it as CSV UTF-8" if what == "CSV" else "save it as UTF-8 text"
    if head.startswith(_XLSX_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (OSError, zipfile.BadZipFile):
            names = []
        if any(name.startswith("xl/") for name in names) or path.suffix.lower() in (
            ".xlsx",
            ".xlsm",
        ):
            return f"is an Excel workbook, not a {what} file: {hint}"
        if "content.xml" in names:
            return f"is a spreadsheet (OpenDocument), not a {what} file: {hint}"
        return f"is a zip archive, not a {what} file: unpack it first"
    if head.startswith(_OLE_MAGIC):
        return f"is an Excel workbook (or another Microsoft Office file), not a {what} file: {hint}"
    if head.startswith(_UTF16_BOMS):
        return f"is UTF-16 text, not UTF-8: convert it: iconv -f UTF-16 -t UTF-8 {_converted(path)}"
    return None


def _converted(path: Path) -> str:
    """The arguments of an iconv command line converting ``path`` to a new UTF-8 file."""
    return f"{shlex.quote(str(path))} > {shlex.quote(str(path.with_suffix('.utf8' + path.suffix)))}"


def _not_utf8(path: Path, line: int) -> InputError:
    return InputError(
        f"{path}: line {line}: not valid UTF-8 text (if it is Latin-1 or Windows-1252, convert "
        f"it: iconv -f WINDOWS-1252 -t UTF-8 {_converted(path)}; WINDOWS-1254 for Turkish)"
    )


def _check_is_text(path: Path, what: str) -> None:
    if not path.is_file():
        raise InputError(
            f"{path}: no such file"
            if not path.is_dir()
            else f"{path}: is a folder, not a {what} file"
        )
    with open(path, "rb") as handle:
        problem = _not_text(path, handle.read(8), what)
    if problem:
        raise InputError(f"{path}: {problem}")


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(path, data[: error.start].count(b"\n") + 1) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file, or raise :class:`InputError` naming the file and line."""
    path = Path(path)
    _check_is_text(path, "text")
    return _decode(path, path.read_bytes())


def _first_bad_utf8_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8, reading the file line by line (a UTF-8
    character never contains the newline byte, so each line decodes on its own)."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on (pandas skips blank lines too)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    for record in reader:
        start, previous = previous + 1, reader.line_num
        if record:
            yield start, record


def _header(path: Path, first_lines: str) -> tuple[int, list[str]]:
    """The header record of a CSV and its line, from the start of its text."""
    try:
        for line, record in _records(first_lines):
            return line, record
    except csv.Error as error:
        raise InputError(f"{path}: not a valid CSV file ({error})") from None
    raise InputError(f"{path}: the file is empty")


def _check_header(
    path: Path, line: int, header: list[str], required_columns: Sequence[str]
) -> None:
    """Duplicate names, another delimiter, missing columns: each a one-line error."""
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    duplicated = [name for name, count in seen.items() if count > 1 and name.strip()]
    if duplicated:
        raise InputError(
            f"{path}: line {line}: duplicate column name"
            f"{'s' if len(duplicated) > 1 else ''} "
            f"{', '.join(map(repr, duplicated))} in the header; give each column "
            "its own name"
        )
    missing = [c for c in required_columns if c not in header]
    if not missing:
        return
    if len(header) == 1:
        for delimiter, name in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
            if delimiter in header[0]:
                raise InputError(
                    f"{path}: looks {name}-separated (its header is one column, "
                    f"{header[0]!r}); save it comma-separated"
                )
    listed = ", ".join(map(repr, header[:_MAX_LISTED_COLUMNS]))
    if len(header) > _MAX_LISTED_COLUMNS:
        listed += f" and {len(header) - _MAX_LISTED_COLUMNS} more"
    raise InputError(
        f"{path}: missing column{'s' if len(missing) > 1 else ''} "
        f"{', '.join(map(repr, missing))} (the file has: {listed})"
    )


def csv_lines(path: str | os.PathLike[str], n_rows: int) -> list[int]:
    """The line of ``path`` on which each of its ``n_rows`` data rows (as read by
    :func:`read_csv`) starts, counting line breaks inside quoted cells; for error messages.

    Falls back to ``position + 2`` (right for files without such breaks) if the file cannot be
    read again or parses to another number of rows.
    """
    try:
        lines = [line for line, _ in _records(read_text(path))][1:]
    except (InputError, OSError, csv.Error):
        lines = []
    return lines if len(lines) == n_rows else list(range(2, n_rows + 2))


def csv_line(path: str | os.PathLike[str], position: int) -> int:
    """The line of ``path`` on which data row ``position`` (0-based) starts (:func:`csv_lines`)."""
    try:
        lines = [line for line, _ in _records(read_text(path))][1:]
        return lines[position]
    except (InputError, OSError, csv.Error, IndexError):
        return position + 2


def read_csv(path: str | os.PathLike[str], required_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a UTF-8 CSV file as strings, checking that it has rows and the required columns.

    Every cell is a string (empty cells are ``""``, never NaN), so labels such as ``"None"`` or
    ``"NA"`` stay labels. Errors are :class:`InputError` with a one-line message that says what
    to do where it can: an Excel file, another encoding or delimiter, duplicate column names
    (which pandas would silently rename ``x.1``), a missing column (listing those there are).
    """
    path = Path(path)
    _check_is_text(path, "CSV")
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    _check_header(path, *_header(path, text), required_columns)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, csv.Error) as error:
        detail = str(error).strip().splitlines()[-1]
        raise InputError(f"{path}: not a valid CSV file ({detail})") from None
    if frame.empty:
        raise InputError(f"{path}: the file has a header but no rows")
    return frame


def _first_lines(path: Path, limit: int = 1 << 20) -> str:
    """The start of a text file, enough for its header (a header longer than ``limit``
    characters is not one a person wrote)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            return handle.read(limit)
        except UnicodeDecodeError:
            raise _not_utf8(path, _first_bad_utf8_line(path)) from None


def iter_csv_chunks(
    path: str | os.PathLike[str], required_columns: Sequence[str] = (), chunksize: int = 10_000
) -> Iterator[pd.DataFrame]:
    """Stream a CSV in chunks of strings with bounded memory, with the checks of :func:`read_csv`
    applied to the header and the encoding checked as the file is read."""
    path = Path(path)
    _check_is_text(path, "CSV")
    start = _first_lines(path)
    if not start.strip():
        raise InputError(f"{path}: the file is empty")
    _check_header(path, *_header(path, start), required_columns)
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    try:
        try:
            reader = pd.read_csv(
                handle, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunksize
            )
            seen_rows = False
            for chunk in reader:
                seen_rows = seen_rows or not chunk.empty
                yield chunk
            if not seen_rows:
                raise InputError(f"{path}: the file has a header but no rows")
        except UnicodeDecodeError:
            raise _not_utf8(path, _first_bad_utf8_line(path)) from None
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: the file is empty") from None
        except (pd.errors.ParserError, csv.Error) as error:
            detail = str(error).strip().splitlines()[-1]
            raise InputError(f"{path}: not a valid CSV file ({detail})") from None
    finally:
        handle.close()
