"""Preflight: what each report needs from the data, checked before any kernel starts.

``analysis validate`` (with reports.toml), ``analysis run --dry-run`` and ``analysis run``
call ``check(tasks, ds)``: for the run's scope (``--top``, ``--level``) and each task's
periods it asks the same analysis functions the report calls first, cheaply (no forecast
is fitted, nothing is drawn), and turns each refusal into a ``Need``: the report that would
fail and what to add, naming the file (targets.csv, observations/, regions.csv) or the
reports.toml key. ``analysis validate`` and ``run --dry-run`` exit 2 on any need;
``analysis run`` records those reports as failed without starting their kernels and runs
the others.

Checks, by the notebook a task runs (``CHECKS``; a notebook not listed gets the scope
check only):

- every report: a top region with analysis units below it (``scope``);
- 01 baseline: the units' urbanisation rate in the base year (the figure drawn whatever
  else is missing; the division-count trend is the top region's counts, else the sum of
  its units, else a sentence naming the units without counts: never a refusal);
- 02 gaps, county profiles, 04 plan figures: at least two units to compare, unit data for
  the index indicators in the year asked (``gaps.resolve``); a profile's region is one of
  the units (its ``expand``);
- 03 projection, 06 next-period targets: targets of the top region for ``target_year``,
  else those of ``base_year`` carried forward (``next_period.standards_for``), or the
  report's ``target_values``/``standards``; observations of those indicators up to the
  assessment year;
- 05 final evaluation: targets for ``target_year`` itself (no carry-forward: a period is
  evaluated against its own targets) or ``target_values``.
Maps are optional (a report without a map of its units draws none); ``map_gaps`` lists
the units missing from geo/ for a notice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.analyses import baseline
from analysis.data import Dataset
from analysis.errors import UserError
from analysis.messages import pair
from analysis.runner.config import REGION_PARAMS, RUN_PARAMS, Task, notebook_params


@dataclass(frozen=True)
class Need:
    """One report that would fail, and what to add (Chinese and English)."""

    task: str
    zh: str
    en: str


@functools.cache
def _declared(path: Path) -> dict[str, Any]:
    return notebook_params(path)


def _values(task: Task) -> dict[str, Any]:
    """The task's parameters over its notebook's defaults (the values the kernel sees)."""
    declared = _declared(task.notebook)
    out = {k: p.default for k, p in declared.items() if k not in RUN_PARAMS}
    return {**out, **task.parameters}


def _unit_list(ds: Dataset, codes: Sequence[str], n: int = 5) -> str:
    shown = [f"{c} {ds.name(c)}".strip() for c in list(codes)[:n]]
    return ", ".join(shown) + (f" … ({len(codes)})" if len(codes) > n else "")


def scope(ds: Dataset) -> tuple[str, str] | None:
    """A problem with the scope itself (no region above the units), else None."""
    units = ds.unit_codes
    if ds.top and ds.top not in units:
        return None
    return pair(
        "preflight.scope_no_top",
        level=ds.unit_level,
        units=_unit_list(ds, units),
        n=len(units),
    )


# -- per-report checks: each raises UserError (its text becomes the need) ---------------------
def _targets_hint(ds: Dataset, report: str, year: int, carry: int | None, param: str) -> UserError:
    key = "preflight.no_targets_carry" if carry else "preflight.no_targets"
    return UserError(
        *pair(
            key,
            region=f"{ds.top} {ds.name(ds.top)}",
            year=year,
            base=carry or "",
            report=report,
            param=param,
        )
    )


def _observed(ds: Dataset, inds: list[str], regions: list[str], year: int | None) -> None:
    """Some observation of ``inds`` for ``regions`` (in ``year``), else what to add."""
    undefined = [i for i in inds if i not in set(ds.indicators["id"])]
    if undefined:
        raise UserError(*pair("preflight.undefined_indicators", indicators=", ".join(undefined)))
    if ds.obs(inds, regions, year).empty:
        when = pair("preflight.in_year", year=year) if year is not None else ("", "")
        fields = {"indicators": ", ".join(inds), "regions": _unit_list(ds, regions)}
        zh = pair("preflight.no_observations", when=when[0], **fields)[0]
        en = pair("preflight.no_observations", when=when[1], **fields)[1]
        raise UserError(zh, en)


def _baseline(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    # the urbanisation figure of the units; the structure table's indicators defined; the
    # division counts of the top region or of its units (the trend sums the units, or says
    # which lack counts: ``analyses.baseline.division_trend``)
    _observed(ds, ["urbanisation_rate"], ds.unit_codes, int(v.get("base_year", 2020)))
    undefined = [i for i in baseline.STRUCTURE if i not in set(ds.indicators["id"])]
    if undefined:
        raise UserError(*pair("preflight.undefined_indicators", indicators=", ".join(undefined)))
    counts = ["resident_committees", "village_committees"]
    if ds.obs(counts, [ds.top]).empty:
        _observed(ds, counts, ds.unit_codes, None)


def _compared(ds: Dataset) -> None:
    """Gaps, ranks and inequality compare units: at least two of them."""
    units = ds.unit_codes
    if len(units) < 2:
        raise UserError(
            *pair(
                "preflight.one_unit",
                level=ds.unit_level,
                top=f"{ds.top} {ds.name(ds.top)}",
                units=_unit_list(ds, units),
            )
        )


def _resolve(ds: Dataset, *args: Any) -> None:
    """``gaps.resolve`` as the report calls it, after checking that the units have any
    data of the index indicators (else: which rows to add)."""
    from analysis.analyses import gaps

    indicators = args[1] if len(args) > 1 else None
    _observed(ds, gaps.index_indicators(ds, indicators), ds.unit_codes, None)
    gaps.resolve(ds, *args)


def _gaps(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    _compared(ds)
    _resolve(
        ds,
        int(v.get("year") or 0),
        v.get("indicators") or None,
        v.get("normalisation", "minmax"),
        v.get("weighting", "equal"),
        v.get("grouping", "group"),
    )


def _unit(ds: Dataset, code: str, task: Task, units: set[str]) -> tuple[str, str] | None:
    """A unit profile's region must be a unit of the scope (what its ``expand`` gives)."""
    if task.notebook.stem not in UNIT_REPORTS or not code or code in units:
        return None
    return pair(
        "preflight.not_a_unit",
        report=task.report,
        level=ds.unit_level,
        units=_unit_list(ds, ds.unit_codes),
    )


def _profile(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    _compared(ds)
    _resolve(
        ds,
        int(v.get("year") or 0),
        None,
        v.get("normalisation", "minmax"),
        v.get("weighting", "equal"),
        "group",
    )


def _history(ds: Dataset, inds: list[str], target_year: int, as_of: int | None) -> None:
    from analysis.analyses import forecasts
    from analysis.analyses import targets as tg

    year = forecasts.as_of_for(ds, target_year, inds) if as_of is None else as_of
    tg.observed_history(ds, inds, [ds.top, *ds.unit_codes], year)


def _projection(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    from analysis.analyses import next_period as npd
    from analysis.analyses import targets as tg

    base, year, as_of = tg.check_period(v["base_year"], v["target_year"], v["as_of_year"])
    try:
        std = npd.standards_for(ds, base, year, v.get("target_values") or None)
    except UserError:
        raise _targets_hint(ds, task.report, year, base, "target_values") from None
    inds = tg.select_indicators(ds, std, v.get("indicators") or None, year)
    _history(ds, inds, year, as_of)


def _evaluation(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    from analysis.analyses import targets as tg

    base, year, _ = tg.check_period(v["base_year"], v["target_year"], v["base_year"])
    t = tg.targets_in_force(ds, year, v.get("target_values") or None)
    if t.empty:
        raise _targets_hint(ds, task.report, year, None, "target_values")


def _next_period(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    from analysis.analyses import next_period as npd
    from analysis.analyses import targets as tg

    base, year, _ = tg.check_period(v["base_year"], v["target_year"], v["base_year"])
    npd.check_probability(v.get("p", 0.8))
    try:
        std = npd.standards_for(ds, base, year, v.get("standards") or None)
    except UserError:
        raise _targets_hint(ds, task.report, year, base, "standards") from None
    _history(ds, list(std.index), year, None)


def _plan_figures(ds: Dataset, v: Mapping[str, Any], task: Task) -> None:
    from analysis.present import plan_figures

    _compared(ds)
    _resolve(ds, 0)  # unit data at all (names the indicators if none)
    _resolve(ds, plan_figures.default_year(ds), None, "minmax", "equal", None)


UNIT_REPORTS = ("county_profile",)  # notebooks whose region_code must be a unit
Check = Callable[[Dataset, Mapping[str, Any], Task], None]
CHECKS: dict[str, Check] = {  # notebook file stem -> its check
    "01_baseline": _baseline,
    "02_county_gaps": _gaps,
    "county_profile": _profile,
    "03_target_projection": _projection,
    "04_plan_figures": _plan_figures,
    "05_final_evaluation": _evaluation,
    "06_next_period_targets": _next_period,
}


def check(tasks: Sequence[Task], ds: Dataset) -> list[Need]:
    """The needs of ``tasks`` on ``ds`` (empty: every report has what it reads)."""
    bad_scope = scope(ds)
    if bad_scope:
        return [Need(t.name, *bad_scope) for t in tasks]
    needs: list[Need] = []
    memo: dict[tuple, tuple[str, str] | None] = {}
    units = set(ds.unit_codes)
    for t in tasks:
        fn = CHECKS.get(t.notebook.stem)
        if fn is None:
            continue
        v = _values(t)
        need = _unit(ds, str(v.get("region_code") or ""), t, units)
        # the rest does not depend on the region: once per report and parameters (a
        # national run has thousands of county profiles)
        shared = sorted((k, x) for k, x in v.items() if k not in REGION_PARAMS)
        key = (t.notebook.stem, t.report, repr(shared))
        if need is None and key not in memo:
            try:
                fn(ds, {**dict(shared), "region_code": ""}, t)
                memo[key] = None
            except UserError as exc:
                memo[key] = (exc.zh, exc.en)
        need = need or memo.get(key)
        if need:
            needs.append(Need(t.name, *need))
    return needs


def map_gaps(ds: Dataset) -> list[str]:
    """Units no map under geo/ covers (empty when one map covers them all or there is no
    geo/ folder, whose absence the reports mention themselves)."""
    from analysis.present import maps

    geo = ds.root / "geo"
    files = sorted(geo.glob("*.geojson")) if geo.is_dir() else []
    if not files:
        return []
    units = set(ds.unit_codes)
    best: set[str] = units
    for f in files:
        try:
            missing = units - set(maps.read_features(f)["code"])
        except UserError:
            continue
        if len(missing) < len(best):
            best = missing
    return sorted(best)


def describe(needs: Sequence[Need], limit: int = 20) -> UserError:
    """One bilingual error listing each distinct need with the reports it stops."""
    groups: dict[tuple[str, str], list[str]] = {}
    for n in needs:
        groups.setdefault((n.zh, n.en), []).append(n.task)
    lines_zh, lines_en = [], []
    for (zh, en), names in list(groups.items())[:limit]:
        shown = ", ".join(names[:3]) + (f" … ({len(names)})" if len(names) > 3 else "")
        lines_zh.append(f"  - {shown}: {zh}")
        lines_en.append(f"  - {shown}: {en}")
    head = pair("preflight.head", n=len(needs))
    tail = pair("preflight.tail")
    return UserError(
        "\n".join([head[0], *lines_zh, tail[0]]),
        "\n".join([head[1], *lines_en, tail[1]]),
    )
