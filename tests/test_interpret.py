"""Top features and per-text explanations of fitted pipelines (stance.interpret)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from stance.interpret import (
    chart_features,
    class_coefficients,
    explain,
    feature_names,
    fold_char_ngrams,
    split_feature,
    top_features,
)
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
        texts, labels
    )


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
        assert {name.split(": ")[0] for name in names} == set(feature_kind(kind).split("+"))
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


@pytest.mark.parametrize(
    "text", ["The minister spoke about peace", "war war today", "a meeting about russia"]
)
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


def coefficient_table(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """A toy top-features table from (class, feature, coefficient) rows."""
    return pd.DataFrame(rows, columns=["class", "feature", "coefficient"])


def bars(table: pd.DataFrame, label: str, kind: str = "char") -> dict[str, tuple[float, int]]:
    rows = table[(table["class"] == label) & (table["kind"] == kind)]
    return {
        span: (coefficient, folded)
        for span, coefficient, folded in zip(
            rows["span"], rows["coefficient"], rows["folded"], strict=True
        )
    }


def test_split_feature():
    assert split_feature("char:  inva") == ("char", " inva")
    assert split_feature("word: the kremlin") == ("word", "the kremlin")
    assert split_feature("kremlin") == ("word", "kremlin")


def test_char_ngrams_inside_a_higher_ranked_one_of_the_class_are_folded():
    table = coefficient_table(
        [
            ("support", "char:  inva", 0.9),
            ("support", "word: invasion", 0.85),
            ("support", "char: inva", 0.8),
            ("support", "char: nva", 0.7),
            ("support", "char: war", 0.6),
            ("support", "word: inva", 0.5),
            ("support", "char: inv", -0.1),  # other sign: not folded into " inva"
            ("opposition", "char: nva", 0.95),  # other class: not folded either
        ]
    )
    folded = fold_char_ngrams(table)
    # the coefficient of the kept n-gram is its own: folded ones are not added
    assert bars(folded, "support") == {" inva": (0.9, 2), "war": (0.6, 0), "inv": (-0.1, 0)}
    assert bars(folded, "support", "word") == {"invasion": (0.85, 0), "inva": (0.5, 0)}
    assert bars(folded, "opposition") == {"nva": (0.95, 0)}
    assert list(folded["class"]) == ["support"] * 5 + ["opposition"]
    assert folded[folded["class"] == "support"]["coefficient"].is_monotonic_decreasing
    assert table.shape == (8, 3)  # the input table keeps everything


def test_a_shorter_higher_ranked_ngram_does_not_absorb_a_longer_one():
    table = coefficient_table(
        [
            ("support", "char:  in", 1.0),
            ("support", "char:  inva", 0.9),
            ("support", "char: inva", 0.8),
        ]
    )
    assert bars(fold_char_ngrams(table), "support") == {" in": (1.0, 0), " inva": (0.9, 1)}


def test_equal_coefficient_shifted_ngrams_join_into_the_text_they_cover():
    table = coefficient_table(
        [
            ("support", "char:  donb", 0.5),
            ("support", "char: donba", 0.5),
            ("support", "char: onbas", 0.5),
            ("support", "char: onb", 0.5),
            ("support", "char: bas", 0.4),  # lower, but inside the joined text
            ("support", "char: krain", 0.3),
            ("support", "char: ukrai", 0.2),  # unequal: no join
        ]
    )
    assert bars(fold_char_ngrams(table), "support") == {
        " donbas": (0.5, 4),
        "krain": (0.3, 0),
        "ukrai": (0.2, 0),
    }
    assert bars(fold_char_ngrams(table, join_equal=False), "support") == {
        " donb": (0.5, 1),
        "donba": (0.5, 0),
        "onbas": (0.5, 1),
        "krain": (0.3, 0),
        "ukrai": (0.2, 0),
    }


def test_joining_does_not_depend_on_the_order_of_ties():
    # by name "azb" and "bxc" come first and do not touch; "zbx" bridges them
    table = coefficient_table([("support", f"char: {g}", 0.5) for g in ("azb", "bxc", "zbx")])
    assert bars(fold_char_ngrams(table), "support") == {"azbxc": (0.5, 2)}


def test_fold_caps_bars_per_class_and_kind():
    table = coefficient_table(
        [
            ("support", f"char: {g}", 1.0 - k / 10)
            for k, g in enumerate([" in", "in", "ab", "cd", "ef"])
        ]
        + [("support", "word: peace", 0.1)]
    )
    folded = fold_char_ngrams(table, n=2)
    assert bars(folded, "support") == {" in": (1.0, 1), "ab": (0.8, 0)}
    assert bars(folded, "support", "word") == {"peace": (0.1, 0)}


def test_top_features_per_kind_gives_each_kind_its_share():
    fitted = build_pipeline("word+char", classifier__C=10.0).fit(*toy_data())
    table = top_features(fitted, n=4, per_kind=True)
    everything = top_features(fitted, n=len(feature_names(fitted)))
    assert list(table.columns) == ["class", "rank", "feature", "coefficient"]
    for label, rows in table.groupby("class"):
        assert rows["feature"].str.split(": ").str[0].value_counts().to_dict() == {
            "word": 4,
            "char": 4,
        }
        assert rows["rank"].is_monotonic_increasing
        full = everything[everything["class"] == label].set_index("rank")
        assert full.loc[rows["rank"], "feature"].tolist() == rows["feature"].tolist()


def test_chart_features_has_non_overlapping_char_bars(fitted):
    table = chart_features(fitted, n=5)
    assert {"class", "rank", "feature", "coefficient", "kind", "span", "folded"} <= set(table)
    everything = top_features(fitted, n=len(feature_names(fitted)))
    for (label, kind), rows in table.groupby(["class", "kind"]):
        assert len(rows) == 5 and rows["coefficient"].is_monotonic_decreasing
        if kind == "char":
            signed = list(zip(rows["span"], rows["coefficient"] > 0, strict=True))
            assert not any(
                a in b for a, sa in signed for b, sb in signed if a is not b and sa == sb
            )
            spans = rows["span"].tolist()
            assert all(
                split_feature(f)[1] in s for f, s in zip(rows["feature"], spans, strict=True)
            )
        full = everything[everything["class"] == label].set_index("feature")
        assert full.loc[rows["feature"], "rank"].tolist() == rows["rank"].tolist()


@pytest.mark.parametrize("word", [" donbas ", " ukraine's ", "abcabdab"])
def test_equal_windows_of_one_word_leave_no_bar_inside_another(word):
    """Random sets of n-grams of one word, all with one coefficient (as when they always occur
    together). A word that repeats a bigram ("ab") may be joined into text it does not have."""
    rng = random.Random(word)
    windows = [(start, length) for length in range(2, 6) for start in range(len(word) - length)]
    for _ in range(200):
        grams = {word[start : start + length] for start, length in rng.sample(windows, 5)}
        folded = fold_char_ngrams(
            coefficient_table([("support", f"char: {g}", 0.5) for g in sorted(grams)])
        )
        spans = folded["span"].tolist()
        assert not any(a in b for a in spans for b in spans if a is not b), (grams, spans)
        if word != "abcabdab":
            assert all(span in word for span in spans)
        assert folded["folded"].sum() == len(grams) - len(spans)
