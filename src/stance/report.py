"""A static HTML report of the executed notebooks, for reviewers without Jupyter.

``make report`` writes ``report/index.html`` (one link per notebook, with its title and first
paragraph) and one HTML page per notebook with its figures inline. Nothing is executed: the
pages show the outputs that are committed (and that nbval re-checks).
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

from stance import config
from stance.io import atomic_write_text
from stance.reproduce import pipeline_notebooks

REPORT_DIR = config.PROJECT_ROOT / "report"


def notebook_summary(path: Path) -> tuple[str, str]:
    """The title (first heading) and first prose line of a notebook's first Markdown cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            lines = [line.strip() for line in "".join(cell["source"]).splitlines()]
            title = next((line.lstrip("# ") for line in lines if line.startswith("#")), path.stem)
            prose = next((line for line in lines if line and not line.startswith("#")), "")
            return title, prose.replace("**", "")
    return path.stem, ""


def build_report(notebooks: list[Path], out_dir: Path = REPORT_DIR) -> Path:
    """Render ``notebooks`` to HTML pages in ``out_dir`` and write an index page linking them."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    items = []
    for path in notebooks:
        body, _ = exporter.from_filename(str(path))
        atomic_write_text(out_dir / f"{path.stem}.html", body)
        title, prose = notebook_summary(path)
        items.append(f'<li><a href="{path.stem}.html">{html.escape(title)}</a>'
                     f"<br><small>{html.escape(prose)}</small></li>")
    index = "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Stance and sentiment: executed notebooks</title>",
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
        "li{margin-bottom:1em}</style></head><body>",
        "<h1>Stance and sentiment toward Russia's foreign policy and the war in Ukraine</h1>",
        "<p>The project's notebooks as executed by <code>make reproduce</code>, figures inline. "
        "Open them in order.</p>", "<ol>", *items, "</ol>", "</body></html>", ""])
    atomic_write_text(out_dir / "index.html", index)
    return out_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m stance.report [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m stance.report",
                                     description="Render the executed notebooks to static HTML.")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="output folder")
    args = parser.parse_args(argv)
    index = build_report(pipeline_notebooks(), args.out)
    print(f"Report written: open {index} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
