"""Illustrative numbers marked where they are read (issue 20, item 3): every finding sentence
whose numbers come from an illustrative series carries the （示意） mark and the page the
banner; a data set of real data only shows no mark at all."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.analyses import evaluation as ev
from analysis.data import load
from analysis.messages import t
from analysis.present import findings as F
from analysis.present.words import evaluation as ew


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def real(ds):
    """The same numbers with every source official: a data set with no illustrative series."""
    kinds = ds.sources["kind"].replace("illustrative", "official")
    return replace(ds, sources=ds.sources.assign(kind=kinds))


def test_sentence_collector_adds_the_mark_once():
    s = F.Sentence("3 of 12 counties meet it.", True)
    assert F.text(s, "en") == "3 of 12 counties meet it (illustrative)."
    assert F.text(F.Sentence("达标5个。", True), "zh") == "达标5个（示意）。"
    assert F.text("plain.", "en") == "plain." and F.text(F.Sentence("x.", False), "en") == "x."
    page = F.markdown(F.Findings(status=[s, "real."]), "en")
    assert page.startswith(t("findings.illustrative_banner", "en"))
    assert "- real." in page and page.count("(illustrative)") == 2  # banner + sentence
    assert t("findings.illustrative_banner", "en") not in F.markdown(F.Findings(status=["a."]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_evaluation_findings_are_marked_from_the_observations(ds, real, lang):
    mark = t("findings.illustrative_suffix", lang)
    banner = t("findings.illustrative_banner", lang)
    frame = ev.evaluate(ds, 2020, 2025)
    inds = list(dict.fromkeys(frame["indicator"]))
    flags = {i: ds.is_illustrative(ds.obs(i, [ds.top, *ds.unit_codes])) for i in inds}
    assert any(flags.values())  # the county panel is illustrative in the default data
    sections = ew.plan_findings(frame, ds, 2025, lang)
    page = F.markdown(F.Findings(**sections), lang)
    assert page.startswith(banner)
    for sentence in (x for xs in sections.values() for x in xs):
        label = next((i for i in inds if sentence.startswith(_label(ds, i, lang))), None)
        if label is not None and flags[label]:
            assert F.is_marked(sentence) and F.text(sentence, lang).count(mark) == 1, sentence
    # the same numbers from official sources only: no mark, no banner anywhere
    rf = ev.evaluate(real, 2020, 2025)
    rsections = ew.plan_findings(rf, real, 2025, lang)
    rpage = F.markdown(F.Findings(**rsections), lang)
    assert mark not in rpage and banner not in rpage
    assert not any(F.is_marked(x) for xs in rsections.values() for x in xs)


def _label(ds, ind, lang):
    from analysis.present.words import plan_words

    return plan_words.label(ds, ind, lang)
