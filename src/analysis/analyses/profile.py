"""County profiles: one computation for every unit, then one unit's facts at a time.

``compute`` loads nothing itself: given a data set it runs the gap pipeline once (index,
tiers, shortfalls, and every indicator's values, ranks and tiers over all units), so a page
per county costs a few table lookups instead of a new computation (``gaps.profile`` ranks
every unit again for each county). ``profile(batch, code)`` equals
``gaps.profile(ds, code, spec)``; ``facts`` gives the numbers the page summary states.

Usage::

    b = compute(ds)                      # once per data set
    profile(b, code)                     # one county's indicator table
    facts(b, code).rank                  # its rank on the composite index
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.analyses import gaps, levels
from analysis.data import Dataset
from analysis.methods import tiers


@dataclass(frozen=True)
class Batch:
    """Everything a county profile shows, computed once for all units of the data set."""

    ds: Dataset
    spec: gaps.Spec
    index: pd.DataFrame  # gaps.development_index
    tier: pd.DataFrame  # gaps.tier_table
    shortfall: pd.DataFrame  # gaps.shortfall_table (real gaps only, all units)
    ids: list[str]  # indicators of a profile: the index's, then those with a target
    values: pd.DataFrame  # unit x indicator, spec.year
    top: pd.Series  # the top region's value per indicator
    median: pd.Series
    target: pd.Series
    ranks: pd.DataFrame  # unit x indicator, 1 = best in the indicator's direction
    ind_tier: pd.DataFrame  # unit x indicator, sd rule on the indicator
    n: pd.Series
    lower: pd.Series  # True where lower is better
    index_ranks: pd.DataFrame  # unit x dimension (overall index and themes), 1 = best
    units: list[str] = field(default_factory=list)
    groups: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))  # group_of
    _short_rows: dict[str, np.ndarray] = field(default_factory=dict)
    _kept: dict = field(default_factory=dict)  # ``_memo``: per batch, and for the last unit


def _memo(batch: Batch, key: tuple, compute):
    """``compute()`` once per batch and ``key``; keys naming a unit (``("unit", code, ...)``)
    are kept for the last unit only (a page asks for its unit's profile several times; a
    batch of 2,850 pages would otherwise keep them all)."""
    kept = batch._kept
    if key[0] == "unit" and kept.get("unit") != key[1]:
        for k in [k for k in kept if isinstance(k, tuple) and k[0] == "unit"]:
            del kept[k]
        kept["unit"] = key[1]
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def compute(
    ds: Dataset,
    year: int = 0,
    normalisation: str = "minmax",
    weighting: str | Mapping[str, float] = "equal",
    unit_costs: Mapping[str, float] | None = None,
) -> Batch:
    """The gap pipeline once for every unit (parameters as in the profile notebook)."""
    spec = gaps.resolve(ds, year, None, normalisation, weighting, "")
    index = gaps.development_index(ds, spec)
    tier = gaps.tier_table(index, ds, spec)
    short = gaps.shortfall_table(ds, spec.year, unit_costs=unit_costs)
    tg = gaps.targets(ds)
    ids = list(
        dict.fromkeys([*spec.indicators, *[i for i in tg.index if i not in spec.indicators]])
    )
    v = ds.values(ids, spec.year)
    m = gaps.meta(ds, ids)
    lower = m["direction"] == "lower"
    oriented = v * np.where(lower.to_numpy(), -1.0, 1.0)
    dims = list(tier.columns)
    return Batch(
        ds=ds,
        spec=spec,
        index=index,
        tier=tier,
        shortfall=short,
        ids=ids,
        values=v,
        top=ds.values(ids, spec.year, [ds.top]).iloc[0],
        median=v.median(),
        target=tg.reindex(ids),
        ranks=oriented.rank(ascending=False, method="min"),
        ind_tier=tiers.tiers(oriented),
        n=v.notna().sum(),
        lower=lower,
        index_ranks=index[dims].rank(ascending=False, method="min"),
        units=list(ds.unit_codes),
        groups=levels.group_of(ds),
        _short_rows={
            str(k): np.asarray(rows)
            for k, rows in short.groupby("region_code", sort=True).indices.items()
        },
    )


def check(batch: Batch, code: str | int) -> str:
    """``code`` as a unit code of the batch, or a UserError listing the valid ones."""
    code = str(code)
    if code in batch.index.index:
        return code
    return gaps.unit_code(batch.ds, code)  # raises the notebook's error message


def profile(batch: Batch, code: str) -> pd.DataFrame:
    """One unit on every indicator; the same frame as ``gaps.profile(ds, code, spec)``."""
    code = check(batch, code)
    return _memo(batch, ("unit", code, "profile"), lambda: _profile(batch, code)).copy()


def _profile(batch: Batch, code: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "value": batch.values.loc[code],
            "prefecture": batch.top,
            "unit_median": batch.median,
            "target": batch.target,
            "rank": batch.ranks.loc[code],
            "n": batch.n,
            "tier": batch.ind_tier.loc[code],
        }
    )
    gap = np.where(batch.lower, out["value"] - out["target"], out["target"] - out["value"])
    out["gap"] = np.where(np.isfinite(gap), np.clip(gap, 0, None), np.nan)
    out["gap_pct"] = out["gap"] / out["target"] * 100
    return out.rename_axis("indicator")


def shortfall(batch: Batch, code: str) -> pd.DataFrame:
    """The unit's rows of the shortfall table (empty when it meets every standard)."""
    rows = batch._short_rows.get(check(batch, code))
    if rows is None:
        return batch.shortfall.iloc[0:0]
    return batch.shortfall.iloc[rows]


@dataclass(frozen=True)
class Facts:
    """The numbers a profile's summary states, all taken from the batch's tables."""

    code: str
    year: int
    rank: int  # on the composite index, 1 = best
    n: int  # units ranked
    score: float
    tier: str  # tier code (methods.tiers)
    n_standards: int  # indicators with a standard/target and a value
    below: list[str]  # indicators below their standard, largest relative gap first
    largest: str | None  # the largest relative gap (first of ``below``)
    best: str | None  # the indicator with the best rank among units (ties of all left out)
    worst: str | None  # ... and the worst
    tied: list[str] = field(default_factory=list)  # indicators on which every unit is equal
    group: str = ""  # the unit's region at the intermediate level (its prefecture), if any
    group_rank: int = 0  # its rank on the composite index among the units of that region
    group_n: int = 0  # units of that region ranked


def _tied(batch: Batch, ids: list[str]) -> list[str]:
    """Indicators on which every unit with a value has the same value (once per batch)."""
    values = batch.values.reindex(columns=ids)
    return [i for i in ids if values[i].notna().sum() > 1 and values[i].nunique() == 1]


def _group_ranks(batch: Batch) -> tuple[pd.Series, pd.Series]:
    """Each unit's rank on the composite index among the units of its group (1 = best) and
    the number of units ranked in its group (once per batch)."""
    groups = batch.groups.reindex(batch.index.index).dropna().astype(str)
    score = batch.index.loc[groups.index, "index"]
    ranks = score.groupby(groups).rank(ascending=False, method="min")
    sizes = groups.map(groups.value_counts())
    return ranks, sizes


def facts(batch: Batch, code: str) -> Facts:
    """Rank, tier, indicators below the standard and the largest shortfall of one unit."""
    code = check(batch, code)
    return _memo(batch, ("unit", code, "facts"), lambda: _facts(batch, code))


def _facts(batch: Batch, code: str) -> Facts:
    prof = profile(batch, code)
    has = prof[prof["target"].notna() & prof["value"].notna()]
    below = has[has["gap"] > 0].sort_values(["gap_pct", "gap"], ascending=False, kind="stable")
    # relative rank (rank / n) so indicators with fewer units compare fairly; ties: list order
    tied = list(_memo(batch, ("tied", tuple(prof.index)), lambda: _tied(batch, list(prof.index))))
    rel = (prof["rank"] / prof["n"]).drop(index=tied).dropna()
    groups = batch.groups  # levels.group_of, once per batch (not once per unit)
    group, group_rank, group_n = "", 0, 0
    if not groups.empty and pd.notna(groups.get(code)):
        group = str(groups[code])
        ranks, sizes = _memo(batch, ("group_ranks",), lambda: _group_ranks(batch))
        group_rank = int(ranks[code])
        group_n = int(sizes[code])
    return Facts(
        code=code,
        year=batch.spec.year,
        rank=int(batch.index_ranks.loc[code, "index"]),
        n=len(batch.index),
        score=float(batch.index.loc[code, "index"]),
        tier=str(batch.tier.loc[code, "index"]),
        n_standards=len(has),
        below=below.index.tolist(),
        largest=below.index[0] if len(below) else None,
        best=str(rel.idxmin()) if len(rel) else None,
        worst=str(rel.idxmax()) if len(rel) else None,
        tied=tied,
        group=group,
        group_rank=group_rank,
        group_n=group_n,
    )


@dataclass(frozen=True)
class Advice:
    """What a profile's recommendations rest on, from the unit's own gaps (codes only)."""

    code: str
    below: list[str]  # indicators below their standard, largest relative gap first
    n_standards: int  # indicators with a standard and a value
    lagging: list[str]  # themes in the lagging tier, lowest score first
    target_year: int  # year of the plan targets judged (0: none)
    unmet: list[str]  # targets of ``target_year`` not met, largest relative shortfall first
    met: list[str]  # targets of ``target_year`` met

    @property
    def no_gap(self) -> bool:
        """No indicator below its standard, no lagging theme and no target missed."""
        return not (self.below or self.lagging or self.unmet)


def advice(batch: Batch, code: str, evaluation: pd.DataFrame | None = None) -> Advice:
    """The unit's gaps in the order its recommendations take them: indicators below their
    standard by relative shortfall (gap / standard, ``facts``), themes in the lagging tier
    (sd rule, ``gaps.tier_table``) by score, and the plan targets of the ``evaluation``
    (rows of ``results.open(ds).evaluation``: ``status`` met / not_met) missed, by relative
    shortfall ``difference_pct`` (most negative first)."""
    f = facts(batch, code)
    code = f.code
    tier = batch.tier.loc[code].drop(labels=["index"], errors="ignore")
    dims = [str(d) for d in tier.index if tier[d] == "lagging"]
    order = sorted(range(len(dims)), key=lambda k: (float(batch.index.loc[code, dims[k]]), k))
    lag = [dims[k] for k in order]
    year, unmet, met = 0, [], []
    if evaluation is not None and len(evaluation):
        kept = batch._kept.get("evaluation_rows")
        if kept is None or kept[0] is not evaluation:  # the rows of each unit, once per table
            kept = (evaluation, evaluation.groupby(evaluation["region_code"].astype(str)).indices)
            batch._kept["evaluation_rows"] = kept
        rows = evaluation.iloc[kept[1].get(code, [])]
        if len(rows):
            year = int(rows["target_year"].iloc[0])
            missed = rows[rows["status"] == "not_met"]
            missed = missed.sort_values("difference_pct", kind="stable")
            unmet = [str(i) for i in missed["indicator"]]
            met = [str(i) for i in rows.loc[rows["status"] == "met", "indicator"]]
    return Advice(code, list(f.below), f.n_standards, lag, year, unmet, met)
