"""Imported by the forkserver before it forks workers (``set_forkserver_preload``): the
batch profile renderer's imports (pandas, matplotlib, the analysis and page modules) and the
plot style, so every worker forked afterwards starts warm. Importing this module has that
side effect on purpose; nothing else imports it.
"""

from __future__ import annotations

from analysis.analyses import profile  # noqa: F401
from analysis.data import load  # noqa: F401
from analysis.present import profile_page, style
from analysis.runner import batch  # noqa: F401

style.use()
style.register_font()
_ = profile_page.CSS
