"""The notebook table helper: precision per column, dashes for missing values, no -0.0,
no index column, labels for indicator ids and region codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.present import display as D


def test_formatted_hand_checked(ds):
    frame = pd.DataFrame(
        {
            "region_code": ["522701", "522702"],
            "population": [529688.0, 297899.0],  # a count indicator: 0 decimals
            "facility_area_per_100hh": [33.5679, -0.00001],  # median 16.8 >= 10: 1 decimal
            "note": ["a", None],
        }
    )
    out = D.formatted(frame, ds, "zh")
    assert list(out.columns) == [
        "地区",
        ds.label("population", "zh"),
        ds.label("facility_area_per_100hh", "zh"),
        "note",
    ]
    assert out.to_numpy().tolist() == [
        ["都匀市", "529,688", "33.6", "a"],
        ["福泉市", "297,899", "0.0", "—"],  # never "-0.0"; missing text as a dash
    ]
    assert list(out.index) == [0, 1]
    html = D.show(frame, ds, "en").to_html()
    assert "Duyun" in html and "row_heading" not in html  # English names, no index column


def test_decimals_override_and_missing_numbers():
    frame = pd.DataFrame({"x": [1.23456, np.nan], "y": [1000.0, 2000.5]})
    out = D.formatted(frame, decimals={"x": 3})
    assert out["x"].tolist() == ["1.235", "—"]
    assert out["y"].tolist() == ["1,000", "2,000"]  # median >= 100: 0 decimals (.5 to even)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=1, max_size=20))
def test_no_minus_zero_and_no_nan_text(values):
    out = D.formatted(pd.DataFrame({"v": values}))
    for cell, v in zip(out["v"], values, strict=True):
        assert "nan" not in cell.lower()
        if np.isnan(v):
            assert cell == "—"
        elif cell.startswith("-"):  # a minus sign only on a number that shows a non-zero digit
            assert any(ch in "123456789" for ch in cell), cell
