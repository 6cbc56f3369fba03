"""The SemEval-2016 Task 6 stance benchmark in TweetEval's layout, run with a TF-IDF model.

Why it is here: the project's own test split is small and mostly constructed, so a public
benchmark shows whether a transparent TF-IDF + logistic-regression model is in the range of
published systems on real tweets. The protocol follows TweetEval:

* five targets (abortion, atheism, climate, feminist, hillary), each with fixed train, validation
  and test splits and labels ``0`` none, ``1`` against, ``2`` favor;
* the model is selected by cross-validation on train + validation only (the test split is used
  once, for scoring, never for tuning or for choosing the design);
* the official score is the mean of F1(against) and F1(favor) on the test predictions of all
  targets pooled, as in TweetEval's ``evaluaton_script.py`` and SemEval-2016's F_avg.

The model is :class:`stance.tweet_models.TweetStanceClassifier`: one model for the targets
given, with target-marked character n-gram TF-IDF features and VADER scores (its module says
what was tried and why this design won, with the validation numbers). So the score of one
target depends on which other targets are run with it; the published numbers are for all five.
The project's generic per-target pipeline (:func:`stance.model_selection.select_model`) scored about
65.8 here.

Data come from local files (``DIR/<target>/{train,val,test}_{text,labels}.txt``) or from the
Hugging Face hub (``cardiffnlp/tweet_eval``); both become the same table (:data:`ITEM_COLUMNS`)
and share everything downstream. :func:`write_tweeteval_results` writes the run as
``results/tweeteval.json`` and ``results/tweeteval.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from stance import config, evaluate, model_selection, tweet_models
from stance.io import InputError, atomic_write_text, read_text

TARGETS = ("abortion", "atheism", "climate", "feminist", "hillary")
#: Label names by TweetEval's label id (0, 1, 2), the same in the files and on the hub.
LABELS = ("none", "against", "favor")
#: The side-taking pair of the official score, as (for, against).
OFFICIAL_PAIR = ("favor", "against")
SPLITS = ("train", "val", "test")
#: Hub split name → the split name of the local files.
HUB_SPLITS = {"train": "train", "validation": "val", "test": "test"}
HUB_DATASET = "cardiffnlp/tweet_eval"
ITEM_COLUMNS = ("target", "split", "text", "label")


@dataclass(frozen=True)
class PublishedScore:
    """A published official score (F_avg, in percent) on the same test set, with its source and
    an optional note that applies to this row only (e.g. how a number was averaged)."""

    system: str
    f_avg_percent: float
    source: str
    note: str = ""


_TWEETEVAL_PAPER = "Barbieri et al. 2020, TweetEval (Findings of EMNLP), Table 3, test"
_TWEETEVAL_LEADERBOARD = "TweetEval leaderboard, github.com/cardiffnlp/tweeteval README"
_SEMEVAL_2016 = "Mohammad et al. 2016, SemEval-2016 Task 6 (subtask A), official results"

#: Published results for context only: they are copied from the sources, not re-measured here.
#: A row-specific remark goes in ``note``, never in the shared ``source`` (else every row citing
#: that source would seem to carry it).
PUBLISHED_BASELINES = (
    PublishedScore("SVM (TweetEval)", 67.3, _TWEETEVAL_PAPER),
    PublishedScore("FastText (TweetEval)", 65.4, _TWEETEVAL_PAPER),
    PublishedScore("RoBERTa-base (TweetEval)", 68.0, _TWEETEVAL_PAPER, "mean of 3 runs"),
    PublishedScore("RoBERTa-retrained (TweetEval)", 69.3, _TWEETEVAL_PAPER),
    PublishedScore("BERTweet", 71.2, _TWEETEVAL_LEADERBOARD),
    PublishedScore("TimeLMs-2021", 72.9, _TWEETEVAL_LEADERBOARD),
    PublishedScore("Majority class (SemEval-2016)", 65.22, _SEMEVAL_2016),
    PublishedScore("SVM word + char n-grams (SemEval-2016 organisers)", 68.98, _SEMEVAL_2016),
    PublishedScore("MITRE, best team (SemEval-2016)", 67.82, _SEMEVAL_2016),
)


def published_baselines_lines(
    baselines: Sequence[PublishedScore] = PUBLISHED_BASELINES, markdown: bool = False
) -> list[str]:
    """The published scores as table lines with numbered footnotes, then the footnotes.

    Each source and each note is one footnote, numbered in order of first use; a row carries
    the numbers of its own source and note only, so a note on one row (RoBERTa-base's "mean
    of 3 runs") never attaches to another row citing the same paper. ``markdown`` gives a
    Markdown table followed by ``[n] text`` lines (ending in two spaces, a Markdown line
    break), else aligned text lines for a terminal.
    """
    numbers: dict[str, int] = {}
    for score in baselines:
        for text in (score.source, score.note):
            if text and text not in numbers:
                numbers[text] = len(numbers) + 1
    marks = [[numbers[t] for t in (score.source, score.note) if t] for score in baselines]
    if markdown:
        lines = ["| system | F_avg | sources and notes |", "|---|---:|---|"]
        lines += [
            f"| {score.system} | {score.f_avg_percent:.2f} | {', '.join(f'[{n}]' for n in mark)} |"
            for score, mark in zip(baselines, marks, strict=True)
        ]
        return [*lines, "", *(f"[{n}] {text}  " for text, n in numbers.items())]
    width = max(len(score.system) for score in baselines)
    lines = [
        f"  {score.system:<{width}}  {score.f_avg_percent:>5.2f}  "
        f"{' '.join(f'[{n}]' for n in mark)}"
        for score, mark in zip(baselines, marks, strict=True)
    ]
    return [*lines, *(f"  [{n}] {text}" for text, n in numbers.items())]


# --- loading -------------------------------------------------------------------------------


def _label_names(ids: Sequence[Any], where: Callable[[int], str]) -> list[str]:
    """Label names for TweetEval label ids given as ints (hub) or strings (files)."""
    names = []
    for position, value in enumerate(ids):
        key = str(value).strip()
        if key not in {"0", "1", "2"}:
            raise InputError(
                f"{where(position)}: label {value!r} is not 0 (none), 1 (against) or 2 (favor)"
            )
        names.append(LABELS[int(key)])
    return names


def _items(target: str, split: str, texts: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"target": target, "split": split, "text": list(texts), "label": list(labels)},
        columns=list(ITEM_COLUMNS),
    )


def _lines(path: Path) -> list[str]:
    """The lines of a TweetEval file: split on ``\\n`` (as TweetEval's own scorer does, so a
    tweet holding another Unicode line break stays one item), final newline optional."""
    lines = read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def load_tweeteval_dir(
    path: str | os.PathLike[str], targets: Sequence[str] = TARGETS
) -> pd.DataFrame:
    """Read the stance task from TweetEval's file layout into one table of :data:`ITEM_COLUMNS`.

    Each ``<split>_labels.txt`` must have one label per line of ``<split>_text.txt``; a missing
    target folder or file, a count mismatch or an unknown label is an :class:`InputError`
    naming the file.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: no such directory")
    parts = []
    for target in targets:
        folder = root / target
        if not folder.is_dir():
            raise InputError(f"{folder}: missing target directory for {target!r}")
        for split in SPLITS:
            text_path, labels_path = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
            texts, ids = _lines(text_path), _lines(labels_path)
            if len(ids) != len(texts):
                raise InputError(
                    f"{labels_path}: {len(ids)} labels for {len(texts)} texts in {text_path.name}"
                )
            if not texts:
                raise InputError(f"{text_path}: no items")
            labels = _label_names(ids, lambda i, p=labels_path: f"{p}: line {i + 1}")
            parts.append(_items(target, split, texts, labels))
    return pd.concat(parts, ignore_index=True)


def tweeteval_from_hub(dataset_dicts: Mapping[str, Any]) -> pd.DataFrame:
    """Convert ``{target: DatasetDict}`` (the hub's ``stance_<target>`` configs) to the table
    :func:`load_tweeteval_dir` returns, checking the splits and the label names."""
    parts = []
    for target, splits in dataset_dicts.items():
        name = f"{HUB_DATASET} stance_{target}"
        for hub_split, split in HUB_SPLITS.items():
            if hub_split not in splits:
                raise InputError(f"{name}: no {hub_split!r} split")
            dataset = splits[hub_split]
            names = getattr(dataset.features["label"], "names", None)
            if names is not None and tuple(names) != LABELS:
                raise InputError(f"{name}: label names {names} differ from {list(LABELS)}")
            labels = _label_names(
                dataset["label"], lambda i, where=f"{name} {hub_split}": f"{where}: item {i}"
            )
            parts.append(_items(target, split, dataset["text"], labels))
    return pd.concat(parts, ignore_index=True)


def load_tweeteval_hub(targets: Sequence[str] = TARGETS) -> pd.DataFrame:
    """Download (or reuse from the project's cache) the stance configs of TweetEval on the hub.

    The only code path of the project that uses the network: it lifts the offline switches that
    :func:`stance.config.quiet_offline_environment` sets, so call it in a fresh process.
    """
    os.environ["HF_HUB_OFFLINE"] = os.environ["HF_DATASETS_OFFLINE"] = "0"
    import datasets  # imported late: it reads the offline switches at import time

    loaded = {}
    for target in targets:
        try:
            loaded[target] = datasets.load_dataset(
                HUB_DATASET, f"stance_{target}", cache_dir=str(config.CACHE_DIR / "datasets")
            )
        except (OSError, ValueError) as error:  # network, missing config, hub errors
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise InputError(
                f"{HUB_DATASET} stance_{target}: could not load "
                f"({type(error).__name__}: {detail[:160]})"
            ) from None
    return tweeteval_from_hub(loaded)


# --- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TweetEvalResult:
    """Per-target scores, the test predictions, the official score with its 95% bootstrap
    interval over test tweets (``{"point", "low", "high"}``), pooled scores, and how the
    model was selected (``selection``: metric, CV score, folds, every candidate's CV score and
    the chosen configuration)."""

    per_target: pd.DataFrame
    predictions: pd.DataFrame
    official_f_avg: float
    official_interval: dict[str, float]
    pooled: dict[str, Any]
    selection: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly summary: scores as fractions (0-1), published baselines in percent,
        and each target's test predictions in file order (for paired comparisons). It holds no
        timing or path, so the same data give the same JSON."""
        return {
            "benchmark": "TweetEval stance (SemEval-2016 Task 6)",
            "official_metric": "F_avg = mean of F1(against) and F1(favor), test items of all "
            "targets pooled",
            "official_f_avg": round(self.official_f_avg, 4),
            "official_f_avg_percent": round(100 * self.official_f_avg, 2),
            "official_f_avg_interval_percent": {
                "low": round(100 * self.official_interval["low"], 2),
                "high": round(100 * self.official_interval["high"], 2),
                "method": "95% percentile bootstrap over test tweets, 1,000 resamples, "
                "the project's seed",
            },
            "pooled": self.pooled,
            "model": MODEL_DESCRIPTION,
            "selection": self.selection,
            # one model serves all targets run together: each target's configuration is it
            "per_target": {
                row["target"]: {
                    **{k: v for k, v in row.items() if k != "target"},
                    "configuration": self.selection["configuration"],
                }
                for row in self.per_target.to_dict(orient="records")
            },
            "predictions": {
                target: rows["predicted"].tolist()
                for target, rows in self.predictions.groupby("target", sort=False)
            },
            "published_baselines": [
                {
                    "system": score.system,
                    "f_avg_percent": score.f_avg_percent,
                    "source": score.source,
                    "note": score.note,
                }
                for score in PUBLISHED_BASELINES
            ],
            "published_baselines_note": "copied from the cited papers, not re-measured here",
        }


MODEL_DESCRIPTION = (
    "TF-IDF character 2-5-grams of normalised tweets (+ word 1-2-grams and VADER scores "
    "when selected), marked by target, multinomial logistic regression with class "
    "weights balanced per target; one model for all targets run together "
    "(stance.tweet_models.TweetStanceClassifier)"
)


def run_tweeteval(
    items: pd.DataFrame, log: Callable[[str], None] | None = None, n_jobs: int = config.N_JOBS
) -> TweetEvalResult:
    """Select and fit one :class:`~stance.tweet_models.TweetStanceClassifier` on the train + val
    items of all targets in ``items`` (5-fold CV over :data:`stance.tweet_models.PARAM_GRID`,
    scored by the pooled official F_avg), predict the test items, and score per target and
    pooled. ``items`` is a table from either loader; results do not depend on ``n_jobs``."""
    train = items[items["split"].isin(["train", "val"])].reset_index(drop=True)
    test = items[items["split"] == "test"].reset_index(drop=True)
    targets = list(dict.fromkeys(items["target"]))
    if log:
        log(
            f"selecting one model for {len(targets)} targets on {len(train)} train + val "
            f"tweets ({len(tweet_models.candidates())} candidates, 5-fold CV) ..."
        )
    try:
        selection = tweet_models.select_tweet_model(
            train[["target", "text"]], train["label"].tolist(), n_jobs=n_jobs
        )
    except model_selection.TrainingDataError as error:
        raise InputError(f"train + val: {error}") from None
    predicted_all = selection.estimator.predict(test[["target", "text"]])
    features = tweet_models.describe(selection.estimator)
    per_target, predictions = [], []
    for target in targets:
        in_train = (train["target"] == target).to_numpy()
        in_test = (test["target"] == target).to_numpy()
        gold = test.loc[in_test, "label"].tolist()
        predicted = [str(label) for label in predicted_all[in_test]]
        scores = evaluate.classification_scores(gold, predicted, LABELS)
        cv_f_avg = evaluate.f_avg(
            train.loc[in_train, "label"].tolist(),
            list(selection.oof_predictions[in_train]),
            OFFICIAL_PAIR,
        )
        per_target.append(
            {
                "target": target,
                "n_train": int(in_train.sum()),
                "n_test": int(in_test.sum()),
                "features": features,
                "selection_metric": selection.metric,
                "cv_score": round(cv_f_avg, 4),
                "f_avg": scores["f_avg"],
                "macro_f1": scores["macro_f1"],
            }
        )
        predictions.append(
            pd.DataFrame(
                {
                    "target": target,
                    "text": test.loc[in_test, "text"].tolist(),
                    "gold": gold,
                    "predicted": predicted,
                }
            )
        )
    pooled = pd.concat(predictions, ignore_index=True)
    gold, predicted = pooled["gold"].tolist(), pooled["predicted"].tolist()
    cv_table = selection.cv_results.drop(columns="params")
    return TweetEvalResult(
        per_target=pd.DataFrame(per_target),
        predictions=pooled,
        official_f_avg=evaluate.f_avg(gold, predicted, OFFICIAL_PAIR),
        official_interval=evaluate.bootstrap_ci(gold, predicted, "f_avg"),
        pooled=evaluate.classification_scores(gold, predicted, LABELS),
        selection={
            "metric": "f_avg (official, out-of-fold predictions of all targets pooled)",
            "cv_score": selection.cv_score,
            "n_splits": selection.n_splits,
            "folds": (
                "stratified by target and label, near-duplicate tweets (cosine of character "
                f"3-grams ≥ {tweet_models.NEAR_DUPLICATE_COSINE}) in one fold, shuffled with "
                "the project's seed"
            ),
            "seed": config.SEED,
            "chosen": selection.best_params,
            "configuration": tweet_models.configuration(selection.estimator),
            "candidates": json.loads(cv_table.to_json(orient="records")),
        },
    )


# --- result files --------------------------------------------------------------------------

RESULTS_NAME = "tweeteval"


def tweeteval_markdown(result: TweetEvalResult) -> str:
    """The run as Markdown: official score, per-target table, the selection, and the published
    baselines beside the measured score, each with its footnoted source."""
    data = result.to_json()
    selection = data["selection"]
    interval = data["official_f_avg_interval_percent"]
    lines = [
        "# TweetEval stance (SemEval-2016 Task 6)",
        "",
        f"Official score (F_avg = mean of F1(against) and F1(favor), test tweets of all "
        f"targets pooled): **{data['official_f_avg_percent']:.2f}** (95% bootstrap interval "
        f"over test tweets {interval['low']:.2f} to {interval['high']:.2f}); macro-F1 over the "
        f"three classes {100 * data['pooled']['macro_f1']:.2f}, n = {data['pooled']['n']}.",
        "",
        f"Model: {data['model']}.",
        "",
        "Chosen by 5-fold cross-validation on train + val only (folds "
        f"{selection['folds']}); the test split was used once, for these scores.",
        "",
        "| target | n train+val | n test | features | CV F_avg | test F_avg | test macro-F1 |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for target, row in data["per_target"].items():
        lines.append(
            f"| {target} | {row['n_train']} | {row['n_test']} | {row['features']} | "
            f"{100 * row['cv_score']:.2f} | {100 * row['f_avg']:.2f} | "
            f"{100 * row['macro_f1']:.2f} |"
        )
    chosen = ", ".join(f"{key} = {value}" for key, value in sorted(selection["chosen"].items()))
    fixed = ", ".join(
        f"{key} = {value}"
        for key, value in selection["configuration"].items()
        if key not in selection["chosen"]
    )
    lines += [
        "",
        "Per-target CV F_avg: the chosen candidate's out-of-fold predictions for that "
        "target; the same configuration serves every target.",
        "",
        f"Chosen configuration (all targets): {chosen} (CV F_avg "
        f"{100 * selection['cv_score']:.2f}); fixed: {fixed}.",
        "",
        "| rank | " + " | ".join(k for k in selection["chosen"]) + " | CV F_avg |",
        "|---:|" + "---:|" * len(selection["chosen"]) + "---:|",
    ]
    for row in selection["candidates"]:
        lines.append(
            f"| {row['rank']} | "
            + " | ".join(str(row[k]) for k in selection["chosen"])
            + f" | {100 * row['cv_f_avg']:.2f} |"
        )
    measured = data["official_f_avg_percent"]
    below = [s for s in PUBLISHED_BASELINES if s.f_avg_percent < measured]
    above = [s for s in PUBLISHED_BASELINES if s.f_avg_percent > measured]
    lines += [
        "",
        f"CV F_avg on train + val {100 * selection['cv_score']:.2f}, test F_avg "
        f"{measured:.2f} (test − CV {measured - 100 * selection['cv_score']:+.2f}).",
        "",
        "## Published results on the same test set",
        "",
        f"This model, measured here: **{measured:.2f}**, above {len(below)} and below "
        f"{len(above)} of the {len(PUBLISHED_BASELINES)} published scores below (above: "
        f"{', '.join(s.system for s in below) or 'none'}). They are copied from their "
        "sources, not re-measured here.",
        "",
        *published_baselines_lines(PUBLISHED_BASELINES, markdown=True),
    ]
    return "\n".join(lines).rstrip() + "\n"


def tweeteval_summary_markdown(result: TweetEvalResult) -> str:
    """This project's official score, with its interval, ranked among the published scores
    (highest first): the table the README shows."""
    data = result.to_json()
    interval = data["official_f_avg_interval_percent"]
    rows = [
        (
            data["official_f_avg_percent"],
            "**this project: one TF-IDF + logistic-regression model for all targets**",
            f"**{data['official_f_avg_percent']:.2f}** ({interval['low']:.2f} to "
            f"{interval['high']:.2f})",
            "measured here (`results/tweeteval.md`; 95% bootstrap interval over test tweets)",
        )
    ]
    rows += [
        (
            score.f_avg_percent,
            score.system,
            f"{score.f_avg_percent:.2f}",
            score.source + (f" ({score.note})" if score.note else ""),
        )
        for score in PUBLISHED_BASELINES
    ]
    rows.sort(key=lambda row: -row[0])  # stable: the measured row first on a tie
    lines = ["| system | F_avg | source |", "|---|---:|---|"]
    lines += [f"| {system} | {score} | {source} |" for _, system, score, source in rows]
    return "\n".join(lines) + "\n"


def write_tweeteval_results(
    result: TweetEvalResult, directory: str | os.PathLike[str] | None = None
) -> tuple[Path, Path, Path]:
    """Write ``tweeteval.json`` (:meth:`TweetEvalResult.to_json`, sorted keys),
    ``tweeteval.md`` and ``tweeteval_summary.md`` (:func:`tweeteval_summary_markdown`) into
    ``directory`` (default: the project's ``results/``), atomically; the same result gives the
    same bytes. Returns the three paths."""
    directory = Path(directory or config.RESULTS_DIR)
    json_path, md_path = directory / f"{RESULTS_NAME}.json", directory / f"{RESULTS_NAME}.md"
    summary_path = directory / f"{RESULTS_NAME}_summary.md"
    atomic_write_text(
        json_path, json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    atomic_write_text(md_path, tweeteval_markdown(result))
    atomic_write_text(summary_path, tweeteval_summary_markdown(result))
    return json_path, md_path, summary_path


def tweeteval_dir_from_env() -> Path | None:
    """The local TweetEval stance folder named by ``STANCE_TWEETEVAL``, if set and present."""
    value = os.environ.get("STANCE_TWEETEVAL")
    return Path(value).expanduser() if value and Path(value).expanduser().is_dir() else None
