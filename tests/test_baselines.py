"""Every baseline, and which of them apply to a label (stance.baselines)."""

from __future__ import annotations

import pandas as pd
import pytest

from stance import baselines

SUP, OPP, NEU = "support", "opposition", "neutral"


def test_majority_baseline_breaks_ties_by_name():
    assert baselines.majority_baseline([SUP, OPP, OPP, NEU], 3) == [OPP, OPP, OPP]
    assert baselines.majority_baseline([SUP, OPP, SUP, OPP], 2) == [OPP, OPP]
    with pytest.raises(ValueError):
        baselines.majority_baseline([], 2)


def test_stratified_baseline_follows_the_training_distribution():
    train = [SUP] * 60 + [OPP] * 30 + [NEU] * 10
    drawn = baselines.stratified_baseline(train, 5000, seed=1)
    shares = pd.Series(drawn).value_counts(normalize=True)
    assert shares[SUP] == pytest.approx(0.6, abs=0.03)
    assert shares[NEU] == pytest.approx(0.1, abs=0.02)
    assert baselines.stratified_baseline(train, 50, seed=1) == drawn[:50]
    assert baselines.stratified_baseline(train, 50, seed=2) != drawn[:50]


def test_sentiment_as_stance():
    assert baselines.sentiment_as_stance(["positive", "negative", "neutral"]) == [SUP, OPP, NEU]
    with pytest.raises(ValueError, match="unknown sentiment label 'angry'"):
        baselines.sentiment_as_stance(["positive", "angry"])


def test_keyword_baseline_reads_cues_of_one_side_only():
    assert baselines.keyword_stance(
        [
            "Russia's aggression must end.",
            "The special military operation protects Donbas.",
            "We condemn the provocation of the Kyiv regime and its aggression.",
            "We discussed water.",
        ]
    ) == ["opposition", "support", "neutral", "neutral"]
    assert baselines.keyword_stance(
        [
            "Rusya'nın İŞGALİ sürüyor.",
            "Kiev rejimi provokasyon peşinde.",
            "İşgal ve provokasyon aynı anda.",
            "Hava güzel.",
        ],
        "tr",
    ) == ["opposition", "support", "neutral", "neutral"]


def test_baseline_systems_are_the_ones_that_apply_to_the_label_and_language():
    train = [SUP, OPP, NEU, NEU]
    texts = ["Russia's aggression must end.", "We discussed water."]
    stance_en = baselines.baseline_systems(
        train,
        texts,
        "ukraine_operation",
        "en",
        sentiment=["negative", "neutral"],
        sentiment_source="gold",
    )
    assert list(stance_en) == [
        "majority class",
        "stratified random",
        "sentiment as stance (gold sentiment)",
        "keyword rule",
    ]
    assert stance_en["keyword rule"] == [OPP, NEU]
    assert stance_en["sentiment as stance (gold sentiment)"] == [OPP, NEU]
    assert list(baselines.baseline_systems(train, texts, "ukraine_operation", "tr")) == [
        "majority class",
        "stratified random",
        "keyword rule",
    ]
    sentiment_train = ["positive", "neutral"]
    assert "VADER" in baselines.baseline_systems(sentiment_train, texts, "sentiment", "en")
    assert "VADER" not in baselines.baseline_systems(sentiment_train, texts, "sentiment", "tr")
    assert list(baselines.baseline_systems(train, texts, "my own label", "de")) == [
        "majority class",
        "stratified random",
    ]


def test_is_baseline_knows_every_baseline_name_and_no_model():
    names = baselines.baseline_systems(
        [SUP, NEU], ["a"], "russian_foreign_policy", "en", sentiment=["neutral"]
    )
    assert all(baselines.is_baseline(name) for name in names)
    assert baselines.is_baseline("VADER")
    assert not baselines.is_baseline("model")
    assert not baselines.is_baseline("constructed-only model")
