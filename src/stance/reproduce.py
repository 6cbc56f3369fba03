"""Run the numbered notebooks in order, in place, and check that a rebuild matches the commit.

``make reproduce`` runs :func:`run_pipeline`; ``make check`` runs :func:`check`, which rebuilds
a fresh clone of the committed project and lists every file that came out different.
Execution is deterministic where Jupyter allows it: no timing metadata is recorded, and the
kernel gets ``PYTHONHASHSEED=0``, so a second run rewrites identical bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stance import config
from stance.results import update_readme

NOTEBOOK_DIR = config.PROJECT_ROOT / "notebooks"
KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 1200
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def pipeline_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The pipeline's notebooks, in the order of their two-digit prefixes."""
    return sorted(directory.glob("[0-9][0-9]_*.ipynb"))


def kernel_config():
    """Jupyter (traitlets) configuration for the kernels that run the notebooks.

    The kernel's sockets are encrypted (CurveZMQ keys provisioned by jupyter_client) whenever
    pyzmq, jupyter_client and the kernelspec support it. Without this, every kernel (ipykernel 7)
    logs "Kernel is running over TCP without encryption" to the terminal, once per notebook;
    with it the cause of the warning is gone, and nothing else is hidden. Where encryption is
    not available the kernel runs as before and the warning stays.
    """
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    config = Config()
    if zmq.has("curve") and "transport_encryption" in KernelManager.class_trait_names():
        config.KernelManager.transport_encryption = "auto"  # encrypt if the kernelspec can
    return config


def run_notebook(path: Path) -> None:
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
        config=kernel_config(),
    )
    client.execute()
    with atomic_write(path) as handle:
        nbformat.write(notebook, handle)


def run_pipeline(notebooks: list[Path], log: Callable[[str], None] = print) -> dict[str, float]:
    """Run ``notebooks`` in order, logging progress; return seconds per notebook.

    Stops at the first failing notebook with :class:`RuntimeError` naming it and the last line
    of its error (the project's own errors are one line).
    """
    seconds: dict[str, float] = {}
    for number, path in enumerate(notebooks, start=1):
        log(f"[{number}/{len(notebooks)}] {path.name} ...")
        start = time.perf_counter()
        try:
            run_notebook(path)
        except Exception as error:
            text = _ANSI_ESCAPE.sub("", str(error)).strip()
            lines = [line for line in text.splitlines() if line.strip()]
            raise RuntimeError(f"{path.name}: {lines[-1] if lines else type(error).__name__}") \
                from None
        seconds[path.name] = round(time.perf_counter() - start, 1)
        log(f"[{number}/{len(notebooks)}] {path.name} done in {seconds[path.name]:.1f} s")
    return seconds


def _changed_cells(committed: dict, rebuilt: dict) -> list[int]:
    """Numbers (1-based) of the code cells whose outputs differ between two notebooks."""
    def outputs(notebook: dict) -> list[str]:
        return [json.dumps(c.get("outputs", []), sort_keys=True)
                for c in notebook["cells"] if c["cell_type"] == "code"]

    old, new = outputs(committed), outputs(rebuilt)
    changed = [i + 1 for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    return changed + list(range(min(len(old), len(new)) + 1, max(len(old), len(new)) + 1))


def check(root: Path = config.PROJECT_ROOT, log: Callable[[str], None] = print) -> list[str]:
    """Rebuild a fresh clone of the committed project; return one line per differing file.

    The clone runs its own code (``PYTHONPATH`` points at its ``src``) in this environment, so
    the check covers exactly what is committed, and the work tree is never touched.
    """
    with tempfile.TemporaryDirectory(prefix="stance-check-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        env = {**os.environ, "PYTHONPATH": str(clone / "src")}
        result = subprocess.run([sys.executable, "-m", "stance.reproduce"], cwd=clone, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            return [f"the rebuild failed: {result.stdout.strip().splitlines()[-1]}"]
        log(result.stdout.strip())
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone, check=True,
            stdout=subprocess.PIPE, text=True).stdout.splitlines()
        differences = []
        for line in sorted(status):
            code, name = line[:2].strip(), line[3:]
            if code == "M" and name.endswith(".ipynb"):
                committed = json.loads(subprocess.run(
                    ["git", "show", f"HEAD:{name}"], cwd=clone, check=True,
                    stdout=subprocess.PIPE, text=True).stdout)
                rebuilt = json.loads((clone / name).read_text(encoding="utf-8"))
                cells = _changed_cells(committed, rebuilt)
                detail = f"outputs of code cell(s) {', '.join(map(str, cells))}" if cells \
                    else "metadata"
                differences.append(f"{name}: {detail} differ")
            else:
                what = {"M": "content differs", "D": "not rebuilt", "??": "new, not committed"}
                differences.append(f"{name}: {what.get(code, code)}")
        return differences


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m stance.reproduce [--check] [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m stance.reproduce",
        description="Execute the project's notebooks in order and save their outputs in place; "
                    "with --check, rebuild a clean clone and report what differs from the commit.",
    )
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every numbered notebook, in order)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild a fresh clone of HEAD and list files that differ (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        differences = check()
        for line in differences:
            print(f"DIFFERS  {line}")
        print("make check: the rebuild matches the commit." if not differences
              else f"make check: {len(differences)} file(s) differ from the commit.")
        return 1 if differences else 0
    notebooks = args.notebooks or pipeline_notebooks()
    start = time.perf_counter()
    try:
        run_pipeline(notebooks, log=lambda line: print(line, flush=True))
    except RuntimeError as error:
        print(f"stance.reproduce: {error}", file=sys.stderr)
        return 1
    print(f"All {len(notebooks)} notebooks ran in {time.perf_counter() - start:.1f} s.")
    if not args.notebooks and update_readme():
        print("README.md: result tables refreshed from results/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
