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


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_subcommand_and_argument_has_bilingual_help():
    import argparse

    from analysis.cli import build_parser

    parsers = [("analysis", build_parser())]
    seen = set()
    while parsers:
        name, parser = parsers.pop()
        seen.add(name)
        assert _cjk(parser.description or ""), name
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:  # the listing in the parent's help
                    assert _cjk(choice.help) and " / " in choice.help, (name, choice.dest)
                parsers += [(f"{name} {k}", p) for k, p in action.choices.items()]
            else:
                text = action.help or ""
                assert _cjk(text) and " / " in text, (name, action.dest, text)
    assert {"analysis validate", "analysis template", "analysis import", "analysis data"} <= seen
    assert {"analysis data illustrate", "analysis init", "analysis run"} <= seen


def _bilingual_exit_2(argv, capsys, *words):
    from analysis.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert _cjk(err)
    for w in words:
        assert w in err, (w, err)
    return err


def test_misuse_gives_one_bilingual_message_and_exit_2(tmp_path, capsys):
    _bilingual_exit_2([], capsys, "analysis validate")
    _bilingual_exit_2(["data"], capsys, "analysis data illustrate", "子命令")
    _bilingual_exit_2(["validate", "--bogus"], capsys, "--bogus", "invalid command line")
    out = tmp_path / "x.csv"
    _bilingual_exit_2(["template", "--out", str(out)], capsys, ".xlsx", "x.csv")
    assert not out.exists()


def test_init_writes_a_skeleton_that_validate_explains(tmp_path, capsys):
    from analysis import paths
    from analysis.cli import SKELETON_HEADERS, main

    root = tmp_path / "new"
    assert main(["init", str(root)]) == 0
    assert "README.md" in capsys.readouterr().out
    assert (root / "indicators.csv").read_bytes() == (
        paths.PROJECT_ROOT / "data" / "indicators.csv"
    ).read_bytes()
    for name, header in SKELETON_HEADERS.items():
        assert (root / name).read_text(encoding="utf-8") == header + "\n"
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "regions.csv" in readme and _cjk(readme) and "What to fill" not in readme
    assert "analysis validate --data" in readme and "observations/" in readme
    # regions.csv is the one file that must hold rows: named, with the README; sources,
    # targets and observations may stay empty until the template fills them
    err = _bilingual_exit_2(["validate", "--data", str(root)], capsys, "README.md")
    assert "regions.csv" in err
    for name in ("sources.csv", "targets.csv", "observations/observations.csv"):
        assert name not in err
    # a second init over it (or any non-empty folder) writes nothing
    before = sorted(p.name for p in root.rglob("*"))
    _bilingual_exit_2(["init", str(root)], capsys, str(root))
    assert sorted(p.name for p in root.rglob("*")) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["init", str(empty)]) == 0  # an empty folder is fine
    _bilingual_exit_2(
        ["init", str(tmp_path / "b"), "--indicators", str(tmp_path / "no.csv")],
        capsys,
        "no.csv",
        "--indicators",
    )


def test_installed_package_finds_data_in_the_working_directory(tmp_path):
    """Installed as a wheel (the package outside a checkout), the root is the current
    directory: ``./data`` is the default and a missing one is a clear error."""
    import shutil

    site = tmp_path / "site-packages"
    shutil.copytree(SRC / "analysis", site / "analysis")
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    code = "from analysis import paths; print(paths.PROJECT_ROOT); print(paths.data_dir())"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == [str(work.resolve()), str(work.resolve() / "data")]
    run = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "validate"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert str(work.resolve() / "data") in run.stderr and "--data" in run.stderr
    shutil.copytree(SRC.parent / "tests" / "fixtures" / "minimal", work / "data")
    run = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "validate"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "Data OK" in run.stdout


def test_notebooks_name_the_kernel_make_setup_installs():
    """Every notebook runs on the project's named kernel, which ``make setup`` installs into
    the venv (--sys-prefix) and ``make lab`` starts even as root."""
    import re

    import nbformat

    root = SRC.parent
    make = (root / "Makefile").read_text(encoding="utf-8")
    kernel = re.search(r"^KERNEL\s*:=\s*(\S+)", make, re.M)
    assert kernel is not None
    assert "ipykernel install --sys-prefix --name $(KERNEL)" in make
    assert re.search(r"^setup:.*\$\(KERNEL_SPEC\)", make, re.M)
    assert re.search(r"^\t\$\(BIN\)/jupyter lab \$\(ROOT_FLAG\) ", make, re.M)
    assert "--allow-root" in make
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
        assert spec["name"] == kernel.group(1), path.name
