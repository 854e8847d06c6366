"""Report regeneration: ``analysis run`` executes the notebooks listed in reports.toml with
papermill in parallel workers, skips what is unchanged, renders a self-contained HTML site
and writes outputs/manifest.json.

Modules: ``config`` (reports.toml: parse, then expand), ``cache`` (hashes, records),
``executors`` (where work runs: local process pool or dask), ``execute`` (one notebook, in
a worker), ``batch`` (pages of a batch report, in a worker), ``render`` (nbconvert HTML),
``pages`` (fonts, formulas, tables, navigation of the HTML pages), ``site`` (index.html),
``build`` (orchestration). ARCHITECTURE.md at the repository root names the nouns.
Heavy libraries (papermill, nbconvert, dask, pandas) are imported only when needed, so a
no-change rerun stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.messages import pair

if TYPE_CHECKING:
    from analysis.runner.build import Options, RunFault, Summary, run

__all__ = ["Options", "RunFault", "Summary", "run", "add_parser", "command", "format_summary"]


def __getattr__(name: str) -> Any:
    """``Options``, ``RunFault``, ``Summary`` and ``run`` on first use: importing the package
    (``analysis --help``) stays light."""
    if name in ("Options", "RunFault", "Summary", "run"):
        from analysis.runner import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _help(key: str) -> str:
    """Bilingual help text 'zh / en' of catalogue message ``runner.<key>``."""
    return " / ".join(pair(f"runner.{key}"))


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``run`` subcommand to the ``analysis`` CLI."""
    from analysis.runner.build import EXECUTORS  # light: no nbformat, papermill or pandas

    p = subparsers.add_parser("run", help=_help("help_run"), description=_help("help_description"))
    p.add_argument("--only", nargs="+", metavar="NAME", default=[], help=_help("help_only"))
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help=_help("help_jobs"))
    p.add_argument("--force", action="store_true", help=_help("help_force"))
    p.add_argument("--executor", choices=EXECUTORS, default=None, help=_help("help_executor"))
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help=_help("help_scheduler"))
    p.add_argument("--config", type=Path, default=None, help=_help("help_config"))
    p.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="parameter",
        help=_help("help_parameter"),
    )
    p.add_argument(
        "--parameters", type=Path, default=None, metavar="FILE", help=_help("help_parameters_file")
    )
    p.add_argument("--data-dir", "--data", type=Path, default=None, help=_help("help_data_dir"))
    p.add_argument("--top", default=None, metavar="CODE", help=" / ".join(pair("scope.help_top")))
    p.add_argument(
        "--level", default=None, metavar="LEVEL", help=" / ".join(pair("scope.help_level"))
    )
    p.add_argument("--outputs-dir", type=Path, default=None, help=_help("help_outputs_dir"))
    p.add_argument("--no-explore", action="store_true", help=_help("help_no_explore"))
    p.add_argument("--dry-run", action="store_true", help=_help("help_dry_run"))
    p.add_argument("--no-progress", action="store_true", help=_help("help_no_progress"))
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help=_help("help_quiet"))
    loud.add_argument("-v", "--verbose", action="store_true", help=_help("help_verbose"))
    p.set_defaults(func=command)
    return p


def format_summary(s: Summary, outputs: Path, dry_run: bool = False, verbosity: int = 1) -> str:
    """Plain-text summary (Chinese, then English) naming each failing report and cell.

    ``verbosity`` 0 (``-q``): the failures only; 2 (``-v``): every report by status."""
    from analysis.runner.site import describe_error

    if dry_run:
        head = pair("runner.summary_dry_run", planned=len(s.planned), skipped=len(s.skipped))
        skipped = [f"  skip {n}" for n in s.skipped] if verbosity > 1 else []
        return "\n".join([" / ".join(head), *(f"  run  {n}" for n in s.planned), *skipped])
    counts = {
        "built": len(s.built),
        "skipped": len(s.skipped),
        "failed": len(s.failed),
        "seconds": f"{s.seconds:.1f}",
    }
    lines = [
        " / ".join(pair("runner.summary_run", **counts)),
        f"{' '.join(pair('runner.summary_site'))}: {outputs / 'html' / 'index.html'}",
    ]
    if verbosity > 1:
        lines += [f"  built {n}" for n in s.built] + [f"  skip  {n}" for n in s.skipped]
    if verbosity < 1:
        lines = []
    if s.failed:
        lines.append(" / ".join(pair("runner.summary_failed")) + ":")
        for name, err in sorted(s.failed.items()):
            lines.append(f"  {name}: {describe_error(err)}")
            kept = outputs / "notebooks" / f"{name}.failed.ipynb"
            if kept.exists():
                lines.append(f"    {kept}")
    return "\n".join(lines)


def command(args: argparse.Namespace) -> int:
    """Entry point of ``analysis run``: exit code 0 ok, 1 a report failed or the run hit a
    fault (outputs unwritable or full; one message, no traceback); configuration errors
    raise ``UserError`` (exit code 2 in the CLI)."""
    from analysis import paths
    from analysis.runner.build import Options, RunFault, run
    from analysis.runner.config import parse_assignment, read_parameters

    overrides = read_parameters(args.parameters) if args.parameters else {}
    overrides.update(parse_assignment(a) for a in args.parameter)
    verbosity = 0 if args.quiet else 2 if args.verbose else 1
    opts = Options(
        config=args.config or paths.PROJECT_ROOT / "reports.toml",
        data_dir=args.data_dir,
        top=args.top,
        unit_level=args.level,
        outputs=args.outputs_dir,
        only=args.only,
        jobs=args.jobs,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
        parameters=overrides,
        progress=not (args.no_progress or args.quiet),
        dry_run=args.dry_run,
        explore=not args.no_explore,
    )
    try:
        summary = run(opts)
    except RunFault as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    outputs = summary.outputs or paths.outputs_dir(args.outputs_dir)
    text = format_summary(summary, outputs, args.dry_run, verbosity)
    try:
        if text:
            print(text, flush=True)
    except BrokenPipeError:  # e.g. `analysis run --dry-run | head -1`: the reader is gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if args.dry_run and summary.needs:  # reports that would fail: what to add, exit 2
        from analysis.runner.preflight import describe

        print(describe(summary.needs).message(), file=sys.stderr)
        return 2
    return summary.exit_code
