"""The gap pipeline on the embedded data and on a synthetic 40-county region set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import stocks_by_hand

from analysis.analyses import gaps
from analysis.data import load
from analysis.data.synthetic import write_dataset
from analysis.errors import UserError
from analysis.methods import inequality
from analysis.present.words import gaps as gap_words


@pytest.fixture(scope="module")
def results(ds):
    return gaps.run(ds)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return load(write_dataset(tmp_path_factory.mktemp("syn") / "data", n_units=40))


def test_index_covers_every_unit(ds, results):
    idx = results["index"]
    assert sorted(idx.index) == sorted(ds.unit_codes)
    assert sorted(idx["rank"]) == list(range(1, len(ds.unit_codes) + 1))
    assert (idx["best_rank"] <= idx["median_rank"]).all() and (
        idx["median_rank"] <= idx["worst_rank"]
    ).all()
    assert (
        results["weights"][["w_equal", "w_theme", "w_entropy"]].sum().round(12).tolist()
        == [1.0] * 3
    )


def test_inequality_decomposition_exact_and_matches_per_indicator(ds, results):
    q = results["inequality"].dropna(subset=["theil_t"])
    assert not q.empty
    np.testing.assert_allclose(
        q["theil_t_between"] + q["theil_t_within"], q["theil_t"], rtol=0, atol=1e-12
    )
    ql = results["inequality"].dropna(subset=["theil_l"])
    np.testing.assert_allclose(
        ql["theil_l_between"] + ql["theil_l_within"], ql["theil_l"], rtol=0, atol=1e-12
    )
    # the all-indicators array path equals a one-indicator summary built from ds.panel
    ind = "facility_area_per_100hh"
    panel = ds.panel(ind)
    pop = gaps.population(ds, list(panel.columns))
    groups = ds.regions.set_index("code")["group"]
    ref = inequality.summary(panel, pop, groups)
    got = q[(q["indicator"] == ind) & (q["weighting"] == "population")].set_index("year")
    np.testing.assert_allclose(
        got[["cv", "gini", "theil_t", "theil_t_between"]],
        ref.loc[got.index, ["cv", "gini", "theil_t", "theil_t_between"]],
        rtol=1e-12,
    )


def test_shortfall_equals_need_minus_stock(ds):
    """Facility: need 30 m² per 100 households, stock = facility area (independent formula)."""
    spec = gaps.resolve(ds)
    short = gaps.shortfall_table(ds, spec.year, unit_costs={"facility_area": 3000.0})
    area = ds.values(["facility_area"], spec.year)["facility_area"]
    # households after the 2020 census: estimated from the province down (share trends),
    # written out by hand in stocks_by_hand
    hh = pd.Series({c: stocks_by_hand.stock("households", c, spec.year) for c in ds.unit_codes})
    need = (30 * hh / 100 - area).clip(lower=0)
    got = short[short["indicator"] == "facility_area_per_100hh"].set_index("region_code")
    assert len(got) == int((need > 1e-9).sum()) > 0
    np.testing.assert_allclose(got["quantity"], need[got.index], rtol=1e-9)
    np.testing.assert_allclose(got["cost"], need[got.index] * 3000 / 1e4, rtol=1e-9)  # 10k yuan
    assert set(got["cost_basis"]) == {"once"}
    staff = short[short["indicator"] == "workers_per_10k_urban"]
    assert staff["cost"].isna().all() and set(staff["cost_basis"]) == {""}  # no unit cost given
    default = gaps.shortfall_table(ds, spec.year)
    staff = default[default["indicator"] == "workers_per_10k_urban"]
    assert set(staff["cost_basis"]) == {"per_year"}  # persons are costed per year
    assert short["rank"].tolist() == list(range(1, len(short) + 1))


def test_tiers_and_profile(ds, results):
    tiers = results["tiers"]
    assert set(np.unique(tiers.to_numpy())) <= {"leading", "middle", "lagging", "no_data"}
    spec = gaps.resolve(ds)
    prof = gaps.profile(ds, "522722", spec)
    assert set(spec.indicators) <= set(prof.index)
    assert prof["rank"].between(1, len(ds.unit_codes)).all()
    # the gap is what is missing to the standard: max(0, 30 - value)
    r = prof.loc["facility_area_per_100hh"]
    assert r["gap"] == pytest.approx(max(0.0, 30 - r["value"]))


def test_display_is_chinese_first(ds, results):
    t = gap_words.display(results["index"], ds, "zh")
    assert list(t.columns[:4]) == ["区划代码", "县（市）", "综合指数", "排名"]
    assert "都匀市" in set(t["县（市）"])
    e = gap_words.display(results["index"], ds, "en")
    assert "Index" in e.columns and "Duyun" in set(e["Counties"])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"indicators": ["no_such_indicator"]}, "facility_area_per_100hh"),
        ({"weighting": "expert"}, "entropy"),
        ({"normalisation": "rank"}, "zscore"),
        ({"grouping": "colour"}, "group"),
        ({"year": 1999}, "2024"),
        ({"grouping": {"999999": "a"}}, "522701"),
    ],
)
def test_bad_parameters_list_valid_options(ds, kwargs, needle):
    with pytest.raises(UserError) as e:
        gaps.resolve(ds, **kwargs)
    assert needle in str(e.value)
    assert str(e.value).index("。") < str(e.value).index("\n")  # Chinese line first


def test_bad_region_code(ds):
    with pytest.raises(UserError, match="522701"):
        gaps.unit_code(ds, "123456")
    with pytest.raises(UserError, match="不是县（市）之一"):
        gaps.unit_code(ds, "522700")  # the prefecture is not a unit
    assert gaps.unit_code(ds, 522722) == "522722"  # papermill may pass an int


def test_user_weights_and_groups(ds):
    spec = gaps.resolve(
        ds, weighting={"facility_area_per_100hh": 1.0}, grouping={c: c[:5] for c in ds.unit_codes}
    )
    idx = gaps.development_index(ds, spec)
    v = ds.values(["facility_area_per_100hh"], spec.year)["facility_area_per_100hh"]
    # one indicator with all the weight: index = its min-max score
    expect = 100 * (v - v.min()) / (v.max() - v.min())
    np.testing.assert_allclose(idx["index"], expect[idx.index], atol=1e-9)
    assert "minmax/user" not in idx.columns  # sensitivity summary only
    assert spec.groups.nunique() == 3  # 52270, 52272, 52273


def test_synthetic_region_set(synthetic):
    r = gaps.run(synthetic, weighting="entropy")
    assert len(r["index"]) == 40
    assert set(r["index"].index) == set(synthetic.unit_codes)
    assert r["inequality"]["n"].max() == 40
    assert r["beta"]["n"].max() == 40
    assert not r["shortfall"].empty
    assert gap_words.map_input(synthetic, r["index"]) is None  # no map in this data set


def test_beta_half_life_hand_computed():
    """Start values 1, 2, 4; annual log growth g_i = 0.02 - 0.05 ln x_i0 + e_i with
    e = (0.001, -0.002, 0.001) (orthogonal to the centred ln x0, so the OLS slope is exactly
    -0.05) over T = 10 years: speed = -ln(1 - 0.05 * 10) / 10 = 0.0693147, half-life =
    ln 2 / speed = 10 years; SSR = 6e-6, s^2 = 6e-6 / 1, Sxx = 2 (ln 2)^2 = 0.960906,
    se = 0.0024988, t = -20.01 on 1 df -> p = 1 - 2/pi atan(20.01) = 0.0318."""
    from analysis.methods import convergence

    x0 = np.array([1.0, 2.0, 4.0])
    g = 0.02 - 0.05 * np.log(x0) + np.array([0.001, -0.002, 0.001])
    panel = pd.DataFrame({2010: x0, 2020: x0 * np.exp(10 * g)})
    b = convergence.beta(panel)
    assert b["beta"] == pytest.approx(-0.05, abs=1e-12)
    assert b["se"] == pytest.approx(0.0024988, abs=1e-6)
    assert b["p_value"] == pytest.approx(1 - 2 / np.pi * np.arctan(0.05 / b["se"]), rel=1e-6)
    assert b["speed"] == pytest.approx(0.0693147, abs=1e-6)
    assert b["half_life"] == pytest.approx(10.0, abs=1e-9)
    assert b["reason"] == ""


def test_beta_degenerate_cases_are_named():
    from analysis.methods import convergence

    x0 = np.array([50.0, 70.0, 90.0, 60.0])
    ceiling = pd.DataFrame({2016: x0, 2024: np.full(4, 100.0)})  # every region at 100 %
    assert convergence.beta(ceiling)["reason"] == "perfect_fit"
    assert np.isnan(convergence.beta(ceiling)["half_life"])
    flat = pd.DataFrame({2016: np.full(4, 5.0), 2024: x0})
    assert convergence.beta(flat)["reason"] == "zero_variance"
    few = pd.DataFrame({2016: [1.0, 2.0], 2024: [2.0, 3.0]})
    assert convergence.beta(few)["reason"] == "too_few"


def test_beta_table_reports_half_lives_only_for_estimable_rows(ds, results):
    b = results["beta"]
    assert set(b.index) == set(gaps.resolve(ds).indicators)
    ok = b.dropna(subset=["half_life"])
    assert (ok["reason"] == "").all() and (ok["p_value"] < 0.05).all()
