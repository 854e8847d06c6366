"""The page pass of ``runner.render`` (``accessible``) against nbconvert's own: the same
document as nbconvert's ``HTMLExporter`` (which parses the page with BeautifulSoup to add
alt texts and tab stops), compared element by element after both are parsed."""

from __future__ import annotations

import copy

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from analysis.runner import render as R

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
    "rkJggg=="
)


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 标题 Title\n\nText & <b>bold</b>"),
        nbformat.v4.new_code_cell(
            "x = 1",
            outputs=[
                nbformat.v4.new_output("display_data", data={"image/png": PNG}),
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": '<img src="data:image/png;base64,'
                        + PNG
                        + '" alt="图 1 &quot;quoted&quot;"><table><tr><td>a &amp; b</td></tr>'
                        "</table>"
                    },
                ),
                nbformat.v4.new_output("stream", name="stdout", text="out\n"),
            ],
            execution_count=1,
        ),
    ]
    return nb


def _nbconvert(view: str, nb) -> str:
    exp = HTMLExporter(
        template_name="lab",
        raw_template=R.OFFLINE_TEMPLATE,
        embed_images=True,
        exclude_input=(view == "report"),
        exclude_input_prompt=(view == "report"),
        exclude_output_prompt=(view == "report"),
    )
    return exp.from_notebook_node(copy.deepcopy(nb), resources={"metadata": {"name": "x"}})[0]


@pytest.mark.parametrize("view", R.VIEWS)
def test_same_document_as_nbconvert(view):
    nb = _notebook()
    ours = R._exporter(view).from_notebook_node(
        copy.deepcopy(nb), resources={"metadata": {"name": "x"}}
    )[0]
    theirs = _nbconvert(view, nb)
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    soup = BeautifulSoup(ours, features="html.parser")
    imgs = soup.find_all("img")
    assert len(imgs) == 2 and all(i.get("alt") for i in imgs)
    assert imgs[1]["alt"] == '图 1 "quoted"'  # an alt text of its own is kept, unescaped
    focus = soup.select("div.jp-OutputArea-output")
    assert focus and all(d.get("tabindex") == "0" for d in focus)


def test_every_image_gets_alt_text_and_quoted_attributes():
    out = R.accessible('<p><img src="a.png"\nwidth=641\nclass="\n"\n></p><img alt="x" src=b>')
    assert out == (
        f'<p><img src="a.png" width="641" class="" alt="{R.NO_ALT}"/></p><img alt="x" src="b"/>'
    )
