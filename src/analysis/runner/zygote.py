"""Warm kernels: start each Jupyter kernel by forking a helper process that has already
imported the heavy libraries (numpy, pandas, scipy, statsmodels, matplotlib, IPython).

Measured on the county profile notebook: a fresh kernel spends ~0.6 s starting and
~1.5 s importing before the first line of analysis runs; a forked kernel starts with
those modules in memory. The kernel is still a separate process with a fresh namespace,
run by papermill/nbclient through the Jupyter protocol; only its start differs
(``WarmKernelManager`` -> ``WarmProvisioner.launch_kernel``).

Kept equivalent to a normal kernel: the helper is a fresh interpreter started with the
task environment's PYTHONHASHSEED; ``MPLBACKEND`` is set to the inline backend before
matplotlib is imported (what ipykernel does), and neither pyplot nor the inline backend
is preloaded (their import-time hooks need the running kernel); only third-party modules
are preloaded (the project's own modules may read environment variables at import); each
kernel gets its own session, working directory and environment, reseeded ``random`` and
NumPy legacy RNGs, and dies with the helper (PR_SET_PDEATHSIG), which dies with its
worker. Linux/macOS only (``os.fork``); elsewhere kernels start normally.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.font_manager",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "docx",
    "openpyxl",
    "PIL.Image",
)
INLINE = "module://matplotlib_inline.backend_inline"


def _pdeathsig(sig: int = signal.SIGKILL) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG


# ---------------------------------------------------------------------------------------
# helper process (python -m analysis.runner.zygote): preload, then fork a kernel per request


def _become_kernel(req: dict[str, Any]) -> None:
    """In the forked child: turn into ``python -m ipykernel_launcher <argv>``."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _pdeathsig()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)  # fds 0/1 were the helper's control pipes
        os.dup2(2, 1)  # kernel output goes where the helper's stderr goes (the worker log)
        if req.get("cwd"):
            os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        import random

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        import runpy

        sys.argv = ["ipykernel_launcher", *req["argv"]]
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    except BaseException:  # noqa: BLE001 - report and exit, never return into the helper loop
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


class _KernelLike:
    """Stands in for the kernel's shell while modules are preloaded (has a ``kernel``)."""

    kernel = True


def serve() -> None:
    """Read one JSON request per line on stdin, answer {"pid": ...} on stdout."""
    parent = os.getppid()

    def watch() -> None:  # exit when the worker that started us is gone
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    os.environ["MPLBACKEND"] = INLINE
    # Some libraries read their surroundings at import time (pandas: display.max_columns
    # is 20 inside a Jupyter kernel, 0 = terminal width otherwise, decided by whether
    # get_ipython().kernel exists). Import them as if inside a kernel.
    import builtins

    builtins.get_ipython = lambda: _KernelLike  # type: ignore[attr-defined]
    try:
        for mod in PRELOAD:
            with contextlib.suppress(Exception):
                __import__(mod)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    threading.Thread(target=watch, daemon=True).start()
    ctl_in, ctl_out = sys.stdin.buffer, sys.stdout.buffer
    ctl_out.write(b'{"ready": true}\n')
    ctl_out.flush()
    for line in ctl_in:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(req)
        ctl_out.write(json.dumps({"pid": pid}).encode() + b"\n")
        ctl_out.flush()


# ---------------------------------------------------------------------------------------
# worker side


class Zygote:
    """Client of one helper process (one per worker process, started on first use)."""

    _instance: Zygote | None = None
    _lock = threading.Lock()

    def __init__(self, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.runner.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env or dict(os.environ),
        )
        self.ready = False

    @classmethod
    def get(cls, env: dict[str, str] | None = None) -> Zygote | None:
        """The worker's helper, started on first call (None where fork is unavailable)."""
        if not hasattr(os, "fork"):
            return None
        with cls._lock:
            if cls._instance is None or cls._instance.proc.poll() is not None:
                cls._instance = cls(env)
            return cls._instance

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        with self._lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            if not self.ready:
                if json.loads(self.proc.stdout.readline() or b"{}").get("ready") is not True:
                    raise RuntimeError("kernel helper did not start")
                self.ready = True
            self.proc.stdin.write(
                json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
            )
            self.proc.stdin.flush()
            return int(json.loads(self.proc.stdout.readline())["pid"])


class ForeignProcess:
    """Popen-like handle of a kernel that is the helper's child, not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._fd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._fd is not None:
                if select.select([self._fd], [], [], 0)[0]:
                    self.returncode = 0
            else:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            time.sleep(0.02)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        return 0

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:  # LocalProvisioner.terminate's fallback when killpg fails
        self.send_signal(signal.SIGTERM)


class WarmProvisioner(LocalProvisioner):
    """Launches ``python -m ipykernel_launcher`` kernels through the worker's Zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        zyg = Zygote.get()
        if zyg is None or len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd") or os.getcwd()  # Popen would inherit our current directory
        pid = zyg.spawn(cmd[3:], env, str(cwd))
        self.process = ForeignProcess(pid)  # type: ignore[assignment]
        self.pid, self.pgid = pid, pid  # the kernel leads its own session
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernels are forked from a warm helper."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = WarmProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":
    serve()
