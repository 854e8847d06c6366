"""No Chinese level word (全州, 全省, 县(市) ...) is written into code: the words for "the whole
region" and "the units" come from the data set (``Dataset.whole_word``, ``units_word``,
catalogue ``regions.*``), so a report on a province never says 全州 (issue 15).

``test_messages.test_no_chinese_text_outside_the_catalogue`` already rejects every CJK
character in the raw text of ``src/**/*.py``; these tests add what it cannot see: string
constants spelled with escapes (``"\\u5168\\u5dde"``), and the notebooks' code and text.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "analysis"
NOTEBOOKS = ROOT / "notebooks"
HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # ideographs (punctuation may be escaped)
# level words for the region analysed or its units; 州/省 alone only in level compounds
LEVEL_WORDS = re.compile(
    r"全州|全省|全市|全国|全区|全县|地州|本州|州级|州内|省内|"
    r"县[(（]市[)）、]|县[(（]市、区[)）]|县[(（]区[)）]"
)
# phrases that name something national, not the region analysed
NOT_LEVEL = ("全国序列", "全国标准", "全国平均")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((getattr(node, "lineno", 0), node.value))
    return out


def _level_words(text: str) -> list[str]:
    for phrase in NOT_LEVEL:
        text = text.replace(phrase, "")
    return LEVEL_WORDS.findall(text)


def test_level_words_are_recognised():
    assert _level_words("全州合计, 各县（市）与县(市、区)") == ["全州", "县（市）", "县(市、"]
    assert _level_words("一条真实的全国序列; 省级民主法治示范村") == []


def test_no_chinese_in_python_string_constants_even_escaped():
    """A string constant's value (escapes decoded) holds no Chinese character outside the
    catalogue (full-width punctuation such as captions' brackets is allowed)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "messages" in path.relative_to(SRC).parts:
            continue
        for line, value in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if HANZI.search(value):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {value[:40]!r}")
    assert not offenders, "\n".join(offenders)


def _cells(nb: Path) -> list[dict]:
    return json.loads(nb.read_text(encoding="utf-8"))["cells"]


def test_no_level_word_in_notebook_code_cells():
    """Code cells print words from the data set or the catalogue, never typed level words."""
    offenders = []
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        for i, cell in enumerate(_cells(nb)):
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            try:
                texts = [v for _, v in _strings(ast.parse(src))]
            except SyntaxError:  # IPython magics: check the raw text
                texts = []
            found = _level_words(src) + [w for v in texts for w in _level_words(v)]
            if found:
                offenders.append(f"{nb.name} cell {i}: {sorted(set(found))}")
    assert not offenders, "\n".join(offenders)


def test_no_level_word_in_notebook_text():
    """Markdown cells are static: a level word there is wrong for any other region (a
    province would read 全州). The list below names every notebook and cell to fix."""
    offenders: dict[str, list[str]] = {}
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        for i, cell in enumerate(_cells(nb)):
            if cell["cell_type"] == "markdown":
                found = _level_words("".join(cell["source"]))
                if found:
                    offenders.setdefault(nb.name, []).append(f"cell {i}: {sorted(set(found))}")
    listing = [f"{name}: {'; '.join(cells)}" for name, cells in offenders.items()]
    assert not offenders, "level words in notebook text:\n" + "\n".join(listing)


# --- the message catalogue ---------------------------------------------------------------

MESSAGES = SRC / "messages"
# fixed level words a catalogue entry must not contain (regions.toml excepted: it is where the
# words come from); half- and full-width brackets alike
CATALOGUE_LEVEL_WORDS = re.compile(
    r"全州|全省|全市|全国|全域|全区|全县|地州|各县|县际|县级|本州|州级|"
    r"县[(（]市|市[(（]州|州[(（]市|省[(（]区"
)
# entries that may keep a level word, with the reason
ALLOWED = {
    "evaluation.national_title": "全国 names the real national series, not the region analysed",
    "evaluation.series_table": "全国 names the real national series, not the region analysed",
    "evaluation.no_series": "全国序列: the real national series file",
    "findings_next.methods": "全国序列: the real national series used to test the method",
    "explore.level_country": "the name of a tree level in the explorer's level selector",
    "explore.level_prefecture": "the name of a tree level in the explorer's level selector",
    "explore.level_county": "the name of a tree level in the explorer's level selector",
}


def _catalogue_entries() -> dict[str, dict[str, str]]:
    import tomllib

    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: dict) -> None:
        for k, v in table.items():
            if isinstance(v, dict) and "zh" in v:
                out[f"{prefix}{k}"] = v
            elif isinstance(v, dict):
                walk(f"{prefix}{k}.", v)

    for path in sorted(MESSAGES.glob("*.toml")):
        if path.stem != "regions":
            walk(f"{path.stem}.", tomllib.loads(path.read_text(encoding="utf-8")))
    return out


def test_catalogue_level_pattern_can_fail():
    assert CATALOGUE_LEVEL_WORDS.findall("全州合计；各县（市）；县(市、区)；市（州）；县际") == [
        "全州",
        "各县",
        "县(市",
        "市（州",
        "县际",
    ]
    assert not CATALOGUE_LEVEL_WORDS.search("{whole}合计；各{units}；示例县{i}")


def test_no_fixed_level_word_in_the_catalogue():
    """Outside regions.toml no zh entry names a level: the words come from the data set as
    the fields ``{whole}`` (``Dataset.whole_word``) and ``{units}`` (``Dataset.units_word``)."""
    entries = _catalogue_entries()
    assert set(ALLOWED) <= set(entries), set(ALLOWED) - set(entries)  # no stale allowances
    offenders = [
        f"{key}: {sorted(set(CATALOGUE_LEVEL_WORDS.findall(v['zh'])))} {v['zh'][:50]!r}"
        for key, v in entries.items()
        if key not in ALLOWED and CATALOGUE_LEVEL_WORDS.search(v["zh"])
    ]
    assert not offenders, "fixed level words in the catalogue:\n" + "\n".join(offenders)


def test_units_words_use_full_width_brackets():
    """Official Chinese text writes 县（市）: every zh units word of regions.toml with brackets
    has full-width ones."""
    import tomllib

    regions = tomllib.loads((MESSAGES / "regions.toml").read_text(encoding="utf-8"))
    units = {k: v["zh"] for k, v in regions.items() if k.startswith("units_")}
    assert units["units_counties"] == "县（市）" and units["units_prefectures"] == "市（州）"
    assert not [w for w in units.values() if "(" in w or ")" in w], units


# --- behaviour: a province with prefectures as units -------------------------------------


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    from analysis.data import load, synthetic

    root = synthetic.write_tree(tmp_path_factory.mktemp("level_words") / "data", levels=(5, 40))
    return load(root, unit_level="prefecture")


def test_province_words_come_from_the_data(province):
    ds = province
    assert ds.whole_word("zh") == "全省" and ds.units_word("zh") == "市（州）"
    assert ds.whole_word("en") == "the province" and ds.units_word("en") == "prefectures"


def _texts(frame) -> list[str]:
    return [str(c) for c in frame.columns] + [str(frame.index.name or "")]


WRONG = ("全州", "县(市)", "县（市）", "各县", "县级", "县际")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gap_tables_of_a_province_name_its_prefectures(province, lang):
    from analysis.analyses import gaps
    from analysis.present.words import gaps as gap_words

    ds = province
    spec = gaps.resolve(ds, None, grouping=None)
    prof = gaps.profile(ds, ds.unit_codes[0], spec)
    heads = _texts(gap_words.display(prof, ds, lang)) + _texts(gap_words.reading(prof, ds, lang))
    index = gap_words.reading(gaps.development_index(ds, spec), ds, lang)
    heads += _texts(index)
    text = " ".join(heads + [gap_words.describe(ds, spec, lang)])
    if lang == "zh":
        assert "全省" in heads and "市（州）中位数" in heads and "市（州）" in heads
        assert "个市（州）" in text
        assert not [w for w in WRONG if w in text], text
    else:
        assert "The province" in heads and "Median of the prefectures" in heads
        assert "Prefectures" in heads
        assert "county" not in text.lower() and "counties" not in text.lower(), text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_captions_and_tables_of_a_province_name_its_prefectures(province, lang):
    """The plan figure set on the province (units: its 5 prefectures): captions, notes and
    table headers say 全省 and 市（州）, never 全州 or 县（市） (in English: the province and
    the prefectures, never counties)."""
    from analysis.present import plan_figures

    items = plan_figures.build(province, "all", lang)
    try:
        texts = [f"{i.caption} {i.note}" for i in items]
        texts += [" ".join(map(str, i.table.frame.columns)) for i in items if i.table is not None]
        text = " ".join(texts)
        split = next(i for i in items if i.key.startswith("next_targets_"))
        if lang == "zh":
            assert not [w for w in WRONG if w in text], [
                x for x in texts if any(w in x for w in WRONG)
            ]
            assert "各市（州）" in text and "低于全省水平" in text
            assert "最后一行为全省合计" in split.note, split.note  # the province total
        else:
            assert "count" not in text.lower(), [x for x in texts if "count" in x.lower()]
            assert "of the prefectures" in text and "the level of the province" in text
            assert "the total for the province" in split.note, split.note
    finally:
        plan_figures.close(items)
