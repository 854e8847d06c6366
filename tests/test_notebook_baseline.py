"""Notebook 01 executes through papermill with its default and with explicit parameters."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from report_layout import check_plan_layout

from analysis import paths

pytestmark = pytest.mark.cost(9)  # rough seconds: scheduled early (conftest.py)

NB = paths.NOTEBOOKS_DIR / "01_baseline.ipynb"


@pytest.fixture(autouse=True)
def _outputs_in_tmp(tmp_path, monkeypatch):
    """The notebooks write their CSV tables under $ANALYSIS_OUTPUTS_DIR: keep them out of
    the checkout (the papermill kernel inherits the environment)."""
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))


@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_baseline_notebook_executes(tmp_path, lang):
    out = tmp_path / "01.ipynb"
    pm.execute_notebook(
        str(NB),
        str(out),
        parameters={"lang": lang, "region_code": "522700"},
        cwd=str(paths.NOTEBOOKS_DIR),
        progress_bar=False,
        kernel_name="python3",
    )
    nb = nbformat.read(out, as_version=4)
    keys = ("text/plain", "text/markdown", "text/html")
    text = "".join(
        "".join(str(o.get("data", {}).get(k, "")) for k in keys) + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert len(images) == 2  # urbanisation bars and village-level units over time
    assert "7,257" in text
    assert "示意数据" not in text  # the baseline shows published figures only
    assert "资料来源" in text if lang == "zh" else "Source" in text
    check_plan_layout(nb, lang)
    assert ("349.44" if lang == "zh" else "3.49 million") in text  # the findings, computed
    for bad in ("lower bound:", "sign lost", "02_county_gaps"):
        assert bad not in text, bad
    if lang == "zh":
        assert "（illustrative data）" not in text and "全州" in text


def test_notebook_is_committed_clean():
    nb = nbformat.read(NB, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
