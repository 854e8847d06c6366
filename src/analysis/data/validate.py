"""Read and validate the data files, reporting every problem with file, row and column.

Rows are counted as a person counts them in a spreadsheet: the header is row 1, the
first data row is row 2.  Files may be UTF-8 (with or without BOM) or GBK/GB18030
(as saved by Excel on Chinese Windows); anything else is rejected with a clear message.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema as S
from analysis.errors import Problem

ENCODINGS = ("utf-8-sig", "gb18030")


def _p(file: str, row: int | None, column: str | None, zh: str, en: str) -> Problem:
    return Problem(file, row, column, zh, en)


def read_text(path: Path, label: str, problems: list[Problem]) -> str | None:
    """Decode a text file as UTF-8 (BOM allowed) or GB18030; record a problem otherwise."""
    if not path.exists():
        problems.append(_p(label, None, None, "缺少文件", "file is missing"))
        return None
    raw = path.read_bytes()
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            problems.append(_p(label, None, None, "文件为空", "file is empty"))
            return None
        return text
    problems.append(
        _p(
            label,
            None,
            None,
            "文件编码无法识别(请保存为 UTF-8)",
            "unknown text encoding (save as UTF-8)",
        )
    )
    return None


def read_table(
    path: Path, table: S.TableSchema, label: str, problems: list[Problem]
) -> pd.DataFrame | None:
    """Read one CSV against ``table``; return typed frame with a ``_row`` column, or None."""
    text = read_text(path, label, problems)
    if text is None:
        return None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(_p(label, None, None, f"无法解析 CSV: {exc}", f"cannot parse CSV: {exc}"))
        return None
    df.columns = [str(c).strip() for c in df.columns]
    for col in table.columns:
        if col.optional and col.name not in df.columns:
            df[col.name] = ""
    missing = [c for c in table.names if c not in df.columns]
    for c in missing:
        problems.append(_p(label, 1, c, "缺少列", "column is missing"))
    if missing:
        return None
    if df.empty:
        problems.append(_p(label, None, None, "文件没有数据行", "file has no data rows"))
        return None
    df = df[table.names].apply(lambda s: s.str.strip())
    df["_row"] = np.arange(2, len(df) + 2)
    df["_file"] = label
    ok = pd.Series(True, index=df.index)
    for col in table.columns:
        s = df[col.name]
        empty = s.eq("")
        if col.required:
            for r in df.loc[empty, "_row"]:
                problems.append(
                    _p(label, int(r), col.name, "必填单元格为空", "required value is empty")
                )
            ok &= ~empty
        if col.type in ("int", "float"):
            num = pd.to_numeric(s.where(~empty), errors="coerce")
            bad = num.isna() & ~empty
            if col.type == "int":
                bad |= num.notna() & (num % 1 != 0)
            for r, v in zip(df.loc[bad, "_row"], s[bad], strict=True):
                want_zh = "整数" if col.type == "int" else "数值"
                problems.append(
                    _p(
                        label,
                        int(r),
                        col.name,
                        f"应为{want_zh},实际为 '{v}'",
                        f"expected a {'whole number' if col.type == 'int' else 'number'}, got '{v}'",
                    )
                )
            ok &= ~bad
            df[col.name] = num.astype("Int64") if col.type == "int" else num.astype(float)
        elif col.type == "code":
            bad = ~empty & ~s.str.fullmatch(r"\d{6}")
            for r, v in zip(df.loc[bad, "_row"], s[bad], strict=True):
                problems.append(
                    _p(
                        label,
                        int(r),
                        col.name,
                        f"代码应为6位数字,实际为 '{v}'",
                        f"code must be 6 digits, got '{v}'",
                    )
                )
            ok &= ~bad
    df = df[ok].copy()
    if table.key:
        dup = df.duplicated(list(table.key), keep="first")
        for r, key in zip(
            df.loc[dup, "_row"], df.loc[dup, list(table.key)].itertuples(index=False), strict=True
        ):
            k = ", ".join(map(str, key))
            problems.append(
                _p(
                    label,
                    int(r),
                    ",".join(table.key),
                    f"重复的记录 ({k})",
                    f"duplicate record ({k})",
                )
            )
        df = df[~dup]
    return df


def check_allowed(
    df: pd.DataFrame, column: str, allowed: tuple[str, ...], problems: list[Problem]
) -> pd.Series:
    """Flag values of ``column`` not in ``allowed``; return the mask of good rows."""
    bad = ~df[column].isin(allowed) & df[column].ne("")
    for f, r, v in zip(df.loc[bad, "_file"], df.loc[bad, "_row"], df.loc[bad, column], strict=True):
        problems.append(
            _p(
                f,
                int(r),
                column,
                f"取值 '{v}' 无效,应为 {'/'.join(allowed)}",
                f"invalid value '{v}', expected one of {'/'.join(allowed)}",
            )
        )
    return ~bad


def check_refs(
    df: pd.DataFrame,
    column: str,
    valid: set[str],
    what: tuple[str, str],
    problems: list[Problem],
    split: str | None = None,
) -> pd.Series:
    """Flag references in ``column`` that are not in ``valid`` (``split``: several ids in one cell)."""
    values = df[column].fillna("")
    if split:
        bad = values.map(lambda v: v != "" and any(part not in valid for part in v.split(split)))
    else:
        bad = values.ne("") & ~values.isin(valid)
    for f, r, v in zip(df.loc[bad, "_file"], df.loc[bad, "_row"], values[bad], strict=True):
        problems.append(_p(f, int(r), column, f"未知的{what[0]} '{v}'", f"unknown {what[1]} '{v}'"))
    return ~bad


def check_years(df: pd.DataFrame, column: str, problems: list[Problem]) -> pd.Series:
    lo, hi = S.YEAR_RANGE
    y = df[column]
    bad = y.notna() & ((y < lo) | (y > hi))
    for f, r, v in zip(df.loc[bad, "_file"], df.loc[bad, "_row"], y[bad], strict=True):
        problems.append(
            _p(f, int(r), column, f"年份 {v} 超出范围 {lo}-{hi}", f"year {v} outside {lo}-{hi}")
        )
    return ~bad.fillna(False).astype(bool)


def check_bounds(
    df: pd.DataFrame, value_col: str, indicators: pd.DataFrame, problems: list[Problem]
) -> pd.Series:
    """Flag values outside the indicator's [lower, upper] bounds (e.g. a rate over 100, a negative count)."""
    ind = indicators.set_index("id")
    key = "indicator" if "indicator" in df.columns else "id"
    lo = df[key].map(ind["lower"])
    hi = df[key].map(ind["upper"])
    v = df[value_col]
    bad = (lo.notna() & (v < lo)) | (hi.notna() & (v > hi))
    for f, r, val, i, a, b in zip(
        df.loc[bad, "_file"],
        df.loc[bad, "_row"],
        v[bad],
        df.loc[bad, key],
        lo[bad],
        hi[bad],
        strict=True,
    ):
        rng = f"[{'' if pd.isna(a) else f'{a:g}'}, {'' if pd.isna(b) else f'{b:g}'}]"
        problems.append(
            _p(
                f,
                int(r),
                value_col,
                f"指标 {i} 的值 {val:g} 超出允许范围 {rng}",
                f"value {val:g} of indicator {i} is outside its bounds {rng}",
            )
        )
    return ~bad
