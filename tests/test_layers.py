"""Wording at one seam: ``analyses`` and ``methods`` return numbers and codes only.

No function there takes a ``lang`` parameter (reader-facing words are made in
``analysis.present.words``); the import side is enforced by import-linter (pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "analysis"
NUMBER_LAYERS = ("analyses", "methods")


def lang_parameters(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, function name) of every function or lambda with a parameter named ``lang``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            a = node.args
            names = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
            names += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
            if "lang" in names:
                found.append((node.lineno, getattr(node, "name", "<lambda>")))
    return found


def test_the_check_finds_a_lang_parameter():
    code = "def f(x, lang='zh'):\n    pass\nclass C:\n    def g(self, *, lang):\n        pass\n"
    assert lang_parameters(ast.parse(code)) == [(1, "f"), (4, "g")]
    assert lang_parameters(ast.parse("def f(language):\n    pass\n")) == []


@pytest.mark.parametrize("layer", NUMBER_LAYERS)
def test_no_lang_parameter_in_number_layers(layer):
    files = sorted((SRC / layer).rglob("*.py"))
    assert files
    bad = [
        f"{f.relative_to(SRC)}:{line} {name}"
        for f in files
        for line, name in lang_parameters(ast.parse(f.read_text(encoding="utf-8")))
    ]
    assert not bad, "functions with a lang parameter (move them to present/words): " + ", ".join(
        bad
    )
