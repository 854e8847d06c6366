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
    """Origin 2022 with the chosen damped log growth (phi = 0.9): fit ln y on 2014..2022 by
    least squares (numpy.polyfit, independent of the package), start from the 2022
    observation: 2023 = 931000 exp(0.9 g), 2024 would be 931000 exp((0.9 + 0.81) g)."""
    assert proj.method == "log_damped_0.9"  # lowest MASE: 0.589 (log-linear 1.053)
    s = proj.series
    train = s[s["year"] <= 2022]
    slope = np.polyfit(train["year"], np.log(train["value"]), 1)[0]
    row = proj.backtest[(proj.backtest["origin"] == 2022) & (proj.backtest["year"] == 2023)]
    assert row["forecast"].iloc[0] == pytest.approx(931000 * np.exp(0.9 * slope), rel=1e-9)
    assert row["actual"].iloc[0] == 1161000
    # 2030 from 2023, all ten years: 1161000 exp(g (0.9 + ... + 0.9^7))
    g = np.polyfit(s["year"], np.log(s["value"]), 1)[0]
    cum = sum(0.9**i for i in range(1, 8))
    assert proj.forecast.loc[2030, "mean"] == pytest.approx(1161000 * np.exp(g * cum), rel=1e-9)
    assert proj.verdict == "beats_naive"


def test_model_choice_is_the_lowest_mase(proj):
    a = proj.accuracy.dropna(subset=["mase"])
    assert proj.method == a.loc[a["mase"].idxmin(), "method"]
    f = proj.forecast
    assert (f["lo80"] <= f["mean"]).all() and (f["mean"] <= f["hi80"]).all()
    assert f.loc[2024, "mean"] > 1161000  # a growing series keeps growing from its last value


def test_unknown_series_is_a_user_error():
    with pytest.raises(UserError):
        national.load_series("no_such_series")


def _write(tmp_path, values, verified=None, first=2014):
    """A national series file with ``values`` from ``first`` (``verified`` per row)."""
    folder = tmp_path / "series"
    folder.mkdir(parents=True, exist_ok=True)
    head = "indicator,year,value,unit,value_published,unit_published,name_zh,source_title,"
    lines = [head + "source_url,quote,verified"]
    for k, v in enumerate(values):
        flag = (verified or ["partly"] * len(values))[k]
        lines.append(f"x,{first + k},{v},persons,{v},p,x,s,u,q,{flag}")
    (folder / "national_series.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_naive_mase_by_hand(tmp_path):
    # 10, 20, ..., 70 (2014-2020), horizon 3, at least 4 training years: origins 2017-2019,
    # training scale 10 each; naive errors: 2017 -> 10, 20, 30; 2018 -> 10, 20; 2019 -> 10;
    # MASE = (1 + 2 + 3 + 1 + 2 + 1) / 6 = 5/3, MAE = 100/6. The linear trend is exact.
    p = national.project_series("x", 2022, _write(tmp_path, [10, 20, 30, 40, 50, 60, 70]))
    acc = p.accuracy.set_index("method")
    assert acc.loc["naive", "mase"] == pytest.approx(5 / 3)
    assert acc.loc["naive", "mae"] == pytest.approx(100 / 6)
    assert p.method == "linear" and acc.loc["linear", "mase"] == pytest.approx(0, abs=1e-9)
    assert p.verdict == "beats_naive"


def test_damped_path_by_hand():
    # 100, 110, 121: ln y exactly linear, g = ln 1.1; phi = 0.5, two years on:
    # 121 exp(ln 1.1 (0.5 + 0.25)) = 121 x 1.1^0.75; the path levels off at 121 x 1.1^1
    y, t = np.array([100.0, 110.0, 121.0]), np.array([0, 1, 2])
    assert national.damped_path(y, t, np.array([2]), 0.5)[0] == pytest.approx(121 * 1.1**0.75)
    assert national.damped_path(y, t, np.array([200]), 0.5)[0] == pytest.approx(121 * 1.1)


def test_no_model_beats_the_naive_forecast(tmp_path):
    # growth, then flat: every trend keeps climbing after the origins, the naive forecast
    # is exact for the last origins, so it has the lowest MASE and the verdict says so
    values = [10, 20, 30, 40, 40, 40, 40, 40, 40]
    p = national.project_series("x", 2025, _write(tmp_path, values))
    acc = p.accuracy.set_index("method")["mase"]
    assert p.method == "naive" and p.verdict == "naive_best"
    assert acc["naive"] < acc.drop("naive").min()
    assert (p.forecast["mean"] == 40).all()  # carried forward


def test_source_quality_counts_the_verified_column(tmp_path):
    flags = ["yes", "partly", "partly", "yes", "partly", "partly"]
    p = national.project_series("x", 2022, _write(tmp_path, [1, 2, 3, 4, 5, 6], flags))
    assert national.quality(p.series) == {"yes": 2, "partly": 4}
    from analysis.present.words import national as words

    assert words.quality(p, "en").startswith("Source quality: of 6 values, 2 were read in the")
    assert "and 4 in a citing report" in words.quality(p, "en")
    assert "naive" in words.method_label("naive", "en")
    assert "0.9" in words.method_label("log_damped_0.9", "en")
