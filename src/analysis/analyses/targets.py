"""Target projection and progress (notebook 03): from a Dataset and the plan-period
parameters to code-named result tables (numbers and codes only)::

    view = prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
    view.projection_frame()        # projected value, intervals, P(meet), status code
    view.county_frame("facility_area_per_100hh")  # county targets, code-named columns
    view.backtest_frame()          # back-test accuracy per indicator and method

Targets come from ``targets.csv`` (rows for the aggregate region and ``target_year``);
``target_values`` {indicator: value} adds or replaces targets. Rows with attribute
``benchmark`` (targets taken from another region's plan) are context only: they are listed
by ``benchmarks`` and never drive status, probabilities or county targets. A target
on a rate, ratio or mean is a floor for every county; a count target is split
(``analysis.analyses.county_targets``). ``prepare`` runs the steps ``check_period``,
``select_indicators``, ``observed_history``, ``fit_projection``, ``held_targets``,
``progress_status`` and ``summarise``. Reader tables, figure inputs and findings are worded
in ``analysis.present.words`` (``targets``, ``target_findings``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses import levels
from analysis.analyses import status as status_rules
from analysis.data import Dataset
from analysis.errors import user_error
from analysis.methods import decompose, progress, projection, scenarios

STANDARD_KINDS = ct.STANDARD_KINDS
SCENARIO_EXTRA_YEARS = 10  # the BAU scenario is followed this many years past the target year


def _check_year(name: str, value: object) -> int:
    try:
        y = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        y = None
    if y is None or y != value or not 1900 <= y <= 2100:
        raise user_error("targets.year_param", name=name, value=repr(value))
    return y


@dataclass(frozen=True)
class TargetView:
    """Projection, progress status and county targets for one plan period."""

    ds: Dataset
    base_year: int
    target_year: int
    as_of_year: int
    indicators: list[str]
    method: str
    scenario_growth: float
    rule: str
    targets: pd.DataFrame  # one row per indicator (prefecture target), benchmarks excluded
    county_target_values: pd.DataFrame  # region x indicator target each region is held to
    history: pd.DataFrame  # (indicator, region_code) x year, observed up to as_of_year
    forecast: projection.Forecast
    summary: pd.DataFrame = field(repr=False)  # one row per (indicator, region_code)
    accuracy: pd.DataFrame | None = field(default=None, repr=False)  # back-test (auto methods)

    # -- regions --------------------------------------------------------------
    @property
    def regions(self) -> list[str]:
        """The aggregate region first, then the counties."""
        return levels.scope_regions(self.ds)

    def obs_used(self, indicator: str | None = None) -> pd.DataFrame:
        """The observations behind the tables and figures (for source notes)."""
        inds = self.indicators if indicator is None else [indicator]
        o = self.ds.obs(inds, self.regions)
        return o[o["year"] <= self.as_of_year].reset_index(drop=True)

    @property
    def illustrative(self) -> bool:
        return self.ds.is_illustrative(self.obs_used())

    # -- tables ----------------------------------------------------------------------------
    def projection_frame(self) -> pd.DataFrame:
        """The summary with stable code-named columns (for CSV export)."""
        cols = [
            "indicator",
            "region_code",
            "base_value",
            "latest_year",
            "latest_value",
            "target",
            "projected",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
            "prob",
            "status",
            "risk",
            "method",
            "fallback",
        ]
        return self.summary[cols].assign(target_year=self.target_year)

    def backtest_frame(self) -> pd.DataFrame:
        """Mean back-test MAE and MASE per indicator and candidate method over the counties,
        and how many counties each method was chosen for (code-named columns)."""
        acc = self.accuracy
        if acc is None:
            meta = self.ds.indicators.set_index("id").reindex(
                self.history.index.get_level_values(0)
            )
            acc = projection.accuracy(
                self.history,
                projection.OLS_METHODS,
                lower=meta["lower"].to_numpy(float),
                upper=meta["upper"].to_numpy(float),
                horizon=self._horizon,
            )
        units = acc.index.get_level_values("region_code").isin(self.ds.unit_codes)
        acc = acc[units]
        chosen = pd.Series(self.forecast.method, index=self.forecast.keys)[units]
        mean = acc.groupby(level="indicator").mean()
        rows = []
        for ind in self.indicators:
            for m in acc.columns.get_level_values("method").unique():
                rows.append(
                    {
                        "indicator": ind,
                        "method": m,
                        "mae": mean.loc[ind, ("mae", m)],
                        "mase": mean.loc[ind, ("mase", m)],
                        "chosen": int((chosen.loc[ind] == m).sum()),
                    }
                )
        return pd.DataFrame(rows, columns=["indicator", "method", "mae", "mase", "chosen"])

    @property
    def basis_year(self) -> int:
        """Year of the county values a target is set from: the baseline, or the latest
        year with data when the baseline is not yet observed."""
        return min(self.base_year, self.as_of_year)

    @property
    def _horizon(self) -> int:
        return max(1, min(5, self.target_year - self.as_of_year))

    # -- figure inputs ----------------------------------------------------------------------

    # -- county targets -------------------------------------------------------------------
    def county_frame(self, indicator: str, rule: str | None = None) -> pd.DataFrame:
        """County targets with stable code-named columns (``county_targets.COLUMNS``)."""
        rule = decompose.check_rule(self.rule if rule is None else rule)
        self.ds.check_indicators([indicator])
        if indicator not in self.targets.index:
            raise user_error("targets.no_target_indicator", indicator=indicator)
        value = float(self.targets.loc[indicator, "target_value"])
        return ct.county_targets(self.ds, indicator, value, rule, self.basis_year, self.target_year)

    # -- scenarios --------------------------------------------------------------------------
    def scenario_frame(self) -> pd.DataFrame:
        """Year each region reaches its target: BAU, accelerated and slow (NaN = not reached)."""
        direction = [
            self.ds.indicator(i)["direction"] for i in self.forecast.keys.get_level_values(0)
        ]
        tgt = [self.county_target_values.loc[r, i] for i, r in self.forecast.keys]
        tab = scenarios.scenario_table(self.forecast, tgt, self.scenario_growth, direction)
        return tab.reset_index()


# -- building the view: the steps of ``prepare`` ------------------------------------------------
def _latest(ds: Dataset, indicator: str, regions: Sequence[str], year: int) -> pd.Series:
    """Latest observed value up to ``year`` per region (NaN if none)."""
    return ct.latest(ds, indicator, list(regions), year)["value"]


def _origin(frame: pd.DataFrame) -> pd.Series:
    """Provenance of each target row: the ``origin`` column, else inferred from attribute."""
    inferred = np.where(frame["attribute"] == "benchmark", "elsewhere", "national")
    if "origin" not in frame.columns:
        return pd.Series(inferred, index=frame.index)
    given = frame["origin"].where(frame["origin"] != "")  # blank: inferred
    return given.fillna(pd.Series(inferred, index=frame.index))


def _top_targets(ds: Dataset, target_year: int) -> pd.DataFrame:
    t_ = ds.targets_for(target_year=target_year)
    t_ = t_[t_["region_code"] == ds.top].copy()
    t_["origin"] = _origin(t_).to_numpy()
    t_ = t_.set_index("indicator")[["target_value", "base_value", "attribute", "source", "origin"]]
    kinds = ds.indicators.set_index("id")["kind"]
    t_["scope"] = np.where(kinds.reindex(t_.index).isin(STANDARD_KINDS), "standard", "total")
    return t_.rename_axis("indicator")


def benchmarks(ds: Dataset, target_year: int) -> pd.DataFrame:
    """Benchmarks (attribute ``benchmark``) of the aggregate region for ``target_year``."""
    t_ = _top_targets(ds, target_year)
    return t_[t_["attribute"] == "benchmark"]


def targets_in_force(
    ds: Dataset, target_year: int, target_values: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Targets of the aggregate region for ``target_year`` from the data (benchmarks left
    out), replaced or extended by ``target_values``; indexed by indicator, with ``scope``
    standard/total and ``origin`` own/national/elsewhere."""
    t_ = _top_targets(ds, target_year)
    t_ = t_[t_["attribute"] != "benchmark"]
    extra = dict(target_values or {})
    if extra:
        ds.check_indicators(list(extra))
        bad = {
            k: v for k, v in extra.items() if not isinstance(v, int | float) or not np.isfinite(v)
        }
        if bad:
            raise user_error("targets.target_values_numbers", bad=bad)
        new = pd.DataFrame(
            {
                "target_value": [float(v) for v in extra.values()],
                "base_value": np.nan,
                "attribute": "expected",
                "source": "parameter",
                "origin": "own",
            },
            index=list(extra),
        )
        kinds = ds.indicators.set_index("id")["kind"]
        new["scope"] = np.where(kinds.reindex(new.index).isin(STANDARD_KINDS), "standard", "total")
        t_ = pd.concat([t_.drop(index=[i for i in extra if i in t_.index]), new])
    order = {i: k for k, i in enumerate(ds.indicators["id"])}
    t_ = t_.sort_index(key=lambda idx: idx.map(order))  # the order of indicators.csv
    return t_.rename_axis("indicator")


def check_period(
    base_year: object, target_year: object, as_of_year: object
) -> tuple[int, int, int]:
    """Validated (base_year, target_year, as_of_year): base < target, as_of < target."""
    b = _check_year("base_year", base_year)
    ty = _check_year("target_year", target_year)
    a = _check_year("as_of_year", as_of_year)
    if ty <= b:
        raise user_error("targets.target_after_base", target_year=ty, base_year=b)
    if a >= ty:
        raise user_error("targets.as_of_before_target", as_of_year=a, target_year=ty)
    return b, ty, a


def select_indicators(
    ds: Dataset, targets: pd.DataFrame, indicators: Sequence[str] | str | None, target_year: int
) -> list[str]:
    """The indicators to project: those asked for (each must have a target) or all targets."""
    if isinstance(indicators, str):
        indicators = [indicators] if indicators else []
    if indicators:
        inds = ds.check_indicators(list(indicators))
        missing = [i for i in inds if i not in targets.index]
        if missing:
            have = ", ".join(targets.index) or "—"
            raise user_error(
                "targets.missing_targets",
                target_year=target_year,
                missing=", ".join(missing),
                have=have,
                first=missing[0],
            )
        return list(inds)
    if targets.empty:
        raise user_error("targets.no_targets", target_year=target_year)
    return list(targets.index)


def observed_history(
    ds: Dataset, inds: list[str], regions: list[str], as_of_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations up to ``as_of_year`` and the (indicator, region) x year panel."""
    o = ds.obs(inds, regions)
    o = o[o["year"] <= as_of_year]
    keys = pd.MultiIndex.from_product([inds, regions], names=["indicator", "region_code"])
    history = o.pivot_table(
        index=["indicator", "region_code"], columns="year", values="value"
    ).reindex(keys)
    if history.shape[1] == 0:
        raise user_error("targets.no_history", as_of_year=as_of_year)
    return o, history


def _bounds(ds: Dataset, keys: pd.MultiIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    meta = ds.indicators.set_index("id")
    ind_of = keys.get_level_values(0)
    lower = meta["lower"].reindex(ind_of).to_numpy(float)
    upper = meta["upper"].reindex(ind_of).to_numpy(float)
    direction = meta["direction"].reindex(ind_of).to_numpy(object)
    return lower, upper, direction


def fit_projection(
    ds: Dataset, history: pd.DataFrame, method: str, as_of_year: int, target_year: int
) -> tuple[projection.Forecast, pd.DataFrame | None]:
    """Project every series to ``target_year`` + ``SCENARIO_EXTRA_YEARS``; with an ``auto``
    method the back-test is run once and also returned (it is shown in a table)."""
    keys = history.index
    assert isinstance(keys, pd.MultiIndex)
    lower, upper, direction = _bounds(ds, keys)
    years = np.arange(as_of_year + 1, target_year + SCENARIO_EXTRA_YEARS + 1)
    horizon = max(1, min(5, target_year - as_of_year))
    acc = None
    chosen: str | np.ndarray = method
    if method in projection.AUTO:
        acc = projection.accuracy(
            history, projection.AUTO[method], lower=lower, upper=upper, horizon=horizon
        )
        chosen = projection.pick(acc, projection.AUTO[method]).to_numpy()
    fc = projection.project(
        history, years, method=chosen, lower=lower, upper=upper, horizon=horizon
    )
    return projection.hold_at_bound(fc, direction), acc


def held_targets(
    ds: Dataset, targets: pd.DataFrame, rule: str, basis_year: int, target_year: int
) -> pd.DataFrame:
    """Region x indicator: the target each region is held to. Standards: the standard for
    every region (status and probability are judged against it); totals: the county
    split floored at the current value (``county_targets``)."""
    regions = levels.scope_regions(ds)
    ctv = pd.DataFrame(index=regions, columns=list(targets.index), dtype=float)
    for ind in targets.index:
        value = float(targets.loc[ind, "target_value"])
        if targets.loc[ind, "scope"] == "standard":
            ctv[ind] = value
            continue
        f = ct.total_targets(ds, ind, value, rule, basis_year, target_year, with_levels=True)
        ctv[ind] = f.set_index("region_code")["target"].reindex(regions)
        ctv.loc[ds.top, ind] = value
    return ctv


def progress_status(
    ds: Dataset,
    o: pd.DataFrame,
    keys: pd.MultiIndex,
    targets: pd.DataFrame,
    target_arr: np.ndarray,
    base_year: int,
    target_year: int,
) -> tuple[np.ndarray, pd.Series]:
    """Status code per series (``progress.status``) and the baseline values used."""
    base = o[o["year"] == base_year].set_index(["indicator", "region_code"])["value"].reindex(keys)
    for ind, v in targets["base_value"].dropna().items():
        base.loc[(ind, ds.top)] = v
    after = (
        o[o["year"] > base_year]
        .sort_values("year")
        .groupby(["indicator", "region_code"])
        .last()
        .reindex(keys)
    )
    meta = ds.indicators.set_index("id")
    absolute = (meta["unit_en"].reindex(keys.get_level_values(0)) == "%").to_numpy()
    _, _, direction = _bounds(ds, keys)
    limit = (
        meta["limit"].reindex(keys.get_level_values(0)).to_numpy(float)
        if "limit" in meta.columns
        else np.nan
    )
    codes = progress.status(
        base.to_numpy(float),
        base_year,
        after["value"].to_numpy(float),
        after["year"].to_numpy(float),
        target_arr,
        target_year,
        direction,
        absolute,
        limit,
    )
    return codes, base


def summarise(
    o: pd.DataFrame,
    keys: pd.MultiIndex,
    base: pd.Series,
    target_arr: np.ndarray,
    fc: projection.Forecast,
    status: np.ndarray,
    direction: np.ndarray,
    target_year: int,
) -> pd.DataFrame:
    """One row per (indicator, region): baseline, latest, target, projection, P(meet), status."""
    at = fc.at(target_year)
    prob = fc.prob(target_arr, target_year, direction)
    latest = o.sort_values("year").groupby(["indicator", "region_code"]).last().reindex(keys)
    return pd.DataFrame(
        {
            "indicator": keys.get_level_values(0),
            "region_code": keys.get_level_values(1),
            "base_value": base.to_numpy(float),
            "latest_value": latest["value"].to_numpy(float),
            "latest_year": latest["year"].to_numpy(float),
            "target": target_arr,
            "projected": at["projected"].to_numpy(),
            "lo80": at["lo80"].to_numpy(),
            "hi80": at["hi80"].to_numpy(),
            "lo95": at["lo95"].to_numpy(),
            "hi95": at["hi95"].to_numpy(),
            "prob": prob,
            "status": status,
            "risk": status_rules.risk(status, prob),
            "method": fc.method,
            "fallback": fc.reasons,
            "n_obs": fc.n_obs,
        }
    )


def prepare(
    ds: Dataset,
    *,
    base_year: int = 2020,
    target_year: int = 2025,
    as_of_year: int = 2024,
    indicators: Sequence[str] | None = None,
    method: str = "auto",
    scenario_growth: float = 0.08,
    target_values: Mapping[str, float] | None = None,
    rule: str = "gap",
    fitted: tuple[projection.Forecast, pd.DataFrame | None] | None = None,
    in_force: pd.DataFrame | None = None,
) -> TargetView:
    """Validate the parameters, project every target indicator for every region to the
    target year, and compute the probability of meeting the target and progress status.

    ``fitted``: the forecast (and back-test) of the horizon, rows in the order indicators x
    (top, units), as ``analyses.forecasts`` gives it; the results model passes the one
    forecast every report shares. Without it the projection is fitted here. ``in_force``:
    the targets of the period (``next_period.standards_for``: the data's, the parameter's,
    else the previous period's carried forward); default ``targets_in_force``."""
    base_year, target_year, as_of_year = check_period(base_year, target_year, as_of_year)
    projection.check_method(method)
    scenarios.check_growth(scenario_growth)
    decompose.check_rule(rule)
    targets = targets_in_force(ds, target_year, target_values) if in_force is None else in_force
    inds = select_indicators(ds, targets, indicators, target_year)
    targets = targets.loc[inds]
    regions = levels.scope_regions(ds)
    o, history = observed_history(ds, inds, regions, as_of_year)
    keys = history.index
    assert isinstance(keys, pd.MultiIndex)
    if fitted is None:
        fc, acc = fit_projection(ds, history, method, as_of_year, target_year)
    else:
        fc, acc = fitted
        if not fc.keys.equals(keys):
            raise ValueError("the forecast's rows do not match the indicators x regions asked for")
    ctv = held_targets(ds, targets, rule, min(base_year, as_of_year), target_year)
    target_arr = np.array([ctv.loc[r, i] for i, r in keys], dtype=float)
    status, base = progress_status(ds, o, keys, targets, target_arr, base_year, target_year)
    _, _, direction = _bounds(ds, keys)
    summary = summarise(o, keys, base, target_arr, fc, status, direction, target_year)
    return TargetView(
        ds=ds,
        base_year=base_year,
        target_year=target_year,
        as_of_year=as_of_year,
        indicators=inds,
        method=method,
        scenario_growth=float(scenario_growth),
        rule=rule,
        targets=targets,
        county_target_values=ctv,
        history=history,
        forecast=fc,
        summary=summary,
        accuracy=acc,
    )
