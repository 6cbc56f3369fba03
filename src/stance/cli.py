"""The ``stance`` command line: train, predict, evaluate, benchmark and build the dataset.

A thin layer over the package, so a script gets exactly what the notebooks get. Its contract
with scripts: every error a user's input can cause is one line ``stance: error: <problem>`` on
stderr naming the file, column or label, with exit code 2 and no traceback; output files are
written atomically, so after an error no output file exists and an existing one is untouched.

The heavy modules (scikit-learn, skops, datasets) are imported inside the commands that need
them, so ``stance --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import stance
from stance import config
from stance.io import InputError, atomic_write, iter_csv_chunks, read_csv

if TYPE_CHECKING:
    from stance.benchmarks import PublishedScore, TweetEvalResult

PROG = "stance"
EXIT_ERROR = 2
DEFAULT_CHUNKSIZE = 10_000


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors follow the one-line error format of the rest."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions to the terminal but keeps example lines (the epilog) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {value!r}")
    return int(value)


def _language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", value):
        raise argparse.ArgumentTypeError(f"expected a lowercase ISO 639 code such as en or tr, "
                                         f"not {value!r}")
    return value


def _show_progress() -> bool:
    """Progress goes to stderr only for a person watching a terminal; scripts see nothing."""
    return sys.stderr.isatty()


def _progress_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _fraction(value: float) -> str:
    return f"{value:.4f}"


# --- train ---------------------------------------------------------------------------------

def _train(args: argparse.Namespace) -> int:
    from stance import models

    if args.features not in ("auto", *models.FEATURE_KINDS):
        raise InputError(f"--features: unknown value {args.features!r} (choose from auto, "
                         f"{', '.join(models.FEATURE_KINDS)})")
    columns = [args.text_column, args.label_column, *filter(None, [args.group_column])]
    frame = read_csv(args.data, columns)
    texts, labels = frame[args.text_column].tolist(), frame[args.label_column].tolist()
    empty = [row for row, label in enumerate(labels, start=2) if not label.strip()]
    if empty:
        raise InputError(f"{args.data}: row {empty[0]}: empty label in column "
                         f"{args.label_column!r}")
    groups = frame[args.group_column].tolist() if args.group_column else None
    try:
        selection = models.select_model(texts, labels, groups, lang=args.lang,
                                        features=args.features, metric=args.metric)
    except (models.TrainingDataError, ValueError) as error:
        raise InputError(f"{args.data}: column {args.label_column!r}: {error}") from None
    metadata = models.save_selection(
        selection, args.out, texts, labels, target=args.target or args.label_column,
        lang=args.lang, text_column=args.text_column, label_column=args.label_column)
    folds = f"{selection.n_splits}-fold" + (f", grouped by {args.group_column!r}"
                                             if args.group_column else "")
    params = ", ".join(f"{key.split('__')[-1]}={value}"
                       for key, value in selection.best_params.items())
    print(f"trained on {len(texts)} texts of {args.data} (lang {args.lang})\n"
          f"  classes      {', '.join(metadata['labels'])} ({len(metadata['labels'])})\n"
          f"  chosen       {params}\n"
          f"  selected by  {selection.metric} (--metric {args.metric})\n"
          f"  CV {selection.metric:<9} {_fraction(selection.cv_score)} ({folds})\n"
          f"  saved        {args.out}")
    return 0


# --- predict -------------------------------------------------------------------------------

def _predict(args: argparse.Namespace) -> int:
    import numpy as np

    from stance import models

    pipeline = models.load_model(args.model).pipeline
    classes = [str(label) for label in pipeline.classes_]
    proba_columns = [f"proba_{label}" for label in classes]
    progress = _show_progress()
    rows, empty, header = 0, 0, True
    with atomic_write(args.out) as handle:
        for chunk in iter_csv_chunks(args.data, [args.text_column], args.chunksize):
            clash = [c for c in ("predicted", *proba_columns) if c in chunk.columns]
            if clash:
                raise InputError(f"{args.data}: already has a column {clash[0]!r}, which "
                                 "predict would add; rename it")
            if chunk.empty:
                continue
            texts = chunk[args.text_column]
            has_text = (texts.str.strip() != "").to_numpy()
            empty += int((~has_text).sum())
            proba = np.full((len(chunk), len(classes)), np.nan)
            predicted = np.full(len(chunk), "", dtype=object)
            if has_text.any():  # empty or missing text gets no label, not a guess
                proba[has_text] = pipeline.predict_proba(texts[has_text].tolist())
                predicted[has_text] = np.asarray(classes, dtype=object)[
                    proba[has_text].argmax(axis=1)]
            out = chunk.assign(predicted=predicted, **dict(zip(proba_columns, proba.T,
                                                               strict=True)))
            out.to_csv(handle, header=header, index=False, lineterminator="\n",
                       float_format="%.6f")
            header, rows = False, rows + len(chunk)
            if progress:
                print(f"\rpredicted {rows:,} rows", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    if empty:
        print(f"{PROG}: {empty:,} row(s) with empty text left without a prediction "
              "('predicted' is empty)", file=sys.stderr)
    print(f"predicted {rows:,} rows -> {args.out}")
    return 0


# --- evaluate ------------------------------------------------------------------------------

def _scores_text(scores: dict[str, Any], pair: tuple[str, str] | None, title: str) -> str:
    lines = [title, f"  macro-F1  {_fraction(scores['macro_f1'])}"]
    if pair is not None:
        lines.append(f"  F_avg     {_fraction(scores['f_avg'])}  (mean F1 of {pair[0]} and "
                     f"{pair[1]})")
    lines += [f"  accuracy  {_fraction(scores['accuracy'])}", ""]
    width = max(len("class"), *(len(label) for label in scores["per_class"]))
    lines.append(f"  {'class':<{width}}  precision  recall      F1  support")
    for label, row in scores["per_class"].items():
        lines.append(f"  {label:<{width}}  {row['precision']:>9.4f}  {row['recall']:>6.4f}  "
                     f"{row['f1']:>6.4f}  {row['support']:>7}")
    return "\n".join(lines)


def _evaluate(args: argparse.Namespace) -> int:
    from stance import evaluate, models

    pipeline = models.load_model(args.model).pipeline
    classes = [str(label) for label in pipeline.classes_]
    frame = read_csv(args.data, [args.text_column, args.label_column])
    gold = frame[args.label_column].tolist()
    unknown = sorted(set(gold) - set(classes))
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise InputError(f"{args.data}: column {args.label_column!r}: label {unknown[0]!r}"
                         f"{more} is not a class of the model {args.model} "
                         f"({', '.join(classes)})")
    predicted = pipeline.predict(frame[args.text_column].tolist()).tolist()
    scores = evaluate.classification_scores(gold, predicted, classes)
    if args.json:
        print(json.dumps(scores, sort_keys=True))
    else:
        print(_scores_text(scores, evaluate.side_taking_pair(classes),
                           f"{args.model} on {args.data}: {scores['n']} texts"))
    return 0


# --- benchmark -----------------------------------------------------------------------------

def _targets(value: str | None, known: Sequence[str]) -> list[str]:
    if value is None:
        return list(known)
    targets = list(dict.fromkeys(t.strip() for t in value.split(",")))
    unknown = [t for t in targets if t not in known]
    if unknown:
        raise InputError(f"--targets: unknown target {unknown[0]!r} (choose from "
                         f"{', '.join(known)})")
    return targets


def _benchmark_text(result: TweetEvalResult, baselines: Sequence[PublishedScore]) -> str:
    from stance.benchmarks import published_baselines_lines

    table = result.per_target
    lines = ["TweetEval stance (SemEval-2016 Task 6): one TF-IDF + logistic-regression model "
             "for all targets run,", "selected by cross-validation on train + val only, scored "
             "once on test (scores in percent).", "",
             f"  {'target':<10} {'n_train':>7} {'n_test':>6}  {'features':<13} "
             f"{'CV F_avg':>8} {'F_avg':>6} {'macro-F1':>8}"]
    for row in table.itertuples(index=False):
        lines.append(f"  {row.target:<10} {row.n_train:>7} {row.n_test:>6}  {row.features:<13} "
                     f"{100 * row.cv_score:>8.1f} {100 * row.f_avg:>6.1f} "
                     f"{100 * row.macro_f1:>8.1f}")
    lines += ["", f"Official score (F_avg, test items of all targets pooled): "
                  f"{100 * result.official_f_avg:.2f}", "",
              "Published results on the same test set, for context (copied from the papers, "
              "NOT re-measured here; [n] = source or note below):",
              *published_baselines_lines(baselines)]
    return "\n".join(lines)


def _benchmark_tweeteval(args: argparse.Namespace) -> int:
    from stance import benchmarks

    targets = _targets(args.targets, benchmarks.TARGETS)
    if args.results_dir is not None and set(targets) != set(benchmarks.TARGETS):
        raise InputError("--results-dir: the results need all five targets (drop --targets)")
    items = (benchmarks.load_tweeteval_hub(targets) if args.hub
             else benchmarks.load_tweeteval_dir(args.path, targets))
    result = benchmarks.run_tweeteval(items, log=_progress_line if _show_progress() else None)
    if args.json:
        print(json.dumps(result.to_json(), sort_keys=True))
    else:
        print(_benchmark_text(result, benchmarks.PUBLISHED_BASELINES))
    if args.results_dir is not None:
        for path in benchmarks.write_tweeteval_results(result, args.results_dir):
            print(f"wrote {path}", file=sys.stderr)
    return 0


# --- build-dataset -------------------------------------------------------------------------

def _build_dataset(args: argparse.Namespace) -> int:
    from stance import data

    frame = data.build_dataset(args.raw, args.out)
    sizes = ", ".join(f"{split} {count}" for split, count
                      in frame["split"].value_counts().sort_index(ascending=False).items())
    print(f"built {args.out}: {frame['statement_id'].nunique()} statements, {len(frame)} texts "
          f"({sizes} texts)")
    return 0


# --- the parser ----------------------------------------------------------------------------

def _command(subparsers: Any, name: str, summary: str, description: str, examples: str,
             handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name, help=summary, description=description, epilog="examples:\n" + examples,
        formatter_class=_HelpFormatter)
    parser.set_defaults(handler=handler)
    return parser



def _add_input_arguments(command: argparse.ArgumentParser, *, model: bool,
                         label_help: str | None) -> None:
    """The arguments every command that reads a CSV shares: [--model,] --data, --text-column
    [and --label-column], declared once so their wording stays the same everywhere."""
    if model:
        command.add_argument("--model", type=Path, required=True, metavar="MODEL.skops",
                             help="a model written by 'stance train'")
    command.add_argument("--data", type=Path, required=True, metavar="CSV",
                         help="UTF-8 CSV with a header row")
    command.add_argument("--text-column", required=True, metavar="COL", help="column of texts")
    if label_help:
        command.add_argument("--label-column", required=True, metavar="COL", help=label_help)

def build_parser() -> argparse.ArgumentParser:
    """The ``stance`` parser with every subcommand (exposed for documentation and tests)."""
    parser = _Parser(
        prog=PROG,
        description="Stance classification with transparent TF-IDF + logistic-regression "
                    "models: train on any labelled CSV, predict, evaluate, run the TweetEval "
                    "stance benchmark, and build the project's dataset. Errors are one line "
                    "'stance: error: ...' with exit code 2.",
        epilog="examples:\n"
               "  stance train --data train.csv --text-column text --label-column stance "
               "--out model.skops\n"
               "  stance predict --model model.skops --data new.csv --text-column text "
               "--out predicted.csv\n"
               "  stance COMMAND --help",
        formatter_class=_HelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {stance.__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = _command(
        subparsers, "train", "select and fit a model on a labelled CSV",
        "Select features and hyper-parameters by stratified cross-validation (grouped when "
        "--group-column is given, so texts of one group never straddle a fold), refit the best "
        "on all rows and save it as a skops file. Labels are the strings of the label column: "
        "any names, two classes or more. Prints the classes, the number of texts, the chosen "
        "parameters and the cross-validated macro-F1.",
        "  stance train --data train.csv --text-column text --label-column stance "
        "--out model.skops\n"
        "  stance train --data tr.csv --text-column text --label-column stance "
        "--group-column source --lang tr --features word+char --target ukraine --out tr.skops",
        _train)
    _add_input_arguments(train, model=False, label_help="column of labels")
    train.add_argument("--group-column", metavar="COL",
                       help="column of group ids; cross-validation folds keep each group whole")
    train.add_argument("--lang", type=_language, default="en",
                       help="language of the texts (default en); it only selects the text "
                            "normaliser: tr gives Turkish-aware lowercasing (İ→i, I→ı), any "
                            "other code plain Unicode lowercasing")
    train.add_argument("--features", default="auto", metavar="KIND",
                       help="auto (default: choose by CV), word, char or word+char n-grams")
    train.add_argument("--metric", default="auto",
                       choices=("auto", "macro_f1", "f_avg", "accuracy"),
                       help="what model selection maximises: auto (default) is f_avg, the mean F1 "
                            "of the two side-taking classes, when the labels hold support/"
                            "opposition or favor/against (what stance benchmarks report), "
                            "else macro_f1")
    train.add_argument("--target", metavar="NAME",
                       help="what the stance is toward, recorded in the model file "
                            "(default: the label column's name)")
    train.add_argument("--out", type=Path, required=True, metavar="MODEL.skops",
                       help="model file to write")

    predict = _command(
        subparsers, "predict", "label the texts of a CSV with a trained model",
        "Write the input rows with a 'predicted' column and one 'proba_<label>' column per "
        "class (in the model's class order, 6 decimals). The input is read in chunks, so "
        "memory stays bounded however long the file; the output appears only when complete. "
        "Progress is shown on stderr when it is a terminal.",
        "  stance predict --model model.skops --data new.csv --text-column text "
        "--out predicted.csv\n"
        "  stance predict --model model.skops --data huge.csv --text-column body "
        "--chunksize 50000 --out huge.predicted.csv",
        _predict)
    _add_input_arguments(predict, model=True, label_help=None)
    predict.add_argument("--out", type=Path, required=True, metavar="CSV",
                         help="CSV file to write")
    predict.add_argument("--chunksize", type=_positive_int, default=DEFAULT_CHUNKSIZE,
                         metavar="N", help=f"rows per chunk (default {DEFAULT_CHUNKSIZE:,})")

    evaluate = _command(
        subparsers, "evaluate", "score a trained model on a labelled CSV",
        "Print macro-F1, F_avg (the SemEval stance score: mean F1 of the two side-taking "
        "classes, when the labels include support/opposition or favor/against), accuracy, "
        "the number of texts, and per-class precision, recall, F1 and support. Every label "
        "in the file must be a class of the model.",
        "  stance evaluate --model model.skops --data test.csv --text-column text "
        "--label-column stance\n"
        "  stance evaluate --model model.skops --data test.csv --text-column text "
        "--label-column stance --json | jq .macro_f1",
        _evaluate)
    _add_input_arguments(evaluate, model=True, label_help="column of gold labels")
    evaluate.add_argument("--json", action="store_true",
                          help="print one JSON object (sorted keys) instead of a table")

    benchmark = subparsers.add_parser(
        "benchmark", help="run a public benchmark",
        description="Run a public benchmark with the project's models.",
        epilog="examples:\n  stance benchmark tweeteval --help", formatter_class=_HelpFormatter)
    benchmarks = benchmark.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    tweeteval = _command(
        benchmarks, "tweeteval", "SemEval-2016 Task 6 stance, in TweetEval's layout",
        "Train one model per target (abortion, atheism, climate, feminist, hillary) on its "
        "train + val tweets, with the same cross-validated selection as 'stance train' (the "
        "test tweets are never used for selection), predict its test tweets, and print each "
        "target's F_avg and macro-F1 and the official score: the mean of F1(against) and "
        "F1(favor) over the test tweets of all targets pooled. Published results are printed "
        "beside it for context; they are copied from the papers, not re-measured. --path reads "
        "DIR/<target>/{train,val,test}_{text,labels}.txt (labels 0 none, 1 against, 2 favor); "
        "--hub downloads cardiffnlp/tweet_eval, the only use of the network.",
        "  stance benchmark tweeteval --path tweeteval/datasets/stance\n"
        "  stance benchmark tweeteval --path tweeteval/datasets/stance --targets "
        "abortion,atheism --json\n"
        "  stance benchmark tweeteval --hub",
        _benchmark_tweeteval)
    source = tweeteval.add_mutually_exclusive_group(required=True)
    source.add_argument("--path", type=Path, metavar="DIR",
                        help="folder with one sub-folder per target")
    source.add_argument("--hub", action="store_true",
                        help="load cardiffnlp/tweet_eval from the Hugging Face hub (network)")
    tweeteval.add_argument("--targets", metavar="LIST",
                           help="comma-separated targets (default: all five)")
    tweeteval.add_argument("--json", action="store_true",
                           help="print one JSON object (sorted keys) instead of tables")
    tweeteval.add_argument("--results-dir", type=Path, metavar="DIR",
                           help="also write tweeteval.json and tweeteval.md there (make "
                                "benchmark-tweeteval writes the project's results/)")

    build = _command(
        subparsers, "build-dataset", "build the project's dataset from its raw sources",
        "Read, validate, split and leakage-check the raw sources and write the dataset "
        "folder (one CSV per split and the dataset card). The folder is replaced only when "
        "everything succeeded; malformed raw input is reported with its file and row.",
        "  stance build-dataset\n"
        "  stance build-dataset --raw my/raw --out /tmp/statements",
        _build_dataset)
    build.add_argument("--raw", type=Path, default=config.RAW_DIR, metavar="DIR",
                       help=f"raw sources (default {config.RAW_DIR})")
    build.add_argument("--out", type=Path, default=config.DATASET_DIR, metavar="DIR",
                       help=f"dataset folder to write (default {config.DATASET_DIR})")

    corpus = subparsers.add_parser(
        "corpus", help="get the public corpora of real statements",
        description="Get the public corpora the real-statement set is rebuilt from. The "
                    "project commits sentence ids, hashes and labels, never the corpus text.",
        epilog="examples:\n  stance corpus fetch --help", formatter_class=_HelpFormatter)
    corpus_commands = corpus.add_subparsers(dest="corpus_command", required=True,
                                            metavar="ACTION")
    fetch = _command(
        corpus_commands, "fetch", "copy and check a corpus into data/external/",
        "Copy the documents listed in the corpus's committed manifest (data/real/"
        "CORPUS_manifest.csv) from --source into data/external/CORPUS/, checking the SHA-256 "
        "of every document; the folder is replaced only when all of them match. --source is a "
        "local folder (the publisher's layout, at any depth), a local archive (the UNGDC "
        ".tgz), or a URL or doi: path that is downloaded (pooch: progress, cache in .cache/). "
        "Without --source: $STANCE_UNGDC or $STANCE_PRESIDENTIAL if set, else the publisher "
        "(network): Harvard Dataverse doi:10.7910/DVN/0TJX8Y for ungdc, the repository "
        "PeiYiZhuo/zelenskyy-putin for presidential.",
        "  stance corpus fetch ungdc --source ~/Downloads/UNGDC_1946-2024.tgz\n"
        "  stance corpus fetch ungdc --source ~/corpora/ungdc\n"
        "  stance corpus fetch presidential --source ~/zelenskyy-putin/press_release_data\n"
        "  STANCE_UNGDC=~/corpora/ungdc stance corpus fetch ungdc",
        _corpus_fetch)
    fetch.add_argument("corpus", choices=("ungdc", "presidential"),
                       help="ungdc (UN General Debate speeches) or presidential (Kremlin and "
                            "Ukrainian presidential press releases)")
    fetch.add_argument("--source", metavar="PATH_OR_URL",
                       help="folder, archive, URL or doi: path (default: the corpus's "
                            "environment variable, else the publisher)")
    _command(
        corpus_commands, "build", "rebuild the real-statement dataset from the fetched corpora",
        "Split the fetched speeches and press releases into sentences, join the committed "
        "labels of data/real/ by sentence id, check every sentence's SHA-256, assign the "
        "grouped splits and write data/external/real_statements/ (train.csv, test.csv and a "
        "dataset card). The folder is replaced only when everything succeeded. Notebook 07 "
        "does the same.",
        "  stance corpus fetch ungdc && stance corpus fetch presidential && stance corpus build",
        _corpus_build)
    return parser


def _corpus_build(args: argparse.Namespace) -> int:
    from stance import real

    frame = real.build_real_dataset()
    counts = frame["split"].value_counts()
    print(f"real statements: {len(frame)} sentences ({counts.get('train', 0)} train, "
          f"{counts.get('test', 0)} test) written to {config.REAL_DATASET_DIR}")
    return 0


def _corpus_fetch(args: argparse.Namespace) -> int:
    from stance import fetch

    destination = fetch.fetch(args.corpus, args.source,
                              log=_progress_line if _show_progress() else None)
    print(f"{args.corpus}: fetched into {destination}")
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad input or usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors, already printed
        return int(stop.code or 0)
    if not getattr(args, "hub", False):
        config.quiet_offline_environment()
    try:
        return args.handler(args)
    except InputError as error:
        return _fail(str(error))
    except BrokenPipeError:  # stdout closed early (``stance ... | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # e.g. an unwritable --out
        return _fail(f"{error.filename}: {error.strerror}" if error.filename else str(error))
