"""The statement dataset: its schema, how it is built from raw sources, split, checked and loaded.

Raw sources in ``data/raw/`` are written by hand and never edited by code:

* ``putin-kim-summit-2024-06.tr.txt``: the seed article as published (Turkish);
* ``seed_quotes.csv``: for each quotation the extractor finds in it, the speaker as the article
  attributes it, an English translation and the labels;
* ``constructed/*.csv``: constructed statements, one row per statement with its English and
  Turkish versions (``text_en``, ``text_tr``);
* ``second_annotation.csv``: an independent second pass of labels over a sample.

The built dataset in ``data/statements/`` has one row per text (a statement in one language), so
every statement appears twice, with the same ``statement_id``, labels and split.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import StratifiedGroupKFold

from stance import config
from stance.io import InputError, csv_lines, read_csv, read_text
from stance.results import markdown_table
from stance.text import SUPPORTED_LANGUAGES, Quote, TextNormalizer, extract_quotes

TARGETS = ("russian_foreign_policy", "ukraine_operation")
#: Class names, sorted, so ClassLabel ids and scikit-learn's ``classes_`` agree.
STANCES = ("neutral", "opposition", "support")
SENTIMENTS = ("negative", "neutral", "positive")
LABEL_COLUMNS = (*TARGETS, "sentiment")
ALLOWED_LABELS: dict[str, tuple[str, ...]] = {
    **{target: STANCES for target in TARGETS},
    "sentiment": SENTIMENTS,
}
GENRES = ("diplomatic_speech", "official_statement", "news_report", "op_ed", "social_media")
ORIGINS = ("constructed", "seed")
SPLITS = ("test", "train")

#: Columns of the built dataset, in file order.
COLUMNS = (
    "id", "statement_id", "text", "lang", *LABEL_COLUMNS, "speaker_role", "genre", "origin",
    "group", "split", "hard_case", "source",
)

SEED_ARTICLE = "putin-kim-summit-2024-06.tr.txt"
SEED_QUOTES = "seed_quotes.csv"
CONSTRUCTED_DIR = "constructed"
SECOND_ANNOTATION = "second_annotation.csv"

CONSTRUCTED_COLUMNS = (
    "statement_id", "group", "genre", "speaker_role", *LABEL_COLUMNS, "hard_case",
    "text_en", "text_tr",
)
SEED_COLUMNS = (
    "statement_id", "speaker", "speaker_aliases", "speaker_role", "genre", *LABEL_COLUMNS,
    "quote_tr", "text_en", "source",
)
CONSTRUCTED_SOURCE = "constructed for this dataset; not said by any real person"
#: Share of SemEval-2016 stance tweets taking a side whose sentiment contradicts the naive
#: mapping, as published by Mohammad, Sobhani & Kiritchenko (2017); shown beside our own share.
SEMEVAL_2016_MISMATCH_SHARE = 0.39
TEST_SIZE = 0.25
NEAR_DUPLICATE_THRESHOLD = 0.8


class DatasetError(InputError):
    """The raw data break a rule of the dataset; the message names the file and the line."""


# --- reading raw sources -------------------------------------------------------------------

def _where(row: pd.Series) -> str:
    return f"{row['source_file']}: line {row['source_row']}"


def _read_raw(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = read_csv(path, columns)
    except InputError as error:
        raise DatasetError(str(error)) from None
    frame = frame.assign(source_file=str(path.relative_to(config.PROJECT_ROOT)
                                          if path.is_relative_to(config.PROJECT_ROOT) else path),
                         source_row=csv_lines(path, len(frame)))
    return frame


def _to_long(wide: pd.DataFrame, texts: Mapping[str, str], common: list[str]) -> pd.DataFrame:
    """One row per (statement, language) from a table with one text column per language."""
    parts = []
    for lang, column in texts.items():
        part = wide[common].copy()
        part["text"] = wide[column]
        part["lang"] = lang
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def load_constructed(raw_dir: Path = config.RAW_DIR) -> pd.DataFrame:
    """All constructed statements, long format, with the file and row each came from."""
    files = sorted((raw_dir / CONSTRUCTED_DIR).glob("*.csv"))
    if not files:
        raise DatasetError(f"{raw_dir / CONSTRUCTED_DIR}: no constructed statement files (*.csv)")
    wide = pd.concat([_read_raw(path, CONSTRUCTED_COLUMNS) for path in files], ignore_index=True)
    wide["origin"] = "constructed"
    wide["source"] = CONSTRUCTED_SOURCE
    common = ["statement_id", "group", "genre", "speaker_role", *LABEL_COLUMNS, "hard_case",
              "origin", "source", "source_file", "source_row"]
    return _to_long(wide, {"en": "text_en", "tr": "text_tr"}, common)


def _seed_annotations(raw_dir: Path) -> pd.DataFrame:
    return _read_raw(raw_dir / SEED_QUOTES, SEED_COLUMNS)


def seed_quotations(raw_dir: Path = config.RAW_DIR) -> list[Quote]:
    """The attributed quotations that :func:`stance.text.extract_quotes` finds in the seed
    article, with speakers (and their short forms) taken from ``seed_quotes.csv``."""
    annotations = _seed_annotations(raw_dir)
    speakers = {
        row.speaker: [a.strip() for a in row.speaker_aliases.split(";") if a.strip()]
        for row in annotations.itertuples()
    }
    try:
        article = read_text(raw_dir / SEED_ARTICLE)
    except InputError as error:
        raise DatasetError(str(error)) from None
    return extract_quotes(article, speakers)


def load_seed(raw_dir: Path = config.RAW_DIR) -> pd.DataFrame:
    """The quotations of the seed article, long format.

    Every quotation the extractor finds must have exactly one annotated row in
    ``seed_quotes.csv`` and every annotated row must match an extracted quotation (and its
    speaker), so the dataset holds exactly what the article quotes.
    """
    annotations = _seed_annotations(raw_dir)
    quotes = seed_quotations(raw_dir)
    found = {q.text: q for q in quotes}
    for _, row in annotations.iterrows():
        quote = found.get(row["quote_tr"].strip())
        if quote is None:
            raise DatasetError(f"{_where(row)}: quote_tr is not a quotation the extractor "
                               f"finds in {SEED_ARTICLE}")
        if quote.speaker != row["speaker"]:
            raise DatasetError(f"{_where(row)}: the article attributes this quote to "
                               f"{quote.speaker!r}, not {row['speaker']!r}")
    missing = set(found) - set(annotations["quote_tr"].str.strip())
    if missing:
        first = sorted(missing)[0]
        raise DatasetError(f"{raw_dir / SEED_QUOTES}: {len(missing)} quotation(s) of the article "
                           f"have no row, e.g. “{first[:60]}…”")
    annotations = annotations.assign(
        origin="seed",
        group="seed-putin-kim-2024-06",
        hard_case="none",
        speaker_role=annotations["speaker_role"] + " (" + annotations["speaker"] + ")",
    )
    common = ["statement_id", "group", "genre", "speaker_role", *LABEL_COLUMNS, "hard_case",
              "origin", "source", "source_file", "source_row"]
    return _to_long(annotations, {"tr": "quote_tr", "en": "text_en"}, common)


# --- validation ----------------------------------------------------------------------------

def validate(frame: pd.DataFrame) -> None:
    """Check a long-format table of statements; raise :class:`DatasetError` at the first problem.

    Checks: required columns, allowed labels, genres, origins and language codes, empty or
    whitespace-only text, each statement present once per language, and duplicates: the same
    ``statement_id`` or the same text given twice with conflicting labels, or given twice at all.
    Rows that carry ``source_file``/``source_row`` are named by them, others by their ``id``.
    """
    required = ("statement_id", "text", "lang", *LABEL_COLUMNS, "genre", "group", "origin")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        where = frame["source_file"].iloc[0] if "source_file" in frame and len(frame) else "data"
        raise DatasetError(f"{where}: missing column(s) {', '.join(missing)}")

    def where(row: pd.Series) -> str:
        return _where(row) if "source_file" in row.index else f"row with id {row.get('id')!r}"

    allowed = {**ALLOWED_LABELS, "genre": GENRES, "origin": ORIGINS, "lang": SUPPORTED_LANGUAGES}
    for _, row in frame.iterrows():
        for column, values in allowed.items():
            if row[column] not in values:
                raise DatasetError(f"{where(row)}: {column} {row[column]!r} is not one of "
                                   f"{', '.join(values)}")
        if not str(row["text"]).strip():
            raise DatasetError(f"{where(row)}: empty text ({row['lang']})")
        for column in ("statement_id", "group"):
            if not str(row[column]).strip():
                raise DatasetError(f"{where(row)}: empty {column}")

    labels = list(LABEL_COLUMNS)
    for keys, what in ((["statement_id", "lang"], "statement_id"), (["text", "lang"], "text")):
        duplicated = frame[frame.duplicated(keys, keep=False)]
        if duplicated.empty:
            continue
        for _, group in duplicated.groupby(keys, sort=False):
            first, second = group.iloc[0], group.iloc[1]
            conflict = (group[labels].nunique() > 1).any()
            detail = "with conflicting labels" if conflict else "given twice"
            name = first["statement_id"] if what == "statement_id" else f"“{first['text'][:40]}”"
            raise DatasetError(f"{where(second)}: duplicate {what} {name} {detail} "
                               f"(first at {where(first)})")
    per_statement = frame.groupby("statement_id")[[*labels, "group"]].nunique()
    inconsistent = per_statement[(per_statement > 1).any(axis=1)]
    if not inconsistent.empty:
        raise DatasetError(f"statement {inconsistent.index[0]}: its language versions disagree "
                           "on labels or group")


# --- splitting and leakage checks ----------------------------------------------------------

def grouped_split(
    strata: Sequence[str],
    groups: Sequence[str],
    test_size: float = TEST_SIZE,
    seed: int = config.SEED,
    accept: Callable[[np.ndarray, np.ndarray], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A stratified, grouped train/test split, as positions: one fold of a shuffled
    :class:`~sklearn.model_selection.StratifiedGroupKFold` with ``K = round(1 / test_size)`` is
    the test part, so no group spans both parts and each stratum's share is about the same in
    both. The first fold is taken, or with ``accept`` the first for which ``accept(train, test)``
    holds (``None`` when none does). Deterministic for a given ``seed``.
    """
    folds = StratifiedGroupKFold(n_splits=round(1 / test_size), shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # strata rarer than the folds are expected in small data
        warnings.filterwarnings("ignore", message="The least populated class")
        for train, test in folds.split(np.zeros(len(strata)), strata, groups=groups):
            if accept is None or accept(train, test):
                return train, test
    return None


def assign_splits(frame: pd.DataFrame, test_size: float = TEST_SIZE,
                  seed: int = config.SEED) -> pd.DataFrame:
    """Add a ``split`` column: about ``test_size`` of the statements go to ``test``.

    Stratified by the joint stance labels of both targets, grouped by ``group`` (no group spans
    both splits), decided per statement so both language versions share a split.
    """
    statements = frame.drop_duplicates("statement_id").sort_values("statement_id")
    strata = statements["russian_foreign_policy"] + "|" + statements["ukraine_operation"]
    _, test_index = grouped_split(strata, statements["group"], test_size, seed)
    test_ids = set(statements["statement_id"].iloc[test_index])
    split = np.where(frame["statement_id"].isin(test_ids), "test", "train")
    return frame.assign(split=split)


def near_duplicates(frame: pd.DataFrame,
                    threshold: float = NEAR_DUPLICATE_THRESHOLD) -> pd.DataFrame:
    """Pairs of texts in different splits (same language) whose TF-IDF cosine is >= threshold."""
    pairs = []
    for lang, texts in frame.groupby("lang", sort=True):
        vectors = TfidfVectorizer(preprocessor=TextNormalizer(str(lang)), ngram_range=(1, 2),
                                  sublinear_tf=True).fit_transform(texts["text"].tolist())
        train = np.flatnonzero((texts["split"] == "train").to_numpy())
        test = np.flatnonzero((texts["split"] == "test").to_numpy())
        similarity = (vectors[test] @ vectors[train].T).toarray()
        for i, j in zip(*np.nonzero(similarity >= threshold), strict=True):
            pairs.append({"lang": lang, "test_id": texts["id"].iloc[test[i]],
                          "train_id": texts["id"].iloc[train[j]],
                          "cosine": round(float(similarity[i, j]), 3)})
    return pd.DataFrame(pairs, columns=["lang", "test_id", "train_id", "cosine"])


def check_no_leakage(frame: pd.DataFrame,
                     threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
    """Fail when a group spans both splits or a test text nearly duplicates a training text."""
    spans = frame.groupby("group")["split"].nunique()
    if (spans > 1).any():
        raise DatasetError(f"group {spans[spans > 1].index[0]} spans train and test")
    pairs = near_duplicates(frame, threshold)
    if not pairs.empty:
        first = pairs.iloc[0]
        raise DatasetError(f"{len(pairs)} near-duplicate pair(s) across splits (TF-IDF cosine >= "
                           f"{threshold}), e.g. {first.test_id} ~ {first.train_id} "
                           f"({first.cosine}); put them in one group")


# --- building, writing, loading ------------------------------------------------------------

def build_statements(raw_dir: Path = config.RAW_DIR, seed: int = config.SEED) -> pd.DataFrame:
    """Read, validate, split and leakage-check every raw source; return the dataset table."""
    frame = pd.concat([load_seed(raw_dir), load_constructed(raw_dir)], ignore_index=True)
    frame = frame.assign(text=frame["text"].str.strip(),
                         id=frame["statement_id"] + "-" + frame["lang"])
    validate(frame)
    frame = assign_splits(frame, seed=seed)
    check_no_leakage(frame)
    return frame.sort_values(["split", "id"], ignore_index=True)[list(COLUMNS)]


def load_second_annotation(raw_dir: Path = config.RAW_DIR) -> pd.DataFrame:
    """The second annotator's labels, one row per statement, checked against the label sets."""
    frame = _read_raw(raw_dir / SECOND_ANNOTATION, ("statement_id", *LABEL_COLUMNS))
    for _, row in frame.iterrows():
        for column in LABEL_COLUMNS:
            if row[column] not in ALLOWED_LABELS[column]:
                raise DatasetError(f"{_where(row)}: {column} {row[column]!r} is not one of "
                                   f"{', '.join(ALLOWED_LABELS[column])}")
    duplicated = frame[frame["statement_id"].duplicated()]
    if not duplicated.empty:
        raise DatasetError(f"{_where(duplicated.iloc[0])}: duplicate statement_id "
                           f"{duplicated.iloc[0]['statement_id']}")
    return frame.drop(columns=["source_file", "source_row"])


def kappa_table(first: pd.DataFrame, second: pd.DataFrame,
                columns: tuple[str, ...] = LABEL_COLUMNS) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label column between two passes over the same items
    (both indexed by item id; ``first`` may hold more items than ``second``)."""
    rows = []
    for column in columns:
        a = first.loc[second.index, column].to_numpy(dtype=object)
        b = second[column].to_numpy(dtype=object)
        rows.append({"label": column, "statements": len(b),
                     "agreement": round(float(np.mean(a == b)), 3),
                     "cohen_kappa": round(float(cohen_kappa_score(a, b)), 3)})
    return pd.DataFrame(rows)


def annotation_agreement(dataset: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa and raw agreement per label between the dataset and a second pass.

    Statements the second pass names but the dataset lacks are an error, not silently dropped.
    """
    first = dataset.drop_duplicates("statement_id").set_index("statement_id")
    unknown = sorted(set(second["statement_id"]) - set(first.index))
    if unknown:
        raise DatasetError("second annotation names unknown statement(s): "
                           f"{', '.join(unknown[:3])}")
    return kappa_table(first, second.set_index("statement_id"))


def write_dataset(frame: pd.DataFrame, card: str, out_dir: Path = config.DATASET_DIR) -> Path:
    """Write one CSV per split and the dataset card, replacing ``out_dir`` as a whole.

    Everything is written into a fresh folder beside ``out_dir`` first; only when all files are
    complete is the old folder swapped out, so a failure leaves the existing dataset untouched.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for split in SPLITS:
            rows = frame[frame["split"] == split].sort_values("id")
            rows.to_csv(staging / f"{split}.csv", index=False, lineterminator="\n")
        (staging / "README.md").write_text(card, encoding="utf-8")
        os.chmod(staging, 0o755)
        backup = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(backup, ignore_errors=True)
        if out_dir.exists():
            os.rename(out_dir, backup)
        os.rename(staging, out_dir)
        shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def load_statements(split: str | None = None, path: Path = config.DATASET_DIR) -> pd.DataFrame:
    """The built dataset as pandas (one row per text), optionally one split only."""
    splits = SPLITS if split is None else (split,)
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    frames = [read_csv(Path(path) / f"{name}.csv", COLUMNS) for name in splits]
    return pd.concat(frames, ignore_index=True)


def load_hf_dataset(path: Path = config.DATASET_DIR, cache_dir: Path = config.CACHE_DIR):
    """The built dataset through Hugging Face ``datasets`` (a ``DatasetDict`` of ClassLabel
    columns), offline, with its Arrow cache in the project's git-ignored ``.cache``."""
    config.quiet_offline_environment()
    import datasets  # imported late: it reads the environment variables at import time

    return datasets.load_dataset(str(path), cache_dir=str(cache_dir / "datasets"))


# --- describing ----------------------------------------------------------------------------

def naive_mapping_mismatch(frame: pd.DataFrame, target: str) -> pd.Series:
    """For each row, whether its sentiment contradicts the naive stance-as-sentiment mapping.

    Only side-taking rows can contradict it: ``support`` with negative sentiment or
    ``opposition`` with positive sentiment (the definition of Mohammad et al. 2017).
    """
    stance, sentiment = frame[target], frame["sentiment"]
    return ((stance == "support") & (sentiment == "negative")) | (
        (stance == "opposition") & (sentiment == "positive"))


def mismatch_share(frame: pd.DataFrame, target: str) -> float:
    """Share of side-taking statements whose sentiment goes against the naive mapping."""
    side = frame[frame[target] != "neutral"]
    return float(naive_mapping_mismatch(side, target).mean())


def label_shares(frame: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
    """Shares (0-1) of each label of ``column``, overall or per value of ``by``, sorted."""
    if by is None:
        return frame[column].value_counts(normalize=True).sort_index().to_frame("share")
    return (pd.crosstab(frame[by], frame[column], normalize="index")
            .sort_index().sort_index(axis=1))


# --- the dataset card ----------------------------------------------------------------------

def yaml_header(columns: tuple[str, ...] = COLUMNS, languages: tuple[str, ...] = ("en", "tr"),
                pretty_name: str = "Stance toward Russia's foreign policy and the war in Ukraine "
                                   "(EN/TR)",
                license_id: str = "cc-by-4.0") -> str:
    """A dataset card's YAML: splits (file per split) and features, with ClassLabel names for the
    label columns. Split sizes are in the card's text: ``datasets`` would want byte counts in
    the YAML too."""
    lines = ["---", "language:", *[f"- {lang}" for lang in languages],
             f"license: {license_id}", "pretty_name: >-", f"  {pretty_name}",
             "task_categories:", "- text-classification", "configs:", "- config_name: default",
             "  data_files:"]
    for split in ("train", "test"):
        lines += [f"  - split: {split}", f"    path: {split}.csv"]
    lines += ["dataset_info:", "  features:"]
    for column in columns:
        if column in ALLOWED_LABELS:
            lines += [f"  - name: {column}", "    dtype:", "      class_label:", "        names:"]
            lines += [f"          '{i}': {name}" for i, name in enumerate(ALLOWED_LABELS[column])]
        else:
            lines += [f"  - name: {column}", "    dtype: string"]
    return "\n".join([*lines, "---"])


def card_table(table: pd.DataFrame) -> str:
    """A card table: :func:`stance.results.markdown_table`, the index kept when it names rows."""
    if table.index.name is not None or not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index()
    return markdown_table(table).rstrip("\n")


def dataset_summary(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables the card and the exploration notebook show: sizes, label counts, agreement
    with the naive mapping."""
    statements = frame.drop_duplicates("statement_id")
    sizes = pd.crosstab(frame["split"], [frame["lang"]], margins=True, margins_name="all")
    sizes = sizes.rename_axis(index="split", columns=None)
    by_origin = statements.groupby(["origin", "split"]).size().unstack(fill_value=0)
    labels = pd.concat(
        {column: statements[column].value_counts().reindex(ALLOWED_LABELS[column], fill_value=0)
         for column in LABEL_COLUMNS}, axis=1).fillna(0).astype(int)
    labels.index.name = "label"
    mismatch = pd.DataFrame(
        [{"target": target,
          "side_taking_statements": int((statements[target] != "neutral").sum()),
          "against_naive_mapping": int(naive_mapping_mismatch(statements, target).sum()),
          "share": round(mismatch_share(statements, target), 3)} for target in TARGETS])
    return {"texts_per_split_and_language": sizes, "statements_per_origin": by_origin,
            "statements_per_label": labels, "naive_mapping": mismatch}


def dataset_card(frame: pd.DataFrame, agreement: pd.DataFrame | None = None) -> str:
    """The dataset card (``README.md`` of the dataset folder), with every number computed."""
    summary = dataset_summary(frame)
    n_statements = frame["statement_id"].nunique()
    n_seed = frame.loc[frame["origin"] == "seed", "statement_id"].nunique()
    sections = [
        yaml_header(),
        "# Stance toward Russia's foreign policy and the war in Ukraine (English/Turkish)",
        f"{n_statements} statements, each in English and in Turkish ({len(frame)} texts), labelled "
        "for stance toward two targets (`russian_foreign_policy`, `ukraine_operation`: support / "
        "opposition / neutral) and for sentiment (positive / negative / neutral). Built by "
        "`notebooks/01_build_dataset.ipynb` from the hand-written sources in `data/raw/`; the "
        "labels are defined in `data/ANNOTATION.md`.",
        "## Loading",
        "```python\nimport datasets\nds = datasets.load_dataset(\"data/statements\")  # offline\n"
        "from stance.data import load_statements\ndf = load_statements()  # pandas\n```",
        "## Sizes", card_table(summary["texts_per_split_and_language"]),
        "Statements per origin and split:", card_table(summary["statements_per_origin"]),
        "## Labels (statements)", card_table(summary["statements_per_label"]),
        "Side-taking statements whose sentiment goes against the naive mapping (support with "
        "negative or opposition with positive sentiment):",
        card_table(summary["naive_mapping"]),
        "## Fields",
        "`id` (statement and language), `statement_id` (shared by the two language versions), "
        "`text`, `lang` (`en`/`tr`), `russian_foreign_policy`, `ukraine_operation`, `sentiment`, "
        "`speaker_role`, `genre`, `origin` (`seed`/`constructed`), `group` (variants and one "
        "source share a group), `split`, `hard_case` (what makes the statement hard, for error "
        "analysis), `source`.",
        "## Splits",
        f"About {TEST_SIZE:.0%} of the statements are in `test`, stratified by the joint stance "
        "labels and grouped by `group`: no group spans both splits, both language versions of a "
        "statement share a split, and the build fails if a test text has a TF-IDF cosine "
        f"similarity of {NEAR_DUPLICATE_THRESHOLD} or more with a training text.",
        "## Annotation agreement",
    ]
    if agreement is None:
        sections.append("No second annotation pass is available.")
    else:
        sections += [
            f"A second annotator labelled a random sample of {int(agreement['statements'].iloc[0])}"
            " statements (English versions) from the guidelines alone, without seeing the first "
            "labels. Cohen's kappa and raw agreement per label:",
            card_table(agreement.set_index("label")),
            "Both passes were made by language-model annotators (separate instances of the same "
            "system, the first of which also wrote the constructed statements to be clear cases "
            "of their labels). Their agreement is an upper bound on what independent human "
            "annotators would reach on these texts, not an estimate of it.",
        ]
    sections += [
        "## Sources and data statement",
        f"* **Seed** ({n_seed} statements): every attributed quotation in a Turkish news "
        "article on the June 2024 Putin–Kim summit, in the original Turkish with an English "
        "translation by the project, attributed as the article attributes it; the `source` field "
        "names the article.",
        f"* **Constructed** ({n_statements - n_seed} statements): drafted for this dataset by a "
        "language-model assistant following `data/ANNOTATION.md`, in six themed batches "
        "(diplomacy, news, analysis, social media, mediators and humanitarian voices, other "
        "voices), checked by code (schema, label balance, leakage) and spot-checked by the "
        "project. Each is attributed only to a role (`speaker_role`); no real person said them.",
        "The dataset is small and mostly constructed. The test split comes from the same "
        "constructed distribution as the training split, so scores on it overstate how a model "
        "does on real, independently collected statements. Use it to study methods, not to "
        "measure public opinion or to label real people.",
    ]
    return "\n\n".join(sections) + "\n"


def build_dataset(raw_dir: Path = config.RAW_DIR, out_dir: Path = config.DATASET_DIR,
                  seed: int = config.SEED) -> pd.DataFrame:
    """Build, check and write the whole dataset folder (card included) from the raw sources."""
    frame = build_statements(raw_dir, seed)
    agreement = None
    if (raw_dir / SECOND_ANNOTATION).exists():
        agreement = annotation_agreement(frame, load_second_annotation(raw_dir))
    write_dataset(frame, dataset_card(frame, agreement), out_dir)
    return frame
