"""The results model: one answer per question, computed once and read by every artefact.

For a data set (its content and scope: top region, unit level) and the method settings, a
``Results`` object gives every report the same numbers:

- ``horizon(year)``: the one forecast of each indicator x region for a target year
  (``analyses.forecasts``), fitted once and persisted under the cache folder keyed by the
  hash of the data, the scope, the method and the code, so a second run (and every other
  report kernel of the same run) reads it back instead of refitting;
- ``target_view(...)``: progress status, probability and risk for a plan period (report 03,
  the plan figures, the explorer), from that forecast;
- ``evaluation(...)``: the final evaluation of a period (report 05, the documents);
- ``next_targets(...)``: next-period targets (report 06), whose "value reached with
  probability p" is a quantile of the same forecast report 03 shows for that horizon.

The rules that keep the answers consistent are in ``analyses.status`` (a status and the
probability beside it), ``analyses.next_period`` (a target is never below the standard or the
value reached with probability p) and here (one forecast per horizon).

Example::

    from analysis.data import load
    from analysis import results
    res = results.open(load())
    view = res.target_view(2020, 2025, as_of_year=2024)
    frame, std = res.next_targets(2025, 2030, p=0.8)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import paths
from analysis.analyses import evaluation as ev
from analysis.analyses import forecasts as fcs
from analysis.analyses import levels
from analysis.analyses import next_period as npd
from analysis.analyses import targets as tg
from analysis.data import Dataset
from analysis.data import stored as stored_data
from analysis.results import store

__all__ = ["Results", "open", "warm", "forget", "code_version"]

_CODE: str | None = None
_OPEN: dict[tuple[int, str, str], Results] = {}


def code_version() -> str:
    """Hash of the package's methods and analyses source (a change refits the forecasts)."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256()
        for sub in ("methods", "analyses", "results"):
            for f in sorted((paths.PACKAGE_DIR / sub).glob("*.py")):
                h.update(f.name.encode())
                h.update(f.read_bytes())
        _CODE = h.hexdigest()[:16]
    return _CODE


def _data_key(ds: Dataset, method: str) -> str:
    """Hash of the data set's frames, scope, method and code. For a data set from ``load``
    the content key of its files (``data.stored.key_of``) stands for the frames: hashing
    the national observations again would cost seconds in every kernel."""
    scope = f"{ds.top}|{ds.unit_level}|{method}|{code_version()}"
    loaded = stored_data.key_of(ds)
    if loaded is not None:
        return hashlib.sha256(f"{loaded}|{scope}".encode()).hexdigest()[:16]
    frames = (ds.regions, ds.indicators, ds.targets, ds.observations)
    return store.fingerprint(*frames, extra=scope)


class Results:
    """The answers for one data set, scope and method (module docstring)."""

    def __init__(self, ds: Dataset, method: str = "auto", cache_dir: Path | None = None):
        self.ds = ds
        self.method = method
        self.key = _data_key(ds, method)
        self.folder = (cache_dir or paths.cache_dir()) / self.key
        self._horizons: dict[tuple[int, int, tuple[str, ...]], fcs.HorizonForecast] = {}
        self._tables: dict[str, Any] = {}

    def indicators(self, extra: Sequence[str] = ()) -> list[str]:
        """The forecast's indicators: every one with a target, plus ``extra``."""
        have = fcs.target_indicators(self.ds)
        more = [i for i in extra if i not in have]
        order = {i: k for k, i in enumerate(self.ds.indicators["id"])}
        return sorted([*have, *more], key=lambda i: order.get(i, len(order)))

    def horizon(
        self, year: int, as_of_year: int | None = None, extra: Sequence[str] = ()
    ) -> fcs.HorizonForecast:
        """The forecast of target year ``year`` (fitted once, then read back)."""
        inds = self.indicators(extra)
        as_of = fcs.as_of_for(self.ds, year, inds) if as_of_year is None else int(as_of_year)
        memo = (int(year), as_of, tuple(inds))
        if memo in self._horizons:
            return self._horizons[memo]
        tag = hashlib.sha256("|".join(inds).encode()).hexdigest()[:8]
        name = f"forecast_{year}_asof{as_of}_{tag}"
        hf = store.read(self.folder, name, int(year), as_of, self.method)
        if hf is None:
            hf = fcs.fit(self.ds, int(year), as_of_year=as_of, method=self.method, indicators=inds)
            store.write(hf, self.folder, name)
        self._horizons[memo] = hf
        return hf

    def target_view(
        self,
        base_year: int,
        target_year: int,
        as_of_year: int | None = None,
        *,
        indicators: Sequence[str] | None = None,
        scenario_growth: float = 0.08,
        target_values: Mapping[str, float] | None = None,
        rule: str = "gap",
    ) -> tg.TargetView:
        """Projection, probability, status and risk of a plan period (report 03)."""
        targets = npd.standards_for(self.ds, base_year, target_year, target_values)
        inds = tg.select_indicators(self.ds, targets, indicators, target_year)
        hf = self.horizon(target_year, as_of_year, list(targets.index))
        regions = levels.scope_regions(self.ds)
        fitted = (hf.rows(inds, regions), hf.accuracy_rows(inds, regions))
        return tg.prepare(
            self.ds,
            base_year=base_year,
            target_year=target_year,
            as_of_year=hf.as_of_year,
            indicators=inds,
            method=self.method,
            scenario_growth=scenario_growth,
            target_values=target_values,
            rule=rule,
            fitted=fitted,
            in_force=targets,
        )

    def _kept(self, what: str, args: tuple, compute):
        """``compute()`` once per data set, scope, method, code and ``args``: kept in this
        process and persisted beside the forecasts, so every report kernel of a run reads
        the table the runner computed before them (a copy: callers may add columns)."""
        tag = hashlib.sha256(repr(args).encode()).hexdigest()[:12]
        name = f"{what}_{tag}"
        if name not in self._tables:
            value = store.read_value(self.folder, name)
            if value is None:
                value = compute()
                store.write_value(value, self.folder, name)
            self._tables[name] = value
        value = self._tables[name]
        if isinstance(value, tuple):
            return tuple(v.copy() for v in value)
        return value.copy()

    def evaluation(
        self,
        base_year: int,
        target_year: int,
        target_values: Mapping[str, float] | None = None,
        rule: str = "gap",
    ) -> pd.DataFrame:
        """The final evaluation of a plan period (report 05)."""
        values = sorted((str(k), repr(v)) for k, v in (target_values or {}).items())
        args = (repr(base_year), repr(target_year), values, rule)
        return self._kept(
            "evaluation",
            args,
            lambda: ev.evaluate(self.ds, base_year, target_year, target_values, rule),
        )

    def next_targets(
        self,
        base_year: int,
        target_year: int,
        p: float = 0.8,
        standards: Mapping[str, float] | None = None,
        rule: str = "gap",
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Next-period targets (report 06) from the shared forecast of ``target_year``."""
        values = sorted((str(k), repr(v)) for k, v in (standards or {}).items())
        args = (repr(base_year), repr(target_year), repr(p), values, rule)

        def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
            std = npd.standards_for(self.ds, base_year, target_year, standards)
            hf = self.horizon(target_year, None, list(std.index))
            return npd.next_targets(self.ds, base_year, target_year, p, standards, rule, horizon=hf)

        return self._kept("next_targets", args, compute)


def open(ds: Dataset, method: str = "auto", cache_dir: Path | None = None) -> Results:  # noqa: A001
    """The results of ``ds`` (one object per data set, method and cache folder per process)."""
    folder = str(cache_dir or paths.cache_dir())
    memo = (id(ds), method, folder)
    res = _OPEN.get(memo)
    if res is None or res.ds is not ds:
        res = Results(ds, method, cache_dir)
        _OPEN[memo] = res
    return res


def forget() -> None:
    """Drop the results ``open`` keeps in this process (and with them their data sets): the
    runner's main process calls it after ``warm``, so it does not hold a national data set
    in memory while the kernels run."""
    _OPEN.clear()


def warm(
    ds: Dataset,
    method: str = "auto",
    cache_dir: Path | None = None,
    publish: Path | None = None,
) -> Results:
    """Compute (or read back) every forecast the data set's periods need, before any report
    kernel starts, and write the results tables to ``publish`` when given (the runner calls
    this once per scope: every report then reads the persisted forecasts)."""
    from analysis.results import tables

    res = open(ds, method, cache_dir)
    if publish is not None:
        tables.export(res, publish)
    else:
        tables.tables(res)
    return res
