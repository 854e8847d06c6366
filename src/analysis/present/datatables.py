"""Every result table shown in a report, also written as data.

``write_table(frame, report, name)`` writes ``<outputs>/data/<report>/<name>.csv`` (UTF-8,
no index, ``\\n`` line ends; atomically and deterministically through ``analysis.io``).
Frames keep their code-named columns (``region_code``, ``indicator``, ``baseline_year`` …):
the CSV is for machines, the displayed table for readers. Names are checked so that a
report or table name cannot leave the data folder.

``<outputs>`` is the runner's outputs folder of the build (the notebook's ``outputs_dir``
parameter, see ``paths.use_outputs``); a notebook run by hand writes to the scratch folder
(``paths.scratch_dir``), never to the published ``outputs/data``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from analysis import io, paths

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def data_dir(report: str, outputs: str | os.PathLike | None = None) -> Path:
    """``<outputs>/data/<report>`` (outputs: given, else ``paths.publish_dir``)."""
    if not _NAME.match(report):
        raise ValueError(f"bad report name {report!r}")
    root = paths.outputs_dir(outputs) if outputs not in (None, "") else paths.publish_dir()
    return root / "data" / report


def write_table(
    frame: pd.DataFrame, report: str, name: str, outputs: str | os.PathLike | None = None
) -> Path:
    """Write ``frame`` as ``<outputs>/data/<report>/<name>.csv``; return the path."""
    if not _NAME.match(name):
        raise ValueError(f"bad table name {name!r}")
    out = frame.reset_index() if frame.index.name else frame
    return io.write_csv(data_dir(report, outputs) / f"{name}.csv", out)
