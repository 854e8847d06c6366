"""Load the data set into one validated ``Dataset`` (regions, indicators, targets,
observations, sources), with provenance on every observation.

>>> ds = load()                       # the embedded data in <root>/data
>>> ds.panel("community_workers")     # region x year
>>> ds.sources_of(ds.obs(["community_workers"]))   # which sources a figure uses
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from . import schema as S
from . import validate as V
from .errors import DataError, Problem, UserError, unknown

SOURCE_SEP = "+"  # a derived value lists all its source ids joined by '+'


@dataclass(frozen=True)
class Dataset:
    """A validated data set. All frames are plain pandas DataFrames, sorted and indexed 0..n-1."""

    root: Path
    regions: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    observations: pd.DataFrame
    sources: pd.DataFrame
    files: dict[str, list[str]] = field(default_factory=dict)  # observation file -> indicators

    # -- regions ---------------------------------------------------------------------
    @property
    def top(self) -> str:
        """Code of the aggregate region the analysis is about: the parent of the units."""
        return str(self.units()["parent_code"].mode().iloc[0])

    def units(self) -> pd.DataFrame:
        """The analysis units (counties): regions of the lowest level, sorted by code."""
        levels = [lv for lv in S.LEVELS if lv in set(self.regions["level"])]
        return self.regions[self.regions["level"] == levels[-1]].reset_index(drop=True)

    @property
    def unit_codes(self) -> list[str]:
        return self.units()["code"].tolist()

    def name(self, code: str, lang: str = "zh") -> str:
        """Region name in Chinese (``zh``) or English (``en``)."""
        row = self.regions.loc[self.regions["code"] == code]
        if row.empty:
            raise unknown("地区代码", "region code", [code], self.regions["code"].tolist())
        return str(row.iloc[0][f"name_{lang}"])

    def names(self, lang: str = "zh") -> dict[str, str]:
        return dict(zip(self.regions["code"], self.regions[f"name_{lang}"], strict=True))

    def check_regions(self, codes: str | Iterable[str]) -> list[str]:
        """Return ``codes`` as a list, or raise a UserError listing the valid codes."""
        codes = [codes] if isinstance(codes, str) else [str(c) for c in codes]
        valid = set(self.regions["code"])
        bad = [c for c in codes if c not in valid]
        if bad:
            listing = [f"{c} {n}" for c, n in zip(self.regions["code"], self.regions["name_zh"], strict=True)]
            raise unknown("地区代码", "region code", bad, listing)
        return codes

    # -- indicators ------------------------------------------------------------------
    def indicator(self, ind: str) -> pd.Series:
        """Metadata row of one indicator."""
        self.check_indicators([ind])
        return self.indicators.set_index("id").loc[ind]

    def check_indicators(self, ids: str | Iterable[str]) -> list[str]:
        """Return ``ids`` as a list, or raise a UserError listing the valid indicator ids."""
        ids = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        valid = set(self.indicators["id"])
        bad = [i for i in ids if i not in valid]
        if bad:
            raise unknown("指标", "indicator", bad, self.indicators["id"].tolist())
        return ids

    def label(self, ind: str, lang: str = "zh", unit: bool = True) -> str:
        """Indicator name, with its unit in brackets: 社区工作者(人)."""
        row = self.indicator(ind)
        name, u = row[f"name_{lang}"], row[f"unit_{lang}"]
        if not unit or not u:
            return str(name)
        return f"{name}({u})" if lang == "zh" else f"{name} ({u})"

    # -- observations ----------------------------------------------------------------
    def obs(
        self,
        indicators: str | Sequence[str] | None = None,
        regions: str | Sequence[str] | None = None,
        years: int | Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """Observations in long form, filtered; unknown ids raise a UserError.

        Vectorised through row positions per indicator (built once per data set), so a
        selection from a national-scale panel does not scan every row.
        """
        o = self.observations
        if indicators is None:
            pos = np.arange(len(o))
        else:
            rows = self._rows_by_indicator
            parts = [rows[i] for i in self.check_indicators(indicators) if i in rows]
            pos = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
        if regions is not None:  # hash lookup (np.isin on strings compares every pair)
            wanted = pd.Index(self.check_regions(regions))
            pos = pos[wanted.get_indexer(o["region_code"].to_numpy()[pos]) >= 0]
        if years is not None:
            years = [years] if isinstance(years, int | np.integer) else list(years)
            pos = pos[np.isin(o["year"].to_numpy()[pos], years)]
        return o.iloc[pos].reset_index(drop=True)

    @cached_property
    def _rows_by_indicator(self) -> dict[str, np.ndarray]:
        return self.observations.groupby("indicator", sort=False).indices

    def panel(self, indicator: str, regions: Sequence[str] | None = None) -> pd.DataFrame:
        """One indicator as a region x year table (regions default to the units)."""
        regions = self.unit_codes if regions is None else regions
        o = self.obs(indicator, regions)
        return o.pivot(index="region_code", columns="year", values="value").reindex(list(regions))

    def values(self, indicators: Sequence[str], year: int, regions: Sequence[str] | None = None) -> pd.DataFrame:
        """Several indicators in one year as a region x indicator table."""
        regions = self.unit_codes if regions is None else regions
        o = self.obs(indicators, regions, year)
        return o.pivot(index="region_code", columns="indicator", values="value").reindex(
            index=list(regions), columns=list(indicators)
        )

    # -- provenance ------------------------------------------------------------------
    def source_ids(self, obs: pd.DataFrame) -> list[str]:
        """Sorted distinct source ids behind ``obs`` (derived values expanded to their inputs)."""
        ids = {part for s in obs["source"].unique() for part in str(s).split(SOURCE_SEP)}
        return sorted(ids)

    def sources_of(self, obs: pd.DataFrame) -> pd.DataFrame:
        """The sources.csv rows behind ``obs``, sorted by id."""
        ids = self.source_ids(obs)
        return self.sources[self.sources["id"].isin(ids)].sort_values("id").reset_index(drop=True)

    def is_illustrative(self, obs: pd.DataFrame) -> bool:
        """True when any value in ``obs`` rests on an illustrative (constructed) source."""
        return bool((self.sources_of(obs)["kind"] == "illustrative").any())

    def targets_for(self, indicator: str | None = None, target_year: int | None = None) -> pd.DataFrame:
        t = self.targets
        if indicator is not None:
            t = t[t["indicator"] == indicator]
        if target_year is not None:
            t = t[t["target_year"] == target_year]
        return t.reset_index(drop=True)


def _drop_private(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in ("_row", "_file") if c in df.columns]).reset_index(drop=True)


def read_all(root: Path) -> tuple[dict[str, pd.DataFrame | None], dict[str, list[str]], list[Problem]]:
    """Read every file of the data set, collecting type and structure problems."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    for name, table in (("regions", S.REGIONS), ("indicators", S.INDICATORS), ("sources", S.SOURCES), ("targets", S.TARGETS)):
        frames[name] = V.read_table(root / table.file, table, table.file, problems)
    obs_dir = root / "observations"
    files = sorted(obs_dir.glob("*.csv")) if obs_dir.is_dir() else []
    if not files:
        problems.append(Problem("observations/", None, None, "没有观测数据文件 (*.csv)", "no observation files (*.csv)"))
    parts = [V.read_table(f, S.OBSERVATIONS, f"observations/{f.name}", problems) for f in files]
    parts = [p for p in parts if p is not None]
    frames["observations"] = pd.concat(parts, ignore_index=True) if parts else None
    by_file = {} if not parts else {
        str(f): sorted(g["indicator"].unique()) for f, g in frames["observations"].groupby("_file")
    }
    return frames, by_file, problems


def check(frames: dict[str, pd.DataFrame | None], problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """Cross-file checks (codes, references, bounds, years); returns the frames with bad rows dropped."""
    regions, inds, srcs = frames["regions"], frames["indicators"], frames["sources"]
    region_codes = set(regions["code"]) if regions is not None else set()
    ind_ids = set(inds["id"]) if inds is not None else set()
    source_ids = set(srcs["id"]) if srcs is not None else set()
    if regions is not None:
        V.check_allowed(regions, "level", S.LEVELS, problems)
        # every region but those of the highest level present needs a parent in the set
        rank = regions["level"].map({lv: i for i, lv in enumerate(S.LEVELS)})
        V.check_refs(regions[rank > rank.min()], "parent_code", region_codes, ("上级地区代码", "parent region code"), problems)
    if inds is not None:
        V.check_allowed(inds, "direction", S.DIRECTIONS, problems)
        V.check_allowed(inds, "kind", S.KINDS, problems)
        for col in ("numerator", "denominator"):
            V.check_refs(inds, col, ind_ids, ("指标", "indicator"), problems)
    if srcs is not None:
        V.check_allowed(srcs, "kind", S.SOURCE_KINDS, problems)
    obs = frames["observations"]
    if obs is not None:
        ok = V.check_refs(obs, "region_code", region_codes, ("地区代码", "region code"), problems) if regions is not None else True
        if inds is not None:
            ok &= V.check_refs(obs, "indicator", ind_ids, ("指标", "indicator"), problems)
            derived = set(inds.loc[inds["numerator"].ne(""), "id"])
            stored = obs["indicator"].isin(derived)
            for f, r, i in zip(obs.loc[stored, "_file"], obs.loc[stored, "_row"], obs.loc[stored, "indicator"], strict=True):
                problems.append(Problem(f, int(r), "indicator", f"派生指标 {i} 由程序计算,不能录入", f"derived indicator {i} is computed, not stored"))
            ok &= ~stored
            ok &= V.check_bounds(obs, "value", inds, problems)
        if srcs is not None:
            ok &= V.check_refs(obs, "source", source_ids, ("来源", "source id"), problems, split=SOURCE_SEP)
        ok &= V.check_years(obs, "year", problems)
        frames["observations"] = obs[ok]
    t = frames["targets"]
    if t is not None:
        ok = V.check_refs(t, "indicator", ind_ids, ("指标", "indicator"), problems) if inds is not None else True
        ok &= V.check_refs(t, "region_code", region_codes, ("地区代码", "region code"), problems)
        ok &= V.check_refs(t, "source", source_ids, ("来源", "source id"), problems, split=SOURCE_SEP)
        ok &= V.check_allowed(t, "attribute", S.ATTRIBUTES, problems)
        ok &= V.check_years(t, "base_year", problems) & V.check_years(t, "target_year", problems)
        late = t["target_year"] <= t["base_year"]
        for f, r, b, y in zip(t.loc[late, "_file"], t.loc[late, "_row"], t.loc[late, "base_year"], t.loc[late, "target_year"], strict=True):
            problems.append(Problem(f, int(r), "target_year", f"目标年份 {y} 应晚于基期年份 {b}", f"target year {y} must be after base year {b}"))
        ok &= ~late
        if inds is not None:
            tv = t.rename(columns={"target_value": "_v"})
            ok &= V.check_bounds(tv, "_v", inds, problems).values
        frames["targets"] = t[ok]
    return frames  # type: ignore[return-value]


def load(data_dir: str | os.PathLike | None = None, *, derive: bool = True) -> Dataset:
    """Read, validate and return the data set in ``data_dir`` (default: the project's data/).

    Raises ``DataError`` listing every problem found (file, row, column, zh/en message).
    With ``derive=True`` the derived indicators (per 10k residents, per 100 households …)
    are computed and added to the observations (see ``analysis.indicators``).
    """
    root = paths.data_dir(data_dir)
    if not root.is_dir():
        raise UserError(f"数据目录不存在: {root}", f"data directory does not exist: {root}")
    frames, by_file, problems = read_all(root)
    frames = check(frames, problems)
    if problems:
        raise DataError(problems)
    regions = _drop_private(frames["regions"]).sort_values("code", ignore_index=True)
    indicators = _drop_private(frames["indicators"])
    indicators["in_index"] = indicators["in_index"].fillna(0).astype(int)
    obs = _drop_private(frames["observations"])
    obs["year"] = obs["year"].astype(int)
    targets = _drop_private(frames["targets"])
    targets[["base_year", "target_year"]] = targets[["base_year", "target_year"]].astype(int)
    ds = Dataset(
        root=root,
        regions=regions,
        indicators=indicators,
        targets=targets.sort_values(["indicator", "region_code", "target_year"], ignore_index=True),
        observations=obs.sort_values(["indicator", "region_code", "year"], ignore_index=True),
        sources=_drop_private(frames["sources"]).sort_values("id", ignore_index=True),
        files=by_file,
    )
    if derive:
        from .indicators import with_derived

        ds = with_derived(ds)
    return ds
