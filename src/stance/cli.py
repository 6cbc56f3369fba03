"""The ``stance`` command line: train, predict, evaluate, benchmark, build the dataset, and
reproduce, check and report the project.

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
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import stance
from stance import config
from stance.io import (
    InputError,
    check_distinct_paths,
    check_output_path,
    csv_line,
    read_csv,
)

if TYPE_CHECKING:
    import pandas as pd

    from stance.tweeteval import PublishedScore, TweetEvalResult

PROG = "stance"
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
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


def _path(value: str) -> Path:
    """A path argument; an empty one is refused here (``Path("")`` would silently mean ".")."""
    if not value.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return Path(value)


def _language(value: str) -> str:
    from stance.text import check_language_code

    try:
        return check_language_code(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _show_progress() -> bool:
    """Progress goes to stderr only for a person watching a terminal; scripts see nothing."""
    return sys.stderr.isatty()


def _progress_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _fraction(value: float) -> str:
    return f"{value:.4f}"


# --- train ---------------------------------------------------------------------------------


def _train(args: argparse.Namespace) -> int:
    from stance import model_files, model_selection
    from stance.checks import check_no_empty

    if args.features not in ("auto", *model_selection.PARAM_GRIDS):
        raise InputError(
            f"--features: unknown value {args.features!r} (choose from auto, "
            f"{', '.join(model_selection.PARAM_GRIDS)})"
        )
    check_distinct_paths(args.data, args.out)
    check_output_path(args.out)  # before minutes of training, not after
    columns = [args.text_column, args.label_column, *filter(None, [args.group_column])]
    frame = read_csv(args.data, columns)
    texts, labels = frame[args.text_column].tolist(), frame[args.label_column].tolist()
    check_no_empty(frame, args.label_column, args.data)
    groups = frame[args.group_column].tolist() if args.group_column else None
    try:
        chosen = model_selection.select_model(
            texts, labels, groups, lang=args.lang, features=args.features, metric=args.metric
        )
    except (model_selection.TrainingDataError, ValueError) as error:
        raise InputError(f"{args.data}: column {args.label_column!r}: {error}") from None
    metadata = model_files.save_selection(
        chosen,
        args.out,
        texts,
        labels,
        target=args.target or args.label_column,
        lang=args.lang,
        text_column=args.text_column,
        label_column=args.label_column,
    )
    folds = f"{chosen.n_splits}-fold" + (
        f", grouped by {args.group_column!r}" if args.group_column else ""
    )
    params = ", ".join(
        f"{key.split('__')[-1]}={value}" for key, value in chosen.best_params.items()
    )
    print(
        f"trained on {len(texts)} texts of {args.data} (lang {args.lang})\n"
        f"  classes      {', '.join(metadata['labels'])} ({len(metadata['labels'])})\n"
        f"  chosen       {params}\n"
        f"  selected by  {chosen.metric} (--metric {args.metric})\n"
        f"  CV {chosen.metric:<9} {_fraction(chosen.cv_score)} ({folds})\n"
        f"  saved        {args.out}"
    )
    return 0


# --- predict -------------------------------------------------------------------------------


def _predict(args: argparse.Namespace) -> int:
    """Only the reporting lives here; the engines are in :mod:`stance.predict`, so a script or a
    notebook that labels data at scale runs the same code."""
    from stance import predict

    if args.scheduler and args.engine != "dask":
        raise InputError("--scheduler works only with --engine dask")
    jobs = args.jobs or predict.default_jobs()
    if args.engine == "dask":
        summary = predict.predict_dask(
            args.model,
            args.data,
            args.out,
            args.text_column,
            prefix=args.prefix,
            lang=args.lang,
            scheduler=args.scheduler,
            n_workers=jobs,
        )
        written = f"{args.out} ({summary.files} Parquet file{'s' * (summary.files != 1)})"
    else:
        progress = _show_progress()
        summary = predict.predict_csv(
            args.model,
            args.data,
            args.out,
            args.text_column,
            chunksize=args.chunksize,
            jobs=jobs,
            prefix=args.prefix,
            lang=args.lang,
            progress=(
                lambda rows: print(
                    f"\rpredicted {rows:,} rows", end="", file=sys.stderr, flush=True
                )
            )
            if progress
            else None,
        )
        if progress:
            print(file=sys.stderr)
        written = str(args.out)
    if summary.empty:
        print(
            f"{PROG}: {summary.empty:,} row(s) with empty text left without a prediction "
            f"({predict.output_columns([], args.prefix)[0]!r} is empty)",
            file=sys.stderr,
        )
    labelled = summary.rows - summary.empty
    if labelled and summary.numeric * 2 > labelled:
        _warn(
            f"{summary.numeric:,} of the {labelled:,} texts in column {args.text_column!r} are "
            "only numbers, which the model reads as neutral: is --text-column the column of texts?"
        )
    model_lang = summary.model_lang
    if args.lang is None:
        others = sorted(code for code in summary.languages if code and code != model_lang)
        if model_lang and others:
            _warn(
                f"{args.data} has texts in {', '.join(map(repr, others))} but the model was "
                f"trained on {model_lang!r} texts; add --lang {model_lang} to label only those"
            )
    elif model_lang and args.lang != model_lang:
        _warn(f"labelling {args.lang!r} texts with a model trained on {model_lang!r} texts")
    left_out = sum(summary.languages.values()) - summary.rows if args.lang else 0
    kept = f" (lang {args.lang}; {left_out:,} other rows left out)" if args.lang else ""
    print(f"predicted {summary.rows:,} rows{kept} -> {written}")
    return 0


# --- evaluate ------------------------------------------------------------------------------


def _scores_text(scores: dict[str, Any], pair: tuple[str, str] | None, title: str) -> str:
    present = len(scores["macro_f1_classes"])
    lines = [
        title,
        f"  macro-F1  {_fraction(scores['macro_f1'])}  (over the {present} "
        f"class{'' if present == 1 else 'es'} present in gold or predictions)",
    ]
    if pair is not None:
        lines.append(
            f"  F_avg     {_fraction(scores['f_avg'])}  (mean F1 of {pair[0]} and {pair[1]})"
        )
    lines += [f"  accuracy  {_fraction(scores['accuracy'])}", ""]
    width = max(len("class"), *(len(label) for label in scores["per_class"]))
    lines.append(f"  {'class':<{width}}  precision  recall      F1  support")
    for label, row in scores["per_class"].items():
        lines.append(
            f"  {label:<{width}}  {row['precision']:>9.4f}  {row['recall']:>6.4f}  "
            f"{row['f1']:>6.4f}  {row['support']:>7}"
        )
    return "\n".join(lines)


def _evaluation_rows(args: argparse.Namespace, metadata: dict[str, Any]) -> pd.DataFrame:
    """The rows to score: those of ``--lang`` when given; else all, with a warning when the
    file mixes in languages the model was not trained on."""
    frame = read_csv(args.data, [args.text_column, args.label_column])
    model_lang = metadata.get("lang")
    if args.label_column != metadata.get("label_column", args.label_column):
        _warn(
            f"--label-column {args.label_column!r} is not the column the model was trained "
            f"on ({metadata['label_column']!r}); check that it holds the same labels"
        )
    langs = sorted(set(frame["lang"])) if "lang" in frame.columns else []
    if args.lang is None:
        others = [lang for lang in langs if lang != model_lang]
        if model_lang and others:
            _warn(
                f"{args.data} has texts in {', '.join(map(repr, others))} but the model was "
                f"trained on {model_lang!r} texts; add --lang {model_lang} to score only those"
            )
        return frame
    if "lang" not in frame.columns:
        raise InputError(f"{args.data}: --lang {args.lang}: the file has no 'lang' column")
    kept = frame[frame["lang"] == args.lang]
    if kept.empty:
        raise InputError(
            f"{args.data}: no rows with lang {args.lang!r} (column 'lang' has "
            f"{', '.join(map(repr, langs))})"
        )
    if model_lang and args.lang != model_lang:
        _warn(f"scoring a model trained on {model_lang!r} texts on {args.lang!r} texts")
    return kept


def _evaluate(args: argparse.Namespace) -> int:
    from stance import evaluate, model_files
    from stance.schema import side_taking_pair

    model = model_files.load_model(args.model)
    classes = [str(label) for label in model.pipeline.classes_]
    frame = _evaluation_rows(args, model.metadata)
    gold = frame[args.label_column].tolist()
    unknown = [
        position for position, label in zip(frame.index, gold, strict=True) if label not in classes
    ]
    if unknown:
        labels = sorted({frame.at[position, args.label_column] for position in unknown})
        more = f" (and {len(labels) - 1} more)" if len(labels) > 1 else ""
        raise InputError(
            f"{args.data}: line {csv_line(args.data, unknown[0])}: column "
            f"{args.label_column!r}: label {frame.at[unknown[0], args.label_column]!r}"
            f"{more} is not a class of the model {args.model} "
            f"({', '.join(classes)})"
        )
    predicted = model.pipeline.predict(frame[args.text_column].tolist()).tolist()
    scores = evaluate.classification_scores(gold, predicted, classes)
    # Macro-F1 over the classes that occur in gold or predictions, as scikit-learn averages by
    # default: a class absent from both has no F1 to average (one correct text scores 1, not
    # 1/3). F_avg and the per-class table still cover the model's classes.
    present = sorted(set(gold) | set(predicted))
    scores["macro_f1"] = evaluate.classification_scores(gold, predicted, present)["macro_f1"]
    scores["macro_f1_classes"] = present
    if args.json:
        print(json.dumps(scores, sort_keys=True))
    else:
        print(
            _scores_text(
                scores,
                side_taking_pair(classes),
                f"{args.model} on {args.data}"
                + (f" (lang {args.lang})" if args.lang else "")
                + f": {scores['n']} texts",
            )
        )
    return 0


# --- benchmark -----------------------------------------------------------------------------


def _targets(value: str | None, known: Sequence[str]) -> list[str]:
    if value is None:
        return list(known)
    targets = list(dict.fromkeys(t.strip() for t in value.split(",")))
    unknown = [t for t in targets if t not in known]
    if unknown:
        raise InputError(
            f"--targets: unknown target {unknown[0]!r} (choose from {', '.join(known)})"
        )
    return targets


def _benchmark_text(result: TweetEvalResult, baselines: Sequence[PublishedScore]) -> str:
    from stance.tweeteval import published_baselines_lines

    table = result.per_target
    lines = [
        "TweetEval stance (SemEval-2016 Task 6): one TF-IDF + logistic-regression model "
        "for all targets run,",
        "selected by cross-validation on train + val only, scored "
        "once on test (scores in percent).",
        "",
        f"  {'target':<10} {'n_train':>7} {'n_test':>6}  {'features':<13} "
        f"{'CV F_avg':>8} {'F_avg':>6} {'macro-F1':>8}",
    ]
    for row in table.itertuples(index=False):
        lines.append(
            f"  {row.target:<10} {row.n_train:>7} {row.n_test:>6}  {row.features:<13} "
            f"{100 * row.cv_score:>8.1f} {100 * row.f_avg:>6.1f} "
            f"{100 * row.macro_f1:>8.1f}"
        )
    lines += [
        "",
        f"Official score (F_avg, test items of all targets pooled): "
        f"{100 * result.official_f_avg:.2f} (95% bootstrap interval "
        f"{100 * result.official_interval['low']:.2f} to "
        f"{100 * result.official_interval['high']:.2f})",
        "",
        "Published results on the same test set, for context (copied from the papers, "
        "NOT re-measured here; [n] = source or note below):",
        *published_baselines_lines(baselines),
    ]
    return "\n".join(lines)


def _benchmark_tweeteval(args: argparse.Namespace) -> int:
    from stance import tweeteval

    targets = _targets(args.targets, tweeteval.TARGETS)
    if args.results_dir is not None and set(targets) != set(tweeteval.TARGETS):
        raise InputError("--results-dir: the results need all five targets (drop --targets)")
    items = (
        tweeteval.load_tweeteval_hub(targets)
        if args.hub
        else tweeteval.load_tweeteval_dir(args.path, targets)
    )
    result = tweeteval.run_tweeteval(items, log=_progress_line if _show_progress() else None)
    if args.json:
        print(json.dumps(result.to_json(), sort_keys=True))
    else:
        print(_benchmark_text(result, tweeteval.PUBLISHED_BASELINES))
    if args.results_dir is not None:
        for path in tweeteval.write_tweeteval_results(result, args.results_dir):
            print(f"wrote {path}", file=sys.stderr)
    return 0


# --- build-dataset -------------------------------------------------------------------------


def _build_dataset(args: argparse.Namespace) -> int:
    if args.raw is None or args.out is None:  # the project's own folders
        config.require_project()
    from stance import constructed

    out = args.out or config.DATASET_DIR
    frame = constructed.build_dataset(args.raw or config.RAW_DIR, out)
    sizes = ", ".join(
        f"{split} {count}"
        for split, count in frame["split"].value_counts().sort_index(ascending=False).items()
    )
    print(
        f"built {out}: {frame['statement_id'].nunique()} statements, {len(frame)} texts "
        f"({sizes} texts)"
    )
    return 0


# --- reproduce, check, report: the project's own notebooks ----------------------------------

EXIT_FAILED = 1  # the command ran but its result is a failure: a notebook failed, a file differs


def _notebooks(paths: Sequence[Path]) -> list[Path]:
    """The notebooks named on the command line, or else the project's numbered notebooks."""
    from stance.reproduce import pipeline_notebooks

    for path in paths:
        if not path.is_file():
            raise InputError(
                f"{path}: no such notebook" if not path.exists() else f"{path}: not a file"
            )
        if path.suffix != ".ipynb":
            raise InputError(f"{path}: not a notebook (expected a .ipynb file)")
    if paths:
        return list(paths)
    notebooks = pipeline_notebooks(config.require_project() / "notebooks")
    if not notebooks:
        raise InputError(f"{config.PROJECT_ROOT / 'notebooks'}: no numbered notebooks (NN_*.ipynb)")
    return notebooks


def _reproduce(args: argparse.Namespace) -> int:
    import time

    from stance.reproduce import run_pipeline
    from stance.results import update_readme

    notebooks = _notebooks(args.notebooks)
    start = time.perf_counter()
    try:
        run_pipeline(notebooks, log=lambda line: print(line, flush=True))
    except RuntimeError as error:  # "NN_name.ipynb: <the last line of its error>"
        _fail(str(error))
        return EXIT_FAILED
    print(f"All {len(notebooks)} notebooks ran in {time.perf_counter() - start:.1f} s.")
    if not args.notebooks and update_readme():
        print("README.md: result tables refreshed from results/.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from stance.reproduce import check

    root = config.require_project()
    if not (root / ".git").exists():
        raise InputError(
            f"{root}: not a git repository; 'stance check' rebuilds a clone of its committed HEAD"
        )
    differences = check(root, log=lambda line: print(line, flush=True))
    for line in differences:
        print(f"DIFFERS  {line}")
    print(
        "The rebuild matches the commit."
        if not differences
        else f"{len(differences)} file(s) differ from the commit."
    )
    return EXIT_FAILED if differences else 0


def _report(args: argparse.Namespace) -> int:
    from stance.report import build_report

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise InputError(f"{args.out}: --out is a file; give a folder")
    notebooks = _notebooks([])
    index = build_report(notebooks, args.out, config.PROJECT_ROOT)
    print(f"report written: open {index} in a browser")
    return 0


# --- the parser ----------------------------------------------------------------------------


def _command(
    subparsers: Any,
    name: str,
    summary: str,
    description: str,
    examples: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=_HelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def _group(
    subparsers: Any,
    name: str,
    summary: str,
    description: str,
    examples: str,
    metavar: str,
    dest: str | None = None,
) -> Any:
    """A command with subcommands of its own (``stance benchmark``, ``stance corpus``): the
    subparsers to add them to."""
    group = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=_HelpFormatter,
    )
    return group.add_subparsers(dest=dest or name, required=True, metavar=metavar)


def _add_input_arguments(
    command: argparse.ArgumentParser, *, model: bool, label_help: str | None
) -> None:
    """The arguments every command that reads a CSV shares: [--model,] --data, --text-column
    [and --label-column], declared once so their wording stays the same everywhere."""
    if model:
        command.add_argument(
            "--model",
            type=_path,
            required=True,
            metavar="MODEL.skops",
            help="a model written by 'stance train'",
        )
    command.add_argument(
        "--data", type=_path, required=True, metavar="CSV", help="UTF-8 CSV with a header row"
    )
    command.add_argument("--text-column", required=True, metavar="COL", help="column of texts")
    if label_help:
        command.add_argument("--label-column", required=True, metavar="COL", help=label_help)


def build_parser() -> argparse.ArgumentParser:
    """The ``stance`` parser with every subcommand (exposed for documentation and tests)."""
    parser = _Parser(
        prog=PROG,
        description="Stance classification with transparent TF-IDF + logistic-regression "
        "models: train on any labelled CSV, predict, evaluate, run the TweetEval "
        "stance benchmark, build the project's dataset, and reproduce, check and "
        "report the project's notebooks. Errors are one line 'stance: error: ...' "
        "with exit code 2.",
        epilog="examples:\n"
        "  stance train --data train.csv --text-column text --label-column stance "
        "--out model.skops\n"
        "  stance predict --model model.skops --data new.csv --text-column text "
        "--out predicted.csv\n"
        "  stance COMMAND --help",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {stance.__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(subparsers)
    _add_predict(subparsers)
    _add_evaluate(subparsers)
    _add_benchmark(subparsers)
    _add_build(subparsers)
    _add_corpus(subparsers)
    _add_speeches(subparsers)
    _add_reproduce(subparsers)
    _add_check(subparsers)
    _add_report(subparsers)
    _add_adapt(subparsers)
    return parser


def _add_train(subparsers: Any) -> None:
    """``stance train``: fit and save a model from a labelled CSV."""
    train = _command(
        subparsers,
        "train",
        "select and fit a model on a labelled CSV",
        "Select features and hyper-parameters by stratified cross-validation (grouped when "
        "--group-column is given, so texts of one group never straddle a fold), refit the best "
        "on all rows and save it as a skops file. Labels are the strings of the label column: "
        "any names, two classes or more. Prints the classes, the number of texts, the chosen "
        "parameters and the cross-validated macro-F1.",
        "  stance train --data train.csv --text-column text --label-column stance "
        "--out model.skops\n"
        "  stance train --data tr.csv --text-column text --label-column stance "
        "--group-column source --lang tr --features word+char --target ukraine --out tr.skops",
        _train,
    )
    _add_input_arguments(train, model=False, label_help="column of labels")
    train.add_argument(
        "--group-column",
        metavar="COL",
        help="column of group ids; cross-validation folds keep each group whole",
    )
    train.add_argument(
        "--lang",
        type=_language,
        default="en",
        help="language of the texts (default en); it only selects the text "
        "normaliser: tr gives Turkish-aware lowercasing (İ→i, I→ı), any "
        "other code plain Unicode lowercasing",
    )
    train.add_argument(
        "--features",
        default="auto",
        metavar="KIND",
        help="auto (default: choose by CV), word, char or word+char n-grams",
    )
    train.add_argument(
        "--metric",
        default="auto",
        choices=("auto", "macro_f1", "f_avg", "accuracy"),
        help="what model selection maximises: auto (default) is f_avg, the mean F1 "
        "of the two side-taking classes, when the labels hold support/"
        "opposition or favor/against (what stance benchmarks report), "
        "else macro_f1",
    )
    train.add_argument(
        "--target",
        metavar="NAME",
        help="what the stance is toward, recorded in the model file "
        "(default: the label column's name)",
    )
    train.add_argument(
        "--out", type=_path, required=True, metavar="MODEL.skops", help="model file to write"
    )


def _add_predict(subparsers: Any) -> None:
    """``stance predict``: label a CSV (or Parquet shards) with a saved model."""
    predict = _command(
        subparsers,
        "predict",
        "label the texts of a CSV (or Parquet files) with a trained model",
        "Write the input rows with a 'predicted' column and one 'proba_<label>' column per "
        "class (in the model's class order; --prefix NAME names them NAME_predicted, "
        "NAME_proba_<label>). Empty text gets an empty label. The local engine (default) "
        "streams one CSV in chunks over --jobs worker processes, so memory stays bounded "
        "however long the file, and writes a CSV (6 decimals) in input order. The dask engine "
        "reads CSV or Parquet files matched by a glob on a Dask cluster (a local one, or "
        "--scheduler) and writes a folder of Parquet files; on one machine the local engine "
        "is faster. Either way the output appears only when complete. When the data has a "
        "'lang' column, --lang keeps the rows of one language, and a warning names languages "
        "the model was not trained on. Progress is shown on stderr when it is a terminal.",
        "  stance predict --model model.skops --data new.csv --text-column text "
        "--out predicted.csv\n"
        "  stance predict --model model.skops --data huge.csv --text-column body "
        "--chunksize 50000 --jobs 4 --out huge.predicted.csv\n"
        "  stance predict --model en.skops --data mixed.csv --text-column text --lang en "
        "--prefix rfp --out mixed.en.csv\n"
        "  stance predict --model model.skops --data 'shards/*.parquet' --text-column text "
        "--engine dask --scheduler tcp://host:8786 --out predicted/",
        _predict,
    )
    predict.add_argument(
        "--model",
        type=_path,
        required=True,
        metavar="MODEL.skops",
        help="a model written by 'stance train'",
    )
    predict.add_argument(
        "--data",
        required=True,
        metavar="CSV|GLOB",
        help="UTF-8 CSV with a header row; with --engine dask, a path or glob "
        "of CSV or Parquet files (quote it), local or an fsspec URL",
    )
    predict.add_argument("--text-column", required=True, metavar="COL", help="column of texts")
    predict.add_argument(
        "--out",
        type=_path,
        required=True,
        metavar="PATH",
        help="CSV file to write; with --engine dask, a folder of Parquet files",
    )
    predict.add_argument(
        "--chunksize",
        type=_positive_int,
        default=DEFAULT_CHUNKSIZE,
        metavar="N",
        help=f"rows per chunk (default {DEFAULT_CHUNKSIZE:,}; local engine)",
    )
    predict.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="worker processes (default: one per core); 1 runs in this "
        "process; with --engine dask, the workers of the local cluster",
    )
    predict.add_argument(
        "--prefix",
        default="",
        metavar="NAME",
        help="name the added columns NAME_predicted and NAME_proba_<label>",
    )
    predict.add_argument(
        "--lang",
        type=_language,
        metavar="CODE",
        help="label only the rows whose 'lang' column is CODE (e.g. en)",
    )
    predict.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default): worker processes on this machine; dask: a "
        "Dask cluster, Parquet output",
    )
    predict.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running scheduler (tcp://host:8786); "
        "default: start a local cluster, one worker per --jobs",
    )


def _add_evaluate(subparsers: Any) -> None:
    """``stance evaluate``: score a saved model on a labelled CSV."""
    evaluate = _command(
        subparsers,
        "evaluate",
        "score a trained model on a labelled CSV",
        "Print macro-F1, F_avg (the SemEval stance score: mean F1 of the two side-taking "
        "classes, when the labels include support/opposition or favor/against), accuracy, "
        "the number of texts, and per-class precision, recall, F1 and support. Macro-F1 "
        "averages over the classes present in the gold labels or the predictions (as "
        "scikit-learn does). Every label in the file must be a class of the model. Warns "
        "when the file has a 'lang' column with languages the model was not trained on "
        "(use --lang), or when --label-column is not the model's label column.",
        "  stance evaluate --model model.skops --data test.csv --text-column text "
        "--label-column stance\n"
        "  stance evaluate --model en.skops --data test.csv --text-column text "
        "--label-column stance --lang en --json | jq .macro_f1",
        _evaluate,
    )
    _add_input_arguments(evaluate, model=True, label_help="column of gold labels")
    evaluate.add_argument(
        "--lang",
        type=_language,
        metavar="CODE",
        help="score only the rows whose 'lang' column is CODE (e.g. en)",
    )
    evaluate.add_argument(
        "--json", action="store_true", help="print one JSON object (sorted keys) instead of a table"
    )


def _add_benchmark(subparsers: Any) -> None:
    """``stance benchmark tweeteval``: the SemEval-2016 / TweetEval stance benchmark."""
    benchmarks = _group(
        subparsers,
        "benchmark",
        "run a public benchmark",
        "Run a public benchmark with the project's models.",
        "  stance benchmark tweeteval --help",
        "BENCHMARK",
    )
    tweeteval = _command(
        benchmarks,
        "tweeteval",
        "SemEval-2016 Task 6 stance, in TweetEval's layout",
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
        _benchmark_tweeteval,
    )
    source = tweeteval.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--path", type=_path, metavar="DIR", help="folder with one sub-folder per target"
    )
    source.add_argument(
        "--hub",
        action="store_true",
        help="load cardiffnlp/tweet_eval from the Hugging Face hub (network)",
    )
    tweeteval.add_argument(
        "--targets", metavar="LIST", help="comma-separated targets (default: all five)"
    )
    tweeteval.add_argument(
        "--json", action="store_true", help="print one JSON object (sorted keys) instead of tables"
    )
    tweeteval.add_argument(
        "--results-dir",
        type=_path,
        metavar="DIR",
        help="also write tweeteval.json, tweeteval.md and tweeteval_summary.md there (make "
        "benchmark-tweeteval writes the project's results/)",
    )


def _add_build(subparsers: Any) -> None:
    """``stance build``: rebuild the constructed dataset from its raw sources."""
    build = _command(
        subparsers,
        "build-dataset",
        "build the project's dataset from its raw sources",
        "Read, validate, split and leakage-check the raw sources and write the dataset "
        "folder (one CSV per split and the dataset card). The folder is replaced only when "
        "everything succeeded; malformed raw input is reported with its file and row.",
        "  stance build-dataset\n  stance build-dataset --raw my/raw --out /tmp/statements",
        _build_dataset,
    )
    build.add_argument(
        "--raw", type=_path, metavar="DIR", help="raw sources (default: the project's data/raw/)"
    )
    build.add_argument(
        "--out",
        type=_path,
        metavar="DIR",
        help="dataset folder to write (default: the project's data/statements/)",
    )


def _add_corpus(subparsers: Any) -> None:
    """``stance corpus fetch`` and ``stance corpus build``: the public corpora, and the
    real-text dataset rebuilt from them."""
    corpus_commands = _group(
        subparsers,
        "corpus",
        "get the public corpora of real statements",
        "Get the public corpora the real-statement set is rebuilt from. The project commits "
        "sentence ids, hashes and labels, never the corpus text.",
        "  stance corpus fetch --help",
        "ACTION",
        dest="corpus_command",
    )
    fetch = _command(
        corpus_commands,
        "fetch",
        "copy and check a corpus into data/external/",
        "Copy the documents listed in the corpus's committed manifest (data/real/"
        "CORPUS_manifest.csv) from --source into data/external/CORPUS/, checking the SHA-256 "
        "of every document (for ungdc also the speaker list Speakers_by_session.xlsx, checked "
        "against data/real/ungdc_files.csv; beside the archive when the archive lacks it); the "
        "folder is replaced only when all of them match. --source is a "
        "local folder (the publisher's layout, at any depth), a local archive (the UNGDC "
        ".tgz), or a URL or doi: path that is downloaded (pooch: progress, cache in .cache/). "
        "Without --source: $STANCE_UNGDC, $STANCE_PRESIDENTIAL, $STANCE_MIDE22 or "
        "$STANCE_SATIRETR if set, else the publisher (network): Harvard Dataverse "
        "doi:10.7910/DVN/0TJX8Y for ungdc, the repository PeiYiZhuo/zelenskyy-putin for "
        "presidential, the archives of ogozcelik/MiDe22 and auotomaton/satireTR at a pinned "
        "commit for mide22 and aa. Tweets and articles are checked one by one (SHA-256 of "
        "the text).",
        "  stance corpus fetch ungdc --source ~/Downloads/UNGDC_1946-2024.tgz\n"
        "  stance corpus fetch ungdc --source ~/corpora/ungdc\n"
        "  stance corpus fetch presidential --source ~/zelenskyy-putin/press_release_data\n"
        "  stance corpus fetch mide22 --source ~/MiDe22/dataset\n"
        "  stance corpus fetch aa --source ~/satireTR\n"
        "  STANCE_UNGDC=~/corpora/ungdc stance corpus fetch ungdc",
        _corpus_fetch,
    )
    fetch.add_argument(
        "corpus",
        choices=("ungdc", "presidential", "mide22", "aa"),
        help="ungdc (UN General Debate speeches), presidential (Kremlin and "
        "Ukrainian presidential press releases), mide22 (MiDe22 Turkish and English tweets) "
        "or aa (Anadolu Agency news articles, from SatireTR)",
    )
    fetch.add_argument(
        "--source",
        metavar="PATH_OR_URL",
        help="folder, archive, URL or doi: path (default: the corpus's "
        "environment variable, else the publisher)",
    )
    _command(
        corpus_commands,
        "build",
        "rebuild the real-text dataset from the fetched corpora",
        "Split the fetched speeches, press releases and news articles into sentences, read "
        "the tweets, join the committed labels of data/real/ by id, check every text's "
        "SHA-256, assign the grouped splits, add the committed Turkish translations and write "
        "data/external/real_statements/ (train.csv, test.csv and a dataset card). The folder "
        "is replaced only when everything succeeded. Notebook 07 does the same.",
        "  make corpora && stance corpus build",
        _corpus_build,
    )


def _add_speeches(subparsers: Any) -> None:
    """``stance speeches``: speech-level stance of UN General Debate speeches."""
    speeches = _command(
        subparsers,
        "speeches",
        "score the UN General Debate speeches of chosen states and sessions",
        "Score every keyword sentence (stance.corpora.mentions_target) of the chosen states' "
        "General Debate speeches for one target and write one row per speech that exists in "
        "the corpus, including speeches with no keyword sentence (sentences 0, net stance "
        "empty): the number of sentences, how many are predicted support and opposition, their "
        "shares, net stance (share support - share opposition) and its 95% bootstrap interval "
        "over the speech's sentences. By default the shipped English model of the target "
        "scores them (reserved states may be scored: they are never labelled or tuned on); "
        "--cross-fitted scores each state with a model of the shipped design trained without "
        "that state's labelled sentences (as notebook 08 does; needs the built real dataset). "
        "The corpus is the fetched copy in data/external/ungdc unless --corpus is given.",
        "  stance speeches --iso3 TUR,HUN,IND --sessions 60-79 --out speeches.csv\n"
        "  stance speeches --iso3 BRA --sessions 77,78 --target ukraine_operation "
        "--sentences sentences.csv --out speeches.csv\n"
        "  stance speeches --sessions 79 --cross-fitted --out all_2024.csv",
        _speeches,
    )
    speeches.add_argument(
        "--iso3",
        metavar="CODES",
        help="comma-separated ISO3 codes (default: every state in the corpus)",
    )
    speeches.add_argument(
        "--sessions",
        required=True,
        metavar="RANGE",
        help="sessions, e.g. 60-79 or 69,72,75-79 (session 79 is 2024)",
    )
    speeches.add_argument(
        "--target",
        default="russian_foreign_policy",
        choices=("russian_foreign_policy", "ukraine_operation"),
        help="what to score stance toward (default: russian_foreign_policy)",
    )
    speeches.add_argument(
        "--out", type=_path, required=True, metavar="CSV", help="the per-speech table to write"
    )
    speeches.add_argument(
        "--sentences", type=_path, metavar="CSV", help="also write the scored sentences here"
    )
    scorer = speeches.add_mutually_exclusive_group()
    scorer.add_argument(
        "--model",
        type=_path,
        metavar="MODEL.skops",
        help="a model file to score with (default: models/TARGET_en.skops)",
    )
    scorer.add_argument(
        "--cross-fitted",
        action="store_true",
        help="score each state with a model that never saw its labelled sentences",
    )
    speeches.add_argument(
        "--corpus", type=_path, metavar="DIR", help="the UN General Debate corpus folder"
    )


def _add_reproduce(subparsers: Any) -> None:
    """``stance reproduce``: run the notebooks in order."""
    reproduce = _command(
        subparsers,
        "reproduce",
        "run the project's notebooks in order, saving their outputs",
        "Execute the project's numbered notebooks (notebooks/NN_*.ipynb) in order, each in its "
        "own folder, and save each in place with its outputs; the notebooks rebuild the "
        "dataset, models, figures and results. Prints each notebook's progress and run time. "
        "Deterministic where Jupyter allows (no timing metadata, PYTHONHASHSEED=0), so a "
        "second run rewrites identical bytes. Without NOTEBOOK arguments every numbered "
        "notebook runs and the README's result tables are refreshed from results/; with them, "
        "only those run, in the order given. The first notebook that fails stops the run "
        "with one line naming it and its error (exit 1), and is left as it was. 'make "
        "reproduce' runs this after setting up .venv and fetching the corpora.",
        "  stance reproduce\n"
        "  stance reproduce notebooks/03_train_stance.ipynb notebooks/04_evaluate_stance.ipynb\n"
        "  stance reproduce && git status --short   # from a clean checkout: prints nothing",
        _reproduce,
    )
    reproduce.add_argument(
        "notebooks",
        nargs="*",
        type=_path,
        metavar="NOTEBOOK",
        help="a notebook to run (default: every numbered notebook)",
    )


def _add_check(subparsers: Any) -> None:
    """``stance check``: rebuild a clean clone and compare every output."""
    _command(
        subparsers,
        "check",
        "rebuild a clean clone of HEAD and list every file that differs",
        "Clone the project's last commit into a temporary folder, run 'stance reproduce' "
        "there with the clone's own code (the fetched corpora of data/external/ are linked "
        "in, not copied), and list, file by file, everything that came out different from "
        "the commit: for a notebook, the code cells whose outputs differ; for any other file, "
        "whether its content differs, it was not rebuilt, or it is new. Exit 0 when the "
        "rebuild matches the commit, 1 when anything differs. The work tree is never "
        "touched, so uncommitted changes are not checked. Takes as long as 'stance "
        "reproduce'; 'make check' runs this after fetching the corpora.",
        "  stance check\n  stance check && git push",
        _check,
    )


def _add_report(subparsers: Any) -> None:
    """``stance report``: a static HTML site of the executed notebooks."""
    report = _command(
        subparsers,
        "report",
        "render the executed notebooks to a static HTML site",
        "Write DIR/index.html (the headline result tables and figures, read from the "
        "committed results/ and figures/, and each notebook's title and question) and one page "
        "per numbered notebook with its committed outputs inline, linked to the index and to "
        "the previous and next notebook. Nothing is executed. The site loads nothing from the "
        "network, so it opens offline and can be copied anywhere as one folder; building it "
        "twice writes the same bytes. 'make report' runs this.",
        "  stance report\n  stance report --out /tmp/site && xdg-open /tmp/site/index.html",
        _report,
    )
    report.add_argument(
        "--out", type=_path, metavar="DIR", help="folder to write (default: the project's report/)"
    )


def _add_adapt(subparsers: Any) -> None:
    adapt = _command(
        subparsers,
        "adapt",
        "the whole flow (split, train, evaluate, plot) on your labelled CSV",
        "Check a labelled CSV and the parameters as the template will (one-line errors before "
        "any kernel starts), run notebooks/adapt_template.ipynb on it into --out, write an HTML "
        "copy of the executed notebook and print the headline test scores. 'make adapt' runs "
        "this.",
        "  stance adapt --data comments.csv --text-column text --label-column stance\n"
        "  stance adapt --data tr.csv --text-column metin --label-column tutum --lang tr "
        "--target nato --out build/nato",
        _adapt,
    )
    adapt.add_argument("--data", type=_path, required=True, metavar="CSV", help="UTF-8 CSV")
    adapt.add_argument("--text-column", required=True, metavar="COL", help="column of texts")
    adapt.add_argument("--label-column", required=True, metavar="COL", help="column of labels")
    adapt.add_argument(
        "--group-column",
        metavar="COL",
        help="column of group ids; a group never straddles the split",
    )
    adapt.add_argument("--lang", default="en", help="language code of the texts (default en)")
    adapt.add_argument(
        "--target", metavar="NAME", help="what the stance is toward (default: the label column)"
    )
    adapt.add_argument(
        "--out",
        type=_path,
        default=Path(config.ADAPT_OUTPUT_DIR),
        metavar="DIR",
        help=f"folder for everything the run writes (default {config.ADAPT_OUTPUT_DIR})",
    )
    adapt.add_argument(
        "--check",
        action="store_true",
        help="only check the inputs (and create --out); do not run the notebook",
    )


def _adapt(args: argparse.Namespace) -> int:
    from stance import adapt

    return adapt.run(args, _warn)


def _corpus_build(args: argparse.Namespace) -> int:
    config.require_project()
    from stance import real

    frame = real.build_real_dataset()
    counts = frame["split"].value_counts()
    print(
        f"real text: {len(frame)} items ({counts.get('train', 0)} train, "
        f"{counts.get('test', 0)} test) written to {config.REAL_DATASET_DIR}"
    )
    return 0


def _corpus_fetch(args: argparse.Namespace) -> int:
    config.require_project()
    from stance import fetch

    destination = fetch.fetch(
        args.corpus, args.source, log=_progress_line if _show_progress() else None
    )
    print(f"{args.corpus}: fetched into {destination}")
    return 0


def _speeches(args: argparse.Namespace) -> int:
    from stance import model_files, real, speeches
    from stance.io import atomic_write_text

    try:
        sessions = speeches.parse_sessions(args.sessions)
    except ValueError as error:
        raise InputError(f"--sessions: {error}") from None
    states = None
    if args.iso3:
        states = [code.strip().upper() for code in args.iso3.split(",") if code.strip()]
        if not states:
            raise InputError("--iso3: no ISO3 code given")
    outputs = [args.out, *([args.sentences] if args.sentences else [])]
    for path, option in zip(outputs, ("--out", "--sentences"), strict=False):
        check_output_path(path, option)
    if args.sentences:
        check_distinct_paths(args.out, args.sentences, "--out", "--sentences")
    if args.corpus is None:
        config.require_project()
    corpus = args.corpus or config.corpus_dir("ungdc")
    if not Path(corpus).is_dir():
        raise InputError(
            f"{corpus}: no UN General Debate corpus here (run: stance corpus fetch ungdc, "
            "or give --corpus)"
        )
    chosen = speeches.chosen_speeches(Path(corpus), states, sessions)
    if args.model is None:
        config.require_project()
    model_file = args.model or config.MODELS_DIR / f"{args.target}_en.skops"
    if not Path(model_file).is_file():
        raise InputError(f"{model_file}: no such model file (run make reproduce, or give --model)")
    model = model_files.load_model(model_file)
    if model.metadata.get("target") not in (None, args.target):
        _warn(
            f"{model_file} predicts {model.metadata.get('target')!r}, not --target {args.target!r}"
        )
    labelled = None
    if args.cross_fitted:
        labelled = real.select(real.load_real_statements(), "en", ("speech", "press_release"))
    table, scored = speeches.score_speeches(
        chosen, model.pipeline, args.target, labelled, n_jobs=config.N_JOBS
    )
    shown = Path(model_file)
    if args.model is None:  # the shipped model, named as the project names it
        shown = shown.relative_to(config.PROJECT_ROOT)
    how = f"models of {shown}'s design, cross-fitted by state" if args.cross_fitted else str(shown)
    table = table.assign(model=how)
    atomic_write_text(args.out, table.to_csv(index=False))
    if args.sentences:
        atomic_write_text(args.sentences, scored.to_csv(index=False))
    empty = int((table["sentences"] == 0).sum())
    print(
        f"scored {len(scored):,} keyword sentences of {len(table):,} speeches ({empty:,} without "
        f"a keyword sentence) toward {args.target} with {how}; wrote {args.out}"
        + (f" and {args.sentences}" if args.sentences else "")
    )
    return 0


def _warn(message: str) -> None:
    """A one-line warning on stderr: the command goes on, but the user should know."""
    print(f"{PROG}: warning: {' '.join(message.splitlines())}", file=sys.stderr)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad input or usage, 130 Ctrl-C)."""
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C: outputs are atomic, so nothing half-written is left
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors, already printed
        return int(stop.code or 0)
    if not getattr(args, "hub", False):
        config.quiet_offline_environment()
    try:
        return args.handler(args)
    except (InputError, config.ProjectNotFoundError) as error:
        return _fail(str(error))
    except BrokenPipeError:  # stdout closed early (``stance ... | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:  # e.g. an unwritable --out, named by stance.io.atomic_write
        return _fail(f"{error.filename}: {error.strerror}" if error.filename else str(error))
