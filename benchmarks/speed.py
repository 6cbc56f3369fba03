"""How fast ``stance predict`` labels a corpus here, as ratios to scikit-learn measured in one run.

Usage: ``.venv/bin/python -m benchmarks.speed`` (``make benchmark``; about ten minutes on two
cores; ``--help``). Timings depend on the machine and on what else runs on it, so every row is
measured in the same run on the same input, and the table gives each as a ratio to the reference
(and the machine's load at the start and end). Every measurement runs a real command in a
subprocess, so interpreter start-up, model loading and CSV streaming count, as a user sees them.

What is compared, on the same model (a shipped word+char model from ``make reproduce``):

- **reference**: the same streaming code with the model's feature steps swapped for
  scikit-learn's ``TfidfVectorizer``/``FeatureUnion`` (same fitted vocabulary and weights): what
  prediction cost before :mod:`stance.features`;
- ``stance predict --jobs 1`` and with every core; ``--engine dask`` on a ``LocalCluster``
  (its start-up included) over Parquet shards;
- on statements made of training sentences (repeated vocabulary: the per-word cache hits) and
  on the same statements with most words made unseen (the cache misses).

Predictions must be identical to the reference's (the run fails otherwise). Peak memory is the
high-water mark of the resident memory of the whole process tree (workers included), sampled
every 50 ms. Writes ``results/speed.md`` and ``results/speed.json``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from benchmarks.machine import describe_load, describe_machine, load_average
from stance import config, constructed, results
from stance.io import atomic_write_text

MODEL = "russian_foreign_policy_en.skops"
CHUNKSIZE = 10_000  # the default of ``stance predict``
DASK_SHARDS = 8
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Run:
    """Wall time and peak resident memory (whole process tree) of one command."""

    seconds: float
    peak_rss_mib: float


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run(*argv: object) -> Run:
    """Run ``python ARGV`` and measure it; fail loudly if the command fails."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *map(str, argv)], stdout=subprocess.DEVNULL, stderr=err
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        if returncode != 0:
            err.seek(0)
            raise RuntimeError(
                f"{' '.join(map(str, argv[:3]))} failed: {err.read().decode().strip()[-500:]}"
            )
    return Run(seconds=seconds, peak_rss_mib=peak / 1024)


# --- inputs ----------------------------------------------------------------------------------


def generated_statements(texts: list[str], n: int, seed: int) -> pd.DataFrame:
    """``n`` statements, each one to three sentences of ``texts`` drawn at random (seeded):
    realistic length and vocabulary without repeating whole texts."""
    sentences = sorted({s for text in texts for s in _SENTENCE_END.split(text.strip()) if s})
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 4, size=n)
    picks = rng.integers(0, len(sentences), size=int(lengths.sum()))
    ends = np.cumsum(lengths)
    rows = [
        " ".join(sentences[i] for i in picks[end - k : end])
        for k, end in zip(lengths, ends, strict=True)
    ]
    return pd.DataFrame({"id": [f"gen-{i:06d}" for i in range(n)], "text": rows})


def with_unseen_words(statements: pd.DataFrame, seed: int, share: float = 0.7) -> pd.DataFrame:
    """The statements with ``share`` of their words given a random suffix of letters, so most
    words were never seen before (the worst case for a per-word cache)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))

    def garble(text: str) -> str:
        words = text.split()
        marks = rng.random(len(words)) < share
        suffixes = rng.choice(letters, size=(len(words), 4))
        return " ".join(
            w + "".join(s) if m else w for w, m, s in zip(words, marks, suffixes, strict=True)
        )

    return statements.assign(text=[garble(text) for text in statements["text"]])


# --- the reference: scikit-learn's vectorisers, the same streaming code ----------------------


def scikit_learn_pipeline(pipeline: Pipeline) -> Pipeline:
    """A copy of ``pipeline`` whose feature steps are scikit-learn's own classes, with the same
    fitted vocabulary and idf weights: the prediction path before :mod:`stance.features`."""

    def plain(vectorizer: TfidfVectorizer) -> TfidfVectorizer:
        copy = TfidfVectorizer(**vectorizer.get_params())
        copy.vocabulary_, copy.fixed_vocabulary_ = vectorizer.vocabulary_, False
        copy._tfidf = vectorizer._tfidf
        return copy

    step = pipeline.named_steps["features"]
    if isinstance(step, FeatureUnion):
        features = FeatureUnion([(name, plain(part)) for name, part in step.transformer_list])
    else:
        features = plain(step)
    return Pipeline([("features", features), ("classifier", pipeline.named_steps["classifier"])])


def reference_predict(model: Path, source: Path, out: Path) -> None:
    """What ``stance predict --jobs 1`` does, with :func:`scikit_learn_pipeline`."""
    from stance import model_files
    from stance.io import atomic_write, iter_csv_chunks
    from stance.predict import predict_frame

    pipeline = scikit_learn_pipeline(model_files.load_model(model).pipeline)
    with atomic_write(out) as handle:
        for number, chunk in enumerate(iter_csv_chunks(source, ["text"], CHUNKSIZE)):
            predict_frame(pipeline, chunk, "text").to_csv(
                handle, header=number == 0, index=False, lineterminator="\n", float_format="%.6f"
            )


# --- the run ---------------------------------------------------------------------------------


def measure(
    model: Path, statements: pd.DataFrame, name: str, work: Path, jobs: int, with_dask: bool
) -> list[dict[str, object]]:
    """Every engine on one input; checks that all give the reference's predictions."""
    source = work / f"{name}.csv"
    statements.to_csv(source, index=False)
    n = len(statements)
    outputs: dict[str, Path] = {}
    rows = []

    def record(engine: str, measured: Run) -> None:
        print(
            f"  {engine:<28} {measured.seconds:7.1f} s  peak {measured.peak_rss_mib:5.0f} MiB",
            flush=True,
        )
        rows.append(
            {
                "input": name,
                "engine": engine,
                "seconds": round(measured.seconds, 1),
                "statements_per_second": round(n / measured.seconds),
                "peak_rss_mib": round(measured.peak_rss_mib),
            }
        )

    def predict(data: Path, out: Path, *options: object) -> Run:
        """``stance predict`` of ``model`` on ``data`` (its ``text`` column) with ``options``."""
        return run(
            "-m",
            "stance",
            "predict",
            "--model",
            model,
            *options,
            "--data",
            data,
            "--text-column",
            "text",
            "--out",
            out,
        )

    print(f"{name}: {n:,} statements", flush=True)
    outputs["reference"] = work / f"{name}.reference.csv"
    record(
        "reference (scikit-learn)",
        run("-m", "benchmarks.speed", "--reference", model, source, outputs["reference"]),
    )
    for engine_jobs in sorted({1, jobs}):
        label = f"stance predict --jobs {engine_jobs}"
        outputs[label] = work / f"{name}.jobs{engine_jobs}.csv"
        record(label, predict(source, outputs[label], "--jobs", engine_jobs))
    expected = pd.read_csv(outputs["reference"], dtype=str, keep_default_na=False)
    for label, path in outputs.items():
        if not pd.read_csv(path, dtype=str, keep_default_na=False).equals(expected):
            raise RuntimeError(f"{label} on {name}: predictions differ from the reference")
    if with_dask:
        shards = work / f"{name}_shards"
        shards.mkdir()
        for i, part in enumerate(np.array_split(np.arange(n), DASK_SHARDS)):
            statements.iloc[part].to_parquet(shards / f"part.{i:02d}.parquet", index=False)
        label = f"stance predict --engine dask ({jobs} workers)"
        out = work / f"{name}.dask"
        record(label, predict(shards / "*.parquet", out, "--engine", "dask", "--jobs", jobs))
        predicted = pd.read_parquet(out).reset_index(drop=True)
        reference = pd.read_csv(outputs["reference"], keep_default_na=False)
        if not (predicted["predicted"].tolist() == reference["predicted"].tolist()):
            raise RuntimeError(f"dask on {name}: predicted labels differ from the reference")
    reference_seconds = rows[0]["seconds"]
    for row in rows:
        row["speed_vs_reference"] = round(float(reference_seconds) / float(row["seconds"]), 2)
    return rows


def model_files() -> pd.DataFrame:
    """Size and load time (best of three, in this process) of every shipped model file."""
    from stance import model_files

    rows = []
    for path in sorted(config.MODELS_DIR.glob("*.skops")):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            model_files.load_model(path)
            times.append(time.perf_counter() - start)
        rows.append(
            {
                "model": path.name,
                "mib": round(path.stat().st_size / 2**20, 2),
                "load_seconds": round(min(times), 3),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.speed",
        description="Time 'stance predict' against the scikit-learn reference on the same "
        "model and input (repeated and unseen vocabulary), with one and all cores "
        "and the Dask engine; measure model files; write results/speed.md and "
        "results/speed.json.",
        epilog="example: .venv/bin/python -m benchmarks.speed --rows 20000 --no-dask",
    )
    parser.add_argument(
        "--rows", type=int, default=100_000, help="statements per input (default 100,000)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="cores for the all-core runs (default: all)",
    )
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask engine")
    parser.add_argument("--seed", type=int, default=config.SEED, help="seed of the generators")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=config.RESULTS_DIR,
        help=f"where speed.md and speed.json go (default {config.RESULTS_DIR})",
    )
    parser.add_argument(
        "--reference", nargs=3, type=Path, metavar=("MODEL", "CSV", "OUT"), help=argparse.SUPPRESS
    )  # the reference run, in its own process
    args = parser.parse_args(argv)
    if args.reference:
        reference_predict(*args.reference)
        return 0
    model = config.MODELS_DIR / MODEL
    if not model.is_file():
        parser.error(f"{model} is missing: run `make reproduce` first")

    load_at_start = load_average()
    train = constructed.load_statements("train")
    english = train.loc[train["lang"] == "en", "text"].tolist()
    statements = generated_statements(english, args.rows, args.seed)
    inputs = {
        "repeated vocabulary": statements,
        "unseen words": with_unseen_words(statements, args.seed),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="stance-speed-") as tmp:
        for number, (name, frame) in enumerate(inputs.items()):
            rows += measure(
                model, frame, name, Path(tmp), args.jobs, with_dask=not args.no_dask and number == 0
            )
    files = model_files()
    table = pd.DataFrame(rows)
    machine = describe_machine()
    load = describe_load(load_at_start)
    settings = {
        "rows": args.rows,
        "jobs": args.jobs,
        "seed": args.seed,
        "model": MODEL,
        "chunksize": CHUNKSIZE,
        "dask_shards": DASK_SHARDS,
    }
    results.write_json(
        {
            "predict": table.to_dict(orient="records"),
            "model_files": files.to_dict(orient="records"),
            "settings": settings,
            "measured_on": machine,
            "load": load,
        },
        "speed",
        args.out_dir,
    )
    markdown = "\n".join(
        [
            f"**Prediction speed**: `{MODEL}` (word + char n-grams) on {args.rows:,} statements "
            "made of one to three English training sentences drawn at random (seeded), and on the "
            "same statements with 70% of their words given a random suffix (unseen words). Each "
            "row is the whole command, start-up and model loading included, measured in the same "
            "run; `speed_vs_reference` is the reference's seconds over the row's. The reference is "
            "the same streaming code with scikit-learn's own vectorisers (the path before "
            "`stance.features`); every engine's predictions were checked identical to it. Peak "
            "memory covers the whole process tree (workers included). The Dask row starts a "
            f"LocalCluster and reads {DASK_SHARDS} Parquet shards.",
            "",
            results.markdown_table(table, "{:.1f}"),
            "**Model files** (`models/`, written by `make reproduce`): size and load time (best of "
            "three).",
            "",
            results.markdown_table(files, "{:.3f}"),
            f"Measured on: {machine} ({load}).",
            "",
        ]
    )
    atomic_write_text(Path(args.out_dir) / "speed.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
