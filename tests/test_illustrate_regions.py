"""Illustrative data and the Excel template for any region (issue 15, items 4 and 5):
county-only census and division counts are enough; published totals are met; a missing
input is a bilingual user error (exit 2, no traceback)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cli import main
from analysis.data import illustrate, load, synthetic


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A province of 5 prefectures and 40 counties, observations at county level only."""
    return synthetic.write_tree(tmp_path_factory.mktemp("illus") / "data", seed=5)


def _copy(tree, tmp_path):
    return shutil.copytree(tree, tmp_path / "data")


def test_defaults_per_10k_residents_without_any_published_total(tree):
    ds = load(tree, derive=False)
    obs = ds.observations
    stored = obs.loc[obs["source"] == "synthetic", "region_code"]
    assert stored.isin(ds.unit_codes).all()  # the files hold county figures only
    pop = obs[(obs["indicator"] == "population") & (obs["year"] == 2020)]["value"].sum()
    panel = illustrate.build(ds)
    p = panel[(panel["year"] == 2020) & panel["region_code"].isin(ds.unit_codes)]
    for ind, per in illustrate.PER_10K.items():
        total = p.loc[p["indicator"] == ind, "value"].sum()
        assert total == round(per * pop / 1e4), ind  # integers apportioned exactly
    units = p.set_index(["indicator", "region_code"])["value"]
    assert (units.loc["community_workers"] > 0).all()
    # 12 urban staff per urban community (Spec.assumed_total)
    rc = obs[(obs["indicator"] == "resident_committees") & (obs["year"] == 2020)]["value"].sum()
    assert units.loc["urban_community_workers"].sum() == round(12 * rc)
    # the mean is levelled to the default level, weighted by workers
    age, w = units.loc["worker_avg_age"], units.loc["community_workers"]
    assert np.average(age, weights=w.reindex(age.index)) == pytest.approx(48.0, abs=0.05)


def test_cli_illustrate_on_the_synthetic_set_and_the_source_row(tree, tmp_path, capsys):
    data = _copy(tree, tmp_path)
    before = (data / illustrate.FILE).read_bytes()
    src = data / "sources.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    src.write_text(
        "\n".join(x for x in lines if not x.startswith(illustrate.SOURCE)) + "\n", encoding="utf-8"
    )
    (data / illustrate.FILE).unlink()  # the data set as a new user has it: no panel, no row
    assert main(["data", "illustrate", "--data", str(data)]) == 0
    assert (data / illustrate.FILE).read_bytes() == before  # deterministic
    kinds = pd.read_csv(src, dtype=str).set_index("id")["kind"]
    assert kinds[illustrate.SOURCE] == "illustrative"  # values stay flagged illustrative
    assert main(["data", "illustrate", "--data", str(data)]) == 0
    assert pd.read_csv(src, dtype=str)["id"].tolist().count(illustrate.SOURCE) == 1
    assert main(["validate", "--data", str(data)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_cli_illustrate_without_division_counts_is_a_user_error(tree, tmp_path, capsys):
    data = _copy(tree, tmp_path)
    base = pd.read_csv(data / "observations/base.csv", dtype={"region_code": str})
    base = base[base["indicator"] != "village_level_units"]
    base.to_csv(data / "observations/base.csv", index=False)
    capsys.readouterr()
    assert main(["data", "illustrate", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "village_level_units" in err and "40" in err
    assert "村级单位数" in err and "Village-level units" in err  # both languages


def test_published_totals_of_one_prefecture_are_met_and_others_default(tree, tmp_path):
    data = _copy(tree, tmp_path)
    ds = load(data, derive=False)
    pref = ds.regions.query("level == 'prefecture'")["code"].iloc[1]
    pd.DataFrame(
        [(pref, 2020, "community_workers", 1234, "synthetic", "published total")],
        columns=["region_code", "year", "indicator", "value", "source", "note"],
    ).to_csv(data / "observations/totals.csv", index=False)
    panel = illustrate.build(load(data, derive=False))
    p = panel[(panel["year"] == 2020) & (panel["indicator"] == "community_workers")]
    p = p.set_index("region_code")["value"]
    kids = ds.regions.loc[ds.regions["parent_code"] == pref, "code"]
    assert p[kids].sum() == 1234
    others = [c for c in ds.unit_codes if c not in set(kids)]
    obs = ds.observations
    pop = obs[(obs["indicator"] == "population") & (obs["year"] == 2020)].set_index("region_code")
    assert p[others].sum() == round(
        illustrate.PER_10K["community_workers"] * pop.loc[others, "value"].sum() / 1e4
    )


def test_template_years_on_the_synthetic_set(tree, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    args = ["template", "--data", str(tree), "--out", str(out)]
    assert main([*args, "--years", "2016-2025"]) == 0
    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws[1]][5:] == list(range(2016, 2026))
    codes = {r[3].value for r in ws.iter_rows(min_row=2)}
    assert len(codes) == 40  # every county of the province
    assert main([*args, "--years", "2016-2025", "--top", "900100"]) == 0  # one prefecture
    ws = load_workbook(out).worksheets[0]
    codes = {r[3].value for r in ws.iter_rows(min_row=2)}
    assert codes and all(c.startswith("9001") for c in codes) and len(codes) < 40
    assert main([*args, "--level", "prefecture"]) == 0  # the level to fill
    ws = load_workbook(out).worksheets[0]
    assert len({r[3].value for r in ws.iter_rows(min_row=2)}) == 5
    capsys.readouterr()
    assert main([*args, "--years", "2025-2016"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2016-2025" in err


def test_template_default_years_are_the_plan_period_without_a_panel(tree, tmp_path):
    data = _copy(tree, tmp_path)
    (data / illustrate.FILE).unlink()
    out = tmp_path / "t.xlsx"
    assert main(["template", "--data", str(data), "--out", str(out)]) == 0
    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws[1]][5:] == list(range(2020, 2026))  # targets 2020 -> 2025
