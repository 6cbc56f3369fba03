"""The real-text dataset: committed labels joined with rehydrated corpus text, and translations.

``data/real/`` holds what the project may commit about real text: for every labelled UN or
press-release sentence its id, the SHA-256 of its text, how it was sampled and its labels
(``ungdc_labels.csv``, ``presidential_labels.csv``), with the independent second pass
(``second_pass.csv``) and the adjudication of every disagreement (``adjudication.csv``); the
same for tweets and Anadolu Agency sentences (:mod:`stance.tweets_news`); the Turkish
translations of the English statements; and the manifests of the documents
(:mod:`stance.fetch`). :func:`build_real_dataset` rebuilds the texts from fetched corpora,
checks each hash, assigns grouped splits, adds the translations in their originals' splits and
writes a git-ignored Hugging Face dataset folder with its card; :func:`load_real_statements`
reads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stance import config, corpora, tweets_news
from stance.dataset_card import card_table, read_dataset, write_dataset, yaml_header
from stance.describe import kappa_table
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
#: Labels changed when the press-release sentences were re-read with their publisher shown
#: (``data/ANNOTATION.md``, "What the annotator sees").
PUBLISHER_REVISION = "publisher_revision.csv"
REVISION_COLUMNS = ("sentence_id", "label", "before", "after", "rule", "annotation")
#: Share of groups (states; weeks of press releases) in the test split.
TEST_SHARE = 0.25
#: The session held out by the temporal view (2024).
TEMPORAL_TEST_SESSION = 79

#: The kind of text each source holds.
GENRES = {"ungdc": "speech", "presidential": "press_release", "mide22": "tweet", "aa": "news"}

#: Columns of the built real-statement dataset, in file order. ``translation_of`` is the id of
#: the English sentence a Turkish translation was made from (empty for original text).
COLUMNS = (
    "id",
    "text",
    "lang",
    "genre",
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
    "translation_of",
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


def read_publisher_revision(real_dir: Path | None = None) -> pd.DataFrame:
    """Every press-release label the publisher revision changed: ``before``, ``after``, the rule
    and the revising batch, checked (a known label column, allowed values)."""
    path = Path(real_dir or config.REAL_DIR) / PUBLISHER_REVISION
    frame = read_csv(path, REVISION_COLUMNS)
    for row in frame.itertuples():
        allowed = ALLOWED_LABELS.get(row.label, ())
        if row.before not in allowed or row.after not in allowed:
            raise DatasetError(f"{path}: line {row.Index + 2}: not a label change of {row.label!r}")
    return frame


def first_pass(
    labels: pd.DataFrame, adjudication: pd.DataFrame, revision: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The first pass's labels before adjudication, indexed by sentence id.

    The label files hold final labels; where the publisher revision changed one, ``before``
    restores the label it had, and where an adjudication changed one, ``first`` restores it.
    """
    first = labels.set_index("sentence_id")[list(LABEL_COLUMNS)].copy()
    for row in (revision if revision is not None else pd.DataFrame()).itertuples(index=False):
        first.loc[row.sentence_id, row.label] = row.before
    for row in adjudication.itertuples(index=False):
        first.loc[row.sentence_id, row.label] = row.first
    return first


def agreement(real_dir: Path | None = None) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label between the first and the second pass."""
    labels, second = read_labels(real_dir), read_second_pass(real_dir)
    unknown = sorted(set(second["sentence_id"]) - set(labels["sentence_id"]))
    if unknown:
        raise DatasetError(f"second pass names unlabelled sentence(s): {', '.join(unknown[:3])}")
    first = first_pass(labels, read_adjudication(real_dir), read_publisher_revision(real_dir))
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
    ungdc_dir = Path(ungdc_dir or config.corpus_dir("ungdc"))
    presidential_dir = Path(presidential_dir or config.corpus_dir("presidential"))
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
    """The group of each item: its state for UN speeches (all sessions together), the ISO week
    of its release for press releases (both presidencies together), its MiDe22 event for
    tweets, its article for AA news sentences."""
    groups = pd.Series("", index=frame.index, dtype=object)
    press = frame["source"] == "presidential"
    weeks = pd.to_datetime(frame.loc[press, "date"]).dt.isocalendar()
    groups[press] = (
        "week-" + weeks["year"].astype(str) + "-W" + weeks["week"].astype(str).str.zfill(2)
    )
    for source, prefix, column in (
        ("ungdc", "state-", "iso3"),
        ("mide22", "event-", "document"),
        ("aa", "article-", "document"),
    ):
        rows = frame["source"] == source
        groups[rows] = prefix + frame.loc[rows, column]
    return groups


def assign_splits(
    frame: pd.DataFrame, seed: int = config.SEED, test_share: float = TEST_SHARE
) -> pd.DataFrame:
    """Add ``group``, ``split`` and ``temporal_split``.

    ``split``: per source and language, about ``test_share`` of the groups go to ``test``, chosen by
    :func:`stance.splits.grouped_split` on the joint stance labels (stratified as far as whole
    groups allow; label pairs too rare to spread over the folds are stratified by the first
    target alone). ``temporal_split``: UN speeches of session :data:`TEMPORAL_TEST_SESSION`
    are ``test``, everything earlier ``train``.
    """
    frame = frame.assign(group=split_groups(frame), split="train")
    for (source, lang), rows in frame.groupby(["source", "lang"]):
        n_groups = rows["group"].nunique()
        if n_groups < 2:
            raise DatasetError(
                f"{source} ({lang}): one group only; a grouped split needs two or more"
            )
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


def translated_rows(frame: pd.DataFrame, translations: pd.DataFrame) -> pd.DataFrame:
    """A Turkish row for every translated English sentence: the translation as ``text``, id
    ``<english id>-tr``, and everything else (labels, group, splits) of the English sentence,
    so a translation is always in the split of its original."""
    english = frame[(frame["lang"] == "en") & frame["genre"].isin(["speech", "press_release"])]
    english = english.set_index("id")
    unknown = sorted(set(translations["sentence_id"]) - set(english.index))
    if unknown:
        raise DatasetError(
            f"{tweets_news.TRANSLATIONS}: {unknown[0]} is not a labelled English sentence"
        )
    rows = english.loc[translations["sentence_id"]].reset_index()
    return rows.assign(
        id=rows["id"] + "-tr",
        text=translations["text_tr"].to_numpy(),
        lang="tr",
        translation_of=rows["id"],
    )


def build_real_statements(
    real_dir: Path | None = None,
    corpus_dirs: config.CorpusDirs | None = None,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """The whole real-text table, in :data:`COLUMNS` order: the labelled English statements
    (UN speeches, press releases), the labelled tweets (Turkish, English) and AA news sentences
    (Turkish), each rebuilt from its corpus and checked by hash, with grouped splits; and the
    Turkish translations of the English statements, in their originals' splits."""
    folders = corpus_dirs or config.CorpusDirs()
    statements = rehydrate(
        read_labels(real_dir), folders.folder("ungdc"), folders.folder("presidential")
    )
    statements = statements.rename(columns={"sentence_id": "id"}).assign(lang="en")
    others = tweets_news.rehydrate(
        tweets_news.read_labels(real_dir), folders.folder("mide22"), folders.folder("aa")
    )
    frame = pd.concat([statements, others], ignore_index=True)
    frame["session"] = frame["session"].astype(int)
    frame = frame.assign(genre=frame["source"].map(GENRES), translation_of="")
    frame = assign_splits(frame, seed)
    translations = translated_rows(frame, tweets_news.read_translations(real_dir))
    frame = pd.concat([frame, translations], ignore_index=True)
    return frame.sort_values("id", ignore_index=True)[list(COLUMNS)]


def select(
    frame: pd.DataFrame,
    lang: str,
    genres: tuple[str, ...] | None = None,
    translated: bool = False,
    split: str | None = None,
) -> pd.DataFrame:
    """The rows of one language (and of ``genres``, all when ``None``), original text only or
    translations only (``translated``), of one ``split`` or both."""
    rows = (frame["lang"] == lang) & ((frame["translation_of"] != "") == translated)
    if genres is not None:
        rows &= frame["genre"].isin(list(genres))
    if split is not None:
        rows &= frame["split"] == split
    return frame[rows]


def text_kind(frame: pd.DataFrame) -> pd.Series:
    """What kind of text each row is, for tables: genre and language, and whether it is a
    translation ("speech (en)", "speech (tr, translated)", "tweet (tr)", "news (tr)")."""
    translated = np.where(frame["translation_of"] != "", ", translated", "")
    return frame["genre"] + " (" + frame["lang"] + translated + ")"


# --- card, writing, loading ----------------------------------------------------------------


def summary_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Sizes per kind of text (:func:`text_kind`) and split, label counts per kind, and how
    the original items were sampled (translations follow their originals)."""
    kind = text_kind(frame).rename("kind")
    sizes = pd.crosstab(kind, frame["split"], margins=True, margins_name="all")
    sizes = sizes.rename_axis(index="kind", columns=None)
    labels = pd.concat(
        {
            column: pd.crosstab(frame[column], kind).reindex(list(ALLOWED_LABELS[column]))
            for column in LABEL_COLUMNS
        }
    )
    labels = labels.fillna(0).astype(int).rename_axis(index=["label", "value"], columns=None)
    original = frame[frame["translation_of"] == ""]
    samples = pd.crosstab(text_kind(original).rename("kind"), original["sample"])
    return {"sizes": sizes, "labels": labels, "samples": samples.rename_axis(columns=None)}


def dataset_card(
    frame: pd.DataFrame,
    kappa: pd.DataFrame,
    n_adjudicated: int,
    tweet_news_kappa: pd.DataFrame,
    n_tweet_news_adjudicated: int,
    review: pd.DataFrame,
    n_revised: int,
) -> str:
    """The card of the real-text dataset folder, with every number computed."""
    tables = summary_tables(frame)
    n_translated = int((frame["translation_of"] != "").sum())
    n_english = int(((frame["lang"] == "en") & (frame["genre"] != "tweet")).sum())
    n_states = frame.loc[frame["source"] == "ungdc", "iso3"].nunique()
    n_test_states = frame.loc[
        (frame["source"] == "ungdc") & (frame["split"] == "test"), "iso3"
    ].nunique()
    sections = [
        yaml_header(
            COLUMNS,
            ("en", "tr"),
            "Stance in real text: UN speeches, press releases, tweets and news (EN/TR)",
            "other",
        ),
        "# Stance toward Russia's foreign policy and the war in Ukraine in real text",
        f"{len(frame)} real texts in English and Turkish, each labelled for stance toward "
        "`russian_foreign_policy` and `ukraine_operation` (support / opposition / neutral) and "
        'for sentiment, by the rules of `data/ANNOTATION.md` (sections "Real statements" and '
        '"Tweets and Turkish text"): sentences of UN General Debate speeches and presidential '
        "press releases (English), whole tweets (Turkish and English), sentences of Turkish "
        f"news-agency articles, and Turkish translations of the {n_translated} English "
        "statements that were translated. `genre` says the kind of text, `lang` the language, "
        "`translation_of` the original of a translation. The labels, ids and text hashes are "
        "committed in `data/real/`; the original text is not: it is rebuilt from the public "
        "corpora (`stance corpus fetch`), so this folder is git-ignored. The translations are "
        "committed (`data/real/translations_tr.csv`).",
        "## Loading",
        "```python\nfrom stance.real import load_real_statements\ndf = load_real_statements()"
        '  # pandas\nimport datasets\nds = datasets.load_dataset("data/external/real_statements")'
        "\n```",
        "## Sources",
        "* **UN General Debate Corpus** (Jankin, Baturo & Dasandi, Harvard Dataverse "
        "doi:10.7910/DVN/0TJX8Y, CC0), sessions 60–79 (2005–2024), speeches not reserved for "
        "the independent evaluation (`stance.corpora.is_reserved_speech`): every sentence that "
        "matches the keyword rule (`stance.corpora.TARGET_KEYWORDS`) and a seeded random sample "
        "of the other sentences of the same speeches (`sample` = `keyword` / `random`). Two "
        "rounds: sessions 69–79 first (`annotation` `pass1-batchNN`); then the speeches the "
        "corpus opened later (sessions 60–68, and the other sessions of BLR, PRK, NIC, CUB, VEN "
        "and IRN, reserved in 2022–2023 only) together with the sentences the widened keyword "
        "rule added to the first round's speeches (`annotation` `pass1-un-NN`). The rule was "
        "widened for the older sessions: Georgia, South Ossetia, Abkhazia and Tskhinvali name "
        "the 2008 war, which speeches of 2008–2009 discuss without naming Russia, and Syria the "
        "war in which Russia intervened, argued about from 2011.",
        "* **Presidential press releases** (en.kremlin.ru and president.gov.ua, CC BY 4.0, as "
        "published in the repository PeiYiZhuo/zelenskyy-putin), October 2021 – June 2022, "
        "reserved Kremlin dates excluded: a seeded sample per presidency and period (before / "
        "from 24 February 2022), mostly keyword sentences; and a second round of keyword "
        "sentences of Kremlin releases only, drawn the same way from the sentences not yet "
        "sampled (`sample` = `kremlin-keyword`), because real `support` sentences are rare "
        "elsewhere. No sampling rule looks at labels.",
        "* **MiDe22 tweets** (Toraman, Ozcelik, Sahinuc & Can, LREC-COLING 2024; repository "
        "ogozcelik/MiDe22, MIT), February 2020 – April 2022: every tweet of the `Ukraine` topic "
        "and every tweet of the other topics that matches the keyword rule of its language "
        "(`stance.corpora.TARGET_KEYWORDS`, `TARGET_KEYWORDS_TR`), in Turkish and English, plus "
        "a seeded random sample of the other Turkish tweets (`sample` = `war-topic` / "
        "`keyword` / `random`). A tweet is labelled whole; its id is `tw-<tweet id>`, its "
        "`document` the MiDe22 event.",
        "* **Anadolu Agency news** (the real news articles of SatireTR, repository "
        "auotomaton/satireTR, MIT): every keyword sentence of the 200 articles and a seeded "
        "random sample of their other sentences (ids `aa-ROW-NNNN`: article row and position).",
        f"* **Turkish translations** of {n_translated} of the {n_english} labelled English "
        "statements (UN speeches: CC0; press releases: CC BY 4.0, en.kremlin.ru and "
        "president.gov.ua, attributed here), made by language-model translators briefed to "
        "translate faithfully and keep every stance-bearing word; each keeps its original's "
        "labels and split (ids `<original id>-tr`).",
        "Sentences are cut by `stance.corpora.split_sentences` (Turkish rules for the news); "
        "ids name the document and the sentence's position (`un-ISO-SESSION-NNNN`, "
        "`kr-RELEASE-NNNN`, `ua-RELEASE-NNNN`).",
        "## Sizes",
        card_table(tables["sizes"]),
        "Original items per sampling rule:",
        card_table(tables["samples"]),
        "## Labels",
        card_table(tables["labels"]),
        "## Splits",
        f"`split`: grouped so that a group is in one split only: UN sentences by state "
        f"({n_test_states} of {n_states} states in `test`), press releases by ISO week, tweets "
        f"by MiDe22 event, news sentences by article; about {TEST_SHARE:.0%} of the groups of "
        "each source and language in `test`, stratified by the joint stance labels as far as "
        "whole groups allow; a translation is in its original's split. `temporal_split`: UN "
        f"sentences of session {TEMPORAL_TEST_SESSION} (2024) are `test`, everything earlier "
        "`train`.",
        "## Annotation",
        f"A second annotator labelled {int(kappa['statements'].iloc[0])} of the English "
        "statements, chosen by a seeded random draw, from the guidelines alone without seeing "
        "the first labels. Cohen's kappa and raw agreement between the two passes, before "
        "adjudication:",
        card_table(kappa.set_index("label")),
        f"Every disagreement ({n_adjudicated} labels) was adjudicated by a third reading against "
        "the guidelines; `data/real/adjudication.csv` records both labels, the final one and "
        "the reason. `annotation` says which pass labelled each sentence.",
        "**Press releases with their publisher.** The press-release sentences were first "
        "labelled without knowing which presidency published them; the guidelines now show the "
        "publisher (rules R11 and R13 need it), and a revision pass re-read every "
        "press-release sentence with it, changing a label only where the publisher changes "
        f"what the guidelines require: {n_revised} labels changed "
        "(`data/real/publisher_revision.csv`: before, after, rule; kappa above compares the "
        "passes before this revision).",
        "The tweets and news sentences had a second pass of their own over a seeded sample "
        "(`data/real/tweets_news_second_pass.csv`), by annotators who never saw the first; kappa "
        "before adjudication, per language:",
        card_table(tweet_news_kappa.set_index(["lang", "label"])),
        f"Their {n_tweet_news_adjudicated} disagreeing labels were adjudicated the same way "
        "(`data/real/tweets_news_adjudication.csv`).",
        f"**Translations.** A second language-model reviewer compared a seeded "
        f"{int(review['sentences'].sum())} translations with their originals "
        "(`data/real/translation_review.csv`): `error` means the meaning or a stance-bearing "
        "word changed, `minor` a wording problem that changes neither.",
        card_table(review.set_index("verdict")),
        "**Who annotated.** All passes were made by language-model annotators (separate "
        "instances, each briefed only with the guidelines and shown only the sentence and "
        'what the guidelines\' table "What the annotator sees" lists for its source), not by '
        "people. Their agreement "
        "is not evidence of human-level label quality; a human pass in the same file format "
        "replaces any of them without code changes.",
        "## Limitations",
        "Real `support` sentences are rare: most states whose speeches defend Russia's conduct "
        "are reserved for the independent evaluation (and the open speeches of those that are "
        "not add few), so most `support` sentences come from "
        "Kremlin releases (and the second round of press-release sentences is Kremlin-only), so "
        "a model may partly learn the Kremlin's house style as `support`. Scores on `support` "
        "have wide intervals. The sentences are "
        "labelled out of context, as a model sees them; a sentence whose stance depends on "
        "its neighbours is `neutral` here. The tweets come from the events that MiDe22's "
        "authors chose for misinformation research (February–April 2022 for the war), so "
        "rumours and fact-checks are over-represented; the news sentences are almost all "
        "`neutral` (a news agency reports), so they measure false alarms more than stance.",
    ]
    return "\n\n".join(sections) + "\n"


def build_real_dataset(
    real_dir: Path | None = None,
    out_dir: Path | None = None,
    corpus_dirs: config.CorpusDirs | None = None,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """Rebuild, check and write the real-text dataset folder (card included)."""
    frame = build_real_statements(real_dir, corpus_dirs, seed)
    card = dataset_card(
        frame,
        agreement(real_dir),
        len(read_adjudication(real_dir)),
        tweets_news.agreement(real_dir),
        len(tweets_news.read_adjudication(real_dir)),
        tweets_news.translation_review(real_dir),
        len(read_publisher_revision(real_dir)),
    )
    write_dataset(frame, card, out_dir or config.REAL_DATASET_DIR)
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
    >>> test = load_real_statements("test")  # built by notebook 07
    >>> sorted(test["genre"].unique())
    ['news', 'press_release', 'speech', 'tweet']
    """
    path = Path(path or config.REAL_DATASET_DIR)
    if not path.is_dir():
        raise InputError(
            f"{path}: the real-statement dataset is not built (run notebook 07 "
            "or make reproduce; it needs the fetched corpora)"
        )
    frame = read_dataset(path, COLUMNS, split)
    return frame.assign(session=frame["session"].astype(int), year=frame["year"].astype(int))
