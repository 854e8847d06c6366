"""County profiles: one computation for all units (analyses.profile), the page
(present.profile_page) and the batch renderer behind reports.toml `batch` (runner.batch).

In-process except one end-to-end run of the runner (local process pool, 12 counties).
"""

from __future__ import annotations

import base64
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from html_checks import CJK, external_resources, truncated_tables, visible_text

from analysis import paths
from analysis.analyses import gaps
from analysis.analyses import profile as P
from analysis.errors import UserError
from analysis.present import profile_page as PP
from analysis.runner import Options, batch, run
from analysis.runner.config import Nav, load_config
from analysis.runner.pages import page_chars

pytestmark = pytest.mark.cost(20)  # rough seconds: scheduled early (conftest.py)

DUYUN = "522701"
CONFIG = """[[report]]
name = "county_profile"
notebook = "{notebook}"
title = "{{region_name}} {{region_name_en}}"
expand = {{ region_code = "@counties" }}
output = "county_profile_{{region_code}}"
batch = "analysis.present.profile_page"
"""
MODULE = "analysis.present.profile_page"


@pytest.fixture(scope="module")
def computed(ds):
    return P.compute(ds)


@pytest.fixture(scope="module")
def pages(computed) -> dict[str, str]:
    """Static pages (zh) of two counties and (en) of one, rendered in-process."""
    out = {}
    for lang, codes in (("zh", [DUYUN, "522732"]), ("en", [DUYUN])):
        ctx = PP.context(computed, lang)
        for code in codes:
            out[f"{lang}-{code}"] = PP.html(PP.build(ctx, code), lang)
    return out


def _data() -> str:
    return str(paths.data_dir(None))


def _run() -> dict[str, str]:
    """The runner's parameters of a default run (default data, default scope)."""
    return {"data_dir": _data(), "top": "", "level": "", "outputs_dir": ""}


def test_batch_profile_equals_the_notebook_computation_for_every_county(ds, computed):
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "")
    assert computed.spec.year == spec.year
    for code in ds.unit_codes:
        pd.testing.assert_frame_equal(P.profile(computed, code), gaps.profile(ds, code, spec))
    short = gaps.shortfall_table(ds, spec.year)
    pd.testing.assert_frame_equal(
        P.shortfall(computed, "522732"), short[short["region_code"] == "522732"]
    )


def test_summary_numbers_recomputed_by_hand(ds, computed, pages):
    """Rank = 1 + number of units with a higher index; below the standard = value on the
    wrong side of the top region's target (from the raw values, not the profile frame)."""
    spec = gaps.resolve(ds, 0, None, "minmax", "equal", "")
    index = gaps.development_index(ds, spec)["index"]
    for code in (DUYUN, "522732"):
        f = P.facts(computed, code)
        assert f.rank == 1 + int((index > index[code]).sum())
        assert f.n == len(ds.unit_codes) == 12
        assert (
            f.tier == gaps.tier_table(gaps.development_index(ds, spec), ds, spec).loc[code, "index"]
        )
        tg = gaps.targets(ds)
        v = ds.values(list(tg.index), spec.year).loc[code]
        direction = ds.indicators.set_index("id")["direction"]
        below = {
            i
            for i in tg.index
            if pd.notna(v[i]) and (v[i] > tg[i] if direction[i] == "lower" else v[i] < tg[i])
        }
        assert set(f.below) == below and f.n_standards == int(v.notna().sum())
        if below:  # largest relative gap
            pct = {i: abs(tg[i] - v[i]) / tg[i] for i in below}
            assert f.largest == max(pct, key=lambda i: pct[i])
        text = visible_text(pages[f"zh-{code}"])
        assert f"在全州12个县(市)中排第{f.rank}位" in text.replace("（", "(").replace("）", ")")
        score = f"{round(float(index[code]), 1):.1f}"
        assert f"综合发展指数为{score}" in text
        assert f"{len(below)}项低于标准" in text if below else "均已达到标准" in text


def test_page_heading_captions_tables_and_notes(ds, pages):
    zh = pages[f"zh-{DUYUN}"]
    assert re.search(r'<h1 id="s0">都匀市城乡社区服务发展概况</h1>', zh)
    assert "<title>都匀市城乡社区服务发展概况</title>" in zh
    captions = re.findall(r'class="caption">((?:图|表)\d+) ', zh)
    assert captions == ["表1", "图1", "表2", "表3"]  # numbered in reading order
    assert zh.count("data:image/png;base64,") == 1
    assert "资料来源" in zh and "示意数据" in zh
    assert external_resources(zh) == [] and truncated_tables(zh) == []
    text = visible_text(zh)
    for bad in ("02_county_gaps", "nan", "NaN", "-0.0", "region_code", "unit_median"):
        assert bad not in text, bad
    cells = re.findall(r"<td>(.*?)</td>", zh)
    assert cells and not [c for c in cells if re.fullmatch(r"-?\d+\.\d{4,}|[a-z]+_[a-z_]+", c)]
    # the county with no standard met ... and the English page: Chinese + English name
    en = pages[f"en-{DUYUN}"]
    assert re.search(r"<h1 [^>]*>都匀市 Duyun: community-service development profile</h1>", en)
    assert re.findall(r'class="caption">((?:Figure|Table) \d+) ', en) == [
        "Table 1",
        "Figure 1",
        "Table 2",
        "Table 3",
    ]
    # region words from the data set, not typed in
    assert "全州" in text and ds.whole_word("zh") == "全州"


def test_batch_pages_are_deterministic_and_bad_code_is_a_clear_error(tmp_path):
    items = [batch.Item("p1", DUYUN, "t", Nav()), batch.Item("p2", "522702", "t2", Nav())]
    first = batch.render_chunk(MODULE, _run(), {"lang": "zh"}, items)
    again = batch.render_chunk(MODULE, _run(), {"lang": "zh"}, items[::-1])  # cached
    assert [r["ok"] for r in first] == [True, True]
    assert {r["name"]: r["html"]["report"] for r in first} == {
        r["name"]: r["html"]["report"] for r in again
    }
    # (bytes equal across processes: test_runner_builds_profiles_in_one_batch)
    bad = batch.render_chunk(
        MODULE, _run(), {"lang": "zh"}, [batch.Item("x", "522799", "t", Nav())]
    )
    assert not bad[0]["ok"] and bad[0]["error"]["ename"] == "UserError"
    assert "522799" in bad[0]["error"]["evalue"] and "522701 都匀市" in bad[0]["error"]["evalue"]
    pref = batch.render_chunk(
        MODULE, _run(), {"lang": "zh"}, [batch.Item("y", "522700", "t", Nav())]
    )
    assert not pref[0]["ok"] and "522700" in pref[0]["error"]["evalue"]  # not a county-level unit
    with pytest.raises(UserError, match="522799"):
        P.profile(batch._PREPARED["context"].batch, "522799")


def test_every_cjk_character_of_a_page_is_in_the_batch_font_set(pages):
    chars = set(batch.font_chars(Path(_data()), [_task()]))
    for name, page in pages.items():
        missing = {c for c in page_chars(page) if CJK.match(c) and c not in chars}
        assert missing == set(), name


def test_batch_key_is_checked(tmp_path):
    from analysis.runner.config import parse_config

    nb = (paths.NOTEBOOKS_DIR / "county_profile.ipynb").as_posix()
    cfg = tmp_path / "r.toml"
    for bad in ('"yes"', "true", '"analysis.present.no_such_module"', '"os.path"'):
        cfg.write_text(CONFIG.format(notebook=nb).replace(f'"{MODULE}"', bad))
        with pytest.raises(UserError, match="batch"):
            parse_config(cfg)
    cfg.write_text(
        CONFIG.format(notebook=nb).replace('expand = { region_code = "@counties" }\n', "")
    )
    with pytest.raises(UserError, match="batch"):
        parse_config(cfg)


def test_runner_builds_profiles_in_one_batch(tmp_path):
    """analysis run (two counties, one worker process): pages, each embedding a font that
    covers its characters (no font file beside it), index with Chinese and English names,
    bytes equal to an in-process rendering, nothing rerun; the same bytes with
    ``--executor dask``."""
    from analysis.runner.fonts import covered

    cfg = tmp_path / "reports.toml"
    nb = (paths.NOTEBOOKS_DIR / "county_profile.ipynb").as_posix()
    two = 'expand = { region_code = ["522701", "522732"] }'
    cfg.write_text(
        CONFIG.format(notebook=nb).replace('expand = { region_code = "@counties" }', two),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    o = Options(config=cfg, outputs=out, jobs=1, progress=False, explore=False)
    s = run(o)
    assert not s.failed and len(s.built) == 2
    html = out / "html"
    assert not list(out.rglob("*.ipynb")) and not list(html.glob("*.full.html"))
    assert not list(html.glob("*.woff2"))
    for p in sorted(html.glob("county_profile_*.html")):
        page = p.read_text(encoding="utf-8")
        b64 = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
        font = covered(base64.b64decode(b64))
        assert {c for c in page_chars(page) if CJK.match(c) and ord(c) not in font} == set()
    index = unescape((html / "index.html").read_text(encoding="utf-8"))
    assert "都匀市 Duyun" in index and 'href="county_profile_522732.html"' in index
    # the same bytes as rendered here, from the runner's own task (title, neighbours)
    task = next(t for t in load_config(cfg, Path(_data())) if t.name.endswith(DUYUN))
    item = batch.Item(task.name, DUYUN, task.title, task.nav)
    params = {k: v for k, v in task.parameters.items() if k != "region_code"}
    mine = batch.render_chunk(MODULE, _run(), params, [item])
    assert mine[0]["html"]["report"] == (html / f"{task.name}.html").read_bytes()
    again = run(o)
    assert again.built == [] and len(again.skipped) == 2
    # the same pages from a dask.distributed cluster (one worker process)
    pytest.importorskip("dask.distributed")
    d = Options(config=cfg, outputs=tmp_path / "dask", jobs=1, progress=False, explore=False)
    d.executor = "dask"
    s2 = run(d)
    assert not s2.failed and sorted(s2.built) == sorted(s.built)
    for p in sorted(html.glob("county_profile_*.html")):
        assert (tmp_path / "dask" / "html" / p.name).read_bytes() == p.read_bytes()


def test_summary_and_figure_layout_independent_of_order(computed):
    """The canonical figure layout comes from the first unit, whatever was drawn before."""
    a = PP.context(computed, "zh")
    PP.figure_png(a, "522732")
    b = PP.context(computed, "zh")
    assert PP.figure_png(a, DUYUN) == PP.figure_png(b, DUYUN)
    assert np.isfinite(P.facts(computed, DUYUN).score)


def test_chunks_cover_every_task_once_grouped_by_parameters(tmp_path):
    from analysis.runner.config import Task

    nb = paths.NOTEBOOKS_DIR / "county_profile.ipynb"
    tasks = [
        Task(f"p_{lang}_{i:03d}", "r", "t", nb, {"region_code": f"{i:06d}", "lang": lang})
        for lang in ("zh", "en")
        for i in range(50)
    ]
    parts = batch.chunks(tasks, jobs=2)
    names = [it.name for _, items in parts for it in items]
    assert sorted(names) == sorted(t.name for t in tasks)  # each exactly once
    assert all(len({i.name.split("_")[1] for i in items}) == 1 for _, items in parts)
    assert all(p["lang"] == items[0].name.split("_")[1] for p, items in parts)
    sizes = [len(items) for _, items in parts]
    assert max(sizes) <= batch.CHUNK_MAX and sizes.count(1) <= 2  # a short last chunk per group
    assert len(parts) >= 8  # about four chunks per worker and group: two workers kept busy
    # a page title from reports.toml (not in the catalogue or the data) is in the font set
    titled = [Task("x", "r", "\u9f98 title", nb, {"region_code": "1"}, batch=MODULE)]
    assert "\u9f98" in batch.font_chars(Path(_data()), titled)
    assert "\u9f98" not in batch.font_chars(Path(_data()), [_task()])


def test_switching_batch_on_or_off_rebuilds_the_pages():
    from dataclasses import replace

    from analysis.runner import cache
    from analysis.runner.config import Task

    t = Task("p", "r", "t", paths.NOTEBOOKS_DIR / "county_profile.ipynb", {"region_code": "1"})
    key = cache.task_key(t, {}, "sha")
    assert cache.task_key(replace(t, batch=MODULE), {}, "sha") != key
    assert cache.task_key(replace(t), {}, "sha") == key


def _task():
    from analysis.runner.config import Task

    nb = paths.NOTEBOOKS_DIR / "county_profile.ipynb"
    return Task("p", "county_profile", "t", nb, {"region_code": DUYUN}, batch=MODULE)


def test_notebook_and_batch_call_the_same_builder(ds):
    """One county profile: the notebook's code and the batch both go through
    ``profile_page.prepare`` and ``profile_page.build``; the batch page is ``html`` of the
    blocks the notebook shows (same bytes)."""
    import nbformat

    nb = nbformat.read(paths.NOTEBOOKS_DIR / "county_profile.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "profile_page.prepare(" in code and "profile_page.build(ctx, code)" in code
    assert "profile.compute(" not in code  # no second path to the page's numbers
    ctx = PP.prepare(ds, lang="zh")
    blocks = PP.build(ctx, DUYUN)
    assert PP.page_html(ctx, DUYUN, title="t") == PP.html(blocks, "zh", title="t")
    item = batch.Item("p", DUYUN, "t", Nav())
    got = batch.render_chunk(MODULE, _run(), {"lang": "zh"}, [item])[0]
    head = batch.page_head()
    body = PP.html(blocks, "zh", title="t", head=head)
    top = batch.nav_bar(Nav()) + batch.toc(body)
    want = batch.embed_font(body.replace("<body>\n", "<body>\n" + top + "\n", 1))
    assert got["html"]["report"] == want.encode()


def test_ranks_shared_by_units_read_as_ties(computed):
    """Every county has 100 % rural facility coverage: its rank reads 均相同, not 1/12; a
    rank shared by some units reads 并列k/n; an unshared one k/n (counted by hand)."""
    ctx = PP.context(computed, "zh")
    ranks = ctx.batch.ranks
    for code in ranks.index:
        table = PP.indicator_table(ctx, code).set_index(PP.header("indicator", "zh"))
        col = table[PP.header("rank", "zh")]
        for ind in ranks.columns:
            col_r = ranks[ind].dropna()
            if code not in col_r.index:
                continue
            shared = int((col_r == col_r[code]).sum())
            cell = col[ctx.label_unit[ind]]
            if shared == len(col_r):
                assert cell == "均相同", (code, ind)
            elif shared > 1:
                assert cell == f"并列{int(col_r[code])}/{len(col_r)}", (code, ind)
            else:
                assert cell == f"{int(col_r[code])}/{len(col_r)}", (code, ind)
    assert ranks["rural_facility_coverage"].nunique() == 1  # the all-equal case is exercised
