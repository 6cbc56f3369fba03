"""Tests for stance.report: the static site of the executed notebooks (``make report``)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from stance import config
from stance.report import HEADLINE, build_report, notebook_summary
from stance.reproduce import pipeline_notebooks

# A resource the browser would fetch from elsewhere: an absolute or protocol-relative URL.
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_REMOTE_IN_CODE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+(?:url\(\s*)?['"]?|import\s*\(\s*['"]|from\s+['"])"""
    r"""(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)
_BLURB = re.compile(r'<li><a href="(?P<page>[^"]+)\.html">.*?</a>\n(?P<blurb>.*?)</li>', re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _tags(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _site_problems(site: Path) -> list[str]:
    """What would make the site incomplete or not self-contained: a resource loaded from the
    network, a script file at all, a local link or image that leads nowhere."""
    problems = []
    for page in sorted(site.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        problems += [f"{page.name}: {m.group(0)!r}" for m in _REMOTE_IN_CODE.finditer(text)]
        for tag, attrs in _tags(page):
            if tag == "script" and "src" in attrs:
                problems.append(f"{page.name}: <script src={attrs['src']!r}>")
            for name in ("src", "href", "srcset", "poster", "data"):
                value = attrs.get(name)
                if value is None or value.startswith(("#", "data:")):
                    continue
                if _REMOTE.match(value):
                    if tag != "a":  # an <a> is a link a reader may follow, not a fetch
                        problems.append(f"{page.name}: <{tag} {name}={value!r}>")
                elif not (site / value.split("#")[0]).is_file():
                    problems.append(f"{page.name}: <{tag} {name}={value!r}> leads nowhere")
    return problems


def _blurbs(index: Path) -> dict[str, str]:
    return {
        m.group("page"): m.group("blurb")
        for m in _BLURB.finditer(index.read_text(encoding="utf-8"))
    }


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment).strip()


# --- a small site of made-up notebooks -------------------------------------------------------

INTROS = {
    "01_first": "# 01 · The first\n\n**Question.** Does `stance.text` split\nthis sentence? "
    "It does.\n\nA second paragraph.",
    "02_second": "# 02 · The second\n\n**Method.** The data come from `data/raw/`. They "
    "are read in\nthree steps:\n\n1. one;\n2. two.",
    "03_third": '# 03 · The third, <b>escaped</b>\n\nWhat it shows (with "quotes").',
}


def _notebook(path: Path, intro: str) -> Path:
    cell = new_code_cell(
        "print('hello')",
        execution_count=1,
        outputs=[new_output("stream", name="stdout", text="hello\n")],
    )
    notebook = new_notebook(cells=[new_markdown_cell(intro), cell])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """Three notebooks and a project root with one headline table and one headline figure."""
    tmp = tmp_path_factory.mktemp("report")
    notebooks = [_notebook(tmp / f"{name}.ipynb", intro) for name, intro in INTROS.items()]
    root = tmp / "project"
    (root / "results").mkdir(parents=True)
    (root / "figures").mkdir()
    (root / "results" / "real_test_summary.md").write_text(
        "| label | system | macro_f1 |\n|---|---|---:|\n| sentiment | model | 0.687 |\n"
    )
    (root / "figures" / "07_real_test_scores.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    index = build_report(notebooks, tmp / "site", root=root)
    return notebooks, root, index


def test_index_links_every_page_and_each_page_exists(small_site):
    notebooks, _, index = small_site
    text = index.read_text(encoding="utf-8")
    for path in notebooks:
        assert f'href="{path.stem}.html"' in text
        assert (index.parent / f"{path.stem}.html").is_file()
    assert '<a href="01_first.html">01 · The first</a>' in text
    assert "The third, &lt;b&gt;escaped&lt;/b&gt;" in text  # titles are text, not markup


def test_pages_link_the_index_and_the_previous_and_next_notebook(small_site):
    _, _, index = small_site
    expected = {
        "01_first": (None, "02_second"),
        "02_second": ("01_first", "03_third"),
        "03_third": ("02_second", None),
    }
    for name, (previous, following) in expected.items():
        tags = _tags(index.parent / f"{name}.html")
        links = [
            (attrs.get("rel"), attrs["href"])
            for tag, attrs in tags
            if tag == "a" and attrs.get("href", "").endswith(".html")
        ]
        assert links.count((None, "index.html")) == 2  # at the top and at the bottom
        assert [href for rel, href in links if rel == "prev"] == (
            [f"{previous}.html"] * 2 if previous else []
        )
        assert [href for rel, href in links if rel == "next"] == (
            [f"{following}.html"] * 2 if following else []
        )
    page = (index.parent / "02_second.html").read_text(encoding="utf-8")
    assert "<title>02 · The second</title>" in page and "hello" in page


def test_blurbs_are_whole_sentences_of_the_introduction_as_html(small_site):
    _, _, index = small_site
    blurbs = _blurbs(index)
    assert blurbs["01_first"] == (
        "<p><strong>Question.</strong> Does <code>stance.text</code> "
        "split this sentence? It does.</p>"
    )
    # a paragraph that leads into a list stops at its last whole sentence
    assert blurbs["02_second"] == (
        "<p><strong>Method.</strong> The data come from <code>data/raw/</code>.</p>"
    )
    assert blurbs["03_third"] == "<p>What it shows (with &quot;quotes&quot;).</p>"
    for blurb in blurbs.values():
        assert "`" not in blurb and "**" not in blurb
        assert _SENTENCE_END.search(_text(blurb))


def test_notebook_summary_keeps_the_markdown_for_the_index_to_render(small_site):
    notebooks, _, _ = small_site
    assert notebook_summary(notebooks[1]) == (
        "02 · The second",
        "**Method.** The data come from `data/raw/`.",
    )


def test_headline_reads_the_result_tables_and_copies_the_figures(small_site):
    _, root, index = small_site
    text = index.read_text(encoding="utf-8")
    assert "<h2>Headline results</h2>" in text
    assert '<td style="text-align:right">0.687</td>' in text  # the table, as HTML
    full_size = '<a href="figures/07_real_test_scores.png" title="the figure at full size">'
    assert full_size + '<img src="figures/07_real_test_scores.png"' in text
    assert (index.parent / "figures" / "07_real_test_scores.png").read_bytes() == (
        root / "figures" / "07_real_test_scores.png"
    ).read_bytes()
    assert "vote_auc" not in text  # a headline file that does not exist is left out


def test_site_is_self_contained(small_site):
    _, _, index = small_site
    assert _site_problems(index.parent) == []
    for page in index.parent.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "require.js" not in text and "cdnjs" not in text and "<script src" not in text


def test_site_problems_finds_remote_resources_and_dead_links(tmp_path):
    (tmp_path / "index.html").write_text(
        '<script src="https://cdn.example/require.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/a.css"><img src="figures/missing.png">'
        '<style>@import url("https://fonts.example/x.css");</style>'
        '<a href="https://example.org/paper">a paper</a><a href="#top">top</a>'
    )
    problems = _site_problems(tmp_path)
    # the script (a script file, and a remote one), the style sheet, the CSS import and the
    # missing image; a link to a paper is not a resource
    assert len(problems) == 5, problems
    assert any("missing.png" in p for p in problems)


def test_building_twice_writes_the_same_bytes(small_site, tmp_path):
    notebooks, root, index = small_site
    again = build_report(notebooks, tmp_path / "again", root=root)
    assert _files(again.parent) == _files(index.parent)
    build_report(notebooks, tmp_path / "again", root=root)  # over an existing site
    assert _files(again.parent) == _files(index.parent)


# --- the project's own site --------------------------------------------------------------


@pytest.fixture(scope="module")
def project_site(tmp_path_factory):
    return build_report(pipeline_notebooks(), tmp_path_factory.mktemp("site") / "report")


def test_project_site_has_every_notebook_the_headline_and_no_remote_resource(project_site):
    site = project_site.parent
    names = {path.stem for path in pipeline_notebooks()}
    assert {page.stem for page in site.glob("*.html")} == names | {"index"}
    assert set(_blurbs(project_site)) == names
    assert _site_problems(site) == []
    text = project_site.read_text(encoding="utf-8")
    for block in HEADLINE:
        assert (config.PROJECT_ROOT / block.path).is_file(), block.path
        if block.path.endswith(".png"):
            assert (site / "figures" / Path(block.path).name).is_file()
    summary = (config.PROJECT_ROOT / "results" / "real_test_summary.md").read_text()
    first_row = summary.splitlines()[2].strip("| ").split(" | ")
    assert f"<td>{first_row[2]}</td>" in text  # e.g. the model's macro-F1 with its interval


def test_project_blurbs_end_at_a_sentence_end_without_markdown(project_site):
    for page, blurb in _blurbs(project_site).items():
        assert blurb.startswith("<p>") and "`" not in blurb and "**" not in blurb, page
        assert _SENTENCE_END.search(_text(blurb)), (page, blurb)
