"""Persisting forecasts: one binary file per horizon, read back to the same floats.

A ``forecasts.HorizonForecast`` (per-series arrays: method, degrees of freedom, bounds, data
used, fallback; per-series-and-year arrays: centre ``loc`` and ``scale`` of the predictive
distribution on the model's scale; the back-test table) is written as ``<name>.pkl``
(pickle, atomically through ``analysis.io``), so ``read`` returns bit-identical arrays and
every quantile and probability computed from them is the same number in every process.

A pickle rather than CSV: at national scale (2,850 counties) the CSV tables took about
15 s to write and several seconds to read back in every report kernel; the pickle takes a
fraction of a second. The file's folder is keyed by the hash of the data, the scope, the
method and the code (``results._data_key``), so a file is only read by the code that wrote
it. The readable tables are the published ones (``results.tables``).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pandas as pd

from analysis.analyses.forecasts import HorizonForecast
from analysis.io import write_bytes

FORMAT = "forecast-3"  # {"format": FORMAT, "value": answer}


def fingerprint(*frames: pd.DataFrame, extra: str = "") -> str:
    """A short content hash of data frames (values, columns, order) and a string."""
    h = hashlib.sha256(extra.encode())
    for f in frames:
        h.update(",".join(map(str, f.columns)).encode())
        h.update(pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def write(hf: HorizonForecast, folder: Path, name: str) -> None:
    """Write the forecast of one horizon as ``<name>.pkl`` in ``folder`` (atomically)."""
    write_value(hf, folder, name)


def read(folder: Path, name: str, horizon: int, as_of_year: int, method: str):
    """The forecast written by ``write``, or None when it is missing, unreadable or not of
    this horizon, as-of year and method."""
    hf = read_value(folder, name)
    if isinstance(hf, HorizonForecast) and (hf.horizon, hf.as_of_year, hf.method) == (
        int(horizon),
        int(as_of_year),
        method,
    ):
        return hf
    return None


def write_value(value: object, folder: Path, name: str) -> None:
    """Write any picklable answer (a results table) as ``<name>.pkl`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps({"format": FORMAT, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
    write_bytes(folder / f"{name}.pkl", data)


def read_value(folder: Path, name: str) -> object | None:
    """The answer written by ``write_value``, or None when it is missing or unreadable."""
    try:
        with (folder / f"{name}.pkl").open("rb") as fh:
            state = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    if isinstance(state, dict) and state.get("format") == FORMAT and "value" in state:
        return state["value"]
    return None
