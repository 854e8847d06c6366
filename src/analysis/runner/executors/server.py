"""Loaded by the local executor's forkserver before it forks workers (``local.SERVER_PRELOAD``):
papermill, nbclient, nbconvert and nbformat imported, and the HTML exporters warmed up
(``execute.warm_up``), once per runner process instead of once per worker."""

from __future__ import annotations

import contextlib

from analysis.runner.execute import warm_up

# a failure must not stop the server (it would break every worker): a worker that meets the
# same problem reports it with its report
with contextlib.suppress(Exception):
    warm_up()
