"""The real national series: imported in plain units with sources; projected and back-tested."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.analyses import national
from analysis.errors import UserError


@pytest.fixture(scope="module")
def proj():
    return national.project_series("certified_social_workers", 2030)


def test_units_are_normalised_and_sources_kept(proj):
    s = proj.series.set_index("year")
    assert list(s.index) == list(range(2014, 2024))
    assert s.loc[2014, "value"] == 152985  # published in persons
    assert s.loc[2015, "value"] == 206000  # published as 20.6 (10k persons)
    assert s.loc[2015, "unit_published"] == "万人" and s.loc[2015, "verified"] == "yes"
    assert s["source_title"].str.len().gt(0).all() and s["source_url"].str.len().gt(0).all()


def test_backtest_step_checked_by_hand(proj):
    """Origin 2022, one year ahead with the log-linear model: fit ln y on 2014..2022 by least
    squares (numpy.polyfit, independent of the package), start from the 2022 observation
    (jump-off): forecast 2023 = 931000 x exp(slope)."""
    s = proj.series
    if proj.method != "log":
        pytest.skip("the back-test chose another model")
    train = s[s["year"] <= 2022]
    slope = np.polyfit(train["year"], np.log(train["value"]), 1)[0]
    row = proj.backtest[(proj.backtest["origin"] == 2022) & (proj.backtest["year"] == 2023)]
    assert row["forecast"].iloc[0] == pytest.approx(931000 * np.exp(slope), rel=1e-9)
    assert row["actual"].iloc[0] == 1161000


def test_model_choice_is_the_lowest_mase(proj):
    a = proj.accuracy.dropna(subset=["mase"])
    assert proj.method == a.loc[a["mase"].idxmin(), "method"]
    f = proj.forecast
    assert (f["lo80"] <= f["mean"]).all() and (f["mean"] <= f["hi80"]).all()
    assert f.loc[2024, "mean"] > 1161000  # a growing series keeps growing from its last value


def test_unknown_series_is_a_user_error():
    with pytest.raises(UserError):
        national.load_series("no_such_series")
