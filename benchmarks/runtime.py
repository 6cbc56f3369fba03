"""Time ``make reproduce`` notebook by notebook, for this commit and optionally an older one.

Usage: ``.venv/bin/python -m benchmarks.runtime [--baseline REF]`` (``make benchmark``). Each
commit is cloned into a temporary folder and its notebooks run there, as ``make reproduce`` runs
them after installation, with this environment and the corpora of ``data/external`` (linked, not
copied); the work tree is never touched. With ``--baseline`` both commits are measured in the
same run, one after the other, so the ratio between them means something even on a busy machine.
Writes ``results/runtime.md`` and ``results/runtime.json``.
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
from pathlib import Path

import pandas as pd

from benchmarks.machine import describe_load, describe_machine, load_average
from stance import config, results
from stance.io import atomic_write_text

_DONE = re.compile(r"\] (\S+\.ipynb) done in ([0-9.]+) s")


def _reproduce_command(clone: Path) -> list[str]:
    """How commit ``clone`` reproduces itself: ``stance reproduce``, or ``stance.reproduce`` for
    the commits before that subcommand existed (they know only that spelling)."""
    if '"reproduce"' in (clone / "src" / "stance" / "cli.py").read_text(encoding="utf-8"):
        return ["stance", "reproduce"]
    return ["stance.reproduce"]


def time_commit(ref: str, root: Path = config.PROJECT_ROOT) -> dict[str, float]:
    """Seconds per notebook (and ``total``) of a reproduction of commit ``ref``."""
    with tempfile.TemporaryDirectory(prefix="stance-runtime-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(root), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
        external = root / "data" / "external"
        if external.is_dir():
            (clone / "data" / "external").symlink_to(external.resolve())
        env = {**os.environ, "PYTHONPATH": str(clone / "src"), "PYTHONHASHSEED": "0"}
        env.pop("STANCE_ROOT", None)
        start = time.perf_counter()
        process = subprocess.run(
            [sys.executable, "-m", *_reproduce_command(clone)],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        total = time.perf_counter() - start
        if process.returncode != 0:
            raise RuntimeError(f"reproducing {ref} failed: {process.stdout.strip()[-500:]}")
    seconds = {name: float(value) for name, value in _DONE.findall(process.stdout)}
    return {**seconds, "total": round(total, 1)}


def render_markdown(data: dict) -> str:
    """``runtime.md`` from the contents of ``runtime.json``: seconds with one decimal, the
    speed-up with two (so that 1.545 does not read as 1.6)."""
    table = pd.DataFrame(data["runtime"])
    if "speed-up" in table:
        table["speed-up"] = [f"{value:.2f}" for value in table["speed-up"]]
    order = " then ".join(data["commits"])
    return "\n".join(
        [
            f"Seconds per notebook of a reproduction after installation, each commit in a fresh "
            f"clone with the same environment, measured in one run ({order}).",
            "",
            results.markdown_table(table, "{:.1f}"),
            f"Measured on: {data['measured_on']} ({data['load']}).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.runtime",
        description="Time every notebook of `make reproduce` (after installation) for HEAD and, "
        "with --baseline, an older commit in the same run; write "
        "results/runtime.md and results/runtime.json.",
        epilog="example: .venv/bin/python -m benchmarks.runtime --baseline ab5ef09",
    )
    parser.add_argument("--baseline", metavar="REF", help="an older commit to compare with")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=config.RESULTS_DIR,
        help=f"where runtime.md and .json go (default {config.RESULTS_DIR})",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite runtime.md from an existing runtime.json, without measuring",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        data = json.loads((Path(args.out_dir) / "runtime.json").read_text(encoding="utf-8"))
        atomic_write_text(Path(args.out_dir) / "runtime.md", render_markdown(data))
        return 0
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=config.PROJECT_ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.strip()
    load_at_start = load_average()
    refs = [args.baseline, head] if args.baseline else [head]
    timings = {}
    for ref in refs:
        print(f"reproducing {ref} ...", flush=True)
        timings[ref] = time_commit(ref)
        print(f"  {timings[ref]['total']:.1f} s", flush=True)
    names = sorted({name for t in timings.values() for name in t if name != "total"})
    table = pd.DataFrame({"notebook": [*names, "total (make reproduce after installation)"]})
    for ref in refs:
        table[f"seconds at {ref}"] = [timings[ref].get(name) for name in names] + [
            timings[ref]["total"]
        ]
    if args.baseline:
        table["speed-up"] = (
            table[f"seconds at {args.baseline}"] / table[f"seconds at {head}"]
        ).round(2)
    data = {
        "runtime": table.to_dict(orient="records"),
        "commits": refs,
        "measured_on": describe_machine(),
        "load": describe_load(load_at_start),
    }
    results.write_json(data, "runtime", args.out_dir)
    markdown = render_markdown(data)
    atomic_write_text(Path(args.out_dir) / "runtime.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
