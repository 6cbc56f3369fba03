"""Model cards: the sections the field expects, scores from the tables, byte-stable."""

import pandas as pd

from stance import model_cards, models
from stance.evaluate import SCORE_COLUMNS

SCORES = pd.DataFrame(
    [
        # kind, n, system, macro_f1 (low, high), f_avg (low, high), accuracy
        ["tweet (tr)", 300, "model", 0.44, 0.40, 0.48, 0.22, 0.16, 0.28, 0.8],
        ["tweet (tr)", 300, "constructed-only model", 0.39, 0.35, 0.44, 0.28, 0.2, 0.3, 0.5],
        ["tweet (tr)", 300, "keyword rule", 0.49, 0.41, 0.6, 0.3, 0.18, 0.46, 0.8],
        ["news (tr)", 100, "model", 0.55, 0.5, 0.6, 0.1, 0.0, 0.2, 0.9],
        ["news (tr)", 100, "keyword rule", 0.33, 0.3, 0.35, 0.0, 0.0, 0.0, 0.95],
        ["speech (tr, translated)", 500, "model", 0.71, 0.6, 0.8, 0.6, 0.5, 0.7, 0.9],
        ["speech (tr, translated)", 500, "majority class", 0.3, 0.3, 0.3, 0.0, 0.0, 0.0, 0.9],
    ],
    columns=["kind", "n", "system", *SCORE_COLUMNS],
).assign(label="ukraine_operation")


def _card() -> str:
    estimator = models.build_pipeline("word", "tr", classifier__C=1.0).fit(
        ["savaş kötü", "barış iyi", "destek veriyoruz"], ["opposition", "neutral", "support"]
    )
    composition = pd.DataFrame(
        {"part": ["tweet (tr)", "constructed statements (tr)"], "texts": [9, 3], "weight": [1, 0.3]}
    )
    selection = {"selected_by": "f_avg", "cv_score": 0.2, "C": "10.0", "class_weight": "balanced"}
    return model_cards.model_card_markdown(
        estimator, "ukraine_operation", "tr", "tweets + constructed", composition, selection, SCORES
    )


def test_card_has_the_sections_and_says_where_not_to_trust_the_model():
    card = _card()
    assert card.startswith("---\nlanguage:\n- tr\nlibrary_name: sklearn\n")
    for section in (
        "# Model description",
        "# Intended uses & limitations",
        "# Training data",
        "# Evaluation",
        "# Where it must not be trusted",
    ):
        assert section in card
    assert "0.440 [0.400, 0.480]" in card  # the model's tweet score, with its interval
    untrusted = card.split("# Where it must not be trusted")[1]
    assert "**tweet (tr)**: macro-F1 0.44, not above the keyword rule (0.49)" in untrusted
    assert "**news (tr)**: macro-F1 0.55" in untrusted  # above the baseline, below 0.6
    assert "speech (tr, translated)" not in untrusted
    assert "tweets + constructed" in card and "| constructed statements (tr) | 3 |" in card


def test_card_is_byte_stable(tmp_path):
    first = model_cards.write_model_card(_card(), "ukraine_operation", "tr", tmp_path)
    data = first.read_bytes()
    second = model_cards.write_model_card(_card(), "ukraine_operation", "tr", tmp_path)
    assert second == tmp_path / "ukraine_operation_tr.md" and second.read_bytes() == data
