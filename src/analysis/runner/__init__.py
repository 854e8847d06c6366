"""Report regeneration: ``analysis run`` executes the notebooks listed in reports.toml with
papermill in parallel workers, skips what is unchanged, renders a self-contained HTML site
and writes outputs/manifest.json.

Modules: ``config`` (reports.toml), ``cache`` (hashes, records), ``execute`` (worker side),
``render`` (nbconvert HTML), ``site`` (index.html), ``build`` (orchestration).
Heavy libraries (papermill, nbconvert, dask, pandas) are imported only when needed, so a
no-change rerun stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.runner.build import EXECUTORS, Options, Summary, run
from analysis.runner.site import describe_error

__all__ = ["Options", "Summary", "run", "add_parser", "command", "format_summary"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``run`` subcommand to the ``analysis`` CLI."""
    p = subparsers.add_parser(
        "run",
        help="重新生成报告 / regenerate the reports in reports.toml",
        description="执行 reports.toml 中的笔记本并生成 HTML 网站 / execute the notebooks in "
        "reports.toml (papermill, in parallel) and render the HTML site; unchanged reports are skipped.",
    )
    p.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        default=[],
        help="只运行这些报告 (报告名或输出名) / only these reports (report or output names)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="并行进程数 (默认 CPU 数) / parallel workers (default: number of CPUs)",
    )
    p.add_argument("--force", action="store_true", help="全部重算 / rebuild even if unchanged")
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="local 进程池或 dask 集群 / local process pool or a dask.distributed cluster",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="dask 调度器地址 (默认启动本机集群) / dask scheduler address (default: a LocalCluster)",
    )
    p.add_argument(
        "--config",
        type=Path,
        default=None,
        help="报告配置 / reports.toml (default: <root>/reports.toml)",
    )
    p.add_argument("--data-dir", type=Path, default=None, help="数据目录 / data directory")
    p.add_argument("--outputs-dir", type=Path, default=None, help="输出目录 / outputs directory")
    p.add_argument(
        "--cold-kernels",
        action="store_true",
        help="每个内核全新启动 (较慢) / start every kernel from scratch (slower; see runner/zygote.py)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="只列出将要运行的报告 / list what would run"
    )
    p.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    p.set_defaults(func=command)
    return p


def format_summary(s: Summary, outputs: Path, dry_run: bool = False) -> str:
    """Plain-text summary (Chinese, then English) naming each failing report and cell."""
    if dry_run:
        lines = [
            f"将运行 {len(s.planned)} 个, 无变化 {len(s.skipped)} 个 / "
            f"would run {len(s.planned)}, up to date {len(s.skipped)}"
        ]
        lines += [f"  run  {n}" for n in s.planned]
        return "\n".join(lines)
    lines = [
        f"已生成 {len(s.built)} 个, 无变化 {len(s.skipped)} 个, 失败 {len(s.failed)} 个, 用时 {s.seconds:.1f} 秒 / "
        f"built {len(s.built)}, up to date {len(s.skipped)}, failed {len(s.failed)}, {s.seconds:.1f} s",
        f"网站 site: {outputs / 'html' / 'index.html'}",
    ]
    if s.failed:
        lines.append("失败的报告 / failed reports:")
        for name, err in sorted(s.failed.items()):
            lines.append(f"  {name}: {describe_error(err)}")
            kept = outputs / "notebooks" / f"{name}.failed.ipynb"
            if kept.exists():
                lines.append(f"    {kept}")
    return "\n".join(lines)


def command(args: argparse.Namespace) -> int:
    """Entry point of ``analysis run``; returns the exit code (0 ok, 1 a report failed)."""
    from analysis import paths

    opts = Options(
        config=args.config or paths.PROJECT_ROOT / "reports.toml",
        data_dir=args.data_dir,
        outputs=args.outputs_dir,
        only=args.only,
        jobs=args.jobs,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
        progress=not args.no_progress,
        dry_run=args.dry_run,
        warm_kernels=not args.cold_kernels,
    )
    summary = run(opts)
    print(format_summary(summary, paths.outputs_dir(args.outputs_dir), args.dry_run))
    return summary.exit_code
