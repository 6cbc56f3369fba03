"""A static HTML site of the executed notebooks, for reviewers without Jupyter.

``stance report`` (``make report``) writes ``report/``:

- ``index.html``: the headline results (tables read from the committed files in ``results/``,
  the key figures, copied into ``report/figures/``), then one entry per notebook with its title
  and the first paragraph of its introduction;
- one page per notebook, outputs and figures inline, with links to the index and to the
  previous and next notebook at the top and the bottom.

Nothing is executed: the pages show the committed outputs (which nbval re-checks). The site is
self-contained: no page loads anything from the network (nbconvert's require.js, MathJax and
mermaid loaders are left out; the notebooks use no equations or widgets), so it reads offline
and can be copied anywhere as one folder. Building it twice writes the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from stance import config
from stance.io import atomic_write, atomic_write_text

SITE_TITLE = "Stance and sentiment toward Russia's foreign policy and the war in Ukraine"


@dataclass(frozen=True)
class Headline:
    """One block of the index's headline: a result table (Markdown) or a figure (PNG)."""

    path: str  # relative to the project root: results/*.md or figures/*.png
    caption: str  # Markdown, one or more whole sentences
    notebook: str = ""  # two-digit prefix of the notebook that writes it, linked if built
    heading: str = ""  # a sub-heading above the block


#: The headline of the index: the blocks of the README's "Results on real statements".
HEADLINE = (
    Headline(
        "results/real_test_headline.md",
        "The shipped English and Turkish models scored **once** on the real test split: "
        "macro-F1 per kind of text with 95% bootstrap intervals over texts, beside the best "
        "baseline on the same texts. Stance models are selected by F_avg (mean F1 of "
        "*support* and *opposition*), sentiment by macro-F1.",
        "07",
        "Real text: the test split",
    ),
    Headline(
        "results/real_test_summary.md",
        "Pooled per language (English statements and tweets; Turkish tweets and news), every "
        "system, macro-F1 and F_avg with 95% intervals.",
        "07",
    ),
    Headline("figures/07_real_test_scores.png", "Scores on the real test split.", "07"),
    Headline(
        "results/real_findings.md",
        "Written by `stance.findings` from the result tables of notebooks 07 and 08.",
        heading="The findings",
    ),
    Headline(
        "results/vote_auc.md",
        "ROC AUC of a speech's net stance (share of sentences read as support − share read "
        "as opposition) for states that voted yes against those that voted no or "
        "abstained.",
        "08",
        "Speeches and UN votes",
    ),
    Headline("figures/08_net_stance_by_vote.png", "Net stance of the speeches by vote.", "08"),
)

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]*_]*(?=\s|$)")  # closing quotes, brackets, bold

# The notebook pages: JupyterLab's look (nbconvert's "lab" template) without the scripts it
# loads from a CDN (require.js, MathJax, mermaid, widgets), plus the navigation links.
_PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">{{ resources.stance_css | safe }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.stance_nav | safe }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.stance_nav | safe }}
{{ super() }}
{%- endblock body_footer -%}
"""

_NAV_CSS = (
    ".stance-nav{display:flex;justify-content:space-between;gap:1em;margin:1em 0;"
    "padding:.5em 1em;border:1px solid #ddd;border-radius:4px;background:#f7f7f7;"
    "font-family:var(--jp-ui-font-family,sans-serif);font-size:14px}"
    ".stance-nav a{text-decoration:none;color:#1565c0}"
    ".stance-nav a:hover{text-decoration:underline}"
    ".stance-nav span{flex:1}.stance-nav .stance-index{text-align:center}"
    ".stance-nav .stance-next{text-align:right}"
)

_INDEX_CSS = (
    "body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:60em;"
    "margin:2em auto;padding:0 1em;line-height:1.5;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin-top:1.5em}"
    "code{font-size:.9em;background:#f3f3f3;padding:0 .2em;border-radius:3px}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1em}"
    "th,td{border:1px solid #ddd;padding:.2em .5em}th{background:#f3f3f3}"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto}"
    "figcaption,.caption{color:#555;font-size:.95em}"
    "ol.notebooks>li{margin-bottom:1em}ol.notebooks>li>a{font-weight:bold}"
    "ol.notebooks p{margin:.2em 0}footer{margin-top:3em;color:#666;font-size:.9em}"
)


def _markdown(text: str) -> str:
    """Markdown as HTML (tables included); HTML inside the Markdown is escaped, not passed on."""
    import mistune  # nbconvert's Markdown renderer

    return mistune.create_markdown(escape=True, plugins=["table"])(text).strip()


def _inline_markdown(text: str) -> str:
    """One line of Markdown as inline HTML (no surrounding paragraph)."""
    rendered = _markdown(text)
    return rendered[3:-4] if rendered.startswith("<p>") and rendered.endswith("</p>") else rendered


def _whole_sentences(paragraph: str) -> str:
    """``paragraph`` if it ends a sentence, else up to its last sentence end (when that cut
    leaves no bold or code span open)."""
    ends = list(_SENTENCE_END.finditer(paragraph))
    if not ends or ends[-1].end() == len(paragraph):
        return paragraph
    for match in reversed(ends):
        cut = paragraph[: match.end()]
        if cut.count("**") % 2 == 0 and cut.count("`") % 2 == 0 and len(cut) > 2:
            return cut
    return paragraph


def notebook_summary(path: Path) -> tuple[str, str]:
    """The title (first heading) and the first paragraph (Markdown, cut to whole sentences) of
    a notebook's first Markdown cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        lines = [line.strip() for line in "".join(cell["source"]).splitlines()]
        title = next(
            (line.lstrip("#").strip() for line in lines if line.startswith("#")), path.stem
        )
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("#") or not line:
                if paragraph:
                    break
                continue
            paragraph.append(line)
        return title, _whole_sentences(" ".join(paragraph))
    return path.stem, ""


def _nav(pages: list[tuple[str, str]], position: int) -> str:
    """The navigation bar of page ``position``: previous notebook, index, next notebook."""

    def link(number: int, css: str, rel: str, arrow_left: str, arrow_right: str) -> str:
        if not 0 <= number < len(pages):
            return f'<span class="{css}"></span>'
        name, title = pages[number]
        return (
            f'<span class="{css}"><a rel="{rel}" href="{name}.html">{arrow_left}'
            f"{html.escape(title, quote=False)}{arrow_right}</a></span>"
        )

    return "".join(
        [
            '<nav class="stance-nav" aria-label="Notebooks">',
            link(position - 1, "stance-prev", "prev", "← ", ""),
            '<span class="stance-index"><a href="index.html">↑ Index of the notebooks</a></span>',
            link(position + 1, "stance-next", "next", "", " →"),
            "</nav>",
        ]
    )


def _page_exporter():
    """nbconvert's HTML exporter with the project's page template."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="stance_page.html.j2",
        extra_loaders=[DictLoader({"stance_page.html.j2": _PAGE_TEMPLATE})],
    )


def _headline(root: Path, out_dir: Path, pages: list[str]) -> list[str]:
    """The index's headline blocks whose files exist; figures are copied into the site."""
    parts = []
    for block in HEADLINE:
        source = root / block.path
        if not source.is_file():
            continue
        if block.heading:
            parts.append(f"<h3>{html.escape(block.heading, quote=False)}</h3>")
        caption = block.caption
        page = next(
            (name for name in pages if block.notebook and name.startswith(f"{block.notebook}_")),
            None,
        )
        if page:
            caption += f" From [notebook {block.notebook}]({page}.html)."
        if source.suffix == ".png":
            target = f"figures/{source.name}"
            with atomic_write(out_dir / target, "wb") as handle:
                handle.write(source.read_bytes())
            alt = html.escape(block.caption.rstrip("."))
            parts.append(
                f'<figure><a href="{target}" title="the figure at full size">'
                f'<img src="{target}" alt="{alt}"></a>'
                f"<figcaption>{_inline_markdown(caption)}</figcaption></figure>"
            )
        else:
            parts.append(f'<div class="caption">{_markdown(caption)}</div>')
            parts.append(_markdown(source.read_text(encoding="utf-8")))
    return parts


def build_report(
    notebooks: list[Path], out_dir: Path | None = None, root: Path | None = None
) -> Path:
    """Render ``notebooks`` to pages in ``out_dir`` (default: ``report/`` under ``root``) and
    write the index (headline from the result files under ``root``, default: the project
    root); return the index's path."""
    import nbformat

    root = root or config.PROJECT_ROOT
    out_dir = out_dir or root / "report"

    exporter = _page_exporter()
    summaries = [notebook_summary(path) for path in notebooks]
    pages = [(path.stem, title) for path, (title, _) in zip(notebooks, summaries, strict=True)]
    for position, path in enumerate(notebooks):
        notebook = nbformat.read(path, as_version=4)
        body, _ = exporter.from_notebook_node(
            notebook,
            resources={
                "metadata": {"name": pages[position][1]},
                "stance_nav": _nav(pages, position),
                "stance_css": _NAV_CSS,
            },
        )
        atomic_write_text(out_dir / f"{path.stem}.html", body)

    items = [
        f'<li><a href="{name}.html">{_inline_markdown(title)}</a>\n{_markdown(prose)}</li>'
        for (name, title), (_, prose) in zip(pages, summaries, strict=True)
    ]
    headline = _headline(root, out_dir, [name for name, _ in pages])
    index = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
            f"<title>{html.escape(SITE_TITLE, quote=False)}: results and notebooks</title>",
            f"<style>{_INDEX_CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{html.escape(SITE_TITLE, quote=False)}</h1>",
            "<p>The headline results, read from the committed tables in <code>results/</code>, and "
            "the project's notebooks as executed by <code>make reproduce</code>, with their "
            "outputs and figures. Read the notebooks in order: each page links to the previous "
            "and the next.</p>",
            *(["<h2>Headline results</h2>", *headline] if headline else []),
            "<h2>The notebooks</h2>",
            '<ol class="notebooks">',
            *items,
            "</ol>",
            "<footer>Written by <code>stance report</code> (<code>make report</code>) from "
            "the committed notebooks and result files; nothing was re-run.</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
    atomic_write_text(out_dir / "index.html", index)
    return out_dir / "index.html"
