"""Pipelines, model selection, and saving/loading model files (stance.models)."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import ParameterGrid, StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion

import stance
from stance import config, model_files, model_selection, models, splits
from stance.io import InputError
from stance.text import TextNormalizer
from tests.helpers import LABELS, toy_corpus


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str], list[str]]:
    return toy_corpus()


@pytest.fixture(scope="module")
def selection(corpus) -> model_selection.ModelSelection:
    texts, labels, groups = corpus
    return model_selection.select_model(texts, labels, groups)


@pytest.fixture(scope="module")
def fitted_union(corpus):
    texts, labels, _ = corpus
    return models.build_pipeline("word+char", "tr", classifier__C=3.0).fit(texts, labels)


# --- pipelines -----------------------------------------------------------------------------


def test_word_pipeline_has_the_documented_steps():
    pipeline = models.build_pipeline("word", "tr")
    assert [name for name, _ in pipeline.steps] == ["features", "classifier"]
    vectorizer = pipeline.named_steps["features"]
    assert isinstance(vectorizer, TfidfVectorizer)
    assert (vectorizer.analyzer, vectorizer.ngram_range, vectorizer.min_df) == ("word", (1, 2), 1)
    assert vectorizer.sublinear_tf and vectorizer.preprocessor == TextNormalizer("tr")
    classifier = pipeline.named_steps["classifier"]
    assert classifier.random_state == config.SEED and classifier.max_iter >= 1000


def test_char_and_union_pipelines():
    char = models.build_pipeline("char").named_steps["features"]
    assert (char.analyzer, char.ngram_range, char.sublinear_tf) == ("char_wb", (2, 5), True)
    union = models.build_pipeline("word+char", "tr").named_steps["features"]
    assert isinstance(union, FeatureUnion)
    assert [name for name, _ in union.transformer_list] == ["word", "char"]
    assert all(part.preprocessor == TextNormalizer("tr") for _, part in union.transformer_list)
    assert [models.feature_kind(models.build_features(k)) for k in models.FEATURE_KINDS] == list(
        models.FEATURE_KINDS
    )


def test_params_are_settable_through_build_and_set_params():
    pipeline = models.build_pipeline(
        "word+char", features__word__ngram_range=(1, 3), classifier__C=0.5
    )
    params = pipeline.get_params()
    assert params["features__word__ngram_range"] == (1, 3)
    assert params["features__char__ngram_range"] == (2, 5)
    assert params["classifier__C"] == 0.5
    pipeline.set_params(features__char__ngram_range=(3, 4), classifier__class_weight="balanced")
    assert pipeline.named_steps["features"].transformer_list[1][1].ngram_range == (3, 4)
    assert pipeline.named_steps["classifier"].class_weight == "balanced"


@pytest.mark.parametrize("kind", model_selection.PARAM_GRIDS)
def test_every_grid_candidate_can_be_set(kind):
    for candidate in ParameterGrid(model_selection.PARAM_GRIDS[kind]):
        params = models.build_pipeline(kind).set_params(**candidate).get_params()
        assert all(params[key] == value for key, value in candidate.items())


def test_grids_are_small_enough_for_a_quick_auto_search():
    total = sum(len(ParameterGrid(grid)) for grid in model_selection.PARAM_GRIDS.values())
    assert 8 <= total <= 24


def test_unknown_feature_kind_is_refused():
    with pytest.raises(ValueError, match="features must be one of"):
        models.build_pipeline("bert")


def test_turkish_pipeline_lowercases_dotted_capital_i():
    pipeline = models.build_pipeline("word", "tr", features__ngram_range=(1, 1))
    vocabulary = pipeline.named_steps["features"].fit(["İTİRAZ ediyoruz", "itiraz yok"]).vocabulary_
    assert "itiraz" in vocabulary and "i̇ti̇raz" not in vocabulary


# --- cross-validation splitter -------------------------------------------------------------


def test_splitter_is_grouped_only_with_groups(corpus):
    _, labels, groups = corpus
    grouped = model_selection.cv_splitter(labels, groups, seed=7)
    plain = model_selection.cv_splitter(labels, seed=7)
    assert isinstance(grouped, StratifiedGroupKFold) and type(plain) is StratifiedKFold
    for splitter in (grouped, plain):
        assert splitter.shuffle and splitter.random_state == 7 and splitter.get_n_splits() == 5


def test_grouped_splits_never_share_a_group(corpus):
    texts, labels, groups = corpus
    splitter = model_selection.cv_splitter(labels, groups)
    for train, test in splitter.split(texts, labels, groups):
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_n_splits_shrinks_to_the_smallest_class_and_the_groups():
    labels = ["a"] * 10 + ["b"] * 3
    assert model_selection.cv_splitter(labels, n_splits=5).get_n_splits() == 3
    assert (
        model_selection.cv_splitter(labels, ["x", "y"] * 6 + ["x"], n_splits=5).get_n_splits() == 2
    )


@pytest.mark.parametrize(
    ("labels", "groups", "message"),
    [
        (["a"] * 6, None, "at least 2 classes"),
        (["a"] * 5 + ["b"], None, "class 'b' has 1 example"),
        (["a", "b"] * 3, ["g"] * 6, "at least 2 groups"),
    ],
)
def test_impossible_cross_validation_is_a_clear_input_error(labels, groups, message):
    with pytest.raises(model_selection.TrainingDataError, match=message) as error:
        model_selection.cv_splitter(labels, groups)
    assert isinstance(error.value, InputError)


# --- model selection -----------------------------------------------------------------------


def test_selection_beats_chance_and_generalises(selection):
    assert selection.metric == "f_avg"  # support/opposition present: the reported metric
    assert selection.cv_score > 0.8  # chance is about 0.33
    unseen = ["we praise this policy", "we condemn this policy", "we discuss this policy"]
    assert list(selection.estimator.predict(unseen)) == ["support", "opposition", "neutral"]


def test_selection_reports_json_friendly_params_and_readable_results(selection):
    params = selection.best_params
    assert params["features"] in models.FEATURE_KINDS
    assert json.loads(json.dumps(params)) == params
    assert models.feature_kind(selection.estimator.named_steps["features"]) == params["features"]
    results = selection.cv_results
    assert len(results) == sum(len(ParameterGrid(g)) for g in model_selection.PARAM_GRIDS.values())
    assert list(results.columns[:3]) == ["rank", "mean_f_avg", "std_f_avg"]
    assert set(results["features"]) == set(model_selection.PARAM_GRIDS)
    assert results["rank"].is_monotonic_increasing and results["rank"].iloc[0] == 1
    assert results["mean_f_avg"].iloc[0] == selection.cv_score
    assert selection.estimator.get_params()["memory"] is None


@pytest.mark.parametrize(
    ("metric", "labels", "expected"),
    [
        ("auto", ["support", "opposition", "neutral"], "f_avg"),
        ("auto", ["FAVOR", "AGAINST", "NONE"], "f_avg"),
        ("auto", ["positive", "negative", "neutral"], "macro_f1"),
        ("auto", ["support", "neutral"], "macro_f1"),
        ("accuracy", ["support", "opposition"], "accuracy"),
        ("macro_f1", ["support", "opposition"], "macro_f1"),
    ],
)
def test_selection_metric_follows_the_reported_metric(metric, labels, expected):
    assert model_selection.resolve_metric(metric, labels) == expected


@pytest.mark.parametrize(
    ("metric", "labels", "message"),
    [
        ("f1", ["support", "opposition"], "metric must be one of"),
        ("f_avg", ["positive", "negative"], "needs a side-taking pair"),
    ],
)
def test_impossible_selection_metric_is_refused(metric, labels, message):
    with pytest.raises(ValueError, match=message):
        model_selection.resolve_metric(metric, labels)


def test_f_avg_selection_ignores_the_neutral_class():
    gold = ["support", "opposition", "neutral", "neutral"]
    scorer = model_selection.selection_scorer("f_avg", gold)

    class Fixed(ClassifierMixin, BaseEstimator):  # predicts what it is told
        classes_ = sorted(set(gold))

        def predict(self, texts):
            return texts

    # neutral wrongly predicted as support costs; neutral↔neutral success adds nothing
    assert scorer(Fixed(), ["support", "opposition", "support", "neutral"], gold) == (
        pytest.approx((2 / 3 + 1) / 2)
    )
    assert scorer(Fixed(), ["support", "opposition", "neutral", "neutral"], gold) == 1.0


def test_selection_is_deterministic(corpus, selection):
    texts, labels, groups = corpus
    again = model_selection.select_model(texts, labels, groups, n_jobs=2)
    assert again.best_params == selection.best_params
    pd.testing.assert_frame_equal(again.cv_results, selection.cv_results)


def test_selection_validates_on_unseen_groups_only(corpus, monkeypatch):
    texts, labels, groups = corpus
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    make_splitter = model_selection.cv_splitter

    class Recording:
        def __init__(self, inner):
            self.inner = inner

        def get_n_splits(self, *args, **kwargs):
            return self.inner.get_n_splits(*args, **kwargs)

        def split(self, X, y, groups=None):
            assert groups is not None
            for train, test in self.inner.split(X, y, groups):
                seen.append((train, test))
                yield train, test

    monkeypatch.setattr(
        model_selection, "cv_splitter", lambda *a, **k: Recording(make_splitter(*a, **k))
    )
    model_selection.select_model(texts, labels, groups, features="word")
    assert len(seen) == 5
    for train, test in seen:
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_selection_in_turkish_with_few_examples_uses_fewer_folds():
    texts, labels, groups = toy_corpus("tr", n=9)
    selection = model_selection.select_model(texts, labels, groups, lang="tr", features="word")
    assert selection.n_splits == 3
    assert selection.estimator.named_steps["features"].preprocessor == TextNormalizer("tr")


def test_selection_refuses_bad_training_data(corpus):
    texts, labels, _ = corpus
    with pytest.raises(model_selection.TrainingDataError, match="differ in length"):
        model_selection.select_model(texts, labels[:-1])
    with pytest.raises(model_selection.TrainingDataError, match="at least 2 classes"):
        model_selection.select_model(texts[:3], ["support"] * 3)
    with pytest.raises(ValueError, match="features must be one of"):
        model_selection.select_model(texts, labels, features="bert")


# --- metadata, saving and loading ----------------------------------------------------------


def test_training_data_hash_is_canonical_and_order_sensitive():
    texts, labels = ["Rusya’yı kınıyoruz", "we welcome"], ["opposition", "support"]
    expected = hashlib.sha256(
        '[["Rusya’yı kınıyoruz","opposition"],["we welcome","support"]]'.encode()
    ).hexdigest()
    assert model_files.training_data_sha256(texts, labels) == expected
    assert model_files.training_data_sha256(texts[::-1], labels[::-1]) != expected
    assert model_files.training_data_sha256(texts, ["neutral", "support"]) != expected


def test_metadata_records_how_the_model_was_made(corpus, fitted_union):
    texts, labels, _ = corpus
    metadata = model_files.model_metadata(
        fitted_union,
        texts,
        labels,
        target="ukraine_operation",
        lang="tr",
        text_column="text",
        label_column="ukraine_operation",
        best_params={"features": "word+char"},
        metric="f_avg",
        cv_score=0.9,
    )
    assert metadata["labels"] == list(LABELS)
    assert metadata["n_train"] == len(texts)
    assert metadata["training_data_sha256"] == model_files.training_data_sha256(texts, labels)
    assert metadata["stance_version"] == stance.__version__
    assert metadata["sklearn_version"] == __import__("sklearn").__version__
    assert (
        metadata["target"],
        metadata["lang"],
        metadata["selection_metric"],
        metadata["cv_score"],
    ) == ("ukraine_operation", "tr", "f_avg", 0.9)
    assert json.loads(json.dumps(metadata)) == metadata
    assert not any("time" in key or "date" in key for key in metadata)


def test_save_and_load_round_trip(tmp_path, corpus, fitted_union):
    texts = corpus[0]
    metadata = {"target": "russian_foreign_policy", "best_params": {"ngram": [1, 2]}, "x": None}
    path = tmp_path / "sub" / "model.skops"
    model_files.save_model(fitted_union, path, metadata)
    assert [p.name for p in path.parent.iterdir()] == ["model.skops"]  # no temporary left
    loaded = model_files.load_model(path)
    assert loaded.metadata == metadata
    assert list(loaded.pipeline.predict(texts)) == list(fitted_union.predict(texts))
    np.testing.assert_array_equal(
        loaded.pipeline.predict_proba(texts), fitted_union.predict_proba(texts)
    )
    assert set(sio.get_untrusted_types(file=path)) <= set(model_files.TRUSTED_TYPES)


def test_saved_files_are_byte_reproducible(tmp_path, corpus):
    texts, labels, _ = corpus
    for name in ("a.skops", "b.skops"):
        pipeline = models.build_pipeline("word+char").fit(texts, labels)
        model_files.save_model(pipeline, tmp_path / name, {"n_train": len(texts)})
    assert (tmp_path / "a.skops").read_bytes() == (tmp_path / "b.skops").read_bytes()


class NotTrusted:
    """A type no model file may contain."""

    def __init__(self) -> None:
        self.payload = 1


def _write(path, data):
    path.write_bytes(data)
    return path


def _skops_file(path, content):
    path.write_bytes(sio.dumps(content))
    return path


def _tampered(path, source):
    """``source`` with its schema.json rewritten so that it no longer describes valid objects,
    zip checksums intact."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            if name == "schema.json":
                data = re.sub(rb'"__loader__": ?"ObjectNode"', b'"__loader__":"NoSuchNode"', data)
            copy.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, fitted_union):
    path = tmp_path_factory.mktemp("model") / "model.skops"
    model_files.save_model(fitted_union, path, {"target": "russian_foreign_policy"})
    return path


def _flipped(path, source):
    data = bytearray(source.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp, model: tmp / "absent.skops", "no such model file"),
        (lambda tmp, model: _write(tmp / "data.csv", b"id,text\n1,hello\n"), "not a zip archive"),
        (lambda tmp, model: _write(tmp / "empty.skops", b""), "not a zip archive"),
        (lambda tmp, model: _write(tmp / "cut.skops", model.read_bytes()[:1000]), "damaged"),
        (lambda tmp, model: _flipped(tmp / "flip.skops", model), "damaged"),
        (lambda tmp, model: _tampered(tmp / "edit.skops", model), "damaged"),
        (lambda tmp, model: _skops_file(tmp / "dict.skops", {"a": 1}), "not a stance model"),
        (
            lambda tmp, model: _skops_file(
                tmp / "v9.skops", {"format": "stance-model", "format_version": 9}
            ),
            "format_version",
        ),
        (
            lambda tmp, model: _skops_file(
                tmp / "x.skops",
                {"format": "stance-model", "format_version": 1, "pipeline": 1, "metadata": {}},
            ),
            "no pipeline",
        ),
        (
            lambda tmp, model: _skops_file(
                tmp / "evil.skops", {"format": "stance-model", "pipeline": NotTrusted()}
            ),
            "untrusted type .*NotTrusted",
        ),
    ],
)
def test_bad_model_files_are_refused_in_one_line(tmp_path, model_file, make, message):
    path = make(tmp_path, model_file)
    with pytest.raises(model_files.ModelFileError, match=message) as error:
        model_files.load_model(path)
    assert isinstance(error.value, InputError)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)


def test_fit_and_apply_fits_a_clone_and_applies_it_to_each_text_list(corpus):
    texts, labels, _ = corpus
    estimator = models.build_pipeline("word", "en", classifier__C=3.0)
    weights = np.linspace(0.5, 1.5, len(texts))
    classes, (predicted, again) = models.fit_and_apply(
        estimator, texts, labels, texts[:7], texts[7:9], classifier__sample_weight=weights
    )
    reference = models.build_pipeline("word", "en", classifier__C=3.0)
    reference.fit(texts, labels, classifier__sample_weight=weights)
    assert classes == [str(c) for c in reference.classes_]
    assert predicted.tolist() == reference.predict(texts[:7]).tolist()
    assert again.tolist() == reference.predict(texts[7:9]).tolist()
    assert not hasattr(estimator, "classes_")  # the estimator passed in stays unfitted
    _, (proba,) = models.fit_and_apply(estimator, texts, labels, texts[:3], method="predict_proba")
    assert proba.shape == (3, len(classes))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_mixture_task_trains_on_trainable_main_rows_and_used_parts():
    labels = ["a", "b"] * 10
    groups = [f"g{i // 2}" for i in range(20)]
    trainable = np.array([i % 4 != 0 for i in range(20)])  # every fourth main row is held back
    parts = [["a", "b", "a"], ["b", "a"]]
    task = model_selection.mixture_task(
        labels, groups, parts, trainable=trainable, part_weights=[0.3, 0.0], n_splits=5
    )
    assert len(task.labels) == 25
    assert list(task.sample_weight[20:]) == [0.3, 0.3, 0.3, 0.0, 0.0]
    for train_rows, val_rows in task.folds:
        main_rows = train_rows[train_rows < 20]
        assert trainable[main_rows].all() and not set(main_rows) & set(val_rows)
        assert list(train_rows[train_rows >= 20]) == [20, 21, 22]  # part 2 has weight 0
        assert val_rows.max() < 20
    assert list(task.refit_rows) == [*np.flatnonzero(trainable), 20, 21, 22]
    parts_only = model_selection.mixture_task(
        labels, groups, parts, trainable=np.zeros(20, bool), part_weights=[1.0, 1.0]
    )
    assert all(list(train) == [20, 21, 22, 23, 24] for train, _ in parts_only.folds)
    with pytest.raises(ValueError, match="must train on some rows"):
        model_selection.mixture_task(
            labels, groups, parts, trainable=np.zeros(20, bool), part_weights=[0.0, 0.0]
        )


def test_mixture_tasks_of_several_labels_share_their_folds_when_given_strata():
    stance = ["support", "neutral", "opposition", "neutral"] * 10
    sentiment = ["positive", "negative"] * 20
    groups = [f"g{i // 2}" for i in range(40)]
    strata = splits.joint_strata(stance, stance, 5)

    def folds(labels, strata=None):
        task = model_selection.mixture_task(
            labels, groups, [], trainable=np.ones(40, bool), part_weights=[], strata=strata
        )
        return [(list(train), list(val)) for train, val in task.folds]

    assert folds(stance, strata) == folds(sentiment, strata)
    assert folds(stance) != folds(sentiment)


def test_joint_strata_fall_back_to_the_first_label_then_to_the_largest_stratum():
    first = ["a"] * 7 + ["b"] * 3 + ["c"]
    second = ["x"] * 4 + ["y", "y", "z"] + ["x"] * 3 + ["x"]
    expected = ["a|x"] * 4 + ["a"] * 3 + ["b|x"] * 3 + ["a|x"]
    assert splits.joint_strata(first, second, 3) == expected


def test_auxiliary_task_is_the_mixture_with_one_part():
    labels, groups, aux = ["a", "b"] * 10, [f"g{i // 2}" for i in range(20)], ["a", "b"]
    for source, use, trainable in (
        ("main", False, True),
        ("both", True, True),
        ("auxiliary", True, False),
    ):
        task = model_selection.auxiliary_task(
            labels, groups, aux, source=source, auxiliary_weight=0.3
        )
        mixture = model_selection.mixture_task(
            labels,
            groups,
            [aux],
            trainable=np.full(20, trainable),
            part_weights=[0.3],
            use_parts=[use],
        )
        assert [list(t) for t, _ in task.folds] == [list(t) for t, _ in mixture.folds]
        assert list(task.refit_rows) == list(mixture.refit_rows)
