"""Imported by each batch worker when it starts (``batch.warm_worker``, the pool's
initializer): the renderer's imports (pandas, matplotlib, the analysis and page modules) and
the plot style, while the main process cuts the shared font. Importing this module has that
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
