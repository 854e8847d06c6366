"""One number formatter (``present.numbers``): fixed decimals, no "-0", one missing mark,
decimals from the indicator's metadata (``decimals`` in indicators.csv) or by kind."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from cases import FIXTURES, make_case

from analysis.data import load
from analysis.present import display, figures, numbers, tables
from analysis.present.words import plan_text, plan_words


def test_fmt_rounds_separates_and_never_shows_minus_zero():
    assert numbers.fmt(1234567.891, 2) == "1,234,567.89"
    assert numbers.fmt(1234567.891, 0, sep=False) == "1234568"
    assert numbers.fmt(-0.04, 1) == "0.0" and numbers.fmt(-0.06, 1) == "-0.1"
    assert numbers.fmt(-0.4, 0) == "0"


@pytest.mark.parametrize("v", [None, float("nan"), pd.NA, np.nan, math.inf, -math.inf])
def test_one_missing_mark_everywhere(v):
    mark = numbers.MISSING
    assert mark == numbers.missing("zh") == numbers.missing("en") == "\u2014"
    assert numbers.fmt(v, 1) == mark
    assert plan_text.num(v, 1) == mark
    assert display.number(v, 1) == mark
    assert tables.display_value(v, "0.0") == mark


def test_the_formatters_are_one():
    # sentences, reader tables, figure labels and docx cells give the same text
    for v, d in ((12345.678, 1), (-0.0001, 2), (3.25, 0)):
        want = numbers.fmt(v, d)
        assert plan_text.num(v, d) == display.number(v, d) == want
        assert tables.display_value(v, "#,##0" + ("." + "0" * d if d else "")) == want
        assert figures.format_values([v] * 3) == [numbers.fmt(v, figures.decimals_for([v]))] * 3


def test_magnitude_rule():
    assert numbers.magnitude_decimals([150.0, 250.5]) == 0  # median >= 100
    assert numbers.magnitude_decimals([12.34, 15.0]) == 1  # >= 10
    assert numbers.magnitude_decimals([2.345, 3.1]) == 2  # below 10
    assert numbers.magnitude_decimals([26.5, 3.0]) == 1  # never more than the values carry
    assert numbers.magnitude_decimals([]) == 0
    assert figures.decimals_for is numbers.magnitude_decimals


def test_indicator_decimals_from_metadata_and_fallback(ds):
    meta = ds.indicators.set_index("id")["decimals"]
    # the embedded data set states the decimals of every indicator
    assert meta.notna().all()
    assert numbers.indicator_decimals(ds, "population") == 0
    assert numbers.indicator_decimals(ds, "avg_household_size") == 2  # census: 2.93 persons
    assert numbers.indicator_decimals(ds, "facility_area_per_100hh") == 1
    assert plan_words.qty(ds, "facility_area_per_100hh", 26.549, "en").startswith("26.5")
    # a data set without the column: 0 for counts, 1 otherwise
    old = load(FIXTURES / "minimal")
    assert old.indicators["decimals"].isna().all()
    assert numbers.indicator_decimals(old, "population") == 0
    assert numbers.indicator_decimals(old, "workers_per_10k") == 1


def test_stated_decimals_reach_sentences_and_tables(tmp_path):
    data = make_case("decimals_range", tmp_path / "data")
    f = data / "indicators.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",9\n", ",3\n"), encoding="utf-8")
    ds = load(data)
    assert numbers.indicator_decimals(ds, "urbanisation_rate") == 3
    assert numbers.indicator_decimals(ds, "community_workers") == 0  # blank: a count
    assert plan_words.qty(ds, "urbanisation_rate", 50.12345, "en") == "50.123 %"
    frame = pd.DataFrame({"urbanisation_rate": [50.12345, np.nan], "x": [1.0, -0.001]})
    out = display.formatted(frame, ds, "en")
    assert out.iloc[:, 0].tolist() == ["50.123", "\u2014"]
    assert out.iloc[:, 1].tolist() == ["1.00", "0.00"]  # no -0.00 and no NaN in a table
