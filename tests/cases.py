"""Bad-input cases: the minimal valid data set with one case laid over it."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def make_case(case: str, dst: Path) -> Path:
    """The minimal valid data set with the bad-input case ``case`` laid over it."""
    shutil.copytree(FIXTURES / "minimal", dst)
    src = FIXTURES / "bad" / case
    for f in src.rglob("*"):
        rel = f.relative_to(src)
        if f.is_dir() or rel.name in ("expect.txt", "ops.txt"):
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dst / rel)
    ops = src / "ops.txt"
    if ops.exists():
        for line in ops.read_text().splitlines():
            verb, name = line.split()
            if verb == "DELETE":
                (dst / name).unlink()
    return dst
