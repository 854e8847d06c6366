"""The analysis command as a tool: light start, bilingual help, one clear message per misuse,
``analysis init`` for a new region."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def test_help_imports_no_heavy_library():
    """``analysis --help`` builds every subparser without pandas, nbformat or papermill."""
    code = (
        "import sys, analysis.cli as c; p = c.build_parser(); p.format_help();"
        "print(sorted(m for m in ('pandas', 'nbformat', 'papermill', 'numpy', 'jsonschema')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "[]"
