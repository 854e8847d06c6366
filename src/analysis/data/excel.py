"""Excel round trip for planning staff: a template to fill, and its import.

Template layout: one sheet per theme (服务设施, 社区工作者 …); each row is one indicator
for one county; columns 指标代码 | 指标 | 单位 | 地区代码 | 地区 | <years…>. A sheet 说明
(notes) lists every indicator's name, unit, definition and bounds, and the source
fields (title, publisher, date, kind) that the import records in sources.csv.

Import validates everything before writing anything; each problem is reported as
``sheet!cell`` (e.g. ``社区工作者!G7``). Imported values go to
``observations/import_<name>.csv``; rows of *illustrative* files with the same
(region, year, indicator) are dropped, so real figures replace 示意数据.
"""

from __future__ import annotations

import datetime as dt
import io as _io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analysis import io, paths
from analysis.data.dataset import Dataset
from analysis.data.load import load
from analysis.errors import DataError, Problem, UserError

THEMES = {  # theme id -> sheet name (Chinese first: what planning staff see)
    "facilities": "服务设施",
    "workforce": "社区工作者",
    "governance": "网格治理",
    "organisations": "社会组织",
    "volunteering": "志愿服务",
    "informatisation": "信息化",
}
FIXED = ["指标代码 indicator", "指标 name", "单位 unit", "地区代码 region", "地区 name"]
NOTES = "说明"
SOURCE_FIELDS = {
    "title": "来源名称 source title",
    "publisher": "发布单位 publisher",
    "date": "日期 date",
    "kind": "类型 kind (official/illustrative)",
}


def template_indicators(ds: Dataset) -> pd.DataFrame:
    """Stored (not derived) indicators of the template themes, in file order."""
    ind = ds.indicators
    return ind[ind["theme"].isin(THEMES) & ind["numerator"].fillna("").eq("")]


def write_template(
    ds: Dataset, out: str | os.PathLike, *, filled: bool = False, years: list[int] | None = None
) -> Path:
    """Write the template; ``filled=True`` pre-fills it with the data set's values."""
    inds = template_indicators(ds)
    obs = ds.observations[
        ds.observations["indicator"].isin(inds["id"])
        & ds.observations["region_code"].isin(ds.unit_codes)
    ]
    if years is None:
        last = int(obs["year"].max()) if len(obs) else dt.date.today().year - 1
        first = int(obs["year"].min()) if len(obs) else last
        years = list(range(first, last + (1 if filled else 2)))
    units = ds.units()
    wb = Workbook()
    wb.remove(wb.active)
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    values = obs.set_index(["indicator", "region_code", "year"])["value"] if filled else None
    for theme, sheet in THEMES.items():
        ws = wb.create_sheet(sheet)
        ws.append(FIXED + [int(y) for y in years])
        for cell in ws[1]:
            cell.font, cell.fill = head, fill
        for _, ind in inds[inds["theme"] == theme].iterrows():
            for code, name in zip(units["code"], units["name_zh"], strict=True):
                row = [ind["id"], ind["name_zh"], ind["unit_zh"], code, name]
                for y in years:
                    v = values.get((ind["id"], code, y)) if values is not None else None
                    row.append(None if v is None or pd.isna(v) else float(v))
                ws.append(row)
        ws.freeze_panes = "F2"
        for i, width in enumerate([26, 30, 10, 10, 16] + [9] * len(years), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    notes = wb.create_sheet(NOTES)
    src = ds.sources_of(obs) if filled and len(obs) else None
    kinds = sorted(set(src["kind"])) if src is not None else []
    notes.append(["填报说明 How to fill in"])
    notes.append(
        [
            "每个县(市)每年一个数值;空白表示无数据。请勿修改前五列和表头。 One value per county and year; leave blank when unknown. Do not edit the first five columns or the header."
        ]
    )
    notes.append([])
    for key, label in SOURCE_FIELDS.items():
        default = {"title": "", "publisher": "", "date": "", "kind": "official"}[key]
        if src is not None:
            default = {
                "title": "; ".join(src["title"]),
                "publisher": "; ".join(src["publisher"]),
                "date": "; ".join(src["date"]),
                "kind": "illustrative" if "illustrative" in kinds else "official",
            }[key]
        notes.append([label, default])
    notes.append([])
    notes.append(
        [
            "指标代码 id",
            "指标 name",
            "Indicator",
            "单位 unit",
            "工作表 sheet",
            "下限 lower",
            "上限 upper",
            "定义 definition",
        ]
    )
    for _, ind in inds.iterrows():
        notes.append(
            [
                ind["id"],
                ind["name_zh"],
                ind["name_en"],
                ind["unit_zh"],
                THEMES[ind["theme"]],
                None if pd.isna(ind["lower"]) else ind["lower"],
                None if pd.isna(ind["upper"]) else ind["upper"],
                ind["definition_zh"],
            ]
        )
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 40
    for cell in notes["A"]:
        cell.alignment = Alignment(wrap_text=False)
    wb.properties.creator = "analysis"
    wb.properties.created = wb.properties.modified = io.FIXED_TIME
    buf = _io.BytesIO()
    wb.save(buf)
    return io.write_zip(out, buf.getvalue())


def _source_fields(wb) -> dict[str, str]:
    if NOTES not in wb.sheetnames:
        return {}
    labels = {v: k for k, v in SOURCE_FIELDS.items()}
    out = {}
    for row in wb[NOTES].iter_rows(min_row=1, max_row=12, max_col=2, values_only=True):
        if row and row[0] in labels:
            out[labels[row[0]]] = "" if row[1] is None else str(row[1]).strip()
    return out


def read_workbook(path: str | os.PathLike, ds: Dataset) -> tuple[pd.DataFrame, dict[str, str]]:
    """Parse a filled template into observations; raise DataError with sheet!cell problems."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"文件不存在: {path}", f"file not found: {path}")
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise UserError(
            f"无法读取 Excel 文件 {path.name}: {exc}", f"cannot read Excel file {path.name}: {exc}"
        ) from None
    inds = ds.indicators.set_index("id")
    units = set(ds.unit_codes)
    problems: list[Problem] = []
    rows = []
    for sheet in [s for s in wb.sheetnames if s in THEMES.values()]:
        ws = wb[sheet]
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        year_cols = {}
        for j, h in enumerate(header[len(FIXED) :], start=len(FIXED) + 1):
            if h is None:
                continue
            if re.fullmatch(r"\d{4}", str(h).strip().removesuffix(".0")):
                year_cols[j] = int(str(h).strip().removesuffix(".0"))
            else:
                problems.append(
                    Problem(
                        path.name,
                        None,
                        f"{sheet}!{get_column_letter(j)}1",
                        f"表头应为年份,实际为 '{h}'",
                        f"header must be a year, got '{h}'",
                    )
                )
        for i, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            if not row or all(v is None for v in row):
                continue
            ind, code = str(row[0] or "").strip(), str(row[3] or "").strip().removesuffix(".0")
            if ind not in inds.index:
                problems.append(
                    Problem(
                        path.name,
                        None,
                        f"{sheet}!A{i}",
                        f"未知的指标 '{ind}'",
                        f"unknown indicator '{ind}'",
                    )
                )
                continue
            if code not in units:
                problems.append(
                    Problem(
                        path.name,
                        None,
                        f"{sheet}!D{i}",
                        f"未知的地区代码 '{code}'",
                        f"unknown region code '{code}'",
                    )
                )
                continue
            lo, hi = inds.at[ind, "lower"], inds.at[ind, "upper"]
            for j, year in year_cols.items():
                v = row[j - 1] if j - 1 < len(row) else None
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                cell = f"{sheet}!{get_column_letter(j)}{i}"
                try:
                    x = float(str(v).replace(",", "").strip()) if isinstance(v, str) else float(v)
                except ValueError:
                    problems.append(
                        Problem(
                            path.name,
                            None,
                            cell,
                            f"应为数值,实际为 '{v}'",
                            f"expected a number, got '{v}'",
                        )
                    )
                    continue
                if (pd.notna(lo) and x < lo) or (pd.notna(hi) and x > hi):
                    problems.append(
                        Problem(
                            path.name,
                            None,
                            cell,
                            f"数值 {x:g} 超出 {ind} 的允许范围 [{'' if pd.isna(lo) else f'{lo:g}'}, {'' if pd.isna(hi) else f'{hi:g}'}]",
                            f"value {x:g} outside the bounds of {ind}",
                        )
                    )
                    continue
                rows.append((code, year, ind, x, cell))
    if not rows and not problems:
        problems.append(
            Problem(
                path.name,
                None,
                None,
                "工作簿中没有可导入的数值",
                "no values to import in the workbook",
            )
        )
    if problems:
        raise DataError(problems)
    return pd.DataFrame(
        rows, columns=["region_code", "year", "indicator", "value", "note"]
    ), _source_fields(wb)


def import_workbook(
    path: str | os.PathLike, data_dir: str | os.PathLike | None = None
) -> tuple[Path, int]:
    """Import a filled template into ``data_dir``; validate the result first, write nothing on error."""
    root = paths.data_dir(data_dir)
    ds = load(root, derive=False)
    obs, fields = read_workbook(path, ds)
    stem = re.sub(r"[^0-9A-Za-z_]+", "_", Path(path).stem).strip("_").lower() or "workbook"
    source_id = f"import_{stem}"
    kind = fields.get("kind") or "official"
    if kind not in ("official", "illustrative", "derived"):
        raise DataError(
            [
                Problem(
                    Path(path).name,
                    None,
                    f"{NOTES}!B",
                    f"来源类型 '{kind}' 无效",
                    f"invalid source kind '{kind}'",
                )
            ]
        )
    obs["source"] = source_id
    obs["note"] = "Excel " + Path(path).name + " " + obs["note"]
    sources = pd.read_csv(
        root / "sources.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    sources = sources[sources["id"] != source_id]
    new_src = {
        "id": source_id,
        "title": fields.get("title") or f"Excel 导入 {Path(path).name}",
        "publisher": fields.get("publisher") or "",
        "date": fields.get("date") or "",
        "reference": f"imported from {Path(path).name}",
        "licence": "",
        "kind": kind,
    }
    sources = pd.concat([sources, pd.DataFrame([new_src])], ignore_index=True)
    keys = set(zip(obs["region_code"], obs["year"], obs["indicator"], strict=True))
    illustrative = set(sources.loc[sources["kind"] == "illustrative", "id"]) - {source_id}
    out_file = f"import_{stem}.csv"
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "data"
        shutil.copytree(root, stage)
        io.write_csv(stage / "sources.csv", sources)
        changed = {}
        for f in sorted((stage / "observations").glob("*.csv")):
            if f.name == out_file:
                f.unlink()
                continue
            o = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            key = pd.MultiIndex.from_arrays(
                [o["region_code"], o["year"].astype(int), o["indicator"]]
            )
            drop = o["source"].isin(illustrative) & key.isin(list(keys))
            if drop.any():
                changed[f.name] = o[~drop]
                io.write_csv(f, o[~drop])
        obs_out = obs[["region_code", "year", "indicator", "value", "source", "note"]].sort_values(
            ["indicator", "region_code", "year"]
        )
        io.write_csv(stage / "observations" / out_file, obs_out)
        load(stage)  # raises DataError before anything in data_dir is touched
        io.write_csv(root / "sources.csv", sources)
        for name, frame in changed.items():
            io.write_csv(root / "observations" / name, frame)
        io.write_csv(root / "observations" / out_file, obs_out)
    return root / "observations" / out_file, len(obs)
