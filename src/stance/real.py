"""The real-statement dataset: committed labels joined with rehydrated corpus sentences.

``data/real/`` holds what the project may commit about real statements: for every labelled
sentence its id, the SHA-256 of its text, how it was sampled and its labels
(``ungdc_labels.csv``, ``presidential_labels.csv``); the independent second pass
(``second_pass.csv``) and the adjudication of every disagreement (``adjudication.csv``); and the
manifests of the documents (:mod:`stance.fetch`). :func:`build_real_dataset` rebuilds the
sentences from fetched corpora, checks each hash, assigns grouped splits and writes a
git-ignored Hugging Face dataset folder with its card; :func:`load_real_statements` reads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stance import config, corpora, fetch
from stance.dataset_card import card_table, read_dataset, write_dataset, yaml_header
from stance.describe import kappa_table, label_counts
from stance.io import InputError, read_csv
from stance.schema import (
    ALLOWED_LABELS,
    LABEL_COLUMNS,
    TARGETS,
    DatasetError,
    check_unique,
    check_values,
)
from stance.splits import fold_count, grouped_split

LABEL_FILES = {"ungdc": "ungdc_labels.csv", "presidential": "presidential_labels.csv"}
LABEL_FILE_COLUMNS = ("sentence_id", "sentence_sha256", "sample", *LABEL_COLUMNS, "annotation")
SECOND_PASS = "second_pass.csv"
ADJUDICATION = "adjudication.csv"
ADJUDICATION_COLUMNS = ("sentence_id", "label", "first", "second", "final", "reason")
#: Share of groups (states; weeks of press releases) in the test split.
TEST_SHARE = 0.25
#: The session held out by the temporal view (2024).
TEMPORAL_TEST_SESSION = 79

#: Columns of the built real-statement dataset, in file order.
COLUMNS = (
    "id",
    "text",
    "lang",
    *LABEL_COLUMNS,
    "source",
    "document",
    "iso3",
    "session",
    "year",
    "date",
    "sample",
    "group",
    "split",
    "temporal_split",
    "annotation",
)


def _check_labels(frame: pd.DataFrame, path: Path) -> None:
    def where(row: pd.Series) -> str:
        return f"{path}: line {row.name + 2}"

    check_values(frame, ALLOWED_LABELS, where)
    check_unique(frame, "sentence_id", where)


def read_labels(real_dir: Path | None = None) -> pd.DataFrame:
    """Both committed label files as one table with a ``source`` column, checked."""
    real_dir = real_dir or config.REAL_DIR
    frames = []
    for source, name in LABEL_FILES.items():
        path = Path(real_dir) / name
        frame = read_csv(path, LABEL_FILE_COLUMNS)
        _check_labels(frame, path)
        frames.append(frame.assign(source=source))
    return pd.concat(frames, ignore_index=True)


def read_second_pass(real_dir: Path | None = None) -> pd.DataFrame:
    """The independent second pass (sentence_id, the three labels, annotation), checked."""
    path = Path(real_dir or config.REAL_DIR) / SECOND_PASS
    frame = read_csv(path, ("sentence_id", *LABEL_COLUMNS, "annotation"))
    _check_labels(frame, path)
    return frame


def read_adjudication(real_dir: Path | None = None) -> pd.DataFrame:
    """Every disagreement between the two passes, with the final label and the reason."""
    return read_csv(Path(real_dir or config.REAL_DIR) / ADJUDICATION, ADJUDICATION_COLUMNS)


def first_pass(labels: pd.DataFrame, adjudication: pd.DataFrame) -> pd.DataFrame:
    """The first pass's labels before adjudication, indexed by sentence id.

    The label files hold final labels; where an adjudication changed one, ``first`` restores it.
    """
    first = labels.set_index("sentence_id")[list(LABEL_COLUMNS)].copy()
    for row in adjudication.itertuples(index=False):
        first.loc[row.sentence_id, row.label] = row.first
    return first


def agreement(real_dir: Path | None = None) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label between the first and the second pass."""
    labels, second = read_labels(real_dir), read_second_pass(real_dir)
    unknown = sorted(set(second["sentence_id"]) - set(labels["sentence_id"]))
    if unknown:
        raise DatasetError(f"second pass names unlabelled sentence(s): {', '.join(unknown[:3])}")
    first = first_pass(labels, read_adjudication(real_dir))
    return kappa_table(first, second.set_index("sentence_id"))


# --- rebuilding the sentences --------------------------------------------------------------


def _speech_for(sentence_id: str, speeches: dict[str, corpora.Speech]) -> corpora.Speech:
    _, iso3, session, _index = sentence_id.split("-")
    for speech in speeches.values():
        if speech.iso3 == iso3 and str(speech.session) == session:
            return speech
    raise InputError(f"sentence {sentence_id}: its speech is not in the corpus")


def rehydrate(
    labels: pd.DataFrame, ungdc_dir: Path | None = None, presidential_dir: Path | None = None
) -> pd.DataFrame:
    """The labelled sentences with their text, rebuilt from fetched corpora.

    Each sentence is found by id in its document's :func:`~stance.corpora.split_sentences`
    output and its SHA-256 is compared with the committed one; any difference is a one-line
    :class:`~stance.io.InputError` naming the sentence (a different corpus release, or a changed
    sentence splitter).
    """
    ungdc_dir = Path(ungdc_dir or fetch.corpus_dir("ungdc"))
    presidential_dir = Path(presidential_dir or fetch.corpus_dir("presidential"))
    for corpus, folder in (("ungdc", ungdc_dir), ("presidential", presidential_dir)):
        if corpus in set(labels["source"]) and not folder.is_dir():
            raise InputError(
                f"{folder}: the {corpus} corpus is not fetched (run: stance corpus "
                f"fetch {corpus}, or make corpora)"
            )
    parts = []
    un_labels = labels[labels["source"] == "ungdc"]
    if not un_labels.empty:
        by_key = {(s.iso3, str(s.session)): s for s in corpora.find_speeches(ungdc_dir)}
        documents = sorted({tuple(i.split("-")[1:3]) for i in un_labels["sentence_id"]})
        missing = [key for key in documents if key not in by_key]
        if missing:
            raise InputError(
                f"{ungdc_dir}: no speech {missing[0][0]}_{missing[0][1]} "
                "(fetch the corpus: stance corpus fetch ungdc)"
            )
        parts.append(corpora.ungdc_sentences(by_key[key] for key in documents))
    press_labels = labels[labels["source"] == "presidential"]
    if not press_labels.empty:
        releases = corpora.read_presidential(presidential_dir).set_index("release_id")
        documents = sorted({i.rsplit("-", 1)[0] for i in press_labels["sentence_id"]})
        missing = [doc for doc in documents if doc not in releases.index]
        if missing:
            raise InputError(f"{presidential_dir}: no press release {missing[0]}")
        parts.append(
            corpora.presidential_sentences(releases.loc[documents].reset_index(names="release_id"))
        )
    sentences = pd.concat(parts, ignore_index=True).set_index("sentence_id")
    absent = sorted(set(labels["sentence_id"]) - set(sentences.index))
    if absent:
        raise InputError(
            f"sentence {absent[0]}: not found in its document (the sentence "
            "splitter or the corpus differs from the labelled one)"
        )
    corpus = sentences[
        ["text", "sentence_sha256", "document", "iso3", "session", "year", "date"]
    ].rename(columns={"sentence_sha256": "sentence_sha256_corpus"})
    joined = labels.merge(corpus, left_on="sentence_id", right_index=True, how="left")
    changed = joined[joined["sentence_sha256"] != joined["sentence_sha256_corpus"]]
    if not changed.empty:
        raise InputError(
            f"sentence {changed.iloc[0]['sentence_id']}: its text no longer "
            "matches the committed SHA-256 (a different corpus release, or a "
            "changed sentence splitter)"
        )
    return joined.drop(columns=["sentence_sha256_corpus"])


# --- splits --------------------------------------------------------------------------------


def split_groups(frame: pd.DataFrame) -> pd.Series:
    """The group of each sentence: its state for UN speeches (all sessions together), the ISO
    week of its release for press releases (both presidencies together)."""
    weeks = pd.to_datetime(frame["date"]).dt.isocalendar()
    week = "week-" + weeks["year"].astype(str) + "-W" + weeks["week"].astype(str).str.zfill(2)
    return pd.Series(
        np.where(frame["source"] == "ungdc", "state-" + frame["iso3"], week), index=frame.index
    )


def assign_splits(
    frame: pd.DataFrame, seed: int = config.SEED, test_share: float = TEST_SHARE
) -> pd.DataFrame:
    """Add ``group``, ``split`` and ``temporal_split``.

    ``split``: per source, about ``test_share`` of the groups go to ``test``, chosen by
    :func:`stance.splits.grouped_split` on the joint stance labels (stratified as far as whole
    groups allow; label pairs too rare to spread over the folds are stratified by the first
    target alone). ``temporal_split``: UN speeches of session :data:`TEMPORAL_TEST_SESSION`
    are ``test``, everything earlier ``train``.
    """
    frame = frame.assign(group=split_groups(frame), split="train")
    for source, rows in frame.groupby("source"):
        n_groups = rows["group"].nunique()
        if n_groups < 2:
            raise DatasetError(f"{source}: one group only; a grouped split needs two or more")
        n_folds = fold_count(test_share, rows["group"])
        strata = rows[TARGETS[0]] + "|" + rows[TARGETS[1]]
        rare = strata.map(strata.value_counts()) < n_folds
        strata = strata.where(~rare, rows[TARGETS[0]])  # too rare to spread: one target only
        if (strata.value_counts() < n_folds).all():  # tiny data: groups alone decide
            strata = pd.Series("all", index=rows.index)
        _, test_index = grouped_split(strata, rows["group"], test_share, seed)
        frame.loc[rows.index[test_index], "split"] = "test"
    temporal = (frame["source"] == "ungdc") & (frame["session"] == TEMPORAL_TEST_SESSION)
    return frame.assign(temporal_split=np.where(temporal, "test", "train"))


def build_real_statements(
    real_dir: Path | None = None,
    ungdc_dir: Path | None = None,
    presidential_dir: Path | None = None,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """The whole real-statement table: labels, rebuilt text, splits, in :data:`COLUMNS` order."""
    frame = rehydrate(read_labels(real_dir), ungdc_dir, presidential_dir)
    frame = frame.rename(columns={"sentence_id": "id"}).assign(lang="en")
    frame["session"] = frame["session"].astype(int)
    frame = assign_splits(frame, seed)
    return frame.sort_values("id", ignore_index=True)[list(COLUMNS)]


# --- card, writing, loading ----------------------------------------------------------------


def summary_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Sizes per source and split, and label counts per source."""
    sizes = pd.crosstab(frame["source"], frame["split"], margins=True, margins_name="all")
    sizes = sizes.rename_axis(index="source", columns=None)
    labels = (
        pd.concat(
            {
                (column, source): label_counts(rows, column)
                for column in LABEL_COLUMNS
                for source, rows in frame.groupby("source")
            },
            axis=1,
        )
        .fillna(0)
        .astype(int)
    )
    labels.columns = [f"{column} ({source})" for column, source in labels.columns]
    labels.index.name = "label"
    samples = pd.crosstab(frame["source"], frame["sample"]).rename_axis(
        index="source", columns=None
    )
    return {"sizes": sizes, "labels": labels, "samples": samples}


def dataset_card(frame: pd.DataFrame, kappa: pd.DataFrame, n_adjudicated: int) -> str:
    """The card of the real-statement dataset folder, with every number computed."""
    tables = summary_tables(frame)
    n_states = frame.loc[frame["source"] == "ungdc", "iso3"].nunique()
    n_test_states = frame.loc[
        (frame["source"] == "ungdc") & (frame["split"] == "test"), "iso3"
    ].nunique()
    sections = [
        yaml_header(
            COLUMNS,
            ("en",),
            "Stance in real statements: UN General Debate and presidential press releases",
            "other",
        ),
        "# Stance toward Russia's foreign policy and the war in Ukraine in real statements",
        f"{len(frame)} English sentences from real documents, each labelled for stance toward "
        "`russian_foreign_policy` and `ukraine_operation` (support / opposition / neutral) and "
        'for sentiment, by the rules of `data/ANNOTATION.md` (section "Real statements"). The '
        "labels, sentence ids and text hashes are committed in `data/real/`; the text is not: it "
        "is rebuilt from the public corpora (`stance corpus fetch`), so this folder is "
        "git-ignored.",
        "## Loading",
        "```python\nfrom stance.real import load_real_statements\ndf = load_real_statements()"
        '  # pandas\nimport datasets\nds = datasets.load_dataset("data/external/real_statements")'
        "\n```",
        "## Sources",
        "* **UN General Debate Corpus** (Jankin, Baturo & Dasandi, Harvard Dataverse "
        "doi:10.7910/DVN/0TJX8Y, CC0), sessions 69–79 (2014–2024), states not reserved for the "
        "independent evaluation: every sentence that matches the keyword rule "
        "(`stance.corpora.TARGET_KEYWORDS`) and a seeded random sample of the other sentences of "
        "the same speeches (`sample` = `keyword` / `random`).",
        "* **Presidential press releases** (en.kremlin.ru and president.gov.ua, CC BY 4.0, as "
        "published in the repository PeiYiZhuo/zelenskyy-putin), October 2021 – June 2022, "
        "reserved Kremlin dates excluded: a seeded sample per presidency and period (before / "
        "from 24 February 2022), mostly keyword sentences; and a second round of keyword "
        "sentences of Kremlin releases only, drawn the same way from the sentences not yet "
        "sampled (`sample` = `kremlin-keyword`), because real `support` sentences are rare "
        "elsewhere. No sampling rule looks at labels.",
        "Sentences are cut by `stance.corpora.split_sentences`; ids name the document and the "
        "sentence's position (`un-ISO-SESSION-NNNN`, `kr-RELEASE-NNNN`, `ua-RELEASE-NNNN`).",
        "## Sizes",
        card_table(tables["sizes"]),
        "Sentences per sampling rule:",
        card_table(tables["samples"]),
        "## Labels",
        card_table(tables["labels"]),
        "## Splits",
        f"`split`: grouped so that a group is in one split only: UN sentences by state "
        f"({n_test_states} of {n_states} states in `test`), press releases by ISO week; about "
        f"{TEST_SHARE:.0%} of the groups of each source in `test`, stratified by the joint stance "
        "labels as far as whole groups allow. `temporal_split`: UN sentences of session "
        f"{TEMPORAL_TEST_SESSION} (2024) are `test`, everything earlier `train`.",
        "## Annotation",
        f"A second annotator labelled {int(kappa['statements'].iloc[0])} of the sentences, chosen "
        "by a seeded random draw, from the guidelines alone without seeing the first labels. "
        "Cohen's kappa and raw agreement between the two passes, before adjudication:",
        card_table(kappa.set_index("label")),
        f"Every disagreement ({n_adjudicated} labels) was adjudicated by a third reading against "
        "the guidelines; `data/real/adjudication.csv` records both labels, the final one and "
        "the reason. `annotation` says which pass labelled each sentence.",
        "**Who annotated.** All passes were made by language-model annotators (separate "
        "instances, each briefed only with the guidelines and shown only the sentence and "
        "whether it comes from a UN speech or a press release), not by people. Their agreement "
        "is not evidence of human-level label quality; a human pass in the same file format "
        "replaces any of them without code changes.",
        "## Limitations",
        "Real `support` sentences are rare: most states whose speeches defend Russia's conduct "
        "are reserved for the independent evaluation, so most `support` sentences come from "
        "Kremlin releases (and the second round of press-release sentences is Kremlin-only), so "
        "a model may partly learn the Kremlin's house style as `support`. Scores on `support` "
        "have wide intervals. The sentences are "
        "labelled out of context, as a model sees them; a sentence whose stance depends on "
        "its neighbours is `neutral` here.",
    ]
    return "\n\n".join(sections) + "\n"


def build_real_dataset(
    real_dir: Path | None = None,
    out_dir: Path | None = None,
    ungdc_dir: Path | None = None,
    presidential_dir: Path | None = None,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Rebuild, check and write the real-statement dataset folder (card included)."""
    frame = build_real_statements(real_dir, ungdc_dir, presidential_dir, seed)
    kappa = agreement(real_dir)
    n_adjudicated = len(read_adjudication(real_dir))
    write_dataset(
        frame, dataset_card(frame, kappa, n_adjudicated), out_dir or config.REAL_DATASET_DIR
    )
    return frame


def load_real_statements(split: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """The built real-statement dataset as pandas, optionally one split only.

    Parameters
    ----------
    split
        ``"train"``, ``"test"`` or ``None`` for both.
    path
        The dataset folder (default ``data/external/real_statements``).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, columns :data:`COLUMNS` (``session`` as int).

    Examples
    --------
    >>> test = load_real_statements("test")  # doctest: +SKIP
    >>> test["russian_foreign_policy"].value_counts()  # doctest: +SKIP
    """
    path = Path(path or config.REAL_DATASET_DIR)
    if not path.is_dir():
        raise InputError(
            f"{path}: the real-statement dataset is not built (run notebook 07 "
            "or make reproduce; it needs the fetched corpora)"
        )
    frame = read_dataset(path, COLUMNS, split)
    return frame.assign(session=frame["session"].astype(int), year=frame["year"].astype(int))
