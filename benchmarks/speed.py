"""Measure the command line on this machine: ``stance predict`` throughput and peak memory on
generated statements, and ``stance train`` time as the training set grows.

Usage: ``.venv/bin/python benchmarks/speed.py`` (about five minutes on two cores; ``--help``).
Every measurement runs the real command in a subprocess, so interpreter start-up, model loading
and CSV streaming are included, as a user would see them; peak memory is the resident-set
high-water mark of that one process (from ``wait4``, as ``/usr/bin/time`` reports it). Writes
``results/speed.md`` and ``results/speed.json``. Timings vary between runs and machines, so this
is not part of ``make reproduce``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

from stance import config, data, results
from stance.io import atomic_write_text

LABEL = "russian_foreign_policy"
LANG = "en"
CHUNKSIZE = 10_000  # the default of ``stance predict``
#: The smaller predict run: one full chunk, so it peaks like the large run, and its time shows
#: the fixed cost (start-up, model loading) that the large run's throughput includes.
SMALL_RUN = CHUNKSIZE
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Run:
    """Wall time and peak resident memory of one ``stance`` process."""

    seconds: float
    peak_rss_mib: float


def run_stance(*argv: object) -> Run:
    """Run ``python -m stance ARGV`` and measure it; fail loudly if the command fails."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "stance", *map(str, argv)],
                                   stdout=subprocess.DEVNULL, stderr=err)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in earlier children
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"stance {argv[0]} failed: {err.read().decode().strip()}")
    kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
    return Run(seconds=seconds, peak_rss_mib=kib / 1024)


def english_training_split() -> pd.DataFrame:
    """The English texts of the dataset's training split, with their label and group."""
    train = data.load_statements("train")
    return train.loc[train["lang"] == LANG, ["id", "text", LABEL, "group"]].reset_index(
        drop=True)


def generated_statements(texts: list[str], n: int, seed: int) -> pd.DataFrame:
    """``n`` statements, each one to three sentences of the training texts drawn at random
    (seeded): realistic length and vocabulary without repeating whole texts."""
    sentences = sorted({s for text in texts for s in _SENTENCE_END.split(text.strip()) if s})
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 4, size=n)
    picks = rng.integers(0, len(sentences), size=int(lengths.sum()))
    ends = np.cumsum(lengths)
    rows = [" ".join(sentences[i] for i in picks[end - k:end]) for k, end in zip(lengths, ends,
                                                                                 strict=True)]
    return pd.DataFrame({"id": [f"gen-{i:06d}" for i in range(n)], "text": rows})


def _perturb(text: str, rng: np.random.Generator) -> str:
    """Drop, repeat or swap one word, so a replica is not byte-identical to its original."""
    words = text.split()
    if len(words) < 3:
        return text
    i = int(rng.integers(0, len(words) - 1))
    operation = int(rng.integers(0, 3))
    if operation == 0:
        del words[i]
    elif operation == 1:
        words.insert(i, words[i])
    else:
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def replicated(train: pd.DataFrame, copies: int, seed: int) -> pd.DataFrame:
    """``copies`` copies of ``train``: the first as is, the others slightly perturbed (seeded)
    and with group ids of their own, so grouped cross-validation sees more groups."""
    parts = [train]
    for copy in range(1, copies):
        rng = np.random.default_rng(seed + copy)
        parts.append(train.assign(id=train["id"] + f"~{copy}",
                                  text=[_perturb(text, rng) for text in train["text"]],
                                  group=train["group"] + f"~{copy}"))
    return pd.concat(parts, ignore_index=True)


def _positive_ints(value: str) -> list[int]:
    numbers = [int(part) for part in value.split(",") if part.strip().isdigit()]
    if not numbers or min(numbers) < 1 or len(numbers) != len(value.split(",")):
        raise argparse.ArgumentTypeError(f"expected positive integers like 1,2,4,8, not {value!r}")
    return numbers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time 'stance predict' (throughput, peak memory) on generated statements "
                    "and 'stance train' as the training set grows; write results/speed.md and "
                    "results/speed.json.",
        epilog="example: .venv/bin/python benchmarks/speed.py --rows 20000 --scales 1,2")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="statements to predict (default 100,000)")
    # x8 is left out by default: it adds about two minutes to a run of about four on two cores
    parser.add_argument("--scales", type=_positive_ints, default=[1, 2, 4, 8],
                        help="training-set multiples to time (default 1,2,4; add 8 for x8)")
    parser.add_argument("--seed", type=int, default=config.SEED, help="seed of the generators")
    parser.add_argument("--out-dir", type=Path, default=config.RESULTS_DIR,
                        help=f"where speed.md and speed.json go (default {config.RESULTS_DIR})")
    args = parser.parse_args(argv)

    load_at_start = os.getloadavg()[0]  # other processes on the machine slow every timing
    train = english_training_split()
    training_rows, prediction_rows = [], []
    with tempfile.TemporaryDirectory(prefix="stance-speed-") as tmp:
        work = Path(tmp)
        model = work / "model_x1.skops"
        for scale in sorted(set(args.scales) | {1}):  # x1 also makes the model for predict
            rows = replicated(train, scale, args.seed)
            path = work / f"train_x{scale}.csv"
            rows.to_csv(path, index=False)
            print(f"train x{scale}: {len(rows):,} texts ...", flush=True)
            run = run_stance("train", "--data", path, "--text-column", "text", "--label-column",
                             LABEL, "--group-column", "group", "--lang", LANG,
                             "--out", work / f"model_x{scale}.skops")
            print(f"  {run.seconds:.1f} s, peak {run.peak_rss_mib:.0f} MiB", flush=True)
            if scale in args.scales:
                training_rows.append({"scale": f"x{scale}", "texts": len(rows),
                                      "groups": rows["group"].nunique(),
                                      "seconds": round(run.seconds, 1),
                                      "peak_rss_mib": round(run.peak_rss_mib)})

        statements = generated_statements(train["text"].tolist(), args.rows, args.seed)
        for n in sorted({min(SMALL_RUN, args.rows), args.rows}):
            path = work / f"statements_{n}.csv"
            statements.head(n).to_csv(path, index=False)
            print(f"predict: {n:,} statements ...", flush=True)
            run = run_stance("predict", "--model", model, "--data", path, "--text-column",
                             "text", "--chunksize", CHUNKSIZE, "--out", work / f"predicted_{n}.csv")
            print(f"  {run.seconds:.1f} s, peak {run.peak_rss_mib:.0f} MiB", flush=True)
            prediction_rows.append({"statements": n, "seconds": round(run.seconds, 1),
                                    "statements_per_second": round(n / run.seconds),
                                    "peak_rss_mib": round(run.peak_rss_mib)})

    predict_table, train_table = pd.DataFrame(prediction_rows), pd.DataFrame(training_rows)
    first, last = prediction_rows[0], prediction_rows[-1]
    marginal = (round((last["statements"] - first["statements"])
                      / (last["seconds"] - first["seconds"]))
                if last["seconds"] > first["seconds"] else None)
    machine = describe_machine()
    load = (f"1-minute load average {load_at_start:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end")
    settings = {"rows": args.rows, "scales": args.scales, "seed": args.seed, "label": LABEL,
                "lang": LANG, "chunksize": CHUNKSIZE, "train_texts_x1": len(train)}
    results.write_json({"predict": predict_table.to_dict(orient="records"),
                        "predict_marginal_statements_per_second": marginal,
                        "train": train_table.to_dict(orient="records"),
                        "settings": settings, "measured_on": machine, "load": load},
                       "speed", args.out_dir)
    markdown = "\n".join([
        f"**`stance predict`** with a model of `{LABEL}` trained by `stance train` on the "
        f"{len(train)} English texts of the training split; input: statements made of one to "
        f"three training sentences drawn at random (seeded), streamed in chunks of {CHUNKSIZE:,} "
        "rows. Seconds are the wall time of the whole command, interpreter start-up and model "
        "loading included. Peak RSS is the memory high-water mark of the process: it is set by "
        "the chunk size, not by the length of the input (one chunk and the whole input peak "
        "nearly alike).",
        "",
        results.markdown_table(predict_table, "{:.1f}"),
        f"Throughput without the fixed start-up cost (between the two runs): {marginal:,} "
        "statements/second." if marginal else "",
        "",
        f"**`stance train`** (grouped 5-fold selection over all 20 candidates, `--features "
        f"auto`) on the English training split replicated x1 ... x{max(args.scales)}. Each "
        "replica is a slightly perturbed copy (one word dropped, repeated or swapped) under new "
        "group ids: replicas add no new information, so only the times mean anything here (the "
        "cross-validated scores of replicated data are optimistic).",
        "",
        results.markdown_table(train_table, "{:.1f}"),
        f"Measured on: {machine} ({load}).",
        ""])
    atomic_write_text(Path(args.out_dir) / "speed.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
