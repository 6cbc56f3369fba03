"""The code stays ruff clean (what ``make lint`` checks), so that ``make test`` and CI catch a
style slip as well."""

import subprocess
import sys

import pytest

from stance import config


@pytest.mark.parametrize(
    "command",
    [
        ["check", "src", "tests", "notebooks", "benchmarks"],
        ["format", "--check", "src", "tests", "benchmarks"],
    ],
    ids=["lint", "format"],
)
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
