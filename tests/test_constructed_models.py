"""Tests for stance.constructed_models on small made-up statements (the notebooks run the same
functions on the real dataset): model keys and paths, fitting, saving and loading, the long
prediction table, error analysis, scoring and the sentiment analyses of notebook 06."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance import baselines, constructed_models, evaluate, model_files, model_selection, models
from stance.describe import naive_mapping_mismatch
from stance.schema import LABEL_COLUMNS, SENTIMENTS, STANCES, TARGETS
from tests.helpers import constructed_rows

LANGS = ("en", "tr")


@pytest.fixture(scope="module")
def statements() -> pd.DataFrame:
    """40 made-up statements in English and Turkish (80 texts), a third of them in test."""
    rows = []
    for i, row in enumerate(constructed_rows(40)):
        for lang in LANGS:
            rows.append(
                {
                    "id": f"{row['statement_id']}-{lang}",
                    "statement_id": row["statement_id"],
                    "text": row[f"text_{lang}"],
                    "lang": lang,
                    **{column: row[column] for column in LABEL_COLUMNS},
                    "genre": row["genre"],
                    "group": row["group"],
                    "hard_case": ("none", "irony")[i % 2],
                    "split": "test" if i % 3 == 0 else "train",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def train(statements) -> pd.DataFrame:
    return statements[statements["split"] == "train"].reset_index(drop=True)


@pytest.fixture(scope="module")
def test(statements) -> pd.DataFrame:
    return statements[statements["split"] == "test"].reset_index(drop=True)


@pytest.fixture(scope="module")
def pipelines(train) -> dict[constructed_models.ModelKey, object]:
    """A word-n-gram model per stance target and language, keyed like the notebooks' models."""
    fitted = {}
    for target in TARGETS:
        for lang in LANGS:
            rows = train[train["lang"] == lang]
            fitted[target, lang] = models.build_pipeline("word", lang).fit(
                rows["text"].tolist(), rows[target].tolist()
            )
    return fitted


def test_model_files_keep_their_names(tmp_path):
    assert model_files.model_name("ukraine_operation", "tr") == "ukraine_operation_tr"
    assert (
        constructed_models.model_path(tmp_path, "ukraine_operation", "tr")
        == tmp_path / "ukraine_operation_tr.skops"
    )
    assert (
        constructed_models.model_path(str(tmp_path), "sentiment", "en").name == "sentiment_en.skops"
    )


def test_fit_save_load_and_summarise_with_tuple_keys(train, tmp_path):
    selections = constructed_models.fit_models(train, ["sentiment"], LANGS, features="word")
    assert list(selections) == [("sentiment", "en"), ("sentiment", "tr")]
    paths = constructed_models.save_models(selections, train, tmp_path)
    assert [path.name for path in paths] == ["sentiment_en.skops", "sentiment_tr.skops"]
    loaded = constructed_models.load_models(["sentiment"], LANGS, tmp_path)
    assert list(loaded) == list(selections)
    for (target, lang), model in loaded.items():
        assert (model.metadata["target"], model.metadata["lang"]) == (target, lang)
    summary = model_selection.selection_summary(selections)
    assert summary[["label", "lang"]].values.tolist() == [["sentiment", "en"], ["sentiment", "tr"]]
    assert set(summary["features"]) == {"word"}
    # loaded models, selections and bare pipelines predict the same
    texts = train.loc[train["lang"] == "en", "text"].tolist()[:5]
    assert (
        constructed_models.fitted_pipeline(loaded["sentiment", "en"]).predict(texts).tolist()
        == constructed_models.fitted_pipeline(selections["sentiment", "en"]).predict(texts).tolist()
    )


def test_model_predictions_is_one_long_table(pipelines, test):
    table = constructed_models.model_predictions(pipelines, test)
    per_lang = test["lang"].value_counts()
    assert len(table) == sum(per_lang[lang] for _, lang in pipelines)
    assert list(table.columns) == [
        *constructed_models.PREDICTION_COLUMNS,
        *(f"proba_{label}" for label in STANCES),
    ]
    assert list(table.groupby(["target", "lang"], sort=False).groups) == list(pipelines)
    for (target, lang), rows in table.groupby(["target", "lang"], sort=False):
        texts = test[test["lang"] == lang]
        assert rows["id"].tolist() == texts["id"].tolist()
        assert rows["gold"].tolist() == texts[target].tolist()
        pipeline = pipelines[target, lang]
        assert rows["predicted"].tolist() == pipeline.predict(texts["text"].tolist()).tolist()
        proba = constructed_models.probabilities(rows, pipeline.classes_)
        np.testing.assert_array_equal(proba, pipeline.predict_proba(texts["text"].tolist()))
    np.testing.assert_allclose(constructed_models.probabilities(table, STANCES).sum(axis=1), 1.0)


def test_model_predictions_mixes_class_sets_and_skips_absent_languages(pipelines, train, test):
    rows = train[train["lang"] == "en"]
    sentiment_model = models.build_pipeline("word", "en").fit(
        rows["text"].tolist(), rows["sentiment"].tolist()
    )
    fitted = {
        ("sentiment", "en"): sentiment_model,
        ("ukraine_operation", "en"): pipelines["ukraine_operation", "en"],
        ("ukraine_operation", "de"): pipelines["ukraine_operation", "en"],
    }
    table = constructed_models.model_predictions(fitted, test)
    assert list(dict.fromkeys(table["target"])) == ["sentiment", "ukraine_operation"]
    assert set(table["lang"]) == {"en"}
    proba = [c for c in table.columns if c.startswith("proba_")]
    assert proba == sorted(f"proba_{label}" for label in {*SENTIMENTS, *STANCES})
    stance_rows = table[table["target"] == "ukraine_operation"]
    assert stance_rows["proba_positive"].isna().all()
    assert stance_rows["proba_neutral"].notna().all()
    empty = constructed_models.model_predictions({("sentiment", "de"): sentiment_model}, test)
    assert empty.empty and list(empty.columns) == list(constructed_models.PREDICTION_COLUMNS)


def _predictions() -> pd.DataFrame:
    """A hand-made prediction table over four English statements (see ``_statements``)."""
    return pd.DataFrame(
        {
            "id": ["b", "a", "c", "d", "a", "b"],
            "target": ["ukraine_operation"] * 4 + ["sentiment"] * 2,
            "lang": ["en"] * 6,
            "gold": ["support", "opposition", "neutral", "support", "positive", "negative"],
            "predicted": ["opposition", "support", "neutral", "support", "negative", "negative"],
        }
    )


def _statements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "text": ["A.", "B.", "C.", "D."],
            "lang": ["en"] * 4,
            "hard_case": ["irony", "negation", "irony", "none"],
            "sentiment": ["positive", "negative", "neutral", "positive"],
            "genre": ["op_ed"] * 4,
        }
    )


def test_error_analysis_lists_each_models_mistakes_with_what_makes_them_hard():
    errors = constructed_models.error_analysis(_predictions(), _statements())
    assert errors[["target", "id", "gold", "predicted"]].values.tolist() == [
        ["ukraine_operation", "a", "opposition", "support"],
        ["ukraine_operation", "b", "support", "opposition"],
        ["sentiment", "a", "positive", "negative"],
    ]
    # opposition with positive sentiment, support with negative: both against the mapping;
    # never for a label that is not a stance target
    assert errors["sentiment_against_naive_mapping"].tolist() == [True, True, False]
    assert errors["hard_case"].tolist() == ["irony", "negation", "irony"]
    assert list(errors.index) == [0, 1, 2]


def test_error_rates_by_hard_case_from_annotated_predictions():
    annotated = constructed_models.annotate_predictions(_predictions(), _statements())
    assert annotated["error"].tolist() == [True, True, False, False, True, False]
    rates = constructed_models.error_rates_by(annotated, "hard_case")
    assert rates.values.tolist() == [  # highest rate first
        ["irony", 3, 2, 2 / 3],
        ["negation", 2, 1, 0.5],
        ["none", 1, 0, 0.0],
    ]


def test_comparison_cases_put_the_model_beside_the_baselines_of_its_label(test, train):
    fitted = constructed_models.fit_models(
        train, ["ukraine_operation", "sentiment"], ("en",), features="word"
    )
    predictions = constructed_models.model_predictions(fitted, test)
    cases = constructed_models.comparison_cases(predictions, train, test)
    assert list(cases) == [("ukraine_operation", "en"), ("sentiment", "en")]
    rows = test[test["lang"] == "en"]
    gold, systems = cases["ukraine_operation", "en"]
    assert gold == rows["ukraine_operation"].tolist()
    assert list(systems) == [
        evaluate.MODEL,
        "majority class",
        "stratified random",
        "sentiment as stance (gold sentiment)",
        "keyword rule",
    ]
    assert systems["sentiment as stance (gold sentiment)"] == baselines.sentiment_as_stance(
        rows["sentiment"].tolist()
    )
    assert "VADER" in cases["sentiment", "en"][1]
    comparison = evaluate.compare_each(cases, ["target", "lang"], n_resamples=50)
    assert set(comparison.gains["versus"]) >= {"majority class", "VADER"}


def test_cross_lingual_table_covers_every_cell(train, test):
    table = constructed_models.cross_lingual_table(train, test, ["ukraine_operation"], ("word",))
    assert table[["train_lang", "test_lang"]].values.tolist() == [
        ["en", "en"],
        ["en", "tr"],
        ["tr", "en"],
        ["tr", "tr"],
    ]
    assert table["macro_f1"].between(0, 1).all()
    in_parallel = constructed_models.cross_lingual_table(
        train, test, ["ukraine_operation"], ("word",), n_jobs=2
    )
    pd.testing.assert_frame_equal(in_parallel, table)


def test_sentiment_as_stance_table(test):
    english = test["lang"] == "en"
    reversed_sentiment = test["sentiment"].map(
        {"positive": "negative", "negative": "positive", "neutral": "neutral"}
    )
    table = constructed_models.sentiment_as_stance_table(
        test,
        {
            "gold sentiment": test["sentiment"],
            "reversed, English only": reversed_sentiment.where(english),
        },
        langs=LANGS,
    )
    assert table[["target", "lang", "sentiment from"]].values.tolist() == [
        [target, lang, source]
        for target in TARGETS
        for lang in LANGS
        for source in ("gold sentiment", "reversed, English only")[: 1 if lang == "tr" else 2]
    ]
    for row in table.itertuples(index=False):
        rows = test[test["lang"] == row.lang]
        side = rows[rows[row.target] != "neutral"]
        assert row.against_mapping_texts == int(naive_mapping_mismatch(side, row.target).sum()) > 0
        # against the mapping, gold sentiment read as stance is wrong by construction
        # and the reversed reading is right
        expected = 0.0 if row[2] == "gold sentiment" else 1.0
        assert row.accuracy_on_those == expected
        assert row.macro_f1_low <= row.macro_f1 <= row.macro_f1_high
    with pytest.raises(ValueError, match="some en rows have no label"):
        constructed_models.sentiment_as_stance_table(
            test, {"holes": test["sentiment"].where(test.index % 4 == 0)}, langs=("en",)
        )


def test_sentiment_feature_gains(pipelines, train, test):
    gains = constructed_models.sentiment_feature_gains(pipelines, train, test)
    assert gains[["target", "lang", "added features"]].values.tolist() == [
        [target, lang, source]
        for target, lang in pipelines
        for source in (("vader", "gold") if lang == "en" else ("gold",))
    ]
    for row in gains.itertuples(index=False):
        without = evaluate.classification_scores(
            test.loc[test["lang"] == row.lang, row.target].tolist(),
            pipelines[row.target, row.lang].predict(
                test.loc[test["lang"] == row.lang, "text"].tolist()
            ),
        )["macro_f1"]
        assert row.macro_f1_without == without
        assert row.delta == pytest.approx(row.macro_f1_with - row.macro_f1_without)
        assert row.low <= row.delta <= row.high and 0 <= row.p_value <= 1
    gold_only = constructed_models.sentiment_feature_gains(
        {("ukraine_operation", "tr"): pipelines["ukraine_operation", "tr"]},
        train,
        test,
        sources=("gold",),
    )
    assert gold_only[["lang", "added features"]].values.tolist() == [["tr", "gold"]]


def test_with_sentiment_features_refuses_an_unknown_source(pipelines):
    with pytest.raises(ValueError, match="source must be 'vader' or 'gold'"):
        constructed_models.with_sentiment_features(pipelines["ukraine_operation", "en"], "lexicon")
