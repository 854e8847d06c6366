"""One outputs folder per data set and scope, nothing stale, hand runs off the published
outputs, one executor interface, parameter overrides and the run command's misuse messages
(issues 22 items 2, 3 and 6; issue 23 item 4)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_runner import _main, make_notebook, make_project, opts

from analysis import paths
from analysis.errors import UserError
from analysis.runner import build as B
from analysis.runner import config as K
from analysis.runner.executors import Executor

pytestmark = pytest.mark.cost(40)  # rough seconds: scheduled early (conftest.py)

RUNNER = paths.PACKAGE_DIR / "runner"

# a notebook that publishes one figure named by its scope, and writes nothing else
WRITER = (
    "from pathlib import Path\n"
    "d = Path(outputs_dir) / 'figures'\n"
    "d.mkdir(parents=True, exist_ok=True)\n"
    "(d / f'fig_{top or \"all\"}_{stem}.txt').write_text(top)"
)


def _writer_project(tmp: Path, name: str, stem: str = "a") -> dict[str, Path]:
    p = make_project(tmp / name)
    make_notebook(p["notebooks"] / "writer.ipynb", f'outputs_dir = ""\nstem = "{stem}"', [WRITER])
    p["config"].write_text(
        '[[report]]\nname = "writer"\nnotebook = "notebooks/writer.ipynb"\n'
        'products = ["figures"]\n',
        encoding="utf-8",
    )
    return p


def _tree(root: Path) -> dict[str, bytes]:
    return {
        f.relative_to(root).as_posix(): f.read_bytes()
        for f in sorted(root.rglob("*"))
        if f.is_file() and ".runner" not in f.parts
    }


def test_each_data_set_and_scope_builds_into_its_own_folder(tmp_path, monkeypatch):
    base = tmp_path / "outputs"
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(base))
    first = _writer_project(tmp_path, "first")
    other = _writer_project(tmp_path, "other")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(first["data"]))  # the default data set
    a = B.run(B.Options(config=first["config"], progress=False, explore=False, jobs=1))
    assert a.built == ["writer"] and a.outputs == base
    before = _tree(base)
    assert [k for k in before if k.startswith("figures/")] == ["figures/fig_all_a.txt"]

    # another data set, scoped to a prefecture: its own folder, the first one untouched
    b = B.run(
        B.Options(
            config=other["config"],
            data_dir=other["data"],
            top="522700",
            progress=False,
            explore=False,
            jobs=1,
        )
    )
    assert b.built == ["writer"] and b.outputs == base / "data-522700"
    assert {k: v for k, v in _tree(base).items() if not k.startswith("data-522700/")} == before
    own = _tree(b.outputs)
    assert sorted(k for k in own if not k.startswith(("html/", "notebooks/"))) == [
        "figures/fig_522700_a.txt",
        "manifest.json",
    ]
    assert own["figures/fig_522700_a.txt"] == b"522700"  # the scope reached the notebook
    assert sorted(k for k in own if k.startswith(("html/", "notebooks/"))) == [
        "html/index.html",
        "html/writer.full.html",
        "html/writer.html",
        "notebooks/writer.ipynb",
    ]
    # the saved notebook shows the scope, not the local folders
    saved = own["notebooks/writer.ipynb"].decode("utf-8")
    assert "522700" in saved and str(tmp_path) not in saved

    # figures are written afresh: a rebuild leaves exactly its own files, nothing stale
    (base / "figures" / "left_over.txt").write_text("old", encoding="utf-8")
    make_notebook(first["notebooks"] / "writer.ipynb", 'outputs_dir = ""\nstem = "b"', [WRITER])
    assert B.run(B.Options(config=first["config"], progress=False, explore=False)).built == [
        "writer"
    ]
    assert sorted(f.name for f in (base / "figures").iterdir()) == ["fig_all_b.txt"]
    assert _tree(b.outputs) == own  # the other build's folder untouched


def test_a_notebook_run_by_hand_writes_nothing_under_outputs(tmp_path, monkeypatch):
    import pandas as pd

    from analysis.present import datatables

    out = tmp_path / "outputs"
    monkeypatch.setenv("ANALYSIS_OUTPUTS_DIR", str(out))
    monkeypatch.setattr(paths, "_PUBLISH", [])  # a fresh kernel
    monkeypatch.setattr(paths, "scratch_dir", lambda: tmp_path / "scratch")
    frame = pd.DataFrame({"region_code": ["1"], "value": [1.5]})
    # no outputs_dir parameter (JupyterLab, nbclient): the notebook's use_outputs("")
    assert paths.use_outputs("") == tmp_path / "scratch"
    written = datatables.write_table(frame, "01_baseline", "baseline")
    assert written == tmp_path / "scratch" / "data" / "01_baseline" / "baseline.csv"
    assert not out.exists()
    # a script that never called use_outputs does not publish either
    monkeypatch.setattr(paths, "_PUBLISH", [])
    assert datatables.data_dir("x") == tmp_path / "scratch" / "data" / "x"
    # the runner's parameter publishes into its outputs folder
    assert paths.use_outputs(str(out)) == out.resolve()
    assert datatables.data_dir("x") == out.resolve() / "data" / "x"


def test_every_report_notebook_declares_and_uses_the_runner_parameters():
    """Scope and folders reach the notebooks as parameters (no environment variable)."""
    import nbformat

    tasks = K.load_config(paths.PROJECT_ROOT / "reports.toml", paths.data_dir())
    for nb_path in sorted({t.notebook for t in tasks}):
        declared = K.notebook_params(nb_path)
        assert {"data_dir", "top", "level", "outputs_dir"} <= set(declared), nb_path.name
        code = "\n".join(
            c.source for c in nbformat.read(nb_path, as_version=4).cells if c.cell_type == "code"
        )
        if "report.open(" in code:  # section calls: present/reports/page.dataset loads
            for name in ("data_dir", "top", "level", "outputs_dir"):
                assert f"{name}={name}" in code, (nb_path.name, name)
        else:
            assert "top=top or None, unit_level=level or None" in code, nb_path.name
            assert "paths.use_outputs(outputs_dir)" in code, nb_path.name
        assert "ANALYSIS_" not in code, nb_path.name
    for f in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        text = f.read_text(encoding="utf-8")
        assert "ANALYSIS_TOP" not in text and "ANALYSIS_LEVEL" not in text, f


# ---------------------------------------------------------------------------------------
# one executor interface


def _calls_outside_executors(name: str) -> list[str]:
    """Runner modules (outside runner/executors/) that call ``name`` (e.g. a pool class)."""
    found = []
    for f in sorted(RUNNER.rglob("*.py")):
        if "executors" in f.parts:
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                fn = node.func
                called = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if called == name:
                    found.append(f.name)
    return found


def test_worker_pools_are_created_only_by_the_executors():
    for name in ("ProcessPoolExecutor", "Client", "LocalCluster", "Pool", "get_context"):
        assert _calls_outside_executors(name) == [], name


def test_local_workers_start_in_the_environment_and_folder_of_their_run(tmp_path, monkeypatch):
    """Workers forked from a server started by an earlier run still see this run's
    environment and working directory, as freshly spawned workers would."""
    from analysis.runner.executors import open_executor

    for value in ("first", "second"):
        monkeypatch.setenv("ANALYSIS_TEST_MARK", value)
        folder = tmp_path / value
        folder.mkdir()
        monkeypatch.chdir(folder)
        with open_executor("local", 1) as ex:
            assert ex.submit(os.getenv, "ANALYSIS_TEST_MARK").result() == value
            assert ex.submit(os.getcwd).result() == str(folder)


class Recording(Executor):
    """An in-process executor recording every function submitted to it."""

    instances: list[Recording] = []

    def __init__(self, *args, **kw):
        self.jobs = 1
        self.submitted: list[str] = []
        Recording.instances.append(self)

    def submit(self, fn, *args):
        from concurrent.futures import Future

        from analysis.runner.execute import Result

        self.submitted.append(fn.__name__)
        fut: Future = Future()
        if fn.__name__ == "run_task":
            task = args[0]
            fut.set_result(Result(task.name, True, 0.1, b"{}", {"report": b"r", "full": b"f"}))
        else:  # render_chunk(module, run_params, params, items)
            fut.set_result(
                [
                    {"name": i.name, "ok": True, "duration": 0.1, "html": {"report": b"p"}}
                    for i in args[3]
                ]
            )
        return fut

    def as_completed(self, futures):
        return iter(futures)

    def close(self):
        pass


def test_reports_and_batch_pages_go_to_the_same_executor(tmp_path, monkeypatch):
    p = make_project(tmp_path)
    nb = paths.NOTEBOOKS_DIR / "county_profile.ipynb"
    p["config"].write_text(
        p["config"].read_text(encoding="utf-8")
        + f'\n[[report]]\nname = "cp"\nnotebook = "{nb.as_posix()}"\n'
        'expand = { region_code = ["522701"] }\nbatch = "analysis.present.profile_page"\n',
        encoding="utf-8",
    )
    Recording.instances = []
    monkeypatch.setattr(B, "open_executor", lambda *a, **kw: Recording())
    s = B.run(opts(p, jobs=2))
    assert not s.failed and "cp_522701" in s.built and "overview" in s.built
    assert len(Recording.instances) == 1  # one executor for the whole run
    assert set(Recording.instances[0].submitted) == {"run_task", "render_chunk"}


# ---------------------------------------------------------------------------------------
# -p NAME=VALUE and --parameters FILE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scale=2", ("scale", 2)),
        ("scale = 2.5", ("scale", 2.5)),
        ("lang=en", ("lang", "en")),  # not a TOML literal: a string
        ('lang="en"', ("lang", "en")),
        ("flag=true", ("flag", True)),
        ("values={a = 1}", ("values", {"a": 1})),
        ("codes=[1, 2]", ("codes", [1, 2])),
    ],
)
def test_parameter_assignments_are_toml_literals_or_strings(text, expected):
    assert K.parse_assignment(text) == expected


def test_overrides_reach_the_tasks_and_bad_ones_exit_2(tmp_path, capsys):
    p = make_project(tmp_path)
    tasks = K.load_config(p["config"], p["data"], overrides={"scale": 2.0})
    assert {t.parameters["scale"] for t in tasks} == {2.0}
    # the expanded region stays expanded
    assert [t.parameters["region_code"] for t in tasks if t.report == "profile"] == [
        "522701",
        "522702",
        "522703",
    ]
    for args, zh, en in (
        (["-p", "scael=2"], "没有哪个报告", "declares the parameter scael"),
        (["-p", "scale=abc"], "scale", "scale"),  # a string for a float parameter
        (["-p", "top=522700"], "由运行器设置", "set by the runner"),
        (["-p", "noequals"], "名称=值", "NAME=VALUE"),
    ):
        assert _main(p, *args) == 2, args
        err = capsys.readouterr().err
        assert zh in err and en in err and "Traceback" not in err, args
    f = tmp_path / "params.toml"
    f.write_text("scale = 3\n", encoding="utf-8")
    assert _main(p, "--parameters", str(f), "--dry-run") == 0
    f.write_text("scale = \n", encoding="utf-8")
    assert _main(p, "--parameters", str(f), "--dry-run") == 2
    assert "params.toml" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------
# misuse of the run command


def test_unreachable_scheduler_says_so(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")
    from analysis.runner.executors import dask as D

    monkeypatch.setattr(D, "CONNECT_TIMEOUT", "1s")  # nothing listens: no need to wait 5 s
    p = make_project(tmp_path)
    assert _main(p, "--scheduler", "tcp://127.0.0.1:9", "--only", "overview") == 1
    err = capsys.readouterr().err
    assert "调度器" in err and "cannot reach the dask scheduler tcp://127.0.0.1:9" in err
    assert "cannot write" not in err and "Traceback" not in err


def test_scheduler_implies_dask_and_contradicts_local(tmp_path, capsys):
    assert B.resolve_executor(B.Options(scheduler="tcp://x:1")) == "dask"
    assert B.resolve_executor(B.Options()) == "local"
    p = make_project(tmp_path)
    assert _main(p, "--executor", "local", "--scheduler", "tcp://x:1") == 2
    assert "--executor dask" in capsys.readouterr().err
    assert not p["outputs"].exists()


def test_a_typo_among_thousands_of_names_gives_a_short_message():
    names = [f"county_profile_{i:06d}" for i in range(3000)]
    text = K.unknown_closest("kinds.report", "county_profile_00012x", names).message()
    assert len(text) < 1500 and "county_profile_000212" in text and "3000" in text
    tasks = [K.Task(n, "county_profile", "t", Path("x.ipynb"), {}) for n in names]
    with pytest.raises(UserError) as err:
        K.select(tasks, ["county_profle"])
    assert len(err.value.message()) < 1500 and "county_profile" in err.value.message()


def test_dry_run_into_a_closed_pipe_gives_no_traceback(tmp_path):
    p = make_project(tmp_path)
    # 5,000 counties: more output than a pipe holds, so the writer meets the closed pipe
    rows = ["code,name_zh,name_en,level,parent_code,group", "1,P,P,prefecture,,"]
    rows += [f"{100000 + i},C,C,county,1,county" for i in range(5000)]
    (p["data"] / "regions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(paths.PACKAGE_DIR.parent)}
    cmd = [sys.executable, "-m", "analysis.runner", "run", "--dry-run"]
    cmd += ["--config", str(p["config"]), "--data", str(p["data"])]
    cmd += ["--outputs-dir", str(p["outputs"])]
    shell = " ".join(f"'{c}'" for c in cmd) + " | head -1"
    proc = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, env=env)
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_quiet_prints_failures_only_and_verbose_every_report(tmp_path):
    from analysis.runner import format_summary

    err = {"cell_index": 4, "exec_count": 4, "ename": "E", "evalue": "v", "source_line": "x"}
    s = B.Summary(built=["a"], skipped=["b"], failed={"c": err}, seconds=1.0)
    quiet = format_summary(s, tmp_path, verbosity=0)
    assert quiet.splitlines()[1:] == ["  c: cell 4 (In [4]): E: v  <- x"]
    assert format_summary(B.Summary(built=["a"]), tmp_path, verbosity=0) == ""
    loud = format_summary(s, tmp_path, verbosity=2)
    assert "  built a" in loud and "  skip  b" in loud and "  c: cell 4" in loud
    assert "built a" not in format_summary(s, tmp_path)
