"""Notebook 02 and the county profile execute through papermill (embedded and synthetic data)."""

from __future__ import annotations

import ast
import re

import nbformat
import papermill as pm
import pytest
from report_layout import check_plan_layout

from analysis import paths
from analysis.data import load
from analysis.data.synthetic import write_dataset

pytestmark = pytest.mark.cost(30)  # rough seconds: scheduled early (conftest.py)

NB02 = paths.NOTEBOOKS_DIR / "02_county_gaps.ipynb"
PROFILE = paths.NOTEBOOKS_DIR / "county_profile.ipynb"
COUNTIES = [
    "522701",
    "522702",
    "522722",
    "522723",
    "522725",
    "522726",
    "522727",
    "522728",
    "522729",
    "522730",
    "522731",
    "522732",
]


@pytest.fixture(autouse=True)
def _outputs_in_tmp(tmp_path, monkeypatch):
    """The notebooks write their CSV tables under $ANALYSIS_OUTPUTS_DIR: keep them out of
    the checkout (the papermill kernel inherits the environment)."""
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))


def _run(nb, out, **params) -> nbformat.NotebookNode:
    pm.execute_notebook(
        str(nb),
        str(out),
        parameters=params,
        cwd=str(paths.NOTEBOOKS_DIR),
        progress_bar=False,
        kernel_name="python3",
    )
    return nbformat.read(out, as_version=4)


def _text(nb) -> str:
    """What the notebook shows: printed text, Markdown and HTML (tables) outputs."""
    keys = ("text/plain", "text/markdown", "text/html")
    return "".join(
        "".join(str(o.get("data", {}).get(k, "")) for k in keys) + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def _images(nb) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


@pytest.mark.notebook
def test_county_gaps_default(tmp_path):
    nb = _run(NB02, tmp_path / "02.ipynb", data_dir="")
    text = _text(nb)
    assert "综合指数" in text and "泰尔T组间贡献率" in text and "β系数" in text
    assert "示意数据" in text  # the county panel is illustrative
    assert "图3-1" in text and "表3-1" in text
    assert _images(nb) >= 6  # 2 ranked bars, map, heat map, Lorenz, sigma lines
    check_plan_layout(nb, "zh")
    # the findings, computed: recount by hand the counties at or above the facility standard
    ds = load()
    year = int(ds.observations.loc[ds.observations["indicator"] == "facility_area", "year"].max())
    value = ds.values(["facility_area_per_100hh"], year)["facility_area_per_100hh"]
    ok = int((value >= 30).sum())
    assert f"{len(value)}个县（市）中{ok}个达到国家标准（30平方米/百户）" in text
    shown = re.sub(r"<style.*?</style>", "", text, flags=re.S)
    for bad in ("print(", "illustrative data", "02_county_gaps", "targets.csv", "region_code"):
        assert bad not in shown, bad


@pytest.mark.notebook
def test_county_gaps_synthetic_region_set_in_english(tmp_path):
    data = write_dataset(tmp_path / "data", n_units=40)
    nb = _run(
        NB02,
        tmp_path / "02.ipynb",
        data_dir=str(data),
        weighting="entropy",
        normalisation="zscore",
        lang="en",
    )
    text = _text(nb)
    assert "County 1" in text and "Index" in text and "Source" in text
    assert "Qiannan" not in text and "都匀" not in text
    check_plan_layout(nb, "en")
    assert "of 40 counties" in text


def test_county_profile_content_for_every_county(ds):
    """What the profile notebook shows, computed in-process for all 12 counties (the
    notebook itself is executed for the first and the last county below)."""
    from analysis.analyses import gaps
    from analysis.present import captions
    from analysis.present.words import gaps as gap_words

    assert sorted(ds.unit_codes) == COUNTIES
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "")
    index = gaps.development_index(ds, spec)
    tier = gaps.tier_table(index, ds, spec)
    short = gaps.shortfall_table(ds, spec.year)
    for code in COUNTIES:
        prof = gaps.profile(ds, code, spec)
        assert not prof.empty and prof.notna().any().all(), code
        pos = gap_words.county_position(ds, code, index, tier, "zh")
        rank = int(str(pos.iloc[0, 2]).split("/")[0])  # the composite index row: "r/12"
        assert str(pos.iloc[0, 2]).endswith("/12") and 1 <= rank <= 12, code
        assert rank == int(index["index"].rank(ascending=False, method="min")[code]), code
        dots = gap_words.profile_dots(prof, ds, "zh")
        assert len(dots) > 0, code
        note = captions.source_note(ds, gaps.obs_used(ds, prof.index, spec.year, top=True))
        assert "示意数据" in note, code
    assert set(short["region_code"]) <= set(COUNTIES)  # only counties below a standard


@pytest.mark.notebook
@pytest.mark.parametrize("code", [COUNTIES[0], COUNTIES[-1]])
def test_county_profile_notebook(tmp_path, code):
    nb = _run(PROFILE, tmp_path / f"{code}.ipynb", region_code=code)
    text = _text(nb)
    from analysis.data import load  # noqa: PLC0415 (cheap after the first import)

    assert load().name(code) in text
    assert "资料来源" in text and "示意数据" in text
    assert _images(nb) == 1


@pytest.mark.notebook
def test_profile_bad_region_code_gives_clear_error(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as e:
        _run(PROFILE, tmp_path / "bad.ipynb", region_code="522799")
    assert "522799" in str(e.value) and "522701 都匀市" in str(e.value)
    nb = nbformat.read(tmp_path / "bad.ipynb", as_version=4)
    err = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert err and err[0]["ename"] == "UserError"
    assert not any("Traceback" in line or "File " in line for line in err[0]["traceback"])


@pytest.mark.parametrize("path", [NB02, PROFILE])
def test_notebook_committed_clean_with_literal_parameters(path):
    nb = nbformat.read(path, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for node in ast.parse(params[0].source).body:  # literals only
        assert isinstance(node, ast.Assign)
        ast.literal_eval(node.value)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )
