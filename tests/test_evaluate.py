"""Scores, bootstrap intervals, comparisons of systems, learning curves and calibration
(stance.evaluate)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score

from stance import evaluate as ev
from stance.models import build_pipeline

SUP, OPP, NEU = "support", "opposition", "neutral"
# Hand-worked example: support P=1/2 R=1/2 F=1/2; opposition P=2/3 R=1 F=4/5;
# neutral P=1 R=1/2 F=2/3. F_avg = (1/2 + 4/5) / 2 = 0.65; macro-F1 = 0.6556; accuracy = 4/6.
GOLD = [SUP, SUP, OPP, OPP, NEU, NEU]
PRED = [SUP, OPP, OPP, OPP, SUP, NEU]


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str], list[str]]:
    """600 gold labels, a system right about 80% of the time and one right about 45%."""
    rng = np.random.default_rng(3)
    labels = np.array([NEU, OPP, SUP], dtype=object)
    gold = labels[rng.integers(0, 3, 600)]
    good = np.where(rng.random(600) < 0.7, gold, labels[rng.integers(0, 3, 600)])
    poor = np.where(rng.random(600) < 0.2, gold, labels[rng.integers(0, 3, 600)])
    return gold.tolist(), good.tolist(), poor.tolist()


# --- point scores --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "pair"),
    [
        ([NEU, SUP, OPP], (SUP, OPP)),
        (["NONE", "FAVOR", "AGAINST"], ("FAVOR", "AGAINST")),
        (["Favor", "against"], ("Favor", "against")),
        ([NEU, SUP], None),
        (["negative", "neutral", "positive"], None),
    ],
)
def test_side_taking_pair(labels, pair):
    assert ev.side_taking_pair(labels) == pair


def test_f_avg_by_hand():
    assert ev.f_avg(GOLD, PRED) == pytest.approx(0.65)
    assert ev.f_avg(GOLD, PRED, pair=(SUP, NEU)) == pytest.approx((0.5 + 2 / 3) / 2)
    with pytest.raises(ValueError, match="no side-taking pair"):
        ev.f_avg(["positive", "negative"], ["positive", "positive"])


def test_f_avg_weights_count_like_repeated_items():
    weights = [2, 1, 0, 1, 3, 1]
    repeated_gold = [g for g, w in zip(GOLD, weights, strict=True) for _ in range(w)]
    repeated_pred = [p for p, w in zip(PRED, weights, strict=True) for _ in range(w)]
    assert ev.f_avg(GOLD, PRED, sample_weight=weights) == pytest.approx(
        ev.f_avg(repeated_gold, repeated_pred)
    )
    assert ev.f_avg(GOLD, PRED, sample_weight=[1] * len(GOLD)) == ev.f_avg(GOLD, PRED)


def test_classification_scores_by_hand():
    scores = ev.classification_scores(GOLD, PRED)
    assert scores["macro_f1"] == round((0.5 + 0.8 + 2 / 3) / 3, 4)
    assert (scores["f_avg"], scores["accuracy"], scores["n"]) == (0.65, 0.6667, 6)
    assert list(scores["per_class"]) == [NEU, OPP, SUP]
    assert scores["per_class"][OPP] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    sentiment = ev.classification_scores(["positive", "negative"], ["positive", "positive"])
    assert "f_avg" not in sentiment
    assert sentiment["per_class"]["negative"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
    }


def test_confusion_table():
    table = ev.confusion_table(GOLD, PRED, labels=[SUP, OPP, NEU, "other"])
    assert (table.index.name, table.columns.name) == ("gold", "predicted")
    assert list(table.index) == list(table.columns) == ["neutral", "opposition", "other", "support"]
    assert table.loc[SUP, OPP] == 1 and table.loc[NEU, SUP] == 1 and table.loc[OPP, OPP] == 2
    assert table.loc["other"].sum() == 0 and table.to_numpy().sum() == len(GOLD)


# --- bootstrap -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "reference"),
    [
        ("macro_f1", lambda y, p: f1_score(y, p, average="macro")),
        ("f_avg", ev.f_avg),
        ("accuracy", accuracy_score),
    ],
)
def test_bootstrap_interval_holds_the_point_and_is_seeded(sample, metric, reference):
    gold, good, _ = sample
    result = ev.bootstrap_ci(gold, good, metric)
    assert result["point"] == round(reference(gold, good), 4)
    assert result["low"] < result["point"] < result["high"]
    assert result["high"] - result["low"] < 0.15
    assert ev.bootstrap_ci(gold, good, metric) == result


def test_bootstrap_depends_on_the_seed_only(sample):
    gold, good, _ = sample
    first = ev.bootstrap_ci(gold, good, n_resamples=100, seed=1)
    assert ev.bootstrap_ci(gold, good, n_resamples=100, seed=1) == first
    assert ev.bootstrap_ci(gold, good, n_resamples=100, seed=2) != first


def test_bootstrap_with_a_callable_uses_the_same_resamples(sample):
    gold, good, _ = sample

    def accuracy(y, p):
        return float(np.mean(np.array(y) == np.array(p)))

    assert ev.bootstrap_ci(gold, good, accuracy, n_resamples=200) == ev.bootstrap_ci(
        gold, good, "accuracy", n_resamples=200
    )


def test_wider_confidence_gives_a_wider_interval(sample):
    gold, good, _ = sample
    narrow = ev.bootstrap_ci(gold, good, confidence=0.5)
    wide = ev.bootstrap_ci(gold, good, confidence=0.99)
    assert wide["low"] < narrow["low"] < narrow["high"] < wide["high"]


def test_bootstrap_from_counts_equals_scoring_each_resample(sample, monkeypatch):
    """The confusion-count shortcut gives sklearn's score on every resample, also when the
    resamples are drawn in several batches (how speed is measured: benchmarks/)."""
    gold, good, _ = sample
    monkeypatch.setattr(ev, "_MAX_CELLS", 600 * 64)  # batches of 64 resamples
    labels = sorted(set(gold))

    def macro_f1(y_true, y_pred):
        return f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)

    for metric, by_hand in (
        ("macro_f1", macro_f1),
        ("f_avg", lambda t, p: ev.f_avg(t, p, (SUP, OPP))),
    ):
        counted = ev._resampled_scores(gold, [good], metric, 200, seed=4)
        scored = ev._resampled_scores(gold, [good], by_hand, 200, seed=4)
        np.testing.assert_allclose(counted, scored)
    assert ev.bootstrap_ci(gold, good, macro_f1, n_resamples=200) == ev.bootstrap_ci(
        gold, good, "macro_f1", n_resamples=200
    )


def test_bootstrap_refuses_bad_input(sample):
    gold, good, _ = sample
    with pytest.raises(ValueError, match="equal length"):
        ev.bootstrap_ci(gold, good[:-1])
    with pytest.raises(ValueError, match="metric must be one of"):
        ev.bootstrap_ci(gold, good, "recall")
    with pytest.raises(ValueError, match="confidence"):
        ev.bootstrap_ci(gold, good, confidence=95)


def test_paired_bootstrap_of_identical_systems(sample):
    gold, good, _ = sample
    assert ev.paired_bootstrap(gold, good, good) == {
        "delta": 0.0,
        "low": 0.0,
        "high": 0.0,
        "p_value": 1.0,
    }


def test_paired_bootstrap_of_a_clearly_better_system(sample):
    gold, good, poor = sample
    result = ev.paired_bootstrap(gold, good, poor, n_resamples=999)
    macro = f1_score(gold, good, average="macro") - f1_score(gold, poor, average="macro")
    assert result["delta"] == round(macro, 4)
    assert 0 < result["low"] < result["delta"] < result["high"]
    assert result["p_value"] == round(2 / 1000, 4)  # better on every resample
    reverse = ev.paired_bootstrap(gold, poor, good, n_resamples=999)
    assert reverse["delta"] == -result["delta"] and reverse["p_value"] == result["p_value"]


def test_paired_bootstrap_p_value_definition():
    # a and b differ on two items only, each right on one of them: deltas are spread around 0
    gold = [SUP] * 50 + [OPP] * 50
    a, b = gold.copy(), gold.copy()
    a[0], b[99] = OPP, SUP
    result = ev.paired_bootstrap(gold, a, b, metric="accuracy", n_resamples=500, seed=5)
    rng = np.random.default_rng(5)
    rows = rng.integers(0, 100, size=(500, 100))
    correct_a = (np.array(a) == np.array(gold))[rows].mean(axis=1)
    correct_b = (np.array(b) == np.array(gold))[rows].mean(axis=1)
    deltas = correct_a - correct_b
    side = min(np.sum(deltas <= 0), np.sum(deltas >= 0))
    assert result["p_value"] == round(min(1.0, 2 * (1 + side) / 501), 4)
    assert result["p_value"] > 0.3


# --- comparing systems ---------------------------------------------------------------------


def test_compare_scores_every_system_and_pairs_the_model_with_each_other(sample):
    gold, good, poor = sample
    result = ev.compare(gold, {ev.MODEL: good, "poor": poor, "same": good}, n_resamples=200)
    assert result.scores["system"].tolist() == [ev.MODEL, "poor", "same"]
    assert list(result.scores.columns) == ["system", *ev.SCORE_COLUMNS]
    model = result.scores.iloc[0]
    assert model["macro_f1"] == ev.bootstrap_ci(gold, good, n_resamples=200)["point"]
    assert result.gains["versus"].tolist() == ["poor", "same"]
    poor_gain, same_gain = result.gains.to_dict("records")
    assert poor_gain == {"versus": "poor", **ev.paired_bootstrap(gold, good, poor, n_resamples=200)}
    assert poor_gain["low"] > 0 and same_gain["delta"] == 0 and same_gain["p_value"] == 1.0


def test_compare_leaves_out_f_avg_without_a_side_taking_pair_and_needs_its_reference():
    gold = ["positive", "negative", "neutral"] * 5
    result = ev.compare(gold, {ev.MODEL: gold}, n_resamples=20)
    assert "f_avg" not in result.scores.columns and result.gains.empty
    with pytest.raises(ValueError, match="no system named 'model'"):
        ev.compare(gold, {"other": gold})


def test_compare_each_stacks_cases_with_their_keys_first():
    gold = [SUP, OPP, NEU] * 4
    cases = {
        ("b", "en"): (gold, {ev.MODEL: gold, "majority class": [NEU] * 12}),
        ("a", "tr"): (gold, {ev.MODEL: [NEU] * 12, "majority class": [NEU] * 12}),
    }
    result = ev.compare_each(cases, ["label", "lang"], n_resamples=20)
    assert result.scores[["label", "lang", "system"]].values.tolist() == [
        ["b", "en", ev.MODEL],
        ["b", "en", "majority class"],
        ["a", "tr", ev.MODEL],
        ["a", "tr", "majority class"],
    ]
    assert list(result.gains.columns[:3]) == ["label", "lang", "versus"]
    assert result.gains["delta"].tolist() == [pytest.approx(5 / 6, abs=1e-4), 0.0]


def test_model_and_best_baseline_skips_other_models():
    scores = pd.DataFrame(
        {
            "system": [ev.MODEL, "constructed-only model", "keyword rule", "majority class"],
            "macro_f1": [0.6, 0.9, 0.5, 0.3],
        }
    )
    model, best = ev.model_and_best_baseline(scores)
    assert (model["macro_f1"], best["system"]) == (0.6, "keyword rule")


# --- learning curve ------------------------------------------------------------------------


def test_learning_curve_table():
    cues = {SUP: "praise", OPP: "condemn", NEU: "discuss"}
    rng = np.random.default_rng(0)
    filler = np.array(["the", "minister", "said", "today", "that", "policy", "will", "change"])
    labels = [(SUP, OPP, NEU)[i % 3] for i in range(60)]
    texts = [" ".join([*rng.choice(filler, 4), cues[label]]) for label in labels]
    groups = [f"g{i // 3}" for i in range(60)]

    def curve(n_jobs=1):
        return ev.learning_curve_table(
            lambda: build_pipeline("word"),
            texts,
            labels,
            groups,
            train_fractions=(0.1, 0.5, 1.0),
            n_repeats=2,
            n_splits=3,
            n_jobs=n_jobs,
        )

    table = curve()
    assert list(table.columns) == ["fraction", "n_train", "mean_macro_f1", "std_macro_f1", "runs"]
    assert list(table["fraction"]) == [0.1, 0.5, 1.0] and set(table["runs"]) == {6}
    # a third held out, so 40 to train on; a tenth is one item per class
    assert table["n_train"].iloc[0] == 3 and table["n_train"].iloc[-1] == 40
    assert table["n_train"].is_monotonic_increasing
    assert table["mean_macro_f1"].iloc[-1] > 0.9
    assert table["mean_macro_f1"].iloc[-1] >= table["mean_macro_f1"].iloc[0]
    pd.testing.assert_frame_equal(curve(), table)
    pd.testing.assert_frame_equal(curve(n_jobs=2), table)


# --- calibration ---------------------------------------------------------------------------


def test_calibration_table_by_hand():
    classes = [NEU, OPP, SUP]
    proba = np.array([[0.05, 0.15, 0.8], [0.6, 0.35, 0.05], [0.25, 0.25, 0.5]])
    table = ev.calibration_table([SUP, OPP, SUP], proba, classes, n_bins=4)
    # bin 0 [0, .25): .05 .15 .05, all wrong; bin 1: .35 (right) .25 .25; bin 2: .6, .5 (right);
    # bin 3: .8 (right)
    assert list(table["bin"]) == [0, 1, 2, 3]
    assert list(table["count"]) == [3, 3, 2, 1] and table["count"].sum() == proba.size
    assert list(table["lower"]) == [0, 0.25, 0.5, 0.75] and table["upper"].iloc[-1] == 1
    np.testing.assert_allclose(table["mean_predicted"], [0.25 / 3, 0.85 / 3, 0.55, 0.8])
    np.testing.assert_allclose(table["observed_frequency"], [0, 1 / 3, 0.5, 1])


def test_calibration_of_confident_predictions():
    gold = [SUP, OPP, NEU, SUP]
    proba = np.eye(3)[[2, 1, 0, 2]]
    table = ev.calibration_table(gold, proba, [NEU, OPP, SUP])
    assert list(table["bin"]) == [0, 9] and list(table["count"]) == [8, 4]
    assert list(table["observed_frequency"]) == [0.0, 1.0]


def test_brier_score():
    classes = [NEU, OPP, SUP]
    gold = [SUP, OPP, NEU, SUP]
    perfect = np.eye(3)[[2, 1, 0, 2]]
    assert ev.brier_score(gold, perfect, classes) == 0.0
    assert ev.brier_score(gold, np.full((4, 3), 1 / 3), classes) == pytest.approx(2 / 3)
    # neutral and support swapped: each of the three wrong items costs 1² + 1²
    assert ev.brier_score(gold, perfect[:, ::-1], classes) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="shape"):
        ev.brier_score(gold, perfect[:, :2], classes)
    with pytest.raises(ValueError, match="not among the classes"):
        ev.brier_score(["maybe", OPP, NEU, SUP], perfect, classes)


def test_roc_auc_equals_scikit_learns_with_ties():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    for _ in range(50):
        y = rng.integers(0, 2, 40)
        if len(set(y)) < 2:
            continue
        scores = rng.integers(-3, 4, 40) / 4  # many ties
        assert ev.roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    assert ev.roc_auc([1, 0], [0.9, 0.1]) == 1.0
    with pytest.raises(ValueError, match="positive and negative"):
        ev.roc_auc([1, 1], [0.2, 0.3])
