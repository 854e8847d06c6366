"""Aggregation up the region tree: values of higher-level regions from their children.

Each indicator aggregates by one rule, from the optional ``aggregate`` column of
``indicators.csv`` or, when blank, from its ``kind``:

- ``sum`` (kinds ``count`` and ``money``): :math:`x_P = \\sum_{c \\in P} x_c`;
- ``mean`` (needs a ``weight`` indicator): :math:`x_P = \\sum_c w_c x_c / \\sum_c w_c`,
  e.g. the average age of community workers weighted by the number of workers;
- ``ratio`` (derived indicators, kind ``ratio``): not aggregated here; the derive step
  recomputes them from the aggregated numerator and denominator (a ratio of sums, never
  a mean of ratios);
- ``none``: not aggregable (a rate without a weight).

A parent gets a value for a year only when every one of its children has one (complete
coverage); a partial sum would understate the total. A weight not observed in a year is
taken from the child's latest earlier year (weights such as committee counts are published
less often than the rates they weigh), never from a later year. The tree is walked bottom-up, so a
province aggregates its prefectures after they have aggregated their counties.
Observed parent values always win; where an observed total and its children's aggregate
differ by more than ``rtol`` (relative) and by more than half a unit of the observed value's
last decimal (a published 48 years or 2.9 % is rounded) the pair is reported, not silently
replaced.

Reference: UN Statistics Division, *Handbook on the Management of Population and Housing
Censuses* (aggregation of additive and non-additive statistics); OECD (2008) *Handbook on
Constructing Composite Indicators*, section on aggregation of ratios.

>>> import pandas as pd
>>> regions = pd.DataFrame({"code": ["P", "a", "b"], "parent_code": ["", "P", "P"]})
>>> inds = pd.DataFrame({"id": ["n"], "kind": ["count"]})
>>> obs = pd.DataFrame({"region_code": ["a", "b"], "year": [2020, 2020], "indicator": "n",
...                     "value": [2.0, 3.0], "source": ["s1", "s2"]})
>>> rows, _ = aggregate(obs, regions, inds)
>>> rows[["region_code", "value", "source"]].to_dict("records")
[{'region_code': 'P', 'value': 5.0, 'source': 's1+s2'}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE_SEP = "+"
RULES = ("sum", "mean", "ratio", "none")
_BY_KIND = {"count": "sum", "money": "sum", "ratio": "ratio"}
KEY = ["region_code", "year", "indicator"]


def rules(indicators: pd.DataFrame) -> pd.Series:
    """Aggregation rule per indicator id: the ``aggregate`` column, else by ``kind``."""
    by_kind = indicators["kind"].map(_BY_KIND).fillna("none")
    if "aggregate" in indicators.columns:
        given = indicators["aggregate"].fillna("").astype(str).str.strip()
        by_kind = given.where(given != "", by_kind)
    return pd.Series(by_kind.to_numpy(), index=indicators["id"].to_numpy(), name="rule")


def depths(regions: pd.DataFrame) -> pd.Series:
    """Depth of every region below its root (root = 0), by following parent codes."""
    parent = dict(zip(regions["code"], regions["parent_code"].fillna(""), strict=True))
    out: dict[str, int] = {}
    for code in parent:
        chain = []
        c = code
        while c in parent and c not in out and c not in chain:
            chain.append(c)
            c = parent[c]
        base = out.get(c, -1)
        for i, node in enumerate(reversed(chain)):
            out[node] = base + 1 + i
    return pd.Series(out, name="depth")


def half_last_digit(values: pd.Series, max_digits: int = 6) -> pd.Series:
    """Half a unit of the last decimal each value is given to (48 -> 0.5, 2.9 -> 0.05):
    a published figure rounded to that precision may differ from the exact aggregate by so
    much without being a discrepancy.

    >>> half_last_digit(pd.Series([48.0, 2.9, 7257.0, 0.125])).tolist()
    [0.5, 0.05, 0.5, 0.0005]
    """
    v = values.to_numpy(float)
    out = np.full(len(v), 0.5 * 10.0**-max_digits)
    open_ = np.isfinite(v)
    for k in range(max_digits + 1):
        with np.errstate(invalid="ignore"):
            hit = open_ & (np.abs(np.round(v, k) - v) <= 1e-9 * np.maximum(1, np.abs(v)))
        out[hit] = 0.5 * 10.0**-k
        open_ &= ~hit
    return pd.Series(out, index=values.index)


def _join_sources(sources: pd.Series) -> str:
    # distinct values first, no astype: called once per (region, year, indicator) group
    ids = {s for v in set(sources) for s in str(v).split(SOURCE_SEP) if s}
    return SOURCE_SEP.join(sorted(ids))


def _with_weights(v: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """``v`` with each row's weight ``w`` (indicator ``w_ind`` of the same region): of the
    same year, else of the latest earlier year observed (a count of committees or workers
    published up to 2023 weighs the 2025 rates), never of a later year."""
    wv = values.rename(columns={"indicator": "w_ind", "value": "w", "source": "w_src"})
    wv = wv.loc[wv["w_ind"].isin(set(v["w_ind"])), ["region_code", "year", "w_ind", "w", "w_src"]]
    wv = wv.dropna(subset=["w"]).astype({"year": "int64"}).sort_values("year", kind="stable")
    order = v.index
    left = v.astype({"year": "int64"}).sort_values("year", kind="stable")
    out = pd.merge_asof(left, wv, on="year", by=["region_code", "w_ind"], direction="backward")
    out.index = left.index
    return out.loc[order].reset_index(drop=True)


def _one_level(
    values: pd.DataFrame, children: pd.DataFrame, rule: pd.Series, weight: pd.Series
) -> pd.DataFrame:
    """Aggregate ``values`` of ``children`` (code -> parent_code) to their parents."""
    n_children = children.groupby("parent_code")["code"].nunique()
    v = values.merge(children, left_on="region_code", right_on="code")
    v["rule"] = v["indicator"].map(rule)
    v = v[v["rule"].isin(["sum", "mean"])]
    if v.empty:
        return pd.DataFrame(columns=[*KEY, "value", "source", "note"])
    v = _with_weights(v.assign(w_ind=v["indicator"].map(weight).fillna("")), values)
    is_mean = v["rule"].eq("mean")
    v = v[~is_mean | (v["w"].notna() & (v["w"] > 0))]
    v = v.assign(
        wx=np.where(v["rule"].eq("mean"), v["value"] * v["w"], v["value"]),
        ww=np.where(v["rule"].eq("mean"), v["w"], 1.0),
        src=np.where(
            v["rule"].eq("mean"), v["source"] + SOURCE_SEP + v["w_src"].fillna(""), v["source"]
        ),
    )
    g = v.groupby(["parent_code", "year", "indicator", "rule"], sort=True)
    out = g.agg(
        wx=("wx", "sum"), ww=("ww", "sum"), n=("region_code", "nunique"), src=("src", _join_sources)
    )
    out = out.reset_index()
    out = out[out["n"].to_numpy() == out["parent_code"].map(n_children).to_numpy()]
    value = np.where(out["rule"].eq("mean"), out["wx"] / out["ww"], out["wx"])
    note = np.where(
        out["rule"].eq("mean"),
        "weighted mean of " + out["n"].astype(str) + " sub-regions",
        "sum of " + out["n"].astype(str) + " sub-regions",
    )
    return pd.DataFrame(
        {
            "region_code": out["parent_code"].to_numpy(),
            "year": out["year"].to_numpy(),
            "indicator": out["indicator"].to_numpy(),
            "value": value,
            "source": out["src"].to_numpy(),
            "note": note,
        }
    )


def aggregate(
    observations: pd.DataFrame,
    regions: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    rtol: float = 0.005,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values of parent regions aggregated from their children where not observed.

    Returns ``(rows, discrepancies)``: ``rows`` has the columns of ``observations``
    (``region_code, year, indicator, value, source, note``) for parent-years that were not
    observed; ``discrepancies`` lists observed parent values that differ from their
    children's aggregate by more than ``rtol`` (relative), with both values.
    """
    rule = rules(indicators)
    weight = (
        indicators.set_index("id")["weight"].fillna("").astype(str)
        if "weight" in indicators.columns
        else pd.Series(dtype=str)
    )
    depth = depths(regions)
    tree = regions[["code", "parent_code"]].fillna("").astype(str)
    tree = tree[tree["parent_code"] != ""].assign(depth=lambda f: f["code"].map(depth))
    known = observations[[*KEY, "value", "source"]].copy()
    known["region_code"] = known["region_code"].astype(str)
    made, clashes = [], []
    for d in sorted(tree["depth"].unique(), reverse=True):
        level = _one_level(known, tree[tree["depth"] == d][["code", "parent_code"]], rule, weight)
        if level.empty:
            continue
        both = level.merge(known, on=KEY, how="left", suffixes=("", "_obs"))
        observed = both["value_obs"].notna()
        gap = (both["value"] - both["value_obs"]).abs()
        diff = (gap > rtol * both["value_obs"].abs().clip(lower=1e-12)) & (
            gap > half_last_digit(both["value_obs"])
        )
        clashes.append(
            both[observed & diff][KEY].assign(
                observed=both.loc[observed & diff, "value_obs"],
                aggregated=both.loc[observed & diff, "value"],
            )
        )
        new = level[~observed.to_numpy()]
        made.append(new)
        known = pd.concat([known, new[[*KEY, "value", "source"]]], ignore_index=True)
    cols = [*KEY, "value", "source", "note"]
    rows = pd.concat(made, ignore_index=True) if made else pd.DataFrame(columns=cols)
    disc = (
        pd.concat(clashes, ignore_index=True)
        if clashes
        else pd.DataFrame(columns=[*KEY, "observed", "aggregated"])
    )
    return rows[cols].sort_values(KEY, ignore_index=True), disc.sort_values(KEY, ignore_index=True)
