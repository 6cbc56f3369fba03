"""Small data made by the tests themselves, and helpers shared by several test modules.

* :func:`toy_corpus`: texts whose class shows in one cue word (model and feature tests);
* :func:`constructed_rows`: valid raw constructed statements (dataset tests, ``raw_dir``);
* :func:`stance_rows`, :func:`four_class_rows`, :func:`write_csv`, :func:`run` and
  :func:`assert_one_line_error`: labelled CSV files and the ``stance`` command (CLI tests).
"""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

import pandas as pd
import pytest

from stance import tweets_news
from stance.schema import GENRES, LABEL_COLUMNS

LABELS = ("neutral", "opposition", "support")
CUES = {
    "en": {
        "support": ["praise", "welcome", "applaud"],
        "opposition": ["condemn", "reject", "denounce"],
        "neutral": ["discuss", "note", "report"],
    },
    "tr": {
        "support": ["övüyoruz", "destekliyoruz", "alkışlıyoruz"],
        "opposition": ["kınıyoruz", "İTİRAZ", "reddediyoruz"],
        "neutral": ["görüşüyoruz", "izliyoruz", "aktarıyoruz"],
    },
}
FILLER = {
    "en": [
        "the",
        "minister",
        "said",
        "today",
        "that",
        "moscow",
        "policy",
        "in",
        "our",
        "region",
        "will",
        "change",
        "next",
        "week",
    ],
    "tr": [
        "bakan",
        "bugün",
        "moskova",
        "politikası",
        "bölgede",
        "gelecek",
        "hafta",
        "değişecek",
        "dedi",
    ],
}


def toy_corpus(lang: str = "en", n: int = 60) -> tuple[list[str], list[str], list[str]]:
    """Texts whose class shows in one cue word among random filler; groups of three texts
    (one per class)."""
    rng = random.Random(n)
    texts, labels, groups = [], [], []
    for i in range(n):
        label = LABELS[i % 3]
        words = [*rng.sample(FILLER[lang], 5), CUES[lang][label][(i // 3) % 3]]
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
        groups.append(f"g{i // 3:02d}")
    return texts, labels, groups


# --- constructed statements ----------------------------------------------------------------

JOINT_LABELS = [
    ("support", "support", "negative"),
    ("support", "support", "positive"),
    ("opposition", "opposition", "positive"),
    ("opposition", "opposition", "negative"),
    ("neutral", "neutral", "neutral"),
    ("support", "neutral", "negative"),
    ("opposition", "neutral", "positive"),
    ("neutral", "neutral", "negative"),
]
# Distinct vocabulary per statement, so no two made-up texts are near-duplicates.
_WORDS_EN = [
    "river",
    "winter",
    "grain",
    "harbour",
    "treaty",
    "border",
    "council",
    "pipeline",
    "summit",
    "envoy",
    "market",
    "rail",
    "bridge",
    "valley",
    "coast",
    "forest",
]
_WORDS_TR = [
    "nehir",
    "kış",
    "tahıl",
    "liman",
    "antlaşma",
    "sınır",
    "konsey",
    "boru",
    "zirve",
    "elçi",
    "pazar",
    "demiryolu",
    "köprü",
    "vadi",
    "kıyı",
    "orman",
]


def constructed_rows(n: int = 40) -> list[dict[str, str]]:
    """``n`` valid constructed statements with varied labels and unique wording."""
    pairs = list(itertools.combinations(range(len(_WORDS_EN)), 3))
    rows = []
    for i in range(n):
        rfp, ukr, sentiment = JOINT_LABELS[i % len(JOINT_LABELS)]
        words = pairs[(i * 7) % len(pairs)]
        rows.append(
            {
                "statement_id": f"t-{i:03d}",
                "group": f"t-g{i // 2:03d}",
                "genre": GENRES[i % len(GENRES)],
                "speaker_role": "a test speaker",
                "russian_foreign_policy": rfp,
                "ukraine_operation": ukr,
                "sentiment": sentiment,
                "hard_case": "none",
                "text_en": f"Statement {i}: "
                + " ".join(_WORDS_EN[w] for w in words)
                + f" number{i}",
                "text_tr": f"Açıklama {i}: " + " ".join(_WORDS_TR[w] for w in words) + f" sayı{i}",
            }
        )
    return rows


# --- labelled CSV files and the command line -----------------------------------------------

TEXT, LABEL, GROUP = "text", "label", "group"
SUBJECTS = [
    "the treaty",
    "the summit",
    "the sanctions",
    "the ceasefire",
    "the pipeline",
    "the talks",
    "the embargo",
    "the accord",
    "the envoy",
    "the alliance",
]
#: Sentence templates per class, each with a clear cue word; ``{s}`` is a subject.
TEMPLATES = {
    "support": ["We warmly welcome {s}", "Leaders praise {s} as a success"],
    "opposition": ["We firmly condemn {s}", "Critics reject {s} as a disaster"],
    "neutral": ["Officials noted {s} on Tuesday", "A report describes {s} in detail"],
}
_OTHER_CUES = {
    "pro": "Fans cheer and applaud {s}",
    "anti": "Protesters boo and denounce {s}",
    "mixed": "Some cheer yet others denounce {s}",
    "offtopic": "Lunch menu and weather {s}",
}


def stance_rows(n_subjects: int = 10) -> list[dict[str, str]]:
    """Short English texts, three classes with clear cue words, one group per subject."""
    return [
        {"id": f"r{i}-{label}-{j}", TEXT: template.format(s=subject), LABEL: label, GROUP: f"g{i}"}
        for i, subject in enumerate(SUBJECTS[:n_subjects])
        for label, templates in TEMPLATES.items()
        for j, template in enumerate(templates)
    ]


def four_class_rows() -> list[dict[str, str]]:
    """Four classes with other names, to show labels are whatever the column holds."""
    return [
        {TEXT: template.format(s=f"{subject} today, item {i}"), LABEL: label, GROUP: f"g{i}"}
        for i, subject in enumerate(SUBJECTS)
        for label, template in _OTHER_CUES.items()
    ]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """``rows`` as a UTF-8 CSV file (header from the first row), its folder made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """``stance ARGV`` in process: exit code, standard output, standard error."""
    from stance.cli import main

    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, culprit: str) -> None:
    """The command failed with exit code 2 and one ``stance: error:`` line naming ``culprit``."""
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("stance: error:")
    assert culprit in lines[0]
    assert "Traceback" not in err


def train_word_model(data: Path, out: Path, *, grouped: bool = True) -> Path:
    """Train a model through ``stance train`` (word features keep it quick) and return its
    path: the fixture model of the command-line tests."""
    from stance.cli import main

    group = ["--group-column", GROUP] if grouped else []
    argv = ["train", "--data", str(data), "--text-column", TEXT, "--label-column", LABEL]
    assert main([*argv, *group, "--features", "word", "--out", str(out)]) == 0
    return out


def predict_args(model: Path, data: object, out: Path, *extra: object) -> list[object]:
    """The arguments of ``stance predict`` with the test's text column, then ``extra``."""
    return [
        "predict",
        "--model",
        model,
        "--data",
        data,
        "--text-column",
        TEXT,
        "--out",
        out,
        *extra,
    ]


# --- the UN General Debate speaker list ----------------------------------------------------

SPEAKER_HEADER = (
    "Year",
    "Session",
    "ISO Code",
    "Country",
    "Name of Person Speaking",
    "Post",
    None,  # the publisher's file has an unnamed last column
)
#: Made-up rows for the fixture states of ``tests/fixtures/corpora/ungdc`` (sessions 77 and 78)
#: plus rows the reader must skip or repair; the names are invented and must never come out.
SPEAKER_ROWS = [
    (2022, 77, "XAA", "Stateland A", "Ada Example", "President ", None),
    (2022, 77, "XBB", "Stateland B", "Bo Example", None, None),
    (2023, 78, "XCC", "Stateland C", "Cy Example", "Minister for Foreign Affairs", "a note"),
    (2023, 78, "XAA", "Stateland A", "Di Example", "Deputy Prime Minister", None),
    (2023, 78, "POR", "Portugal", "Ed Example", "Prime Minister", None),
    (2023, 78, "XAA", "Stateland A", "Fy Example", "King", None),  # listed twice: first kept
    (1990, 45, "XAA", "Stateland A", "Gu Example", "President", None),  # another session
    (2023, 78, None, "No code", "Ho Example", "President", None),  # no state code: skipped
]


def write_speakers_xlsx(path: Path, rows: list[tuple] | None = None) -> Path:
    """A small ``Speakers_by_session.xlsx`` in the publisher's layout (default: SPEAKER_ROWS)."""
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.append(SPEAKER_HEADER)
    for row in SPEAKER_ROWS if rows is None else rows:
        sheet.append(row)
    book.save(path)
    return path


CORPUS_FIXTURES = Path(__file__).parent / "fixtures" / "corpora"


def write_tweet_news_labels(folder: Path) -> None:
    """Labels for every fixture tweet and AA sentence, a second pass and an adjudication of
    them, two translations of fixture statements and their review."""
    tweets = tweets_news.read_mide22(CORPUS_FIXTURES / "mide22")
    labels = {"russian_foreign_policy": "neutral", "ukraine_operation": "neutral"}
    pd.DataFrame(
        {
            "tweet_id": tweets["tweet_id"],
            "lang": tweets["lang"],
            "sentence_sha256": tweets["text_sha256"],
            "sample": "war-topic",
            **labels,
            "sentiment": "negative",
            "annotation": "pass1-tweets",
        }
    ).to_csv(folder / tweets_news.MIDE22_LABELS, index=False)
    news = tweets_news.aa_sentences(tweets_news.read_aa(CORPUS_FIXTURES / "satiretr"))
    pd.DataFrame(
        {
            "sentence_id": news["sentence_id"],
            "sentence_sha256": news["sentence_sha256"],
            "sample": "keyword",
            **labels,
            "sentiment": "neutral",
            "annotation": "pass1-news",
        }
    ).to_csv(folder / tweets_news.AA_LABELS, index=False)
    pd.DataFrame(
        [
            ["tw-1500000000000000001", "neutral", "neutral", "positive", "pass2"],
            ["aa-001-0000", "neutral", "neutral", "neutral", "pass2"],
        ],
        columns=["item_id", *LABEL_COLUMNS, "annotation"],
    ).to_csv(folder / tweets_news.SECOND_PASS, index=False)
    pd.DataFrame(
        [["tw-1500000000000000001", "sentiment", "negative", "positive", "negative", "T11"]],
        columns=list(tweets_news.ADJUDICATION_COLUMNS),
    ).to_csv(folder / tweets_news.ADJUDICATION, index=False)
    pd.DataFrame(
        [
            ["un-XAA-77-0002", "Ukrayna'ya karşı saldırganlığı kınıyoruz.", "translate-01"],
            ["kr-90001-0002", "Yaptırımlar yasa dışıdır.", "translate-01"],
        ],
        columns=["sentence_id", "text_tr", "annotation"],
    ).to_csv(folder / tweets_news.TRANSLATIONS, index=False)
    pd.DataFrame(
        [
            ["un-XAA-77-0002", "ok", "", "review"],
            ["kr-90001-0002", "minor", "word order", "review"],
        ],
        columns=["sentence_id", "verdict", "note", "annotation"],
    ).to_csv(folder / tweets_news.TRANSLATION_REVIEW, index=False)
