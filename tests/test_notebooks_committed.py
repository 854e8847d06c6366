"""Every committed notebook: no outputs, exactly one `parameters` cell holding literals only,
and `lang` (not `language`) as the language parameter."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean_with_one_literal_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    names = set()
    for node in ast.parse(params[0].source).body:
        assert isinstance(node, ast.Assign | ast.AnnAssign), ast.dump(node)[:80]
        value = node.value
        assert value is not None
        ast.literal_eval(value)  # raises ValueError if not a literal
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    assert "language" not in names, "the language parameter is called `lang`"


def test_every_notebook_is_executed_once_by_papermill_tests_or_nbval():
    """A notebook nbval skips (EXECUTED_IN_TESTS in the root conftest) must be executed by a
    papermill test; every other notebook is run by nbval."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("root_conftest", root / "conftest.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    tests = {p.name: p.read_text(encoding="utf-8") for p in (root / "tests").glob("test_*.py")}
    names = {p.stem for p in NOTEBOOKS}
    assert names >= mod.EXECUTED_IN_TESTS
    for stem in mod.EXECUTED_IN_TESTS:
        users = [n for n, text in tests.items() if stem in text and "execute_notebook" in text]
        assert users, f"{stem} is skipped by nbval but no papermill test executes it"
