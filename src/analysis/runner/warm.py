"""Imported by the forkserver before it forks the local workers (``set_forkserver_preload``):
papermill, nbclient and nbconvert are imported and the HTML templates compiled once, and
every worker forked afterwards starts warm. Importing this module has that side effect
on purpose; nothing else imports it.

Measured with ``python -X importtime``: ~0.9 s of the ~1.8 s import goes to
``rfc3987_syntax`` (a grammar jsonschema loads, if installed, to check the "iri" string
format, which notebook validation does not use). The workers block that optional import.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # ImportError -> skipped

from analysis.runner.execute import warm_up  # noqa: E402

warm_up()
