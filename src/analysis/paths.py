"""Project paths: the one place that knows where the project root, data and outputs are.

The root is ``$ANALYSIS_ROOT`` if set; else the source checkout this package runs from (the
folder holding ``pyproject.toml`` and ``src/analysis``, an editable install included); else,
installed as a package (a wheel in site-packages), the current working directory: data in
``./data``, outputs in ``./outputs``, unless ``--data`` / ``--outputs-dir`` say otherwise.
Override with environment variables ``ANALYSIS_DATA_DIR`` and ``ANALYSIS_OUTPUTS_DIR``
(useful in tests and for alternative data sets), or pass a path explicitly.
``ANALYSIS_TOP`` / ``ANALYSIS_LEVEL`` are the default scope of ``analysis.data.load`` (the
region analysed and the level of its units; ``analysis run --top/--level`` sets them for
the notebooks).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def source_checkout() -> Path | None:
    """The checkout this package runs from (``<root>/src/analysis``), or None when it is
    installed elsewhere (e.g. a wheel in site-packages)."""
    root = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def project_root() -> Path:
    """``$ANALYSIS_ROOT``, else the source checkout, else the current working directory."""
    env = os.environ.get("ANALYSIS_ROOT", "").strip()
    return Path(env or source_checkout() or Path.cwd()).resolve()


PROJECT_ROOT = project_root()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The data directory: ``path`` if given, else $ANALYSIS_DATA_DIR, else <root>/data."""
    if path not in (None, ""):
        return Path(path).expanduser().resolve()
    return Path(os.environ.get("ANALYSIS_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def outputs_dir(path: str | os.PathLike | None = None) -> Path:
    """The outputs directory: ``path`` if given, else $ANALYSIS_OUTPUTS_DIR, else <root>/outputs."""
    if path not in (None, ""):
        return Path(path).expanduser().resolve()
    return Path(os.environ.get("ANALYSIS_OUTPUTS_DIR", PROJECT_ROOT / "outputs")).resolve()


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """The results cache (``analysis.results``): ``path`` if given, else $ANALYSIS_CACHE_DIR,
    else <root>/.cache/results. Not a published output: deleting it only costs a refit."""
    if path not in (None, ""):
        return Path(path).expanduser().resolve()
    default = PROJECT_ROOT / ".cache" / "results"
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", default)).resolve()


TOP_ENV, LEVEL_ENV = "ANALYSIS_TOP", "ANALYSIS_LEVEL"


def scope(top: str | None = None, unit_level: str | None = None) -> tuple[str | None, str | None]:
    """(top region code, unit level): each given value, else its environment variable, else
    None (the data set's default)."""
    top = top or os.environ.get(TOP_ENV, "").strip() or None
    unit_level = unit_level or os.environ.get(LEVEL_ENV, "").strip() or None
    return top, unit_level
