"""The README's findings are computed from the result tables and stay in sync with them."""

import pytest

from stance import config, findings


@pytest.mark.parametrize(("low", "high", "word"), [(0.01, 0.2, "an improvement"),
                                                    (-0.2, -0.01, "a loss"),
                                                    (-0.05, 0.05, "a null result")])
def test_significance_follows_the_interval(low, high, word):
    assert findings._significance({"low": low, "high": high}) == word


def test_committed_findings_match_the_committed_tables():
    committed = (config.RESULTS_DIR / "findings.md").read_text(encoding="utf-8")
    assert findings.findings_markdown() == committed, "run `make reproduce`"
