"""Illustrative (constructed) county panel of community-service indicators.

Per-county community-service indicators are not published, so the default data set
carries this constructed panel. It is deterministic (seed ``SEED``) and built only from
data in the data set:

* **Calibration.** For each count indicator with a published total in ``BASE_YEAR`` for
  the top region or a region between it and the units (e.g. 7257 community workers in the
  Qiannan plan text), the unit values in ``BASE_YEAR`` are integers that sum exactly to that
  total (largest-remainder apportionment). Regions are calibrated deepest first; a higher
  total is met by the units not already fixed by a lower one. Units under no published
  total use a stated default (``Spec.assumed_total``, e.g. 12 urban staff per urban
  community, 26 m² of facility per 100 households; otherwise ``PER_10K``, per 10,000
  census residents). So the panel can be built for any region from census and division
  counts alone; every default is listed in ``PER_10K`` and ``SPECS`` with its source.
* **Inputs.** Needed for every unit: census ``population`` and ``urbanisation_rate``
  (nearest census to ``BASE_YEAR``) and the drivers and weights named in ``SPECS``
  (``households``, ``resident_committees``, ``village_committees``,
  ``village_level_units``). A missing one is a user error naming the indicator and units.
* **Scaling.** County shares are proportional to a real driver (census population, urban
  population, households, or NBS village-level units) times ``exp(spread × z + noise)``,
  where ``z`` is the county's standardised census urbanisation rate (more urban counties
  are ahead) and noise ~ N(0, ``noise``²).
* **Trends.** Other years follow ``value_2020 × exp(g × (t − 2020))`` with a county growth
  rate ``g = growth − catch_up × z`` (lagging counties grow a little faster, so the gaps
  narrow slowly) plus small yearly noise. Rates move on the logit scale; coverage rates
  reach 100 % in 2020 as the plan text reports full coverage of service stations.
* **Top region.** When the top region has published figures of its own, rows for it are
  sums (counts) or weighted means (rates) of the units, except where an official value
  exists (then no row is written); otherwise it is aggregated on load like the others. Regions
  between the units and the top are aggregated when the data set is loaded
  (``analysis.data.aggregate``).

The panel runs through 2025, the last year of the 14th plan period (``YEARS``). The
yearly noise of 2016-2024 is drawn exactly as before and that of later years from a second
stream (seed ``SEED + 1``), so extending the panel leaves the earlier years unchanged.

Every row carries source ``illustrative_panel`` (kind ``illustrative``). Regenerate with
``analysis data illustrate``; the output is byte-identical for the same inputs. Imported
workbooks (``observations/import_*.csv``) are not inputs of the panel, and the panel never
touches them: real values win over illustrative ones when the data set is loaded
(``analysis.data.load.prefer_real``), so importing and regenerating commute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import sources_csv
from analysis.errors import UserError, user_error
from analysis.messages import pair, t

SEED = 20221124
BASE_YEAR = 2020
FIRST_YEARS = tuple(range(2016, 2025))  # the original panel: its noise stream is unchanged
YEARS = tuple(range(2016, 2026))
SOURCE = "illustrative_panel"
METHOD_DATE = "2026-11-25"  # date of these construction rules (sources.csv ``date``)
FILE = "observations/illustrative_panel.csv"


# Default totals per 10,000 census residents, used for a count indicator when no region
# above the units publishes a total for it in BASE_YEAR. Assumption: Qiannan's 2020 totals
# from its 14th five-year plan (sources.csv ``qiannan_plan_2022``) divided by its 2020
# census resident population (3.49 million, 7th census county tables); i.e. every region is
# assumed to be as well served per resident as Qiannan was in 2020.
PER_10K: dict[str, float] = {
    "community_workers": 20.8,  # 7257 workers
    "grids": 36.1,
    "grid_staff": 36.7,
    "social_organisations": 3.36,
    "community_social_organisations": 2.57,
    "registered_volunteers": 1197,
    "volunteer_hours": 5831,
    "service_stations": 4.1,  # 1431 stations (about one per village-level unit)
}
NEEDED = ("population", "urbanisation_rate")  # census inputs, beside the drivers and weights


@dataclass(frozen=True)
class Spec:
    """How one indicator is constructed (see the module docstring)."""

    indicator: str
    kind: str  # "count" | "rate" | "coverage" | "mean"
    driver: str = "population"  # census / division indicator the county share scales with
    spread: float = 0.3  # loading on standardised urbanisation
    noise: float = 0.1
    growth: float = 0.03  # yearly growth (counts: log scale; rates: logit scale; means: absolute)
    catch_up: float = 0.01
    assumed_total: float | None = None  # per driver unit, when no total is published
    level: float | None = None  # rates/means: top-region value in BASE_YEAR when none is published
    # (worker_avg_age 48: Qiannan plan 2020; certified share 2.5 %, smart communities 15 %:
    # assumptions below the national 2020 levels the plan text compares with)
    weight: str | None = None  # rates/means: weight for the top-region average
    digits: int = 1


SPECS: tuple[Spec, ...] = (
    Spec("community_workers", "count", "village_level_units", 0.15, 0.08, 0.025, 0.005),
    Spec(
        "urban_community_workers",
        "count",
        "resident_committees",
        0.25,
        0.12,
        0.05,
        0.01,
        assumed_total=12.0,
    ),
    Spec(
        "worker_avg_age",
        "mean",
        spread=-1.2,
        level=48.0,
        noise=0.8,
        growth=-0.3,
        catch_up=0.0,
        weight="community_workers",
    ),
    Spec(
        "worker_sw_certified_share",
        "rate",
        spread=0.35,
        noise=0.15,
        growth=0.15,
        catch_up=0.02,
        level=2.5,
        weight="community_workers",
    ),
    Spec("grids", "count", "population", 0.1, 0.06, 0.02, 0.0),
    Spec("grid_staff", "count", "population", 0.1, 0.06, 0.025, 0.0),
    Spec("facility_area", "count", "households", 0.25, 0.12, 0.06, 0.015, assumed_total=0.26),
    Spec(
        "urban_facility_coverage", "coverage", spread=0.5, noise=0.2, weight="resident_committees"
    ),
    Spec("rural_facility_coverage", "coverage", spread=0.8, noise=0.3, weight="village_committees"),
    Spec("service_stations", "count", "village_level_units", 0.0, 0.0, 0.0, 0.0),
    Spec("social_organisations", "count", "population", 0.3, 0.12, 0.05, 0.01),
    Spec("community_social_organisations", "count", "village_level_units", 0.3, 0.15, 0.08, 0.015),
    Spec("registered_volunteers", "count", "population", 0.3, 0.12, 0.12, 0.02),
    Spec("volunteer_hours", "count", "population", 0.4, 0.15, 0.16, 0.02),
    Spec(
        "smart_community_coverage",
        "rate",
        spread=0.6,
        noise=0.25,
        growth=0.35,
        catch_up=0.05,
        level=15.0,
        weight="village_level_units",
    ),
)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` summing exactly to ``total`` (largest remainder,
    Hamilton)."""
    quota = total * weights / weights.sum()
    base = np.floor(quota).astype(np.int64)
    order = np.lexsort((np.arange(len(quota)), -(quota - base)))  # ties: first unit first
    base[order[: total - base.sum()]] += 1
    return base


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (100 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 100 / (1 + np.exp(-x))


def _census_value(obs: pd.DataFrame, ind: str, units: list[str], year: int) -> np.ndarray:
    o = obs[(obs["indicator"] == ind) & obs["region_code"].isin(units)]
    o = o.assign(_d=(o["year"] - year).abs()).sort_values(["region_code", "_d", "year"])
    o = o.drop_duplicates("region_code")  # nearest census year, the earlier one on a tie
    return o.set_index("region_code").reindex(units)["value"].to_numpy(float)


def _driver(obs: pd.DataFrame, ind: str, units: list[str]) -> pd.DataFrame:
    """Driver values unit x year (nearest available year; a division count of the same edition)."""
    o = obs[(obs["indicator"] == ind) & obs["region_code"].isin(units)]
    wide = o.pivot(index="region_code", columns="year", values="value").reindex(units)
    wide = wide.reindex(columns=sorted(set(wide.columns) | set(YEARS))).ffill(axis=1).bfill(axis=1)
    return wide[list(YEARS)]


def _check_inputs(ds, obs: pd.DataFrame, units: list[str]) -> None:
    """Every unit has each census input, driver and weight: else a UserError naming them."""
    made = {s.indicator for s in SPECS}
    needed = [*NEEDED]
    for spec in SPECS:
        for ind in (spec.driver if spec.kind == "count" else None, spec.weight):
            if ind and ind not in made and ind not in needed:
                needed.append(ind)
    have = obs[obs["indicator"].isin(needed)].groupby("indicator")["region_code"].unique()
    for ind in needed:
        missing = sorted(set(units) - set(have.get(ind, [])))
        if missing:
            more = f" (+{len(missing) - 5})" if len(missing) > 5 else ""
            shown = {
                lang: ", ".join(f"{c} {ds.name(c, lang)}" for c in missing[:5]) + more
                for lang in ("zh", "en")
            }
            names = ds.indicators.set_index("id")
            known = ind in names.index
            text = {  # the names in each language (the catalogue fields are shared)
                lang: t(
                    "illustrate.input_missing",
                    lang,
                    indicator=ind,
                    name=names.loc[ind, f"name_{lang}"] if known else ind,
                    n=len(missing),
                    units=shown[lang],
                )
                for lang in ("zh", "en")
            }
            raise UserError(text["zh"], text["en"])


def _calibrated(
    spec: Spec,
    w: np.ndarray,
    drv0: np.ndarray,
    pop: np.ndarray,
    groups: list[tuple[str, float, np.ndarray]],
) -> np.ndarray:
    """Base-year integers for one count indicator: ``groups`` (region, published total, mask
    of its units), deepest first, fix their free units; the rest follow the default."""
    base = np.zeros(len(w), dtype=np.int64)
    fixed = np.zeros(len(w), dtype=bool)
    for code, total, mask in groups:
        free = mask & ~fixed
        rest = int(round(total)) - int(base[mask & fixed].sum())
        if not free.any():
            continue
        if rest < 0:
            raise user_error(
                "illustrate.totals_inconsistent", indicator=spec.indicator, region=code
            )
        base[free] = apportion(rest, w[free])
        fixed |= free
    free = ~fixed
    if free.any():
        if spec.assumed_total is not None:
            total = spec.assumed_total * drv0[free].sum()
        else:
            total = PER_10K[spec.indicator] * pop[free].sum() / 1e4
        base[free] = apportion(int(round(total)), w[free])
    return base


def _levelled(
    a: np.ndarray, wts: np.ndarray, level: float, groups: list[tuple[str, float, np.ndarray]]
) -> np.ndarray:
    """Shift unit means ``a`` so that each published region's weighted mean equals its
    published value (deepest first, moving only units not yet fixed), the rest to ``level``."""
    a = a.copy()
    fixed = np.zeros(len(a), dtype=bool)
    for _code, value, mask in [*groups, ("", level, np.ones(len(a), dtype=bool))]:
        free = mask & ~fixed
        if not free.any() or wts[free].sum() <= 0:
            continue
        if free.all():  # the one-region case, as the panel has always been computed
            a = a - (np.sum(wts * a) / wts.sum() - value)  # weighted mean = published level
        else:
            a[free] += (value * wts[mask].sum() - np.sum(wts[mask] * a[mask])) / wts[free].sum()
        fixed |= free
    return a


def build(ds, top_rows: bool | None = None) -> pd.DataFrame:
    """Construct the illustrative panel from a Dataset loaded with ``derive=False``.

    ``top_rows``: also write rows for the top region (see the module docstring). Default:
    when the top region has published observations of its own (as Qiannan has its plan's
    totals); otherwise the panel holds the units only and every region above them is
    aggregated when the data set is loaded."""
    rng = np.random.default_rng(SEED)
    rng_later = np.random.default_rng(SEED + 1)  # noise of the years after FIRST_YEARS
    n_later = len(YEARS) - len(FIRST_YEARS)
    units, top = ds.unit_codes, ds.top
    src = ds.observations["source"].astype(str)
    # neither the panel itself nor imported workbooks: so `data illustrate` and `import` commute
    obs = ds.observations[(src != SOURCE) & ~src.str.startswith(sources_csv.IMPORT_PREFIX)]
    _check_inputs(ds, obs, units)
    with_top = (
        bool(top) and bool((obs["region_code"] == top).any()) if top_rows is None else top_rows
    )
    official = obs[(obs["region_code"] == top) & (obs["year"] == BASE_YEAR)].set_index("indicator")[
        "value"
    ]
    # regions with published totals: the top and the regions between it and the units
    chains = {u: ds.ancestors(u) for u in units}
    inner = (
        {a for chain in chains.values() for a in chain[: chain.index(top) + 1]} if top else set()
    )
    depth = {c: len(ds.ancestors(c)) for c in inner}
    base_obs = obs[(obs["year"] == BASE_YEAR) & obs["region_code"].isin(inner)]
    totals = base_obs.groupby("indicator")[["region_code", "value"]]
    under = {c: np.array([c in chains[u] for u in units]) for c in inner}

    def published(ind: str) -> list[tuple[str, float, np.ndarray]]:
        """(region, published BASE_YEAR value, mask of its units), deepest region first."""
        if ind not in totals.groups:
            return []
        p = totals.get_group(ind)
        rows = zip(p["region_code"], p["value"], strict=True)
        return sorted(
            ((c, float(v), under[c]) for c, v in rows), key=lambda g: (-depth[g[0]], g[0])
        )

    urb = _census_value(obs, "urbanisation_rate", units, BASE_YEAR)
    pop = _census_value(obs, "population", units, BASE_YEAR)
    sd = urb.std(ddof=0)
    z = (urb - urb.mean()) / (sd if sd > 0 else 1.0)
    t = np.array(YEARS) - BASE_YEAR
    n = len(units)
    out: dict[str, pd.DataFrame] = {}
    for spec in SPECS:
        eps = rng.normal(0, spec.noise, n)
        yearly = np.hstack(
            [
                rng.normal(0, spec.noise / 6, (n, len(FIRST_YEARS))),
                rng_later.normal(0, spec.noise / 6, (n, n_later)),
            ]
        )
        g = spec.growth - spec.catch_up * z
        if spec.kind == "count":
            drv = _driver(obs, spec.driver, units)
            drv0 = drv[BASE_YEAR].to_numpy(float)
            w = drv0 * np.exp(spec.spread * z + eps)
            base = _calibrated(spec, w, drv0, pop, published(spec.indicator))
            if (
                spec.growth == 0 and spec.spread == 0
            ):  # follows the driver (e.g. stations ~ village units)
                vals = drv.to_numpy(float) * (base / drv0)[:, None]
            else:
                vals = base[:, None] * np.exp(g[:, None] * t[None, :] + yearly * (t != 0))
            vals = np.round(vals)
            vals[:, t == 0] = base[:, None]
            out[spec.indicator] = pd.DataFrame(vals, index=units, columns=YEARS)
        elif spec.kind == "rate":
            x = _logit(np.full(n, spec.level)) + spec.spread * z + eps
            vals = _expit(x[:, None] + g[:, None] * t[None, :] + yearly)
            out[spec.indicator] = pd.DataFrame(
                np.round(vals, spec.digits), index=units, columns=YEARS
            )
        elif spec.kind == "coverage":
            gap2016 = np.clip(
                25 - 12 * spec.spread * z + 10 * eps, 2, 60
            )  # points below 100 in 2016
            frac = np.clip(-t / 4, 0, None)  # 1 in 2016 … 0 from 2020 on
            vals = 100 - gap2016[:, None] * frac[None, :] * np.exp(yearly)
            out[spec.indicator] = pd.DataFrame(
                np.round(np.clip(vals, 0, 100), spec.digits), index=units, columns=YEARS
            )
        elif spec.kind == "mean":
            level = official.get(spec.indicator, spec.level)
            a = level + spec.spread * z + eps
            wts = out[str(spec.weight)][BASE_YEAR].to_numpy(float)
            a = _levelled(a, wts, level, published(spec.indicator))
            vals = a[:, None] + spec.growth * t[None, :] + yearly
            out[spec.indicator] = pd.DataFrame(
                np.round(vals, spec.digits), index=units, columns=YEARS
            )
    rows = []
    for spec in SPECS:
        wide = out[spec.indicator]
        long = (
            wide.rename_axis("region_code")
            .reset_index()
            .melt(id_vars="region_code", var_name="year")
        )
        long["indicator"] = spec.indicator
        rows.append(long)
        if not with_top:
            continue
        if spec.kind == "count":
            agg = wide.sum(axis=0)
        else:
            weight = str(spec.weight)
            wref = out[weight] if weight in out else _driver(obs, weight, units)
            agg = (wide * wref.to_numpy()).sum(axis=0) / wref.sum(axis=0).to_numpy()
            agg = agg.round(spec.digits)
        top_frame = pd.DataFrame(
            {
                "region_code": top,
                "year": YEARS,
                "value": agg.to_numpy(),
                "indicator": spec.indicator,
            }
        )
        if spec.indicator in official.index:
            top_frame = top_frame[top_frame["year"] != BASE_YEAR]
        rows.append(top_frame)
    panel = pd.concat(rows, ignore_index=True)
    panel["year"] = panel["year"].astype(int)
    panel["source"] = SOURCE
    panel["note"] = " ".join(pair("methods.panel_note"))
    return panel.sort_values(["indicator", "region_code", "year"], ignore_index=True)[
        ["region_code", "year", "indicator", "value", "source", "note"]
    ]


def to_csv_text(panel: pd.DataFrame) -> str:
    """Deterministic CSV text (values printed with up to 10 significant digits)."""
    p = panel.copy()
    p["value"] = p["value"].astype(float)
    return p.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def add_source(root: Path) -> bool:
    """Add the panel's row (kind ``illustrative``) to ``root/sources.csv`` when the data set
    does not list it yet, keeping the file's other lines, columns and encoding; the row goes
    before any import's row (``sources_csv.upsert``), so regenerating the panel and importing
    a workbook commute. True if a row was added."""
    path = Path(root) / "sources.csv"
    if SOURCE in sources_csv.row_ids(path):
        return False
    cells = {
        "id": SOURCE,
        "title": t("illustrate.source_title", "zh"),
        "title_en": t("illustrate.source_title", "en"),
        "publisher": "analysis.data.illustrate",
        "date": METHOD_DATE,
        "reference": f"seed {SEED}",
        "licence": "CC0",
        "kind": "illustrative",
    }
    return sources_csv.upsert(path, cells, SOURCE)
