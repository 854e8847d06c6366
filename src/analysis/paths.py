"""Project paths: the one place that knows where the project root, data and outputs are.

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

PROJECT_ROOT = Path(os.environ.get("ANALYSIS_ROOT", Path(__file__).resolve().parents[2])).resolve()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PACKAGE_DIR = Path(__file__).resolve().parent


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
