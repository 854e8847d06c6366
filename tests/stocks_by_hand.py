"""A county's census stock in a year after the 2020 census, computed by hand (plain loops,
the formulas of ``analysis.data.denominators`` written out) from the data files."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
PROVINCE, PREFECTURE = "520000", "522700"


def _read(name: str, indicator: str) -> dict[tuple[str, int], float]:
    with open(DATA / "observations" / name, encoding="utf-8") as f:
        return {
            (r["region_code"], int(r["year"])): float(r["value"])
            for r in csv.DictReader(f)
            if r["indicator"] == indicator
        }


def stock(indicator: str, county: str, year: int) -> float:
    """X_county(year) for year > 2020 (2010 and 2020 censuses, Guizhou bulletins above)."""
    c = _read("census.csv", indicator)
    y = _read("population_yearly.csv", indicator)
    # province: published totals; after the last one its mean growth since the census
    pub = sorted(yr for (r, yr) in y if r == PROVINCE)
    if pub:
        last = pub[-1]
        g = (y[PROVINCE, last] / c[PROVINCE, 2020]) ** (1 / (last - 2020))
        prov = y.get((PROVINCE, year), y[PROVINCE, last] * g ** (year - last))
    else:  # households: intercensal growth
        prov = c[PROVINCE, 2020] * (c[PROVINCE, 2020] / c[PROVINCE, 2010]) ** ((year - 2020) / 10)

    def share(region: str, parent: str) -> float:
        s1 = c[region, 2020] / c[parent, 2020]
        s0 = c[region, 2010] / c[parent, 2010]
        return s1 * (s1 / s0) ** ((year - 2020) / 10)

    pref = prov * share(PREFECTURE, PROVINCE)  # one of nine prefectures: no scaling
    counties = sorted({r for (r, _) in c if r.startswith("5227") and r != PREFECTURE})
    seen = {r: y[r, year] for r in counties if (r, year) in y}
    if county in seen:
        return seen[county]
    free = sum(share(r, PREFECTURE) for r in counties if r not in seen)
    return (pref - sum(seen.values())) * share(county, PREFECTURE) / free
