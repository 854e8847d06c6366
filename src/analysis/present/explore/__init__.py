"""Interactive exploration (issue 14): the JupyterLab panel ``explore()`` and the offline
site page ``write_explore_page()`` (``outputs/html/explore.html``), both fed by the project's
analysis functions; the page's numbers come from ``export.explore_data``."""

from __future__ import annotations

from analysis.present.explore.export import explore_data
from analysis.present.explore.page import write_explore_page
from analysis.present.explore.widget import Explorer, View, explore

__all__ = ["Explorer", "View", "explore", "explore_data", "write_explore_page"]
