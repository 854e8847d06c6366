"""Interactive exploration (issue 14): the JupyterLab panel ``explore()`` and the offline
site page ``write_explore_page()`` (``outputs/html/explore.html``), both fed by the project's
analysis functions; the page's numbers come from ``export.explore_data``."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Explorer", "View", "explore", "explore_data", "write_explore_page"]
_WHERE = {
    "explore_data": "export",
    "write_explore_page": "page",
    "Explorer": "widget",
    "View": "widget",
    "explore": "widget",
}


def __getattr__(name: str) -> Any:
    """Imported on first use: a no-change ``analysis run`` checks the page's key without
    importing the analyses, scipy and matplotlib behind the export and the widget."""
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
