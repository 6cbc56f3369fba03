"""Result tables: written once by code, as JSON (for machines) and Markdown (for people), and
copied into the README between markers, so no number in the README is typed by hand.

A README block looks like::

    <!-- BEGIN results/stance_test.md -->
    ...replaced by the file's content...
    <!-- END results/stance_test.md -->
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from stance import config
from stance.io import atomic_write_text

_BLOCK = re.compile(
    r"(<!-- BEGIN (?P<name>[\w./-]+) -->\n)(?P<body>.*?)(<!-- END (?P=name) -->)", re.DOTALL
)


def _plain(value):
    """JSON-friendly values: numpy scalars to Python, floats rounded to 4 places."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def markdown_table(table: pd.DataFrame, floatfmt: str = "{:.3f}") -> str:
    """A DataFrame as a GitHub Markdown table; floats formatted with ``floatfmt``."""

    def cell(value) -> str:
        if isinstance(value, float | np.floating):
            return "" if np.isnan(value) else floatfmt.format(value)
        return str(value)

    header = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = (
        "|"
        + "|".join(
            "---:" if pd.api.types.is_numeric_dtype(table[c]) else "---" for c in table.columns
        )
        + "|"
    )
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def write_table(
    table: pd.DataFrame, name: str, directory: Path | None = None, floatfmt: str = "{:.3f}"
) -> pd.DataFrame:
    """Write ``table`` as ``name.json`` (records) and ``name.md`` into ``directory`` (default:
    the project's ``results/``); return it for display."""
    directory = directory or config.RESULTS_DIR
    records = _plain(table.to_dict(orient="records"))
    atomic_write_text(
        Path(directory) / f"{name}.json", json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    )
    atomic_write_text(Path(directory) / f"{name}.md", markdown_table(table, floatfmt))
    return table


def write_json(data: dict, name: str, directory: Path | None = None) -> dict:
    """Write a nested result (sorted keys, rounded floats) as ``name.json`` into ``directory``
    (default: the project's ``results/``); return it."""
    directory = directory or config.RESULTS_DIR
    atomic_write_text(
        Path(directory) / f"{name}.json",
        json.dumps(_plain(data), indent=2, ensure_ascii=False) + "\n",
    )
    return data


def render_readme(text: str, root: Path | None = None) -> str:
    """``text`` with every marked block replaced by the current content of its file (under
    ``root``, default: the project root)."""
    root = root or config.PROJECT_ROOT

    def replace(match: re.Match) -> str:
        path = root / match.group("name")
        if not path.exists():  # not measured yet (e.g. a benchmark): leave the block as it is
            return match.group(0)
        return f"{match.group(1)}{path.read_text(encoding='utf-8')}{match.group(4)}"

    return _BLOCK.sub(replace, text)


def readme_blocks(text: str) -> list[str]:
    """The files named by the README's result blocks, in order."""
    return [match.group("name") for match in _BLOCK.finditer(text)]


def update_readme(readme: Path | None = None) -> bool:
    """Refresh the result blocks of ``readme`` (default: the project's ``README.md``) in place;
    return whether anything changed."""
    readme = readme or config.PROJECT_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    rendered = render_readme(text, readme.parent)
    if rendered != text:
        atomic_write_text(readme, rendered)
    return rendered != text


def with_intervals(table: pd.DataFrame, metrics: list[str], digits: int = 3) -> pd.DataFrame:
    """Replace each metric and its ``_low``/``_high`` columns by one text column
    ``"0.852 [0.793, 0.907]"``, for tables read by people; a metric that does not apply to a
    row (NaN, e.g. F_avg of sentiment) becomes an empty cell."""
    table = table.copy()
    for metric in metrics:
        table[metric] = [
            "" if pd.isna(p) else f"{p:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"
            for p, lo, hi in zip(
                table[metric], table[f"{metric}_low"], table[f"{metric}_high"], strict=True
            )
        ]
        table = table.drop(columns=[f"{metric}_low", f"{metric}_high"])
    return table
