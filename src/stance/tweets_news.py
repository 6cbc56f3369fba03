"""Readers of the tweet and news corpora: MiDe22 tweets (Turkish, English) and Anadolu Agency news.

Two public corpora add kinds of real text that speeches and press releases do not cover:

* **MiDe22** (Toraman, Ozcelik, Sahinuc & Can, LREC-COLING 2024; public repository
  ogozcelik/MiDe22, ``dataset/``, MIT): 5,064 Turkish and 5,284 English tweets, tab-separated,
  columns ``topic``, ``event_id``, ``label`` (the authors' misinformation label), ``tweet_id``,
  ``text``. A tweet is one item, labelled whole; its id is the tweet id.
* **Anadolu Agency (AA) news articles** from SatireTR (public repository auotomaton/satireTR,
  ``DebiasingPipeline/code/data/train.csv``, MIT): the rows labelled ``non-satiric`` hold real AA
  articles in ``init_content``; the ``satiric`` rows are satire and ``generated_content`` is
  machine-rewritten, so neither is read. An article's id is ``aa-NNN``, its row in that file;
  its sentences (:func:`stance.corpora.split_sentences` with Turkish rules) are ``aa-NNN-SSSS``.

The module also reads this round's committed labels (:func:`read_labels`, :func:`agreement`)
and the Turkish translations of the labelled English statements with their review
(:func:`read_translations`, :func:`translation_review`).

As for the other corpora, the project commits ids, SHA-256 hashes and labels, never the text
(:mod:`stance.fetch` checks a user's copy against the committed manifests), and candidates are
chosen by the words of the text (:func:`stance.corpora.mentions_target`), never by a label.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from stance import config, corpora
from stance.describe import kappa_table
from stance.io import InputError, read_csv
from stance.schema import (
    ALLOWED_LABELS,
    LABEL_COLUMNS,
    DatasetError,
    check_unique,
    check_values,
)

#: The MiDe22 tweet files, by language, as the publisher names them.
MIDE22_FILES = {"tr": "mide22_tr_misinfo_tweets.tsv", "en": "mide22_en_misinfo_tweets.tsv"}
MIDE22_COLUMNS = ("topic", "event_id", "label", "tweet_id", "text")
#: The MiDe22 topic that is about the war (February–April 2022).
WAR_TOPIC = "Ukraine"
#: The SatireTR file that holds the Anadolu Agency articles, and the label of those rows.
AA_FILE = "train.csv"
AA_LABEL = "non-satiric"
AA_COLUMNS = ("init_content", "label")


def _find(root: Path, name: str) -> Path:
    """The shallowest file called ``name`` under ``root`` (the publisher's layout at any depth)."""
    matches = sorted(root.rglob(name), key=lambda path: (len(path.parts), str(path)))
    if not matches:
        raise InputError(f"{root}: no {name} at any depth")
    return matches[0]


def _read_table(path: Path, columns: tuple[str, ...], sep: str = ",") -> pd.DataFrame:
    """A UTF-8 CSV or TSV with the given columns, every value a string."""
    csv.field_size_limit(1 << 26)
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{path}: not a readable UTF-8 table ({detail})") from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column {missing[0]!r} (columns: {', '.join(frame.columns)})"
        )
    return frame


def read_mide22(root: str | os.PathLike[str]) -> pd.DataFrame:
    """Both MiDe22 tweet files under ``root`` as one table, one row per tweet.

    Parameters
    ----------
    root
        A folder holding :data:`MIDE22_FILES` at any depth (the repository's ``dataset/``).

    Returns
    -------
    pandas.DataFrame
        Columns ``tweet_id``, ``lang`` (``tr``/``en``), ``topic``, ``event_id``,
        ``misinfo_label`` (the authors' label), ``text`` (as published), ``text_sha256`` and
        ``mentions_target`` (the keyword rule of the tweet's language), sorted by language and id.

    Raises
    ------
    InputError
        ``root``, a file or a column is missing, a file is not UTF-8, or a tweet id repeats.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder")
    frames = []
    for lang, name in MIDE22_FILES.items():
        path = _find(root, name)
        tweets = _read_table(path, MIDE22_COLUMNS, sep="\t")
        if not tweets["tweet_id"].str.fullmatch(r"\d+").all():
            bad = tweets.loc[~tweets["tweet_id"].str.fullmatch(r"\d+"), "tweet_id"].iloc[0]
            raise InputError(f"{path}: tweet id {bad[:40]!r} is not a number")
        frames.append(
            pd.DataFrame(
                {
                    "tweet_id": tweets["tweet_id"],
                    "lang": lang,
                    "topic": tweets["topic"],
                    "event_id": tweets["event_id"],
                    "misinfo_label": tweets["label"],
                    "text": tweets["text"],
                    "text_sha256": [corpora.sentence_sha256(text) for text in tweets["text"]],
                    "mentions_target": [
                        corpora.mentions_target(text, lang) for text in tweets["text"]
                    ],
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    repeated = frame["tweet_id"][frame["tweet_id"].duplicated()]
    if len(repeated):
        raise InputError(f"{root}: tweet {repeated.iloc[0]} appears twice")
    return frame.sort_values(["lang", "tweet_id"], ignore_index=True)


def read_aa(root: str | os.PathLike[str]) -> pd.DataFrame:
    """The Anadolu Agency articles of SatireTR under ``root``, one row per article.

    Returns a table with ``article_id`` (``aa-NNN``: the row in :data:`AA_FILE`, counted from 0
    over all rows, so ids do not move if other rows are dropped), ``text`` and ``text_sha256``.
    Only the rows labelled :data:`AA_LABEL` are real news; the others are not returned.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder")
    path = _find(root, AA_FILE)
    rows = _read_table(path, AA_COLUMNS)
    news = rows[rows["label"] == AA_LABEL]
    if news.empty:
        raise InputError(f"{path}: no rows labelled {AA_LABEL!r} (is this SatireTR's train.csv?)")
    return pd.DataFrame(
        {
            "article_id": [f"aa-{row:03d}" for row in news.index],
            "text": news["init_content"].to_numpy(),
            "text_sha256": [corpora.sentence_sha256(text) for text in news["init_content"]],
        }
    )


def aa_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """The sentences of the AA articles (Turkish splitter and keyword rule), in article order,
    with the columns of :data:`stance.corpora.SENTENCE_COLUMNS`."""
    return corpora._sentence_frame(
        corpora._sentence_columns(
            corpora.split_sentences(row.text, "tr"),
            row.article_id,
            lang="tr",
            source="aa",
            document=row.article_id,
            iso3="",
            session=0,
            year=0,
            date="",
            speaker="aa",
        )
        for row in articles.itertuples(index=False)
    )


def mide22_labelling_sample(
    tweets: pd.DataFrame, n_other_tr: int = 150, seed: int = config.SEED
) -> pd.DataFrame:
    """The tweets to label: every tweet of the war topic and every keyword tweet of the other
    topics, in both languages, plus a seeded random ``n_other_tr`` of the other Turkish tweets.

    ``sample`` says why a tweet is in: ``war-topic``, ``keyword`` or ``random``. The rule reads
    topics and words only, never a label.
    """
    chosen = (tweets["topic"] == WAR_TOPIC) | tweets["mentions_target"]
    sample = np.where(tweets["topic"] == WAR_TOPIC, "war-topic", "keyword")
    picked = tweets[chosen].assign(sample=sample[chosen.to_numpy()])
    others = tweets[~chosen & (tweets["lang"] == "tr")]
    random_others = corpora.seeded_sample(others, n_other_tr, seed).assign(sample="random")
    return pd.concat([picked, random_others]).sort_values(["lang", "tweet_id"], ignore_index=True)


def aa_labelling_sample(
    sentences: pd.DataFrame, n_other: int = 200, seed: int = config.SEED
) -> pd.DataFrame:
    """The AA sentences to label: every keyword sentence, plus a seeded random ``n_other`` of
    the other sentences of all articles (``sample``: ``keyword`` or ``random``), so that the
    labelled set also holds ordinary news sentences that take no side."""
    keyword = sentences[sentences["mentions_target"]].assign(sample="keyword")
    others = corpora.seeded_sample(sentences[~sentences["mentions_target"]], n_other, seed)
    return pd.concat([keyword, others.assign(sample="random")]).sort_values(
        "sentence_id", ignore_index=True
    )


# --- the committed labels --------------------------------------------------------------------

#: The label files of this round, in ``data/real/``: one row per tweet (key ``tweet_id``) and one
#: per AA sentence (key ``sentence_id``), with the SHA-256 of the labelled text, why it was
#: sampled, the three labels (final, after adjudication) and which first-pass batch labelled it.
MIDE22_LABELS = "mide22_labels.csv"
MIDE22_LABEL_COLUMNS = (
    "tweet_id",
    "lang",
    "sentence_sha256",
    "sample",
    *LABEL_COLUMNS,
    "annotation",
)
AA_LABELS = "aa_labels.csv"
AA_LABEL_COLUMNS = ("sentence_id", "sentence_sha256", "sample", *LABEL_COLUMNS, "annotation")
#: The independent second pass over a seeded sample of both, and the adjudication of every
#: disagreement, keyed by item id (:func:`item_id`).
SECOND_PASS = "tweets_news_second_pass.csv"
ADJUDICATION = "tweets_news_adjudication.csv"
ADJUDICATION_COLUMNS = ("item_id", "label", "first", "second", "final", "reason")


def item_id(tweet_id: str) -> str:
    """The dataset id of a tweet, ``tw-<tweet id>`` (AA sentences keep their sentence id)."""
    return f"tw-{tweet_id}"


def _checked(frame: pd.DataFrame, path: Path, key: str) -> pd.DataFrame:
    def where(row: pd.Series) -> str:
        return f"{path}: line {row.name + 2}"

    check_values(frame, ALLOWED_LABELS, where)
    check_unique(frame, key, where)
    return frame


def read_labels(real_dir: Path | None = None) -> pd.DataFrame:
    """Both label files of this round as one checked table, one row per item.

    Columns: ``item_id``, ``source`` (``mide22``/``aa``), ``lang``, ``genre`` (``tweet``/
    ``news``), ``sentence_sha256``, ``sample``, the three labels and ``annotation``.
    """
    real_dir = Path(real_dir or config.REAL_DIR)
    tweets = _checked(
        read_csv(real_dir / MIDE22_LABELS, MIDE22_LABEL_COLUMNS),
        real_dir / MIDE22_LABELS,
        "tweet_id",
    )
    bad = tweets[~tweets["lang"].isin(list(MIDE22_FILES))]
    if len(bad):
        raise DatasetError(
            f"{real_dir / MIDE22_LABELS}: line {bad.index[0] + 2}: lang {bad['lang'].iloc[0]!r} "
            f"is not one of {', '.join(MIDE22_FILES)}"
        )
    news = _checked(
        read_csv(real_dir / AA_LABELS, AA_LABEL_COLUMNS), real_dir / AA_LABELS, "sentence_id"
    )
    columns = [
        "item_id",
        "source",
        "lang",
        "genre",
        "sentence_sha256",
        "sample",
        *LABEL_COLUMNS,
        "annotation",
    ]
    tweets = tweets.assign(
        item_id=[item_id(tweet) for tweet in tweets["tweet_id"]], source="mide22", genre="tweet"
    )
    news = news.assign(item_id=news["sentence_id"], source="aa", lang="tr", genre="news")
    return pd.concat([tweets[columns], news[columns]], ignore_index=True)


def read_second_pass(real_dir: Path | None = None) -> pd.DataFrame:
    """The independent second pass of this round (``item_id``, the three labels, annotation)."""
    path = Path(real_dir or config.REAL_DIR) / SECOND_PASS
    return _checked(read_csv(path, ("item_id", *LABEL_COLUMNS, "annotation")), path, "item_id")


def read_adjudication(real_dir: Path | None = None) -> pd.DataFrame:
    """Every disagreement of this round's two passes, with the final label and the reason."""
    return read_csv(Path(real_dir or config.REAL_DIR) / ADJUDICATION, ADJUDICATION_COLUMNS)


def agreement(real_dir: Path | None = None) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per language and label between this round's first pass
    (restored from the adjudication) and the second pass."""
    labels, second = read_labels(real_dir), read_second_pass(real_dir)
    unknown = sorted(set(second["item_id"]) - set(labels["item_id"]))
    if unknown:
        raise DatasetError(f"second pass names unlabelled item(s): {', '.join(unknown[:3])}")
    first = labels.set_index("item_id")[list(LABEL_COLUMNS)].copy()
    for row in read_adjudication(real_dir).itertuples(index=False):
        first.loc[row.item_id, row.label] = row.first
    lang = labels.set_index("item_id")["lang"]
    second = second.set_index("item_id")
    tables = [
        kappa_table(first, part).assign(lang=code)
        for code, part in second.groupby(lang.loc[second.index].to_numpy())
    ]
    return pd.concat(tables, ignore_index=True)[
        ["lang", "label", "statements", "agreement", "cohen_kappa"]
    ]


# --- Turkish translations of the labelled English statements -----------------------------------

#: Turkish translations of every labelled UN and press-release sentence (``sentence_id``,
#: ``text_tr``, ``annotation``: the translating batch), derived text under the sources' licences
#: (UN: CC0; en.kremlin.ru and president.gov.ua: CC BY 4.0), and the review of a seeded sample
#: against the originals (``sentence_id``, ``verdict``: ok/minor/error, ``note``, ``annotation``).
TRANSLATIONS = "translations_tr.csv"
TRANSLATION_REVIEW = "translation_review.csv"
REVIEW_VERDICTS = ("ok", "minor", "error")


def read_translations(real_dir: Path | None = None) -> pd.DataFrame:
    """The committed Turkish translations, checked: one non-empty translation per sentence id."""
    path = Path(real_dir or config.REAL_DIR) / TRANSLATIONS
    frame = read_csv(path, ("sentence_id", "text_tr", "annotation"))

    def where(row: pd.Series) -> str:
        return f"{path}: line {row.name + 2}"

    check_unique(frame, "sentence_id", where)
    empty = frame[frame["text_tr"].str.strip() == ""]
    if len(empty):
        raise DatasetError(f"{where(empty.iloc[0])}: empty translation")
    return frame


def translation_review(real_dir: Path | None = None) -> pd.DataFrame:
    """How many reviewed translations are ``ok``, ``minor`` or ``error``, with shares."""
    path = Path(real_dir or config.REAL_DIR) / TRANSLATION_REVIEW
    review = read_csv(path, ("sentence_id", "verdict", "note", "annotation"))
    bad = review[~review["verdict"].isin(REVIEW_VERDICTS)]
    if len(bad):
        raise DatasetError(
            f"{path}: line {bad.index[0] + 2}: verdict {bad['verdict'].iloc[0]!r} is not one of "
            f"{', '.join(REVIEW_VERDICTS)}"
        )
    counts = review["verdict"].value_counts().reindex(list(REVIEW_VERDICTS), fill_value=0)
    return pd.DataFrame(
        {
            "verdict": counts.index,
            "sentences": counts.to_numpy(),
            "share": (counts / len(review)).round(3).to_numpy(),
        }
    )


# --- rebuilding the labelled items -------------------------------------------------------------

#: Twitter's epoch of snowflake ids (milliseconds): a tweet id holds its posting time.
_TWITTER_EPOCH_MS = 1288834974657


def tweet_date(tweet_id: str) -> str:
    """The UTC posting date (``YYYY-MM-DD``) that a tweet's snowflake id encodes.

    >>> tweet_date("1500095815297081344")
    '2022-03-05'
    """
    milliseconds = (int(tweet_id) >> 22) + _TWITTER_EPOCH_MS
    return pd.Timestamp(milliseconds, unit="ms").strftime("%Y-%m-%d")


def _corpus_folder(folder: Path | None, corpus: str) -> Path:
    folder = Path(folder or config.corpus_dir(corpus))
    if not folder.is_dir():
        raise InputError(
            f"{folder}: the {corpus} corpus is not fetched (run: stance corpus fetch {corpus}, "
            "or make corpora)"
        )
    return folder


def _matched(labels: pd.DataFrame, texts: pd.DataFrame, what: str) -> pd.DataFrame:
    """``labels`` joined with the corpus rows of ``texts`` (indexed by item id), every hash
    checked; a missing or changed item is a one-line error naming it."""
    absent = [item for item in labels["item_id"] if item not in texts.index]
    if absent:
        raise InputError(f"{what} {absent[0]}: not in the fetched corpus (a different release?)")
    joined = labels.join(texts, on="item_id")
    changed = joined[joined["sentence_sha256"] != joined["text_sha256"]]
    if len(changed):
        raise InputError(
            f"{what} {changed['item_id'].iloc[0]}: its text no longer matches the committed "
            "SHA-256 (a different corpus release, or a changed sentence splitter)"
        )
    return joined


def rehydrate(
    labels: pd.DataFrame, mide22_dir: Path | None = None, aa_dir: Path | None = None
) -> pd.DataFrame:
    """The labelled tweets and AA sentences of :func:`read_labels` with their text, rebuilt
    from the fetched corpora and checked by hash, in the columns of the real dataset
    (``id``, ``text``, ``lang``, the labels, ``source``, ``document`` (the MiDe22 event or the
    article), ``iso3``, ``session``, ``year``, ``date``, ``sample``, ``annotation``)."""
    parts = []
    tweet_labels = labels[labels["source"] == "mide22"]
    if len(tweet_labels):
        tweets = read_mide22(_corpus_folder(mide22_dir, "mide22"))
        tweets = tweets.set_index(tweets["tweet_id"].map(item_id))
        joined = _matched(tweet_labels, tweets[["text", "text_sha256", "event_id"]], "tweet")
        dates = [tweet_date(item.removeprefix("tw-")) for item in joined["item_id"]]
        parts.append(joined.assign(document=joined["event_id"], date=dates))
    news_labels = labels[labels["source"] == "aa"]
    if len(news_labels):
        sentences = aa_sentences(read_aa(_corpus_folder(aa_dir, "aa"))).set_index("sentence_id")
        sentences = sentences.rename(columns={"sentence_sha256": "text_sha256"})
        joined = _matched(news_labels, sentences[["text", "text_sha256", "document"]], "sentence")
        parts.append(joined.assign(date=""))
    frame = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(
        {
            "id": frame["item_id"],
            "text": frame["text"],
            "lang": frame["lang"],
            **{label: frame[label] for label in LABEL_COLUMNS},
            "source": frame["source"],
            "document": frame["document"],
            "iso3": "",
            "session": 0,
            "year": [int(date[:4]) if date else 0 for date in frame["date"]],
            "date": frame["date"],
            "sample": frame["sample"],
            "annotation": frame["annotation"],
        }
    )
