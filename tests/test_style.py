"""Plan style: CJK font from the pip package, strict glyph check, deterministic bytes."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib
import pytest
from matplotlib import font_manager

from analysis.errors import UserError
from analysis.present import style


def test_font_is_shipped_by_pip_not_the_system():
    from analysis.present import cjk_font

    path = style.font_path()
    assert "site-packages" in str(cjk_font.collection_path())
    assert path.name.startswith("NotoSansCJKsc-Regular") and path.suffix == ".otf"
    assert style.register_font() == "Noto Sans CJK SC"
    style.use()
    found = font_manager.findfont(
        font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False
    )
    assert found == str(path)
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["savefig.dpi"] == 300


def test_sizes_for_a4_word_pages():
    # 16 cm = 16 / 2.54 in = 6.2992 in; height at aspect 0.5 = 3.1496 in
    w, h = style.size("full", 0.5)
    assert w == pytest.approx(6.2992, abs=1e-4) and h == pytest.approx(3.1496, abs=1e-4)
    assert style.size("half")[0] == pytest.approx(7.8 / 2.54)
    with pytest.raises(UserError, match="full, half"):
        style.size("quarter")


def test_chinese_text_has_every_glyph():
    fig = style.new_figure("half")
    fig.add_subplot().set_title("黔南州 社区工作者(人) 每百户面积(m²) 示意数据 −5 ≥ 18 ‰")
    style.check_glyphs(fig)  # raises on any missing glyph


def test_missing_glyph_is_an_error():
    fig = style.new_figure("half")
    fig.add_subplot().set_title("\U00013000")  # Egyptian hieroglyph: in no shipped font
    with pytest.raises(style.MissingGlyphError, match="missing from font"):
        style.check_glyphs(fig)


def test_unknown_language_and_format_list_valid_options():
    with pytest.raises(UserError, match="zh, en"):
        style.check_lang("fr")
    with pytest.raises(UserError, match="png, svg, pdf"):
        style.to_bytes(style.new_figure("half"), "bmp")


def test_save_writes_three_formats(tmp_path):
    fig = style.new_figure("half")
    fig.add_subplot().plot([2020, 2025], [1, 2])
    paths = style.save(fig, tmp_path / "fig1")
    assert sorted(p.suffix for p in paths) == [".pdf", ".png", ".svg"]
    png = (tmp_path / "fig1.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # 7.8 cm at 300 dpi = 7.8 / 2.54 * 300 = 921 pixels wide (IHDR width at bytes 16..20)
    assert int.from_bytes(png[16:20], "big") == 921
    assert b"CreationDate" not in (tmp_path / "fig1.pdf").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "fig1.svg").read_bytes()


_SCRIPT = """
import sys
from analysis.present import style
fig = style.new_figure("half")
ax = fig.add_subplot()
ax.plot([2016, 2020, 2024], [1, 3, 2], label="都匀市")
ax.legend(); ax.set_title("每百户面积(m²)")
style.save(fig, sys.argv[1])
"""


def test_rerun_in_new_process_gives_identical_bytes(tmp_path):
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path / run)], check=True)
    for fmt in ("png", "svg", "pdf"):
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes(), fmt


def test_strict_glyphs_passes_other_warnings_through():
    with pytest.warns(UserWarning, match="other"), style.strict_glyphs():
        warnings.warn("other", UserWarning, stacklevel=1)


def test_sc_face_is_copied_out_of_the_collection_deterministically():
    """Same wheel in, same bytes out: the cached file equals a fresh extraction, is the SC
    face (Simplified forms: 骨 differs from the JP face) and covers every URO hanzi."""
    from fontTools.ttLib import TTCollection, TTFont

    from analysis.present import cjk_font

    src = cjk_font.collection_path()
    data = cjk_font.face_bytes(src)
    assert data == style.font_path().read_bytes()
    font = TTFont(style.font_path(), lazy=True)
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    cmap = font.getBestCmap()
    assert all(c in cmap for c in range(0x4E00, 0x9FA6))  # the URO as of Unicode 4.1
    with TTCollection(str(src), lazy=True) as ttc:
        jp = next(f for f in ttc.fonts if f["name"].getDebugName(1) == "Noto Sans CJK JP")
        assert jp.getBestCmap()[ord("骨")] != cmap[ord("骨")]


def _labelled_figure():
    fig = style.new_figure("full")
    ax = fig.add_subplot()
    ax.barh(["都匀市", "福泉市", "三都水族自治县"], [3.5, 12.25, 7.0])
    ax.set_title("每百户城乡社区综合服务设施面积（平方米）")
    ax.set_xlabel("平方米")
    style.mark_illustrative(fig, "zh")
    return fig


def test_one_layout_for_every_format():
    """``to_formats`` lays the figure out once (for the PNG) and keeps the positions for the
    SVG and PDF: the PNG is that of a figure saved alone, every format has the PNG's axes
    position, the figure keeps its layout engine, and a second figure gives the same bytes."""
    fig = _labelled_figure()
    engine = fig.get_layout_engine()
    assert engine is not None
    once = style.to_formats(fig, ("png", "svg", "pdf"))
    assert fig.get_layout_engine() is engine
    alone = _labelled_figure()
    assert once["png"] == style.to_bytes(alone, "png")
    laid_out = alone.axes[0].get_position().bounds
    assert fig.axes[0].get_position().bounds == laid_out
    assert style.to_formats(_labelled_figure(), ("png", "svg", "pdf")) == once
