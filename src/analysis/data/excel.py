"""Excel round trip for planning staff: a template to fill, and its import.

Template layout: one sheet per theme (names: ``data.sheet.<theme>``); each row is one
indicator for one county; columns indicator id | name | unit | region code | region name |
<years...>. A notes sheet (``data.sheet.notes``) lists every indicator's name, unit,
definition and bounds, and the source fields (title, publisher, date, kind) that the
import records in sources.csv. Every text cell written from data is made safe to open:
characters Excel cannot hold are dropped and text that Excel would run as a formula
(``= + - @`` first) gets a leading apostrophe (``safe_text``).

Import reads every cell the workbook really holds (not the declared dimension; at most
``MAX_CELLS`` per sheet, ``MAX_XML`` bytes of sheet XML) and validates everything before
writing anything; each problem names ``sheet!cell``. No typed value is lost silently: a
cell is imported, or it is an error. The rule for a value cell (``cell_number``):

* a number is taken as is; with a percent number format (Excel shows ``85%`` for 0.85) it
  is multiplied by 100 for a percentage indicator;
* text is normalised (NFKC: full-width digits and signs become ASCII; spaces dropped),
  then ``1,234`` (thousands separators in groups of three) loses its commas and ``85%``
  means 85 for a percentage indicator (an error for others); anything else must be a plain
  decimal number;
* ``inf``/``nan``, dates, booleans and error values (``#DIV/0!``) are errors;
* a formula is imported as its computed (cached) value with a warning naming the cell; a
  formula without a computed value (never opened in Excel) is an error.

Unknown, renamed, missing or extra sheets and a moved or deleted header row are errors
naming the sheet. The template's value cells carry Excel data validation (numbers within
the indicator's bounds, ``number_validation``).

An import is identified by what it holds (``import_id``: its regions, indicators and source
fields, or ``--source-name``), never by the workbook's file name. It writes
``observations/<id>.csv`` and its row of sources.csv (``sources_csv.upsert``), nothing else
but for ``--replace`` below. Against values already stored for the same region, indicator
and year (``_plan``): its own earlier import is updated (changed values warned);
illustrative values are left alone (real values win on load, ``load.prefer_real``);
another import's equal value is fine, a different one is refused naming the cell unless
``replace`` (then taken over from that import's file, warned); any other data file's value
is refused. A percentage that looks typed as a fraction is refused unless
``accept_fractions`` (``fraction_cells``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io as _io
import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analysis import io, paths
from analysis.data import schema as S
from analysis.data import sources_csv
from analysis.data import validate as V
from analysis.data.dataset import SOURCE_SEP, Dataset
from analysis.data.load import load
from analysis.data.sources_csv import IMPORT_PREFIX
from analysis.errors import DataError, Problem, user_error
from analysis.messages import t

_THEME_IDS = (
    "facilities",
    "workforce",
    "governance",
    "organisations",
    "volunteering",
    "informatisation",
)
THEMES = {th: t(f"data.sheet.{th}", "zh") for th in _THEME_IDS}
"""Theme id -> sheet name (Chinese: what planning staff see)."""
NOTES = t("data.sheet.notes", "zh")


def _both(key: str) -> str:
    return f"{t(key, 'zh')} {t(key, 'en')}"


FIXED = [
    _both(f"data.template.col_{c}") for c in ("indicator", "name", "unit", "region", "region_name")
]
"""Header of the five fixed columns A-E."""
SOURCE_FIELDS = {k: _both(f"data.template.src_{k}") for k in ("title", "publisher", "date", "kind")}
IMPORT_KINDS = ("official", "illustrative", "derived")
MAX_XML = 16 * 2**20
"""Budget of uncompressed sheet XML in a workbook (the filled template is far below)."""
MAX_CELLS = 200_000
"""Cells scanned per sheet at most."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_OBS_COLUMNS = ["region_code", "year", "indicator", "value", "source", "note"]


# -- writing ----------------------------------------------------------------------------------
def safe_text(value: object) -> str:
    """Text for a template cell: characters Excel cannot hold removed, formulas neutralised."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32_000]
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(value: object) -> object:
    """A template cell value: numbers as numbers, missing as blank, text made safe."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_text(value)


def template_indicators(ds: Dataset) -> pd.DataFrame:
    """Stored (not derived) indicators of the template themes, in file order."""
    ind = ds.indicators
    return ind[ind["theme"].isin(THEMES) & ind["numerator"].fillna("").eq("")]


def template_years(
    obs: pd.DataFrame, years: list[int] | None, targets: pd.DataFrame | None = None
) -> list[int]:
    """``years``; by default the panel years of the template indicators (first to last), else
    the plan period of the targets (base year to target year), else last year."""
    if years is not None:
        return [int(y) for y in years]
    if not obs.empty:
        return list(range(int(obs["year"].min()), int(obs["year"].max()) + 1))
    if targets is not None and not targets.empty:
        return list(range(int(targets["base_year"].min()), int(targets["target_year"].max()) + 1))
    return [dt.date.today().year - 1]


def _bound_text(x: object) -> str | None:
    return None if x is None or pd.isna(x) else f"{float(x):.15g}"  # type: ignore[arg-type]


def number_validation(ind: pd.Series) -> DataValidation:
    """Excel data validation of an indicator's value cells: numbers only (decimal), within the
    indicator's ``lower``/``upper`` of indicators.csv when given; blanks allowed. Excel
    refuses other typed input with a bilingual message (pasted cells are not checked by
    Excel: the import checks every cell again)."""
    lo, hi = _bound_text(ind.get("lower")), _bound_text(ind.get("upper"))
    if lo is not None and hi is not None:
        op, f1, f2, key = "between", lo, hi, "range"
    elif lo is not None:
        op, f1, f2, key = "greaterThanOrEqual", lo, None, "min"
    elif hi is not None:
        op, f1, f2, key = "lessThanOrEqual", hi, None, "max"
    else:
        op, f1, f2, key = "between", "-1E+300", "1E+300", "any"
    text = " / ".join(
        t(f"data.template.dv_{key}", lg, name=ind[f"name_{lg}"], lower=lo, upper=hi)
        for lg in ("zh", "en")
    )
    return DataValidation(
        type="decimal",
        operator=op,
        formula1=f1,
        formula2=f2,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_both("data.template.dv_title")[:32],
        error=safe_text(text)[:255],
    )


def _theme_sheet(
    wb: Workbook,
    theme: str,
    inds: pd.DataFrame,
    units: pd.DataFrame,
    years: list[int],
    values: pd.Series | None,
) -> None:
    ws = wb.create_sheet(THEMES[theme])
    ws.append([*FIXED, *years])
    head, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = head, fill
    last = get_column_letter(len(FIXED) + len(years))
    for _, ind in inds[inds["theme"] == theme].iterrows():
        first = ws.max_row + 1
        for code, name in zip(units["code"], units["name_zh"], strict=True):
            row = [_cell(x) for x in (ind["id"], ind["name_zh"], ind["unit_zh"], code, name)]
            for y in years:
                v = values.get((ind["id"], code, y)) if values is not None else None
                row.append(None if v is None or pd.isna(v) else float(v))
            ws.append(row)
        if ws.max_row >= first:
            dv = number_validation(ind)
            ws.add_data_validation(dv)
            dv.add(f"F{first}:{last}{ws.max_row}")
    ws.freeze_panes = "F2"
    for i, width in enumerate([26, 30, 10, 10, 16] + [9] * len(years), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _source_defaults(ds: Dataset, obs: pd.DataFrame, filled: bool) -> dict[str, str]:
    if not filled or obs.empty:
        return {"title": "", "publisher": "", "date": "", "kind": "official"}
    src = ds.sources_of(obs)
    kind = "illustrative" if "illustrative" in set(src["kind"]) else "official"
    return {k: "; ".join(src[k].astype(str)) for k in ("title", "publisher", "date")} | {
        "kind": kind
    }


def _notes_sheet(
    wb: Workbook, inds: pd.DataFrame, defaults: dict[str, str], units: dict[str, str]
) -> None:
    """The notes sheet; ``units`` is the data set's word for its units by language."""
    notes = wb.create_sheet(NOTES)
    notes.append([_both("data.template.notes_title")])
    text = [t("data.template.notes_text", lg, units=units[lg]) for lg in ("zh", "en")]
    notes.append([" ".join(text)])
    notes.append([])
    for key, label in SOURCE_FIELDS.items():
        notes.append([label, _cell(defaults[key])])
    notes.append([])
    cols = ("id", "name", "name_en", "unit", "sheet", "lower", "upper", "definition")
    notes.append([_both(f"data.template.notes_{c}") for c in cols])
    for _, ind in inds.iterrows():
        notes.append(
            [
                _cell(ind["id"]),
                _cell(ind["name_zh"]),
                _cell(ind["name_en"]),
                _cell(ind["unit_zh"]),
                THEMES[ind["theme"]],
                _cell(ind["lower"]),
                _cell(ind["upper"]),
                _cell(ind["definition_zh"]),
            ]
        )
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 40
    for cell in notes["A"]:
        cell.alignment = Alignment(wrap_text=False)


def write_template(
    ds: Dataset, out: str | os.PathLike, *, filled: bool = False, years: list[int] | None = None
) -> Path:
    """Write the template; ``filled=True`` pre-fills it with the data set's values.

    ``years`` defaults to the data set's panel years of the template indicators.
    """
    inds = template_indicators(ds)
    obs = ds.observations[
        ds.observations["indicator"].isin(inds["id"])
        & ds.observations["region_code"].isin(ds.unit_codes)
    ]
    years = template_years(obs, years, ds.targets)
    values = obs.set_index(["indicator", "region_code", "year"])["value"] if filled else None
    wb = Workbook()
    wb.remove(wb.active)
    units = ds.units()
    for theme in THEMES:
        _theme_sheet(wb, theme, inds, units, years, values)
    words = {lg: ds.units_word(lg) for lg in ("zh", "en")}
    _notes_sheet(wb, inds, _source_defaults(ds, obs, filled), words)
    wb.properties.creator = "analysis"
    wb.properties.created = wb.properties.modified = io.FIXED_TIME
    buf = _io.BytesIO()
    wb.save(buf)
    return io.write_zip(out, buf.getvalue())


# -- opening a workbook -----------------------------------------------------------------------
@dataclass
class Book:
    """A workbook as typed (formulas) and as last computed (cached values)."""

    name: str
    typed: Any
    computed: Any | None  # loaded only when a formula is present


def _xml_size(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(
            i.file_size
            for i in z.infolist()
            if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml"
        )


def open_book(path: str | os.PathLike) -> Book:
    """Open a workbook within the size budget, or raise a bilingual user error."""
    path = Path(path)
    if not path.is_file():
        raise user_error("data.xl_file_missing", path=path)
    try:
        size = _xml_size(path)
    except Exception as exc:  # not a zip file, or a broken one
        raise user_error("data.xl_unreadable", name=path.name, reason=V.show(exc)) from None
    if size > MAX_XML:
        raise user_error("data.xl_too_big", name=path.name, mb=size >> 20, limit=MAX_XML >> 20)
    try:
        typed = load_workbook(path, data_only=False)
        has_formula = any(c.data_type == "f" for ws in typed.worksheets for c in ws._cells.values())
        computed = load_workbook(path, data_only=True) if has_formula else None
    except Exception as exc:  # openpyxl raises many types for broken XML
        raise user_error("data.xl_unreadable", name=path.name, reason=V.show(exc)) from None
    return Book(path.name, typed, computed)


# -- reading: layout (the spec) ---------------------------------------------------------------
@dataclass
class Layout:
    """Where the values of one theme sheet are: year of each value column."""

    sheet: str
    years: dict[int, int] = field(default_factory=dict)  # column index -> year


def check_sheets(book: Book, log: V.ProblemLog) -> list[str]:
    """Every template sheet present, nothing else; return the theme sheets to read."""
    expected = [*THEMES.values(), NOTES]
    names = book.typed.sheetnames
    for s in names:
        if s not in expected:
            log.add(
                "xl_sheet_unknown", book.name, None, f"{s}!A1", sheet=s, valid=", ".join(expected)
            )
    for s in expected:
        if s not in names:
            log.add("xl_sheet_missing", book.name, None, f"{s}!A1", sheet=s)
    return [s for s in THEMES.values() if s in names]


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def parse_layout(ws: Any, sheet: str, name: str, log: V.ProblemLog) -> Layout | None:
    """Row 1 holds the five fixed headers, then years; anything else is an error."""
    cells = ws._cells
    for j, want in enumerate(FIXED, start=1):
        c = cells.get((1, j))
        got = _text(c.value if c is not None else "")
        if got != _text(want):
            log.add(
                "xl_header_moved",
                name,
                None,
                f"{sheet}!{get_column_letter(j)}1",
                expected=want,
                got=got,
            )
            return None
    layout = Layout(sheet)
    lo, hi = S.YEAR_RANGE
    seen: set[int] = set()
    for (r, j), c in sorted(cells.items()):
        if r != 1 or j <= len(FIXED) or c.value is None or _text(c.value) == "":
            continue
        text = _text(c.value).removesuffix(".0")
        ref = f"{sheet}!{c.coordinate}"
        if not re.fullmatch(r"\d{4}", text) or not lo <= int(text) <= hi:
            log.add("xl_header_not_year", name, None, ref, value=c.value)
        elif int(text) in seen:
            log.add("xl_header_duplicate_year", name, None, ref, year=text)
        else:
            seen.add(int(text))
            layout.years[j] = int(text)
    return layout


# -- reading: values --------------------------------------------------------------------------
@dataclass(frozen=True)
class Meta:
    """What the value rule needs to know about an indicator."""

    id: str
    unit: str
    percent: bool


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def text_number(text: str, meta: Meta) -> tuple[float | None, str, dict[str, object]]:
    """Apply the text rule: (value, or None with the problem key and its fields)."""
    s = _text(text).replace(" ", "")
    pct = s.endswith("%")
    if pct:
        if not meta.percent:
            return None, "xl_percent_not_allowed", {"indicator": meta.id, "unit": meta.unit}
        s = s[:-1]
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if s.lstrip("+-").lower() in ("inf", "infinity", "nan"):
        return None, "not_finite", {}
    if not re.fullmatch(V.NUMBER, s):
        return None, "not_number", {}
    if not math.isfinite(float(s)):  # 1e400
        return None, "not_finite", {}
    return float(s), "", {}


def cell_number(
    value: object, number_format: str, meta: Meta
) -> tuple[float | None, str, dict[str, object]]:
    """The documented value rule for one typed (or computed) cell value."""
    if isinstance(value, bool):
        return None, "xl_bool", {}
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return None, "xl_date", {}
    if isinstance(value, int | float):
        x = float(value)
        if not math.isfinite(x):
            return None, "not_finite", {}
        if meta.percent and "%" in (number_format or ""):
            x *= 100
        return x, "", {}
    text = str(value)
    if text.startswith("#") and text.endswith(("!", "?", "A")):
        return None, "xl_error_value", {}
    return text_number(text, meta)


@dataclass
class Sheet:
    """Values read from one theme sheet."""

    rows: list[tuple[str, int, str, float, str]] = field(default_factory=list)


def _id_cell(c: Any) -> str:
    """An indicator id or region code cell: text, neutraliser apostrophe and '.0' removed."""
    if c is None or c.value is None:
        return ""
    v = c.value
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return _text(v).removeprefix("'").removesuffix(".0")


def _by_row(cells: dict[tuple[int, int], Any]) -> Iterator[tuple[int, dict[int, Any]]]:
    rows: dict[int, dict[int, Any]] = {}
    for (r, j), c in cells.items():
        if r > 1 and c.value is not None and not (isinstance(c.value, str) and not c.value.strip()):
            rows.setdefault(r, {})[j] = c
    yield from sorted(rows.items())


def read_sheet(
    book: Book,
    layout: Layout,
    metas: dict[str, Meta],
    derived: set[str],
    units: set[str],
    log: V.ProblemLog,
    warn: V.ProblemLog,
) -> Sheet:
    """Every value cell of one theme sheet, converted by the value rule or reported."""
    sheet, name = layout.sheet, book.name
    ws = book.typed[sheet]
    computed = book.computed[sheet] if book.computed is not None else None
    out = Sheet()
    for r, row in _by_row(ws._cells):
        values = {j: c for j, c in row.items() if j > len(FIXED)}
        for j, c in values.items():
            if j not in layout.years:
                log.add("xl_outside_table", name, None, f"{sheet}!{c.coordinate}", value=c.value)
        values = {j: c for j, c in values.items() if j in layout.years}
        if not values:
            continue
        ind, code = _id_cell(row.get(1)), _id_cell(row.get(4))
        if ind not in metas:
            log.add("xl_unknown_indicator", name, None, f"{sheet}!A{r}", value=ind)
            continue
        if ind in derived:
            log.add("xl_derived", name, None, f"{sheet}!A{r}", value=ind)
            continue
        if code not in units:
            log.add("xl_unknown_region", name, None, f"{sheet}!D{r}", value=code)
            continue
        for j, c in sorted(values.items()):
            ref = f"{sheet}!{c.coordinate}"
            value = c.value
            if c.data_type == "f":
                formula = getattr(value, "text", value)
                cached = computed._cells.get((r, j)) if computed is not None else None
                if cached is None or cached.value is None:
                    log.add("xl_formula_no_value", name, None, ref, formula=formula)
                    continue
                value = cached.value
                warn.add("xl_formula_cached", name, None, ref, formula=formula, value=value)
            x, key, fields = cell_number(value, c.number_format, metas[ind])
            if x is None:
                log.add(key, name, None, ref, value=value, **fields)
                continue
            out.rows.append((code, layout.years[j], ind, x, ref))
    return out


def source_fields(book: Book, log: V.ProblemLog) -> tuple[dict[str, str], dict[str, str]]:
    """The source fields of the notes sheet: (values, cell of each field)."""
    if NOTES not in book.typed.sheetnames:
        return {}, {}
    labels = {_text(v): k for k, v in SOURCE_FIELDS.items()}
    ws = book.typed[NOTES]
    computed = book.computed[NOTES] if book.computed is not None else None
    values, cells = {}, {}
    for r in range(1, 21):
        a = ws._cells.get((r, 1))
        key = labels.get(_text(a.value)) if a is not None else None
        if key is None:
            continue
        b = ws._cells.get((r, 2))
        v = None if b is None else b.value
        if b is not None and b.data_type == "f":
            c = computed._cells.get((r, 2)) if computed is not None else None
            v = None if c is None else c.value
        if isinstance(v, dt.datetime | dt.date):
            v = v.isoformat()[:10]
        values[key] = _text(v)
        cells[key] = f"{NOTES}!B{r}"
    kind = values.get("kind") or "official"
    if kind not in IMPORT_KINDS:
        log.add(
            "xl_bad_kind",
            book.name,
            None,
            cells.get("kind", f"{NOTES}!B1"),
            kind=kind,
            allowed="/".join(IMPORT_KINDS),
        )
    return values, cells


@dataclass
class FilledWorkbook:
    """A filled template, read: observations (``_col`` is the cell), source fields, warnings."""

    name: str
    observations: pd.DataFrame
    fields: dict[str, str]
    field_cells: dict[str, str]
    warnings: list[Problem]


def read_workbook(path: str | os.PathLike, ds: Dataset) -> FilledWorkbook:
    """Parse a filled template into observations; raise DataError with sheet!cell problems."""
    book = open_book(path)
    log, warn = V.ProblemLog(), V.ProblemLog()
    inds = ds.indicators
    pct = V.is_percentage(inds)
    metas = {
        i: Meta(i, str(u), bool(p))
        for i, u, p in zip(inds["id"], inds["unit_zh"].fillna(""), pct, strict=True)
    }
    derived = set(inds.loc[inds["numerator"].fillna("").ne(""), "id"])
    rows: list[tuple[str, int, str, float, str]] = []
    for sheet in check_sheets(book, log):
        ws = book.typed[sheet]
        if len(ws._cells) > MAX_CELLS:
            log.add(
                "xl_too_many_cells",
                book.name,
                None,
                f"{sheet}!A1",
                n=len(ws._cells),
                limit=MAX_CELLS,
            )
            continue
        layout = parse_layout(ws, sheet, book.name, log)
        if layout is not None:
            rows += read_sheet(book, layout, metas, derived, set(ds.unit_codes), log, warn).rows
    fields, cells = source_fields(book, log)
    obs = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "value", "_col"])
    obs["_file"], obs["_row"] = book.name, None
    if len(obs):
        _check_values(obs, inds, log)
    elif not log:
        log.add("xl_no_values", book.name, None, None)
    if log:
        raise log.error()
    return FilledWorkbook(book.name, obs, fields, cells, warn.problems())


def _check_values(obs: pd.DataFrame, inds: pd.DataFrame, log: V.ProblemLog) -> None:
    """Bounds, year range and cells given twice, with the same checks as the data files."""
    V.check_bounds(obs, "value", inds, log)
    V.check_years(obs, "year", log)
    first: dict[tuple[str, str, int], str] = {}
    for i, r, y, cell, f in zip(
        obs["indicator"], obs["region_code"], obs["year"], obs["_col"], obs["_file"], strict=True
    ):
        other = first.setdefault((i, r, y), cell)
        if other != cell:
            log.add("xl_duplicate", f, None, cell, indicator=i, region=r, year=y, other=other)


# -- import -----------------------------------------------------------------------------------
def import_name(name: str) -> str:
    """``import_<name>`` for an explicit source name: letters of any script kept (Chinese names
    stay Chinese); when the name had to be changed, a short hash of the original keeps two
    different names apart."""
    name = name.strip()
    slug = re.sub(r"[^\w]+", "_", unicodedata.normalize("NFKC", name)).strip("_").lower()
    if slug != name:
        slug = f"{slug or 'workbook'}_{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    return f"{IMPORT_PREFIX}{slug}"


def import_id(wb: FilledWorkbook, source_name: str | None = None) -> str:
    """The import's source id (and file stem), from what the workbook holds, not its file name:
    ``import_<region codes>_<hash>`` where the hash (SHA-1, 8 hex digits) covers the regions,
    the indicators and the source fields (title, publisher, date, kind) of the notes sheet.
    Values and years are not in it, so a corrected or extended workbook of the same office
    keeps its id and updates its own import. ``source_name`` overrides it (``import_name``)."""
    if source_name:
        return import_name(source_name)
    obs = wb.observations
    codes = sorted(set(obs["region_code"]))
    inds = sorted(set(obs["indicator"]))
    src = [wb.fields.get(k) or "" for k in ("title", "publisher", "date")]
    src.append(wb.fields.get("kind") or "official")
    digest = hashlib.sha1("\n".join([*codes, "", *inds, "", *src]).encode()).hexdigest()[:8]
    place = "_".join(codes) if len(codes) <= 3 else f"{codes[0]}_{len(codes)}regions"
    return f"{IMPORT_PREFIX}{place}_{digest}"


@dataclass(frozen=True)
class ImportResult:
    path: Path
    count: int
    replaced: int  # illustrative values the imported ones take precedence over
    warnings: list[Problem]
    source: str = ""


def _percent_ids(inds: pd.DataFrame) -> set[str]:
    unit = inds["unit_zh"].fillna("").astype(str).str.strip()
    unit_en = inds["unit_en"].fillna("").astype(str).str.strip()
    return set(inds.loc[unit.eq("%") | unit_en.eq("%"), "id"])


def fraction_cells(obs: pd.DataFrame, ds: Dataset) -> list[tuple[str, str, str, int, float]]:
    """Percentages that look typed as fractions: ``0 < x <= 1`` for an indicator with unit %,
    where every other value of the series (same indicator and region, other years, from the
    workbook and the data set) is above 1 and ``100 x`` is nearer their median ``m`` than
    ``x`` is (``|ln(100x/m)| < |ln(x/m)|``: 0.95 beside 80s is flagged, a real 1.0 % beside
    1.2-3 % is not). A value the data set already holds for that cell is not flagged.
    Returns (cell, indicator, region, year, value)."""
    pct = _percent_ids(ds.indicators)
    cand = obs[obs["indicator"].isin(pct) & (obs["value"] > 0) & (obs["value"] <= 1)]
    if cand.empty:
        return []
    given = obs.set_index(["indicator", "region_code", "year"])["value"]
    stored = ds.observations[ds.observations["indicator"].isin(set(cand["indicator"]))]
    stored = stored.set_index(["indicator", "region_code", "year"])["value"]
    out = []
    for cell, i, r, y, x in zip(
        cand["_col"],
        cand["indicator"],
        cand["region_code"],
        cand["year"],
        cand["value"],
        strict=True,
    ):
        series = {k[2]: v for k, v in stored.items() if k[0] == i and k[1] == r}
        if series.get(y) == x:
            continue
        series |= {k[2]: v for k, v in given.items() if k[0] == i and k[1] == r}
        series.pop(y, None)
        if not series or min(series.values()) <= 1:
            continue
        m = float(pd.Series(list(series.values())).median())
        if abs(math.log(100 * x / m)) < abs(math.log(x / m)):
            out.append((cell, i, r, int(y), float(x)))
    return out


@dataclass
class Held:
    """Rows already in the data set for the workbook's keys, by the file that holds them."""

    file: str  # observations/<name>
    rows: pd.DataFrame  # region_code, year, indicator, value, source, _row
    imported: bool  # an import's file (observations/import_*.csv)


def _held(root: Path, keys: pd.MultiIndex) -> Iterator[Held]:
    """Each observation file's rows with one of ``keys``."""
    for f in sorted((root / "observations").glob("*.csv")):
        frame = V.read_table(f, S.OBSERVATIONS, f"observations/{f.name}", V.ProblemLog())
        if frame is None:
            continue
        k = pd.MultiIndex.from_arrays(
            [frame["region_code"].astype(str), frame["year"].astype(int), frame["indicator"]]
        )
        hit = k.isin(keys)
        if hit.any():
            rows = frame[hit].assign(year=frame.loc[hit, "year"].astype(int))
            yield Held(f"observations/{f.name}", rows, f.name.startswith(IMPORT_PREFIX))


def _is_illustrative(source: str, illustrative: set[str]) -> bool:
    return any(p in illustrative for p in str(source).split(SOURCE_SEP))


@dataclass
class Plan:
    """What the import changes besides writing its own file."""

    own_kept: pd.DataFrame | None = None  # rows of its own earlier file it keeps (not re-given)
    removals: dict[str, set[tuple[str, int, str]]] = field(default_factory=dict)
    replaced: int = 0


def _plan(
    root: Path,
    wb: FilledWorkbook,
    source_id: str,
    kinds: dict[str, str],
    replace: bool,
    log: V.ProblemLog,
    warn: V.ProblemLog,
) -> Plan:
    """Compare the workbook's values with every value already stored for the same region,
    indicator and year (see the module docstring for the rules)."""
    obs = wb.observations
    keys = pd.MultiIndex.from_frame(obs[["region_code", "year", "indicator"]])
    cell = dict(zip(keys, obs["_col"], strict=True))
    value = dict(zip(keys, obs["value"], strict=True))
    illustrative = {i for i, k in kinds.items() if k == "illustrative"}
    new_illus = (wb.fields.get("kind") or "official") == "illustrative"
    own = f"observations/{source_id}.csv"
    plan, name = Plan(), wb.name
    for held in _held(root, keys):
        rows = held.rows
        for r, y, i, v, src, line in zip(
            rows["region_code"],
            rows["year"],
            rows["indicator"],
            rows["value"],
            rows["source"],
            rows["_row"],
            strict=True,
        ):
            key = (str(r), int(y), str(i))
            new, at = value[key], cell[key]
            place = {"indicator": i, "region": r, "year": y, "value": new, "other": v}
            where = {"file": held.file, "row": int(line)}
            if held.file == own:
                if v != new:
                    warn.add("xl_replaces_own", name, None, at, **place, **where)
                continue
            old_illus = _is_illustrative(src, illustrative)
            if not held.imported:
                if old_illus:
                    plan.replaced += 1
                else:
                    log.add("xl_already_stored", name, None, at, **place, **where)
            elif v == new:
                continue
            elif old_illus and not new_illus:
                plan.replaced += 1
            elif new_illus and not old_illus:
                warn.add("xl_shadowed", name, None, at, **place, **where, source=src)
            elif replace:
                warn.add("xl_replaces", name, None, at, **place, **where, source=src)
                plan.removals.setdefault(held.file, set()).add(key)
            else:
                log.add("xl_conflict", name, None, at, **place, **where, source=src)
    own_path = root / own
    if own_path.is_file():
        raw = _raw(own_path)
        k = pd.MultiIndex.from_arrays([raw["region_code"], _years(raw), raw["indicator"]])
        plan.own_kept = raw[~k.isin(keys)]
    return plan


def _raw(file: Path) -> pd.DataFrame:
    """An observation file's rows as text, as written."""
    return pd.read_csv(
        file, dtype=str, keep_default_na=False, encoding=V.detect_encoding(file) or "utf-8-sig"
    )


def _years(raw: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(raw["year"], errors="coerce").fillna(-1).astype(int)


def _without(file: Path, keys: set[tuple[str, int, str]]) -> pd.DataFrame:
    """An import file's rows as text, without ``keys`` (taken over by a ``--replace``)."""
    raw = _raw(file)
    k = pd.MultiIndex.from_arrays([raw["region_code"], _years(raw), raw["indicator"]])
    return raw[~k.isin(list(keys))]


def _source_cells(source_id: str, wb: FilledWorkbook) -> dict[str, str]:
    """The import's row of sources.csv."""
    return {
        "id": source_id,
        "title": wb.fields.get("title") or t("data.template.default_title", "zh", name=wb.name),
        "publisher": wb.fields.get("publisher") or "",
        "date": wb.fields.get("date") or "",
        "reference": f"imported from {wb.name}",
        "kind": wb.fields.get("kind") or "official",
    }


def _new_rows(wb: FilledWorkbook, source_id: str, kept: pd.DataFrame | None) -> pd.DataFrame:
    """The import file (and the workbook cell of each row, ``_cell``): the workbook's values
    (as text, ``repr`` of the float) and the rows of its own earlier import it did not give
    again, sorted by indicator, region and year."""
    obs = wb.observations
    new = pd.DataFrame(
        {
            "region_code": obs["region_code"].astype(str),
            "year": obs["year"].astype(int).astype(str),
            "indicator": obs["indicator"].astype(str),
            "value": [repr(float(v)) for v in obs["value"]],
            "source": source_id,
            "note": [t("data.xl_note", "zh", name=wb.name, cell=c) for c in obs["_col"]],
            "_cell": obs["_col"].astype(str),
        }
    )
    if kept is not None and len(kept):
        new = pd.concat([kept[_OBS_COLUMNS].assign(_cell=""), new], ignore_index=True)
    order = new.assign(_y=_years(new)).sort_values(
        ["indicator", "region_code", "_y"], kind="stable"
    )
    return order[[*_OBS_COLUMNS, "_cell"]].reset_index(drop=True)


def _translate(
    problems: list[Problem], out_label: str, cells: dict[int, str], wb: FilledWorkbook
) -> list[Problem]:
    """Problems found in the staged data, in the user's terms: sheet!cell where it is ours."""
    out = []
    for p in problems:
        if p.file == out_label and p.row in cells:
            out.append(Problem(wb.name, None, cells[p.row], p.zh, p.en))
        elif p.file == S.SOURCES.file and p.column in SOURCE_FIELDS:
            out.append(
                Problem(wb.name, None, wb.field_cells.get(p.column, f"{NOTES}!B1"), p.zh, p.en)
            )
        else:
            out.append(p)
    return out


def _apply(
    root: Path,
    source_id: str,
    rows: pd.DataFrame,
    others: dict[str, pd.DataFrame],
    wb: FilledWorkbook,
) -> None:
    """Write the import into ``root``: its file, its sources row, and the other imports'
    files without the values it took over (a file left empty is removed with its row)."""
    emptied = [name for name, frame in others.items() if frame.empty]
    sources_csv.upsert(
        root / "sources.csv",
        _source_cells(source_id, wb),
        source_id,
        drop=[Path(n).stem for n in emptied],
    )
    for name, frame in others.items():
        if frame.empty:
            (root / name).unlink()
        else:
            io.write_csv(root / name, frame)
    io.write_csv(root / "observations" / f"{source_id}.csv", rows[_OBS_COLUMNS])


def import_workbook(
    path: str | os.PathLike,
    data_dir: str | os.PathLike | None = None,
    *,
    replace: bool = False,
    source_name: str | None = None,
    accept_fractions: bool = False,
) -> ImportResult:
    """Import a filled template into ``data_dir``; validate the result first, write nothing on
    error. Problems name the workbook's sheet!cell (or the data file a clash is with).

    ``replace``: values that differ from another import's are taken over (warned) instead of
    refused. ``source_name``: the import's id instead of the one from its content.
    ``accept_fractions``: percentages typed as fractions are warned about, not refused."""
    root = paths.data_dir(data_dir)
    ds = load(root, derive=False)
    wb = read_workbook(path, ds)
    source_id = import_id(wb, source_name)
    log, warn = V.ProblemLog(), V.ProblemLog()
    for cell, i, r, y, x in fraction_cells(wb.observations, ds):
        fields = {"indicator": i, "region": r, "year": y, "value": x, "pct": x * 100}
        (warn if accept_fractions else log).add("xl_fraction", wb.name, None, cell, **fields)
    kinds = dict(zip(ds.sources["id"], ds.sources["kind"], strict=True))
    plan = _plan(root, wb, source_id, kinds, replace, log, warn)
    if log:
        raise log.error()
    rows = _new_rows(wb, source_id, plan.own_kept)
    others = {f: _without(root / f, keys) for f, keys in plan.removals.items()}
    out_file = f"observations/{source_id}.csv"
    cells = {i + 2: c for i, c in enumerate(rows["_cell"]) if c}
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "data"
        shutil.copytree(root, stage)
        _apply(stage, source_id, rows, others, wb)
        try:
            load(stage)
        except DataError as err:
            raise DataError(_translate(err.problems, out_file, cells, wb)) from None
    _apply(root, source_id, rows, others, wb)
    return ImportResult(
        root / out_file,
        len(wb.observations),
        plan.replaced,
        wb.warnings + warn.problems(),
        source_id,
    )
