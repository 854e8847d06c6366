"""reports.toml: which notebooks run with which parameters, expanded into tasks and validated
before any kernel starts.

Format (one ``[[report]]`` table per report; paths relative to the toml file)::

    [[report]]
    name = "county_profile"                 # letters, digits, '_' and '-' only
    notebook = "notebooks/county_profile.ipynb"
    title = "{region_name} County profile"  # optional, index page; {param}, {region_name}
    parameters = { base_year = 2020 }       # optional; names must exist in the parameters cell
    expand = { region_code = "@counties" }  # optional; a list, or "@counties" / "@regions"
    output = "county_profile_{region_code}" # optional; default name + "_" + expanded values
    reads = "region"                        # "all" (default), "region" or ["globs"] (cache.py)
    products = ["plan_figures.docx"]        # optional; extra files (under outputs/) it writes

Expansion over several parameters takes the cartesian product, in the order written.
Output names are derived safely: substituted values are reduced to ``[A-Za-z0-9_-]`` so
no value can reach outside ``outputs/`` (no path traversal).
"""

from __future__ import annotations

import ast
import csv
import itertools
import json
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import UserError, unknown

REPORT_KEYS = ("name", "notebook", "title", "parameters", "expand", "output", "reads", "products")
READS = ("all", "region")
EXPAND_TOKENS = ("@counties", "@regions")
REGION_PARAMS = ("region_code",)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
RESERVED = ("index",)


@dataclass(frozen=True)
class Param:
    """One parameter declared in a notebook's ``parameters`` cell (a literal assignment)."""

    name: str
    default: Any
    type_name: str  # str, int, float, bool, NoneType, list, dict, tuple
    allowed: tuple[str, ...] = ()  # from an annotation such as ``weighting: str | dict = "equal"``


@dataclass(frozen=True)
class Task:
    """One notebook run: a report with all parameters fixed. Picklable (sent to workers)."""

    name: str  # output base name (safe)
    report: str  # the [[report]] name it came from
    title: str
    notebook: Path
    parameters: dict[str, Any]
    reads: str | tuple[str, ...] = "all"
    region: str | None = None  # for reads == "region"
    products: tuple[str, ...] = ()
    cwd: Path | None = None

    def params_json(self) -> str:
        return json.dumps(self.parameters, sort_keys=True, ensure_ascii=False)


@dataclass
class Regions:
    """Codes, levels and parents from regions.csv (read with the csv module: fast, no pandas)."""

    codes: list[str] = field(default_factory=list)
    level: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data_dir: Path) -> Regions:
        path = data_dir / "regions.csv"
        if not path.is_file():
            raise UserError(f"找不到地区文件: {path}", f"regions file not found: {path}")
        out = cls()
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                code = (row.get("code") or "").strip()
                if not code:
                    continue
                out.codes.append(code)
                out.level[code] = (row.get("level") or "").strip()
                out.parent[code] = (row.get("parent_code") or "").strip()
                out.name[code] = (row.get("name_zh") or "").strip()
        out.codes.sort()
        return out

    def units(self) -> list[str]:
        """Codes of the lowest level present (the analysis units, e.g. counties)."""
        order = ("province", "prefecture", "county")
        present = [lv for lv in order if lv in set(self.level.values())]
        if not present:
            return []
        return [c for c in self.codes if self.level[c] == present[-1]]

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent, ... of ``code`` that are in the data (cycle-safe)."""
        out: list[str] = []
        cur = self.parent.get(code, "")
        while cur and cur in self.level and cur not in out and cur != code:
            out.append(cur)
            cur = self.parent.get(cur, "")
        return out


def notebook_params(path: Path) -> dict[str, Param]:
    """Parameters declared in the cell tagged ``parameters`` (literal assignments only).

    Mirrors papermill's ``inspect_notebook`` without importing papermill (keeps a
    no-change rerun fast); a non-literal default gets type ``NoneType`` (any value).
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(
            f"无法读取笔记本 {path}: {exc}", f"cannot read notebook {path}: {exc}"
        ) from exc
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            try:
                tree = ast.parse(src)
            except SyntaxError as exc:
                raise UserError(
                    f"笔记本 {path.name} 的参数单元格有语法错误: {exc}",
                    f"notebook {path.name}: syntax error in the parameters cell: {exc}",
                ) from exc
            out: dict[str, Param] = {}
            for node in tree.body:
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else (
                        [node.target]
                        if isinstance(node, ast.AnnAssign) and node.value is not None
                        else []
                    )
                )
                for t in targets:
                    if isinstance(t, ast.Name):
                        try:
                            value = ast.literal_eval(node.value)  # type: ignore[union-attr]
                        except ValueError:
                            value = None
                        ann = node.annotation if isinstance(node, ast.AnnAssign) else None
                        allowed = (
                            tuple(
                                sorted(
                                    "NoneType"
                                    if (isinstance(n, ast.Constant) and n.value is None)
                                    else n.id
                                    for n in ast.walk(ann)
                                    if isinstance(n, ast.Name | ast.Constant)
                                )
                            )
                            if ann is not None
                            else ()
                        )
                        out[t.id] = Param(t.id, value, type(value).__name__, allowed)
            return out
    return {}


def _type_ok(value: Any, p: Param) -> bool:
    """Same type as the default (an int is a valid float); an annotation widens the choice."""
    return any(_is(value, t) for t in (p.allowed or (p.type_name,)))


def _is(value: Any, type_name: str) -> bool:
    if type_name in ("NoneType", "Any", "object"):
        return True
    if type_name == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name in ("list", "tuple"):
        return isinstance(value, list | tuple)
    return type(value).__name__ == type_name


def safe_piece(value: Any) -> str:
    """A parameter value reduced to characters safe in a file name."""
    return _UNSAFE_CHARS.sub("_", str(value)).strip("_") or "_"


def output_name(template: str, params: Mapping[str, Any], report: str) -> str:
    """Format ``template`` with ``{param}`` fields (no attribute/index access), safely."""
    pieces = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UserError(
            f"报告 {report} 的 output 模板无效: {exc}",
            f"report {report}: invalid output template: {exc}",
        ) from exc
    for literal, fld, spec, conv in parsed:
        pieces.append(literal)
        if fld is None:
            continue
        if fld not in params or spec or conv:
            raise UserError(
                f"报告 {report} 的 output 模板字段 {{{fld}}} 无效; 可用字段: {', '.join(sorted(params))}",
                f"report {report}: output template field {{{fld}}} is not a parameter name; "
                f"valid fields: {', '.join(sorted(params))}",
            )
        pieces.append(safe_piece(params[fld]))
    name = "".join(pieces)
    if not _SAFE_NAME.match(name) or name in RESERVED:
        raise UserError(
            f"报告 {report} 的输出名 {name!r} 无效: 只能用字母、数字、'_'、'-' (不能是 index)",
            f"report {report}: output name {name!r} is not safe: use letters, digits, '_' and '-' "
            "(and not 'index')",
        )
    return name


def fill_title(title: str, values: Mapping[str, Any], regions: Regions) -> str:
    """Replace ``{param}`` and ``{region_name}`` in a title (plain substitution, no format())."""
    fields = {k: str(v) for k, v in values.items()}
    code = next((str(values[k]) for k in REGION_PARAMS if values.get(k)), "")
    fields["region_name"] = regions.name.get(code, code)
    for k, v in fields.items():
        title = title.replace("{" + k + "}", v)
    return title


def _expand_values(report: str, pname: str, spec: Any, regions: Regions) -> list[Any]:
    if isinstance(spec, str):
        if spec == "@counties":
            return regions.units()
        if spec == "@regions":
            return list(regions.codes)
        raise unknown("kinds.expansion_token", [f"{report}.{pname} = {spec!r}"], EXPAND_TOKENS)
    if isinstance(spec, list) and spec:
        return list(spec)
    raise UserError(
        f"报告 {report} 的 expand.{pname} 必须是非空列表或 {' / '.join(EXPAND_TOKENS)}",
        f"report {report}: expand.{pname} must be a non-empty list or one of {', '.join(EXPAND_TOKENS)}",
    )


def _check_params(
    report: str,
    nb: Path,
    values: Mapping[str, Any],
    declared: Mapping[str, Param],
    regions: Regions,
) -> None:
    bad = sorted(set(values) - set(declared))
    if bad:
        valid = sorted(declared) or ["(无 none)"]
        raise UserError(
            f"报告 {report}: 笔记本 {nb.name} 没有参数 {', '.join(bad)}。可用参数: {', '.join(valid)}",
            f"report {report}: notebook {nb.name} has no parameter {', '.join(bad)}. "
            f"Valid parameters: {', '.join(valid)}",
        )
    for k, v in values.items():
        p = declared[k]
        if not _type_ok(v, p):
            raise UserError(
                f"报告 {report}: 参数 {k} 应为 {' | '.join(p.allowed or (p.type_name,))} 类型 (默认值 {p.default!r}), 实为 {v!r}",
                f"report {report}: parameter {k} must be of type {' | '.join(p.allowed or (p.type_name,))} "
                f"(default {p.default!r}), got {v!r} ({type(v).__name__})",
            )
        if k in REGION_PARAMS and v not in ("", None) and str(v) not in regions.level:
            listing = [f"{c} {regions.name.get(c, '')}".strip() for c in regions.codes]
            err = unknown("kinds.region_code", [str(v)], listing)
            raise UserError(f"报告 {report}: {err.zh}", f"report {report}: {err.en}")


def load_config(path: str | Path, data_dir: Path) -> list[Task]:
    """Parse, expand and validate ``reports.toml``; returns tasks sorted by name.

    Raises ``UserError`` (exit 2 in the CLI) for unknown keys or parameter names, wrong
    types, region codes not in ``data_dir/regions.csv``, unsafe or duplicate output names.
    """
    path = Path(path)
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(
            f"找不到报告配置文件: {path}", f"report configuration not found: {path}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"报告配置文件 {path} 格式错误: {exc}", f"{path} is not valid TOML: {exc}"
        ) from exc
    bad_top = sorted(set(cfg) - {"report"})
    if bad_top:
        raise unknown("kinds.top_level_key", bad_top, ["report"])
    reports = cfg.get("report", [])
    if not isinstance(reports, list) or not reports:
        raise UserError(f"{path} 中没有 [[report]]", f"{path} has no [[report]] tables")
    regions = Regions.read(data_dir)
    base = path.parent
    tasks: list[Task] = []
    seen_reports: set[str] = set()
    for i, rep in enumerate(reports, start=1):
        label = str(rep.get("name", f"#{i}"))
        bad = sorted(set(rep) - set(REPORT_KEYS))
        if bad:
            err = unknown("kinds.report_key", bad, REPORT_KEYS)
            raise UserError(f"报告 {label}: {err.zh}", f"report {label}: {err.en}")
        for key in ("name", "notebook"):
            if not isinstance(rep.get(key), str) or not rep[key]:
                raise UserError(f"报告 {label} 缺少 {key}", f"report {label}: missing '{key}'")
        name = rep["name"]
        if not _SAFE_NAME.match(name) or name in RESERVED:
            raise UserError(
                f"报告名 {name!r} 无效: 只能用字母、数字、'_'、'-'",
                f"report name {name!r} is not safe: use letters, digits, '_' and '-'",
            )
        if name in seen_reports:
            raise UserError(f"报告名重复: {name}", f"duplicate report name: {name}")
        seen_reports.add(name)
        nb = (base / rep["notebook"]).resolve()
        if not nb.is_file():
            raise UserError(
                f"报告 {name}: 找不到笔记本 {nb}", f"report {name}: notebook not found: {nb}"
            )
        reads = rep.get("reads", "all")
        if isinstance(reads, list) and reads and all(isinstance(g, str) for g in reads):
            reads = tuple(reads)  # glob patterns relative to the data directory
        elif reads not in READS:
            raise unknown("kinds.reads_rule", [f"{name}: {reads!r}"], (*READS, "[globs]"))
        params = rep.get("parameters", {})
        expand = rep.get("expand", {})
        products = rep.get("products", [])
        if not isinstance(params, dict) or not isinstance(expand, dict):
            raise UserError(
                f"报告 {name}: parameters/expand 必须是表",
                f"report {name}: parameters/expand must be tables",
            )
        if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
            raise UserError(
                f"报告 {name}: products 必须是字符串列表",
                f"report {name}: products must be a list of strings",
            )
        for p in products:
            pp = Path(p)
            if pp.is_absolute() or ".." in pp.parts:
                raise UserError(
                    f"报告 {name}: products 路径 {p!r} 必须在 outputs/ 内",
                    f"report {name}: product path {p!r} must stay inside outputs/",
                )
        declared = notebook_params(nb)
        combos = (
            [
                dict(zip(expand, vals, strict=True))
                for vals in itertools.product(
                    *[_expand_values(name, k, v, regions) for k, v in expand.items()]
                )
            ]
            if expand
            else [{}]
        )
        template = rep.get("output") or (name + "".join(f"_{{{k}}}" for k in expand))
        if not isinstance(template, str):
            raise UserError(
                f"报告 {name}: output 必须是字符串", f"report {name}: output must be a string"
            )
        for combo in combos:
            values = {**params, **combo}
            _check_params(name, nb, values, declared, regions)
            region = None
            if reads == "region":
                region = next((str(values[k]) for k in REGION_PARAMS if values.get(k)), None)
                if region is None:
                    raise UserError(
                        f'报告 {name}: reads = "region" 需要参数 region_code',
                        f'report {name}: reads = "region" needs a region_code parameter',
                    )
            tasks.append(
                Task(
                    name=output_name(template, values, name),
                    report=name,
                    title=fill_title(str(rep.get("title", name)), values, regions),
                    notebook=nb,
                    parameters=values,
                    reads=reads,
                    region=region,
                    products=tuple(products),
                    cwd=nb.parent,
                )
            )
    names = [t.name for t in tasks]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UserError(
            f"输出名重复: {', '.join(dup)}", f"duplicate output names: {', '.join(dup)}"
        )
    return sorted(tasks, key=lambda t: t.name)


def select(tasks: Sequence[Task], only: Sequence[str] | None) -> list[Task]:
    """Tasks whose output name or report name is in ``only`` (all when ``only`` is empty)."""
    if not only:
        return list(tasks)
    valid = sorted({t.name for t in tasks} | {t.report for t in tasks})
    bad = [o for o in only if o not in valid]
    if bad:
        raise unknown("kinds.report", bad, valid)
    want = set(only)
    return [t for t in tasks if t.name in want or t.report in want]
