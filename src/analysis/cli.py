"""The ``analysis`` command.

    analysis validate [--data DIR]              check the data set; exit 0 clean, 2 with problems
    analysis template --out FILE.xlsx           Excel template for county figures
    analysis import FILE.xlsx [--data DIR]      validate a filled template and add it to the data
    analysis data illustrate [--data DIR]       regenerate the illustrative panel (示意数据)
    analysis run [...]                          regenerate the reports (see ``analysis run -h``)

User errors (bad data, bad parameters) print a bilingual message and exit with code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.errors import DataError, UserError


def _validate(args: argparse.Namespace) -> int:
    from analysis.data import load

    ds = load(args.data)
    n = len(ds.observations)
    print(f"数据校验通过: {ds.root} ({len(ds.unit_codes)} 个县级单位, {n} 条观测)")
    print(f"Data OK: {ds.root} ({len(ds.unit_codes)} units, {n} observations incl. derived)")
    return 0


def _template(args: argparse.Namespace) -> int:
    from analysis.data import load
    from analysis.data.excel import write_template

    path = write_template(load(args.data), args.out, filled=args.filled)
    print(f"模板已写入 Template written: {path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from analysis.data.excel import import_workbook

    path, n = import_workbook(args.file, args.data)
    print(f"已导入 {n} 条观测 Imported {n} observations -> {path}")
    return 0


def _illustrate(args: argparse.Namespace) -> int:
    from analysis import io
    from analysis.data import illustrate, load

    ds = load(args.data, derive=False)
    path = io.write_text(ds.root / illustrate.FILE, illustrate.to_csv_text(illustrate.build(ds)))
    print(f"示意数据已生成 Illustrative panel written: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis", description="County gaps, target projection and plan figures."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="validate the data set / 校验数据")
    p.add_argument("--data", help="data directory (default: the project's data/)")
    p.set_defaults(func=_validate)

    p = sub.add_parser("template", help="write the Excel template / 生成 Excel 填报模板")
    p.add_argument("--out", required=True, help="output .xlsx file")
    p.add_argument("--data", help="data directory (regions and indicators come from here)")
    p.add_argument("--filled", action="store_true", help="pre-fill with the data set's values")
    p.set_defaults(func=_template)

    p = sub.add_parser("import", help="import a filled template / 导入填报的 Excel")
    p.add_argument("file", help="filled .xlsx template")
    p.add_argument("--data", help="data directory to add the observations to")
    p.set_defaults(func=_import)

    p = sub.add_parser("data", help="data maintenance / 数据维护")
    dsub = p.add_subparsers(dest="data_command", required=True)
    q = dsub.add_parser("illustrate", help="regenerate the illustrative panel (示意数据)")
    q.add_argument("--data", help="data directory")
    q.set_defaults(func=_illustrate)

    try:
        from analysis.runner import add_parser as add_run_parser
    except ImportError:  # the runner is optional at import time
        add_run_parser = None
    if add_run_parser is not None:
        add_run_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(exc.zh, file=sys.stderr)
        print(f"The data has {len(exc.problems)} problem(s); see the list above.", file=sys.stderr)
        return 2
    except UserError as exc:
        print(exc.message(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 Interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
