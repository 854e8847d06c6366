"""Report kernels are reached over unix sockets with a path of their own, never TCP ports
that two kernels started at the same moment could both pick (``runner/kernels.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import nbformat

from analysis.runner import execute as ex
from analysis.runner.kernels import LocalSocketKernelManager


def test_each_kernel_manager_has_its_own_socket_path():
    a, b = LocalSocketKernelManager(), LocalSocketKernelManager()
    assert a.transport == b.transport == "ipc"
    assert a.ip != b.ip
    assert Path(a.ip).parent == Path(b.ip).parent  # the temporary directory


def test_a_report_kernel_runs_over_ipc_and_leaves_no_socket(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import json\nfrom ipykernel.connect import get_connection_info\n"
            "info = json.loads(get_connection_info())\nprint(json.dumps(info))"
        )
    ]
    src = tmp_path / "k.ipynb"
    nbformat.write(nb, src)
    task = SimpleNamespace(notebook=src, parameters={}, run_params=(), cwd=tmp_path)
    out = tmp_path / "out.ipynb"
    assert ex.execute(task, out, ex.kernel_options()) is None
    text = nbformat.read(out, as_version=4).cells[0].outputs[0]["text"]
    info = json.loads(text)
    assert info["transport"] == "ipc"
    assert "analysis-kernel-" in info["ip"]
    # jupyter_client removed the kernel's sockets when it shut the kernel down
    assert not list(Path(info["ip"]).parent.glob(Path(info["ip"]).name + "-*"))
