"""Edit ``sources.csv`` row by row, keeping everything else of the file as it is.

The import (``analysis.data.excel``) and the illustrative panel (``analysis.data.illustrate``)
each own one kind of row; they add, replace or remove only their own rows. Other lines
(comments, blank lines, quoting, encoding and byte-order mark) are kept byte for byte.

Order rule: rows of imports (ids starting with ``IMPORT_PREFIX``) come last, in the order
they were first imported; any other row added later goes before them. So adding the panel's
row and importing a workbook give the same file in either order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis import io as aio

IMPORT_PREFIX = "import_"
"""Source ids (and observation file names) of imported workbooks start with this."""
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Line:
    """One CSV record of the file and the lines it spans (``start`` to ``end``, exclusive)."""

    start: int
    end: int
    fields: list[str]


def _records(lines: list[str]) -> list[Line]:
    reader = csv.reader(lines)
    out, start = [], 0
    for fields in reader:
        out.append(Line(start, reader.line_num, fields))
        start = reader.line_num
    return out


def _decode(path: Path) -> tuple[str, str, bool]:
    """(text, encoding, had a byte-order mark)."""
    raw = path.read_bytes()
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    for enc in ("utf-8", "gb18030"):
        try:
            return body.decode(enc), enc, bom
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace"), "utf-8", bom


def row_ids(path: str | Path) -> list[str]:
    """The ids of the data rows, in file order."""
    text, _, _ = _decode(Path(path))
    recs = [r for r in _records(text.splitlines(keepends=True)) if _is_data(r)]
    return [r.fields[_id_col(recs[0].fields)].strip() for r in recs[1:]] if recs else []


def _is_data(rec: Line) -> bool:
    return bool("".join(rec.fields).strip()) and not rec.fields[0].lstrip().startswith("#")


def _id_col(header: list[str]) -> int:
    names = [h.strip() for h in header]
    return names.index("id") if "id" in names else 0


def upsert(
    path: str | Path, cells: dict[str, str] | None, row_id: str, drop: Iterable[str] = ()
) -> bool:
    """Put the row ``cells`` (column -> text; missing columns empty) with id ``row_id`` into
    the file: in place of its earlier row, else before the first import row (or last, for an
    import row); ``cells=None`` removes it. Rows whose id is in ``drop`` are removed too.
    Return True if the file changed."""
    path = Path(path)
    text, enc, bom = _decode(path)
    lines = text.splitlines(keepends=True)
    recs = [r for r in _records(lines) if _is_data(r)]
    if not recs:
        return False
    header = [h.strip() for h in recs[0].fields]
    col = _id_col(recs[0].fields)
    gone = set(drop) | {row_id}
    new_line = None
    if cells is not None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([cells.get(h, "") for h in header])
        new_line = buf.getvalue()
    at = None  # the line before which the new row goes
    remove: set[int] = set()
    for r in recs[1:]:
        rid = r.fields[col].strip() if col < len(r.fields) else ""
        if rid == row_id and at is None:
            at = r.start
        if rid in gone:
            remove.update(range(r.start, r.end))
    if at is None and not row_id.startswith(IMPORT_PREFIX):
        imports = [r.start for r in recs[1:] if r.fields[col].strip().startswith(IMPORT_PREFIX)]
        at = imports[0] if imports else None
    out: list[str] = []
    for i, line in enumerate(lines):
        if i == at and new_line is not None:
            out.append(new_line)
        if i not in remove:
            out.append(line)
    if at is None and new_line is not None:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n"
        out.append(new_line)
    result = "".join(out)
    if result == text:
        return False
    aio.write_bytes(path, (_BOM if bom else b"") + result.encode(enc))
    return True
