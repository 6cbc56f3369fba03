"""Run the numbered notebooks in order, in place, so their saved outputs are the current ones.

Used by ``make reproduce``. Execution is deterministic where Jupyter allows it: no timing metadata
is recorded, and the kernel gets ``PYTHONHASHSEED=0``, so a second run rewrites identical bytes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from stance import config

NOTEBOOK_DIR = config.PROJECT_ROOT / "notebooks"
KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 1200


def pipeline_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The pipeline's notebooks, in the order of their two-digit prefixes."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path: Path, parameters: dict | None = None) -> None:
    """Execute ``path`` in its own folder and save it in place (atomically)."""
    import nbformat
    from nbclient import NotebookClient

    from stance.io import atomic_write

    notebook = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_SECONDS,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    with atomic_write(path) as handle:
        nbformat.write(notebook, handle)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m stance.reproduce [NOTEBOOK ...]`` (default: all, in order)."""
    parser = argparse.ArgumentParser(
        prog="python -m stance.reproduce",
        description="Execute the project's notebooks in order and save their outputs in place.",
    )
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every numbered notebook, in order)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or pipeline_notebooks()
    total_start = time.perf_counter()
    for number, path in enumerate(notebooks, start=1):
        print(f"[{number}/{len(notebooks)}] {path.name} ...", end=" ", flush=True)
        start = time.perf_counter()
        try:
            run_notebook(path)
        except Exception as error:  # the notebook's own traceback is in the error's text
            first_line = str(error).strip().splitlines()[-1] if str(error).strip() else error
            print(f"failed\nstance.reproduce: {path.name}: {first_line}", file=sys.stderr)
            return 1
        print(f"done in {time.perf_counter() - start:.1f} s", flush=True)
    print(f"All {len(notebooks)} notebooks ran in {time.perf_counter() - total_start:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
