"""Load the data set into one validated ``Dataset`` (regions, indicators, targets,
observations, sources), with provenance on every observation.

Usage::

    ds = load()                       # the embedded data in <root>/data
    ds.panel("community_workers")     # region x year
    ds.sources_of(ds.obs(["community_workers"]))   # which sources a figure uses

Checks, in reading order: each file's cells (``validate.read_table``); the region tree
(``check_regions``); indicator bounds (``check_indicators``); every observation chunk
against regions, indicators, sources, bounds and years while it streams
(``observation_checker``); one value per region, year and indicator across files, real
values winning over illustrative ones (``prefer_real``); targets against all of these; and,
once everything else is clean, that every target has observations to be measured against
(``check_target_data``). Observations are held as categorical codes while read and checked,
and aggregated in groups of indicators, so a file of millions of rows loads in bounded
memory (``benchmarks/validation.py``).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.data import schema as S
from analysis.data import validate as V
from analysis.data.aggregate import aggregate
from analysis.data.dataset import SOURCE_SEP, Dataset
from analysis.data.sources_csv import IMPORT_PREFIX
from analysis.errors import check_choice, unknown, user_error

Frames = dict[str, pd.DataFrame | None]


def _drop_private(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in ("_row", "_file") if c in df.columns]).reset_index(drop=True)


# -- regions ----------------------------------------------------------------------------------
# CJK punctuation, ideographs and full-width forms (built from code points: no CJK literal)
_CJK = "[{}-{}{}-{}{}-{}]".format(*map(chr, (0x3000, 0x303F, 0x4E00, 0x9FFF, 0xFF00, 0xFFEF)))
ZH_TEXT = ("name_zh", "unit_zh", "definition_zh")  # indicators.csv columns shown in Chinese


def zh_punctuation(text: object) -> object:
    """Chinese text with full-width brackets, and a comma, colon or semicolon next to a
    Chinese character full-width (GB/T 15834-2011); text without Chinese
    characters, and anything that is not text, as it is."""
    if not isinstance(text, str) or not re.search(_CJK, text):
        return text
    out = text.replace("(", "\uff08").replace(")", "\uff09")
    for half, full in ((",", "\uff0c"), (":", "\uff1a"), (";", "\uff1b")):
        out = re.sub(rf"(?<={_CJK})\s*{half}\s*|\s*{half}\s*(?={_CJK})", full, out)
    return out


def _rank(levels: pd.Series) -> pd.Series:
    return levels.map({lv: i for i, lv in enumerate(S.LEVELS)})


def check_regions(regions: pd.DataFrame, log: V.ProblemLog) -> None:
    """The region tree: known levels and parents, one root, no self-parent, no cycle, and
    levels strictly decreasing from parent to child (a county's parent is above a county)."""
    V.check_allowed(regions, "level", S.LEVELS, log)
    codes = set(regions["code"])
    parent = regions["parent_code"].fillna("").astype(str)
    selfp = parent.eq(regions["code"])
    for f, r, c in zip(
        regions.loc[selfp, "_file"],
        regions.loc[selfp, "_row"],
        regions.loc[selfp, "code"],
        strict=True,
    ):
        log.add("self_parent", f, int(r), "parent_code", code=c)
    V.check_refs(regions[~selfp], "parent_code", codes, "unknown_parent", log)
    roots = regions.loc[parent.eq(""), "code"].tolist()
    if len(roots) > 1:
        first = regions[parent.eq("")].iloc[1]
        log.add(
            "many_roots",
            first["_file"],
            int(first["_row"]),
            "parent_code",
            n=len(roots),
            codes=", ".join(roots),
        )
    elif not roots and len(regions):
        log.add("no_root", S.REGIONS.file, None, "parent_code")
    rank = _rank(regions["level"])
    by_code = dict(zip(regions["code"], zip(rank, regions["level"], strict=True), strict=True))
    for f, r, code, p, rk, lv in zip(
        regions["_file"],
        regions["_row"],
        regions["code"],
        parent,
        rank,
        regions["level"],
        strict=True,
    ):
        known = p in by_code and p != code and pd.notna(rk) and pd.notna(by_code[p][0])
        if known and by_code[p][0] >= rk:
            log.add(
                "level_order",
                f,
                int(r),
                "parent_code",
                code=code,
                level=lv,
                parent=p,
                parent_level=by_code[p][1],
            )
    _check_cycles(regions, parent, log)


def _check_cycles(regions: pd.DataFrame, parent: pd.Series, log: V.ProblemLog) -> None:
    """Report each parent cycle once, at the row of its smallest code."""
    up = {c: p for c, p in zip(regions["code"], parent, strict=True) if p and p != c}
    row = dict(zip(regions["code"], regions["_row"], strict=True))
    file = S.REGIONS.file
    done: set[str] = set()
    for start in sorted(up):
        path: list[str] = []
        node = start
        while node in up and node not in done and node not in path:
            path.append(node)
            node = up[node]
        if node in path:
            cycle = path[path.index(node) :]
            first = min(cycle)
            log.add(
                "parent_cycle",
                file,
                int(row[first]),
                "parent_code",
                codes=" -> ".join([*cycle, cycle[0]]),
            )
        done.update(path)


def descendants(regions: pd.DataFrame) -> dict[str, set[str]]:
    """Every region's code mapped to itself and all regions below it."""
    children: dict[str, list[str]] = {}
    for c, p in zip(regions["code"], regions["parent_code"].fillna(""), strict=True):
        children.setdefault(str(p), []).append(str(c))
    out: dict[str, set[str]] = {}
    for code in regions["code"]:
        seen, stack = {code}, [code]
        while stack:
            for ch in children.get(stack.pop(), []):
                if ch not in seen:
                    seen.add(ch)
                    stack.append(ch)
        out[code] = seen
    return out


# -- indicators, sources ----------------------------------------------------------------------
def check_indicators(inds: pd.DataFrame, log: V.ProblemLog) -> None:
    """Allowed direction, kind and aggregation rule; numerator/denominator/weight references
    (a ``mean`` needs a weight, a ``ratio`` a numerator); bounds."""
    ids = set(inds["id"])
    V.check_allowed(inds, "direction", S.DIRECTIONS, log)
    V.check_allowed(inds, "kind", S.KINDS, log)
    for col in ("numerator", "denominator", "weight"):
        V.check_refs(inds, col, ids, "unknown_indicator", log)
    V.check_allowed(inds, "aggregate", S.AGGREGATES, log)
    no_weight = inds["aggregate"].eq("mean") & inds["weight"].eq("")
    for f, r in zip(inds.loc[no_weight, "_file"], inds.loc[no_weight, "_row"], strict=True):
        log.add("required_empty", f, int(r), "weight")
    not_derived = inds["aggregate"].eq("ratio") & inds["numerator"].eq("")
    for f, r in zip(inds.loc[not_derived, "_file"], inds.loc[not_derived, "_row"], strict=True):
        log.add("required_empty", f, int(r), "numerator")
    V.check_indicator_bounds(inds, log)
    V.check_decimals(inds, log)


# -- observations -----------------------------------------------------------------------------
def observation_checker(frames: Frames) -> V.Checker:
    """The cross-file checks of one chunk of observations, against the frames read before."""
    regions, inds, srcs = frames["regions"], frames["indicators"], frames["sources"]
    region_codes = set(regions["code"]) if regions is not None else None
    ind_ids = set(inds["id"]) if inds is not None else None
    derived = set(inds.loc[inds["numerator"].ne(""), "id"]) if inds is not None else set()
    source_ids = set(srcs["id"]) if srcs is not None else None

    def check(obs: pd.DataFrame, log: V.ProblemLog) -> pd.Series:
        ok = pd.Series(True, index=obs.index)
        if region_codes is not None:
            ok &= V.check_refs(obs, "region_code", region_codes, "unknown_region", log)
        if ind_ids is not None and inds is not None:
            ok &= V.check_refs(obs, "indicator", ind_ids, "unknown_indicator", log)
            stored = obs["indicator"].isin(derived)
            for f, r, i in zip(
                obs.loc[stored, "_file"],
                obs.loc[stored, "_row"],
                obs.loc[stored, "indicator"],
                strict=True,
            ):
                log.add("derived_stored", f, int(r), "indicator", indicator=i)
            ok &= ~stored
            ok &= V.check_bounds(obs, "value", inds, log)
        if source_ids is not None:
            ok &= V.check_refs(obs, "source", source_ids, "unknown_source", log, split=SOURCE_SEP)
        ok &= V.check_years(obs, "year", log)
        return ok

    return check


def prefer_real(obs: pd.DataFrame, sources: pd.DataFrame | None, log: V.ProblemLog) -> pd.DataFrame:
    """One row per (region, year, indicator) across files: real values win over illustrative
    ones, so an import never has to delete or edit illustrative rows.

    Rank of a row: 0 real (no illustrative source), 1 illustrative from an imported workbook
    (``observations/import_*.csv``), 2 other illustrative (the generated panel). For each key
    the rows of the lowest rank are kept; among them identical values given by several
    imports count once; anything else left twice is a ``duplicate_record``, reported at the
    later row as before. Only rows whose key repeats are examined."""
    key = list(S.OBSERVATIONS.key)
    dup = obs.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return obs
    sub = obs[dup]
    illus = set() if sources is None else set(sources.loc[sources["kind"] == "illustrative", "id"])
    src = sub["source"].astype(str)
    is_illus = src.map(lambda v: any(p in illus for p in v.split(SOURCE_SEP))).to_numpy(bool)
    imported = sub["_file"].astype(str).str.startswith(f"observations/{IMPORT_PREFIX}").to_numpy()
    rank = pd.Series(np.where(~is_illus, 0, np.where(imported, 1, 2)), index=sub.index)
    groups = [sub[k].astype(str) for k in key]
    best = rank.groupby(groups).transform("min")
    top = sub[(rank == best).to_numpy()]
    top_imp = top["_file"].astype(str).str.startswith(f"observations/{IMPORT_PREFIX}")
    same = top[top_imp].duplicated([*key, "value"], keep="first")
    top = top.drop(index=same[same].index)
    left = V.check_duplicates(top, S.OBSERVATIONS, log)
    return obs.drop(index=sub.index.difference(left.index)).reset_index(drop=True)


def read_all(root: Path, log: V.ProblemLog) -> tuple[Frames, dict[str, list[str]]]:
    """Read every file of the data set (observations streamed and checked chunk by chunk)."""
    frames: Frames = {}
    for name, table in (
        ("regions", S.REGIONS),
        ("indicators", S.INDICATORS),
        ("sources", S.SOURCES),
    ):  # sources, targets and observations may still be empty (a new region's data set)
        empty_ok = table is S.SOURCES
        frames[name] = V.read_table(root / table.file, table, table.file, log, empty_ok=empty_ok)
    if frames["regions"] is not None:
        check_regions(frames["regions"], log)
    if frames["indicators"] is not None:
        check_indicators(frames["indicators"], log)
    if frames["sources"] is not None:
        V.check_allowed(frames["sources"], "kind", S.SOURCE_KINDS, log)
    frames["targets"] = V.read_table(
        root / S.TARGETS.file, S.TARGETS, S.TARGETS.file, log, empty_ok=True
    )
    obs_dir = root / "observations"
    files = sorted(obs_dir.glob("*.csv")) if obs_dir.is_dir() else []
    if not files:
        log.add("no_observation_files", "observations/", None, None)
    check = observation_checker(frames)
    parts = [
        V.read_table(f, S.OBSERVATIONS, f"observations/{f.name}", log, check, empty_ok=True)
        for f in files
    ]
    kept = [p for p in parts if p is not None]
    kept = [p for p in kept if len(p)] or kept[:1]  # header-only files add nothing
    obs = pd.concat(kept, ignore_index=True) if kept else None
    if obs is not None and len(kept) > 1:
        obs = prefer_real(obs, frames["sources"], log)
    frames["observations"] = obs
    by_file = (
        {}
        if obs is None
        else {
            str(f): sorted(map(str, g["indicator"].unique()))
            for f, g in obs.groupby("_file", observed=True)
        }
    )
    return frames, by_file


def check_targets(frames: Frames, log: V.ProblemLog) -> pd.DataFrame | None:
    """Targets: known indicator, region and source; allowed attribute; years; bounds."""
    t, inds = frames["targets"], frames["indicators"]
    if t is None:
        return None
    ok = pd.Series(True, index=t.index)
    if inds is not None:
        ok &= V.check_refs(t, "indicator", set(inds["id"]), "unknown_indicator", log)
    if frames["regions"] is not None:
        ok &= V.check_refs(t, "region_code", set(frames["regions"]["code"]), "unknown_region", log)
    if frames["sources"] is not None:
        ok &= V.check_refs(
            t, "source", set(frames["sources"]["id"]), "unknown_source", log, split=SOURCE_SEP
        )
    ok &= V.check_allowed(t, "attribute", S.ATTRIBUTES, log)
    ok &= V.check_years(t, "base_year", log) & V.check_years(t, "target_year", log)
    late = (t["target_year"] <= t["base_year"]).fillna(False).astype(bool)
    for f, r, b, y in zip(
        t.loc[late, "_file"],
        t.loc[late, "_row"],
        t.loc[late, "base_year"],
        t.loc[late, "target_year"],
        strict=True,
    ):
        log.add("target_not_after_base", f, int(r), "target_year", year=y, base=b)
    ok &= ~late
    if inds is not None:
        ok &= V.check_bounds(t.rename(columns={"target_value": "_v"}), "_v", inds, log).to_numpy()
    return t[ok]


def check_target_data(targets: pd.DataFrame, ds: Dataset, log: V.ProblemLog) -> None:
    """Every target needs observations of its indicator (derived ones included) for its region
    or a region below it, at or before its base year: otherwise progress cannot be measured."""
    below = descendants(ds.regions)
    obs = ds.observations
    first = obs.groupby(["indicator", "region_code"])["year"].min()
    for f, r, ind, reg, base in zip(
        targets["_file"],
        targets["_row"],
        targets["indicator"],
        targets["region_code"],
        targets["base_year"],
        strict=True,
    ):
        years = first.get(ind)
        regions = below.get(reg, {reg})
        if years is None or not any(y <= base for c, y in years.items() if c in regions):
            log.add(
                "target_no_data", f, int(r), "indicator", indicator=ind, region=reg, year=int(base)
            )


def _check_scope(
    regions: pd.DataFrame, top: str | None, unit_level: str | None
) -> tuple[str | None, str | None]:
    """``(top, unit_level)`` if both name something in the data, else a UserError."""
    if top not in (None, ""):
        top = str(top)
        if top not in set(regions["code"].astype(str)):
            raise unknown("kinds.region_code", [top], regions["code"].astype(str).tolist())
    if unit_level not in (None, ""):
        present = [lv for lv in S.LEVELS if lv in set(regions["level"])]
        check_choice(unit_level, present, "kinds.region_level")
    return (top or None, unit_level or None)


def _plain_sorted(obs: pd.DataFrame) -> pd.DataFrame:
    """Observations as read (categorical codes, int16 years) -> plain columns (str objects,
    int years) sorted by indicator, region and year. Sorting is done on the codes, with the
    categories put in lexical order first, so no column is copied as strings before."""
    obs = obs.drop(columns=[c for c in ("_row", "_file") if c in obs.columns])
    for c in obs.columns:
        if isinstance(obs[c].dtype, pd.CategoricalDtype):
            cats = obs[c].cat.categories
            obs[c] = obs[c].cat.reorder_categories(sorted(cats, key=str), ordered=True)
    obs = obs.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    for c in obs.columns:
        if isinstance(obs[c].dtype, pd.CategoricalDtype):
            obs[c] = np.asarray(obs[c], dtype=object)
    obs["year"] = obs["year"].astype(int)
    return obs


AGGREGATE_ROWS = 500_000
"""Observations aggregated in one pass at most (indicators are grouped up to this size, each
with the indicators its means are weighted by): bounds the memory of large data sets; the
rows are the same as in one pass (``aggregate`` works indicator by indicator)."""


def _aggregate_in_groups(
    obs: pd.DataFrame, tree: pd.DataFrame, inds: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``aggregate`` over groups of indicators of at most ``AGGREGATE_ROWS`` observations."""
    counts = obs["indicator"].value_counts(sort=False)
    if len(obs) <= AGGREGATE_ROWS:
        return aggregate(obs, tree, inds)
    weight = (
        dict(zip(inds["id"], inds["weight"].fillna("").astype(str), strict=True))
        if "weight" in inds.columns
        else {}
    )
    groups: list[list[str]] = [[]]
    size = 0
    for ind in sorted(map(str, counts.index)):
        if groups[-1] and size + counts[ind] > AGGREGATE_ROWS:
            groups.append([])
            size = 0
        groups[-1].append(ind)
        size += int(counts[ind])
    rows, disc = [], []
    for own in groups:
        need = set(own) | {weight.get(i, "") for i in own} - {""}
        part = obs[obs["indicator"].isin(need)]
        r, d = aggregate(part, tree, inds)
        del part
        rows.append(r[r["indicator"].isin(own)])
        disc.append(d[d["indicator"].isin(own)])
    key = ["region_code", "year", "indicator"]
    return (
        pd.concat(rows, ignore_index=True).sort_values(key, ignore_index=True),
        pd.concat(disc, ignore_index=True).sort_values(key, ignore_index=True),
    )


def with_aggregates(ds: Dataset) -> Dataset:
    """``ds`` with unobserved values of the regions from its units up to its top aggregated
    from their children (units included: prefectures as units of a province get their
    counties' aggregates); discrepancies between observed totals and parts recorded."""
    top = ds.top
    if not top:
        return ds
    below = descendants(ds.regions)  # code -> itself and every region below it
    inside = below.get(top, {top})
    units = set(ds.unit_codes)
    under_units = set().union(*(below[u] - {u} for u in units)) if units else set()
    tree = ds.regions[ds.regions["code"].astype(str).isin(inside)].copy()
    tree.loc[tree["code"].astype(str) == top, "parent_code"] = ""  # aggregate up to top only
    rows, disc = _aggregate_in_groups(ds.observations, tree, ds.indicators)
    rows = rows[rows["region_code"].isin(inside - under_units)]
    if rows.empty:
        return replace(ds, discrepancies=disc)
    obs = pd.concat([ds.observations, rows], ignore_index=True)
    obs = obs.sort_values(["indicator", "region_code", "year"], ignore_index=True)
    return replace(ds, observations=obs, discrepancies=disc)


def load(
    data_dir: str | os.PathLike | None = None,
    *,
    derive: bool = True,
    top: str | None = None,
    unit_level: str | None = None,
) -> Dataset:
    """Read, validate and return the data set in ``data_dir`` (default: the project's data/).

    Raises ``DataError`` listing every problem found (file, row, column, zh/en message).
    With ``derive=True`` the derived indicators (per 10k residents, per 100 households ...)
    are computed and added to the observations (see ``analysis.data.derived``), and every
    target is checked to have observations at or before its base year (``check_target_data``,
    which needs the derived values; ``derive=False`` is the raw read used by data maintenance
    such as regenerating the illustrative panel, and skips it).

    ``top`` (a region code) and ``unit_level`` (e.g. ``"prefecture"``) choose what is
    analysed (``analysis run --top/--level`` passes them to each notebook as its ``top`` and
    ``level`` parameters); by default the units are the lowest level and
    the top is their lowest common ancestor (``Dataset.top``). With ``derive=True``, values
    of regions between the units and the top that are not observed are aggregated from
    their children (``analysis.data.aggregate``; kind ``derived``, sources kept).

    A data set loaded once is stored (``analysis.data.stored``, keyed by the content of its
    files, the scope and the loading code) and read back by the next ``load`` of the same
    data, in any process: every report kernel of a run validates nothing twice.
    """
    from analysis.data import stored

    root = paths.data_dir(data_dir)
    if not root.is_dir():
        raise user_error("data.data_dir_missing", path=root)
    key = stored.key(root, derive=derive, top=top, unit_level=unit_level)
    ds = stored.read(root, key)
    if ds is None:
        ds = _load(root, derive=derive, top=top, unit_level=unit_level)
        stored.write(ds, key)
        stored.tag(ds, key)
    return ds


def _load(root: Path, *, derive: bool, top: str | None, unit_level: str | None) -> Dataset:
    """``load`` without the stored copy: read, validate and (``derive``) complete."""
    from analysis.data.derived import with_derived

    log = V.ProblemLog()
    frames, by_file = read_all(root, log)
    targets = check_targets(frames, log)
    if (
        log
        or any(frames[k] is None for k in ("regions", "indicators", "sources", "observations"))
        or targets is None
    ):
        raise log.error()
    regions = _drop_private(frames["regions"]).sort_values("code", ignore_index=True)
    indicators = _drop_private(frames["indicators"])
    indicators["in_index"] = indicators["in_index"].fillna(0).astype(int)
    for col in (c for c in ZH_TEXT if c in indicators):
        indicators[col] = indicators[col].map(zh_punctuation)
    obs = _plain_sorted(frames.pop("observations"))
    tgt = _drop_private(targets)
    tgt[["base_year", "target_year"]] = tgt[["base_year", "target_year"]].astype(int)
    ds = Dataset(
        root=root,
        regions=regions,
        indicators=indicators,
        targets=tgt.sort_values(["indicator", "region_code", "target_year"], ignore_index=True),
        observations=obs,
        sources=_drop_private(frames["sources"]).sort_values("id", ignore_index=True),
        files=by_file,
        scope=_check_scope(regions, top, unit_level),
    ).check_scope()
    del obs
    if not derive:
        return ds
    full = with_aggregates(ds)
    del ds  # the frames without aggregates are not needed any more
    full = with_derived(full)
    check_target_data(targets, full, log)
    if log:
        raise log.error()
    return full
