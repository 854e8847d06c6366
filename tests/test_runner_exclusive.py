"""Reports that share an ``exclusive`` name (04 and 07: each holds a large Word document in
memory) never run at the same time; the other reports take the free worker meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest

from analysis import paths
from analysis.errors import UserError
from analysis.runner import build as B
from analysis.runner import execute
from analysis.runner.config import Task, parse_config, parse_report
from analysis.runner.executors import Executor


class Threads(Executor):
    """The executor interface on threads: the scheduling of run_reports, without kernels."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pool = ThreadPoolExecutor(jobs)

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def as_completed(self, futures):
        return as_completed(futures)

    def close(self):
        self._pool.shutdown(wait=True)


def _task(name: str, exclusive: str = "") -> Task:
    return Task(name, name, name, Path(f"{name}.ipynb"), {}, exclusive=exclusive)


def test_exclusive_tasks_run_one_at_a_time_while_others_use_the_free_worker(monkeypatch):
    log: list[tuple[str, str]] = []
    lock = threading.Lock()
    d_done = threading.Event()

    def fake_run_task(task, run_params, env):
        with lock:
            log.append(("start", task.name))
        if task.name == "a":  # A holds its worker until D, queued behind B, has finished
            assert d_done.wait(timeout=60)
        with lock:
            log.append(("end", task.name))
        if task.name == "d":
            d_done.set()
        return task.name

    monkeypatch.setattr(execute, "run_task", fake_run_task)
    done: list[str] = []
    tasks = [_task("a", "word"), _task("b", "word"), _task("c"), _task("d")]
    with Threads(2) as ex:
        B.run_reports(ex, tasks, {}, lambda t, res: done.append(res))
    assert sorted(done) == ["a", "b", "c", "d"]
    # B waited for A although a worker was free: C, then D (listed after B) ran beside A
    assert log.index(("start", "b")) > log.index(("end", "a"))
    assert log.index(("end", "d")) < log.index(("end", "a"))


def test_a_failed_call_is_reported_and_the_rest_still_run(monkeypatch):
    def fake_run_task(task, run_params, env):
        if task.name == "a":
            raise RuntimeError("worker died")
        return task.name

    monkeypatch.setattr(execute, "run_task", fake_run_task)
    seen: dict[str, object] = {}
    with Threads(2) as ex:
        B.run_reports(
            ex, [_task("a", "w"), _task("b", "w")], {}, lambda t, r: seen.setdefault(t.name, r)
        )
    assert seen["b"] == "b"
    assert not seen["a"].ok and "worker died" in seen["a"].error["evalue"]


def test_the_project_runs_its_word_documents_one_at_a_time():
    specs = {s.name: s for s in parse_config(paths.PROJECT_ROOT / "reports.toml")}
    assert specs["04_plan_figures"].exclusive == specs["07_documents"].exclusive != ""
    others = [s for n, s in specs.items() if n not in ("04_plan_figures", "07_documents")]
    assert all(s.exclusive == "" for s in others)


def test_exclusive_must_be_a_string(tmp_path):
    (tmp_path / "n.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(UserError, match="exclusive"):
        parse_report({"name": "n", "notebook": "n.ipynb", "exclusive": 1}, "n", tmp_path)
