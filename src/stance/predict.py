"""Prediction at scale: one partition-level function and two engines that stream it.

:func:`predict_frame` labels one pandas frame (pandas in, pandas out), so the same code runs on
a chunk of a CSV, in a worker process, or on a Dask partition. Two engines drive it:

- :func:`predict_csv`, the local engine: one CSV streamed in chunks, spread over worker
  processes, written in input order to one CSV. Memory stays bounded (at most two chunks per
  worker are in flight) and the output appears only when complete.
- :func:`predict_dask`, the Dask engine: CSV or Parquet files matched by a glob, read and
  labelled by a Dask cluster (a local one, or any scheduler), written as a folder of Parquet
  files that replaces ``--out`` only when every partition succeeded.

Both give the same labels and probabilities, because both call :func:`predict_frame` with the
same model. Dask is imported only by :func:`predict_dask`, so the local engine starts fast.
"""

from __future__ import annotations

import codecs
import functools
import glob
import multiprocessing
import os
import shutil
import signal
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from stance.io import (
    InputError,
    atomic_write,
    check_distinct_paths,
    check_output_path,
    iter_csv_chunks,
)
from stance.model_files import load_model

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

PREDICTED = "predicted"
#: The column whose values say each row's language (ISO 639 code), when the data has one.
LANG_COLUMN = "lang"
#: Chunks in flight per worker process in the local engine: enough to keep every worker busy
#: while the main process reads and writes, few enough to bound memory.
CHUNKS_PER_JOB = 2
FLOAT_FORMAT = "%.6f"
_PARQUET_SUFFIXES = (".parquet", ".pq")
_PARQUET_BYPRODUCTS = ("_metadata", "_common_metadata")


#: A text that is only a number ("1.5", "-3", "2,000"): a stance model reads it as `neutral`,
#: so a column of them is more likely the wrong column than text to label.
NUMBER = r"\s*[-+]?\d[\d.,]*\s*"


@dataclass
class PredictionSummary:
    """What a run did, for the command line to report: rows written, rows left without a
    prediction (empty text), rows whose text is only a number (:data:`NUMBER`: likely the wrong
    ``--text-column``), rows per value of the ``lang`` column (before any ``--lang`` filter;
    empty when there is no such column), the model's language and the files written."""

    rows: int = 0
    empty: int = 0
    numeric: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    model_lang: str | None = None
    files: int = 0


# --- the partition-level function ----------------------------------------------------------


def output_columns(classes: Sequence[str], prefix: str = "") -> list[str]:
    """The columns prediction adds: ``predicted`` and one ``proba_<class>`` per class.

    Parameters
    ----------
    classes
        The model's classes, in its order.
    prefix
        When given, every added column is named ``<prefix>_<column>``, so the predictions of
        several models can sit side by side in one table.

    Returns
    -------
    list of str
        The predicted-label column followed by the probability columns.
    """
    names = [PREDICTED, *(f"proba_{label}" for label in classes)]
    return [f"{prefix}_{name}" for name in names] if prefix else names


def check_columns(
    columns: Sequence[str],
    classes: Sequence[str],
    text_column: str,
    prefix: str = "",
    source: str = "the data",
) -> None:
    """Refuse data without the text column or with a column prediction would overwrite.

    Raises
    ------
    InputError
        One line naming ``source`` and the column.
    """
    if text_column not in columns:
        raise InputError(f"{source}: missing column(s) {text_column!r}")
    clash = [name for name in output_columns(classes, prefix) if name in columns]
    if clash:
        raise InputError(
            f"{source}: already has a column {clash[0]!r}, which predict would add;"
            " rename it or pass --prefix"
        )


@functools.lru_cache(maxsize=4)
def _load_pipeline(path: str, mtime_ns: int, size: int) -> Pipeline:
    with threadpool_limits(1):  # nothing to parallelise while loading
        return load_model(path).pipeline


def load_pipeline(path: str | os.PathLike[str]) -> Pipeline:
    """The model's pipeline, loaded once per process and reused (a rewritten file is reloaded).

    Why: a Dask worker or a pool process labels many partitions; reading and checking the
    model file for each would cost more than labelling a small one.

    Parameters
    ----------
    path
        A model file written by ``stance train``; it must be readable from this process.

    Returns
    -------
    sklearn.pipeline.Pipeline
        The fitted pipeline.
    """
    path = os.path.abspath(path)
    try:
        stat = os.stat(path)
    except OSError:
        return load_model(path).pipeline  # raises the one-line ModelFileError
    return _load_pipeline(path, stat.st_mtime_ns, stat.st_size)


def has_text(texts: pd.Series) -> np.ndarray:
    """Which values hold text: missing, empty and whitespace-only values get no prediction."""
    present = texts.notna().to_numpy(dtype=bool)
    result = np.zeros(len(texts), dtype=bool)
    if present.any():
        result[present] = texts[present].astype(str).str.strip().ne("").to_numpy(dtype=bool)
    return result


def predict_frame(
    pipeline: Pipeline | str | os.PathLike[str],
    frame: pd.DataFrame,
    text_column: str,
    prefix: str = "",
) -> pd.DataFrame:
    """Label the texts of one frame: the frame's columns, then the predicted label and one
    probability per class (:func:`output_columns`).

    Rows whose text is missing, empty or only whitespace get an empty label and NaN
    probabilities rather than a guess; count them with ``(result[column] == "").sum()``.
    Works as a Dask partition function::

        dask.dataframe.map_partitions(predict_frame, model_path, ddf, "text",
                                      meta=predict_meta(ddf, classes))

    Parameters
    ----------
    pipeline
        A fitted pipeline, or the path of a model file (loaded once per process, see
        :func:`load_pipeline`; a path keeps the model out of Dask's task graph).
    frame
        The rows to label; its index is kept.
    text_column
        The column of texts.
    prefix
        Prefix of the added columns (see :func:`output_columns`).

    Returns
    -------
    pandas.DataFrame
        A new frame; the label column holds strings, the probability columns float64.
    """
    if isinstance(pipeline, str | os.PathLike):
        pipeline = load_pipeline(pipeline)
    classes = [str(label) for label in pipeline.classes_]
    check_columns(list(frame.columns), classes, text_column, prefix)
    predicted_column, *proba_columns = output_columns(classes, prefix)
    proba = np.full((len(frame), len(classes)), np.nan)
    predicted = np.full(len(frame), "", dtype=object)
    texts = frame[text_column]
    labelled = has_text(texts)
    if labelled.any():
        proba[labelled] = pipeline.predict_proba(texts[labelled].astype(str).tolist())
        predicted[labelled] = np.asarray(classes, dtype=object)[proba[labelled].argmax(axis=1)]
    added = {predicted_column: pd.Series(predicted, index=frame.index, dtype=str)}
    added.update(
        {
            name: pd.Series(proba[:, i], index=frame.index, dtype="float64")
            for i, name in enumerate(proba_columns)
        }
    )
    return frame.assign(**added)


def predict_meta(frame: Any, classes: Sequence[str], prefix: str = "") -> pd.DataFrame:
    """The empty frame :func:`predict_frame` returns for ``frame``: Dask's ``meta``.

    Parameters
    ----------
    frame
        A pandas frame, or a Dask frame (its ``_meta`` is used).
    classes
        The model's classes, in its order (``[str(c) for c in pipeline.classes_]``).
    prefix
        Prefix of the added columns.

    Returns
    -------
    pandas.DataFrame
        No rows; the input's columns and dtypes plus the added columns and their dtypes.
    """
    empty = getattr(frame, "_meta", frame).iloc[:0]
    predicted_column, *proba_columns = output_columns(classes, prefix)
    added = {predicted_column: pd.Series([], index=empty.index, dtype=str)}
    added.update(
        {name: pd.Series([], index=empty.index, dtype="float64") for name in proba_columns}
    )
    return empty.assign(**added)


def normalise_lang(values: pd.Series) -> pd.Series:
    """Language codes compared loosely: stripped, lowercase, missing as ``""``."""
    values = values.astype(object).where(values.notna(), "")
    return values.astype(str).str.strip().str.lower()


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _no_rows_of(lang: str, source: object, languages: Counter[str]) -> InputError:
    found = ", ".join(repr(code) for code in sorted(languages) if code) or "no codes"
    return InputError(f"{source}: no rows with lang {lang!r} (column {LANG_COLUMN!r} has {found})")


# --- the local engine ----------------------------------------------------------------------


def _prepared_chunks(
    chunks: Iterator[pd.DataFrame],
    source: Path,
    classes: Sequence[str],
    text_column: str,
    prefix: str,
    lang: str | None,
    summary: PredictionSummary,
) -> Iterator[pd.DataFrame]:
    """Check the header, count and filter languages; yield the first chunk even when empty
    (it carries the header line), later ones only when they have rows."""
    for number, chunk in enumerate(chunks):
        if number == 0:
            check_columns(list(chunk.columns), classes, text_column, prefix, str(source))
            if lang is not None and LANG_COLUMN not in chunk.columns:
                raise InputError(f"{source}: no column {LANG_COLUMN!r} to select --lang {lang} by")
        if LANG_COLUMN in chunk.columns:
            codes = normalise_lang(chunk[LANG_COLUMN])
            summary.languages.update(codes.value_counts().to_dict())
            if lang is not None:
                chunk = chunk[(codes == lang).to_numpy()]
        if number == 0 or not chunk.empty:
            texts = chunk[text_column].astype(str)
            summary.numeric += int(texts.str.fullmatch(NUMBER).sum())
            yield chunk


def _predict_csv_chunk(
    pipeline: Pipeline | str, chunk: pd.DataFrame, text_column: str, prefix: str, header: bool
) -> tuple[str, int, int]:
    """One chunk as CSV text, with its row count and number of rows left unlabelled."""
    result = predict_frame(pipeline, chunk, text_column, prefix)
    empty = int((result[output_columns([], prefix)[0]] == "").sum())
    text = result.to_csv(
        None, header=header, index=False, lineterminator="\n", float_format=FLOAT_FORMAT
    )
    return text, len(result), empty


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes are started, so that they ignore it too.

    Why: Ctrl-C goes to every process of the terminal's process group. A process started
    while SIGINT is ignored keeps ignoring it (an ignored signal stays ignored across exec,
    and Python then installs no KeyboardInterrupt handler), so only this process stops, and
    it shuts the workers down, instead of each worker printing a traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _one_blas_thread() -> None:
    """Keep BLAS and OpenMP to one thread for the rest of this process: the worker processes
    are the parallelism, and more threads per process would only compete for the cores."""
    threadpool_limits(1)


def _init_worker(model_path: str) -> None:
    """Run once in each pool process: leave Ctrl-C to the main process (which stops the pool),
    keep BLAS to one thread, load the model."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _one_blas_thread()
    load_pipeline(model_path)


@contextmanager
def _sigint_deferred() -> Iterator[list[int]]:
    """Hold a Ctrl-C back while a cluster starts; the caller re-raises it once it can close
    the cluster cleanly (an interrupted start leaves half-started workers behind)."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_forkserver(preload: Sequence[str]) -> bool:
    """Start the forkserver (if this system has one and it is not running) with Ctrl-C
    ignored, so every worker forked from it ignores Ctrl-C too; return whether there is one.

    Why a forkserver: workers start from a clean process that has already imported the
    package (fast, and safe when the caller runs threads), and only launching the server needs
    Ctrl-C ignored, a moment, not the seconds the workers take to start.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    with _sigint_ignored():
        forkserver.ensure_running()
    return True


def _pool_context() -> multiprocessing.context.BaseContext:
    """The forkserver context where there is one (see :func:`_start_forkserver`), else spawn."""
    if _start_forkserver(["stance.predict"]):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _in_pool(
    chunks: Iterator[pd.DataFrame], model_path: str, text_column: str, prefix: str, jobs: int
) -> Generator[tuple[str, int, int], None, None]:
    """Label chunks in ``jobs`` processes; yield the results in input order, keeping at most
    ``CHUNKS_PER_JOB * jobs`` chunks in flight."""
    first = next(chunks, None)
    if first is None:
        return
    pending: deque[Future[tuple[str, int, int]]] = deque()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_pool_context(),
        initializer=_init_worker,
        initargs=(model_path,),
    )
    try:
        pending.append(
            pool.submit(_predict_csv_chunk, model_path, first, text_column, prefix, True)
        )
        for chunk in chunks:
            pending.append(
                pool.submit(_predict_csv_chunk, model_path, chunk, text_column, prefix, False)
            )
            while len(pending) >= CHUNKS_PER_JOB * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise InputError(
            "a prediction worker process died (out of memory? try a smaller "
            "--chunksize or fewer --jobs)"
        ) from None
    finally:  # on an error or Ctrl-C: drop the queued chunks, wait for the running ones
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def predict_csv(
    model_path: str | os.PathLike[str],
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    text_column: str,
    *,
    chunksize: int = 10_000,
    jobs: int = 1,
    prefix: str = "",
    lang: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> PredictionSummary:
    """Label a CSV of any length into another CSV: the local engine of ``stance predict``.

    The input is read in chunks of ``chunksize`` rows in this process and labelled in ``jobs``
    worker processes (each loads the model once); results are written in input order. With
    ``jobs=1``, or when the input is a single chunk, everything runs in this process. The
    output is written atomically, so after an error none exists and an earlier one is kept.

    Parameters
    ----------
    model_path
        A model file written by ``stance train``.
    data
        A UTF-8 CSV with a header row.
    out
        The CSV to write.
    text_column
        The column of texts.
    chunksize
        Rows per chunk: memory grows with ``chunksize * jobs``.
    jobs
        Worker processes.
    prefix
        Prefix of the added columns (see :func:`output_columns`).
    lang
        When given, keep only the rows whose ``lang`` column holds this code.
    progress
        Called with the number of rows written so far after each chunk.

    Returns
    -------
    PredictionSummary
        Rows written and left unlabelled, rows per language, the model's language.

    Raises
    ------
    InputError
        A missing or bad file or column, with a one-line message.
    """
    data, out = Path(data), Path(out)
    if not data.exists() and glob.has_magic(str(data)):
        raise InputError(f"{data}: a glob of files needs --engine dask")
    if data.suffix.lower() in _PARQUET_SUFFIXES:
        raise InputError(f"{data}: Parquet input needs --engine dask")
    check_distinct_paths(data, out)
    check_output_path(out)
    model = load_model(model_path)
    classes = [str(label) for label in model.pipeline.classes_]
    summary = PredictionSummary(model_lang=model.metadata.get("lang"))
    chunks = _prepared_chunks(
        iter_csv_chunks(data, [text_column], chunksize),
        data,
        classes,
        text_column,
        prefix,
        lang,
        summary,
    )
    head = [chunk for chunk in (next(chunks, None), next(chunks, None)) if chunk is not None]
    results: Generator[tuple[str, int, int], None, None]
    if jobs == 1 or len(head) < 2:  # one chunk: starting processes would cost more
        results = (
            _predict_csv_chunk(model.pipeline, chunk, text_column, prefix, number == 0)
            for number, chunk in enumerate(_chain(head, chunks))
        )
    else:
        results = _in_pool(
            _chain(head, chunks), str(Path(model_path).resolve()), text_column, prefix, jobs
        )
    with atomic_write(out) as handle, closing(results):  # closing stops the pool at once
        for text, rows, empty in results:
            handle.write(text)
            summary.rows += rows
            summary.empty += empty
            if progress is not None:
                progress(summary.rows)
        if lang is not None and summary.rows == 0:
            raise _no_rows_of(lang, data, summary.languages)
    summary.files = 1
    return summary


def _chain(head: list[pd.DataFrame], rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield from head
    yield from rest


# --- the Dask engine -----------------------------------------------------------------------


def resolve_inputs(data: str) -> tuple[list[str], str]:
    """The files a path or glob (local, or any fsspec URL) matches, and their format.

    Returns
    -------
    tuple of (list of str, str)
        The matched files, sorted, and ``"csv"`` or ``"parquet"``.

    Raises
    ------
    InputError
        No file matches, a file is missing, or the files are not all CSV or all Parquet.
    """
    import fsspec

    try:
        fs, _, paths = fsspec.core.get_fs_token_paths(data, mode="rb")
    except (ValueError, ImportError, OSError) as error:
        raise InputError(f"{data}: cannot open ({_first_line(error)})") from None
    paths = sorted(paths)
    if not paths:
        raise InputError(f"{data}: no files match")
    if not glob.has_magic(data) and not fs.exists(paths[0]):
        raise InputError(f"{data}: no such file")
    if not glob.has_magic(data) and fs.isdir(paths[0]):
        raise InputError(f"{data}: is a folder; give its files, such as '{data}/*.parquet'")
    kinds = {
        "parquet"
        if path.lower().endswith(_PARQUET_SUFFIXES)
        else "csv"
        if path.lower().endswith(".csv")
        else ""
        for path in paths
    }
    if "" in kinds:
        odd = next(
            path for path in paths if not path.lower().endswith((*_PARQUET_SUFFIXES, ".csv"))
        )
        raise InputError(f"{data}: {odd} is neither a .csv nor a .parquet file")
    if len(kinds) > 1:
        raise InputError(f"{data}: matches both CSV and Parquet files; give one kind")
    return paths, kinds.pop()


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


def _first_non_utf8(paths: Sequence[str]) -> str | None:
    """``"<file>: line <n>"`` of the first byte that is not UTF-8 in local files, if any:
    Dask reports a decoding error without the file it came from."""
    for path in paths:
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        try:
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError as error:
                        before = block[: error.start].count(b"\n")
                        return f"{path}: line {line + before}"
                    line += block.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return f"{path}: line {line}"
        except OSError:
            return None
    return None


@contextmanager
def _input_errors(data: str, paths: Sequence[str] = ()) -> Iterator[None]:
    """Turn what reading bad files raises (here or in a Dask worker) into one-line errors."""
    import pyarrow

    try:
        yield
    except InputError:
        raise
    except UnicodeDecodeError:
        where = _first_non_utf8(paths) if "://" not in data else None
        raise InputError(f"{where or data}: not valid UTF-8 text") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{data}: a file is empty") from None
    except (
        pd.errors.ParserError,
        pyarrow.ArrowException,
        ValueError,
        KeyError,
        FileNotFoundError,
    ) as error:
        raise InputError(
            f"{data}: cannot read ({type(error).__name__}: {_first_line(error)})"
        ) from None


def _check_out_folder(out: Path, inputs: Sequence[str], local: bool) -> None:
    """Refuse an ``--out`` that would replace the input or a folder of other files."""
    if local:
        for path in inputs:
            resolved = Path(path).resolve()
            if resolved == out or out in resolved.parents:
                raise InputError(
                    f"--out {out} is or holds the input --data {path}; write the "
                    "predictions to another folder"
                )
    if out.exists() and not out.is_dir():
        raise InputError(
            f"{out}: exists and is not a folder (--engine dask writes a folder of Parquet files)"
        )
    if out.is_dir():
        other = [
            p.name
            for p in out.iterdir()
            if p.suffix not in _PARQUET_SUFFIXES and p.name not in _PARQUET_BYPRODUCTS
        ]
        if other:
            raise InputError(
                f"{out}: holds files other than Parquet output ({other[0]}); choose a new folder"
            )


def _part_name(number: int) -> str:
    """Zero-padded, so the files sort in partition (input) order."""
    return f"part.{number:05d}.parquet"


def _replace_folder(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``, replacing an earlier output; the old one is removed last."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _require_dask() -> None:
    """Dask is an optional dependency: say how to get it rather than fail on an import."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        raise InputError(
            f"--engine dask needs dask and distributed ({error}): pip install "
            "'dask[dataframe]' distributed, or this package with its dask extra"
        ) from None


@contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None) -> Iterator[Any]:
    """A Dask client: connected to ``scheduler``, or to a local cluster of single-threaded
    worker processes (one per core, or ``n_workers``) that is closed afterwards."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, ValueError, TypeError) as error:
            raise InputError(
                f"--scheduler {scheduler}: cannot connect ({_first_line(error)})"
            ) from None
        with client:
            yield client
        return
    forkserver = _start_forkserver(["distributed", "stance.predict"])
    method = {"distributed.worker.multiprocessing-method": "forkserver"} if forkserver else {}
    # Without a forkserver, the workers can ignore Ctrl-C only if it is ignored while they start.
    with (
        dask.config.set(method),
        _sigint_deferred() if forkserver else _sigint_ignored() as interrupted,
    ):
        cluster = LocalCluster(
            n_workers=n_workers or default_jobs(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
    asyncio_logger = logging.getLogger("asyncio")
    level = asyncio_logger.level
    asyncio_logger.setLevel(logging.CRITICAL)  # an interrupted gather logs unretrieved tasks
    try:
        with cluster, Client(cluster) as client:
            if interrupted:
                raise KeyboardInterrupt
            client.run(_one_blas_thread)  # (forked workers ignore the OMP_NUM_THREADS=1 Dask sets)
            yield client
    finally:
        asyncio_logger.setLevel(level)


def predict_dask(
    model_path: str | os.PathLike[str],
    data: str,
    out: str | os.PathLike[str],
    text_column: str,
    *,
    prefix: str = "",
    lang: str | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
) -> PredictionSummary:
    """Label CSV or Parquet files with a Dask cluster into a folder of Parquet files.

    Each worker loads the model once from ``model_path`` (so on a real cluster the model, the
    input and ``out``'s parent must be on storage every worker and this process see). The
    files are written into a temporary folder beside ``out`` that replaces ``out`` only when
    all succeeded: after an error no partial output remains and an earlier one is kept.

    Parameters
    ----------
    model_path
        A model file written by ``stance train``.
    data
        A path or glob of CSV files (UTF-8, header row) or of Parquet files, local or any
        fsspec URL, e.g. ``"shards/*.parquet"``.
    out
        The folder to write: ``part.00000.parquet``, ... in input order.
    text_column
        The column of texts.
    prefix
        Prefix of the added columns (see :func:`output_columns`).
    lang
        When given, keep only the rows whose ``lang`` column holds this code.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); without it a local cluster
        is started and closed.
    n_workers
        Worker processes of the local cluster (default: one per core).

    Returns
    -------
    PredictionSummary
        Rows written and left unlabelled, rows per language, the number of files written.

    Raises
    ------
    InputError
        No matching file, a bad file or column, an unusable ``out``, with a one-line message.
    """
    _require_dask()
    paths, kind = resolve_inputs(data)
    out = Path(out).resolve()
    _check_out_folder(out, paths, local="://" not in data or data.startswith("file://"))
    model_file = str(Path(model_path).resolve())
    model = load_model(model_file)
    classes = [str(label) for label in model.pipeline.classes_]
    summary = PredictionSummary(model_lang=model.metadata.get("lang"))

    import dask
    import dask.dataframe as dd

    with _input_errors(data, paths):
        if kind == "csv":
            frame = dd.read_csv(
                paths, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
            )
        else:
            frame = dd.read_parquet(paths)
    check_columns(list(frame.columns), classes, text_column, prefix, data)
    languages = None
    if LANG_COLUMN in frame.columns:
        codes = frame[LANG_COLUMN].map_partitions(normalise_lang, meta=(LANG_COLUMN, str))
        languages = codes.value_counts()
        if lang is not None:
            frame = frame[codes == lang]
    elif lang is not None:
        raise InputError(f"{data}: no column {LANG_COLUMN!r} to select --lang {lang} by")
    result = dd.map_partitions(
        predict_frame,
        model_file,
        frame,
        text_column,
        prefix,
        meta=predict_meta(frame, classes, prefix),
    )
    predicted_column = output_columns(classes, prefix)[0]
    created = [folder for folder in out.parents if not folder.exists()]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with dask_client(scheduler, n_workers), _input_errors(data, paths):
            write = result.to_parquet(
                staging, write_index=False, compute=False, name_function=_part_name
            )
            _, rows, empty, counts = dask.compute(
                write,
                result.shape[0],
                (result[predicted_column] == "").sum(),
                languages if languages is not None else 0,
            )
        if int(rows) == 0:
            if lang is None:
                raise InputError(f"{data}: no rows to label")
            raise _no_rows_of(lang, data, Counter({str(k): int(v) for k, v in counts.items()}))
        _replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in created:  # deepest first; only if still empty
            with suppress(OSError):
                folder.rmdir()
        raise
    summary.rows, summary.empty = int(rows), int(empty)
    if languages is not None:
        summary.languages.update({str(k): int(v) for k, v in counts.items()})
    summary.files = sum(1 for p in out.iterdir() if p.suffix in _PARQUET_SUFFIXES)
    return summary
