"""The ``Dataset``: regions, indicators, targets, observations and sources of one
validated data set, with provenance on every observation.

Usage::

    from analysis.data import load
    ds = load()                       # the embedded data in <root>/data
    ds.panel("community_workers")     # region x year
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data import schema as S
from analysis.data import words
from analysis.errors import unknown, user_error
from analysis.messages import t

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
    scope: tuple[str | None, str | None] = (None, None)  # explicit (top code, unit level)
    discrepancies: pd.DataFrame | None = None  # observed totals unlike their parts' aggregate

    # -- regions ---------------------------------------------------------------------
    @property
    def unit_level(self) -> str:
        """Level of the analysis units: explicit, else the lowest level in the data."""
        if self.scope[1]:
            return self.scope[1]
        levels = [lv for lv in S.LEVELS if lv in set(self.regions["level"])]
        return levels[-1]

    @cached_property
    def _parents(self) -> dict[str, str]:
        codes = self.regions["code"].astype(str)
        return dict(zip(codes, self.regions["parent_code"].fillna("").astype(str), strict=True))

    def ancestors(self, code: str) -> list[str]:
        """``code``'s chain of parents, nearest first (cycles are rejected when loading)."""
        out, c = [], self._parents.get(code, "")
        while c and c not in out:
            out.append(c)
            c = self._parents.get(c, "")
        return out

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c, p in self._parents.items():
            if p:
                out.setdefault(p, []).append(c)
        return out

    def descendants(self, code: str) -> set[str]:
        """Every region below ``code`` in the tree (a walk down the children: linear in the
        size of the subtree, not a scan of every region's ancestors)."""
        out: set[str] = set()
        todo = [code]
        while todo:
            for k in self._children.get(todo.pop(), ()):
                if k not in out:
                    out.add(k)
                    todo.append(k)
        return out

    @cached_property
    def top(self) -> str:
        """Code of the region the analysis is about.

        Explicit when loaded with ``top=``; otherwise the lowest common ancestor of all
        units of ``unit_level`` (the region whose whole territory the units cover), so a
        data set that also lists the province of one prefecture still analyses the
        prefecture, and a province with all its counties analyses the province.
        Never guessed by majority.
        """
        if self.scope[0]:
            return self.scope[0]
        level = self.regions["level"] == self.unit_level
        chains = [self.ancestors(str(c))[::-1] for c in self.regions.loc[level, "code"]]
        common: list[str] = []
        for step in zip(*chains, strict=False):
            if len(set(step)) != 1:
                break
            common.append(step[0])
        return common[-1] if common else ""

    def check_scope(self) -> Dataset:
        """``self`` if it has analysis units below its top, else a UserError saying so."""
        if self.units().empty:
            raise user_error("data.scope_without_units", top=self.top or "-", level=self.unit_level)
        return self

    def whole_word(self, lang: str = "zh", code: str | None = None) -> str:
        """The region as a whole (catalogue ``regions.whole_*``) for ``code`` (default: top)."""
        row = self.regions.loc[self.regions["code"] == (code or self.top)]
        if row.empty:
            return words.whole_word("", "", lang)
        return words.whole_word(str(row.iloc[0]["level"]), str(row.iloc[0]["name_zh"]), lang)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per data set and ``key``, then the kept value (a Dataset is
        frozen and its frames are not changed in place, so what is derived from them stays
        true: the units, the stocks, the region groups that national tables ask for once
        per region). Callers that may change the value get a copy."""
        kept = self.__dict__.setdefault("_memo", {})  # frozen: no attribute assignment
        if key not in kept:
            kept[key] = compute()
        return kept[key]

    def units_word(self, lang: str = "zh") -> str:
        """What the analysis units are called together (catalogue ``regions.units_*``)."""
        return self.memo(
            ("units_word", lang),
            lambda: words.units_word(self.unit_level, self._units()["name_zh"], lang),
        )

    def _units(self) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            f = self.regions[self.regions["level"] == self.unit_level]
            if self.scope[0]:
                f = f[f["code"].astype(str).isin(self.descendants(self.scope[0]))]
            return f.reset_index(drop=True)

        return self.memo("units", compute)

    def units(self) -> pd.DataFrame:
        """The analysis units: regions of ``unit_level`` below ``top``, sorted by code."""
        return self._units().copy()

    @property
    def unit_codes(self) -> list[str]:
        return list(self.memo("unit_codes", lambda: self._units()["code"].tolist()))

    def name(self, code: str, lang: str = "zh") -> str:
        """Region name in Chinese (``zh``) or English (``en``): a dict lookup (called once per
        county in tables, so never a scan of all regions)."""
        names = self._names(f"name_{lang}")
        if code not in names:
            raise unknown("kinds.region_code", [code], self.regions["code"].tolist())
        return str(names[code])

    def names(self, lang: str = "zh") -> dict[str, str]:
        return dict(self._names(f"name_{lang}"))

    def _names(self, column: str) -> dict:
        cache = self.__dict__.setdefault("_name_cache", {})  # frozen: no attribute assignment
        if column not in cache:
            cache[column] = dict(zip(self.regions["code"], self.regions[column], strict=True))
        return cache[column]

    def check_regions(self, codes: str | Iterable[str]) -> list[str]:
        """Return ``codes`` as a list, or raise a UserError listing the valid codes."""
        codes = [codes] if isinstance(codes, str) else [str(c) for c in codes]
        valid = set(self.regions["code"])
        bad = [c for c in codes if c not in valid]
        if bad:
            listing = [
                f"{c} {n}"
                for c, n in zip(self.regions["code"], self.regions["name_zh"], strict=True)
            ]
            raise unknown("kinds.region_code", bad, listing)
        return codes

    # -- indicators ------------------------------------------------------------------
    def indicator(self, ind: str) -> pd.Series:
        """Metadata row of one indicator (a row of the table indexed by id once per data
        set: tables call this once per county and indicator; each row is looked up once and
        kept, a ``.loc`` costs tens of microseconds and national tables ask 10^5 times)."""
        self.check_indicators([ind])
        return self.memo(("indicator", ind), lambda: self._indicators_by_id.loc[ind])

    @cached_property
    def _indicators_by_id(self) -> pd.DataFrame:
        return self.indicators.set_index("id")

    def check_indicators(self, ids: str | Iterable[str]) -> list[str]:
        """Return ``ids`` as a list, or raise a UserError listing the valid indicator ids."""
        ids = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        valid = self._indicator_ids
        bad = [i for i in ids if i not in valid]
        if bad:
            raise unknown("kinds.indicator", bad, self.indicators["id"].tolist())
        return ids

    @cached_property
    def _indicator_ids(self) -> frozenset[str]:
        return frozenset(self.indicators["id"])

    def label(self, ind: str, lang: str = "zh", unit: bool = True) -> str:
        """Indicator name with its unit in brackets (catalogue ``data.label_with_unit``)."""
        row = self.indicator(ind)
        name, u = row[f"name_{lang}"], row[f"unit_{lang}"]
        if not unit or not u:
            return str(name)
        return t("data.label_with_unit", lang, name=name, unit=u)

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

    def values(
        self, indicators: Sequence[str], year: int, regions: Sequence[str] | None = None
    ) -> pd.DataFrame:
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

    def targets_for(
        self, indicator: str | None = None, target_year: int | None = None
    ) -> pd.DataFrame:
        t = self.targets
        if indicator is not None:
            t = t[t["indicator"] == indicator]
        if target_year is not None:
            t = t[t["target_year"] == target_year]
        return t.reset_index(drop=True)
