"""environment.yml lists the same packages as pyproject.toml (runtime + dev)."""

from __future__ import annotations

import re
import tomllib

from analysis import paths


def _norm(req: str) -> str:
    return re.sub(r"\s+", "", req).lower()


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_norm(r) for r in py["dependencies"] + py["optional-dependencies"]["dev"]}
    env = (paths.PROJECT_ROOT / "environment.yml").read_text()
    listed = {_norm(m) for m in re.findall(r"^      - (?!-e )(.+)$", env, flags=re.M)}
    assert listed == wanted
    assert "python=3.11" in env
