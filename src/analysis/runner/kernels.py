"""Kernels reached over local sockets (``ipc`` transport) instead of TCP ports.

A TCP kernel is given five ports that its worker found free a moment before; two workers (or
any other program on the machine: a browser under test, a dask dashboard) can pick the same
port in that moment, and the kernel dies or waits unanswered (papermill issues 239 and 776).
Unix sockets named after a random path cannot collide, need no free port, and are removed by
jupyter_client when the kernel shuts down.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client import AsyncKernelManager
from traitlets import CaselessStrEnum, default


class LocalSocketKernelManager(AsyncKernelManager):
    """papermill/nbclient's kernel manager, with the ``ipc`` transport and a unique socket path
    per kernel (``<tmp>/analysis-kernel-<random>-<n>``)."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    @default("ip")
    def _unique_socket_path(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        return os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex[:16]}")
