"""The message catalogue: one place for every reader-facing string (zh + en)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from analysis import messages
from analysis.errors import UserError, check_lang

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "analysis"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def test_every_entry_has_both_languages_and_same_fields():
    cat = messages.catalogue()
    assert len(cat) > 20
    fields = re.compile(r"\{(\w+)[^}]*\}")
    for key, entry in cat.items():
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert set(fields.findall(entry["zh"])) == set(fields.findall(entry["en"])), key


def test_lookup_formats_fields_and_rejects_unknown_keys():
    assert messages.t("common.no_data", "en") == "No data"
    assert messages.t("common.no_data") == "无数据"
    msg = messages.t("common.unknown_choice", "en", kind="x", bad="b", valid="v")
    assert msg == "Unknown x: b. Valid xs: v"
    with pytest.raises(messages.CatalogueError):
        messages.t("common.no_such_key", "zh")


def test_bad_language_is_a_user_error():
    with pytest.raises(UserError) as e:
        check_lang("fr")
    assert "fr" in e.value.zh and "language" in e.value.en


def test_no_chinese_text_outside_the_catalogue():
    """Every module outside analysis/messages is free of CJK characters (code, strings,
    comments and docstrings alike): reader-facing text is looked up with ``t``."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "messages" in path.relative_to(SRC).parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CJK.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:60]}")
    assert not offenders, "\n".join(offenders[:40]) + f"\n({len(offenders)} lines)"


def _literal_keys(tree: ast.AST) -> set[str]:
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in {"t", "pair", "user_error"} and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
    return keys


def test_every_literal_key_used_in_code_and_notebooks_exists():
    used: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        used |= _literal_keys(ast.parse(path.read_text(encoding="utf-8")))
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                try:
                    used |= _literal_keys(ast.parse(src))
                except SyntaxError:  # IPython magics
                    continue
    missing = sorted(k for k in used if "." in k and not messages.has(k))
    assert not missing, missing


def test_no_language_ternaries_outside_the_catalogue():
    """``x if lang == "zh" else y`` is what the catalogue replaces."""
    pattern = re.compile(r"""if\s+(lang|language)\s*==\s*["'](zh|en)["']\s+else""")
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        offenders += [f"{nb.name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, offenders
