"""Target projection and progress (notebook 03): from a Dataset and the plan-period
parameters to ready tables and figure inputs.

>>> view = prepare(ds, base_year=2020, target_year=2025, as_of_year=2024)
>>> view.projection_table()        # projected value, intervals, P(meet), status
>>> view.status_matrix()           # regions x indicators, status codes for the dashboard
>>> view.fan_inputs("facility_area_per_100hh")   # history, forecast, target for fan_chart
>>> view.county_frame("facility_area_per_100hh")  # county targets, code-named columns

Targets come from ``targets.csv`` (rows for the aggregate region and ``target_year``);
``target_values`` {indicator: value} adds or replaces targets. Rows with attribute
``benchmark`` (targets taken from another region's plan) are context only: they are listed
by ``benchmarks_table`` and never drive status, probabilities or county targets. A target
on a rate, ratio or mean is a floor for every county; a count target is split
(``analysis.analyses.county_targets``). ``prepare`` runs the steps ``check_period``,
``select_indicators``, ``observed_history``, ``fit_projection``, ``held_targets``,
``progress_status`` and ``summarise``; findings sentences live in ``target_findings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.analyses import county_targets as ct
from analysis.analyses import periods, target_findings
from analysis.analyses import status as status_rules
from analysis.analyses.tidy import tidy
from analysis.data import Dataset
from analysis.errors import user_error
from analysis.messages import t
from analysis.methods import decompose, progress, projection, scenarios

STANDARD_KINDS = ct.STANDARD_KINDS
SCENARIO_EXTRA_YEARS = 10  # the BAU scenario is followed this many years past the target year


def _t(key: str, lang: str) -> str:
    return t(f"targets.{key}", lang)


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
        """The targets in force for the period, with attribute, provenance and source."""
        return _targets_display(self.ds, self.targets, self.target_year, lang)

    def benchmarks_table(self, lang: str = "zh") -> pd.DataFrame:
        """Benchmarks for the target year (context only; empty when there are none)."""
        f = _targets_display(self.ds, benchmarks(self.ds, self.target_year), self.target_year, lang)
        return f.drop(columns=[_t("scope", lang)])  # context only: applies to no one

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
            "method",
            "fallback",
        ]
        return self.summary[cols].assign(target_year=self.target_year)

    def projection_table(
        self, lang: str = "zh", digits: int = 1, *, models: bool = False
    ) -> pd.DataFrame:
        """Projected value at the target year with 80 %/95 % intervals, probability of
        meeting the target and progress status, one row per indicator and region."""
        s = self.summary
        r = self._region_labels(lang)
        fmt = f"{{:.{digits}f}}"
        dash = t("common.missing", lang)

        def interval(lo: pd.Series, hi: pd.Series) -> list[str]:
            return [
                dash if np.isnan(a) else f"{fmt.format(a + 0.0)}–{fmt.format(b + 0.0)}"
                for a, b in zip(lo.round(digits), hi.round(digits), strict=True)
            ]

        out = pd.DataFrame(
            {
                _t("indicator", lang): [self.ds.label(i, lang) for i in s["indicator"]],
                _t("region", lang): s["region_code"].map(r).to_numpy(),
                _t("base", lang) + f"({self.base_year})": s["base_value"].to_numpy(),
                _t("latest", lang): s["latest_value"].to_numpy(),
                _t("latest_year", lang): s["latest_year"].astype("Int64").to_numpy(),
                _t("target", lang): s["target"].to_numpy(),
                _t("projected", lang) + f"({self.target_year})": s["projected"].to_numpy(),
                _t("pi80", lang): interval(s["lo80"], s["hi80"]),
                _t("pi95", lang): interval(s["lo95"], s["hi95"]),
                _t("prob", lang): _percent_column(s["prob"]),
                _t("status", lang): progress.status_labels(s["status"], lang).to_numpy(),
            }
        )
        if models:  # the model of each series and why a simpler one replaced it
            out[_t("method", lang)] = [projection.method_label(m, lang) for m in s["method"]]
            out[_t("fallback", lang)] = [projection.fallback_label(c, lang) for c in s["fallback"]]
        return tidy(out, digits)

    def fallback_table(self, lang: str = "zh") -> pd.DataFrame:
        """Series whose model fell back to a simpler one, with the reason (may be empty)."""
        s = self.summary[self.summary["fallback"].astype(str) != ""]
        return pd.DataFrame(
            {
                _t("indicator", lang): [self.ds.label(i, lang) for i in s["indicator"]],
                _t("region", lang): s["region_code"].map(self._region_labels(lang)).to_numpy(),
                _t("method", lang): [projection.method_label(m, lang) for m in s["method"]],
                _t("fallback", lang): [projection.fallback_label(c, lang) for c in s["fallback"]],
            }
        )

    def status_matrix(self, lang: str = "zh") -> pd.DataFrame:
        """Status codes, rows = region names (aggregate first), columns = indicator labels."""
        m = self.summary.pivot(index="region_code", columns="indicator", values="status")
        m = m.reindex(index=self.regions, columns=self.indicators).fillna("no_data")
        m.index = [self._region_labels(lang)[c] for c in m.index]
        m.columns = [self._ind_labels(lang)[i] for i in m.columns]
        return m

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

    def backtest_table(self, lang: str = "zh") -> pd.DataFrame:
        """``backtest_frame`` labelled for reading."""
        f = self.backtest_frame()
        out = pd.DataFrame(
            {
                _t("indicator", lang): [self.ds.label(i, lang) for i in f["indicator"]],
                _t("method", lang): [projection.method_label(m, lang) for m in f["method"]],
                _t("mae", lang): f["mae"].to_numpy(),
                _t("mase", lang): f["mase"].to_numpy(),
                t("targets.chosen", lang, units=self.ds.units_word(lang)): f["chosen"].to_numpy(),
            }
        )
        return tidy(out, 3)

    @property
    def basis_year(self) -> int:
        """Year of the county values a target is set from: the baseline, or the latest
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
            raise user_error("targets.not_projected", indicator=indicator)
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
    def county_frame(self, indicator: str, rule: str | None = None) -> pd.DataFrame:
        """County targets with stable code-named columns (``county_targets.COLUMNS``)."""
        rule = decompose.check_rule(self.rule if rule is None else rule)
        self.ds.check_indicators([indicator])
        if indicator not in self.targets.index:
            raise user_error("targets.no_target_indicator", indicator=indicator)
        value = float(self.targets.loc[indicator, "target_value"])
        return ct.county_targets(self.ds, indicator, value, rule, self.basis_year, self.target_year)

    def county_targets(
        self, indicator: str, rule: str | None = None, lang: str = "zh"
    ) -> pd.DataFrame:
        """County targets for reading: baseline, target, increment and share of the
        increment; the last row is the prefecture."""
        return county_display(self.ds, self.county_frame(indicator, rule), lang)

    # -- scenarios --------------------------------------------------------------------------
    def scenario_frame(self) -> pd.DataFrame:
        """Year each region reaches its target: BAU, accelerated and slow (NaN = not reached)."""
        direction = [
            self.ds.indicator(i)["direction"] for i in self.forecast.keys.get_level_values(0)
        ]
        tgt = [self.county_target_values.loc[r, i] for i, r in self.forecast.keys]
        tab = scenarios.scenario_table(self.forecast, tgt, self.scenario_growth, direction)
        return tab.reset_index()

    def scenario_table(self, lang: str = "zh") -> pd.DataFrame:
        """Display table: one row per indicator and region (aggregate first), the year the
        target is reached in each scenario (accelerated, business as usual, slow)."""
        f = self.scenario_frame()
        horizon = int(self.forecast.years.max())

        def show(year: float, last_year: float, bounded: bool) -> str:
            if np.isnan(year):
                return _t("later", lang).format(y=horizon) if bounded else _t("never", lang)
            if year <= last_year:
                return _t("met", lang)
            return str(int(year))

        cols = ("accelerated", "bau", "slow")
        order = {r: k for k, r in enumerate(self.regions)}
        f = f.assign(
            _i=f["indicator"].map({i: k for k, i in enumerate(self.indicators)}),
            _r=f["region_code"].map(order),
        ).sort_values(["_i", "_r"])
        labels = self._ind_labels(lang)
        names = self._region_labels(lang)
        out = pd.DataFrame(
            {
                _t("indicator", lang): [labels[i] for i in f["indicator"]],
                _t("region", lang): [names[r] for r in f["region_code"]],
            }
        )
        for c in cols:
            out[_t(c, lang)] = [
                show(y, ly, c != "accelerated")
                for y, ly in zip(f[f"{c}_year"], f["last_year"], strict=True)
            ]
        return out


# -- display helpers ---------------------------------------------------------------------------
def _percent_column(prob: pd.Series) -> np.ndarray:
    """Whole percents; a probability strictly between 0 and 1 shows as 1..99, so a table
    never says 0 or 100 where the findings say "<1%" or ">99%"."""
    pct = (prob * 100).round(0)
    inner = (prob > 0) & (prob < 1)
    pct = pct.where(~inner, pct.clip(lower=1, upper=99))
    return pct.astype("Int64").to_numpy()


def _targets_display(
    ds: Dataset, targets: pd.DataFrame, target_year: int, lang: str
) -> pd.DataFrame:
    units = ds.units_word(lang)
    kinds = target_findings.origin_kinds(ds, targets, target_year)
    return pd.DataFrame(
        {
            _t("indicator", lang): [ds.label(i, lang) for i in targets.index],
            _t("target", lang): targets["target_value"].to_numpy(),
            _t("attribute", lang): [_t(a, lang) for a in targets["attribute"]],
            _t("origin", lang): [
                target_findings.origin_label(kinds[i], lang) for i in targets.index
            ],
            _t("scope", lang): [
                t(f"findings_targets.scope_{s}", lang, whole=ds.whole_word(lang), units=units)
                for s in targets["scope"]
            ],
        }
    )


def source_titles(ds: Dataset, sources, lang: str = "zh") -> str:
    """The titles of target sources, each once, in order ("set by the report's parameters"
    for targets given as parameters)."""
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    if lang == "en" and "title_en" in ds.sources.columns:
        en = dict(zip(ds.sources["id"], ds.sources["title_en"].fillna(""), strict=True))
        titles = {k: en.get(k) or v for k, v in titles.items()}
    seen = [
        t("findings_targets.parameter_source", lang) if s == "parameter" else titles.get(s, s)
        for s in sources
    ]
    return t("chapter.sep", lang).join(dict.fromkeys(seen))


def county_display(ds: Dataset, frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """County target frame for reading: names, labelled headers, no NaN or -0.0."""
    names = ds.names(lang)
    keep = ["baseline_year", "baseline", "target", "standard", "increment", "share"]
    if frame["target_amount"].notna().any():
        keep += ["baseline_amount", "target_amount"]
    out = frame[keep].copy()
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    out.index = pd.Index([names[c] for c in frame["region_code"]], name=_t("region", lang))
    heads = {
        "baseline_year": _t("baseline_year", lang),
        "baseline": _t("baseline", lang),
        "target": t("targets.county_target", lang, units=ds.units_word(lang)),
        "standard": t("findings_targets.standard_col", lang, whole=ds.whole_word(lang)),
        "increment": _t("increment", lang),
        "share": t("findings_targets.share", lang, whole=ds.whole_word(lang)),
        "baseline_amount": _t("baseline_amount", lang),
        "target_amount": _t("target_amount", lang),
    }
    return tidy(out.rename(columns=heads), 1)


# -- building the view: the steps of ``prepare`` ------------------------------------------------
def _latest(ds: Dataset, indicator: str, regions: Sequence[str], year: int) -> pd.Series:
    """Latest observed value up to ``year`` per region (NaN if none)."""
    return ct.latest(ds, indicator, list(regions), year)["value"]


def _origin(frame: pd.DataFrame) -> pd.Series:
    """Provenance of each target row: the ``origin`` column, else inferred from attribute."""
    inferred = np.where(frame["attribute"] == "benchmark", "elsewhere", "national")
    if "origin" not in frame.columns:
        return pd.Series(inferred, index=frame.index)
    given = frame["origin"].replace("", np.nan)
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
    lower, upper, _ = _bounds(ds, keys)
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
    return fc, acc


def held_targets(
    ds: Dataset, targets: pd.DataFrame, rule: str, basis_year: int, target_year: int
) -> pd.DataFrame:
    """Region x indicator: the target each region is held to. Standards: the standard for
    every region (status and probability are judged against it); totals: the county
    split floored at the current value (``county_targets``)."""
    regions = [ds.top, *ds.unit_codes]
    ctv = pd.DataFrame(index=regions, columns=list(targets.index), dtype=float)
    for ind in targets.index:
        value = float(targets.loc[ind, "target_value"])
        if targets.loc[ind, "scope"] == "standard":
            ctv[ind] = value
            continue
        f = ct.total_targets(ds, ind, value, rule, basis_year, target_year)
        ctv.loc[ds.unit_codes, ind] = f["target"].iloc[:-1].to_numpy()
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
    codes = progress.status(
        base.to_numpy(float),
        base_year,
        after["value"].to_numpy(float),
        after["year"].to_numpy(float),
        target_arr,
        target_year,
        direction,
        absolute,
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
    regions = [ds.top, *ds.unit_codes]
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


def title(view: TargetView, lang: str = "zh") -> str:
    """Report title naming the plan period when the years are one (14th plan: 2020 -> 2025)."""
    period = periods.plan_name(view.base_year, view.target_year, lang)
    return t(
        "targets.title_projection",
        lang,
        period=period,
        base=view.base_year,
        target=view.target_year,
        as_of=view.as_of_year,
    )


def intro(view: TargetView, lang: str = "zh") -> str:
    """The opening paragraph under the title (catalogue ``findings_targets.intro``)."""
    return t(
        "findings_targets.intro",
        lang,
        period=periods.plan_name(view.base_year, view.target_year, lang),
        whole=view.ds.whole_word(lang),
        units=view.ds.units_word(lang),
        base=view.base_year,
        target=view.target_year,
        as_of=view.as_of_year,
    )


def targets_note(view: TargetView, lang: str = "zh") -> str:
    """The note under the targets table: where the targets come from, once."""
    return t(
        "findings_targets.targets_note",
        lang,
        titles=source_titles(view.ds, view.targets["source"], lang),
        units=view.ds.units_word(lang),
    )


def methods_text(view: TargetView, lang: str = "zh") -> str:
    """The closing methods section (catalogue ``findings_targets.methods``)."""
    return t(
        "findings_targets.methods",
        lang,
        unit=view.ds.units_word(lang),
        whole=view.ds.whole_word(lang),
        method=(
            t(f"findings_targets.method_{view.method}", lang)
            if view.method in projection.AUTO
            else projection.method_label(view.method, lang)
        ),
        rule=decompose.rule_label(view.rule, lang),
        growth=f"{view.scenario_growth:.0%}",
    ).strip()


def plan_findings(view: TargetView, lang: str = "zh") -> dict[str, list[str]]:
    """Findings by section (``target_findings.plan_findings``)."""
    return target_findings.plan_findings(view, lang)


def status_caption(view: TargetView, lang: str = "zh") -> str:
    """Title of the status chart (``findings_targets.fig_status``)."""
    return t("findings_targets.fig_status", lang, units=view.ds.units_word(lang))
