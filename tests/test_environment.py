"""The environment is pinned in one place (requirements.txt) and environment.yml agrees; the
Makefile sets it up again when its stamp was made for another checkout."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stance import config

ROOT = config.PROJECT_ROOT
REQUIREMENTS = config.PROJECT_ROOT / "requirements.txt"
ENVIRONMENT = config.PROJECT_ROOT / "environment.yml"


def _pins(text: str) -> dict[str, str]:
    pins = re.findall(r"^[\s-]*([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", text, re.MULTILINE)
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_every_requirement_is_pinned_exactly():
    lines = [line.strip() for line in REQUIREMENTS.read_text().splitlines()]
    packages = [line for line in lines if line and not line.startswith("#")]
    assert packages and all("==" in line for line in packages)


def test_environment_yml_pins_match_requirements():
    requirements = _pins(REQUIREMENTS.read_text())
    environment = _pins(ENVIRONMENT.read_text())
    assert len(environment) >= 10
    mismatched = {
        name: (version, requirements.get(name))
        for name, version in environment.items()
        if requirements.get(name) != version
    }
    assert mismatched == {}


def test_environment_yml_python_matches_project_minimum():
    pyproject = (config.PROJECT_ROOT / "pyproject.toml").read_text()
    minimum = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject).group(1)
    assert f"python={minimum}" in ENVIRONMENT.read_text()


def _setup_plan(folder: Path, stamp: str) -> str:
    """What ``make -n setup`` would run in a copy of the Makefile whose stamp holds ``stamp``."""
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    for name in ("requirements.txt", "pyproject.toml"):
        (folder / name).write_text("")
    (folder / ".venv").mkdir(exist_ok=True)
    (folder / ".venv" / ".installed").write_text(stamp + "\n")
    done = subprocess.run(
        ["make", "-n", "setup"], cwd=folder, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_venv_stamped_for_another_checkout_is_set_up_again(tmp_path: Path) -> None:
    assert "-m venv" in _setup_plan(tmp_path, "/another/checkout")
    assert "-m venv" not in _setup_plan(tmp_path, str(tmp_path))
