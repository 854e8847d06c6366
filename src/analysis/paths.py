"""Project paths: the one place that knows where the project root, data and outputs are.

Override with environment variables ``ANALYSIS_DATA_DIR`` and ``ANALYSIS_OUTPUTS_DIR``
(useful in tests and for alternative data sets), or pass a path explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("ANALYSIS_ROOT", Path(__file__).resolve().parents[2])).resolve()
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PACKAGE_DIR = Path(__file__).resolve().parent


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
