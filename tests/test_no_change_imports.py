"""A no-change ``analysis run`` imports no plotting or statistics library: the explorer page's
up-to-date check and the runner's plan need neither (the analyses are imported only when a
page is to be built)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "matplotlib", "statsmodels", "papermill")


def test_runner_and_explorer_check_import_no_heavy_library():
    code = (
        "import json, sys\n"
        "import analysis.runner.build\n"
        "from analysis.present.explore import write_explore_page\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_font_subset_is_cut_once_and_read_back_identical(tmp_path, monkeypatch):
    from analysis.runner import fonts

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    first = fonts.subset_woff2("黔南州社区")
    kept = list((tmp_path / "fonts").glob("*.woff2"))
    assert len(kept) == 1 and kept[0].read_bytes() == first
    monkeypatch.setattr(fonts, "_cut", lambda *a, **k: b"cut again")  # must not be called
    assert fonts.subset_woff2("区社州南黔") == first  # same characters, any order
    assert {ord(c) for c in "黔南州社区"} <= fonts.covered(first)
