"""The dask executor (a LocalCluster) produces the same outputs as the local executor."""

from __future__ import annotations

import pytest
from test_runner import make_project, opts

from analysis.runner import run

pytest.importorskip("dask.distributed")


def test_dask_local_cluster_matches_local_executor(tmp_path):
    p = make_project(tmp_path, failing=True)
    local = run(opts(p, jobs=2))
    p_dask = {**p, "outputs": tmp_path / "outputs_dask"}
    dask = run(opts(p_dask, jobs=2, executor="dask"))
    assert (dask.built, list(dask.failed), dask.exit_code) == (local.built, list(local.failed), 1)
    assert dask.failed["broken"]["source_line"] == "y = x / divisor"
    for sub in ("notebooks", "html"):
        a = {
            f.name: f.read_bytes() for f in (p["outputs"] / sub).iterdir() if f.name != "index.html"
        }
        b = {
            f.name: f.read_bytes()
            for f in (p_dask["outputs"] / sub).iterdir()
            if f.name != "index.html"
        }
        assert a.keys() == b.keys() and len(a) >= 5
        assert [n for n in a if a[n] != b[n]] == []
