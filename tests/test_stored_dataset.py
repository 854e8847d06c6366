"""The stored Dataset (analysis.data.stored): read back equal to a fresh load, never stale."""

from __future__ import annotations

import shutil
from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.data import load, stored


def _assert_same(a, b) -> None:
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
            assert list(x.dtypes) == list(y.dtypes), f.name
        else:
            assert x == y, f.name


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / stored.FOLDER


def test_read_back_equals_fresh_load(tmp_path, cache, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", data)
    monkeypatch.setenv("ANALYSIS_DATASET_CACHE", "0")
    fresh = load(data)
    assert not cache.exists()  # switched off: nothing stored
    monkeypatch.delenv("ANALYSIS_DATASET_CACHE")
    first = load(data)  # validates and stores
    assert len(list(cache.glob("*.pkl"))) == 1
    again = load(data)  # read back
    _assert_same(fresh, first)
    _assert_same(fresh, again)
    # the content key travels with a loaded Dataset (results key), not with a modified one
    assert stored.key_of(fresh) == stored.key_of(again) is not None
    assert stored.key_of(replace(again, observations=again.observations.head(3))) is None
    assert again.discrepancies is not None or fresh.discrepancies is None
    # the same content in another folder: read back with that folder as its root
    other = tmp_path / "copy"
    shutil.copytree(data, other)
    moved = load(other)
    assert moved.root == other.resolve()
    assert len(list(cache.glob("*.pkl"))) == 1
    # another scope is another entry, equal to its own fresh load
    county = str(fresh.unit_codes[0])
    scoped = load(data, top=fresh.top, unit_level="county")
    assert len(list(cache.glob("*.pkl"))) == 2
    assert scoped.scope == (fresh.top, "county") and county in scoped.unit_codes


def test_edited_data_is_never_read_stale(tmp_path, cache, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.PROJECT_ROOT / "data", data)
    before = load(data)
    panel = data / "observations" / "illustrative_panel.csv"
    lines = panel.read_text(encoding="utf-8").splitlines(keepends=True)
    code, year, ind, value, *rest = lines[1].split(",")
    lines[1] = ",".join([code, year, ind, repr(float(value) + 1.0), *rest])
    panel.write_text("".join(lines), encoding="utf-8")
    after = load(data)  # a new key: validated and stored afresh
    assert len(list(cache.glob("*.pkl"))) == 2
    monkeypatch.setenv("ANALYSIS_DATASET_CACHE", "0")
    _assert_same(load(data), after)
    o = after.obs(ind, code, int(year))["value"]
    assert float(o.iloc[0]) == float(value) + 1.0
    assert float(before.obs(ind, code, int(year))["value"].iloc[0]) == float(value)


def test_pack_keeps_missing_values_and_dtypes():
    frame = pd.DataFrame(
        {
            "code": ["b", "a", "b"],
            "note": ["x", None, np.nan],  # missing values: kept as the object column itself
            "n": pd.array([1, None, 3], dtype="Int64"),
            "v": [0.1, -0.0, np.nan],
            "empty": ["", "", ""],
        }
    )
    back = stored._unpack(stored._pack(frame))
    pd.testing.assert_frame_equal(frame, back, check_exact=True)
    assert back["note"].iloc[1] is None
    assert np.signbit(back["v"].iloc[1])
