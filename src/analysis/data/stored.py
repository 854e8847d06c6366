"""The loaded ``Dataset`` persisted once per data content and scope, read back by every
process that loads the same data (each report kernel, batch worker and test worker).

Loading a national data set (read, validate, aggregate, derive) takes seconds to minutes;
reading its frames back takes a fraction of that. ``load`` asks ``read`` first and, after a
fresh load, ``write``s the result:

- key = SHA-256 of the bytes of every file ``load`` reads (regions, indicators, sources,
  targets, observations/*.csv, each with its relative path), the arguments that shape the
  result (``derive``, ``top``, ``unit_level``), the source of ``analysis.data`` and the
  Python, NumPy and pandas versions. Any edit of the data, the scope or the loading code
  gives a new key, so a stale Dataset is never read back; a data set with problems raises
  its ``DataError`` and is never stored.
- stored as ``<cache>/datasets/<key>.pkl`` (``paths.cache_dir()``), written atomically;
  text columns without missing values are kept as categorical codes (smaller, faster to
  read) and turned back into the same object columns on reading, so the frames read back
  equal a fresh load value for value, dtype for dtype (``tests/test_stored_dataset.py``).
  Only ``MAX_KEPT`` files are kept (the least recently used are removed).

The files are a cache for this user's own runs (pickle: never read a cache folder someone
else can write). ``ANALYSIS_DATASET_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import platform
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import paths
from analysis.data import schema as S
from analysis.data.dataset import Dataset
from analysis.io import write_bytes

FOLDER = "datasets"
MAX_KEPT = 8
FORMAT = "dataset-1"
_CODE: str | None = None


def enabled() -> bool:
    """False when ``ANALYSIS_DATASET_CACHE`` is ``0`` (every load then validates afresh)."""
    return os.environ.get("ANALYSIS_DATASET_CACHE", "1").strip() not in ("0", "false", "no")


def _code() -> str:
    """Hash of the data layer's source and the versions whose pickles must match."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256(FORMAT.encode())
        for f in sorted((paths.PACKAGE_DIR / "data").glob("*.py")):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
        h.update(f"{platform.python_version()}|{np.__version__}|{pd.__version__}".encode())
        _CODE = h.hexdigest()
    return _CODE


def input_files(root: Path) -> list[Path]:
    """The files ``load`` reads, in a fixed order."""
    tables = [root / t.file for t in (S.REGIONS, S.INDICATORS, S.SOURCES, S.TARGETS)]
    obs = root / "observations"
    return tables + (sorted(obs.glob("*.csv")) if obs.is_dir() else [])


def key(root: Path, *, derive: bool, top: str | None, unit_level: str | None) -> str | None:
    """The content key of a load (module docstring); None when a file cannot be read."""
    h = hashlib.sha256(_code().encode())
    h.update(repr((bool(derive), top or None, unit_level or None)).encode())
    try:
        for p in input_files(root):
            h.update(b"\0" + p.relative_to(root).as_posix().encode() + b"\0")
            if p.is_file():
                with p.open("rb") as fh:
                    h.update(hashlib.file_digest(fh, "sha256").digest())
    except OSError:
        return None
    return h.hexdigest()[:32]


def _pack(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame with its complete text columns as categorical codes (``_unpack`` undoes it)."""
    packed = {}
    cats = []
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object and len(col) and not col.isna().any():
            try:
                packed[c] = pd.Categorical(col)
                cats.append(c)
                continue
            except TypeError:  # values that cannot be compared: kept as they are
                pass
        packed[c] = col
    out = pd.DataFrame(packed, index=frame.index, columns=frame.columns)
    return {"frame": out, "text": cats}


def _unpack(p: dict[str, Any]) -> pd.DataFrame:
    frame = p["frame"]
    for c in p["text"]:
        frame[c] = np.asarray(frame[c].cat.categories, dtype=object).take(frame[c].cat.codes)
    return frame


def key_of(ds: Dataset) -> str | None:
    """The content key ``load`` gave ``ds`` (None for a Dataset made otherwise, e.g. by
    ``dataclasses.replace``): a cheap identity of its frames for other caches."""
    return ds.__dict__.get("_stored_key")


def tag(ds: Dataset, k: str | None) -> Dataset:
    if k is not None:
        ds.__dict__["_stored_key"] = k  # frozen dataclass: set through its __dict__
    return ds


def _path(k: str) -> Path:
    return paths.cache_dir() / FOLDER / f"{k}.pkl"


def read(root: Path, k: str | None) -> Dataset | None:
    """The Dataset stored under ``k`` (its ``root`` set to ``root``), or None."""
    if k is None or not enabled():
        return None
    p = _path(k)
    try:
        with p.open("rb") as fh:
            state = pickle.load(fh)
        with contextlib.suppress(OSError):
            os.utime(p)  # most recently used: kept by the pruning
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, KeyError):
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    values = {
        name: _unpack(v) if isinstance(v, dict) and "frame" in v else v
        for name, v in state["fields"].items()
    }
    return tag(replace(Dataset(**values), root=root), k)


def write(ds: Dataset, k: str | None) -> None:
    """Store ``ds`` under ``k`` (atomically; a cache that cannot be written is skipped)."""
    if k is None or not enabled():
        return
    state = {}
    for f in fields(ds):
        v = getattr(ds, f.name)
        state[f.name] = _pack(v) if isinstance(v, pd.DataFrame) else v
    data = pickle.dumps({"format": FORMAT, "fields": state}, protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):
        write_bytes(_path(k), data)
        _prune(_path(k).parent)


def _prune(folder: Path) -> None:
    """Keep the ``MAX_KEPT`` most recently used stored data sets."""
    files = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in files[MAX_KEPT:]:
        with contextlib.suppress(OSError):
            p.unlink()
