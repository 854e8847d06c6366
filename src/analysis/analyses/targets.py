"""Notebook helpers for target projection and progress (notebook 03): from a Dataset and
the plan-period parameters to ready tables and figure inputs.

>>> view = prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
>>> view.projection_table()        # projected value, intervals, P(meet), status
>>> view.status_matrix()           # regions x indicators, status codes for the dashboard
>>> view.fan_inputs("facility_area_per_100hh")   # history, forecast, target for fan_chart
>>> view.county_targets("facility_area_per_100hh", rule="gap")

Targets come from ``targets.csv`` (rows for the aggregate region and ``target_year``);
``target_values`` {indicator: value} adds or replaces targets, e.g. for a plan period with
no published targets in the data. A target on a rate, ratio or mean (30 m² per 100
households, 18 per 10k, 80 % coverage) is a standard that every county must meet; a
target on a count is a total that is split into county targets (``analysis.methods.decompose``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import Dataset
from analysis.data.derived import denominators
from analysis.errors import UserError
from analysis.methods import decompose, progress, projection, scenarios

STANDARD_KINDS = ("rate", "ratio", "mean")
SCENARIO_EXTRA_YEARS = 10  # the BAU scenario is followed this many years past the target year

TEXT = {
    "indicator": ("指标", "Indicator"),
    "region": ("地区", "Region"),
    "method": ("预测方法", "Method"),
    "base": ("基期值", "Baseline"),
    "latest": ("最新值", "Latest"),
    "latest_year": ("最新年份", "Latest year"),
    "target": ("目标值", "Target"),
    "projected": ("预测值", "Projected"),
    "pi80": ("80%预测区间", "80% interval"),
    "pi95": ("95%预测区间", "95% interval"),
    "prob": ("达标概率(%)", "P(meet) (%)"),
    "status": ("进展状态", "Status"),
    "attribute": ("属性", "Attribute"),
    "scope": ("适用方式", "Applies as"),
    "source": ("来源", "Source"),
    "standard": ("各县统一标准", "standard for every county"),
    "total": ("全州总量,分解到县", "prefecture total, split by county"),
    "current": ("现状值", "Current value"),
    "current_count": ("现状数量", "Current amount"),
    "target_count": ("目标数量", "Target amount"),
    "increase": ("需增加", "Increase needed"),
    "share": ("占全州增量(%)", "Share of increase (%)"),
    "county_target": ("县目标值", "County target"),
    "gap": ("差距", "Gap"),
    "bau": ("惯性趋势达标年份", "Year met (business as usual)"),
    "accelerated": ("加速情景达标年份", "Year met (accelerated)"),
    "met": ("已达标", "met"),
    "later": ("{y}年后", "after {y}"),
    "never": ("无法达到", "not reached"),
    "parameter": ("参数 target_values", "parameter target_values"),
    "expected": ("预期性", "expected"),
    "binding": ("约束性", "binding"),
    "benchmark": ("参照值", "benchmark"),
    "mae": ("平均绝对误差", "MAE"),
    "mase": ("平均绝对标度误差", "MASE"),
    "chosen": ("选用该方法的县数", "counties using it"),
}


def _t(key: str, lang: str) -> str:
    return TEXT[key][0 if lang == "zh" else 1]


def _check_year(name: str, value) -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        y = None
    if y is None or y != value or not 1900 <= y <= 2100:
        raise UserError(
            f"参数 {name} 应为年份(如 2025),收到 {value!r}",
            f"parameter {name} must be a year such as 2025, got {value!r}",
        )
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
    targets: pd.DataFrame  # one row per indicator (prefecture target)
    county_target_values: pd.DataFrame  # region x indicator target each region is held to
    history: pd.DataFrame  # (indicator, region_code) x year, observed up to as_of_year
    forecast: projection.Forecast
    summary: pd.DataFrame = field(repr=False)  # one row per (indicator, region_code)
    accuracy: pd.DataFrame | None = field(default=None, repr=False)  # back-test (auto methods)

    # -- regions and labels --------------------------------------------------------------
    @property
    def regions(self) -> list[str]:
        """The aggregate region first, then the counties."""
        return [self.ds.top, *self.ds.unit_codes]

    def _region_labels(self, lang: str) -> dict[str, str]:
        return self.ds.names(lang)

    def _ind_labels(self, lang: str) -> dict[str, str]:
        return {i: self.ds.label(i, lang) for i in self.indicators}

    def obs_used(self, indicator: str | None = None) -> pd.DataFrame:
        """The observations behind the tables and figures (for source notes)."""
        inds = self.indicators if indicator is None else [indicator]
        o = self.ds.obs(inds, self.regions)
        return o[o["year"] <= self.as_of_year].reset_index(drop=True)

    @property
    def illustrative(self) -> bool:
        return self.ds.is_illustrative(self.obs_used())

    # -- tables ----------------------------------------------------------------------------
    def targets_table(self, lang: str = "zh") -> pd.DataFrame:
        """The targets in force for the period, with their attribute and source."""
        t = self.targets
        titles = dict(zip(self.ds.sources["id"], self.ds.sources["title"], strict=True))
        return pd.DataFrame(
            {
                _t("indicator", lang): [self.ds.label(i, lang) for i in t.index],
                _t("target", lang): t["target_value"].to_numpy(),
                _t("attribute", lang): [
                    TEXT.get(a, (a, a))[0 if lang == "zh" else 1] for a in t["attribute"]
                ],
                _t("scope", lang): [_t(s, lang) for s in t["scope"]],
                _t("source", lang): [
                    _t("parameter", lang) if s == "parameter" else titles.get(s, s)
                    for s in t["source"]
                ],
            }
        )

    def projection_table(self, lang: str = "zh", digits: int = 1) -> pd.DataFrame:
        """Projected value at the target year with 80 %/95 % intervals, probability of
        meeting the target and progress status, one row per indicator and region."""
        s = self.summary
        r = self._region_labels(lang)
        fmt = f"{{:.{digits}f}}"

        def interval(lo, hi):
            return [
                ("—" if np.isnan(a) else f"{fmt.format(a)}–{fmt.format(b)}")
                for a, b in zip(lo, hi, strict=True)
            ]

        out = pd.DataFrame(
            {
                _t("indicator", lang): [self.ds.label(i, lang) for i in s["indicator"]],
                _t("region", lang): s["region_code"].map(r).to_numpy(),
                _t("base", lang) + f"({self.base_year})": s["base_value"].round(digits).to_numpy(),
                _t("latest", lang): s["latest_value"].round(digits).to_numpy(),
                _t("latest_year", lang): s["latest_year"].astype("Int64").to_numpy(),
                _t("target", lang): s["target"].round(digits).to_numpy(),
                _t("projected", lang) + f"({self.target_year})": s["projected"]
                .round(digits)
                .to_numpy(),
                _t("pi80", lang): interval(s["lo80"], s["hi80"]),
                _t("pi95", lang): interval(s["lo95"], s["hi95"]),
                _t("prob", lang): (s["prob"] * 100).round(0).to_numpy(),
                _t("status", lang): progress.status_labels(s["status"], lang).to_numpy(),
                _t("method", lang): [projection.method_label(m, lang) for m in s["method"]],
            }
        )
        return out

    def status_matrix(self, lang: str = "zh") -> pd.DataFrame:
        """Status codes, rows = region names (aggregate first), columns = indicator labels."""
        m = self.summary.pivot(index="region_code", columns="indicator", values="status")
        m = m.reindex(index=self.regions, columns=self.indicators).fillna("no_data")
        m.index = [self._region_labels(lang)[c] for c in m.index]
        m.columns = [self._ind_labels(lang)[i] for i in m.columns]
        return m

    def probability_matrix(self) -> pd.DataFrame:
        """P(meet target in target_year), regions x indicators (codes and ids)."""
        m = self.summary.pivot(index="region_code", columns="indicator", values="prob")
        return m.reindex(index=self.regions, columns=self.indicators)

    def backtest_table(self, lang: str = "zh") -> pd.DataFrame:
        """Mean back-test MAE and MASE per indicator and candidate method over the counties
        (rolling origin), and how many counties each method was chosen for."""
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
                        _t("indicator", lang): self.ds.label(ind, lang),
                        _t("method", lang): projection.method_label(m, lang),
                        _t("mae", lang): mean.loc[ind, ("mae", m)],
                        _t("mase", lang): mean.loc[ind, ("mase", m)],
                        _t("chosen", lang): int((chosen.loc[ind] == m).sum()),
                    }
                )
        return pd.DataFrame(rows)

    @property
    def basis_year(self) -> int:
        """Year of the county values a total is split from: the baseline, or the latest
        year with data when the baseline is not yet observed."""
        return min(self.base_year, self.as_of_year)

    @property
    def _horizon(self) -> int:
        return max(1, min(5, self.target_year - self.as_of_year))

    # -- figure inputs ----------------------------------------------------------------------
    def fan_inputs(self, indicator: str, region: str | None = None, lang: str = "zh") -> dict:
        """Keyword arguments for ``figures.fan_chart``: history, forecast (to the target
        year), target (year, value), title and ylabel."""
        self.ds.check_indicators([indicator])
        region = self.ds.top if region is None else self.ds.check_regions([region])[0]
        key = (indicator, region)
        if key not in self.forecast.keys:
            raise UserError(
                f"指标 {indicator} 未参与本次预测",
                f"indicator {indicator} is not in this projection",
            )
        hist = self.history.loc[key].dropna()
        hist.index = hist.index.astype(int)
        fc = self.forecast.series(key)
        fc = fc[fc.index <= self.target_year]
        target = float(self.county_target_values.loc[region, indicator])
        name = self.ds.name(region, lang)
        return {
            "history": hist,
            "forecast": fc,
            "target": (self.target_year, target) if np.isfinite(target) else None,
            "title": f"{name}: {self.ds.label(indicator, lang, unit=False)}",
            "ylabel": self.ds.label(indicator, lang),
            "lang": lang,
        }

    # -- county targets -------------------------------------------------------------------
    def county_targets(
        self, indicator: str, rule: str | None = None, lang: str = "zh"
    ) -> pd.DataFrame:
        """County share of the prefecture target under ``rule`` (``decompose.RULES``).

        Ratio targets are split as amounts of their numerator (e.g. m² of facility area),
        count targets as totals; rates without a numerator are standards every county
        inherits. Current = latest value up to ``as_of_year``; sizes (households,
        residents) in the target year. The last row is the prefecture total.
        """
        rule = decompose.check_rule(self.rule if rule is None else rule)
        self.ds.check_indicators([indicator])
        if indicator not in self.targets.index:
            raise UserError(
                f"指标 {indicator} 在本期没有目标",
                f"indicator {indicator} has no target in this period",
            )
        meta = self.ds.indicator(indicator)
        target = float(self.targets.loc[indicator, "target_value"])
        units = self.ds.unit_codes
        names = self._region_labels(lang)
        basis = self.basis_year
        if meta["numerator"]:
            scale = float(meta["scale"])
            num = _latest(self.ds, meta["numerator"], units, basis)
            dens = denominators(self.ds, meta["denominator"], [basis, self.target_year]).reindex(
                units
            )
            den, den_now = dens[self.target_year], dens[basis]
            tab = decompose.split_ratio(target, num, den, scale, rule, meta["direction"])
            tab = tab.rename(
                columns={
                    "current": "current_count",
                    "share_of_increase": "share",
                    "target": "county_target",
                }
            )
            tab.insert(0, "current", num / den_now * scale)
            total = tab[["current_count", "target_count", "increase"]].sum()
            top = {
                "current": total["current_count"] / den_now.sum() * scale,
                **total.to_dict(),
                "share": 100.0 if total["increase"] else np.nan,
                "county_target": total["target_count"] / den.sum() * float(meta["scale"]),
            }
        elif meta["kind"] in STANDARD_KINDS:
            cur = _latest(self.ds, indicator, units, basis)
            tab = pd.DataFrame({"current": cur, "county_target": target})
            tab["gap"] = (tab["county_target"] - tab["current"]).where(
                _short(tab["current"], target, meta["direction"]), 0.0
            )
            top = {
                "current": _latest(self.ds, indicator, [self.ds.top], basis).iloc[0],
                "county_target": target,
                "gap": np.nan,
            }
        else:
            cur = _latest(self.ds, indicator, units, basis)
            size = denominators(self.ds, "population", [self.target_year]).reindex(units)[
                self.target_year
            ]
            tab = decompose.split_count(target, cur, size, rule, meta["direction"])
            tab = tab.drop(columns="target").rename(
                columns={"target_count": "county_target", "share_of_increase": "share"}
            )
            total = tab[["current", "county_target", "increase"]].sum()
            top = {**total.to_dict(), "share": 100.0 if total["increase"] else np.nan}
        tab.index = [names[c] for c in units]
        tab.loc[names[self.ds.top]] = pd.Series(top)
        cols = {c: _t(c, lang) for c in tab.columns}
        cols["current"] = (
            _t("current", lang) + f"({_latest_year(self.ds, indicator, units, basis)})"
        )
        return tab.rename(columns=cols).rename_axis(_t("region", lang))

    # -- scenarios --------------------------------------------------------------------------
    def scenario_frame(self) -> pd.DataFrame:
        """Year each region reaches its target: BAU vs accelerated (numeric, NaN = not reached)."""
        direction = [
            self.ds.indicator(i)["direction"] for i in self.forecast.keys.get_level_values(0)
        ]
        tgt = [self.county_target_values.loc[r, i] for i, r in self.forecast.keys]
        tab = scenarios.scenario_table(self.forecast, tgt, self.scenario_growth, direction)
        return tab.reset_index()

    def scenario_table(self, lang: str = "zh") -> pd.DataFrame:
        """Display table: regions x (indicator, scenario), year the target is reached."""
        f = self.scenario_frame()
        horizon = int(self.forecast.years.max())

        def show(year, last_year, bau: bool):
            if np.isnan(year):
                return _t("later", lang).format(y=horizon) if bau else _t("never", lang)
            if year <= last_year:
                return _t("met", lang)
            return str(int(year))

        f["bau"] = [show(y, ly, True) for y, ly in zip(f["bau_year"], f["last_year"], strict=True)]
        f["accelerated"] = [
            show(y, ly, False) for y, ly in zip(f["accelerated_year"], f["last_year"], strict=True)
        ]
        long = f.melt(
            id_vars=["indicator", "region_code"],
            value_vars=["bau", "accelerated"],
            var_name="scenario",
        )
        wide = long.pivot(index="region_code", columns=["indicator", "scenario"], values="value")
        cols = pd.MultiIndex.from_product([self.indicators, ["bau", "accelerated"]])
        wide = wide.reindex(index=self.regions, columns=cols)
        labels = self._ind_labels(lang)
        wide.columns = pd.MultiIndex.from_tuples(
            [(labels[i], _t(s, lang)) for i, s in wide.columns]
        )
        wide.index = [self._region_labels(lang)[c] for c in wide.index]
        return wide.rename_axis(_t("region", lang))


# -- building the view ------------------------------------------------------------------------
def _latest(ds: Dataset, indicator: str, regions: Sequence[str], year: int) -> pd.Series:
    """Latest observed value up to ``year`` per region (NaN if none)."""
    o = ds.obs(indicator, list(regions))
    o = o[o["year"] <= year].sort_values("year")
    return o.groupby("region_code")["value"].last().reindex(list(regions))


def _latest_year(ds: Dataset, indicator: str, regions: Sequence[str], year: int) -> int | str:
    o = ds.obs(indicator, list(regions))
    yrs = o.loc[o["year"] <= year, "year"]
    return int(yrs.max()) if len(yrs) else "—"


def _short(value: pd.Series, target: float, direction: str) -> pd.Series:
    return value < target if direction == "higher" else value > target


def targets_in_force(
    ds: Dataset, target_year: int, target_values: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Targets of the aggregate region for ``target_year`` from the data, replaced or
    extended by ``target_values``; indexed by indicator, with ``scope`` standard/total."""
    t = ds.targets_for(target_year=target_year)
    t = t[t["region_code"] == ds.top].set_index("indicator")[
        ["target_value", "base_value", "attribute", "source"]
    ]
    extra = dict(target_values or {})
    if extra:
        ds.check_indicators(list(extra))
        bad = {
            k: v for k, v in extra.items() if not isinstance(v, int | float) or not np.isfinite(v)
        }
        if bad:
            raise UserError(
                f"target_values 中的目标值应为数字: {bad}", f"target_values must be numbers: {bad}"
            )
        new = pd.DataFrame(
            {
                "target_value": [float(v) for v in extra.values()],
                "base_value": np.nan,
                "attribute": "expected",
                "source": "parameter",
            },
            index=list(extra),
        )
        t = pd.concat([t.drop(index=[i for i in extra if i in t.index]), new])
    order = {i: k for k, i in enumerate(ds.indicators["id"])}
    t = t.sort_index(key=lambda idx: idx.map(order))  # the order of indicators.csv
    kinds = ds.indicators.set_index("id")["kind"]
    t["scope"] = np.where(kinds.reindex(t.index).isin(STANDARD_KINDS), "standard", "total")
    return t.rename_axis("indicator")


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
) -> TargetView:
    """Validate the parameters, project every target indicator for every region to the
    target year, and compute probability of meeting the target and progress status."""
    base_year = _check_year("base_year", base_year)
    target_year = _check_year("target_year", target_year)
    as_of_year = _check_year("as_of_year", as_of_year)
    if target_year <= base_year:
        raise UserError(
            f"目标年份 {target_year} 应晚于基期年份 {base_year}",
            f"target_year {target_year} must be after base_year {base_year}",
        )
    if as_of_year >= target_year:
        raise UserError(
            f"评估年份 as_of_year={as_of_year} 应早于目标年份 {target_year}",
            f"as_of_year {as_of_year} must be before target_year {target_year}",
        )
    projection.check_method(method)
    scenarios.check_growth(scenario_growth)
    decompose.check_rule(rule)
    targets = targets_in_force(ds, target_year, target_values)
    if isinstance(indicators, str):
        indicators = [indicators] if indicators else []
    if indicators:
        inds = ds.check_indicators(list(indicators))
        missing = [i for i in inds if i not in targets.index]
        if missing:
            have = ", ".join(targets.index) or "—"
            raise UserError(
                f"以下指标在 {target_year} 年没有目标: {', '.join(missing)}。有目标的指标: {have}。"
                f"可用参数 target_values 给出目标值,例如 {{'{missing[0]}': 值}}",
                f"No {target_year} target for: {', '.join(missing)}. Indicators with targets: {have}. "
                f"Give targets with the parameter target_values, e.g. {{'{missing[0]}': value}}",
            )
    else:
        inds = list(targets.index)
    if not inds:
        raise UserError(
            f"数据中没有 {target_year} 年的目标;请用参数 target_values 给出,例如 {{'facility_area_per_100hh': 30}}",
            f"The data has no targets for {target_year}; give them with the parameter target_values, "
            "e.g. {'facility_area_per_100hh': 30}",
        )
    targets = targets.loc[inds]
    regions = [ds.top, *ds.unit_codes]

    # history: (indicator, region) x year up to as_of_year
    o = ds.obs(inds, regions)
    o = o[o["year"] <= as_of_year]
    keys = pd.MultiIndex.from_product([inds, regions], names=["indicator", "region_code"])
    history = o.pivot_table(
        index=["indicator", "region_code"], columns="year", values="value"
    ).reindex(keys)
    if history.shape[1] == 0:
        raise UserError(
            f"{as_of_year} 年及以前没有这些指标的数据",
            f"no data for these indicators up to {as_of_year}",
        )

    meta = ds.indicators.set_index("id").loc[inds]
    ind_of = keys.get_level_values(0)
    lower = meta["lower"].reindex(ind_of).to_numpy(float)
    upper = meta["upper"].reindex(ind_of).to_numpy(float)
    direction = meta["direction"].reindex(ind_of).to_numpy(object)
    years = np.arange(as_of_year + 1, target_year + SCENARIO_EXTRA_YEARS + 1)
    horizon = max(1, min(5, target_year - as_of_year))
    acc = None
    if method in projection.AUTO:  # back-test once: it chooses the models and is shown in a table
        acc = projection.accuracy(
            history, projection.AUTO[method], lower=lower, upper=upper, horizon=horizon
        )
        chosen = projection.pick(acc, projection.AUTO[method]).to_numpy()
    fc = projection.project(
        history,
        years,
        method=method if acc is None else chosen,
        lower=lower,
        upper=upper,
        horizon=horizon,
    )

    # the target each region is held to: standards for every region, totals split by county
    ctv = pd.DataFrame(index=regions, columns=inds, dtype=float)
    for ind in inds:
        value = float(targets.loc[ind, "target_value"])
        if targets.loc[ind, "scope"] == "standard":
            ctv[ind] = value
        else:
            cur = _latest(ds, ind, ds.unit_codes, min(base_year, as_of_year))
            size = denominators(ds, "population", [target_year]).reindex(ds.unit_codes)[target_year]
            split = decompose.split_total(value, cur, size, rule, ds.indicator(ind)["direction"])
            ctv.loc[ds.unit_codes, ind] = split.to_numpy()
            ctv.loc[ds.top, ind] = value
    target_arr = np.array([ctv.loc[r, i] for i, r in keys], dtype=float)

    # baseline and latest observation after it, for the status
    base = o[o["year"] == base_year].set_index(["indicator", "region_code"])["value"].reindex(keys)
    given = targets["base_value"].dropna()
    for ind, v in given.items():
        base.loc[(ind, ds.top)] = v
    after = (
        o[o["year"] > base_year]
        .sort_values("year")
        .groupby(["indicator", "region_code"])
        .last()
        .reindex(keys)
    )
    absolute = (meta["unit_en"].reindex(ind_of) == "%").to_numpy()
    status = progress.status(
        base.to_numpy(float),
        base_year,
        after["value"].to_numpy(float),
        after["year"].to_numpy(float),
        target_arr,
        target_year,
        direction,
        absolute,
    )
    at = fc.at(target_year)
    latest = o.sort_values("year").groupby(["indicator", "region_code"]).last().reindex(keys)
    summary = pd.DataFrame(
        {
            "indicator": ind_of,
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
            "prob": fc.prob(target_arr, target_year, direction),
            "status": status,
            "method": fc.method,
            "n_obs": fc.n_obs,
        }
    )
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


def findings(view: TargetView, lang: str = "zh") -> str:
    """Plain-language summary: per indicator, the aggregate region's status and probability,
    and the counties that are neither met nor on track."""
    s = view.summary
    names = view.ds.names(lang)
    lines = []
    for ind in view.indicators:
        rows = s[s["indicator"] == ind].set_index("region_code")
        top = rows.loc[view.ds.top]
        label = view.ds.label(ind, lang, unit=False)
        units = rows.loc[view.ds.unit_codes]
        behind = [
            names[c]
            for c in units.index[units["status"].isin(["moderate", "limited", "backwards"])]
        ]
        unlikely = [
            names[c] for c in units.index[(units["prob"] < 0.5) & (units["status"] != "met")]
        ]
        no_data = bool((units["status"] == "no_data").all())
        p = "—" if np.isnan(top["prob"]) else f"{top['prob'] * 100:.0f}%"
        st = progress.status_label(top["status"], lang)
        sep, comma = ("、", ";") if lang == "zh" else (", ", "; ")
        if lang == "zh":
            parts = [f"全州{st}", f"{view.target_year}年达标概率 {p}"]
            parts.append(
                "基期后尚无县级数据,进展待评估"
                if no_data
                else (
                    f"进展偏慢的县(市): {sep.join(behind)}"
                    if behind
                    else "各县(市)均已达标或进展顺利"
                )
            )
            if unlikely:
                parts.append(f"按趋势达标概率低于50%的县(市): {sep.join(unlikely)}")
            lines.append(f"- {label}: " + comma.join(parts) + "。")
        else:
            parts = [f"{st} for the prefecture", f"P(meet in {view.target_year}) {p}"]
            parts.append(
                "no county data since the baseline yet"
                if no_data
                else (
                    f"behind: {sep.join(behind)}"
                    if behind
                    else "every county has met it or is on track"
                )
            )
            if unlikely:
                parts.append(f"below 50 % probability on trend: {sep.join(unlikely)}")
            lines.append(f"- {label}: " + comma.join(parts) + ".")
    return "\n".join(lines)
