"""The real-statement dataset: labels joined with rehydrated sentences, hashes, splits, card;
and the real-text model helpers."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stance import (
    config,
    corpora,
    evaluate,
    model_files,
    model_selection,
    models,
    real,
    real_models,
    tweets_news,
)
from stance.io import InputError
from stance.schema import DatasetError
from tests.helpers import write_tweet_news_labels

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"
UNGDC, PRESIDENTIAL = FIXTURES / "ungdc", FIXTURES / "presidential"
MIDE22, AA = FIXTURES / "mide22", FIXTURES / "satiretr"
CORPORA = config.CorpusDirs(ungdc=UNGDC, presidential=PRESIDENTIAL, mide22=MIDE22, aa=AA)

#: Labels for the fixture sentences, written from the guidelines (RFP, UKR, sentiment).
LABELS = {
    "un-XAA-77-0002": ("opposition", "opposition", "negative"),
    "un-XAA-77-0003": ("opposition", "neutral", "neutral"),
    "un-XAA-77-0005": ("neutral", "neutral", "negative"),
    "un-XAA-78-0001": ("support", "neutral", "negative"),
    "un-XAA-78-0003": ("neutral", "neutral", "neutral"),
    "un-XBB-77-0001": ("neutral", "neutral", "negative"),
    "un-XBB-77-0002": ("opposition", "opposition", "positive"),
    "un-XBB-77-0003": ("neutral", "neutral", "negative"),
    "un-XCC-78-0000": ("support", "support", "positive"),
    "un-XCC-78-0001": ("support", "neutral", "positive"),
    "kr-90001-0001": ("neutral", "neutral", "neutral"),
    "kr-90001-0002": ("support", "neutral", "negative"),
    "kr-90003-0000": ("neutral", "neutral", "positive"),
    "ua-80001-0000": ("opposition", "opposition", "positive"),
    "ua-80001-0001": ("opposition", "opposition", "negative"),
    "ua-80002-0001": ("neutral", "neutral", "neutral"),
}


def _all_sentences() -> pd.DataFrame:
    return pd.concat(
        [
            corpora.ungdc_sentences(corpora.find_speeches(UNGDC)),
            corpora.presidential_sentences(corpora.read_presidential(PRESIDENTIAL)),
        ],
        ignore_index=True,
    ).set_index("sentence_id")


@pytest.fixture
def real_dir(tmp_path: Path) -> Path:
    """A data/real folder with label files, a second pass and an adjudication for the fixtures."""
    sentences = _all_sentences()
    rows = [
        {
            "sentence_id": sid,
            "sentence_sha256": sentences.loc[sid, "sentence_sha256"],
            "sample": "keyword",
            "russian_foreign_policy": rfp,
            "ukraine_operation": ukr,
            "sentiment": sentiment,
            "annotation": "pass1-batch01",
        }
        for sid, (rfp, ukr, sentiment) in LABELS.items()
    ]
    labels = pd.DataFrame(rows)
    folder = tmp_path / "real"
    folder.mkdir()
    labels[labels["sentence_id"].str.startswith("un-")].to_csv(
        folder / "ungdc_labels.csv", index=False
    )
    labels[~labels["sentence_id"].str.startswith("un-")].to_csv(
        folder / "presidential_labels.csv", index=False
    )
    second = (
        labels.drop(columns=["sentence_sha256", "sample"])
        .head(8)
        .assign(annotation="pass2-batch01")
    )
    second.loc[0, "sentiment"] = "neutral"  # a disagreement, adjudicated below
    second.to_csv(folder / "second_pass.csv", index=False)
    pd.DataFrame(
        [
            {
                "sentence_id": "un-XAA-77-0002",
                "label": "sentiment",
                "first": "neutral",
                "second": "neutral",
                "final": "negative",
                "reason": "R14: condemnation",
            }
        ]
    ).to_csv(folder / "adjudication.csv", index=False)
    pd.DataFrame(
        [
            {
                "sentence_id": "kr-90001-0002",
                "label": "russian_foreign_policy",
                "before": "neutral",
                "after": "support",
                "rule": "R11",
                "annotation": "revise-01",
            }
        ]
    ).to_csv(folder / real.PUBLISHER_REVISION, index=False)
    write_tweet_news_labels(folder)
    return folder


def test_rehydrate_joins_text_by_id_and_hash(real_dir):
    frame = real.build_real_statements(real_dir, CORPORA)
    assert list(frame.columns) == list(real.COLUMNS)
    originals = frame[frame["translation_of"] == ""]
    statements = originals[originals["genre"].isin(["speech", "press_release"])]
    assert len(statements) == len(LABELS) and set(statements["lang"]) == {"en"}
    assert originals.groupby(["genre", "lang"]).size().to_dict() == {
        ("news", "tr"): 6,
        ("press_release", "en"): 6,
        ("speech", "en"): 10,
        ("tweet", "en"): 4,
        ("tweet", "tr"): 6,
    }
    tweet = frame.set_index("id").loc["tw-1500000000000000001"]
    assert tweet["text"].startswith("Rusya'nın") and tweet["document"] == "TR01"
    assert tweet["date"] == tweets_news.tweet_date("1500000000000000001")
    row = frame.set_index("id").loc["un-XAA-77-0002"]
    assert row["text"].startswith("We condemn the aggression against Ukraine")
    assert (row["iso3"], row["session"], row["year"]) == ("XAA", 77, 2022)
    assert frame.set_index("id").loc["kr-90001-0002", "date"] == "2022-01-10"


def test_splits_keep_groups_whole_and_temporal_view_holds_out_session_79(real_dir):
    frame = real.build_real_statements(real_dir, CORPORA)
    assert set(frame["split"]) == {"train", "test"}
    assert (frame.groupby("group")["split"].nunique() == 1).all()
    assert set(frame.loc[frame["source"] == "ungdc", "group"]) == {
        "state-XAA",
        "state-XBB",
        "state-XCC",
    }
    assert frame.set_index("id").loc["ua-80001-0000", "group"] == "week-2022-W11"
    by_id = frame.set_index("id")
    assert by_id.loc["tw-1400000000000000001", "group"] == "event-EN01"
    assert by_id.loc["aa-002-0000", "group"] == "article-aa-002"
    for original in ("un-XAA-77-0002", "kr-90001-0002"):  # a translation follows its original
        translated = by_id.loc[f"{original}-tr"]
        assert translated["lang"] == "tr" and translated["translation_of"] == original
        for column in ("split", "group", "temporal_split", *real.LABEL_COLUMNS):
            assert translated[column] == by_id.loc[original, column]
    assert set(frame["temporal_split"]) == {"train"}  # the fixtures have no 2024 speech
    again = real.build_real_statements(real_dir, CORPORA)
    assert again["split"].tolist() == frame["split"].tolist()


def test_a_changed_sentence_is_named(real_dir):
    labels = pd.read_csv(real_dir / "ungdc_labels.csv")
    labels.loc[1, "sentence_sha256"] = "0" * 64
    labels.to_csv(real_dir / "ungdc_labels.csv", index=False)
    with pytest.raises(InputError, match=r"sentence un-XAA-77-0003: its text no longer matches"):
        real.build_real_statements(real_dir, CORPORA)


def test_a_sentence_missing_from_its_document_is_named(real_dir):
    labels = pd.read_csv(real_dir / "ungdc_labels.csv")
    labels.loc[0, "sentence_id"] = "un-XAA-77-0099"
    labels.to_csv(real_dir / "ungdc_labels.csv", index=False)
    with pytest.raises(InputError, match="sentence un-XAA-77-0099: not found"):
        real.build_real_statements(real_dir, CORPORA)


def test_unfetched_corpus_says_how_to_fetch(real_dir, tmp_path):
    empty = tmp_path / "empty"
    (empty / "TXT" / "Session 70 - 2015").mkdir(parents=True)
    (empty / "TXT" / "Session 70 - 2015" / "XAA_70_2015.txt").write_text("Another year.")
    with pytest.raises(InputError, match="stance corpus fetch ungdc"):
        real.build_real_statements(real_dir, replace(CORPORA, ungdc=empty))


def test_a_changed_tweet_and_a_translation_of_nothing_are_named(real_dir):
    labels = pd.read_csv(real_dir / tweets_news.MIDE22_LABELS, dtype=str)
    labels.loc[2, "sentence_sha256"] = "0" * 64
    labels.to_csv(real_dir / tweets_news.MIDE22_LABELS, index=False)
    with pytest.raises(InputError, match=r"tweet tw-\d+: its text no longer matches"):
        real.build_real_statements(real_dir, CORPORA)
    write_tweet_news_labels(real_dir)
    translations = pd.read_csv(real_dir / tweets_news.TRANSLATIONS, dtype=str)
    translations.loc[1, "sentence_id"] = "un-XAA-77-0099"
    translations.to_csv(real_dir / tweets_news.TRANSLATIONS, index=False)
    with pytest.raises(DatasetError, match="un-XAA-77-0099 is not a labelled English sentence"):
        real.build_real_statements(real_dir, CORPORA)


def test_unfetched_tweets_say_how_to_fetch(real_dir, tmp_path):
    with pytest.raises(InputError, match="stance corpus fetch mide22"):
        real.build_real_statements(real_dir, replace(CORPORA, mide22=tmp_path / "none"))


def test_bad_label_is_reported_with_its_line(real_dir):
    labels = pd.read_csv(real_dir / "presidential_labels.csv")
    labels.loc[2, "ukraine_operation"] = "favour"
    labels.to_csv(real_dir / "presidential_labels.csv", index=False)
    with pytest.raises(InputError, match=r"presidential_labels\.csv: line 4: ukraine_operation"):
        real.read_labels(real_dir)


def test_agreement_uses_the_first_pass_before_adjudication(real_dir):
    table = real.agreement(real_dir).set_index("label")
    assert table.loc["sentiment", "statements"] == 8
    # the adjudicated sentiment was 'neutral' in the first pass, as in the second: full agreement
    assert table.loc["sentiment", "agreement"] == 1.0
    assert table.loc["russian_foreign_policy", "cohen_kappa"] == 1.0


def test_first_pass_undoes_the_publisher_revision_then_the_adjudication(real_dir):
    labels = real.read_labels(real_dir)
    first = real.first_pass(
        labels, real.read_adjudication(real_dir), real.read_publisher_revision(real_dir)
    )
    assert first.loc["kr-90001-0002", "russian_foreign_policy"] == "neutral"
    assert first.loc["un-XAA-77-0002", "sentiment"] == "neutral"
    assert labels.set_index("sentence_id").loc["kr-90001-0002", "russian_foreign_policy"] == (
        "support"
    )


def test_a_revision_that_is_not_a_label_change_is_refused(real_dir):
    revision = pd.read_csv(real_dir / real.PUBLISHER_REVISION)
    revision.loc[0, "after"] = "favour"
    revision.to_csv(real_dir / real.PUBLISHER_REVISION, index=False)
    with pytest.raises(DatasetError, match=r"publisher_revision\.csv: line 2"):
        real.read_publisher_revision(real_dir)


def test_built_folder_has_a_card_and_loads(real_dir, tmp_path):
    out = tmp_path / "real_statements"
    real.build_real_dataset(real_dir, out, CORPORA)
    card = (out / "README.md").read_text()
    assert "class_label" in card and "Cohen's kappa" in card and "language-model" in card
    frame = real.load_real_statements(path=out)
    assert len(frame) == len(LABELS) + 10 + 6 + 2 and frame["session"].dtype.kind == "i"
    assert "Turkish translations" in card and "tweets_news_adjudication.csv" in card
    assert "1 labels changed" in card and "publisher_revision.csv" in card
    test = real.load_real_statements("test", path=out)
    assert set(test["split"]) == {"test"}
    with pytest.raises(InputError, match="not built"):
        real.load_real_statements(path=tmp_path / "nothing")


def test_best_source_per_label_breaks_ties_by_order():
    comparison = pd.DataFrame(
        {
            "label": ["a", "a", "b", "b"],
            "training_data": [
                "constructed only",
                "statements",
                "statements",
                "statements + constructed (weight 1)",
            ],
            "cv_score": [0.5, 0.5, 0.4, 0.6],
        }
    )
    assert real_models.best_sources(comparison, real_models.ENGLISH_TRAINING) == {
        "a": "statements",
        "b": "statements + constructed (weight 1)",
    }


def test_auxiliary_data_is_never_in_a_validation_fold():
    rng = np.random.default_rng(0)
    words = {"support": "praise", "opposition": "condemn", "neutral": "discuss"}
    labels = [["support", "opposition", "neutral"][i % 3] for i in range(30)]
    texts = [f"we {words[label]} item {rng.integers(100)}" for label in labels]
    groups = [f"g{i % 10}" for i in range(30)]
    aux_labels = ["support", "opposition", "neutral"] * 4
    aux_texts = [f"they {words[label]} it" for label in aux_labels]
    grid = {
        "word": [
            {
                "features__ngram_range": [(1, 1)],
                "classifier__C": [1.0],
                "classifier__class_weight": ["balanced"],
            }
        ]
    }
    scores = {}
    for source in model_selection.TRAINING_SOURCES:
        selection = model_selection.select_with_auxiliary(
            texts,
            labels,
            groups,
            aux_texts,
            aux_labels,
            source=source,
            features="word",
            grids=grid,
            n_splits=3,
        )
        scores[source] = selection.cv_score
        assert selection.n_splits == 3 and selection.metric == "f_avg"
    assert scores["main"] > 0.9 and scores["both"] > 0.9  # the cue words carry over
    with pytest.raises(ValueError, match="source must be one of"):
        model_selection.select_with_auxiliary(
            texts, labels, groups, aux_texts, aux_labels, source="other"
        )


def _toy_frame(n: int = 30) -> pd.DataFrame:
    stance_words = {
        "support": "praise the partnership",
        "opposition": "condemn the aggression",
        "neutral": "discuss the weather",
    }
    rows = []
    for i in range(n):
        label = ["support", "opposition", "neutral"][i % 3]
        rows.append(
            {
                "text": f"we {stance_words[label]} {i}",
                "russian_foreign_policy": label,
                "ukraine_operation": label if label != "support" else "neutral",
                "sentiment": {
                    "support": "positive",
                    "opposition": "negative",
                    "neutral": "neutral",
                }[label],
                "group": f"g{i % 6}",
                "hard_case": ["irony", "none"][i % 2],
                "lang": "en",
                "genre": ["speech", "tweet", "press_release"][(i // 3) % 3],
            }
        )
    return pd.DataFrame(rows)


def test_real_test_systems_scores_and_paired_gains():
    frame = _toy_frame()
    train, test = frame.iloc[:21], frame.iloc[21:]
    fitted = {
        label: models.build_pipeline("word", "en", classifier__C=10.0).fit(
            train["text"].tolist(), train[label].tolist()
        )
        for label in ("russian_foreign_policy", "ukraine_operation", "sentiment")
    }
    systems = real_models.real_test_systems(fitted, fitted, train, test)
    assert set(systems["sentiment"]) == {
        "model",
        "constructed-only model",
        "majority class",
        "stratified random",
        "VADER",
    }
    assert "keyword rule" in systems["russian_foreign_policy"]
    comparison = evaluate.compare_each(
        real_models.test_cases({"en": test}, {"en": systems}), ["lang", "label"], n_resamples=50
    )
    scores, gains = comparison.scores, comparison.gains
    model = scores[(scores["label"] == "russian_foreign_policy") & (scores["system"] == "model")]
    assert model["macro_f1"].iloc[0] == 1.0
    same = gains[gains["versus"] == real_models.CONSTRUCTED_ONLY]
    assert (same["delta"] == 0).all()  # the same estimator on both sides
    assert set(gains["label"]) == {"russian_foreign_policy", "ukraine_operation", "sentiment"}
    errors = real_models.challenge_set_errors(fitted, test)
    assert set(errors.columns) == {"label", "hard_case", "texts", "errors", "error_rate"}
    assert errors["error_rate"].is_monotonic_decreasing


def test_ship_constructed_models_copies_bytes(tmp_path):
    source, target = tmp_path / "constructed", tmp_path / "models"
    source.mkdir()
    (source / "sentiment_tr.skops").write_bytes(b"PK\x03\x04model")
    paths = real_models.ship_constructed_models(["sentiment"], "tr", source, target)
    assert paths == [target / "sentiment_tr.skops"]
    assert paths[0].read_bytes() == b"PK\x03\x04model"


def test_training_data_comparison_ships_a_model_that_records_its_source(tmp_path):
    frame = _toy_frame(36).assign(split="train", temporal_split=["train"] * 30 + ["test"] * 6)
    constructed = _toy_frame(12).assign(text=lambda f: f["text"].str.replace("we ", "they "))
    labels = ("russian_foreign_policy", "sentiment")
    options = real_models.ENGLISH_TRAINING
    choice = real_models.choose_real_models(frame, [constructed], options, "en", labels, n_jobs=2)
    assert len(choice.table) == len(labels) * len(options)
    assert set(choice.table["metric"]) == {"f_avg", "macro_f1"}
    sources, selections = choice.sources, choice.selections
    assert sources == real_models.best_sources(choice.table, options)
    by_name = {option.name: option for option in options}
    # the final search equals searching the winning option alone
    for label, selection in selections.items():
        option = by_name[sources[label]]
        task = model_selection.mixture_task(
            frame[label].tolist(),
            frame["group"].tolist(),
            [constructed[label].tolist()],
            trainable=frame["genre"].isin(option.main).to_numpy(),
            part_weights=option.weights,
        )
        texts = [*frame["text"], *constructed["text"]]
        grid = model_selection.candidate_grid("auto", "en", real_models.FINAL_GRIDS["en"])
        alone = model_selection._search(texts, task, grid, "en", 1)
        pd.testing.assert_frame_equal(selection.cv_results, alone.cv_results)
        probe = frame["text"].tolist()
        assert list(selection.estimator.predict(probe)) == list(alone.estimator.predict(probe))
    paths = real_models.save_real_models(
        selections, sources, frame, [constructed], options, "en", tmp_path
    )
    metadata = model_files.load_model(paths[0]).metadata
    assert metadata["training_data"] == sources["russian_foreign_policy"]
    rows = real_models.training_rows(
        frame, [constructed], by_name[sources["russian_foreign_policy"]]
    )
    assert metadata["n_train"] == len(rows)
    temporal = real_models.temporal_scores(frame, [constructed], selections, sources, options)
    in_parallel = real_models.temporal_scores(
        frame, [constructed], selections, sources, options, n_jobs=2
    )
    pd.testing.assert_frame_equal(in_parallel, temporal)
    assert temporal["n_test"].tolist() == [6, 6]
    assert temporal["macro_f1"].between(0, 1).all()


def test_training_rows_take_the_option_genres_and_weighted_parts():
    frame = _toy_frame(30)
    translated, constructed = _toy_frame(6), _toy_frame(3)
    option = real_models.TrainingData("tweets + translated", ("tweet",), (0.3, 0.0))
    rows = real_models.training_rows(frame, [translated, constructed], option)
    n_tweets = int((frame["genre"] == "tweet").sum())
    assert len(rows) == n_tweets + 6
    assert rows["weight"].tolist() == [1.0] * n_tweets + [0.3] * 6


def test_cross_genre_scores_train_on_one_kind_and_test_on_each():
    frame = _toy_frame(60).assign(split=["train"] * 42 + ["test"] * 18)
    frame["genre"] = ["speech", "tweet"] * 30
    selection = model_selection.select_model(
        frame["text"].tolist(),
        frame["russian_foreign_policy"].tolist(),
        frame["group"].tolist(),
        features="word",
        n_splits=3,
    )
    table = real_models.cross_genre_scores(
        frame,
        {"russian_foreign_policy": selection},
        {"speeches": ("speech",), "tweets": ("tweet",)},
    )
    assert table[["trained_on", "tested_on"]].values.tolist() == [
        ["speeches", "speeches"],
        ["speeches", "tweets"],
        ["tweets", "speeches"],
        ["tweets", "tweets"],
    ]
    assert table["n_test"].tolist() == [9, 9, 9, 9] and table["n_train"].tolist() == [21] * 4
    assert table["macro_f1"].between(0, 1).all()


def test_seed_article_sentences_are_read_with_the_quotations_labels():
    class Constant:
        def predict(self, texts):
            return ["neutral"] * len(texts)

    shipped = {label: Constant() for label in real.LABEL_COLUMNS}
    table = real_models.seed_article_predictions(shipped)
    assert table["quotation"].replace("", None).dropna().nunique() == 4
    second = table[table["sentence"].str.contains("tutarlı ve değişmez desteğinize")].iloc[0]
    assert second["quotation"] == "seed-02"
    assert second["ukraine_operation (quotation)"] == "support"
    assert set(table["sentiment (model)"]) == {"neutral"}
    assert table["sentence"].str.startswith("Ülkelerimiz").any()  # split before a Turkish capital


def test_kind_cases_score_each_kind_alone():
    test = pd.DataFrame(
        {
            "genre": ["speech"] * 4 + ["tweet"] * 4,
            "lang": "en",
            "translation_of": "",
            "sentiment": ["positive", "negative", "neutral", "negative"] * 2,
        }
    )
    predicted = ["positive", "negative", "neutral", "negative"] + ["neutral"] * 4
    cases = real_models.kind_cases(test, {"sentiment": {"model": predicted}})
    table = evaluate.compare_each(cases, ["kind", "n", "label"], n_resamples=50).scores
    assert table["kind"].tolist() == ["speech (en)", "tweet (en)"]
    assert table["n"].tolist() == [4, 4]
    assert table["accuracy"].tolist() == [1.0, 0.25]


def test_headline_table_puts_each_kind_on_one_row_with_the_best_baseline():
    rows = []
    for kind in ("tweet (tr)", "speech (en)"):
        for label in real.LABEL_COLUMNS:
            for system, score in (("model", 0.6), ("keyword rule", 0.5), ("majority class", 0.3)):
                rows.append(
                    {
                        "kind": kind,
                        "n": 10,
                        "label": label,
                        "system": system,
                        "macro_f1": score,
                        "macro_f1_low": score - 0.1,
                        "macro_f1_high": score + 0.1,
                    }
                )
    table = real_models.headline_table(pd.DataFrame(rows))
    assert table["kind"].tolist() == ["tweet (tr)", "speech (en)"]
    assert table.loc[0, "sentiment (model)"] == "0.60 [0.50, 0.70]"
    assert table.loc[0, "sentiment (best baseline)"] == "0.50 (keyword rule)"


def test_selection_table_has_one_row_per_shipped_model():
    from types import SimpleNamespace

    chosen = SimpleNamespace(
        metric="f_avg", cv_score=0.5, best_params={"features": "word+char", "classifier__C": 3.0}
    )
    choice = real_models.SourceComparison(
        table=pd.DataFrame(),
        selections={"ukraine_operation": chosen},
        sources={"ukraine_operation": "tweets"},
    )
    table = real_models.selection_table({"tr": choice})
    assert table.to_dict("records") == [
        {
            "lang": "tr",
            "label": "ukraine_operation",
            "training_data": "tweets",
            "selected_by": "f_avg",
            "cv_score": 0.5,
            "features": "word+char",
            "C": "3.0",
        }
    ]
