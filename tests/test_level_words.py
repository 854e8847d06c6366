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
