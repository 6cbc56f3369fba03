"""Project paths, the corpus folders and the one random seed.

Every path the package reads or writes is derived here from the project root, so a notebook,
a test and the command line agree on where things are. The root is the checkout the package
runs from (``src/stance`` two levels up: ``pip install -e .``, as the Makefile does, or
``PYTHONPATH=src``), unless the environment variable ``STANCE_ROOT`` names another folder
(give an absolute path: the notebooks run in ``notebooks/``).

The paths are computed from the environment each time they are read (``config.RAW_DIR``), not
once at import: setting ``STANCE_ROOT`` at any time, in a subprocess's environment or with
pytest's ``monkeypatch.setenv``, moves every path at once. So that this holds everywhere, a
function that takes a project path defaults to ``None`` and reads ``config.X`` in its body (a
default written ``directory: Path = config.X`` would be fixed when its module is imported).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

SEED = 20240619  # the day of the Putin–Kim summit in Pyongyang; used for every random choice
#: Parallel jobs for model selection in the notebooks. Results do not depend on it (every fit is
#: seeded and single-threaded); only the run time does.
N_JOBS = int(os.environ.get("STANCE_N_JOBS", "2"))
#: Where ``stance adapt`` (``make adapt``) writes, relative to the folder it runs in.
ADAPT_OUTPUT_DIR = "build/adapt"

#: The checkout this file lives in (``<root>/src/stance/config.py``): the root by default.
_CHECKOUT = Path(__file__).resolve().parents[2]

#: Every project path, by the name it is read as (``config.RAW_DIR``), relative to the root.
_PATHS = {
    "PROJECT_ROOT": "",
    "DATA_DIR": "data",
    "RAW_DIR": "data/raw",
    "DATASET_DIR": "data/statements",
    # Committed labels, ids, hashes and manifests of the real statements (never their text).
    "REAL_DIR": "data/real",
    # Git-ignored: corpora fetched by ``stance corpus fetch`` and the real-statement dataset
    # rebuilt from them.
    "EXTERNAL_DIR": "data/external",
    "REAL_DATASET_DIR": "data/external/real_statements",
    # The shipped models, chosen on real text (notebook 07).
    "MODELS_DIR": "models",
    # Models trained on the constructed statements (notebooks 03 and 06): the challenge-set
    # models.
    "CONSTRUCTED_MODELS_DIR": "models/constructed",
    "FIGURES_DIR": "figures",
    "RESULTS_DIR": "results",
    "CACHE_DIR": ".cache",
}

if TYPE_CHECKING:  # the names ``__getattr__`` answers, for type checkers and editors
    PROJECT_ROOT: Path
    DATA_DIR: Path
    RAW_DIR: Path
    DATASET_DIR: Path
    REAL_DIR: Path
    EXTERNAL_DIR: Path
    REAL_DATASET_DIR: Path
    MODELS_DIR: Path
    CONSTRUCTED_MODELS_DIR: Path
    FIGURES_DIR: Path
    RESULTS_DIR: Path
    CACHE_DIR: Path


def _root() -> Path:
    return Path(os.environ.get("STANCE_ROOT") or _CHECKOUT).expanduser()


def __getattr__(name: str) -> Path:
    """``config.RAW_DIR`` and the other project paths, under the root as it is now."""
    if name in _PATHS:
        return _root() / _PATHS[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PATHS])


def corpus_dir(corpus: str) -> Path:
    """Where ``stance corpus fetch`` puts a corpus (git-ignored), and where readers look."""
    return _root() / _PATHS["EXTERNAL_DIR"] / corpus


@dataclass(frozen=True)
class CorpusDirs:
    """Where the public corpora of the real-text dataset are: a folder left ``None`` is the
    one ``stance corpus fetch`` fills (:func:`corpus_dir`). One value instead of a folder
    argument per corpus, so a caller (a test, a student's own copy) overrides only what moved.

    >>> CorpusDirs(ungdc=Path("/tmp/un")).folder("ungdc")
    PosixPath('/tmp/un')
    >>> CorpusDirs().folder("aa").parts[-2:]
    ('external', 'aa')
    """

    ungdc: Path | None = None
    presidential: Path | None = None
    mide22: Path | None = None
    aa: Path | None = None

    def folder(self, corpus: str) -> Path:
        """The folder of ``corpus`` (a field name)."""
        return Path(getattr(self, corpus) or corpus_dir(corpus))


class ProjectNotFoundError(FileNotFoundError):
    """The project root has no ``data/`` folder: the package is running outside a checkout."""


def require_project() -> Path:
    """The project root, when it holds the project's data; else :class:`ProjectNotFoundError`.

    Commands that read or write the project's own files (raw data, manifests, notebooks,
    results) call this first, so that a package installed elsewhere (``pip install .``, then
    run outside the checkout) says in one line what to do instead of failing on the first
    missing file.
    """
    root = _root()
    if not (root / "data").is_dir():
        origin = "STANCE_ROOT" if os.environ.get("STANCE_ROOT") else "where stance is installed"
        raise ProjectNotFoundError(
            f"no project data: {root} ({origin}) has no data/ folder; set STANCE_ROOT to a "
            "checkout of the project, or run inside a checkout (pip install -e . there)"
        )
    return root


def quiet_offline_environment() -> None:
    """Keep Hugging Face libraries offline and silent (no progress bars on stderr).

    Call before importing :mod:`datasets`; a user who wants the hub sets the variables to 0 first.
    Also silences tqdm's "IProgress not found" warning, which would print the environment's
    absolute path into notebook outputs (and so differ between clones).
    """
    warnings.filterwarnings("ignore", message="IProgress not found")
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HF_DATASETS_DISABLE_PROGRESS_BARS"):
        os.environ.setdefault(name, "1")
