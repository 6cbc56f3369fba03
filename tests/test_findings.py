"""The README's findings are computed from the result tables and stay in sync with them."""

import pytest

from stance import config, findings


@pytest.mark.parametrize(
    ("low", "high", "word"),
    [(0.01, 0.2, "an improvement"), (-0.2, -0.01, "a loss"), (-0.05, 0.05, "a null result")],
)
def test_significance_follows_the_interval(low, high, word):
    assert findings._significance({"low": low, "high": high}) == word


def test_committed_findings_match_the_committed_tables():
    committed = (config.RESULTS_DIR / "findings.md").read_text(encoding="utf-8")
    assert findings.findings_markdown() == committed, "run `make reproduce`"


def test_committed_real_findings_match_the_committed_tables():
    committed = (config.RESULTS_DIR / "real_findings.md").read_text(encoding="utf-8")
    assert findings.real_findings_markdown() == committed, "run `make reproduce`"


def test_real_findings_quote_the_measured_scores():
    import json

    text = findings.real_findings_markdown()
    scores = json.loads((config.RESULTS_DIR / "real_test.json").read_text(encoding="utf-8"))
    for row in scores:
        if row["system"] == "model":
            assert f"scores macro-F1 {row['macro_f1']:.2f}" in text
