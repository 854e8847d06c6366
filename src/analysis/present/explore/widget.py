"""The JupyterLab explorer panel (ipywidgets): pick indicator(s), year, region level,
normalisation, weighting and a county; the ranked bar with the standard, the county map, the
trend with target and projection fan, the county profile and the composite-index ranks with
their sensitivity range update in place, without re-running the notebook.

Usage::

    from analysis.present.explore import explore
    ex = explore()                    # shows the panel in a notebook
    ex.set(indicator="workers_per_10k", county=ex.ds.unit_codes[1])
    ex.view.ranked_values             # what the ranked bar shows

Every view calls the project's own functions: ``gaps.ranked_input`` / ``figures.ranked_bar``,
``gaps.map_input`` / ``maps.choropleth``, ``targets.prepare(...).fan_inputs`` /
``figures.fan_chart``, ``gaps.profile`` / ``gaps.display``, ``gaps.development_index``.
Results are cached by their inputs, so changing the county redraws only what depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from html import escape
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.analyses import gaps
from analysis.analyses import targets as targets_mod
from analysis.data import Dataset, load, words
from analysis.errors import UserError, check_lang, user_error
from analysis.messages import t
from analysis.methods import composite
from analysis.present import figures, findings, maps, style
from analysis.present.explore.export import level_words, levels, plan_view, unit_indicators
from analysis.present.words import gaps as gap_words
from analysis.present.words import targets as target_words

MAP_LABELS_UP_TO = 30  # name labels on the panel's map up to this many units (placing is slow)


class View:
    """What the panel shows for one choice of the controls, computed on first access (the
    panel draws only the visible tab) and cached by input in the ``Explorer``."""

    def __init__(self, ex: Explorer, state: dict[str, Any]):
        self._ex, self.state = ex, dict(state)
        self.messages: list[str] = []

    @cached_property
    def _ranked(self) -> tuple[Figure | None, pd.Series, float | None]:
        s = self.state
        key = ("ranked", s["indicator"], s["year"], s["level"], s["county"])
        try:
            return self._ex._cached(key, lambda: self._ex.ranked(s))
        except UserError as exc:  # e.g. no region of this level has the indicator
            self.messages.append(getattr(exc, self._ex.lang))
            return None, pd.Series(dtype=float), None

    @property
    def ranked(self) -> Figure | None:
        """Ranked bar with the standard line, the county highlighted."""
        return self._ranked[0]

    @property
    def ranked_values(self) -> pd.Series:
        """Region name -> value, as drawn in the ranked bar."""
        return self._ranked[1]

    @property
    def standard(self) -> float | None:
        return self._ranked[2]

    @cached_property
    def map(self) -> Figure | None:
        s = self.state
        key = ("map", s["indicator"], s["year"], s["level"])
        ind, year = s["indicator"], s["year"]
        return self._ex._cached(key, lambda: self._ex.marked(self._ex.county_map(s), ind, year))

    @cached_property
    def trend(self) -> Figure | None:
        s = self.state
        ind, codes = s["indicator"], list(dict.fromkeys([s["county"], self._ex.ds.top]))
        key = ("trend", ind, s["county"])
        return self._ex._cached(key, lambda: self._ex.marked(self._ex.trend(s), ind, None, codes))

    @cached_property
    def spec(self) -> gaps.Spec:
        s, ex = self.state, self._ex
        key = ("spec", s["year"], s["index_indicators"], s["normalisation"], s["weighting"])
        try:
            return ex._cached(key, lambda: ex.spec(s))
        except UserError as exc:  # e.g. no index indicator has data in this year
            self.messages.append(getattr(exc, ex.lang))
            return ex._cached(("latest", *key[2:]), lambda: ex.spec({**s, "year": 0}))

    @property
    def _key(self) -> tuple:
        sp = self.spec
        return (sp.year, tuple(sp.indicators), sp.normalisation, str(sp.weighting))

    @cached_property
    def index(self) -> pd.DataFrame:
        """gaps.development_index: index, rank, median/best/worst rank and range."""
        return self._ex._cached(
            ("index", *self._key), lambda: gaps.development_index(self._ex.ds, self.spec)
        )

    @cached_property
    def index_table(self) -> pd.DataFrame:
        cols = ["index", "rank", "median_rank", "best_rank", "worst_rank", "rank_range"]
        return gap_words.display(self.index[cols], self._ex.ds, self._ex.lang)

    @cached_property
    def profile(self) -> pd.DataFrame:
        """gaps.profile of the county (code-like columns)."""
        code = self.state["county"]
        return self._ex._cached(
            ("profile", code, *self._key), lambda: gaps.profile(self._ex.ds, code, self.spec)
        )

    @cached_property
    def profile_table(self) -> pd.DataFrame:
        return gap_words.display(self.profile, self._ex.ds, self._ex.lang)

    def compute_all(self) -> View:
        """Compute every view now (tests, benchmarks)."""
        for name in ("ranked", "map", "trend", "profile_table", "index_table"):
            getattr(self, name)
        return self


class Explorer:
    """State, computation and (lazily) the widgets of the explorer panel."""

    def __init__(self, ds: Dataset, lang: str = "zh"):
        self.ds = ds
        self.lang = check_lang(lang)
        self._words = words.fields(ds, self.lang)
        self.indicators = unit_indicators(ds)
        std = gaps.standard_indicators(ds)
        first = std[0] if std else self.indicators[0]
        self.state: dict[str, Any] = {
            "indicator": first,
            "index_indicators": tuple(gaps.index_indicators(ds)),
            "year": self._latest(first),
            "level": levels(ds)[0],
            "normalisation": "minmax",
            "weighting": "equal",
            "county": ds.unit_codes[0],
        }
        self._cache: dict[tuple, Any] = {}
        self.view = self.compute()

    # -- data helpers --------------------------------------------------------------------
    def years(self, indicator: str) -> list[int]:
        o = self.ds.obs(indicator, self.ds.unit_codes)
        return sorted(int(y) for y in o["year"].unique())

    def _latest(self, indicator: str) -> int:
        return self.years(indicator)[-1]

    def level_codes(self, level: str) -> list[str]:
        return self.ds.regions.loc[self.ds.regions["level"] == level, "code"].astype(str).tolist()

    @cached_property
    def target_view(self) -> targets_mod.TargetView | None:
        """Projection of every target indicator (``export.plan_view``, as on the page)."""
        return plan_view(self.ds)

    @cached_property
    def illustrative(self) -> bool:
        """Whether any series the panel shows is illustrative (then the banner on top)."""
        return self.ds.is_illustrative(self.ds.obs(self.indicators, self.ds.unit_codes))

    def marked(
        self, fig: Figure | None, ind: str, year: int | None, codes: list[str] | None = None
    ) -> Figure | None:
        """``fig`` with the illustrative-data mark (``style.mark_illustrative``) when the
        observations of ``ind`` it is drawn from (``codes``, default the units) are."""
        obs = self.ds.obs(ind, codes or self.ds.unit_codes, year)
        if fig is not None and self.ds.is_illustrative(obs):
            style.mark_illustrative(fig, self.lang)
        return fig

    def _cached(self, key: tuple, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- the views ----------------------------------------------------------------------
    def ranked(self, s: dict[str, Any]) -> tuple[Figure, pd.Series, float | None]:
        ind, year, level, lang = s["indicator"], s["year"], s["level"], self.lang
        kw = gap_words.ranked_input(self.ds, ind, year, lang)
        if level != levels(self.ds)[0]:
            codes = self.level_codes(level)
            kw["values"] = self.ds.values([ind], year, codes)[ind].rename(self.ds.names(lang))
        name = self.ds.name(s["county"], lang)
        fig = figures.ranked_bar(**kw, highlight=[name])
        shown = self.level_codes(level) if level != levels(self.ds)[0] else None
        marked = self.marked(fig, ind, year, shown)
        assert marked is not None
        return marked, kw["values"], kw["standard"]

    def county_map(self, s: dict[str, Any]) -> Figure | None:
        if s["level"] != levels(self.ds)[0]:
            return None
        kw = gap_words.map_input(self.ds, pd.DataFrame({"index": []}), self.lang)
        if kw is None:
            return None
        v = self.ds.values([s["indicator"]], s["year"])[s["indicator"]]
        if v.dropna().empty:
            return None
        kw.update(
            values=v,
            title=self.ds.label(s["indicator"], self.lang, unit=False) + f" ({s['year']})",
            cbar_label=self.ds.label(s["indicator"], self.lang),
            labels=len(v) <= MAP_LABELS_UP_TO,
        )
        return maps.choropleth(**kw)

    def trend(self, s: dict[str, Any]) -> Figure | None:
        ind, code, lang = s["indicator"], s["county"], self.lang
        view = self.target_view
        if view is not None and ind in view.indicators:
            try:
                return figures.fan_chart(**target_words.fan_inputs(view, ind, code, lang))
            except UserError:
                pass
        regions = [code] + ([self.ds.top] if self.ds.top != code else [])
        frame = pd.DataFrame(
            {self.ds.name(r, lang): self.ds.panel(ind, [r]).iloc[0] for r in regions}
        )
        if frame.dropna(how="all").empty:
            return None
        return figures.trend_lines(
            frame,
            title=f"{self.ds.name(code, lang)}: {self.ds.label(ind, lang, unit=False)}",
            ylabel=self.ds.label(ind, lang),
            lang=lang,
        )

    def spec(self, s: dict[str, Any]) -> gaps.Spec:
        return gaps.resolve(
            self.ds, s["year"], list(s["index_indicators"]), s["normalisation"], s["weighting"]
        )

    def compute(self, s: dict[str, Any] | None = None) -> View:
        """The views for the state ``s`` (default: the current state), computed on access."""
        return View(self, self.state if s is None else s)

    def set(self, **changes: Any) -> View:
        """Change controls by name (as the widgets do) and recompute; returns the new view."""
        bad = sorted(set(changes) - set(self.state))
        if bad:
            raise user_error("explore.bad_choice", name="control", bad=bad, valid=list(self.state))
        new = {**self.state, **changes}
        if "indicator" in changes:
            if new["indicator"] not in self.indicators:
                raise user_error(
                    "explore.bad_choice",
                    name="indicator",
                    bad=new["indicator"],
                    valid=", ".join(self.indicators),
                )
            if new["year"] not in self.years(new["indicator"]):
                new["year"] = self._latest(new["indicator"])
        if new["level"] not in levels(self.ds):
            raise user_error(
                "explore.bad_choice", name="level", bad=new["level"], valid=levels(self.ds)
            )
        if new["year"] not in self.years(new["indicator"]):
            raise user_error(
                "explore.bad_choice",
                name="year",
                bad=new["year"],
                valid=self.years(new["indicator"]),
            )
        if new["county"] not in self.ds.unit_codes:
            raise user_error(
                "explore.bad_choice", name="county", bad=new["county"], valid=self.ds.unit_codes
            )
        if isinstance(new["index_indicators"], str | list):
            new["index_indicators"] = tuple(gaps.index_indicators(self.ds, new["index_indicators"]))
        self.state = new
        self.view = self.compute()
        return self.view

    # -- widgets ------------------------------------------------------------------------
    @cached_property
    def controls(self) -> dict[str, Any]:
        """The ipywidgets controls by state name; changing ``.value`` updates the panel."""
        import ipywidgets as W

        ds, lang, s = self.ds, self.lang, self.state

        def lab(key: str) -> str:
            return words.fill(t(f"explore.{key}", lang), words.fields(ds, lang))

        inds = [(ds.label(i, lang), i) for i in self.indicators]
        index_ids = gaps.index_indicators(ds)
        c: dict[str, Any] = {
            "indicator": W.Dropdown(
                options=inds, value=s["indicator"], description=lab("indicator")
            ),
            "index_indicators": W.SelectMultiple(
                options=[(ds.label(i, lang), i) for i in self.indicators],
                value=tuple(index_ids),
                rows=6,
                description=lab("index_indicators"),
            ),
            "year": W.Dropdown(
                options=self.years(s["indicator"]), value=s["year"], description=lab("year")
            ),
            "level": W.Dropdown(
                options=[(w, lv) for lv, w in level_words(ds, lang).items()],
                value=s["level"],
                description=lab("level"),
            ),
            "normalisation": W.Dropdown(
                options=[(lab(f"norm_{n}"), n) for n in composite.NORMALISATIONS],
                value=s["normalisation"],
                description=lab("normalisation"),
            ),
            "weighting": W.Dropdown(
                options=[(lab(f"weight_{w}"), w) for w in composite.WEIGHTINGS],
                value=s["weighting"],
                description=lab("weighting"),
            ),
            "county": W.Dropdown(
                options=[(ds.name(code, lang), code) for code in ds.unit_codes],
                value=s["county"],
                description=lab("county"),
            ),
        }
        for name, w in c.items():
            w.observe(lambda ch, n=name: self._on_change(n, ch["new"]), names="value")
        return c

    @cached_property
    def outputs(self) -> dict[str, Any]:
        import ipywidgets as W

        return {k: W.Output() for k in ("messages", "ranked", "map", "trend", "profile", "index")}

    def _on_change(self, name: str, value: Any) -> None:
        if self.state.get(name) == value:
            return
        self.set(**{name: value})
        if name == "indicator":
            w = self.controls["year"]
            years = self.years(value)
            if list(w.options) != years:
                with w.hold_trait_notifications():
                    w.options = years
                    w.value = self.state["year"]
        if "widget" in self.__dict__:  # the panel is on screen: redraw it
            self.show()

    TABS = ("ranked", "map", "trend", "profile", "index")

    def show(self, tab: int | None = None) -> None:
        """Redraw the messages and the visible tab (or tab ``tab``) from ``self.view``."""
        from IPython.display import display

        o, v = self.outputs, self.view
        k = self.tabs.selected_index or 0 if tab is None else tab
        name = self.TABS[k]
        obj = {
            "ranked": lambda: v.ranked,
            "map": lambda: v.map if v.map is not None else t("explore.no_map", self.lang),
            "trend": lambda: v.trend,
            "profile": lambda: v.profile_table,
            "index": lambda: v.index_table,
        }[name]()
        o[name].clear_output(wait=True)
        with o[name]:
            if obj is not None:
                display(obj)
        self._drawn[name] = v
        o["messages"].clear_output()
        if v.messages:
            with o["messages"]:
                print("\n".join(v.messages))

    @cached_property
    def tabs(self) -> Any:
        import ipywidgets as W

        o = self.outputs
        tabs = W.Tab(children=[o[k] for k in self.TABS])
        for k, key in enumerate(
            ("ranked_title", "map_title", "trend_title", "profile_title", "index_title")
        ):
            tabs.set_title(k, words.fill(t(f"explore.{key}", self.lang), self._words))
        self._drawn: dict[str, View] = {}

        def on_tab(change: dict) -> None:
            k = change["new"] or 0
            if self._drawn.get(self.TABS[k]) is not self.view:
                self.show(k)

        tabs.observe(on_tab, names="selected_index")
        return tabs

    @cached_property
    def widget(self) -> Any:
        """The panel: controls on top, the views in tabs below (only the visible one is drawn)."""
        import ipywidgets as W

        c, o = self.controls, self.outputs
        left = W.VBox([c["indicator"], c["year"], c["level"], c["county"]])
        right = W.VBox([c["index_indicators"], c["normalisation"], c["weighting"]])
        title = W.HTML(f"<b>{escape(words.fill(t('explore.title', self.lang), self._words))}</b>")
        banner = [W.HTML(findings.banner_html(self.lang))] if self.illustrative else []
        tabs = self.tabs
        self.show()
        return W.VBox([title, *banner, W.HBox([left, right]), o["messages"], tabs])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explore(ds: Dataset | None = None, lang: str = "zh") -> Explorer:
    """Open the explorer panel on ``ds`` (default: the embedded data set)."""
    return Explorer(load() if ds is None else ds, lang)


__all__: Sequence[str] = ("Explorer", "View", "explore")
