"""The data model: which files, which columns, which types.

data/
  regions.csv            code, name_zh, name_en, level, parent_code, group
  indicators.csv         id, name_zh, name_en, unit_zh, unit_en, theme, direction, lower,
                         upper, kind, numerator, denominator, scale, in_index,
                         definition_zh, definition_en, [aggregate], [weight],
                         [decimals], [limit]
  targets.csv            indicator, region_code, base_year, base_value, target_year,
                         target_value, attribute, source, note
  sources.csv            id, title, [title_en], publisher, date, reference, licence, kind
  observations/*.csv     region_code, year, indicator, value, source, note
  geo/*.geojson          boundaries (schematic)

Derived indicators (``numerator``/``denominator`` set in indicators.csv) are not stored:
``analysis.data.derived.derive`` computes them on load.

Columns in [brackets] may be absent (read as empty). ``aggregate`` (``AGGREGATES``) says how
an indicator's values of higher regions follow from their children's (blank: by ``kind``,
see ``analysis.data.aggregate``); ``weight`` names the indicator that weights a ``mean``;
``decimals`` (0 to ``MAX_DECIMALS``) is how many decimals readers see of the indicator's
values (blank: 0 for counts, 1 otherwise, ``analysis.present.numbers.indicator_decimals``);
``limit`` is the indicator's natural maximum or minimum (e.g. 100 for a coverage rate), which
scales the thresholds of the no-target progress rule (Open SDG's natural limit C,
``analysis.methods.progress``; blank: none).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "str" | "int" | "float" | "code"
    required: bool = True  # may the cell be empty?
    optional: bool = False  # may the column be absent? (then read as empty)


@dataclass(frozen=True)
class TableSchema:
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


REGIONS = TableSchema(
    "regions.csv",
    (
        Column("code", "code"),
        Column("name_zh", "str"),
        Column("name_en", "str"),
        Column("level", "str"),
        Column("parent_code", "code", required=False),
        Column("group", "str", required=False),
    ),
    key=("code",),
)
INDICATORS = TableSchema(
    "indicators.csv",
    (
        Column("id", "str"),
        Column("name_zh", "str"),
        Column("name_en", "str"),
        Column("unit_zh", "str", required=False),
        Column("unit_en", "str", required=False),
        Column("theme", "str"),
        Column("direction", "str"),
        Column("lower", "float", required=False),
        Column("upper", "float", required=False),
        Column("kind", "str"),
        Column("numerator", "str", required=False),
        Column("denominator", "str", required=False),
        Column("scale", "float", required=False),
        Column("in_index", "int", required=False),
        Column("definition_zh", "str", required=False),
        Column("definition_en", "str", required=False),
        Column("aggregate", "str", required=False, optional=True),
        Column("weight", "str", required=False, optional=True),
        Column("decimals", "int", required=False, optional=True),
        Column("limit", "float", required=False, optional=True),
    ),
    key=("id",),
)
TARGETS = TableSchema(
    "targets.csv",
    (
        Column("indicator", "str"),
        Column("region_code", "code"),
        Column("base_year", "int"),
        Column("base_value", "float", required=False),
        Column("target_year", "int"),
        Column("target_value", "float"),
        Column("attribute", "str"),
        Column("source", "str"),
        Column("note", "str", required=False),
        Column("origin", "str", required=False, optional=True),
    ),
    key=("indicator", "region_code", "target_year"),
)
SOURCES = TableSchema(
    "sources.csv",
    (
        Column("id", "str"),
        Column("title", "str"),
        Column("title_en", "str", required=False, optional=True),
        Column("publisher", "str"),
        Column("date", "str"),
        Column("reference", "str", required=False),
        Column("licence", "str", required=False),
        Column("kind", "str"),
    ),
    key=("id",),
)
OBSERVATIONS = TableSchema(
    "observations/*.csv",
    (
        Column("region_code", "code"),
        Column("year", "int"),
        Column("indicator", "str"),
        Column("value", "float"),
        Column("source", "str"),
        Column("note", "str", required=False),
    ),
    key=("region_code", "year", "indicator"),
)

LEVELS = ("country", "province", "prefecture", "county")
DIRECTIONS = ("higher", "lower")
SOURCE_KINDS = ("official", "derived", "illustrative")
ATTRIBUTES = ("expected", "binding", "benchmark")
ORIGINS = ("own", "national", "elsewhere")  # targets.csv origin: own / inherited / benchmark
KINDS = ("count", "rate", "ratio", "mean", "money")
AGGREGATES = ("sum", "mean", "ratio", "none")  # indicators.csv aggregate (analysis.data.aggregate)
YEAR_RANGE = (1949, 2100)
MAX_DECIMALS = 6  # indicators.csv decimals: display decimals 0..6
