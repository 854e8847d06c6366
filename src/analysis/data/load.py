"""Load the data set into one validated ``Dataset`` (regions, indicators, targets,
observations, sources), with provenance on every observation.

>>> ds = load()                       # the embedded data in <root>/data
>>> ds.panel("community_workers")     # region x year
>>> ds.sources_of(ds.obs(["community_workers"]))   # which sources a figure uses
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data import schema as S
from analysis.data import validate as V
from analysis.data.dataset import SOURCE_SEP, Dataset
from analysis.errors import DataError, Problem, UserError


def _drop_private(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in ("_row", "_file") if c in df.columns]).reset_index(drop=True)


def read_all(
    root: Path,
) -> tuple[dict[str, pd.DataFrame | None], dict[str, list[str]], list[Problem]]:
    """Read every file of the data set, collecting type and structure problems."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    for name, table in (
        ("regions", S.REGIONS),
        ("indicators", S.INDICATORS),
        ("sources", S.SOURCES),
        ("targets", S.TARGETS),
    ):
        frames[name] = V.read_table(root / table.file, table, table.file, problems)
    obs_dir = root / "observations"
    files = sorted(obs_dir.glob("*.csv")) if obs_dir.is_dir() else []
    if not files:
        problems.append(
            Problem(
                "observations/",
                None,
                None,
                "没有观测数据文件 (*.csv)",
                "no observation files (*.csv)",
            )
        )
    parts = [V.read_table(f, S.OBSERVATIONS, f"observations/{f.name}", problems) for f in files]
    parts = [p for p in parts if p is not None]
    frames["observations"] = pd.concat(parts, ignore_index=True) if parts else None
    by_file = (
        {}
        if not parts
        else {
            str(f): sorted(g["indicator"].unique())
            for f, g in frames["observations"].groupby("_file")
        }
    )
    return frames, by_file, problems


def check(
    frames: dict[str, pd.DataFrame | None], problems: list[Problem]
) -> dict[str, pd.DataFrame]:
    """Cross-file checks (codes, references, bounds, years); returns the frames with bad rows dropped."""
    regions, inds, srcs = frames["regions"], frames["indicators"], frames["sources"]
    region_codes = set(regions["code"]) if regions is not None else set()
    ind_ids = set(inds["id"]) if inds is not None else set()
    source_ids = set(srcs["id"]) if srcs is not None else set()
    if regions is not None:
        V.check_allowed(regions, "level", S.LEVELS, problems)
        # every region but those of the highest level present needs a parent in the set
        rank = regions["level"].map({lv: i for i, lv in enumerate(S.LEVELS)})
        V.check_refs(
            regions[rank > rank.min()],
            "parent_code",
            region_codes,
            ("上级地区代码", "parent region code"),
            problems,
        )
    if inds is not None:
        V.check_allowed(inds, "direction", S.DIRECTIONS, problems)
        V.check_allowed(inds, "kind", S.KINDS, problems)
        for col in ("numerator", "denominator"):
            V.check_refs(inds, col, ind_ids, ("指标", "indicator"), problems)
    if srcs is not None:
        V.check_allowed(srcs, "kind", S.SOURCE_KINDS, problems)
    obs = frames["observations"]
    if obs is not None:
        ok = (
            V.check_refs(obs, "region_code", region_codes, ("地区代码", "region code"), problems)
            if regions is not None
            else True
        )
        if inds is not None:
            ok &= V.check_refs(obs, "indicator", ind_ids, ("指标", "indicator"), problems)
            derived = set(inds.loc[inds["numerator"].ne(""), "id"])
            stored = obs["indicator"].isin(derived)
            for f, r, i in zip(
                obs.loc[stored, "_file"],
                obs.loc[stored, "_row"],
                obs.loc[stored, "indicator"],
                strict=True,
            ):
                problems.append(
                    Problem(
                        f,
                        int(r),
                        "indicator",
                        f"派生指标 {i} 由程序计算,不能录入",
                        f"derived indicator {i} is computed, not stored",
                    )
                )
            ok &= ~stored
            ok &= V.check_bounds(obs, "value", inds, problems)
        if srcs is not None:
            ok &= V.check_refs(
                obs, "source", source_ids, ("来源", "source id"), problems, split=SOURCE_SEP
            )
        ok &= V.check_years(obs, "year", problems)
        frames["observations"] = obs[ok]
    t = frames["targets"]
    if t is not None:
        ok = (
            V.check_refs(t, "indicator", ind_ids, ("指标", "indicator"), problems)
            if inds is not None
            else True
        )
        ok &= V.check_refs(t, "region_code", region_codes, ("地区代码", "region code"), problems)
        ok &= V.check_refs(
            t, "source", source_ids, ("来源", "source id"), problems, split=SOURCE_SEP
        )
        ok &= V.check_allowed(t, "attribute", S.ATTRIBUTES, problems)
        ok &= V.check_years(t, "base_year", problems) & V.check_years(t, "target_year", problems)
        late = t["target_year"] <= t["base_year"]
        for f, r, b, y in zip(
            t.loc[late, "_file"],
            t.loc[late, "_row"],
            t.loc[late, "base_year"],
            t.loc[late, "target_year"],
            strict=True,
        ):
            problems.append(
                Problem(
                    f,
                    int(r),
                    "target_year",
                    f"目标年份 {y} 应晚于基期年份 {b}",
                    f"target year {y} must be after base year {b}",
                )
            )
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
    are computed and added to the observations (see ``analysis.data.derived``).
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
        from analysis.data.derived import with_derived

        ds = with_derived(ds)
    return ds
