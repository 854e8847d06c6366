"""Acceptance (issue 19): one answer per question. Every report is built through the runner on
the default data and on a synthetic province with prefectures, and every published table is
read back: the same (indicator, region, year, quantity) has the same value in every CSV
under outputs/data (the reports' tables, the Word and Excel tables' code-named twins, the
results model's own tables) and in the explorer page's data; the value reached with
probability p lies between the forecast's 80 % interval end and its median; a final value is
the next period's base value; no next-period target is below max(standard, value at p); no
status shown beside a probability contradicts the stated rule."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from consistency import conflicts, disagreements, explorer_facts, facts, ordering_faults

from analysis import paths
from analysis.analyses import status as rules
from analysis.data import load, synthetic
from analysis.runner import Options, run

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.cost(90)]


def _config(tmp: Path, profiles: list[str]) -> Path:
    text = (paths.PROJECT_ROOT / "reports.toml").read_text(encoding="utf-8")
    text = text.replace('notebook = "notebooks/', f'notebook = "{paths.NOTEBOOKS_DIR.as_posix()}/')
    listed = ", ".join(f'"{c}"' for c in profiles)
    text, n = re.subn(
        r'expand = \{ region_code = "@counties" \}',
        f"expand = {{ region_code = [{listed}] }}",
        text,
    )
    assert n == 1
    path = tmp / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _build(tmp: Path, data: Path | None) -> dict:
    ds = load(data)
    outputs = tmp / "outputs"
    summary = run(
        Options(
            config=_config(tmp, ds.unit_codes[:2]),
            data_dir=data,
            outputs=outputs,
            jobs=2,
            progress=False,
            explore=True,
        )
    )
    assert not summary.failed, {k: v.get("evalue") for k, v in summary.failed.items()}
    return {"ds": ds, "outputs": outputs}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tree = synthetic.write_tree(tmp_path_factory.mktemp("province") / "data", seed=0)
    return {
        "default": _build(tmp_path_factory.mktemp("default"), None),
        "province": _build(tmp_path_factory.mktemp("province_out"), tree),
    }


@pytest.fixture(scope="module", params=["default", "province"])
def built(request, builds):
    b = builds[request.param]
    b["facts"] = facts(b["outputs"])
    return b


def _directions(ds) -> dict[str, str]:
    return dict(zip(ds.indicators["id"], ds.indicators["direction"], strict=True))


def test_every_quantity_has_one_value_across_the_published_tables(built):
    f = built["facts"]
    files = set(f["file"])
    assert any("results" in x for x in files) and any("06_next" in x for x in files)
    bad = conflicts(f)
    assert bad.empty, bad.sort_values(["indicator", "region_code", "year"]).head(30).to_string()


def test_the_explorer_shows_the_same_values(built):
    page = explorer_facts(built["outputs"] / "html" / "explore.html")
    bad, compared = disagreements(built["facts"], page)
    assert compared > 50
    assert bad.empty, bad.head(20).to_string()


def test_value_at_p_lies_between_the_interval_end_and_the_median(built):
    faults = ordering_faults(built["facts"], _directions(built["ds"]))
    assert faults.empty, faults.head().to_string()


def test_next_targets_never_below_standard_or_value_at_p(built):
    ds = built["ds"]
    folder = built["outputs"] / "data" / "06_next_period_targets_2030"
    parts = [
        pd.read_csv(p, dtype={"region_code": str}) for p in folder.glob("county_targets_*.csv")
    ]
    assert parts
    t = pd.concat(parts)
    kind = ds.indicators.set_index("id")["kind"]
    sign = np.where(t["indicator"].map(_directions(ds)) == "higher", 1.0, -1.0)
    rate = t["indicator"].map(kind).isin(["rate", "ratio", "mean"]) | (t["region_code"] == ds.top)
    floor_std = np.where(rate, t["standard"], np.nan)
    for floor in (floor_std, t["projected_p"].to_numpy(float)):
        gap = sign * (t["target"].to_numpy(float) - floor)
        assert not (gap < -1e-9).any(), t[gap < -1e-9].to_string()


def test_statuses_beside_probabilities_follow_the_rule(built):
    for path in (built["outputs"] / "data").glob("03_target_projection_*/projection.csv"):
        p = pd.read_csv(path, dtype={"region_code": str}, keep_default_na=False)
        prob = pd.to_numeric(p["prob"], errors="coerce")
        expected = rules.risk(p["status"], prob)
        assert (p["risk"].astype(str).to_numpy() == expected).all(), path
    ev = built["outputs"] / "data" / "results" / "evaluation.csv"
    e = pd.read_csv(ev, dtype={"region_code": str})
    closed = e["final_year"] >= e["target_year"]
    assert set(e.loc[closed, "final_status"]) <= {"met", "not_met"}
