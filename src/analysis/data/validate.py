"""Read and validate the data files, reporting every problem with file, row and column.

Rows are counted as a person counts lines in an editor or a spreadsheet: the header is
row 1 (or the line it is on, after comment lines), blank lines and comment lines (``#``)
are counted but hold no data. Files may be UTF-8 (with or without BOM) or GB18030 (as
saved by Excel on Chinese Windows); anything else is rejected with a clear message.

Reading streams the file in chunks (``CHUNK`` records): each malformed line is reported
on its own, messages are capped per file and kind (``ProblemLog``), and memory stays
bounded however many lines are bad. Files beyond ``MAX_BYTES`` / ``MAX_ROWS`` get a
budget message instead of being read.

Numbers follow one rule: ASCII decimal notation only (``12``, ``-3.5``, ``1e4``);
``inf``, ``nan``, ``1,234`` and full-width digits are rejected with their place.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import schema as S
from analysis.errors import DataError, Problem, escape_controls
from analysis.messages import pair, t

ENCODINGS = ("utf-8-sig", "gb18030")
CAP = 20
"""Messages kept per (file, kind); the rest are counted in one closing message."""
CHUNK = 50_000
"""Records per chunk when streaming a CSV file."""
MAX_BYTES = 512 * 2**20
"""Size budget of one CSV file (a national county panel is well below it)."""
MAX_ROWS = 5_000_000
"""Row budget of one CSV file."""
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
"""The one accepted notation for numbers in CSV files."""
SHOW = 60
"""Longest value shown in a message."""

Checker = Callable[[pd.DataFrame, "ProblemLog"], pd.Series]


def show(value: object) -> str:
    """A value as shown inside a message: short, control characters escaped."""
    text = f"{value:g}" if isinstance(value, float | np.floating) else str(value)
    if len(text) > SHOW:
        text = text[: SHOW - 3] + "..."
    return escape_controls(text)


class ProblemLog:
    """Problems found so far: at most ``cap`` per (file, kind), the rest counted.

    ``add("not_number", file, row, column, value=v)`` looks up ``data.not_number``.
    """

    def __init__(self, cap: int = CAP):
        self.cap = cap
        self.kept: list[Problem] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        self.first: dict[tuple[str, str], Problem] = {}

    def add(
        self, key: str, file: str, row: int | None, column: str | None, /, **fields: object
    ) -> None:
        """Record problem ``data.<key>`` at (file, row, column)."""
        k = (file, key)
        self.counts[k] += 1
        if self.counts[k] > self.cap:
            return
        zh, en = pair(f"data.{key}", **{n: show(v) for n, v in fields.items()})
        p = Problem(file, row, column, zh, en)
        self.kept.append(p)
        self.first.setdefault(k, p)

    def extend(self, problems: list[Problem]) -> None:
        """Add ready-made problems (not capped)."""
        self.kept.extend(problems)

    def __len__(self) -> int:
        return len(self.kept) + sum(max(0, n - self.cap) for n in self.counts.values())

    def __bool__(self) -> bool:
        return bool(self.kept)

    def error(self) -> DataError:
        """A ``DataError`` listing the problems, counting the capped ones too."""
        return DataError(self.problems(), total=len(self))

    def problems(self) -> list[Problem]:
        """Every kept problem, plus one line per capped kind with the count of the rest."""
        out = list(self.kept)
        for k, n in sorted(self.counts.items()):
            if n > self.cap:
                ex = self.first[k]
                out.append(
                    Problem(
                        k[0],
                        None,
                        None,
                        t("data.more_problems", "zh", n=n - self.cap, example=ex.zh),
                        t("data.more_problems", "en", n=n - self.cap, example=ex.en),
                    )
                )
        return out


# -- decoding ---------------------------------------------------------------------------------
def detect_encoding(path: Path) -> str | None:
    """The first of ``ENCODINGS`` that decodes the whole file (streamed), else None."""
    for enc in ENCODINGS:
        dec = codecs.getincrementaldecoder(enc)()
        try:
            with path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    dec.decode(block)
                dec.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return enc
    return None


def open_text(path: Path, label: str, log: ProblemLog) -> str | None:
    """Check existence, size budget and encoding; return the encoding or record why not."""
    if not path.is_file():
        log.add("file_missing", label, None, None)
        return None
    size = path.stat().st_size
    if size > MAX_BYTES:
        log.add("file_too_large", label, None, None, mb=size >> 20, limit=MAX_BYTES >> 20)
        return None
    enc = detect_encoding(path)
    if enc is None:
        log.add("bad_encoding", label, None, None)
        return None
    with path.open(encoding=enc) as fh:
        if not any(line.strip() for line in fh):
            log.add("file_empty", label, None, None)
            return None
    return enc


def read_text(path: Path, label: str, log: ProblemLog) -> str | None:
    """The whole decoded text of a small file, or None (problem recorded)."""
    enc = open_text(path, label, log)
    return None if enc is None else path.read_text(encoding=enc)


# -- records ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    row: int
    fields: list[str] | None  # None: the line could not be parsed
    error: str = ""


def records(lines: Iterator[str]) -> Iterator[Record]:
    """CSV records with the line they start on; blank and ``#`` comment lines skipped."""
    reader = csv.reader(lines, skipinitialspace=True)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(start, None, str(exc))
            continue
        if not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        yield Record(start, [f.strip() for f in fields])


# -- header (the spec) ------------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    """Where each schema column sits in the file."""

    row: int
    names: list[str]
    position: dict[str, int]


def parse_header(
    first: Record | None, table: S.TableSchema, label: str, log: ProblemLog
) -> Header | None:
    """Check the header names: duplicates, unknown names, missing columns."""
    if first is None or first.fields is None:
        log.add("no_header", label, 1 if first is None else first.row, None)
        return None
    names, row = first.fields, first.row
    seen: Counter[str] = Counter(names)
    ok = True
    for name in sorted(n for n, c in seen.items() if c > 1):
        log.add("column_duplicate", label, row, name, name=name)
        ok = False
    known = set(table.names)
    for name in names:
        if name and name not in known:
            log.add("column_unknown", label, row, name, name=name, valid=", ".join(table.names))
    for col in table.columns:
        if col.name not in seen and not col.optional:
            log.add("column_missing", label, row, col.name)
            ok = False
    if not ok:
        return None
    position = {c.name: names.index(c.name) for c in table.columns if c.name in seen}
    return Header(row, names, position)


# -- rows -------------------------------------------------------------------------------------
def shape_rows(
    chunk: list[Record], header: Header, table: S.TableSchema, label: str, log: ProblemLog
) -> pd.DataFrame:
    """Records -> string frame of the schema's columns; malformed lines reported and skipped."""
    width = len(header.names)
    required = {c.name for c in table.columns if c.required}
    order = [header.position.get(c.name) for c in table.columns]
    same = order == list(range(width))  # the usual case: the schema's columns, in order
    rows: list[list[str]] = []
    where: list[int] = []
    for rec in chunk:
        f = rec.fields
        if f is None:
            log.add("csv_error", label, rec.row, header.names[0], reason=rec.error)
            continue
        if len(f) > width:
            log.add("too_many_fields", label, rec.row, header.names[-1], n=len(f), expected=width)
            continue
        if len(f) < width:
            missing = header.names[len(f) :]
            if required & set(missing):
                log.add("too_few_fields", label, rec.row, missing[0], n=len(f), expected=width)
                continue
            f = f + [""] * (width - len(f))
        rows.append(f if same else ["" if k is None else f[k] for k in order])
        where.append(rec.row)
    df = pd.DataFrame(rows, columns=table.names, dtype=object)
    df["_row"] = np.asarray(where, dtype=np.int64)
    df["_file"] = label
    return df


def _numbers(s: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ``s`` by the ``NUMBER`` rule: (values, mask of cells that are not numbers)."""
    shaped = s.str.fullmatch(NUMBER).fillna(False).astype(bool)
    num = pd.to_numeric(s.where(shaped & ~empty), errors="coerce").astype(float)
    return num, ~empty & ~shaped


def check_cells(
    df: pd.DataFrame, table: S.TableSchema, label: str, log: ProblemLog
) -> pd.DataFrame:
    """Type every cell by its column; report bad cells and return the good rows, typed."""
    ok = pd.Series(True, index=df.index)
    for col in table.columns:
        s = df[col.name].astype(str)
        empty = s.eq("")
        if col.required:
            for r in df.loc[empty, "_row"]:
                log.add("required_empty", label, int(r), col.name)
            ok &= ~empty
        if col.type in ("int", "float"):
            num, bad = _numbers(s, empty)
            huge = ~empty & ~bad & ~np.isfinite(num)  # 1e400: inf, or NaN from to_numeric
            for r, v in zip(df.loc[bad | huge, "_row"], s[bad | huge], strict=True):
                finite = v.strip().lstrip("+-").lower() not in _NONFINITE and not _overflows(v)
                log.add("not_number" if finite else "not_finite", label, int(r), col.name, value=v)
            ok &= ~(bad | huge)
            num = num.where(~huge)
            if col.type == "int":
                frac = num.notna() & ((num % 1 != 0) | (num.abs() > 2**53))
                for r, v in zip(df.loc[frac, "_row"], s[frac], strict=True):
                    log.add("not_whole_number", label, int(r), col.name, value=v)
                ok &= ~frac
                num = num.where(~frac)
            df[col.name] = num.round().astype("Int64") if col.type == "int" else num
        elif col.type == "code":
            bad = ~empty & ~s.str.fullmatch(r"\d{6}").fillna(False).astype(bool)
            for r, v in zip(df.loc[bad, "_row"], s[bad], strict=True):
                log.add("bad_code", label, int(r), col.name, value=v)
            ok &= ~bad
    return df[ok]


_NONFINITE = {"inf", "infinity", "nan"}


def _overflows(text: str) -> bool:
    """A number in the accepted notation too large for a float (``1e400``)."""
    return bool(re.fullmatch(NUMBER, text.strip())) and not np.isfinite(float(text.strip()))


def _compact(df: pd.DataFrame) -> pd.DataFrame:
    """String columns as categories (a chunk kept for later costs codes, not strings); a whole
    ``year`` column as int16 and ``_row`` as int32 when they fit."""
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("category")
    if "year" in df.columns and df["year"].notna().all():
        y = df["year"]
        if not len(y) or (y.min() >= np.iinfo(np.int16).min and y.max() <= np.iinfo(np.int16).max):
            df["year"] = y.astype(np.int16)
    if "_row" in df.columns and (not len(df) or df["_row"].max() < 2**31):
        df["_row"] = df["_row"].astype(np.int32)
    return df


def _concat(frames: list[pd.DataFrame], table: S.TableSchema, keep_codes: bool) -> pd.DataFrame:
    """Concatenate compacted chunks; categories unified, then (unless ``keep_codes``) back to
    plain object columns. Numeric columns whose chunks differ in dtype get the wider one."""
    out = {}
    for c in [*table.names, "_row", "_file"]:
        parts = [f[c] for f in frames]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            cat = pd.api.types.union_categoricals(parts, ignore_order=True)
            out[c] = pd.Series(cat) if keep_codes else pd.Series(np.asarray(cat, dtype=object))
        else:
            out[c] = pd.concat(parts, ignore_index=True)
        del parts
    return pd.DataFrame(out, copy=False)


def check_duplicates(df: pd.DataFrame, table: S.TableSchema, log: ProblemLog) -> pd.DataFrame:
    """Report rows whose key repeats an earlier row; return the frame without them."""
    if not table.key or df.empty:
        return df
    dup = df.duplicated(list(table.key), keep="first")
    keys = df.loc[dup, list(table.key)].itertuples(index=False)
    for f, r, key in zip(df.loc[dup, "_file"], df.loc[dup, "_row"], keys, strict=True):
        log.add("duplicate_record", f, int(r), ",".join(table.key), key=", ".join(map(str, key)))
    return df[~dup]


def read_table(
    path: Path,
    table: S.TableSchema,
    label: str,
    log: ProblemLog,
    check: Checker | None = None,
    empty_ok: bool = False,
) -> pd.DataFrame | None:
    """Read one CSV against ``table``: typed frame with ``_row``/``_file`` columns, or None.

    A file with a header and no rows is a ``no_data_rows`` problem unless ``empty_ok`` (a new
    data set's targets, sources and observations): then an empty typed frame.

    ``check(frame, log)`` runs on every chunk of typed rows and returns the mask of rows to
    keep (cross-file checks while streaming). Once this file has a problem, further good
    rows are checked but not kept (the load fails anyway; memory stays bounded).
    Observations come back compact: string columns as categoricals, ``year`` as int16
    (``load`` turns them into plain columns at the end).
    """
    enc = open_text(path, label, log)
    if enc is None:
        return None
    with path.open(encoding=enc, newline="") as fh:
        recs = records(fh)
        header = parse_header(next(recs, None), table, label, log)
        if header is None:
            return None
        frames, n, before = [], 0, len(log)
        for chunk in iter(lambda: list(itertools.islice(recs, CHUNK)), []):
            n += len(chunk)
            if n > MAX_ROWS:
                log.add("too_many_rows", label, chunk[0].row, None, limit=MAX_ROWS)
                break
            df = check_cells(shape_rows(chunk, header, table, label, log), table, label, log)
            if check is not None and len(df):
                df = df[check(df, log).to_numpy()]
            if len(log) == before:
                frames.append(_compact(df.copy()))
            else:
                frames.clear()
    if n == 0 and empty_ok:
        frames = [
            _compact(check_cells(shape_rows([], header, table, label, log), table, label, log))
        ]
    elif n == 0:
        log.add("no_data_rows", label, None, None)
        return None
    if not frames:
        return None
    whole = _concat(frames, table, keep_codes=table is S.OBSERVATIONS)
    frames.clear()
    return check_duplicates(whole, table, log)


# -- cross-file checks ------------------------------------------------------------------------
def _places(
    df: pd.DataFrame, mask: pd.Series, column: str
) -> Iterator[tuple[str, int | None, str]]:
    """(file, row, column) of the rows in ``mask``; a ``_col`` column names the cell itself."""
    cols = df.loc[mask, "_col"] if "_col" in df.columns else itertools.repeat(column)
    rows = (None if pd.isna(r) else int(r) for r in df.loc[mask, "_row"])
    return zip(df.loc[mask, "_file"], rows, cols, strict=False)


def check_allowed(
    df: pd.DataFrame, column: str, allowed: tuple[str, ...], log: ProblemLog
) -> pd.Series:
    """Flag values of ``column`` not in ``allowed``; return the mask of good rows."""
    bad = ~df[column].isin(allowed) & df[column].ne("")
    for (f, r, c), v in zip(_places(df, bad, column), df.loc[bad, column], strict=True):
        log.add("invalid_value", f, r, c, value=v, allowed="/".join(allowed))
    return ~bad


def check_refs(
    df: pd.DataFrame,
    column: str,
    valid: set[str],
    key: str,
    log: ProblemLog,
    split: str | None = None,
) -> pd.Series:
    """Flag references in ``column`` not in ``valid`` (message ``data.<key>``).

    ``split``: several ids joined in one cell.
    """
    values = df[column].fillna("").astype(str)
    bad = (values.ne("") & ~values.isin(valid)).astype(bool)
    if split and bad.any():  # only cells not valid as a whole can hold several ids
        parts = values[bad].map(lambda v: all(p in valid for p in v.split(split)))
        bad[parts[parts].index] = False
    for (f, r, c), v in zip(_places(df, bad, column), values[bad], strict=True):
        log.add(key, f, r, c, value=v)
    return ~bad


def check_years(df: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    """Flag years outside ``schema.YEAR_RANGE``."""
    lo, hi = S.YEAR_RANGE
    y = df[column]
    bad = (y.notna() & ((y < lo) | (y > hi))).fillna(False).astype(bool)
    for (f, r, c), v in zip(_places(df, bad, column), y[bad], strict=True):
        log.add("year_range", f, r, c, value=int(v), lo=lo, hi=hi)
    return ~bad


def _bound(x: float) -> str:
    return "" if pd.isna(x) else f"{x:g}"


def check_bounds(
    df: pd.DataFrame, value_col: str, indicators: pd.DataFrame, log: ProblemLog
) -> pd.Series:
    """Flag values outside the indicator's [lower, upper] (a rate over 100, a negative count)."""
    ind = indicators.drop_duplicates("id").set_index("id")
    key = "indicator" if "indicator" in df.columns else "id"
    lo = df[key].map(ind["lower"]).astype(float)
    hi = df[key].map(ind["upper"]).astype(float)
    v = df[value_col].astype(float)
    bad = ((lo.notna() & (v < lo)) | (hi.notna() & (v > hi))).astype(bool)
    places = _places(df, bad, value_col)
    for (f, r, c), val, i, a, b in zip(
        places, v[bad], df.loc[bad, key], lo[bad], hi[bad], strict=True
    ):
        rng = f"[{_bound(a)}, {_bound(b)}]"
        log.add("out_of_bounds", f, r, c, value=val, indicator=i, range=rng)
    return ~bad


def check_decimals(inds: pd.DataFrame, log: ProblemLog) -> pd.Series:
    """Flag display decimals (indicators.csv ``decimals``) outside 0..``MAX_DECIMALS``."""
    d = inds["decimals"]
    bad = (d.notna() & ((d < 0) | (d > S.MAX_DECIMALS))).astype(bool)
    for (f, r, c), v in zip(_places(inds, bad, "decimals"), d[bad], strict=True):
        log.add("invalid_value", f, r, c, value=v, allowed=f"0-{S.MAX_DECIMALS}")
    return ~bad


def is_percentage(indicators: pd.DataFrame) -> pd.Series:
    """Indicators measured in percent: unit ``%`` or kind ``rate``."""
    unit = indicators["unit_en"].fillna("").astype(str).str.strip()
    return unit.eq("%") | indicators["kind"].eq("rate")


def check_indicator_bounds(inds: pd.DataFrame, log: ProblemLog) -> pd.Series:
    """Percentage indicators need both bounds; no indicator may have lower > upper."""
    pct = is_percentage(inds)
    missing = pct & (inds["lower"].isna() | inds["upper"].isna())
    for (f, r, _), i, lo in zip(
        _places(inds, missing, "upper"),
        inds.loc[missing, "id"],
        inds.loc[missing, "lower"],
        strict=True,
    ):
        log.add("percent_bounds_missing", f, r, "lower" if pd.isna(lo) else "upper", indicator=i)
    inverted = (inds["lower"] > inds["upper"]).fillna(False).astype(bool)
    for (f, r, c), lo, hi in zip(
        _places(inds, inverted, "lower"),
        inds.loc[inverted, "lower"],
        inds.loc[inverted, "upper"],
        strict=True,
    ):
        log.add("bounds_inverted", f, r, c, lower=lo, upper=hi)
    return ~(missing | inverted)
