"""Project paths: the one place that knows where the project root, data and outputs are.

The root is ``$ANALYSIS_ROOT`` if set; else the source checkout this package runs from (the
folder holding ``pyproject.toml`` and ``src/analysis``, an editable install included); else,
installed as a package (a wheel in site-packages), the current working directory: data in
``./data``, outputs in ``./outputs``, unless ``--data`` / ``--outputs-dir`` say otherwise.
Override with environment variables ``ANALYSIS_DATA_DIR`` and ``ANALYSIS_OUTPUTS_DIR``
(the defaults of the CLI and of tests), or pass a path explicitly.

Inside a report notebook, files are published where the runner says: its ``outputs_dir``
parameter, handed to ``use_outputs`` right after the data set is loaded. Run by hand
(JupyterLab, nbclient: the parameter left empty), the notebook writes to a scratch folder
(``scratch_dir``), never into the published outputs/.
"""

from __future__ import annotations

import os
import tempfile
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


_PUBLISH: list[Path] = []  # set by use_outputs in a notebook's process


def outputs_dir(path: str | os.PathLike | None = None) -> Path:
    """The outputs directory: ``path`` if given, else the folder ``use_outputs`` chose in
    this process, else $ANALYSIS_OUTPUTS_DIR, else <root>/outputs."""
    if path not in (None, ""):
        return Path(path).expanduser().resolve()
    if _PUBLISH:
        return _PUBLISH[-1]
    return Path(os.environ.get("ANALYSIS_OUTPUTS_DIR", PROJECT_ROOT / "outputs")).resolve()


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """The results cache (``analysis.results``): ``path`` if given, else $ANALYSIS_CACHE_DIR,
    else <root>/.cache/results. Not a published output: deleting it only costs a refit."""
    if path not in (None, ""):
        return Path(path).expanduser().resolve()
    default = PROJECT_ROOT / ".cache" / "results"
    return Path(os.environ.get("ANALYSIS_CACHE_DIR", default)).resolve()


def scratch_dir() -> Path:
    """Where a notebook run by hand writes its files: a folder of the system's temporary
    directory (``<tmp>/analysis-scratch``), outside every published outputs folder."""
    return Path(tempfile.gettempdir()).resolve() / "analysis-scratch"


def publish_dir() -> Path:
    """Where a notebook publishes: the folder ``use_outputs`` chose, else ``scratch_dir``
    (a notebook or script that never said where writes nothing into outputs/)."""
    return _PUBLISH[-1] if _PUBLISH else scratch_dir()


def use_outputs(path: str | os.PathLike | None) -> Path:
    """Publish this process's files (``outputs_dir()``) to ``path``: a report notebook's
    ``outputs_dir`` parameter, set by ``analysis run``; empty (run by hand): ``scratch_dir``.
    Returns the folder chosen."""
    chosen = Path(path).expanduser().resolve() if path not in (None, "") else scratch_dir()
    _PUBLISH[:] = [chosen]
    return chosen
