"""Shared fixtures: small raw data folders made by the tests themselves."""

from __future__ import annotations

import csv
import itertools
import shutil
from pathlib import Path

import pytest

from stance import config, data

JOINT_LABELS = [
    ("support", "support", "negative"), ("support", "support", "positive"),
    ("opposition", "opposition", "positive"), ("opposition", "opposition", "negative"),
    ("neutral", "neutral", "neutral"), ("support", "neutral", "negative"),
    ("opposition", "neutral", "positive"), ("neutral", "neutral", "negative"),
]
# Distinct vocabulary per statement, so no two made-up texts are near-duplicates.
_WORDS_EN = ["river", "winter", "grain", "harbour", "treaty", "border", "council", "pipeline",
             "summit", "envoy", "market", "rail", "bridge", "valley", "coast", "forest"]
_WORDS_TR = ["nehir", "kış", "tahıl", "liman", "antlaşma", "sınır", "konsey", "boru",
             "zirve", "elçi", "pazar", "demiryolu", "köprü", "vadi", "kıyı", "orman"]


def constructed_rows(n: int = 40) -> list[dict[str, str]]:
    """``n`` valid constructed statements with varied labels and unique wording."""
    pairs = list(itertools.combinations(range(len(_WORDS_EN)), 3))
    rows = []
    for i in range(n):
        rfp, ukr, sentiment = JOINT_LABELS[i % len(JOINT_LABELS)]
        words = pairs[(i * 7) % len(pairs)]
        rows.append({
            "statement_id": f"t-{i:03d}", "group": f"t-g{i // 2:03d}",
            "genre": data.GENRES[i % len(data.GENRES)], "speaker_role": "a test speaker",
            "russian_foreign_policy": rfp, "ukraine_operation": ukr, "sentiment": sentiment,
            "hard_case": "none",
            "text_en": f"Statement {i}: " + " ".join(_WORDS_EN[w] for w in words) + f" number{i}",
            "text_tr": f"Açıklama {i}: " + " ".join(_WORDS_TR[w] for w in words) + f" sayı{i}",
        })
    return rows


def write_constructed(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A raw folder with the real seed article and its annotations plus 40 made-up statements."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (data.SEED_ARTICLE, data.SEED_QUOTES):
        shutil.copy(config.RAW_DIR / name, raw / name)
    write_constructed(raw / data.CONSTRUCTED_DIR / "batch.csv", constructed_rows())
    return raw
