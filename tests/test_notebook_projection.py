"""Notebook 03 (target projection) runs for both plan periods; its helpers validate input."""

from __future__ import annotations

import os

import nbformat
import numpy as np
import papermill as pm
import pytest
from report_layout import check_plan_layout

from analysis import paths
from analysis.analyses import targets as tv
from analysis.data import load, synthetic
from analysis.errors import UserError
from analysis.present.words import targets as target_words

pytestmark = pytest.mark.cost(12)  # rough seconds: scheduled early (conftest.py)

NB = paths.NOTEBOOKS_DIR / "03_target_projection.ipynb"
NATIONAL_STANDARDS = {
    "facility_area_per_100hh": 30,
    "workers_per_10k_urban": 18,
    "rural_facility_coverage": 80,
}


def _run(tmp_path, name, **parameters):
    out = tmp_path / name
    old = os.environ.get("ANALYSIS_OUTPUTS_DIR")
    os.environ["ANALYSIS_OUTPUTS_DIR"] = str(tmp_path / "outputs")  # CSV tables go here
    try:
        pm.execute_notebook(
            str(NB),
            str(out),
            parameters={"outputs_dir": str(tmp_path / "outputs"), **parameters},
            cwd=str(paths.NOTEBOOKS_DIR),
            progress_bar=False,
            kernel_name="python3",
        )
    finally:
        if old is None:
            os.environ.pop("ANALYSIS_OUTPUTS_DIR", None)
        else:
            os.environ["ANALYSIS_OUTPUTS_DIR"] = old
    nb = nbformat.read(out, as_version=4)
    check_plan_layout(nb, parameters.get("lang", "zh"))  # 现状 first, methods last
    text = "".join(
        str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/markdown", ""))
        + str(o.get("data", {}).get("text/html", ""))
        + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    images = sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    return text, images


@pytest.mark.notebook
def test_notebook_runs_for_2020_to_2025_with_defaults(tmp_path):
    text, images = _run(tmp_path, "03.ipynb")
    assert "2020→2025" in text  # the title names the period
    assert images == 4 + 1  # one fan chart per 2025 target (not the benchmark) + dashboard
    assert "示意数据" in text  # the county panel is illustrative and says so
    assert "进展状态" in text and "达标概率" in text
    assert "“十四五”" in text and "参照值" in text  # titled for the plan; benchmark as context
    for bad in ("NaN", "<NA>", "-0.0"):
        assert bad not in text
    data = tmp_path / "outputs" / "data" / "03_target_projection_2025"
    county = (data / "county_targets_workers_per_10k_urban.csv").read_text().splitlines()[0]
    for col in ("region_code", "indicator", "baseline_year", "baseline", "target_year"):
        assert col in county.split(",")
    assert {"target", "standard"} <= set(county.split(","))


@pytest.mark.notebook
def test_notebook_runs_for_2025_to_2030(tmp_path):
    text, images = _run(
        tmp_path,
        "03_2030.ipynb",
        base_year=2025,
        target_year=2030,
        as_of_year=2024,
        target_values=NATIONAL_STANDARDS,
        method="linear",
        lang="en",
    )
    assert "2025 → 2030" in text
    # the 2025 targets are carried forward (as in report 06), the parameter's values replace
    # theirs: the four target indicators' fan charts; nothing is observed after 2025, so one
    # sentence says so instead of a status chart of empty cells, and no status column
    assert images == 4
    assert "No value has been observed after the base year 2025" in text
    assert "No data since baseline" not in text
    assert "illustrative data" in text
    assert "15th Five-Year Plan" in text  # titled for the period the years name
    for bad in ("NaN", "<NA>", "-0.0"):
        assert bad not in text


def test_notebook_is_committed_clean():
    nb = nbformat.read(NB, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # literals only in the parameters cell
    for line in params[0].source.splitlines():
        value = line.split("=", 1)[1].split("#", 1)[0].strip()
        assert value[0] in "\"'[{0123456789-" or value in ("True", "False", "None"), line


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return load(
        synthetic.write_dataset(tmp_path_factory.mktemp("synth") / "data", n_units=25, seed=3)
    )


def test_view_on_another_region_set(synth):
    view = tv.prepare(synth, method="linear")
    assert len(view.summary) == len(view.indicators) * 26  # 25 counties + the aggregate
    assert set(view.summary["status"]) <= {
        "met",
        "on_track",
        "moderate",
        "limited",
        "backwards",
        "no_data",
    }
    p = view.summary["prob"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    assert target_words.status_matrix(view).shape == (26, len(view.indicators))
    # ratio standards: every county at least the standard, amounts add up to the total
    f = view.county_frame("facility_area_per_100hh", "equal_effort")
    counties, total = f.iloc[:-1], f.iloc[-1]
    assert (counties["target"] >= 30 - 1e-9).all()
    assert counties["target_amount"].sum() == pytest.approx(total["target_amount"])
    assert total["target"] >= 30 - 1e-9
    fan = target_words.fan_inputs(view, "facility_area_per_100hh")
    assert fan["target"] == (2025, 30.0)
    assert list(fan["forecast"].index) == [2025]


def test_count_targets_are_split_between_counties(synth):
    view = tv.prepare(
        synth,
        base_year=2025,
        target_year=2030,
        as_of_year=2024,
        target_values={"community_workers": 1e5},
        method="linear",
        rule="uniform",
    )
    ctv = view.county_target_values["community_workers"]
    assert ctv.drop(synth.top).sum() >= 1e5 - 1e-6  # floored at current values: sum >= total
    assert (view.summary["status"] == "no_data").all()  # no data since the 2025 baseline
    assert view.summary["projected"].notna().all()  # the projection still works from history


def test_parameter_errors_are_bilingual(synth):
    with pytest.raises(UserError) as e:
        tv.prepare(synth, indicators=["no_such_indicator"])
    assert "未知的指标" in e.value.zh and "Valid indicators" in e.value.en
    with pytest.raises(UserError) as e:
        tv.prepare(synth, base_year=2025, target_year=2030)
    assert "target_values" in e.value.zh and "target_values" in e.value.en
    with pytest.raises(UserError) as e:
        tv.prepare(synth, indicators=["community_workers"])
    assert "community_workers" in e.value.en and "target_values" in e.value.en
    with pytest.raises(UserError):
        tv.prepare(synth, target_year=2020)
    with pytest.raises(UserError):
        tv.prepare(synth, as_of_year=2025)
    with pytest.raises(UserError):
        tv.prepare(synth, method="arima")
    with pytest.raises(UserError):
        tv.prepare(synth, scenario_growth=2)
    with pytest.raises(UserError):
        tv.prepare(synth, rule="equal")
    with pytest.raises(UserError):
        tv.prepare(synth, target_values={"facility_area_per_100hh": "thirty"})
    assert np.isfinite(
        tv.prepare(
            synth, target_values={"facility_area_per_100hh": 35}, method="linear"
        ).targets.loc["facility_area_per_100hh", "target_value"]
    )
