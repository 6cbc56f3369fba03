"""Static checks of the committed notebooks (nbval re-runs them; these catch what it cannot)."""

import json

import jupytext
import pytest
from jupytext.config import load_jupytext_config

from stance import config
from stance.reproduce import pipeline_notebooks

NOTEBOOKS = pipeline_notebooks()
PAIRED = [*NOTEBOOKS, NOTEBOOKS[0].parent / "adapt_template.ipynb"]


def test_pipeline_notebooks_are_numbered_and_contiguous():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", PAIRED, ids=lambda p: p.name)
def test_notebook_is_paired_with_its_py_percent_script_and_in_sync(path):
    script = path.parent / "py" / f"{path.stem}.py"  # jupytext.toml: formats ipynb,py//py:percent
    assert script.exists(), f"py/{script.name} missing: run `jupytext --sync {path.name}`"
    from_script = jupytext.read(script)
    from_notebook = jupytext.read(path)
    assert [(c.cell_type, c.source) for c in from_script.cells] == [
        (c.cell_type, c.source) for c in from_notebook.cells
    ], f"{path.name} and {script.name} differ: run `jupytext --sync {path.name}`"
    # What JupyterLab's jupytext writes on a plain save is what is committed (no version header)
    saved = jupytext.writes(from_notebook, "py:percent", config=load_jupytext_config(str(path)))
    assert script.read_text(encoding="utf-8") == saved, (
        f"saving {path.name} would rewrite {script.name}: run `jupytext --sync {path.name}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed_in_order_with_a_standard_kernel(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"])]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "run it with `make reproduce`"
    outputs = json.dumps([c.get("outputs", []) for c in code])
    assert str(config.PROJECT_ROOT) not in outputs, "an absolute path in an output breaks nbval"
    assert "Traceback" not in outputs and '"output_type": "error"' not in outputs
