"""``python -m analysis.runner run ...``: the ``run`` command without the full CLI."""

from __future__ import annotations

import argparse
import sys

from analysis.errors import UserError
from analysis.runner import add_parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(exc.message(), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
