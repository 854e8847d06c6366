"""One forecast per indicator x region x horizon: the projection every report reads.

A horizon is a target year. For a data set (and its scope) the forecast of horizon ``H``
covers every indicator that has a target (any year, benchmarks excluded) for the top region
and every region (the top and its units), fitted on the observations up to the *as-of
year* ``min(last observed year, H - 1)`` and projected to ``H + SCENARIO_EXTRA_YEARS``.
``method="auto"`` chooses the model of each series by rolling-origin back-test
(``methods.projection.choose``); the choice is made per series, so adding or removing other
series never changes a series' forecast. The report pages (target projection, next-period
targets), the plan figures, the documents and the explorer all read this one forecast: the
"value reached with probability p" of a next-period target is a quantile of the same
predictive distribution whose median and 80 %/95 % intervals the projection page shows.

References: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.),
§5.10 (time-series cross-validation) and §5.5 (prediction intervals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.analyses import levels
from analysis.analyses import targets as tg
from analysis.data import Dataset
from analysis.errors import user_error
from analysis.methods import projection


@dataclass(frozen=True)
class HorizonForecast:
    """The forecast of one horizon: the fitted distributions, the as-of year, and the
    back-test table (``None`` for a fixed method)."""

    horizon: int
    as_of_year: int
    method: str
    forecast: projection.Forecast
    accuracy: pd.DataFrame | None

    def rows(self, indicators: list[str], regions: list[str]) -> projection.Forecast:
        """The forecast restricted to ``indicators`` x ``regions``, in that order."""
        keys = pd.MultiIndex.from_product([indicators, regions], names=self.forecast.keys.names)
        pos = self.forecast.keys.get_indexer(keys)
        if (pos < 0).any():
            missing = sorted({k[0] for k, p in zip(keys, pos, strict=True) if p < 0})
            raise user_error("targets.missing_targets_forecast", missing=", ".join(missing))
        return subset(self.forecast, pos)

    def accuracy_rows(self, indicators: list[str], regions: list[str]) -> pd.DataFrame | None:
        if self.accuracy is None:
            return None
        keys = pd.MultiIndex.from_product([indicators, regions], names=self.forecast.keys.names)
        return self.accuracy.reindex(keys)


def subset(fc: projection.Forecast, pos: np.ndarray) -> projection.Forecast:
    """Rows ``pos`` of a forecast (same years)."""
    return projection.Forecast(
        keys=fc.keys[pos],
        years=fc.years,
        method=fc.method[pos],
        loc=fc.loc[pos],
        scale=fc.scale[pos],
        df=fc.df[pos],
        lower=fc.lower[pos],
        upper=fc.upper[pos],
        n_obs=fc.n_obs[pos],
        last_year=fc.last_year[pos],
        last_value=fc.last_value[pos],
        fallback=fc.reasons[pos],
    )


def target_indicators(ds: Dataset) -> list[str]:
    """Indicators with a target (any year, benchmarks excluded) for the top region, in the
    order of ``indicators.csv``."""
    t_ = ds.targets[
        (ds.targets["region_code"] == ds.top) & (ds.targets["attribute"] != "benchmark")
    ]
    have = set(t_["indicator"])
    return [i for i in ds.indicators["id"] if i in have]


def last_year(ds: Dataset, indicators: list[str]) -> int | None:
    """The last year with an observation of any of ``indicators`` (None: no observation)."""
    o = ds.observations[ds.observations["indicator"].isin(indicators)]
    return None if o.empty else int(o["year"].max())


def as_of_for(ds: Dataset, horizon: int, indicators: list[str] | None = None) -> int:
    """The as-of year of horizon ``horizon``: the last observed year before it."""
    inds = target_indicators(ds) if indicators is None else indicators
    o = ds.observations[ds.observations["indicator"].isin(inds)]
    years = o.loc[o["year"] < horizon, "year"]
    if years.empty:
        raise user_error("targets.no_history", as_of_year=horizon - 1)
    return int(years.max())


def fit(
    ds: Dataset,
    horizon: int,
    *,
    as_of_year: int | None = None,
    method: str = "auto",
    indicators: list[str] | None = None,
) -> HorizonForecast:
    """Fit the forecast of ``horizon`` (module docstring) for the top region and its units."""
    projection.check_method(method)
    inds = target_indicators(ds) if indicators is None else list(indicators)
    if not inds:
        raise user_error("targets.no_targets", target_year=horizon)
    as_of = as_of_for(ds, horizon, inds) if as_of_year is None else int(as_of_year)
    regions = levels.scope_regions(ds)
    _, history = tg.observed_history(ds, inds, regions, as_of)
    fc, acc = tg.fit_projection(ds, history, method, as_of, horizon)
    return HorizonForecast(horizon, as_of, method, fc, acc)
