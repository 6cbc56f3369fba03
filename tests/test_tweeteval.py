"""The TweetEval stance benchmark through ``stance benchmark tweeteval``, on a tiny fixture.

``tests/fixtures/tweeteval`` has TweetEval's layout with made-up tweets (cue words make the
classes separable, a few test items are deliberately hard), so the run is quick and the score
is above chance but not perfect, which lets the pooled official score be checked for real.

With ``STANCE_TWEETEVAL`` naming a local copy of TweetEval's ``datasets/stance`` folder, one
more test re-runs the real benchmark (about a minute and a half on two cores) and checks that
it reproduces ``results/tweeteval.json`` and ``results/tweeteval.md`` byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer

from stance import evaluate, model_selection, tweet_models, tweeteval
from stance.cli import main
from tests.helpers import assert_one_line_error, run

FIXTURE = Path(__file__).parent / "fixtures" / "tweeteval"
RESULTS = Path(__file__).resolve().parents[1] / "results"


def fixture_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "tweeteval"))


@pytest.fixture(scope="module")
def benchmark_json() -> dict:
    """The JSON of one run over all five targets of the fixture (in process, run once)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["benchmark", "tweeteval", "--path", str(FIXTURE), "--json"]) == 0
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    return json.loads(lines[0])


def test_scores_per_target(benchmark_json: dict) -> None:
    per_target = benchmark_json["per_target"]
    assert list(per_target) == list(tweeteval.TARGETS)
    for scores in per_target.values():
        assert {
            "f_avg",
            "macro_f1",
            "cv_score",
            "selection_metric",
            "features",
            "n_train",
            "n_test",
        } <= set(scores)
        assert scores["n_train"] == 24 and scores["n_test"] == 12  # train + val, then test
        assert scores["f_avg"] > 0.5


def test_official_score_is_f_avg_of_the_pooled_predictions(benchmark_json: dict) -> None:
    gold, predicted = [], []
    for target in tweeteval.TARGETS:
        ids = (FIXTURE / target / "test_labels.txt").read_text().split()
        gold += [tweeteval.LABELS[int(i)] for i in ids]
        predicted += benchmark_json["predictions"][target]
    official = evaluate.f_avg(gold, predicted, ("favor", "against"))
    assert benchmark_json["official_f_avg"] == round(official, 4)
    assert benchmark_json["official_f_avg_percent"] == round(100 * official, 2)
    interval = benchmark_json["official_f_avg_interval_percent"]
    expected = evaluate.bootstrap_ci(gold, predicted, "f_avg")
    assert (interval["low"], interval["high"]) == (
        round(100 * expected["low"], 2),
        round(100 * expected["high"], 2),
    )
    assert interval["low"] <= benchmark_json["official_f_avg_percent"] <= interval["high"]
    assert 0.5 < official < 1  # above chance, and the deliberately hard items cost something
    # pooling is not averaging the targets' scores
    mean_of_targets = sum(s["f_avg"] for s in benchmark_json["per_target"].values()) / 5
    assert round(official, 4) != round(mean_of_targets, 4)
    assert benchmark_json["pooled"]["n"] == 60


def test_published_baselines_are_reported_as_published(benchmark_json: dict) -> None:
    published = {b["system"]: b for b in benchmark_json["published_baselines"]}
    assert published["TimeLMs-2021"]["f_avg_percent"] == 72.9
    assert published["BERTweet"]["f_avg_percent"] == 71.2
    assert published["MITRE, best team (SemEval-2016)"]["f_avg_percent"] == 67.82
    assert published["Majority class (SemEval-2016)"]["f_avg_percent"] == 65.22
    assert all(b["source"] for b in published.values())
    assert "not re-measured" in benchmark_json["published_baselines_note"]


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "benchmark", "tweeteval", "--path", FIXTURE, "--targets", "abortion")
    assert code == 0
    assert "abortion" in out and "atheism" not in out.split("Official")[0]
    assert "Official score (F_avg, test items of all targets pooled):" in out
    assert "NOT re-measured" in out and "TimeLMs-2021" in out and "72.90" in out


def test_missing_target_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_copy(tmp_path)
    shutil.rmtree(root / "climate")
    code, out, err = run(capsys, "benchmark", "tweeteval", "--path", root, "--json")
    assert_one_line_error(code, err, "climate")
    assert out == ""


def test_labels_and_texts_must_have_as_many_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = fixture_copy(tmp_path)
    labels = root / "hillary" / "val_labels.txt"
    labels.write_text("".join(labels.read_text().splitlines(keepends=True)[:-1]))
    code, _, err = run(capsys, "benchmark", "tweeteval", "--path", root)
    assert_one_line_error(code, err, "hillary/val_labels.txt")
    assert "11 labels for 12 texts" in err


def test_unknown_label_id_and_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = fixture_copy(tmp_path)
    (root / "atheism" / "train_labels.txt").write_text("0\n1\n3\n" + "2\n" * 9)
    code, _, err = run(capsys, "benchmark", "tweeteval", "--path", root)
    assert_one_line_error(code, err, "atheism/train_labels.txt: line 3")
    code, _, err = run(
        capsys, "benchmark", "tweeteval", "--path", root, "--targets", "abortion,brexit"
    )
    assert_one_line_error(code, err, "'brexit'")


def _as_hub(items: pd.DataFrame) -> dict[str, datasets.DatasetDict]:
    """The hub's form of the items: one DatasetDict per target, ClassLabel label ids."""
    features = datasets.Features(
        {
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(tweeteval.LABELS)),
        }
    )
    hub_names = {local: hub for hub, local in tweeteval.HUB_SPLITS.items()}
    return {
        target: datasets.DatasetDict(
            {
                hub_names[split]: datasets.Dataset.from_dict(
                    {
                        "text": part["text"].tolist(),
                        "label": [tweeteval.LABELS.index(label) for label in part["label"]],
                    },
                    features=features,
                )
                for split, part in rows.groupby("split", sort=False)
            }
        )
        for target, rows in items.groupby("target", sort=False)
    }


def test_hub_conversion_gives_the_same_table_as_the_files() -> None:
    items = tweeteval.load_tweeteval_dir(FIXTURE)
    assert list(items.columns) == list(tweeteval.ITEM_COLUMNS) and len(items) == 5 * 36
    pd.testing.assert_frame_equal(tweeteval.tweeteval_from_hub(_as_hub(items)), items)


def test_hub_conversion_checks_label_names() -> None:
    items = tweeteval.load_tweeteval_dir(FIXTURE, ["abortion"])
    hub = _as_hub(items)
    hub["abortion"]["test"] = hub["abortion"]["test"].cast_column(
        "label", datasets.ClassLabel(names=["none", "favor", "against"])
    )
    with pytest.raises(tweeteval.InputError, match="stance_abortion: label names"):
        tweeteval.tweeteval_from_hub(hub)


# --- the model -------------------------------------------------------------------------------


def test_tweet_normalisation() -> None:
    assert tweet_models.segment_hashtag("HillaryForPrison") == "Hillary For Prison"
    assert tweet_models.segment_hashtag("StopHillary2016") == "Stop Hillary 2016"
    assert tweet_models.segment_hashtag("SCOTUSMarriage") == "SCOTUS Marriage"
    assert tweet_models.segment_hashtag("prolife") == "prolife"
    text = "RT @Someone: #HillaryForPrison  is #prolife http://t.co/x #SemST "
    assert tweet_models.normalize_tweet(text) == (
        "rt @user: #hillaryforprison hillary for prison is #prolife http"
    )
    assert tweet_models.normalize_tweet(text, lowercase=False, segment_hashtags=False) == (
        "RT @user: #HillaryForPrison is #prolife http"
    )
    normalizer = tweet_models.TweetNormalizer()
    assert normalizer("#SemST") == "" and normalizer == tweet_models.TweetNormalizer()
    assert hash(normalizer) == hash(tweet_models.TweetNormalizer())
    assert normalizer != tweet_models.TweetNormalizer(lowercase=False)


def test_target_augmented_features() -> None:
    X = pd.DataFrame({"target": ["a", "b", "a"], "text": ["x y", "y z", "z"]})
    step = tweet_models.TargetAugmentedFeatures(
        CountVectorizer(token_pattern=r"\w+"), shared_weight=0.5
    ).fit(X)
    matrix = step.transform(X).toarray()
    base = CountVectorizer(token_pattern=r"\w+").fit_transform(X["text"]).toarray()  # x, y, z
    assert matrix.shape == (3, 3 * 3)
    np.testing.assert_array_equal(matrix[:, :3], 0.5 * base)  # shared block
    np.testing.assert_array_equal(matrix[:, 3:6], base * [[1], [0], [1]])  # target a's block
    np.testing.assert_array_equal(matrix[:, 6:], base * [[0], [1], [0]])  # target b's block
    assert list(step.get_feature_names_out()[[0, 3, 8]]) == ["shared__x", "a__x", "b__z"]
    unseen = step.transform([["c", "x"]])  # rows of (target, text); unseen target: shared only
    assert sparse.issparse(unseen) and unseen.toarray().tolist() == [[0.5, 0, 0] + [0] * 6]
    with pytest.raises(ValueError, match="target and text"):
        step.transform(pd.DataFrame({"text": ["x"]}))


def test_class_weights_are_balanced_within_each_target() -> None:
    targets = ["a"] * 4 + ["b"] * 3
    labels = ["none", "favor", "favor", "favor", "against", "favor", "favor"]
    weights = tweet_models.target_balanced_weights(targets, labels)
    np.testing.assert_allclose(weights, [2, 2 / 3, 2 / 3, 2 / 3, 1.5, 0.75, 0.75])
    totals = pd.Series(weights).groupby([targets, labels]).sum().round(9)
    assert (totals.groupby(level=0).nunique() == 1).all()  # each class of a target weighs alike


def test_classifier_follows_scikit_learn_conventions() -> None:
    items = tweeteval.load_tweeteval_dir(FIXTURE, ["abortion", "hillary"])
    train, test = items[items["split"] != "test"], items[items["split"] == "test"]
    model = tweet_models.TweetStanceClassifier(C=1.0, sentiment_weight=0.3)
    assert clone(model).get_params() == model.get_params()
    assert model.set_params(C=3.0).C == 3.0
    model.fit(train[["target", "text"]], train["label"])
    assert list(model.classes_) == ["against", "favor", "none"]
    proba = model.predict_proba(test[["target", "text"]])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    rows = test[["target", "text"]].to_numpy()  # rows of (target, text) work as well
    assert model.predict(rows).tolist() == model.classes_[proba.argmax(axis=1)].tolist()
    assert tweet_models.describe(model) == "char2-5+vader"
    with_words = (
        clone(model).set_params(word_weight=0.5).fit(train[["target", "text"]], train["label"])
    )
    union = with_words.pipeline_.named_steps["features"].features_
    assert [name for name, _ in union.transformer_list] == ["char", "word", "sentiment"]
    assert union.transformer_weights["word"] == 0.5
    assert tweet_models.describe(with_words) == "char2-5+word1-2+vader"
    vectorizer_settings = {
        "word_ngram_range": (1, 1),
        "min_df": 2,
        "max_df": 0.5,
        "sublinear_tf": False,
    }
    narrower = clone(with_words).set_params(**vectorizer_settings)
    narrower.fit(train[["target", "text"]], train["label"])
    narrow_union = narrower.pipeline_.named_steps["features"].features_
    for name in ("char", "word"):
        vectorizer = narrow_union.named_transformers[name]
        assert (vectorizer.min_df, vectorizer.max_df, vectorizer.sublinear_tf) == (2, 0.5, False)
        assert len(vectorizer.vocabulary_) < len(union.named_transformers[name].vocabulary_)
    words = narrow_union.named_transformers["word"].get_feature_names_out()
    assert not any(" " in word for word in words)  # unigrams only
    assert tweet_models.describe(narrower) == "char2-5+word1-1+vader"
    with pytest.raises(ValueError, match="class_weight"):
        clone(model).set_params(class_weight="per_class").fit(
            train[["target", "text"]], train["label"]
        )


def test_selection_is_deterministic_and_independent_of_n_jobs() -> None:
    items = tweeteval.load_tweeteval_dir(FIXTURE, ["atheism", "climate"])
    train = items[items["split"] != "test"]
    grid = {"C": [1.0, 10.0], "sentiment_weight": [0.0, 0.3]}
    one, two = (
        tweet_models.select_tweet_model(
            train[["target", "text"]], train["label"], grid, n_jobs=n_jobs
        )
        for n_jobs in (1, 2)
    )
    pd.testing.assert_frame_equal(one.cv_results, two.cv_results)
    assert one.best_params == two.best_params and one.cv_score == two.cv_score
    assert one.oof_predictions.tolist() == two.oof_predictions.tolist()
    assert len(one.cv_results) == 4 and one.n_splits == 5 and one.metric == "f_avg"
    assert one.cv_score == one.cv_results["cv_f_avg"].max()


def test_near_duplicates_form_one_group_and_others_stay_alone() -> None:
    texts = [
        "RT @user Hillary is a liar and a crook #SemST",  # 0 ┐ the same tweet, retweeted
        "Hillary is a liar and a crook!! #SemST",  # 1 ┘
        "God is love, pray every day #SemST",  # 2 alone
        "Climate change is the crisis of our time #SemST",  # 3 ┐ a chain: 3 ~ 4 ~ 5
        "Climate change is the crisis of our time, act now #SemST",  # 4 │
        "Climate change is the crisis of our time, act now please #SemST",  # 5 ┘
    ]
    groups = tweet_models.near_duplicate_groups(texts)
    assert groups[0] == groups[1] and groups[3] == groups[4] == groups[5]
    assert len({groups[0], groups[2], groups[3]}) == 3
    assert len(set(tweet_models.near_duplicate_groups(texts, threshold=1.0))) == 6
    with pytest.raises(ValueError, match="threshold"):
        tweet_models.near_duplicate_groups(texts, threshold=0.0)


def test_cv_folds_keep_near_duplicates_together_and_stratify() -> None:
    items = tweeteval.load_tweeteval_dir(FIXTURE)
    train = items[items["split"] != "test"].reset_index(drop=True)
    copies = train.iloc[::7].assign(text=lambda frame: "RT @user " + frame["text"])
    train = pd.concat([train, copies], ignore_index=True)
    args = (train["target"].tolist(), train["text"].tolist(), train["label"].tolist())
    groups = tweet_models.near_duplicate_groups(train["text"].tolist())
    folds = tweet_models.tweet_cv_folds(*args)
    assert len(folds) == 5
    fold_of = np.empty(len(train), dtype=int)
    for number, (_, validation) in enumerate(folds):
        fold_of[validation] = number
    assert pd.Series(fold_of).groupby(groups).nunique().max() == 1
    free = tweet_models.tweet_cv_folds(*args, near_duplicate_cosine=None)
    assert [v.tolist() for _, v in free] != [v.tolist() for _, v in folds]
    with pytest.raises(model_selection.TrainingDataError, match="labels"):
        tweet_models.tweet_cv_folds(args[0], args[1], args[2][:-1])


# --- result files and the published baselines ------------------------------------------------


@pytest.fixture(scope="module")
def fixture_result() -> tweeteval.TweetEvalResult:
    return tweeteval.run_tweeteval(tweeteval.load_tweeteval_dir(FIXTURE), n_jobs=1)


def test_published_footnotes_attach_to_their_own_rows() -> None:
    lines = tweeteval.published_baselines_lines()
    rows = {line.split("  ")[1]: line for line in lines if not line.lstrip().startswith("[")}
    notes = {
        line.split("] ", 1)[1]: line.split("]")[0].strip() + "]"
        for line in lines
        if line.lstrip().startswith("[")
    }
    note = notes["mean of 3 runs"]
    assert rows["RoBERTa-base (TweetEval)"].endswith(note)
    for system in ("SVM (TweetEval)", "FastText (TweetEval)", "RoBERTa-retrained (TweetEval)"):
        assert note not in rows[system]
        assert rows[system].endswith(notes[tweeteval._TWEETEVAL_PAPER])
    assert "mean of 3 runs" not in tweeteval._TWEETEVAL_PAPER
    semeval = notes[tweeteval._SEMEVAL_2016]
    assert rows["SVM word + char n-grams (SemEval-2016 organisers)"].endswith(semeval)
    assert len(notes) == 4  # three sources and one note, each listed once


def test_result_files_are_deterministic(
    fixture_result: tweeteval.TweetEvalResult, tmp_path: Path
) -> None:
    written = tweeteval.write_tweeteval_results(fixture_result, tmp_path / "a")
    json_path, md_path, summary_path = written
    again = tweeteval.write_tweeteval_results(fixture_result, tmp_path / "b")
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]
    summary = summary_path.read_text(encoding="utf-8").splitlines()
    assert summary[0] == "| system | F_avg | source |"
    assert len(summary) == 2 + 1 + len(tweeteval.PUBLISHED_BASELINES)
    ranked = [float(line.split(" | ")[1].strip("*").split("*")[0]) for line in summary[2:]]
    assert ranked == sorted(ranked, reverse=True)
    assert sum("this project" in line for line in summary) == 1
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(fixture_result.to_json()))
    assert data["selection"]["chosen"] == {
        key: data["selection"]["configuration"][key] for key in tweet_models.PARAM_GRID
    }
    assert len(data["selection"]["candidates"]) == len(tweet_models.candidates())
    for row in data["per_target"].values():
        assert row["configuration"] == data["selection"]["configuration"]
    assert all(row["source"] for row in data["published_baselines"])
    markdown = md_path.read_text(encoding="utf-8")
    assert f"**{data['official_f_avg_percent']:.2f}**" in markdown
    for target, row in data["per_target"].items():
        assert f"| {target} | {row['n_train']} | {row['n_test']} |" in markdown
    roberta = next(line for line in markdown.splitlines() if line.startswith("| RoBERTa-base"))
    svm = next(line for line in markdown.splitlines() if line.startswith("| SVM (TweetEval)"))
    assert roberta.endswith("| [1], [2] |") and svm.endswith("| [1] |")
    assert "[2] mean of 3 runs" in markdown
    assert "Mohammad et al. 2016" in markdown and "Barbieri et al. 2020" in markdown


def test_real_benchmark_reproduces_the_committed_results(tmp_path: Path) -> None:
    """The full benchmark on the real data gives exactly the committed result files."""
    folder = tweeteval.tweeteval_dir_from_env()
    if folder is None:
        pytest.skip(
            "STANCE_TWEETEVAL is not set to an existing TweetEval stance folder; "
            "the real benchmark was not re-run"
        )
    committed = [
        RESULTS / name for name in ("tweeteval.json", "tweeteval.md", "tweeteval_summary.md")
    ]
    if not all(path.is_file() for path in committed):
        pytest.skip("a results/tweeteval* file is missing: nothing to reproduce")
    result = tweeteval.run_tweeteval(tweeteval.load_tweeteval_dir(folder))
    written = tweeteval.write_tweeteval_results(result, tmp_path)
    for new, old in zip(written, committed, strict=True):
        assert new.read_text(encoding="utf-8") == old.read_text(encoding="utf-8"), old.name


def test_cli_writes_the_results_files_when_asked(tmp_path: Path) -> None:
    fixture = FIXTURE
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stance",
            "benchmark",
            "tweeteval",
            "--path",
            str(fixture),
            "--results-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "tweeteval.json",
        "tweeteval.md",
        "tweeteval_summary.md",
    ]
    partial = subprocess.run(
        [
            sys.executable,
            "-m",
            "stance",
            "benchmark",
            "tweeteval",
            "--path",
            str(fixture),
            "--targets",
            "abortion",
            "--results-dir",
            str(tmp_path / "partial"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert partial.returncode == 2 and "need all five targets" in partial.stderr
    assert not (tmp_path / "partial").exists()
