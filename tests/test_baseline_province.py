"""Report 01 on a province whose top region has no division counts of its own (the real
Guizhou tree: counts only for the counties, and in every edition one county code renamed):
the whole region's count is the sum of its units where every unit has one, said in the note
(汇总自下级), never a partial sum; without any complete edition the page says which units
lack counts instead of refusing to build."""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import papermill as pm
import pytest

from analysis import paths
from analysis.analyses import baseline
from analysis.data import load, synthetic
from analysis.messages import t
from analysis.runner import preflight

pytestmark = pytest.mark.cost(12)

DIV = ["resident_committees", "village_committees"]


def _drop(root, code: str, years) -> None:
    """Remove the division counts of unit ``code`` in ``years`` from the data set."""
    path = root / "observations" / "base.csv"
    obs = pd.read_csv(path, dtype={"region_code": str})
    gone = obs["region_code"].eq(code) & obs["indicator"].isin(DIV) & obs["year"].isin(years)
    obs[~gone].to_csv(path, index=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return synthetic.write_tree(tmp_path_factory.mktemp("p") / "data", levels=(3, 12))


def test_top_count_is_the_sum_of_its_units_only_when_all_have_one(tree, tmp_path):
    ds = load(tree)
    assert ds.obs(DIV, ds.top).pipe(baseline.summed_from_units).all()  # none observed
    trend = baseline.division_trend(ds).set_index(["indicator", "year"])
    units = ds.obs(DIV, ds.unit_codes).groupby(["indicator", "year"])["value"].sum()
    assert trend["value"].to_dict() == units.to_dict() and trend["summed"].all()
    # one unit without a count in 2016: no 2016 total (a partial sum understates it)
    import shutil

    copy = shutil.copytree(tree, tmp_path / "data")
    _drop(copy, ds.unit_codes[3], [2016])
    part = baseline.division_trend(load(copy)).set_index(["indicator", "year"])
    assert np.isnan(part.loc[("resident_committees", 2016), "value"])
    assert part.loc[("resident_committees", 2016), "missing"] == (ds.unit_codes[3],)
    later = part.drop(index=2016, level="year")
    assert later["value"].to_dict() == units.drop(index=2016, level="year").to_dict()


def test_structure_and_divisions_say_summed_from_the_units(tree, tmp_path, monkeypatch):
    from analysis.present.reports import baseline as report

    shown: list = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    r = report.open(data_dir=str(tree), outputs_dir=str(tmp_path / "out"))
    report.structure(r)
    report.divisions(r)
    text = " ".join(str(getattr(o, "data", "")) for o in shown)
    word = t("baseline.summed_note", "zh", top="x", listed="y", units="z")
    assert word[word.index("汇总") : word.index("汇总") + 5] in text
    assert any(type(o).__name__.endswith("Figure") for o in shown)
    # the province row of the table is the sum of its units
    ds = r.pg.ds
    values = baseline.structure_values(ds)
    assert values.loc[ds.top, DIV].tolist() == values.loc[ds.unit_codes, DIV].sum().tolist()


def test_report_01_builds_when_no_edition_covers_every_unit(tree, tmp_path, monkeypatch):
    """The Guizhou case: one unit without counts in every edition."""
    import shutil

    from analysis.runner.config import load_config

    data = shutil.copytree(tree, tmp_path / "data")
    ds = load(data)
    gone = ds.unit_codes[0]
    _drop(data, gone, range(2000, 2100))
    ds = load(data)
    tasks = [
        x for x in load_config(paths.PROJECT_ROOT / "reports.toml", data) if x.name == "01_baseline"
    ]
    assert len(tasks) == 1 and preflight.check(tasks, ds) == []
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))
    out = tmp_path / "01.ipynb"
    pm.execute_notebook(
        str(paths.NOTEBOOKS_DIR / "01_baseline.ipynb"),
        str(out),
        parameters={"data_dir": str(data)},
        cwd=str(paths.NOTEBOOKS_DIR),
        progress_bar=False,
        kernel_name="python3",
    )
    nb = nbformat.read(out, as_version=4)
    text = "".join(
        str(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert ds.name(gone) in text and "不绘制变化图" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1  # the urbanisation bars; no division trend
