"""Run the numbered notebooks in order, in place, and check that a rebuild matches the commit.

``stance reproduce`` (``make reproduce``) runs :func:`run_pipeline`; ``stance check``
(``make check``) runs :func:`check`, which rebuilds a fresh clone of the committed project and
lists every file that came out different. Execution is deterministic where Jupyter allows it:
no timing metadata is recorded, and the kernel gets ``PYTHONHASHSEED=0``, so a second run
rewrites identical bytes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stance import config

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 1200
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def pipeline_notebooks(directory: Path | None = None) -> list[Path]:
    """The pipeline's notebooks (default: the project's ``notebooks/``), in the order of their
    two-digit prefixes."""
    directory = directory or config.PROJECT_ROOT / "notebooks"
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


def run_notebook(
    path: Path,
    out: Path | None = None,
    parameters: dict[str, Any] | None = None,
    cwd: Path | None = None,
) -> None:
    """Execute ``path`` and save it atomically: in place (the pipeline's notebooks), or into
    ``out`` with ``parameters`` injected after the cell tagged ``parameters`` (papermill's
    convention; the adaptation template). The kernel runs in ``cwd`` (default: the notebook's
    folder), with ``PYTHONHASHSEED=0`` and no timing metadata, so a rerun writes the same bytes.
    A notebook that fails is still written to ``out`` (never in place), so its cells show where.
    """
    import nbformat
    from nbclient import NotebookClient

    from stance.io import atomic_write

    notebook = nbformat.read(path, as_version=4)
    if parameters is not None:
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        notebook = parameterize_notebook(load_notebook_node(str(path)), parameters)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_SECONDS,
        record_timing=False,
        resources={"metadata": {"path": str(cwd or path.parent)}},
        config=kernel_config(),
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    try:
        client.execute()
    finally:
        if out is not None:
            with atomic_write(out) as handle:
                nbformat.write(notebook, handle)
    if out is None:
        with atomic_write(path) as handle:
            nbformat.write(notebook, handle)


def notebook_failure(error: BaseException) -> str:
    """The one line that says why a notebook failed: the last line of its error (the project's
    own errors, :class:`~stance.io.InputError`, are one line already), else the error's type."""
    ename = getattr(error, "ename", None) or type(error).__name__
    evalue = getattr(error, "evalue", None)
    text = _ANSI_ESCAPE.sub("", str(error) if evalue is None else str(evalue))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ename
    return lines[-1] if ename == "InputError" else f"{ename}: {lines[-1]}"


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
            raise RuntimeError(f"{path.name}: {notebook_failure(error)}") from None
        seconds[path.name] = round(time.perf_counter() - start, 1)
        log(f"[{number}/{len(notebooks)}] {path.name} done in {seconds[path.name]:.1f} s")
    return seconds


def _changed_cells(committed: dict, rebuilt: dict) -> list[int]:
    """Numbers (1-based) of the code cells whose outputs differ between two notebooks."""

    def outputs(notebook: dict) -> list[str]:
        return [
            json.dumps(c.get("outputs", []), sort_keys=True)
            for c in notebook["cells"]
            if c["cell_type"] == "code"
        ]

    old, new = outputs(committed), outputs(rebuilt)
    changed = [i + 1 for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    return changed + list(range(min(len(old), len(new)) + 1, max(len(old), len(new)) + 1))


def check(root: Path | None = None, log: Callable[[str], None] = print) -> list[str]:
    """Rebuild a fresh clone of the committed project (default: the project root); return one
    line per differing file.

    The clone runs its own code (``PYTHONPATH`` points at its ``src``, ``STANCE_ROOT`` at the
    clone) in this environment, so the check covers exactly what is committed, and the work
    tree is never touched. The fetched corpora of ``data/external/`` (git-ignored, so not in
    the clone) are linked into it, read-only for the rebuild.
    """
    from stance.fetch import CORPORA

    root = root or config.PROJECT_ROOT
    with tempfile.TemporaryDirectory(prefix="stance-check-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        for corpus in CORPORA:
            fetched = root / "data" / "external" / corpus
            if fetched.is_dir():
                (clone / "data" / "external").mkdir(parents=True, exist_ok=True)
                (clone / "data" / "external" / corpus).symlink_to(fetched.resolve())
        env = {**os.environ, "PYTHONPATH": str(clone / "src"), "STANCE_ROOT": str(clone)}
        result = subprocess.run(
            [sys.executable, "-m", "stance", "reproduce"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if result.returncode != 0:
            return [f"the rebuild failed: {result.stdout.strip().splitlines()[-1]}"]
        log(result.stdout.strip())
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=clone,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.splitlines()
        differences = []
        for line in sorted(status):
            code, name = line[:2].strip(), line[3:]
            if code == "M" and name.endswith(".ipynb"):
                committed = json.loads(
                    subprocess.run(
                        ["git", "show", f"HEAD:{name}"],
                        cwd=clone,
                        check=True,
                        stdout=subprocess.PIPE,
                        text=True,
                    ).stdout
                )
                rebuilt = json.loads((clone / name).read_text(encoding="utf-8"))
                cells = _changed_cells(committed, rebuilt)
                detail = (
                    f"outputs of code cell(s) {', '.join(map(str, cells))}" if cells else "metadata"
                )
                differences.append(f"{name}: {detail} differ")
            else:
                what = {"M": "content differs", "D": "not rebuilt", "??": "new, not committed"}
                differences.append(f"{name}: {what.get(code, code)}")
        return differences
