"""reports.toml: which notebooks run with which parameters, expanded into tasks and validated
before any kernel starts.

Format (one ``[[report]]`` table per report; paths relative to the toml file)::

    [[report]]
    name = "county_profile"                 # letters, digits, '_' and '-' only
    notebook = "notebooks/county_profile.ipynb"
    title = "{region_name} County profile"  # optional; {param}, {region_name}, {region_name_en}
    parameters = { base_year = 2020 }       # optional; names must exist in the parameters cell
    expand = { region_code = "@counties" }  # optional; a list or a token (see below)
    output = "county_profile_{region_code}" # optional; default name + "_" + expanded values
    reads = "region"                        # "all" (default), "region" or ["globs"] (cache.py)
    products = ["plan_figures.docx"]        # optional; extra files (under outputs/) it writes
    batch = "analysis.present.profile_page" # optional; pages rendered in one batch by this
                                            # module (runner/batch.py), not one kernel each
    exclusive = "word_document"             # optional; reports sharing the name run one at
                                            # a time (build.run_reports)

Expansion tokens, over the regions below the top region (``analysis run --top CODE``;
default: the lowest common ancestor of the units, as ``Dataset.top``): ``@counties`` and
``@prefectures`` every region of that level, ``@units`` every analysis unit (the lowest
level, or ``--level``), ``@regions`` the top and every region below it. A list names the
values itself (region codes are checked). A token that matches no region gives no task.

Three steps, each testable alone: ``parse_config`` turns the TOML into typed
``ReportSpec`` objects (keys, types, names, paths; no data needed); ``expand`` turns one
spec into ``Task`` objects (``@counties`` etc., cartesian product in the order written,
parameter names and types checked against the notebook's ``parameters`` cell, which must
declare the runner's parameters ``RUN_PARAMS``); execution is elsewhere (``execute.py``,
``batch.py``). ``load_config`` chains the first two. Regions come from the data set's own
tree (``region_tree``: ``analysis.data.Dataset``).

Output names are derived safely: substituted values are reduced to ``[A-Za-z0-9_-]`` so
no value can reach outside ``outputs/`` (no path traversal).
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from analysis.errors import UserError, unknown, user_error
from analysis.messages import pair

if TYPE_CHECKING:
    from analysis.data import Dataset

REPORT_KEYS = (
    "name",
    "notebook",
    "title",
    "parameters",
    "expand",
    "output",
    "reads",
    "products",
    "batch",
    "exclusive",
)
READS = ("all", "region")
EXPAND_TOKENS = ("@counties", "@regions", "@prefectures", "@units")
LEVELS = ("country", "province", "prefecture", "county")  # as analysis.data.schema.LEVELS
_TOKEN_LEVEL = {"@counties": "county", "@prefectures": "prefecture"}
REGION_PARAMS = ("region_code",)
# Parameters the runner itself passes to every notebook (papermill parameters, never
# environment variables): where the data are, the scope, where to publish. A notebook of
# reports.toml declares the first three; ``outputs_dir`` only if it writes files.
RUN_PARAMS = ("data_dir", "top", "level", "outputs_dir")
REQUIRED_RUN_PARAMS = ("data_dir", "top", "level")
_MODULE = re.compile(r"^analysis\.present(\.[a-z_][a-z0-9_]*)+$")
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
class Link:
    """A link to another page of the site: file name (in the same folder) and title."""

    href: str
    title: str


@dataclass(frozen=True)
class Nav:
    """Neighbours of a report page in the index's order (links on the page)."""

    prev: Link | None = None
    next: Link | None = None


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
    nav: Nav = Nav()
    batch: str = ""  # module rendering the pages in one batch (batch.py), not a kernel
    run_params: tuple[str, ...] = ()  # RUN_PARAMS the notebook declares
    exclusive: str = ""  # tasks with the same non-empty name never run at the same time


@dataclass(frozen=True)
class ReportSpec:
    """One ``[[report]]`` table, parsed and type-checked (nothing expanded yet)."""

    name: str
    notebook: Path  # resolved
    title: str
    parameters: dict[str, Any]
    expand: dict[str, Any]
    output: str  # output name template
    reads: str | tuple[str, ...]
    products: tuple[str, ...]
    batch: str = ""  # a page renderer module of analysis.present (see batch.py)
    exclusive: str = ""  # reports sharing this name run one at a time (build.run_reports)


def region_tree(data_dir: Path, top: str | None = None, unit_level: str | None = None) -> Dataset:
    """The data set's region tree (``analysis.data.Dataset`` holding only regions.csv) in
    the scope of a run: ``top`` and ``unit_level`` checked against it (``""``/None: the data
    set's default, as ``Dataset.top`` and ``Dataset.unit_level``).

    The whole data set is not loaded here (a no-change rerun stays fast); the notebooks load
    and validate it themselves.
    """
    import pandas as pd

    from analysis.data import Dataset

    path = data_dir / "regions.csv"
    if not path.is_file():
        raise user_error("runner.regions_not_found", path=path)
    try:
        regions = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise user_error("runner.regions_unreadable", path=path, error=exc) from exc
    if not {"code", "level", "parent_code"} <= set(regions.columns):
        raise user_error("runner.regions_unreadable", path=path, error="code, level, parent_code")
    regions = regions.apply(lambda c: c.str.strip())
    regions = regions[regions["code"] != ""].sort_values("code", ignore_index=True)
    for col in ("name_zh", "name_en"):
        if col not in regions:
            regions[col] = ""
    top, unit_level = (top or "").strip(), (unit_level or "").strip()
    codes = regions["code"].tolist()
    if top and top not in set(codes):
        names = dict(zip(codes, regions["name_zh"], strict=True))
        raise unknown_closest("kinds.region_code", top, [f"{c} {names[c]}".strip() for c in codes])
    present = [lv for lv in LEVELS if lv in set(regions["level"])]
    if unit_level and unit_level not in present:
        raise unknown("kinds.region_level", [unit_level], present)
    empty = pd.DataFrame()
    return Dataset(
        root=data_dir,
        regions=regions,
        indicators=empty,
        targets=empty,
        observations=empty,
        sources=empty,
        scope=(top or None, unit_level or None),
    )


def below_top(tree: Dataset, level: str | None = None) -> list[str]:
    """Codes below the tree's top region (all when there is none), of ``level`` if given."""
    regions = tree.regions
    top = tree.top
    codes = (
        regions["code"] if not top else regions["code"][regions["code"].isin(tree.descendants(top))]
    )
    if level is not None:
        codes = codes[regions.loc[codes.index, "level"] == level]
    return codes.tolist()


def unknown_closest(kind: str, bad: str, valid: Sequence[str], n: int = 10) -> UserError:
    """``unknown`` listing at most ``n`` valid names closest to ``bad`` (and how many there
    are in all), so a typo among thousands of names gives a short message."""
    import difflib

    if len(valid) <= n:
        return unknown(kind, [bad], valid)
    keys = [v.split(" ")[0] for v in valid]
    near = difflib.get_close_matches(bad, keys, n=n, cutoff=0.0)
    shown = [valid[keys.index(k)] for k in near]
    more = pair("runner.more_names", n=len(valid))
    return UserError(
        pair(
            "common.unknown_choice",
            kind=pair(kind)[0],
            bad=bad,
            valid=", ".join(shown) + " " + more[0],
        )[0],
        pair(
            "common.unknown_choice",
            kind=pair(kind)[1],
            bad=bad,
            valid=", ".join(shown) + " " + more[1],
        )[1],
    )


# ---------------------------------------------------------------------------------------
# the notebook's parameters cell


def _parameters_source(path: Path) -> str | None:
    """Source of the code cell tagged ``parameters`` (None when there is none)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise user_error("runner.notebook_unreadable", path=path, error=exc) from exc
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            src = cell.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    return None


def _allowed_types(ann: ast.expr | None) -> tuple[str, ...]:
    """Type names in an annotation such as ``str | dict | None`` (sorted)."""
    if ann is None:
        return ()
    names = [n.id for n in ast.walk(ann) if isinstance(n, ast.Name)]
    if any(isinstance(n, ast.Constant) and n.value is None for n in ast.walk(ann)):
        names.append("NoneType")
    return tuple(sorted(names))


def _params_of(node: ast.stmt) -> list[Param]:
    """Parameters assigned by one statement (``a = 1``, ``a: int = 1``; others: none)."""
    if isinstance(node, ast.Assign):
        targets, value, ann = node.targets, node.value, None
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value, ann = [node.target], node.value, node.annotation
    else:
        return []
    try:
        default = ast.literal_eval(value)
    except ValueError:  # not a literal: any value is accepted
        default = None
    return [
        Param(t.id, default, type(default).__name__, _allowed_types(ann))
        for t in targets
        if isinstance(t, ast.Name)
    ]


def notebook_params(path: Path) -> dict[str, Param]:
    """Parameters declared in the cell tagged ``parameters`` (literal assignments only).

    Mirrors papermill's ``inspect_notebook`` without importing papermill (keeps a
    no-change rerun fast); a non-literal default gets type ``NoneType`` (any value).
    """
    src = _parameters_source(path)
    if src is None:
        return {}
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        raise user_error("runner.parameters_syntax", name=path.name, error=exc) from exc
    return {p.name: p for node in tree.body for p in _params_of(node)}


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


# ---------------------------------------------------------------------------------------
# names and titles


def safe_piece(value: Any) -> str:
    """A parameter value reduced to characters safe in a file name."""
    return _UNSAFE_CHARS.sub("_", str(value)).strip("_") or "_"


def output_name(template: str, params: Mapping[str, Any], report: str) -> str:
    """Format ``template`` with ``{param}`` fields (no attribute/index access), safely."""
    pieces = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise user_error("runner.output_template_invalid", report=report, error=exc) from exc
    for literal, fld, spec, conv in parsed:
        pieces.append(literal)
        if fld is None:
            continue
        if fld not in params or spec or conv:
            valid = ", ".join(sorted(params))
            raise user_error("runner.output_template_field", report=report, field=fld, valid=valid)
        pieces.append(safe_piece(params[fld]))
    name = "".join(pieces)
    if not _SAFE_NAME.match(name) or name in RESERVED:
        raise user_error("runner.output_name_unsafe", report=report, name=repr(name))
    return name


def fill_title(title: str, values: Mapping[str, Any], regions: Dataset) -> str:
    """Replace ``{param}``, ``{region_name}`` and ``{region_name_en}`` in a title (plain
    substitution, no format())."""
    fields = {k: str(v) for k, v in values.items()}
    code = region_of(values) or ""
    fields["region_name"] = regions.names("zh").get(code, code)
    fields["region_name_en"] = regions.names("en").get(code, "")
    for k, v in fields.items():
        title = title.replace("{" + k + "}", v)
    return title


def region_of(values: Mapping[str, Any]) -> str | None:
    """The region a task is about (its ``region_code`` parameter), if any."""
    return next((str(values[k]) for k in REGION_PARAMS if values.get(k)), None)


# ---------------------------------------------------------------------------------------
# step 1: TOML -> ReportSpec (no data directory needed)


def _in_report(report: str, err: UserError) -> UserError:
    """``err`` prefixed with the report it is about (both languages)."""
    zh = pair("runner.in_report", report=report, message=err.zh)[0]
    en = pair("runner.in_report", report=report, message=err.en)[1]
    return UserError(zh, en)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file, or a ``UserError`` naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise user_error("runner.config_not_found", path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise user_error("runner.config_unreadable", path=path, error=exc) from exc
    except tomllib.TOMLDecodeError as exc:
        raise user_error("runner.config_not_toml", path=path, error=exc) from exc


def bad_relative_path(text: str) -> bool:
    """True unless ``text`` is a non-empty relative path with no ``..`` (POSIX or Windows)."""
    if not text.strip() or "\0" in text:
        return True
    posix, win = PurePosixPath(text), PureWindowsPath(text)
    if posix.is_absolute() or win.is_absolute() or win.drive or text.startswith(("/", "\\")):
        return True
    return ".." in posix.parts or ".." in win.parts


def _parse_reads(name: str, reads: Any) -> str | tuple[str, ...]:
    """``"all"``, ``"region"`` or a tuple of glob patterns relative to the data directory."""
    if isinstance(reads, list) and reads and all(isinstance(g, str) for g in reads):
        for g in reads:
            if bad_relative_path(g):
                raise user_error("runner.reads_pattern_bad", report=name, pattern=repr(g))
        return tuple(reads)
    if isinstance(reads, str) and reads in READS:
        return reads
    raise unknown("kinds.reads_rule", [f"{name}: {reads!r}"], (*READS, "[globs]"))


def _parse_products(name: str, products: Any) -> tuple[str, ...]:
    if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
        raise user_error("runner.products_not_strings", report=name)
    for p in products:
        if bad_relative_path(p):
            raise user_error("runner.product_outside", report=name, path=repr(p))
    return tuple(products)


def _parse_name(rep: Mapping[str, Any], label: str) -> str:
    bad = sorted(set(rep) - set(REPORT_KEYS))
    if bad:
        raise _in_report(label, unknown("kinds.report_key", bad, REPORT_KEYS))
    for key in ("name", "notebook"):
        if not isinstance(rep.get(key), str) or not rep[key]:
            raise user_error("runner.missing_key", report=label, key=key)
    name = str(rep["name"])
    if not _SAFE_NAME.match(name) or name in RESERVED:
        raise user_error("runner.report_name_unsafe", name=repr(name))
    return name


def _batch_module_ok(module: str, expand: Mapping[str, Any]) -> bool:
    """A batch report names a page renderer in analysis.present and expands over regions."""
    import importlib.util

    if not _MODULE.match(module) or not any(k in expand for k in REGION_PARAMS):
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def parse_report(rep: Mapping[str, Any], label: str, base: Path) -> ReportSpec:
    """One ``[[report]]`` table -> ``ReportSpec`` (``label`` names it in messages)."""
    if not isinstance(rep, Mapping):
        raise user_error("runner.tables_expected", report=label)
    name = _parse_name(rep, label)
    nb = (base / rep["notebook"]).resolve()
    if not nb.is_file():
        raise user_error("runner.notebook_not_found", report=name, path=nb)
    params, expand = rep.get("parameters", {}), rep.get("expand", {})
    if not isinstance(params, dict) or not isinstance(expand, dict):
        raise user_error("runner.tables_expected", report=name)
    template = rep.get("output") or (name + "".join(f"_{{{k}}}" for k in expand))
    if not isinstance(template, str):
        raise user_error("runner.output_not_string", report=name)
    title = rep.get("title", name)
    if not isinstance(title, str):
        raise user_error("runner.title_not_string", report=name)
    batch = rep.get("batch", "")
    if not isinstance(batch, str) or (batch and not _batch_module_ok(batch, expand)):
        raise user_error("runner.batch_bad", report=name)
    exclusive = rep.get("exclusive", "")
    if not isinstance(exclusive, str):
        raise user_error("runner.exclusive_not_string", report=name)
    return ReportSpec(
        name=name,
        notebook=nb,
        title=title,
        parameters=dict(params),
        expand=dict(expand),
        output=template,
        reads=_parse_reads(name, rep.get("reads", "all")),
        products=_parse_products(name, rep.get("products", [])),
        batch=batch,
        exclusive=exclusive,
    )


def parse_config(path: str | Path) -> list[ReportSpec]:
    """``reports.toml`` -> one ``ReportSpec`` per ``[[report]]``, in file order."""
    path = Path(path)
    cfg = read_toml(path)
    bad_top = sorted(set(cfg) - {"report"})
    if bad_top:
        raise unknown("kinds.top_level_key", bad_top, ["report"])
    reports = cfg.get("report", [])
    if not isinstance(reports, list) or not reports:
        raise user_error("runner.no_reports", path=path)
    specs: list[ReportSpec] = []
    for i, rep in enumerate(reports, start=1):
        label = str(rep.get("name", f"#{i}")) if isinstance(rep, dict) else f"#{i}"
        spec = parse_report(rep, label, path.parent)
        if spec.name in {s.name for s in specs}:
            raise user_error("runner.duplicate_report", name=spec.name)
        specs.append(spec)
    return specs


# ---------------------------------------------------------------------------------------
# step 2: ReportSpec -> Tasks (expansion over the data set's regions, parameter checks)


def _expand_values(report: str, pname: str, spec: Any, regions: Dataset) -> list[Any]:
    if isinstance(spec, str):
        if spec in _TOKEN_LEVEL:
            return below_top(regions, _TOKEN_LEVEL[spec])
        if spec == "@units":
            return list(regions.unit_codes)
        if spec == "@regions":
            top = regions.top
            return ([top] if top else []) + below_top(regions)
        raise unknown("kinds.expansion_token", [f"{report}.{pname} = {spec!r}"], EXPAND_TOKENS)
    if isinstance(spec, list) and spec:
        return list(spec)
    raise user_error(
        "runner.expand_bad", report=report, param=pname, tokens=", ".join(EXPAND_TOKENS)
    )


def _check_params(
    report: str,
    nb: Path,
    values: Mapping[str, Any],
    declared: Mapping[str, Param],
    regions: Dataset,
) -> None:
    reserved = sorted(set(values) & set(RUN_PARAMS))
    if reserved:
        raise user_error("runner.parameter_reserved", report=report, names=", ".join(reserved))
    bad = sorted(set(values) - set(declared))
    if bad:
        none_zh, none_en = pair("runner.no_parameters_declared")
        valid = ", ".join(sorted(set(declared) - set(RUN_PARAMS)))
        fields = {"report": report, "notebook": nb.name, "bad": ", ".join(bad)}
        raise UserError(
            pair("runner.no_parameter", valid=valid or none_zh, **fields)[0],
            pair("runner.no_parameter", valid=valid or none_en, **fields)[1],
        )
    for k, v in values.items():
        p = declared[k]
        if not _type_ok(v, p):
            raise user_error(
                "runner.parameter_type",
                report=report,
                param=k,
                types=" | ".join(p.allowed or (p.type_name,)),
                default=repr(p.default),
                value=repr(v),
                got=type(v).__name__,
            )
        if k in REGION_PARAMS and v not in ("", None) and str(v) not in regions.names("zh"):
            listing = [f"{c} {n}".strip() for c, n in regions.names("zh").items()]
            raise _in_report(report, unknown_closest("kinds.region_code", str(v), listing))


def _combinations(spec: ReportSpec, regions: Dataset) -> list[dict[str, Any]]:
    """Parameter values of each run: the cartesian product of the expanded values."""
    if not spec.expand:
        return [{}]
    lists = [_expand_values(spec.name, k, v, regions) for k, v in spec.expand.items()]
    return [dict(zip(spec.expand, vals, strict=True)) for vals in itertools.product(*lists)]


def expand(
    spec: ReportSpec, regions: Dataset, overrides: Mapping[str, Any] | None = None
) -> list[Task]:
    """The tasks of one report: expanded, with parameters checked against the notebook.

    ``overrides`` (``analysis run -p NAME=VALUE``) replace the report's parameters of those
    names that its notebook declares; an expanded parameter keeps its expanded values.
    """
    declared = notebook_params(spec.notebook)
    missing = [p for p in REQUIRED_RUN_PARAMS if p not in declared]
    if missing:
        raise user_error(
            "runner.run_parameters_missing",
            report=spec.name,
            notebook=spec.notebook.name,
            names=", ".join(missing),
        )
    mine = {k: v for k, v in (overrides or {}).items() if k in declared}
    tasks = []
    for combo in _combinations(spec, regions):
        values = {**spec.parameters, **mine, **combo}
        _check_params(spec.name, spec.notebook, values, declared, regions)
        region = region_of(values) if spec.reads == "region" else None
        if spec.reads == "region" and region is None:
            raise user_error("runner.region_reads_needs_code", report=spec.name)
        tasks.append(
            Task(
                name=output_name(spec.output, values, spec.name),
                report=spec.name,
                title=fill_title(spec.title, values, regions),
                notebook=spec.notebook,
                parameters=values,
                reads=spec.reads,
                region=region,
                products=spec.products,
                cwd=spec.notebook.parent,
                batch=spec.batch,
                run_params=tuple(p for p in RUN_PARAMS if p in declared),
                exclusive=spec.exclusive,
            )
        )
    return tasks


def load_config(
    path: str | Path,
    data_dir: Path,
    top: str | None = None,
    unit_level: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[Task]:
    """Parse, expand and validate ``reports.toml``; returns tasks sorted by name.

    ``top`` / ``unit_level`` scope the expansion tokens (``region_tree``); ``overrides``
    replace parameters (``expand``). Raises ``UserError`` (exit 2 in the CLI) for unknown
    keys or parameter names, wrong types, region codes not in ``data_dir/regions.csv``,
    unsafe or duplicate output names, and an override no notebook declares.
    """
    specs = parse_config(path)
    regions = region_tree(data_dir, top, unit_level)
    if overrides:
        check_overrides(specs, overrides)
    tasks = [task for spec in specs for task in expand(spec, regions, overrides)]
    names = [t.name for t in tasks]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise user_error("runner.duplicate_outputs", names=", ".join(dup))
    return with_nav(sorted(tasks, key=lambda t: t.name))


def with_nav(tasks: Sequence[Task]) -> list[Task]:
    """``tasks`` (in index order), each knowing its previous and next report page."""
    links = [Link(f"{t.name}.html", t.title) for t in tasks]
    return [
        replace(
            t,
            nav=Nav(links[i - 1] if i > 0 else None, links[i + 1] if i + 1 < len(links) else None),
        )
        for i, t in enumerate(tasks)
    ]


def check_overrides(specs: Sequence[ReportSpec], overrides: Mapping[str, Any]) -> None:
    """Every override names a parameter some report's notebook declares (and not one the
    runner sets itself)."""
    declared: set[str] = set()
    for spec in specs:
        declared |= set(notebook_params(spec.notebook))
    reserved = sorted(set(overrides) & set(RUN_PARAMS))
    if reserved:
        raise user_error("runner.parameter_reserved", report="-p", names=", ".join(reserved))
    bad = sorted(set(overrides) - declared)
    if bad:
        valid = sorted(declared - set(RUN_PARAMS))
        raise user_error("runner.override_unknown", bad=", ".join(bad), valid=", ".join(valid))


def select(tasks: Sequence[Task], only: Sequence[str] | None) -> list[Task]:
    """Tasks whose output name or report name is in ``only`` (all when ``only`` is empty)."""
    if not only:
        return list(tasks)
    valid = sorted({t.name for t in tasks} | {t.report for t in tasks})
    bad = [o for o in only if o not in valid]
    if bad:
        raise unknown_closest("kinds.report", bad[0], valid)
    want = set(only)
    return [t for t in tasks if t.name in want or t.report in want]


# ---------------------------------------------------------------------------------------
# parameter overrides from the command line (-p NAME=VALUE, --parameters FILE)


def parse_assignment(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` -> (name, value): VALUE read as a TOML literal (``2030``, ``0.8``,
    ``true``, ``"x"``, ``[1, 2]``, ``{a = 1}``), else taken as a plain string."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise user_error("runner.parameter_assignment_bad", text=repr(text))
    try:
        return name, tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return name, raw


def read_parameters(path: Path) -> dict[str, Any]:
    """A TOML file of ``name = value`` overrides."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise user_error("runner.parameters_file_bad", path=path, error=exc) from exc
