"""The fast feature steps equal scikit-learn's, array for array (stance.features)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedGroupKFold
from sklearn.pipeline import FeatureUnion

from stance import features, model_selection, models
from stance.features import CachedTfidfVectorizer, TextFeatureUnion, fold_feature_matrices
from stance.text import TextNormalizer
from tests.helpers import toy_corpus

TRAIN = [
    "Moscow's policy in the region is a mistake, the minister said.",
    "We support the special military operation and its goals.",
    "İstanbul'da IŞIK ve ılık bir gün: Dışişleri Bakanlığı açıklama yaptı.",
    "Türkiye, Rusya'nın dış politikasını destekliyor; İİ ıı Iİ.",
    "The Council «condemns» the “invasion” — again!!!",
    "Peace talks, peace talks, and more peace talks.",
    "a b c d e f g",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is a long word.",
]
TRICKY = [
    "",
    "   \t\n ",
    "İSTANBUL ışık IŞIK İi Iı",
    "unseenword anotherunseenword peace",
    "x" * 2000,
    "peace\u00a0talks\u2003now",  # no-break and em spaces
    "!!!???...,,,",
    "‘quoted’ `back` «guillemets» “curly”",
    "a",
    "The minister said: peace talks, peace talks.",
    "Mr. Putin's policy; U.N. vote 141-5-35 (A/RES/ES-11/1).",
]
KINDS = [
    {"analyzer": "word", "ngram_range": (1, 1)},
    {"analyzer": "word", "ngram_range": (1, 2)},
    {"analyzer": "word", "ngram_range": (2, 3)},
    {"analyzer": "word", "ngram_range": (1, 2), "stop_words": "english"},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"analyzer": "char_wb", "ngram_range": (2, 5)},
    {"analyzer": "char_wb", "ngram_range": (1, 3), "binary": True},
]


def assert_same_matrix(expected, actual) -> None:
    """Same type, shape, dtypes and arrays: not just close, identical."""
    assert type(actual) is type(expected)
    assert actual.shape == expected.shape
    for name in ("data", "indices", "indptr"):
        a, b = getattr(expected, name), getattr(actual, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize("lang", ["en", "tr"])
@pytest.mark.parametrize("params", KINDS, ids=lambda p: "-".join(map(str, p.values())))
def test_transform_equals_scikit_learn(lang, params):
    common = {"preprocessor": TextNormalizer(lang), "sublinear_tf": True, **params}
    reference = TfidfVectorizer(**common).fit(TRAIN)
    fast = CachedTfidfVectorizer(**common).fit(TRAIN)
    assert fast.vocabulary_ == reference.vocabulary_
    for documents in (TRICKY, TRAIN, TRICKY[:1], TRICKY + TRICKY):
        assert_same_matrix(reference.transform(documents), fast.transform(documents))


def test_default_preprocessing_and_plain_lowercase_also_match():
    reference = TfidfVectorizer(analyzer="char_wb").fit(TRAIN)
    fast = CachedTfidfVectorizer(analyzer="char_wb").fit(TRAIN)
    assert_same_matrix(reference.transform(TRICKY), fast.transform(TRICKY))


def test_other_analyzers_fall_back_to_scikit_learn():
    reference = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit(TRAIN)
    fast = CachedTfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit(TRAIN)
    assert_same_matrix(reference.transform(TRICKY), fast.transform(TRICKY))


def test_a_string_instead_of_documents_is_refused_as_by_scikit_learn():
    fast = CachedTfidfVectorizer().fit(TRAIN)
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        fast.transform("one text")


def test_union_normalises_once_and_equals_scikit_learn():
    def parts(cls):
        return [
            ("word", cls(preprocessor=TextNormalizer("tr"), sublinear_tf=True)),
            (
                "char",
                cls(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    preprocessor=TextNormalizer("tr"),
                    sublinear_tf=True,
                ),
            ),
        ]

    reference = FeatureUnion(parts(TfidfVectorizer)).fit(TRAIN)
    fast = TextFeatureUnion(parts(CachedTfidfVectorizer)).fit(TRAIN)
    assert_same_matrix(reference.transform(TRICKY), fast.transform(TRICKY))
    assert list(fast.get_feature_names_out()) == list(reference.get_feature_names_out())
    calls = []
    normalizer = fast.transformer_list[0][1].preprocessor
    fast.transformer_list[0][1].preprocessor = fast.transformer_list[1][1].preprocessor = (
        lambda text: calls.append(text) or normalizer(text)
    )
    fast.transform(["one text", "two texts"])
    assert len(calls) == 2  # once per text, not once per part


def test_union_with_weights_uses_scikit_learn():
    def parts(cls):
        return [("word", cls()), ("char", cls(analyzer="char_wb"))]

    weights = {"word": 2.0, "char": 0.5}
    reference = FeatureUnion(parts(TfidfVectorizer), transformer_weights=weights).fit(TRAIN)
    fast = TextFeatureUnion(parts(CachedTfidfVectorizer), transformer_weights=weights).fit(TRAIN)
    assert_same_matrix(reference.transform(TRICKY), fast.transform(TRICKY))


def test_word_cache_is_kept_across_calls_and_bounded(monkeypatch):
    fast = CachedTfidfVectorizer(analyzer="char_wb").fit(TRAIN)
    first = fast.transform(TRICKY)
    assert "peace" in fast._word_cache
    assert_same_matrix(first, fast.transform(TRICKY))  # from the cache now
    monkeypatch.setattr(features, "MAX_CACHED_WORDS", 3)
    assert_same_matrix(first, fast.transform(TRICKY))
    assert len(fast._word_cache) <= len({w for t in TRICKY for w in t.lower().split()})
    fast.fit(TRAIN[:2])  # a new vocabulary empties the cache
    assert fast._word_cache == {}


def test_is_a_scikit_learn_estimator_whose_saved_state_has_no_cache():
    fast = CachedTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), min_df=1)
    assert fast.get_params()["ngram_range"] == (2, 3)
    assert clone(fast).set_params(ngram_range=(1, 2)).ngram_range == (1, 2)
    fast.fit(TRAIN).transform(TRICKY)
    state = fast.__getstate__()
    assert "_word_cache" not in state and "vocabulary_" not in state
    assert state["_vocabulary_terms"].dtype == np.uint8
    assert "vocabulary_" in vars(fast)  # saving does not change the fitted object
    copy = pickle.loads(pickle.dumps(fast))
    assert copy.vocabulary_ == fast.vocabulary_
    assert_same_matrix(fast.transform(TRICKY), copy.transform(TRICKY))


def test_a_damaged_vocabulary_array_is_refused():
    state = CachedTfidfVectorizer().fit(TRAIN).__getstate__()
    state["_vocabulary_size"] += 1
    with pytest.raises(ValueError, match="vocabulary holds"):
        CachedTfidfVectorizer().__setstate__(state)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_fold_matrices_equal_fitting_each_candidate_alone(lang):
    steps = [
        clone(c["features"]).set_params(
            **{k.removeprefix("features__"): v for k, v in c.items() if k.startswith("features__")}
        )
        for c in ParameterGrid(model_selection.candidate_grid("auto", lang))
    ]
    train, validation = TRAIN[:6] * 3, TRAIN[6:] + TRICKY
    pairs = fold_feature_matrices(steps, train, validation)
    assert len(pairs) == len(steps)
    for step, (train_matrix, validation_matrix) in zip(steps, pairs, strict=True):
        fitted = clone(step)
        # the training matrix too, with scikit-learn's own (unsorted) layout of each row
        assert_same_matrix(fitted.fit_transform(train), train_matrix)
        assert_same_matrix(fitted.transform(validation), validation_matrix)


def test_grid_search_scores_equal_scikit_learns_grid_search():
    """The project's search gives GridSearchCV's table, means, ranks and winner."""
    texts, labels, groups = toy_corpus("tr", n=45)
    folds = list(StratifiedGroupKFold(3, shuffle=True, random_state=0).split(texts, labels, groups))
    grid = model_selection.candidate_grid("auto", "tr")
    weights = np.linspace(0.5, 1.5, len(texts))
    reference = GridSearchCV(
        models.build_pipeline("word", "tr"),
        grid,
        cv=folds,
        scoring=make_scorer(f1_score, average="macro"),
        refit=False,
    )
    reference.fit(texts, labels, classifier__sample_weight=weights)
    task = model_selection.SearchTask(labels, folds, "macro_f1", sample_weight=weights)
    ours = model_selection._search(texts, task, grid, "tr", 1)
    expected = pd.DataFrame(
        {
            "mean": np.round(reference.cv_results_["mean_test_score"], 4),
            "std": np.round(reference.cv_results_["std_test_score"], 4),
            "rank": reference.cv_results_["rank_test_score"],
            "params": [json_params(p) for p in reference.cv_results_["params"]],
        }
    ).sort_values(["rank", "params"], kind="stable", ignore_index=True)
    table = ours.cv_results
    np.testing.assert_array_equal(table["mean_macro_f1"], expected["mean"])
    np.testing.assert_array_equal(table["std_macro_f1"], expected["std"])
    np.testing.assert_array_equal(table["rank"], expected["rank"])
    assert table["params"].tolist() == expected["params"].tolist()
    assert ours.best_params == model_selection._readable(reference.best_params_)
    assert ours.cv_score == round(float(reference.best_score_), 4)


def test_shared_search_of_several_tasks_gives_each_tasks_own_fold_scores():
    """Tasks that share training rows (two labels, two weights, one row set for every fold)
    get exactly GridSearchCV's per-fold scores, as if each were searched alone."""
    texts, labels, groups = toy_corpus("en", n=40)
    other_labels = labels[1:] + labels[:1]
    folds = list(StratifiedGroupKFold(3, shuffle=True, random_state=0).split(texts, labels, groups))
    same_training = [(folds[0][0], validation) for _, validation in folds]
    weights = np.linspace(0.5, 1.5, len(texts))
    tasks = [
        model_selection.SearchTask(labels, folds, "macro_f1"),
        model_selection.SearchTask(other_labels, folds, "macro_f1", sample_weight=weights),
        model_selection.SearchTask(labels, folds, "macro_f1", sample_weight=weights * 2),
        model_selection.SearchTask(labels, same_training, "macro_f1"),
    ]
    grid = model_selection.candidate_grid("auto", "en")
    candidates = list(ParameterGrid(grid))
    scores = model_selection.cross_validate_tasks(texts, tasks, candidates, n_jobs=2)
    for task, task_scores in zip(tasks, scores, strict=True):
        reference = GridSearchCV(
            models.build_pipeline("word", "en"),
            grid,
            cv=task.folds,
            scoring=make_scorer(f1_score, average="macro"),
            refit=False,
        )
        fit_params = {}
        if task.sample_weight is not None:
            fit_params["classifier__sample_weight"] = task.sample_weight
        reference.fit(texts, task.labels, **fit_params)
        expected = np.array(
            [reference.cv_results_[f"split{i}_test_score"] for i in range(len(task.folds))]
        ).T
        np.testing.assert_array_equal(task_scores, expected)


def json_params(params: dict) -> str:
    import json

    return json.dumps(model_selection._readable(params), sort_keys=True)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 5), (3, 3), (4, 6)])
def test_one_word_ngrams_equal_scikit_learns(ngram_range):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range)
    for word in ["a", "ab", "abc", "abcd", "İstanbul", "x" * 40, "ıi"]:
        assert features.char_wb_ngrams(word, *ngram_range) == vectorizer._char_wb_ngrams(word)


def test_keyword_cue_counts_count_each_side_capped_and_scaled():
    from stance.features import KeywordCueCounts

    texts = [
        "Russia's aggression and invasion, war crimes, atrocities.",
        "The special military operation against the Kyiv regime.",
        "We discussed water.",
    ]
    cues = KeywordCueCounts("en", weight=3.0).fit(texts)
    assert cues.transform(texts).toarray().tolist() == [[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]]
    assert cues.get_feature_names_out().tolist() == ["opposition cues", "support cues"]
    turkish = KeywordCueCounts("tr", weight=1.0).fit([])
    assert turkish.transform(["Kiev REJİMİ provokasyon peşinde."]).toarray().tolist() == [
        [0.0, 2 / 3]
    ]
    with pytest.raises(ValueError, match="no keyword cues for language 'de'"):
        KeywordCueCounts("de").fit(["x"])


def test_a_union_with_cue_counts_still_normalises_the_text_once_and_matches_sklearn():
    from sklearn.pipeline import FeatureUnion

    from stance.models import build_features

    texts = ["Russia's aggression must end.", "Kiev rejimi provokasyon.", "Barış görüşmesi."]
    union = build_features("word+char+cues", "tr").fit(texts)
    plain = FeatureUnion(union.transformer_list)
    assert (union.transform(texts) != plain.transform(texts)).nnz == 0
    assert union.transform(texts).shape[1] == plain.transform(texts).shape[1]
