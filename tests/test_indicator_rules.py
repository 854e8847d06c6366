"""The optional ``aggregate`` / ``weight`` columns of indicators.csv (issue 15, item 2)."""

from __future__ import annotations

import shutil

import pytest
from cases import FIXTURES

from analysis.data import load
from analysis.data.aggregate import rules
from analysis.errors import DataError

HEADER = (
    "id,name_zh,name_en,unit_zh,unit_en,theme,direction,lower,upper,kind,numerator,"
    "denominator,scale,in_index,definition_zh,definition_en"
)


def _with_rules(tmp_path, urbanisation: str, workers: str = "sum,") -> object:
    """The minimal fixture with the two columns added; ``urbanisation``: its two cells."""
    root = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", root)
    lines = (root / "indicators.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER  # the fixture is an old data set without the two columns
    cells = {"population": "sum,", "urbanisation_rate": urbanisation, "community_workers": workers}
    out = [lines[0] + ",aggregate,weight"]
    out += [line + "," + cells.get(line.split(",")[0], "ratio,") for line in lines[1:]]
    (root / "indicators.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


def test_old_data_sets_without_the_columns_still_validate():
    ds = load(FIXTURES / "minimal")
    assert set(ds.indicators["aggregate"]) == {""}  # absent optional column: read as empty
    assert rules(ds.indicators).to_dict() == {
        "population": "sum",
        "urbanisation_rate": "none",
        "community_workers": "sum",
        "workers_per_10k": "ratio",
    }


def test_weighted_mean_declared_in_the_file_is_used(tmp_path):
    ds = load(_with_rules(tmp_path, "mean,population"))
    top = ds.obs("urbanisation_rate", "990000", 2020)["value"].iloc[0]
    # by hand: (60.5 * 100000 + 35 * 40000) / 140000 = 53.2142857...
    assert top == pytest.approx((60.5 * 100_000 + 35 * 40_000) / 140_000)
    ratio = ds.obs("workers_per_10k", "990000", 2020)["value"].iloc[0]
    assert ratio == pytest.approx((150 + 60) / 140_000 * 10_000)  # ratio of sums


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("mean,", "weight"),  # a mean needs its weight
        ("average,population", "aggregate"),  # unknown rule
        ("mean,no_such_indicator", "weight"),  # unknown weight
        ("ratio,", "numerator"),  # a ratio rule needs a derived indicator
    ],
)
def test_bad_rules_are_reported_at_their_cell(tmp_path, cells, column):
    with pytest.raises(DataError) as err:
        load(_with_rules(tmp_path, cells))
    hits = [p for p in err.value.problems if p.file == "indicators.csv"]
    assert [(p.row, p.column) for p in hits] == [(3, column)]
    assert hits[0].zh and hits[0].en


def test_the_embedded_indicators_declare_every_rule():
    ds = load(derive=False)
    ind = ds.indicators.set_index("id")
    assert (ind["aggregate"] != "").all()
    assert ind.loc["worker_avg_age", ["aggregate", "weight"]].tolist() == [
        "mean",
        "community_workers",
    ]
    assert (ind.loc[ind["kind"] == "ratio", "aggregate"] == "ratio").all()
    assert (ind.loc[ind["kind"].isin(["count", "money"]), "aggregate"] == "sum").all()
