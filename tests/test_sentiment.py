"""Tests for stance.sentiment: VADER labels, thresholds, non-English and empty text."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from stance import sentiment


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (0.05, "positive"),
        (0.049, "neutral"),
        (0.0, "neutral"),
        (-0.049, "neutral"),
        (-0.05, "negative"),
        (0.9, "positive"),
        (-0.9, "negative"),
    ],
)
def test_thresholds(compound, label):
    assert sentiment.compound_to_label(compound) == label


def test_vader_reads_english_polarity():
    labels = sentiment.vader_labels(
        [
            "We are proud to stand with the brave defenders of the city.",
            "This reckless, shameful attack killed innocent people.",
            "The delegation arrived on Tuesday.",
        ]
    )
    assert labels == ["positive", "negative", "neutral"]


def test_vader_handles_negation():
    assert sentiment.vader_labels(["This is not a good agreement."]) == ["negative"]


def test_empty_text_is_neutral_with_zero_scores():
    scores = sentiment.vader_scores([""])
    assert scores.iloc[0].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert sentiment.vader_labels([""]) == ["neutral"]
    assert sentiment.lexicon_coverage("") == 0.0


def test_non_english_text_is_unread_not_neutral_in_meaning():
    # Turkish praise ("we are proud of our brave defenders") that VADER cannot read.
    turkish = "Cesur savunucularımızla gurur duyuyoruz, harika bir zafer!"
    assert sentiment.vader_labels([turkish]) == ["neutral"]
    assert sentiment.lexicon_coverage(turkish) < 0.1
    assert sentiment.lexicon_coverage("We are proud of our brave defenders") > 0.2


def test_vader_features_in_a_pipeline():
    texts = ["great wonderful success", "terrible awful disaster"] * 5
    labels = ["positive", "negative"] * 5
    model = make_pipeline(sentiment.VaderFeatures(), LogisticRegression()).fit(texts, labels)
    assert model.predict(["a wonderful day", "an awful day"]).tolist() == ["positive", "negative"]
    features = sentiment.VaderFeatures().fit(texts)
    assert features.transform(texts).shape == (10, 4)
    assert np.array_equal(
        features.get_feature_names_out(), ["vader_neg", "vader_neu", "vader_pos", "vader_compound"]
    )


def test_a_sentiment_model_works_through_stance_predict_and_evaluate(tmp_path, capsys):
    """A sentiment model is a model like any other: `stance train` on sentiment labels, then
    `stance predict` and `stance evaluate` use it (as they use models/sentiment_{lang}.skops)."""
    import csv
    import json

    from stance.cli import main

    cues = {
        "positive": "wonderful proud hopeful",
        "negative": "shameful brutal tragic",
        "neutral": "scheduled reported Tuesday",
    }
    rows = [
        {"text": f"Statement {i}: {cues[label].split()[i % 3]} news item {i}", "sentiment": label}
        for i in range(30)
        for label in cues
    ]
    data = tmp_path / "sentiment.csv"
    with open(data, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "sentiment"])
        writer.writeheader()
        writer.writerows(rows)
    model = tmp_path / "sentiment_en.skops"
    assert (
        main(
            [
                "train",
                "--data",
                str(data),
                "--text-column",
                "text",
                "--label-column",
                "sentiment",
                "--features",
                "word",
                "--out",
                str(model),
            ]
        )
        == 0
    )
    out = tmp_path / "predicted.csv"
    assert (
        main(
            [
                "predict",
                "--model",
                str(model),
                "--data",
                str(data),
                "--text-column",
                "text",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with open(out, encoding="utf-8", newline="") as handle:
        predicted = list(csv.DictReader(handle))
    assert {"proba_negative", "proba_neutral", "proba_positive"} <= set(predicted[0])
    assert sum(p["predicted"] == r["sentiment"] for p, r in zip(predicted, rows, strict=True)) >= 80
    capsys.readouterr()
    assert (
        main(
            [
                "evaluate",
                "--model",
                str(model),
                "--data",
                str(data),
                "--text-column",
                "text",
                "--label-column",
                "sentiment",
                "--json",
            ]
        )
        == 0
    )
    scores = json.loads(capsys.readouterr().out)
    assert "f_avg" not in scores and scores["macro_f1"] > 0.9
