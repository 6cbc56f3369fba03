"""Top features and per-text explanations of fitted pipelines (stance.interpret)."""

from __future__ import annotations

import numpy as np
import pytest

from stance.interpret import class_coefficients, explain, feature_names, top_features
from stance.models import FEATURE_KINDS, build_pipeline, feature_kind

CUES = {"support": "peace", "opposition": "war", "neutral": "meeting"}
FILLER = ["the", "minister", "spoke", "about", "russia", "today"]


def toy_data(classes=tuple(CUES)) -> tuple[list[str], list[str]]:
    """Each text is filler plus its class's cue word, so the cue must be the top feature."""
    texts, labels = [], []
    for i in range(30):
        label = classes[i % len(classes)]
        words = [FILLER[(i + j) % len(FILLER)] for j in range(3)]
        texts.append(" ".join([*words[:2], CUES[label], words[2]]))
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module", params=FEATURE_KINDS)
def fitted(request):
    texts, labels = toy_data()
    return build_pipeline(request.param, classifier__C=10.0).fit(texts, labels)


@pytest.fixture(scope="module")
def binary():
    texts, labels = toy_data(("opposition", "support"))
    return build_pipeline("word", features__ngram_range=(1, 1), classifier__C=10.0).fit(
        texts, labels)


def test_top_word_features_are_the_cues():
    texts, labels = toy_data()
    pipeline = build_pipeline("word", features__ngram_range=(1, 1)).fit(texts, labels)
    table = top_features(pipeline, n=3)
    assert list(table.columns) == ["class", "rank", "feature", "coefficient"]
    assert list(table["class"]) == ["neutral"] * 3 + ["opposition"] * 3 + ["support"] * 3
    assert list(table["rank"]) == [1, 2, 3] * 3
    top = table[table["rank"] == 1].set_index("class")["feature"].to_dict()
    assert top == {label: f"word: {cue}" for label, cue in CUES.items()}
    for _, rows in table.groupby("class"):
        assert rows["coefficient"].is_monotonic_decreasing


def test_union_feature_names_are_readable(fitted):
    names = feature_names(fitted)
    assert len(names) == len(class_coefficients(fitted)[1][0])
    kind = fitted.named_steps["features"]
    assert not any(name.startswith(("word__", "char__")) for name in names)
    if "word__ngram_range" in kind.get_params():
        assert {name.split(": ")[0] for name in names} == {"word", "char"}
        assert "word: peace" in names and "char: war" in names
    else:
        assert {name.split(": ")[0] for name in names} == {feature_kind(kind)}


def test_top_features_work_for_every_kind(fitted):
    table = top_features(fitted, n=5)
    assert len(table) == 15
    for label, cue in CUES.items():
        best = table[(table["class"] == label) & (table["rank"] == 1)]["feature"].item()
        assert best.removeprefix("word: ").removeprefix("char: ") in f" {cue} "


def test_binary_model_gives_the_negative_class_the_negated_weights(binary):
    classes, coef, intercept = class_coefficients(binary)
    raw = binary.named_steps["classifier"].coef_[0]
    assert classes == ["opposition", "support"]
    np.testing.assert_array_equal(coef[1], raw)
    np.testing.assert_array_equal(coef[0], -raw)
    assert intercept[0] == -intercept[1]
    top = top_features(binary, n=1).set_index("class")["feature"].to_dict()
    assert top == {"opposition": "word: war", "support": "word: peace"}


def test_ties_are_broken_by_feature_name():
    texts, labels = toy_data()
    pipeline = build_pipeline("word", features__ngram_range=(1, 1)).fit(texts, labels)
    classifier = pipeline.named_steps["classifier"]
    classifier.coef_ = np.zeros_like(classifier.coef_)
    table = top_features(pipeline, n=3)
    first = sorted(feature_names(pipeline))[:3]
    assert table[table["class"] == "support"]["feature"].tolist() == first


@pytest.mark.parametrize("text", ["The minister spoke about peace", "war war today",
                                  "a meeting about russia"])
def test_explanation_adds_up_to_the_decision_score(fitted, text):
    full = explain(fitted, text, n=100_000)
    predicted = fitted.predict([text])[0]
    assert set(full["class"]) == {predicted}
    classes, _, intercept = class_coefficients(fitted)
    index = classes.index(predicted)
    decision = fitted.decision_function([text])[0][index]
    assert full["contribution"].sum() + intercept[index] == pytest.approx(decision)
    np.testing.assert_allclose(full["contribution"], full["value"] * full["coefficient"])
    assert (full["value"] > 0).all()
    top = explain(fitted, text, n=3)
    assert len(top) == min(3, len(full)) and top["contribution"].is_monotonic_decreasing
    assert top.equals(full.head(3))


def test_binary_explanation_adds_up(binary):
    text = "war today"
    table = explain(binary, text, n=100)
    assert set(table["class"]) == {"opposition"}
    assert table["feature"].iloc[0] == "word: war"
    decision = binary.decision_function([text])[0]  # the score of "support"
    intercept = binary.named_steps["classifier"].intercept_[0]
    assert table["contribution"].sum() - intercept == pytest.approx(-decision)
