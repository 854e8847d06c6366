"""The ``analysis`` command.

    analysis validate [--data DIR]              check the data set; exit 0 clean, 2 with problems
    analysis template --out FILE.xlsx [--years 2016-2025]   Excel template for county figures
    analysis import FILE.xlsx [--data DIR]      validate a filled template and add it to the data
    analysis data illustrate [--data DIR]       regenerate the illustrative panel
    analysis init DIR                           skeleton data set for a new region
    analysis run [...]                          regenerate the reports (see ``analysis run -h``)

Help texts are bilingual (``usage.*`` in the catalogue); argparse's own errors are prefixed by
a bilingual line and exit with code 2, as are a missing subcommand and a template name that
is not .xlsx. Nothing heavy is imported before a command runs (``analysis --help`` stays fast:
``benchmarks/cli_help.py``).

User errors (bad data, bad parameters, unreadable or unwritable files of these commands)
print a bilingual message (``cli.*`` and ``data.*`` in the catalogue) and exit with code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from analysis import __version__
from analysis.errors import UserError, escape_controls, user_error
from analysis.messages import LANGS, t


def _say(key: str, **fields: object) -> None:
    """Print catalogue message ``cli.<key>`` in Chinese, then English."""
    for lang in ("zh", "en"):
        print(escape_controls(t(f"cli.{key}", lang, **fields)))


def _files(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command whose file errors (permissions, full disk) are user errors."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except OSError as exc:
            path = exc.filename or ""
            raise user_error("cli.file_error", path=path, reason=exc.strerror or exc) from None

    return run


def parse_years(text: str) -> list[int]:
    """``2016-2025`` (a span) or ``2016,2018,2020`` (a list) -> sorted distinct years."""
    text = text.strip()
    span = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)
    if span and int(span[1]) <= int(span[2]):
        return list(range(int(span[1]), int(span[2]) + 1))
    parts = [p.strip() for p in text.split(",")]
    if parts and all(re.fullmatch(r"\d{4}", p) for p in parts):
        return sorted({int(p) for p in parts})
    raise user_error("cli.bad_years", value=escape_controls(text))


@_files
def _validate(args: argparse.Namespace) -> int:
    from analysis import paths
    from analysis.data import load

    readme = paths.data_dir(args.data) / SKELETON_README
    try:
        ds = load(args.data, top=args.top, unit_level=args.level)
    except UserError:
        if readme.is_file():  # a data set written by ``analysis init``: point to its notes
            hint = " / ".join(t("usage.readme_hint", g, path=readme) for g in LANGS)
            print(escape_controls(hint), file=sys.stderr)
        raise
    _say("validate_ok", root=ds.root, units=len(ds.unit_codes), n=len(ds.observations))
    disc = ds.discrepancies
    if disc is not None and not disc.empty:
        _say("totals_differ", n=len(disc))
        for r in disc.head(10).itertuples(index=False):
            print(f"  {r.region_code} {r.year} {r.indicator}: {r.observed:g} / {r.aggregated:g}")
    config = Path(args.config) if args.config else paths.PROJECT_ROOT / "reports.toml"
    if args.config or config.is_file():
        _check_reports(ds, config, args)
    return 0


def _check_reports(ds, config: Path, args: argparse.Namespace) -> None:
    """What the reports of ``config`` need from ``ds`` in this scope (runner.preflight):
    a UserError (exit 2) naming each report that would fail and what to add."""
    from analysis.runner import preflight
    from analysis.runner.config import load_config

    tasks = load_config(config, ds.root, args.top, args.level)
    gaps = preflight.map_gaps(ds)
    if gaps:
        units = ", ".join(gaps[:5]) + (" …" if len(gaps) > 5 else "")
        for lang in LANGS:
            print(escape_controls(t("preflight.map_gaps", lang, n=len(gaps), units=units)))
    needs = preflight.check(tasks, ds)
    if needs:
        raise preflight.describe(needs)
    for lang in LANGS:
        print(escape_controls(t("preflight.ok", lang, config=config, n=len(tasks))))


@_files
def _template(args: argparse.Namespace) -> int:
    if Path(args.out).suffix.lower() != ".xlsx":
        raise user_error("usage.template_not_xlsx", path=escape_controls(str(args.out)))
    from analysis.data import load
    from analysis.data.excel import write_template

    years = parse_years(args.years) if args.years else None
    path = write_template(  # a raw read: a new data set may not have the panel yet
        load(args.data, derive=False, top=args.top, unit_level=args.level),
        args.out,
        filled=args.filled,
        years=years,
    )
    _say("template_written", path=path)
    return 0


@_files
def _import(args: argparse.Namespace) -> int:
    from analysis.data.excel import import_workbook

    result = import_workbook(
        args.file,
        args.data,
        replace=args.replace,
        source_name=args.source_name,
        accept_fractions=args.accept_fractions,
    )
    for w in result.warnings:
        print(f"{t('cli.warning', 'zh')} / {t('cli.warning', 'en')}: {w}", file=sys.stderr)
    _say("imported", n=result.count, path=result.path)
    if result.replaced:
        _say("replaced_illustrative", n=result.replaced)
    return 0


@_files
def _illustrate(args: argparse.Namespace) -> int:
    from analysis import io
    from analysis.data import illustrate, load

    ds = load(args.data, derive=False)
    path = io.write_text(ds.root / illustrate.FILE, illustrate.to_csv_text(illustrate.build(ds)))
    illustrate.add_source(ds.root)
    _say("illustrated", path=path)
    return 0


SKELETON_README = "README.md"
SKELETON_HEADERS = {  # file -> header line (analysis.data.schema; indicators.csv is copied)
    "regions.csv": "code,name_zh,name_en,level,parent_code,group",
    "sources.csv": "id,title,title_en,publisher,date,reference,licence,kind",
    "targets.csv": (
        "indicator,region_code,base_year,base_value,target_year,target_value,"
        "attribute,source,note,origin"
    ),
    "observations/observations.csv": "region_code,year,indicator,value,source,note",
}


@_files
def _init(args: argparse.Namespace) -> int:
    """Write the skeleton data set: headers only, indicators.csv copied, a README (zh, en)."""
    from analysis import io, paths

    root = Path(args.dir).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise user_error("usage.init_not_empty", path=root)
    source = Path(args.indicators) if args.indicators else paths.PROJECT_ROOT / "data"
    if source.is_dir():
        source = source / "indicators.csv"
    if not source.is_file():
        raise user_error("usage.init_no_indicators", path=source)
    indicators = source.read_bytes()
    for name, header in SKELETON_HEADERS.items():
        io.write_text(root / name, header + "\n")
    io.write_bytes(root / "indicators.csv", indicators)
    readme = "\n".join(t("usage.readme", g, path=root) for g in LANGS)
    io.write_text(root / SKELETON_README, readme)
    _say_usage("init_written", path=root, readme=root / SKELETON_README)
    return 0


def _say_usage(key: str, **fields: object) -> None:
    for lang in LANGS:
        print(escape_controls(t(f"usage.{key}", lang, **fields)))


def _data_usage(args: argparse.Namespace) -> int:
    raise user_error("usage.data_needs_command")


def _help(key: str) -> str:
    """Bilingual help text 'zh / en' of catalogue message ``key`` ('%' escaped for argparse)."""
    return " / ".join(t(key, g) for g in LANGS).replace("%", "%%")


class _Parser(argparse.ArgumentParser):
    """argparse with a bilingual help option and a bilingual line before its own errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help=_help("usage.help_help"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        words = self.prog.split()[1:]
        command = "".join(w + " " for w in words)
        lines = (t("usage.bad_arguments", g, message=message, command=command) for g in LANGS)
        self.exit(2, "\n".join(escape_controls(x) for x in lines) + "\n")


def _scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top", metavar="CODE", help=_help("scope.help_top"))
    p.add_argument("--level", metavar="LEVEL", help=_help("scope.help_level"))


def _command(sub, name: str, key: str) -> argparse.ArgumentParser:
    """A subcommand whose help and description are catalogue message ``key``."""
    return sub.add_parser(name, help=_help(key), description=_help(key))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="analysis", description=_help("usage.description"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_help("usage.help_version"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(func=_no_command)

    p = _command(sub, "validate", "cli.help_validate")
    p.add_argument("--data", metavar="DIR", help=_help("usage.arg_data"))
    p.add_argument("--config", metavar="FILE", help=_help("usage.arg_validate_config"))
    _scope_args(p)
    p.set_defaults(func=_validate)

    p = _command(sub, "template", "cli.help_template")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help=_help("usage.arg_out"))
    p.add_argument("--data", metavar="DIR", help=_help("usage.arg_template_data"))
    p.add_argument("--filled", action="store_true", help=_help("usage.arg_filled"))
    p.add_argument("--years", help=_help("usage.arg_years"))
    _scope_args(p)
    p.set_defaults(func=_template)

    p = _command(sub, "import", "cli.help_import")
    p.add_argument("file", help=_help("usage.arg_file"))
    p.add_argument("--data", help=_help("usage.arg_import_data"))
    p.add_argument("--replace", action="store_true", help=_help("usage.arg_replace"))
    p.add_argument("--source-name", metavar="NAME", help=_help("usage.arg_source_name"))
    p.add_argument(
        "--accept-fractions", action="store_true", help=_help("usage.arg_accept_fractions")
    )
    p.set_defaults(func=_import)

    p = _command(sub, "data", "cli.help_data")
    p.set_defaults(func=_data_usage)
    dsub = p.add_subparsers(dest="data_command", metavar="COMMAND")
    q = _command(dsub, "illustrate", "cli.help_illustrate")
    q.add_argument("--data", metavar="DIR", help=_help("usage.arg_data"))
    q.set_defaults(func=_illustrate)

    p = _command(sub, "init", "usage.help_init")
    p.add_argument("dir", metavar="DIR", help=_help("usage.arg_init_dir"))
    p.add_argument("--indicators", metavar="FILE", help=_help("usage.arg_init_indicators"))
    p.set_defaults(func=_init)

    try:
        from analysis.runner import add_parser as add_run_parser
    except ImportError:  # the runner is optional at import time
        return parser
    add_run_parser(sub)
    return parser


def _no_command(args: argparse.Namespace) -> int:
    raise user_error("usage.no_command")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:  # DataError included: every problem, then the count
        print(exc.message(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{t('cli.interrupted', 'zh')} {t('cli.interrupted', 'en')}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
