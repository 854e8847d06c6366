"""Illustrative numbers marked where they are read (issue 20, item 3): every finding sentence
whose numbers come from an illustrative series carries the （示意） mark, every figure drawn
from one the 示意数据 mark in its corner, every page (report, county profile, explorer page
and panel) using one the banner; a data set of real data only shows no mark at all.

The report pages are built in-process (their section functions, with ``IPython.display``
captured), on the default data and on the same numbers with every source official."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest

from analysis.messages import t
from analysis.present import findings as F
from analysis.present.words import evaluation as ew


@pytest.fixture(scope="module")
def real(ds):
    """The same numbers with every source official: a data set with no illustrative series
    (the constructed panel's source renamed too, its title says 示意数据)."""
    src = ds.sources
    was = src["kind"] == "illustrative"
    real = src.assign(
        kind=src["kind"].where(~was, "official"),
        title=src["title"].where(~was, "panel"),
        title_en=src["title_en"].where(~was, "panel"),
    )
    return replace(ds, sources=real)


def test_sentence_collector_adds_the_mark_once():
    s = F.Sentence("3 of 12 counties meet it.", True)
    assert F.text(s, "en") == "3 of 12 counties meet it (illustrative)."
    assert F.text(F.Sentence("达标5个。", True), "zh") == "达标5个（示意）。"
    assert F.text("plain.", "en") == "plain." and F.text(F.Sentence("x.", False), "en") == "x."
    page = F.markdown(F.Findings(status=[s, "real."]), "en")
    assert page.startswith(F.banner("en")) and t("findings.illustrative_banner", "en") in page
    assert "- real." in page and page.count("(illustrative)") == 2  # banner + sentence
    assert t("findings.illustrative_banner", "en") not in F.markdown(F.Findings(status=["a."]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_evaluation_findings_are_marked_from_the_observations(ds, real, pages, real_pages, lang):
    mark = t("findings.illustrative_suffix", lang)
    banner = t("findings.illustrative_banner", lang)
    frame = pages["evaluation"][3].frame  # analyses.evaluation.evaluate(ds, 2020, 2025)
    inds = list(dict.fromkeys(frame["indicator"]))
    flags = {i: ds.is_illustrative(ds.obs(i, [ds.top, *ds.unit_codes])) for i in inds}
    assert any(flags.values())  # the county panel is illustrative in the default data
    sections = ew.plan_findings(frame, ds, 2025, lang)
    page = F.markdown(F.Findings(**sections), lang)
    assert page.startswith(F.banner(lang))
    for sentence in (x for xs in sections.values() for x in xs):
        label = next((i for i in inds if sentence.startswith(_label(ds, i, lang))), None)
        if label is not None and flags[label]:
            assert F.is_marked(sentence) and F.text(sentence, lang).count(mark) == 1, sentence
    # the same numbers from official sources only: no mark, no banner anywhere
    rf = real_pages["evaluation"][3].frame
    rsections = ew.plan_findings(rf, real, 2025, lang)
    rpage = F.markdown(F.Findings(**rsections), lang)
    assert mark not in rpage and banner not in rpage
    assert not any(F.is_marked(x) for xs in rsections.values() for x in xs)


def _label(ds, ind, lang):
    from analysis.present.words import plan_words

    return plan_words.label(ds, ind, lang)


# -- report pages, built in-process ---------------------------------------------------------
REPORTS = {  # report module -> the sections shown (every figure, the findings, a table)
    "baseline": ("opening", "structure", "urbanisation", "divisions"),
    "gaps": ("opening", "standards", "index", "tiers", "trend", "shortfall"),
    "projection": ("opening", "fans", "status", "projection"),
    "evaluation": ("opening", "summary"),
    "next_period": ("opening", "proposed", "national_series"),
}
REAL_FIGURES = {"baseline", "next_period"}  # census and division codes; the national series


def _findings(kind, r, lang):
    """The findings sections of a report page, from its words builder."""
    from analysis.present.words import evaluation as ew
    from analysis.present.words import next_period as npw
    from analysis.present.words import targets as tw

    if kind in ("baseline", "gaps"):
        return r.found
    if kind == "projection":
        return tw.plan_findings(r.view, lang)
    if kind == "evaluation":
        return ew.plan_findings(r.frame, r.pg.ds, r.target_year, lang)
    return npw.plan_findings(r.frame, r.standards, r.pg.ds, r.base_year, r.target_year, r.p, lang)


def _text(obj) -> str:
    data = getattr(obj, "data", None)
    if isinstance(data, str):
        return data
    return obj._repr_html_() if hasattr(obj, "_repr_html_") else ""


def _build_pages(data, out, lang="zh") -> dict:
    """Every report kind's page on ``data``: (findings, shown texts, shown figures, report)."""
    import importlib
    from unittest import mock

    import IPython.display
    from matplotlib.figure import Figure

    from analysis import paths
    from analysis.present import style
    from analysis.present.reports import page

    def dataset(*_args, **_kw):
        style.use()
        paths.use_outputs(out)
        return data

    saved = list(paths._PUBLISH)
    pages = {}
    try:
        for kind, sections in REPORTS.items():
            shown: list = []
            mod = importlib.import_module(f"analysis.present.reports.{kind}")
            with (
                mock.patch.object(
                    IPython.display, "display", lambda *o, _s=shown, **_: _s.extend(o)
                ),
                mock.patch.object(page, "dataset", dataset),
            ):
                r = mod.open(lang=lang)
                for name in sections:
                    getattr(mod, name)(r)
            figs = [o for o in shown if isinstance(o, Figure)]
            texts = [_text(o) for o in shown if not isinstance(o, Figure)]
            pages[kind] = (_findings(kind, r, lang), texts, figs, r)
    finally:
        paths._PUBLISH[:] = saved
    return pages


@pytest.fixture(scope="module")
def pages(ds, tmp_path_factory):
    return _build_pages(ds, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def real_pages(real, tmp_path_factory):
    return _build_pages(real, tmp_path_factory.mktemp("out_real"))


def _marked(fig) -> bool:
    texts = [x.get_text() for x in fig.texts]
    return t("figures.illustrative_mark", "zh") in texts


def _illustrative_labels(ds) -> dict[str, bool]:
    from analysis.present.words import plan_words

    ids = ds.indicators["id"]
    return {
        plan_words.label(ds, i, "zh"): ds.is_illustrative(ds.obs(i, [ds.top, *ds.unit_codes]))
        for i in ids
    }


@pytest.mark.parametrize("kind", list(REPORTS))
def test_report_pages_mark_what_rests_on_illustrative_series(pages, ds, kind):
    found, texts, figs, _ = pages[kind]
    suffix, banner = t("findings.illustrative_suffix", "zh"), F.banner("zh")
    sentences = [x for xs in found.values() for x in xs]
    shown = html.unescape("\n".join(texts))
    assert figs or kind == "evaluation"
    if kind == "baseline":  # census, division codes and the plan's own figures: all real
        assert not any(F.is_marked(x) for x in sentences)
        assert suffix not in shown and banner not in shown
        assert not any(_marked(f) for f in figs)
        return
    ill = {lab for lab, flag in _illustrative_labels(ds).items() if flag}
    assert ill  # the county panel is illustrative in the default data
    about = [x for x in sentences if any(lab in x for lab in ill)]
    assert about
    for x in about:  # a sentence naming an illustrative series carries the mark, once
        assert F.is_marked(x), x
        assert F.text(x, "zh") in shown and F.text(x, "zh").count(suffix) == 1, x
    assert shown.count(banner) == 1 and texts.index(next(x for x in texts if banner in x)) < 3
    assert t("present.illustrative_note", "zh") in shown  # the table notes
    marks = [_marked(f) for f in figs]
    assert all(marks) if kind not in REAL_FIGURES else not any(marks), marks


@pytest.mark.parametrize("kind", list(REPORTS))
def test_report_pages_of_real_data_carry_no_mark(real_pages, kind):
    found, texts, figs, _ = real_pages[kind]
    assert not any(F.is_marked(x) for xs in found.values() for x in xs)
    shown = "\n".join(texts)
    assert not _any_mark(shown)  # sentences, banner, table notes
    assert not any(_marked(f) for f in figs)


def _any_mark(text: str) -> bool:
    """Any illustrative mark in ``text``: the sentence suffix, 示意数据 (figure corner, table
    note, banner) in either language (the schematic-map note is not one)."""
    marks = [
        t(k, g)
        for k in ("findings.illustrative_suffix", "figures.illustrative_mark")
        for g in ("zh", "en")
    ]
    return any(m.strip() in text for m in marks)


# -- county profile, explorer page and panel ------------------------------------------------
def _profile(data):
    from analysis.present import profile_page as pp

    ctx = pp.prepare(data, lang="zh")
    code = data.unit_codes[0]
    return pp.html(pp.build(ctx, code), "zh"), pp.figure(ctx, code)


def test_profile_page_banner_sentences_and_figure(ds, real):
    page, fig = _profile(ds)
    assert 'class="illustrative-banner"' in page and t("findings.illustrative_suffix", "zh") in page
    assert _marked(fig)
    page, fig = _profile(real)
    assert not _any_mark(page) and not _marked(fig)


def _explore_html(data, out):
    from analysis.present.explore.page import build_page

    return build_page(data, out).read_text(encoding="utf-8")


def test_explorer_page_banner_only_with_illustrative_series(ds, real, tmp_path):
    import json
    import re

    page = _explore_html(ds, tmp_path / "a")
    assert 'class="illustrative-banner" data-l="banner"' in page
    blob = re.search(r'<script id="explore-data" type="application/json">(.*?)</script>', page)
    labels = json.loads(blob.group(1).replace("<\\/", "</"))["labels"]
    assert labels["en"]["banner"] == F.banner_text("en")
    page = _explore_html(real, tmp_path / "b")
    assert 'class="illustrative-banner"' not in page and not _any_mark(page.split("<script")[0])
    assert '<span id="badge" class="badge" style="display:none">' in page


def test_explorer_panel_banner_and_figures(ds, real):
    from analysis.present.explore import explore

    ex = explore(ds)
    v = ex.view
    assert ex.illustrative and all(_marked(f) for f in (v.ranked, v.trend) if f is not None)
    assert F.banner_text("zh") in _panel_html(ex)
    rx = explore(real)
    assert not rx.illustrative
    assert not any(_marked(f) for f in (rx.view.ranked, rx.view.map, rx.view.trend) if f)
    assert F.banner_text("zh") not in _panel_html(rx)


def _panel_html(ex) -> str:
    return "".join(getattr(c, "value", "") for c in ex.widget.children if hasattr(c, "value"))
