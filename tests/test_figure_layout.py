"""Figure defects seen on the pages (issue 21, item 5): a long Chinese title above a
horizontal y label stays inside a half-width figure (02's Lorenz curve), and the observed
points are drawn over the target star (06's fan chart, 2025 observed and targeted)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis.messages import t
from analysis.present import figures as F
from analysis.present import style


def test_lorenz_title_fits_the_figure():
    style.use()
    title = t("gaps.lorenz_title", "zh", label="每万城镇常住人口社区专职工作人员", year=2025)
    v = pd.Series(np.arange(1.0, 13.0))
    fig = F.lorenz(v, weights=v, title=title, lang="zh")
    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    texts = [fig._suptitle, *(a.title for a in fig.axes), *(a._left_title for a in fig.axes)]
    shown = [x for x in texts if x is not None and x.get_text()]
    assert shown
    for x in shown:
        box = x.get_window_extent(r)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1


def test_fan_chart_draws_the_observed_points_over_the_target_star():
    style.use()
    years = np.arange(2016, 2026)
    hist = pd.Series(np.linspace(10.0, 18.0, years.size), index=years)
    fc = pd.DataFrame({c: [19.0] for c in ("mean", "lo80", "hi80", "lo95", "hi95")}, index=[2026])
    fig = F.fan_chart(hist, fc, target=(2025, 18.0), lang="zh")
    ax = fig.axes[0]
    star = next(x for x in ax.lines if x.get_marker() == "*")
    observed = next(x for x in ax.lines if list(x.get_xdata()) == list(years))
    assert observed.get_zorder() > star.get_zorder()
