"""Incremental builds: a report's key is the SHA-256 of everything that can change its output.

key = sha256(notebook bytes, parameters, data it reads, src/analysis, dependency versions,
runner format version, the page's title and its previous/next links). A report is
skipped when its key equals the recorded key of its last successful build and the
recorded outputs still exist with their recorded sizes.

Which data a report reads (``reads`` in reports.toml):

- ``"all"`` (default): every file under the data directory (whole-file hashes).
- ``["*.csv", "observations/*.csv"]``: the files matching these glob patterns (relative to
  the data directory, ``Path.glob`` semantics: ``*`` stays in one folder), whole.
- ``"region"``: every file outside ``observations/`` (regions, indicators, targets,
  sources, geo, ...) whole, plus, from each ``observations/*.csv``, only the rows whose
  ``region_code`` is the report's region or one of its ancestors (e.g. the prefecture).
  A file with none of those rows does not enter the key. So a change to county A's rows
  (in a topic file or in a per-county file) reruns the reports that read everything and
  A's own report, but not county B's. This is honest only for notebooks whose output
  depends on nothing but their region's (and its parents') rows; benchmarks/regenerate.py
  checks it by comparing against a forced rebuild.

Records (one JSON per report) live in ``outputs/.runner/records/``. A run removes the
outputs and record of every report that its configuration no longer lists (``prune``): a
county profile of another data set, or of a county outside ``--top``, leaves no stale page.
The scope (``--top``/``--level``) enters every key (``scope_inputs``); it reaches the
notebooks as their ``top`` and ``level`` parameters (``build.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.runner.config import Task

if TYPE_CHECKING:
    from analysis.data import Dataset

FORMAT_VERSION = "runner-2"  # bump when the runner's output format changes
OBS_DIR = "observations"
# packages whose versions enter every key (besides the project's own dependencies)
EXTRA_PACKAGES = ("numpy", "ipykernel", "jupyter_client", "nbclient", "pyzmq", "pyarrow")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _listed(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files under ``root`` (recursive, sorted), skipping hidden, temp and Office lock files."""
    out = []
    for p in root.rglob("*"):
        rel = p.relative_to(root).parts
        if any(part.startswith((".", "~$")) or part == "__pycache__" for part in rel):
            continue
        if p.is_file() and (suffixes is None or p.suffix in suffixes):
            out.append(p)
    return sorted(out)


@cache
def code_hash(package_dir: Path = paths.PACKAGE_DIR) -> str:
    """Hash of every source, template and config file of the ``analysis`` package."""
    h = hashlib.sha256()
    for p in _listed(package_dir, (".py", ".toml", ".j2", ".json", ".css", ".txt", ".csv")):
        h.update(p.relative_to(package_dir).as_posix().encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def versions() -> dict[str, str]:
    """Python and package versions that can change a report (project deps + kernel stack)."""
    names: set[str] = set(EXTRA_PACKAGES)
    try:
        for req in metadata.requires("qiannan-community-analysis") or []:
            if "extra ==" not in req:
                names.add(
                    req.split(";")[0]
                    .split("[")[0]
                    .split(">")[0]
                    .split("<")[0]
                    .split("=")[0]
                    .strip()
                )
    except metadata.PackageNotFoundError:
        pass
    out = {"python": platform.python_version()}
    for n in sorted(names):
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            continue
    return out


class DataHasher:
    """Hashes of a data directory's files, and of one region's rows of observation files.

    Each file is read at most once per run; row hashes are vectorised with pandas.
    """

    def __init__(self, data_dir: Path, regions: Dataset):
        self.root = data_dir
        self.regions = regions
        self.files = _listed(data_dir)
        self._file: dict[Path, str] = {}
        self._rows: dict[Path, tuple[bytes, dict[str, bytes]] | None] = {}

    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix()

    def file(self, p: Path) -> str:
        if p not in self._file:
            self._file[p] = sha256_file(p)
        return self._file[p]

    def is_obs(self, p: Path) -> bool:
        parts = p.relative_to(self.root).parts
        return len(parts) == 2 and parts[0] == OBS_DIR and p.suffix == ".csv"

    def _row_groups(self, p: Path) -> tuple[bytes, dict[str, bytes]] | None:
        """(header, {region_code: concatenated 64-bit row hashes}) or None if no region column."""
        if p not in self._rows:
            import numpy as np
            import pandas as pd

            df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if "region_code" not in df.columns:
                self._rows[p] = None
            else:
                header = ",".join(df.columns).encode()
                h = pd.util.hash_pandas_object(df, index=False).to_numpy()
                codes = df["region_code"].str.strip().to_numpy()
                order = np.argsort(codes, kind="stable")
                uniq, start = np.unique(codes[order], return_index=True)
                bounds = np.append(start, len(order))
                hs = h[order]
                self._rows[p] = (
                    header,
                    {
                        str(c): hs[a:b].tobytes()
                        for c, a, b in zip(uniq, bounds[:-1], bounds[1:], strict=True)
                    },
                )
        return self._rows[p]

    def inputs(self, task: Task) -> dict[str, str]:
        """{data file (relative): hash} that ``task`` reads, by its ``reads`` rule."""
        if isinstance(task.reads, tuple):  # glob patterns: whole files
            matched = {m for g in task.reads for m in self.root.glob(g)}
            return {self.rel(p): self.file(p) for p in self.files if p in matched}
        if task.reads != "region" or task.region is None:
            return {self.rel(p): self.file(p) for p in self.files}
        keep = [task.region, *self.regions.ancestors(task.region)]
        out: dict[str, str] = {}
        for p in self.files:
            if not self.is_obs(p):
                out[self.rel(p)] = self.file(p)
                continue
            groups = self._row_groups(p)
            if groups is None:  # not a tidy observation file: depend on all of it
                out[self.rel(p)] = self.file(p)
                continue
            header, by_code = groups
            rows = [by_code[c] for c in keep if c in by_code]
            if rows:
                out[f"{self.rel(p)}#rows={'+'.join(c for c in keep if c in by_code)}"] = (
                    sha256_bytes(header + b"\0" + b"\0".join(rows))
                )
        return out


def task_key(task: Task, data_inputs: dict[str, str], notebook_sha: str) -> str:
    """SHA-256 of everything that determines a report's outputs."""
    nav = task.nav
    payload = {
        "format": FORMAT_VERSION,
        "notebook": notebook_sha,
        "parameters": task.parameters,
        "reads": task.reads,
        "data": data_inputs,
        "code": code_hash(),
        "versions": versions(),
        "products": list(task.products),
        # the page shows its title and links to its neighbours in the index
        "title": task.title,
        "nav": [[link.href, link.title] if link else None for link in (nav.prev, nav.next)],
        # a batch page (runner/batch.py) is not the notebook's page: switching rebuilds
        **({"batch": task.batch} if task.batch else {}),
    }
    return sha256_bytes(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    )


class Records:
    """Per-report build records in ``<outputs>/.runner/records/<name>.json``."""

    def __init__(self, outputs: Path):
        self.outputs = outputs
        self.dir = outputs / ".runner" / "records"

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.json"

    def get(self, name: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, record: dict[str, Any]) -> None:
        from analysis.io import write_text

        write_text(
            self.path(record["name"]),
            json.dumps(record, sort_keys=True, ensure_ascii=False, indent=1) + "\n",
        )

    def all(self) -> list[dict[str, Any]]:
        out = []
        for p in sorted(self.dir.glob("*.json")) if self.dir.is_dir() else []:
            rec = self.get(p.stem)
            if rec is not None:
                out.append(rec)
        return out

    def up_to_date(self, name: str, key: str, products: Iterable[str] = ()) -> bool:
        """True when the last build of ``name`` succeeded with ``key`` and its outputs are
        intact."""
        rec = self.get(name)
        if not rec or rec.get("key") != key or rec.get("status") != "ok":
            return False
        for rel, info in rec.get("outputs", {}).items():
            p = self.outputs / rel
            try:
                if os.stat(p).st_size != info["size"]:
                    return False
            except OSError:
                return False
        return all((self.outputs / p).exists() for p in products)


def scope_inputs(top: str | None, unit_level: str | None) -> dict[str, str]:
    """Pseudo-inputs of every key for an explicit scope (none for the default scope, so
    keys of a default run are unchanged)."""
    out = {}
    if top:
        out["<scope>top"] = str(top)
    if unit_level:
        out["<scope>level"] = str(unit_level)
    return out


def prune(records: Records, keep: set[str]) -> list[str]:
    """Delete the outputs and record of every recorded report not in ``keep``; return their
    names. Only files a record lists (and the report's own page/notebook names) are
    removed, never anything else under outputs/."""
    removed = []
    root = records.outputs.resolve()
    for rec in records.all():
        name = str(rec.get("name", ""))
        if not name or name in keep:
            continue
        files = set(rec.get("outputs", {})) | set(rec.get("last_good", {}))
        files |= {
            f"notebooks/{name}.ipynb",
            f"notebooks/{name}.failed.ipynb",
            f"html/{name}.html",
            f"html/{name}.full.html",
            f"html/{name}.failed.html",
        }
        for rel in sorted(files):
            p = (root / rel).resolve()
            if root not in p.parents:  # a record never points outside outputs/
                continue
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                p.unlink()
        with contextlib.suppress(FileNotFoundError):
            records.path(name).unlink()
        removed.append(name)
    return removed
