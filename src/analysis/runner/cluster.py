"""A dask.distributed client: on an existing scheduler, or on a local cluster of ``jobs``
single-threaded worker processes (used by the notebook runner and the profile batch)."""

from __future__ import annotations

import logging
from typing import Any


def dask_client(jobs: int, scheduler: str | None) -> tuple[Any, Any]:
    """``(client, cluster)``; ``cluster`` is None when ``scheduler`` names a running one.
    Close both when done (``client.close()``, then ``cluster.close()`` if any)."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster
