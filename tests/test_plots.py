"""Figures (stance.plots): the top-features chart and byte-reproducible files."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from stance import plots
from stance.interpret import chart_features, top_features
from stance.models import build_pipeline

matplotlib.use("Agg")

FEATURES = pd.DataFrame(
    [
        ("opposition", "word: invasion", 1.2),
        ("opposition", "char:  inva", 0.9),
        ("opposition", "char: inva", 0.8),
        ("opposition", "char: nva", 0.7),
        ("opposition", "word: kremlin", 0.6),
        ("opposition", "char: war ", 0.5),
        ("support", "word: peace", 1.0),
        ("support", "char: peac", 0.4),
        ("support", "char: eace", 0.4),
    ],
    columns=["class", "feature", "coefficient"],
)


def tick_labels(fig) -> list[list[str]]:
    return [[tick.get_text() for tick in ax.get_yticklabels()] for ax in fig.axes]


def test_ngram_label_shows_word_boundaries():
    assert plots.ngram_label(" inva", "char") == "\u2423inva"
    assert plots.ngram_label("war ", "char") == "war\u2423"
    assert plots.ngram_label("a\tb", "char") == "a\\tb"
    assert plots.ngram_label("the war", "word") == "the war"


def test_top_feature_bars_split_kinds_and_fold_char_ngrams():
    fig = plots.top_feature_bars(FEATURES, "toy")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "opposition · word n-grams",
        "support · word n-grams",
        "opposition · character n-grams",
        "support · character n-grams",
    ]
    labels = tick_labels(fig)
    assert labels[0] == ["invasion", "kremlin"]
    assert labels[2] == ["\u2423inva", "war\u2423"]  # "inva" and "nva" folded into " inva"
    assert labels[3] == ["peace"]  # equal coefficients, shifted by one: joined
    notes = [text.get_text() for text in fig.axes[2].texts]
    assert notes == ["+2"]
    matplotlib.pyplot.close(fig)


def test_top_feature_bars_without_folding_keeps_every_ngram():
    fig = plots.top_feature_bars(FEATURES, "toy", fold=False)
    assert tick_labels(fig)[2] == ["\u2423inva", "inva", "nva", "war\u2423"]
    assert not fig.axes[2].texts
    matplotlib.pyplot.close(fig)


def test_top_feature_bars_caps_bars_per_panel():
    fig = plots.top_feature_bars(FEATURES, "toy", n=1)
    assert [len(labels) for labels in tick_labels(fig)] == [1, 1, 1, 1]
    matplotlib.pyplot.close(fig)


def test_word_only_features_get_one_row_of_panels():
    words = FEATURES[FEATURES["feature"].str.startswith("word")]
    fig = plots.top_feature_bars(words, "toy")
    assert [ax.get_title() for ax in fig.axes] == [
        "opposition · word n-grams",
        "support · word n-grams",
    ]
    matplotlib.pyplot.close(fig)


@pytest.fixture(scope="module")
def fitted():
    texts = [
        "they condemn the invasion",
        "we welcome peace talks",
        "an invasion again",
        "peace and talks",
        "the invasion is condemned",
        "talks bring peace",
    ] * 3
    labels = ["opposition", "support"] * 9
    return build_pipeline("word+char", classifier__C=10.0).fit(texts, labels)


@pytest.mark.parametrize(
    "make", [lambda p: chart_features(p, n=6), lambda p: top_features(p, n=12)]
)
def test_top_feature_chart_is_byte_reproducible(fitted, make, tmp_path):
    written = []
    for run in ("first", "second"):
        fig = plots.top_feature_bars(make(fitted), "Top features · toy")
        (tmp_path / run).mkdir()
        written.append(plots.save_figure(fig, "top_features", directory=tmp_path / run)[0])
        matplotlib.pyplot.close(fig)
    first, second = (path.read_bytes() for path in written)
    assert first.startswith(b"\x89PNG") and first == second
    assert b"Software" not in first and b"matplotlib" not in first


def _votes_table() -> pd.DataFrame:
    votes = ["yes"] * 6 + ["no"] * 2 + ["abstain"] * 3
    return pd.DataFrame(
        {
            "panel": ["A/RES/X · session 77"] * 11 + ["A/RES/Y · session 78"] * 11,
            "vote": votes * 2,
            "net_stance": [-0.5, -0.2, 0.0, 0.0, -1.0, -0.3, 0.5, 0.2, 0.0, 0.0, -0.1] * 2,
        }
    )


def test_net_stance_by_vote_names_each_group_with_its_count_and_has_no_legend(tmp_path):
    fig = plots.net_stance_by_vote(_votes_table(), "title")
    axes = fig.axes
    assert len(axes) == 2
    labels = [tick.get_text() for tick in axes[0].get_xticklabels()]
    assert labels == ["yes\n(6)", "abstain\n(3)", "no\n(2)"]
    assert all(ax.get_legend() is None for ax in axes)
    assert axes[0].get_ylim() == axes[1].get_ylim()
    first = plots.save_figure(fig, "votes", tmp_path, formats=("png",))[0].read_bytes()
    again = plots.net_stance_by_vote(_votes_table(), "title")
    assert plots.save_figure(again, "votes", tmp_path, formats=("png",))[0].read_bytes() == first


def test_stance_trends_draws_one_panel_per_state_with_counts():
    rows = pd.DataFrame(
        {
            "iso3": ["AAA"] * 3 + ["BBB"] * 3 + ["CCC"] * 3,
            "year": [2014, 2015, 2016] * 3,
            "net_stance": [-0.5, 0.0, 0.5] * 3,
            "net_stance_low": [-1.0, -0.5, 0.0] * 3,
            "net_stance_high": [0.0, 0.5, 1.0] * 3,
            "sentences": [2, 4, 6] * 3,
        }
    )
    fig = plots.stance_trends(rows, "title")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["AAA", "BBB", "CCC"]
    assert {text.get_text() for text in visible[0].texts} == {"2", "4", "6"}
