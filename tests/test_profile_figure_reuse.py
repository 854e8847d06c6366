"""The batch's profile figure is one template figure redrawn per county
(``profile_page.figure_png``, ``figures.redraw_dot_plot``): every county's PNG must be the
bytes of a new figure of that county, whatever counties the batch drew before it."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.present import profile_page


@pytest.fixture(scope="module")
def ctx(ds):
    return profile_page.prepare(ds, lang="zh")


def test_redrawn_template_gives_the_bytes_of_a_new_figure(ctx):
    codes = list(ctx.batch.units)
    # a new context per county: the canonical layout only, no template drawn before
    fresh = {c: profile_page.figure_png(dataclasses.replace(ctx, layouts={}), c) for c in codes}
    shared = dataclasses.replace(ctx, layouts={})
    order = codes[::-1] + codes[: len(codes) // 2]  # reversed, then some counties again
    for c in order:
        assert profile_page.figure_png(shared, c) == fresh[c], c
    assert "template" in shared.layouts  # the counties were drawn by redrawing the template
    assert len(set(fresh.values())) == len(codes)  # each county's figure is its own


def test_a_county_with_other_rows_gets_a_new_figure_and_keeps_the_template(ctx, monkeypatch):
    codes = list(ctx.batch.units)
    shared = dataclasses.replace(ctx, layouts={})
    profile_page.figure_png(shared, codes[0])
    profile_page.figure_png(shared, codes[1])
    template = shared.layouts["template"]
    real = profile_page._dots

    def fewer(c, code):  # a county with a missing value has one row less
        dots = real(c, code)
        return dots.iloc[1:] if code == codes[2] else dots

    monkeypatch.setattr(profile_page, "_dots", fewer)
    other = profile_page.figure_png(shared, codes[2])
    assert shared.layouts["template"] is template
    assert other == profile_page.figure_png(dataclasses.replace(ctx, layouts={}), codes[2])
    monkeypatch.setattr(profile_page, "_dots", real)
    fresh = profile_page.figure_png(dataclasses.replace(ctx, layouts={}), codes[3])
    assert profile_page.figure_png(shared, codes[3]) == fresh
