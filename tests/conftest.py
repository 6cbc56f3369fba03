"""Shared fixtures: small raw data folders made by the tests themselves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance import config, constructed
from tests.helpers import constructed_rows, write_csv


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A raw folder with the real seed article and its annotations plus 40 made-up statements."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (constructed.SEED_ARTICLE, constructed.SEED_QUOTES):
        shutil.copy(config.RAW_DIR / name, raw / name)
    write_csv(raw / constructed.CONSTRUCTED_DIR / "batch.csv", constructed_rows())
    return raw
