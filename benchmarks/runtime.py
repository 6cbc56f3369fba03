"""Time every notebook of the pipeline (and the whole of it) and write results/runtime.md.

Usage: ``make benchmark-runtime`` (or ``.venv/bin/python benchmarks/runtime.py``). The notebooks
are executed in place, exactly as ``make reproduce`` runs them, so the timings are those of a
reproduction after installation. Timings vary from run to run, so this file is not part of
``make reproduce``; its table is copied into the README.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

from stance import config, results
from stance.io import atomic_write_text
from stance.reproduce import pipeline_notebooks, run_pipeline


def main() -> int:
    start = time.perf_counter()
    seconds = run_pipeline(pipeline_notebooks(), log=lambda line: print(line, flush=True))
    total = time.perf_counter() - start
    table = pd.DataFrame({"notebook": list(seconds), "seconds": list(seconds.values())})
    table.loc[len(table)] = ["**total (make reproduce after installation)**", round(total, 1)]
    results.write_table(table, "runtime", floatfmt="{:.1f}")
    note = f"Measured on: {describe_machine()}.\n"
    path = config.RESULTS_DIR / "runtime.md"
    atomic_write_text(path, path.read_text(encoding="utf-8") + "\n" + note)
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
