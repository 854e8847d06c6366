"""Runner builds of the project's reports (reports.toml) for the end-to-end acceptance tests
(``test_one_answer``, ``test_three_levels``), and the synthetic three-level tree they share.

``build`` runs ``analysis run`` in-process on a data set and scope, with the county profiles
of a list of counties instead of every county, and returns what the tests read (picklable, so
that ``once.once`` can share one build between test files and xdist workers)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from analysis import paths
from analysis.data import load, synthetic
from analysis.runner import Options, preflight, run
from analysis.runner.config import load_config

PREFECTURE = "900100"  # the first prefecture of the synthetic tree (its counties are 900101 ...)


def config(tmp: Path, counties: list[str]) -> Path:
    """The project's reports.toml with absolute notebook paths and the county profiles for
    ``counties`` only (a list instead of every county)."""
    text = (paths.PROJECT_ROOT / "reports.toml").read_text(encoding="utf-8")
    text = text.replace('notebook = "notebooks/', f'notebook = "{paths.NOTEBOOKS_DIR.as_posix()}/')
    listed = ", ".join(f'"{c}"' for c in counties)
    text, n = re.subn(
        r'expand = \{ region_code = "@counties" \}',
        f"expand = {{ region_code = [{listed}] }}",
        text,
    )
    assert n == 1, "reports.toml: the county profile no longer expands over @counties"
    path = tmp / "reports.toml"
    path.write_text(text, encoding="utf-8")
    return path


def tree(folder: Path) -> Path:
    """The synthetic province (5 prefectures, 40 counties, seed 0) with its grid map."""
    root = synthetic.write_tree(folder / "data", seed=0)
    synthetic.write_grid_map(root)
    return root


def build(
    data: Path | None,
    tmp: Path,
    counties: list[str],
    *,
    top: str | None = None,
    level: str | None = None,
    explore: bool = False,
    only: tuple[str, ...] = (),
) -> dict:
    """Every report of reports.toml (or ``only``) built into ``tmp/outputs`` with 2 workers:
    the run's summary, the outputs folder, what ``analysis validate --config`` says the reports
    lack in this scope (``needs``: task -> English message) and the run's seconds."""
    ds = load(data, top=top, unit_level=level)
    outputs = tmp / "outputs"
    cfg = config(tmp, counties)
    needs = {n.task: n.en for n in preflight.check(load_config(cfg, ds.root, top, level), ds)}
    t0 = time.perf_counter()
    summary = run(
        Options(
            config=cfg,
            data_dir=data,
            outputs=outputs,
            top=top,
            unit_level=level,
            jobs=2,
            progress=False,
            explore=explore,
            only=list(only),
        )
    )
    return {
        "summary": summary,
        "outputs": outputs,
        "needs": needs,
        "counties": counties,
        "s": time.perf_counter() - t0,
    }


def province_counties(root: Path) -> list[str]:
    """The two county profiles built for the synthetic tree: the first prefecture's first two
    counties (also the province's first two units)."""
    ds = load(root)
    return [c for c in ds.unit_codes if c.startswith(PREFECTURE[:4])][:2]
