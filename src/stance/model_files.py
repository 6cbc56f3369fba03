"""Model files: a fitted pipeline and its metadata saved with skops (never pickle), byte-stable,
and loaded only when every type in the file is one of :data:`TRUSTED_TYPES`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio
from sklearn.pipeline import Pipeline

import stance
from stance.io import InputError, atomic_write
from stance.model_selection import ModelSelection, check_lengths

#: Types a stance model file may hold beyond those skops trusts by default (scikit-learn
#: estimators, numpy arrays and dtypes, builtins): only the project's own text normaliser and
#: feature steps.
TRUSTED_TYPES = [
    "stance.text.TextNormalizer",
    "stance.features.CachedTfidfVectorizer",
    "stance.features.TextFeatureUnion",
    "stance.features.KeywordCueCounts",
]
MODEL_FORMAT = "stance-model"
MODEL_FORMAT_VERSION = 1

_ZIP_MAGIC = b"PK\x03\x04"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Deflate level of model files: the same zlib gives the same bytes at a fixed level.
_ZIP_LEVEL = 6
#: What skops, zipfile and json raise on a damaged or hand-edited file.
_DAMAGED_FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    NotImplementedError,
    ArithmeticError,
    RecursionError,
)


class ModelFileError(InputError):
    """A model file is missing, damaged, not a stance model, or holds untrusted types."""


# --- saving and loading --------------------------------------------------------------------


def model_name(target: str, lang: str) -> str:
    """File stem (and display name) of a saved model: ``{target}_{lang}``."""
    return f"{target}_{lang}"


def model_path(directory: str | os.PathLike[str], target: str, lang: str) -> Path:
    """Where the model of ``target`` in ``lang`` is saved in ``directory``:
    ``directory/{target}_{lang}.skops``."""
    return Path(directory) / f"{model_name(target, lang)}.skops"


def training_data_sha256(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 of the training data in a canonical form.

    The form is the compact UTF-8 JSON array of ``[text, label]`` pairs in the given order
    (``json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))``); texts are hashed exactly
    as given, and order counts because the cross-validation folds depend on it.
    """
    check_lengths(texts, labels)
    pairs = [[str(text), str(label)] for text, label in zip(texts, labels, strict=True)]
    canonical = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def model_metadata(
    estimator: Pipeline,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    target: str,
    lang: str,
    text_column: str,
    label_column: str,
    best_params: dict[str, Any],
    metric: str,
    cv_score: float,
) -> dict[str, Any]:
    """What a model file records about how it was made; no timestamps, so reruns match."""
    return {
        "target": target,
        "lang": lang,
        "labels": [str(label) for label in estimator.classes_],
        "text_column": text_column,
        "label_column": label_column,
        "n_train": len(texts),
        "training_data_sha256": training_data_sha256(texts, labels),
        "stance_version": stance.__version__,
        "sklearn_version": sklearn.__version__,
        "best_params": best_params,
        "selection_metric": metric,
        "cv_score": cv_score,
    }


def _canonical_skops(data: bytes) -> bytes:
    """Make a skops archive byte-reproducible.

    skops identifies objects by ``id()`` (``__id__`` in ``schema.json``, and array entry names)
    and stamps entries with the current time. Ids are renumbered and entries renamed by order of
    first appearance, consistently, and every entry gets a fixed time. scikit-learn's vectorisers
    also cache ``id(stop_words)``, a per-process number; it is dropped (it is recomputed on use).
    So the same model always gives the same bytes.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [info.filename for info in source.infolist() if info.filename != "schema.json"]
        names = {old: f"{i}{os.path.splitext(old)[1]}" for i, old in enumerate(entries)}
        ids: dict[int, int] = {}

        def renumber(node: Any) -> Any:
            if isinstance(node, list):
                return [renumber(value) for value in node]
            if not isinstance(node, dict):
                return node
            result = {}
            for key, value in node.items():
                if key == "_stop_words_id":
                    continue
                if key == "__id__" and isinstance(value, int):
                    result[key] = ids.setdefault(value, len(ids) + 1)  # skops ignores id 0
                elif key == "file" and isinstance(value, str):
                    result[key] = names.get(value, value)
                else:
                    result[key] = renumber(value)
            return result

        schema = renumber(json.loads(source.read("schema.json")))
        contents = [(names[old], source.read(old)) for old in entries]
    buffer = io.BytesIO()
    schema_bytes = json.dumps(schema, separators=(",", ":")).encode()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in [*contents, ("schema.json", schema_bytes)]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content, compresslevel=_ZIP_LEVEL)
    return buffer.getvalue()


def save_model(estimator: Pipeline, path: str | os.PathLike[str], metadata: dict[str, Any]) -> None:
    """Write a fitted pipeline and its metadata as a skops file, atomically and reproducibly.

    Parameters
    ----------
    estimator
        A fitted pipeline of :func:`build_pipeline` (only types in :data:`TRUSTED_TYPES` can be
        loaded back).
    path
        The model file to write (``.skops``); its folder is made when missing, and an
        existing file is replaced only once the new one is complete.
    metadata
        JSON-friendly facts about the model, usually :func:`model_metadata`.

    Returns
    -------
    None
        The same pipeline and metadata always give the same bytes (no timestamps or ids).

    Examples
    --------
    >>> texts = ["We condemn the invasion.", "Russia was right to act.", "Talks on trade."] * 4
    >>> labels = ["opposition", "support", "neutral"] * 4
    >>> import tempfile
    >>> from stance.models import build_pipeline
    >>> path = Path(tempfile.mkdtemp()) / "my_model.skops"
    >>> save_model(build_pipeline("word").fit(texts, labels), path, {"lang": "en"})
    >>> load_model(path).metadata["lang"]
    'en'
    """
    content = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "pipeline": estimator,
        "metadata": metadata,
    }
    data = _canonical_skops(sio.dumps(content))
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def save_selection(
    selection: ModelSelection,
    path: str | os.PathLike[str],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    target: str,
    lang: str,
    text_column: str = "text",
    label_column: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Save a selected model with its metadata (:func:`model_metadata`); return the metadata.

    Parameters
    ----------
    selection
        The result of :func:`select_model` or :func:`select_with_auxiliary`.
    path
        The model file to write, as in :func:`save_model`.
    texts, labels
        The data the selected model was refitted on (their SHA-256 goes into the metadata).
    target, lang
        What the model predicts stance toward, and the language code of its texts.
    text_column, label_column
        Column names of the training data (``label_column`` defaults to ``target``).
    extra
        Further metadata entries (e.g. the training source of a real-text model).

    Returns
    -------
    dict
        The metadata written beside the pipeline.

    Examples
    --------
    >>> texts = ["We condemn the invasion.", "Russia was right to act.", "Talks on trade."] * 4
    >>> labels = ["opposition", "support", "neutral"] * 4
    >>> import tempfile
    >>> from stance.model_selection import select_model
    >>> selection = select_model(texts, labels, [f"g{i}" for i in range(12)])
    >>> path = Path(tempfile.mkdtemp()) / "ukraine.skops"
    >>> meta = save_selection(selection, path, texts, labels,
    ...                       target="ukraine_operation", lang="en")
    >>> meta["selection_metric"], meta["n_train"]
    ('f_avg', 12)
    """
    metadata = model_metadata(
        selection.estimator,
        texts,
        labels,
        target=target,
        lang=lang,
        text_column=text_column,
        label_column=label_column or target,
        best_params=selection.best_params,
        metric=selection.metric,
        cv_score=selection.cv_score,
    )
    metadata.update(extra or {})
    save_model(selection.estimator, path, metadata)
    return metadata


@dataclass(frozen=True)
class LoadedModel:
    """A pipeline read from a model file, with the metadata saved beside it."""

    pipeline: Pipeline
    metadata: dict[str, Any]


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    detail = lines[0][:120] if lines else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


#: The member every skops file holds: a zip archive without it is some other file.
_SKOPS_SCHEMA = "schema.json"


def _zip_names(data: bytes) -> set[str] | None:
    """The member names of a zip archive in memory (``None`` when it is damaged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return None


def load_model(path: str | os.PathLike[str]) -> LoadedModel:
    """Read a model written by :func:`save_model`, refusing any type outside the trusted set.

    Parameters
    ----------
    path
        A model file written by :func:`save_model` or :func:`save_selection`.

    Returns
    -------
    LoadedModel
        The pipeline, ready to ``predict``, and the metadata saved with it.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, not a stance model, of another format version, or holds
        a type outside :data:`TRUSTED_TYPES`; the one-line message names the file.

    Examples
    --------
    >>> model = load_model("models/constructed/ukraine_operation_en.skops")  # notebook 03
    >>> model.metadata["labels"]
    ['neutral', 'opposition', 'support']
    >>> model.pipeline.predict(["We condemn the invasion."])
    array(['opposition'], dtype='<U10')
    """
    if not str(path).strip():
        raise ModelFileError("the model path is empty: give the path of a .skops model file")
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    data = path.read_bytes()
    if not data.startswith(_ZIP_MAGIC):
        raise ModelFileError(f"{path}: not a skops model file (not a zip archive)")
    names = _zip_names(data)
    if names is not None and _SKOPS_SCHEMA not in names:
        raise ModelFileError(
            f"{path}: not a skops model file (a zip archive without {_SKOPS_SCHEMA}; "
            "a workbook or another zip file?)"
        )
    try:
        untrusted = [
            name for name in sio.get_untrusted_types(data=data) if name not in TRUSTED_TYPES
        ]
        content = None if untrusted else sio.loads(data, trusted=TRUSTED_TYPES)
    except _DAMAGED_FILE_ERRORS as error:
        raise ModelFileError(
            f"{path}: damaged or tampered model file ({_first_line(error)})"
        ) from None
    if untrusted:
        raise ModelFileError(
            f"{path}: refusing to load untrusted type {untrusted[0]}"
            + (f" (and {len(untrusted) - 1} more)" if len(untrusted) > 1 else "")
        )
    if not isinstance(content, dict) or content.get("format") != MODEL_FORMAT:
        raise ModelFileError(
            f"{path}: not a stance model file (a skops file without format {MODEL_FORMAT!r})"
        )
    if content.get("format_version") != MODEL_FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: unsupported model format_version "
            f"{content.get('format_version')!r} (expected "
            f"{MODEL_FORMAT_VERSION})"
        )
    if not isinstance(content.get("pipeline"), Pipeline) or not isinstance(
        content.get("metadata"), dict
    ):
        raise ModelFileError(f"{path}: not a stance model file (no pipeline or metadata)")
    return LoadedModel(pipeline=content["pipeline"], metadata=content["metadata"])
