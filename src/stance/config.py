"""Project paths and the one random seed.

Every path the package reads or writes is derived here from the project root, so a notebook,
a test and the command line agree on where things are. ``STANCE_ROOT`` overrides the root (the
tests use it to build into a temporary copy).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

SEED = 20240619  # the day of the Putin–Kim summit in Pyongyang; used for every random choice
#: Parallel jobs for model selection in the notebooks. Results do not depend on it (every fit is
#: seeded and single-threaded); only the run time does.
N_JOBS = int(os.environ.get("STANCE_N_JOBS", "2"))

PROJECT_ROOT = Path(os.environ.get("STANCE_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
DATASET_DIR = DATA_DIR / "statements"
#: Committed labels, ids, hashes and manifests of the real statements (never their text).
REAL_DIR = DATA_DIR / "real"
#: Git-ignored: corpora fetched by ``stance corpus fetch`` and the real-statement dataset
#: rebuilt from them.
EXTERNAL_DIR = DATA_DIR / "external"
REAL_DATASET_DIR = EXTERNAL_DIR / "real_statements"
MODELS_DIR = PROJECT_ROOT / "models"
#: Models trained on the constructed statements (notebooks 03 and 06): the challenge-set models.
#: The shipped models in ``MODELS_DIR`` are chosen on real text (notebook 07).
CONSTRUCTED_MODELS_DIR = MODELS_DIR / "constructed"
FIGURES_DIR = PROJECT_ROOT / "figures"
RESULTS_DIR = PROJECT_ROOT / "results"
CACHE_DIR = PROJECT_ROOT / ".cache"


def quiet_offline_environment() -> None:
    """Keep Hugging Face libraries offline and silent (no progress bars on stderr).

    Call before importing :mod:`datasets`; a user who wants the hub sets the variables to 0 first.
    Also silences tqdm's "IProgress not found" warning, which would print the environment's
    absolute path into notebook outputs (and so differ between clones).
    """
    warnings.filterwarnings("ignore", message="IProgress not found")
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "HF_DATASETS_DISABLE_PROGRESS_BARS"):
        os.environ.setdefault(name, "1")
