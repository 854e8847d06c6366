"""Final evaluation (2025) and next-period targets (2025 -> 2030): non-empty, consistent."""

from __future__ import annotations

import os

import nbformat
import numpy as np
import papermill as pm
import pytest
from report_layout import check_plan_layout

from analysis import paths
from analysis.analyses import evaluation as ev
from analysis.analyses import next_period as npd
from analysis.analyses import periods
from analysis.data import load, synthetic
from analysis.errors import UserError
from analysis.present.words import evaluation as ew
from analysis.present.words import next_period as npw
from analysis.present.words import periods as period_words

pytestmark = pytest.mark.cost(20)  # rough seconds: scheduled early (conftest.py)


@pytest.fixture(scope="module", params=["default", "synthetic"])
def ds(request, tmp_path_factory):
    if request.param == "default":
        return load()
    return load(synthetic.write_dataset(tmp_path_factory.mktemp("s") / "data", n_units=12))


def test_plan_names():
    assert periods.plan_number(2020, 2025) == 14 and periods.plan_number(2025, 2030) == 15
    assert period_words.plan_name(2025, 2030, "en") == "15th Five-Year Plan"
    assert period_words.plan_name(2030, 2035, "en") == "16th Five-Year Plan"
    assert periods.plan_number(2024, 2030) is None and periods.plan_number(1960, 1965) is None
    assert period_words.plan_name(2024, 2030, "en") == "2024-2030"


def test_final_evaluation_is_complete(ds):
    f = ev.evaluate(ds, 2020, 2025)
    assert len(f) and f["final"].notna().all() and (f["final_year"] == 2025).all()
    # difference = final - target for higher-is-better indicators
    assert np.allclose(f["difference"], f["final"] - f["target"])
    assert (f["met"] == (f["difference"] >= -1e-9)).all()
    assert "worker_sw_certified_share" not in set(f["indicator"])  # a benchmark is not evaluated
    text = (
        ew.display(f, ds, "en").to_string() + ew.summary_display(ev.summary(f, ds), ds).to_string()
    )
    assert "NaN" not in text and "<NA>" not in text and "-0.0" not in text


def test_next_period_targets(ds):
    frame, std = npd.next_targets(ds, 2025, 2030, p=0.8)
    assert len(frame) and frame["target"].notna().all()
    units = frame[frame["region_code"] != ds.top]
    for ind, f in units.groupby("indicator"):
        s = std.loc[ind, "target_value"]
        assert (f["target"] >= s - 1e-9).all(), ind  # never below the standard
        assert (f["target"] >= f["baseline"] - 1e-9).all(), ind  # nor below the current value
        assert (
            f["target"] >= f["projected_p"].clip(upper=100 if "coverage" in ind else None) - 1e-9
        ).all()
    assert std["carried"].all()  # no 2030 targets in the data: the 2025 ones carried forward
    assert npw.title(2025, 2030, "en").startswith("Setting the 15th Five-Year Plan")


def test_probability_orders_the_trend_value(ds):
    a, _ = npd.next_targets(ds, 2025, 2030, p=0.5)
    b, _ = npd.next_targets(ds, 2025, 2030, p=0.9)
    ok = a["projected_p"].notna() & b["projected_p"].notna()
    assert (b.loc[ok, "projected_p"] <= a.loc[ok, "projected_p"] + 1e-9).all()  # surer = lower
    with pytest.raises(UserError):
        npd.next_targets(ds, 2025, 2030, p=1.5)


def test_any_year_pair_works():
    frame, std = npd.next_targets(load(), 2030, 2035, standards={"workers_per_10k_urban": 20})
    assert len(frame) and std.loc["workers_per_10k_urban", "target_value"] == 20


def _execute(name, tmp_path, **params):
    old = os.environ.get("ANALYSIS_OUTPUTS_DIR")
    os.environ["ANALYSIS_OUTPUTS_DIR"] = str(tmp_path / "outputs")
    try:
        out = tmp_path / f"{name}.ipynb"
        pm.execute_notebook(
            str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(out),
            parameters={**params, "outputs_dir": str(tmp_path / "outputs")},
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
    check_plan_layout(nb, params.get("lang", "zh"))  # 现状 first, methods last
    return "".join(
        str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/markdown", ""))
        + str(o.get("data", {}).get("text/html", ""))
        + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


@pytest.mark.notebook
def test_report_notebooks_on_default_and_synthetic_data(tmp_path):
    synth = synthetic.write_dataset(tmp_path / "synth", n_units=10, seed=2)
    for data_dir, lang in (("", "zh"), (str(synth), "en")):
        text = _execute("05_final_evaluation", tmp_path, data_dir=data_dir, lang=lang)
        assert ("终期评估" in text) or ("Final evaluation" in text)
        assert "NaN" not in text and "<NA>" not in text
        text = _execute("06_next_period_targets", tmp_path, data_dir=data_dir, lang=lang)
        assert ("“十五五”" in text) or ("15th Five-Year Plan" in text)
        assert "NaN" not in text and "<NA>" not in text
    data = tmp_path / "outputs" / "data" / "06_next_period_targets_2030"
    header = (data / "county_targets_workers_per_10k_urban.csv").read_text().splitlines()[0]
    cols = header.split(",")
    for c in (
        "region_code",
        "indicator",
        "baseline_year",
        "baseline",
        "target_year",
        "target",
        "standard",
    ):
        assert c in cols
