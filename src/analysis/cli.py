"""The ``analysis`` command.

    analysis validate [--data DIR]              check the data set; exit 0 clean, 2 with problems
    analysis template --out FILE.xlsx [--years 2016-2025]   Excel template for county figures
    analysis import FILE.xlsx [--data DIR]      validate a filled template and add it to the data
    analysis data illustrate [--data DIR]       regenerate the illustrative panel
    analysis run [...]                          regenerate the reports (see ``analysis run -h``)

User errors (bad data, bad parameters, unreadable or unwritable files of these commands)
print a bilingual message (``cli.*`` and ``data.*`` in the catalogue) and exit with code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from analysis import __version__
from analysis.errors import UserError, escape_controls, user_error
from analysis.messages import t


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
    from analysis.data import load

    ds = load(args.data, top=args.top, unit_level=args.level)
    _say("validate_ok", root=ds.root, units=len(ds.unit_codes), n=len(ds.observations))
    disc = ds.discrepancies
    if disc is not None and not disc.empty:
        _say("totals_differ", n=len(disc))
        for r in disc.head(10).itertuples(index=False):
            print(f"  {r.region_code} {r.year} {r.indicator}: {r.observed:g} / {r.aggregated:g}")
    return 0


@_files
def _template(args: argparse.Namespace) -> int:
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


def _help(key: str) -> str:
    return f"{t(key, 'en')} / {t(key, 'zh')}"


def _scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top", help="code of the region analysed (default: the units' common parent)")
    p.add_argument(
        "--level", help="level of the units: county, prefecture, province (default: the lowest)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis", description="County gaps, target projection and plan figures."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help=_help("cli.help_validate"))
    p.add_argument("--data", help="data directory (default: the project's data/)")
    _scope_args(p)
    p.set_defaults(func=_validate)

    p = sub.add_parser("template", help=_help("cli.help_template"))
    p.add_argument("--out", required=True, help="output .xlsx file")
    p.add_argument("--data", help="data directory (regions and indicators come from here)")
    p.add_argument("--filled", action="store_true", help="pre-fill with the data set's values")
    p.add_argument(
        "--years", help="year columns, e.g. 2016-2025 or 2016,2020 (default: the panel's years)"
    )
    _scope_args(p)
    p.set_defaults(func=_template)

    p = sub.add_parser("import", help=_help("cli.help_import"))
    p.add_argument("file", help="filled .xlsx template")
    p.add_argument("--data", help="data directory to add the observations to")
    p.add_argument(
        "--replace",
        action="store_true",
        help="take this workbook's values where another import differs",
    )
    p.add_argument(
        "--source-name", help="the import's name (default: from its regions and content)"
    )
    p.add_argument(
        "--accept-fractions", action="store_true", help="accept 0-1 values in % rows (warn only)"
    )
    p.set_defaults(func=_import)

    p = sub.add_parser("data", help=_help("cli.help_data"))
    dsub = p.add_subparsers(dest="data_command", required=True)
    q = dsub.add_parser("illustrate", help=_help("cli.help_illustrate"))
    q.add_argument("--data", help="data directory")
    q.set_defaults(func=_illustrate)

    try:
        from analysis.runner import add_parser as add_run_parser
    except ImportError:  # the runner is optional at import time
        return parser
    add_run_parser(sub)
    return parser


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
