"""The SemEval-2016 Task 6 stance benchmark in TweetEval's layout, run with the project's models.

Why it is here: the project's own test split is small and mostly constructed, so a public
benchmark shows whether the same transparent pipeline (:func:`stance.models.select_model`) is in
the range of published systems on real tweets. The protocol follows TweetEval:

* five targets (abortion, atheism, climate, feminist, hillary), each with fixed train, validation
  and test splits and labels ``0`` none, ``1`` against, ``2`` favor;
* one model per target, selected by cross-validation on train + validation only (the test split
  is used once, for scoring, never for tuning);
* the official score is the mean of F1(against) and F1(favor) on the test predictions of all
  targets pooled, as in TweetEval's ``evaluaton_script.py`` and SemEval-2016's F_avg.

Data come from local files (``DIR/<target>/{train,val,test}_{text,labels}.txt``) or from the
Hugging Face hub (``cardiffnlp/tweet_eval``); both become the same table (:data:`ITEM_COLUMNS`)
and share everything downstream.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from stance import config, evaluate, models
from stance.io import InputError, read_text

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
    """A published official score (F_avg, in percent) on the same test set, with its source."""

    system: str
    f_avg_percent: float
    source: str


_TWEETEVAL_PAPER = ("Barbieri et al. 2020, TweetEval (Findings of EMNLP), Table 3, test; "
                    "RoBERTa-base: mean of 3 runs")
_TWEETEVAL_LEADERBOARD = "TweetEval leaderboard, github.com/cardiffnlp/tweeteval README"
_SEMEVAL_2016 = "Mohammad et al. 2016, SemEval-2016 Task 6 (subtask A), official results"

#: Published results for context only: they are copied from the sources, not re-measured here.
PUBLISHED_BASELINES = (
    PublishedScore("SVM (TweetEval)", 67.3, _TWEETEVAL_PAPER),
    PublishedScore("FastText (TweetEval)", 65.4, _TWEETEVAL_PAPER),
    PublishedScore("RoBERTa-base (TweetEval)", 68.0, _TWEETEVAL_PAPER),
    PublishedScore("BERTweet", 71.2, _TWEETEVAL_LEADERBOARD),
    PublishedScore("TimeLMs-2021", 72.9, _TWEETEVAL_LEADERBOARD),
    PublishedScore("Majority class (SemEval-2016)", 65.22, _SEMEVAL_2016),
    PublishedScore("SVM word + char n-grams (SemEval-2016 organisers)", 68.98, _SEMEVAL_2016),
    PublishedScore("MITRE, best team (SemEval-2016)", 67.82, _SEMEVAL_2016),
)


# --- loading -------------------------------------------------------------------------------

def _label_names(ids: Sequence[Any], where: Callable[[int], str]) -> list[str]:
    """Label names for TweetEval label ids given as ints (hub) or strings (files)."""
    names = []
    for position, value in enumerate(ids):
        key = str(value).strip()
        if key not in {"0", "1", "2"}:
            raise InputError(f"{where(position)}: label {value!r} is not 0 (none), "
                             "1 (against) or 2 (favor)")
        names.append(LABELS[int(key)])
    return names


def _items(target: str, split: str, texts: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({"target": target, "split": split, "text": list(texts),
                         "label": list(labels)}, columns=list(ITEM_COLUMNS))


def _lines(path: Path) -> list[str]:
    """The lines of a TweetEval file: split on ``\\n`` (as TweetEval's own scorer does, so a
    tweet holding another Unicode line break stays one item), final newline optional."""
    lines = read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def load_tweeteval_dir(path: str | os.PathLike[str],
                       targets: Sequence[str] = TARGETS) -> pd.DataFrame:
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
                raise InputError(f"{labels_path}: {len(ids)} labels for {len(texts)} texts in "
                                 f"{text_path.name}")
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
            labels = _label_names(dataset["label"],
                                  lambda i, where=f"{name} {hub_split}": f"{where}: item {i}")
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
            loaded[target] = datasets.load_dataset(HUB_DATASET, f"stance_{target}",
                                                   cache_dir=str(config.CACHE_DIR / "datasets"))
        except (OSError, ValueError) as error:  # network, missing config, hub errors
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise InputError(f"{HUB_DATASET} stance_{target}: could not load "
                             f"({type(error).__name__}: {detail[:160]})") from None
    return tweeteval_from_hub(loaded)


# --- running -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TweetEvalResult:
    """Per-target scores, the test predictions, and the official and pooled scores."""

    per_target: pd.DataFrame
    predictions: pd.DataFrame
    official_f_avg: float
    pooled: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly summary: scores as fractions (0-1), published baselines in percent,
        and each target's test predictions in file order (for paired comparisons)."""
        return {
            "benchmark": "TweetEval stance (SemEval-2016 Task 6)",
            "official_metric": "F_avg = mean of F1(against) and F1(favor), test items of all "
                               "targets pooled",
            "official_f_avg": round(self.official_f_avg, 4),
            "official_f_avg_percent": round(100 * self.official_f_avg, 2),
            "pooled": self.pooled,
            "per_target": {row["target"]: {k: v for k, v in row.items() if k != "target"}
                           for row in self.per_target.to_dict(orient="records")},
            "predictions": {target: rows["predicted"].tolist()
                            for target, rows in self.predictions.groupby("target", sort=False)},
            "published_baselines": [
                {"system": score.system, "f_avg_percent": score.f_avg_percent,
                 "source": score.source} for score in PUBLISHED_BASELINES],
            "published_baselines_note": "copied from the cited papers, not re-measured here",
        }


def run_tweeteval(items: pd.DataFrame, log: Callable[[str], None] | None = None
                  ) -> TweetEvalResult:
    """Select and fit one model per target on its train + val items, predict its test items,
    and score per target and pooled. ``items`` is a table from either loader."""
    per_target, predictions = [], []
    for target, rows in items.groupby("target", sort=False):
        train = rows[rows["split"].isin(["train", "val"])]
        test = rows[rows["split"] == "test"]
        if log:
            log(f"{target}: selecting a model on {len(train)} train + val tweets ...")
        try:
            selection = models.select_model(train["text"].tolist(), train["label"].tolist(),
                                            lang="en", features="auto")
        except models.TrainingDataError as error:
            raise InputError(f"{target}: train + val: {error}") from None
        predicted = selection.estimator.predict(test["text"].tolist()).tolist()
        scores = evaluate.classification_scores(test["label"].tolist(), predicted, LABELS)
        per_target.append({"target": target, "n_train": len(train), "n_test": len(test),
                           "features": selection.best_params["features"],
                           "selection_metric": selection.metric,
                           "cv_score": selection.cv_score, "f_avg": scores["f_avg"],
                           "macro_f1": scores["macro_f1"]})
        predictions.append(pd.DataFrame({"target": target, "text": test["text"].tolist(),
                                         "gold": test["label"].tolist(),
                                         "predicted": predicted}))
    pooled = pd.concat(predictions, ignore_index=True)
    gold, predicted = pooled["gold"].tolist(), pooled["predicted"].tolist()
    return TweetEvalResult(
        per_target=pd.DataFrame(per_target), predictions=pooled,
        official_f_avg=evaluate.f_avg(gold, predicted, OFFICIAL_PAIR),
        pooled=evaluate.classification_scores(gold, predicted, LABELS))
