"""The results store: every finished task of a campaign in one SQLite file.

A task's **key** is the SHA-256 of what determines its result: the code (a hash of
every source file of ``theory``, ``numeric`` and ``gnsverify``, and the versions of
the packages they run on), the case (:func:`case_fingerprint`: its summary, every
setting of the run, the start, the metric, and the problem's data), the seed, the
budget and the ``eps`` ladder. What a fingerprint cannot see is the source of a
user's own callables (a problem from ``from_callables``, a region claim): changing
such code without changing the case's name or data reuses the stored result, so
resume only within one version of your own code. A campaign run with a store writes each
task as it finishes; with ``resume`` it first takes every task whose key the store
already holds, so an interrupted campaign resumes where it stopped, a rerun skips
what is done, and two partial campaigns written to one store merge. Any change of
the code gives new keys (nothing stale is reused).

Tables (open them with ``sqlite3`` or ``pandas.read_sql``)::

    campaigns(id, started_utc, provenance)            one row per campaign (JSON)
    tasks(key, campaign, case_name, seed, budget, eps, verdict, wall_s, report)
    claims(key, case_name, claim, verdict, observed, predicted, tried, detail)
    trace(key, case_name, run, k, f, gnorm, n_value, n_grad, n_hess, time, gamma)

``tasks.report`` is the pickled :class:`gnsverify.pipeline.CaseReport` (with a
:class:`gnsverify.portable.CaseInfo` for its case), read back only by gnsverify
itself; the other columns are plain values for the user's tools. ``trace`` has one
row per iterate of every run (``gamma``: of the step leaving the iterate, empty at
the last one).
"""
from __future__ import annotations

import hashlib
import json
import math
import pickle
import sqlite3
from functools import lru_cache
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (id INTEGER PRIMARY KEY AUTOINCREMENT, started_utc TEXT,
                                      provenance TEXT);
CREATE TABLE IF NOT EXISTS tasks (key TEXT PRIMARY KEY, campaign INTEGER, case_name TEXT,
                                  seed INTEGER, budget TEXT, eps TEXT, verdict TEXT,
                                  wall_s REAL, report BLOB);
CREATE TABLE IF NOT EXISTS claims (key TEXT, case_name TEXT, claim TEXT, verdict TEXT,
                                   observed REAL, predicted REAL, tried INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS trace (key TEXT, case_name TEXT, run TEXT, k INTEGER, f REAL,
                                  gnorm REAL, n_value INTEGER, n_grad INTEGER, n_hess INTEGER,
                                  time REAL, gamma REAL);
CREATE INDEX IF NOT EXISTS claims_key ON claims(key);
CREATE INDEX IF NOT EXISTS trace_key ON trace(key);
"""


#: written into every store's header (``PRAGMA application_id``): a file without it
#: was not written by gnsverify and is never written into
APPLICATION_ID = 0x676E7376   # "gnsv"


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of every ``.py`` file of the three packages (relative path and bytes)
    and of the versions of the packages they depend on (:mod:`gnsverify.provenance`)."""
    from gnsverify.provenance import versions
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(json.dumps(versions(), sort_keys=True).encode())
    for pkg in ("theory", "numeric", "gnsverify"):
        for path in sorted((root / pkg).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _digest(value) -> str:
    """A stable text for one field of a case: arrays by their bytes, callables by their
    qualified name, the rest through ``jsonable``."""
    import numpy as np

    from gnsverify.report.format import jsonable
    if value is None or isinstance(value, (bool, int, float, str)):
        return json.dumps(value)
    if isinstance(value, np.ndarray):
        a = np.ascontiguousarray(value)
        return f"array{a.shape}{a.dtype}:" + hashlib.sha256(a.tobytes()).hexdigest()
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_digest(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_digest(v)}" for k, v in sorted(value.items(), key=str)) + "}"
    if callable(value) and not hasattr(value, "bound"):
        return f"callable:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(type(value)))}"
    return json.dumps(jsonable(value), sort_keys=True, default=str)


def case_fingerprint(case) -> dict:
    """What of ``case`` determines its results: the summary (class, constants,
    monomials, ``f*``, ``D``, parameters, description), the settings of its runs, the
    start, the metric, the region, and the problem (kind, dimension, data)."""
    from gnsverify.report.format import jsonable
    p = case.get_problem()
    fields = {k: _digest(getattr(case, k)) for k in (
        "hessian", "hessian_params", "convex", "f_star", "f_star_how", "f_star_err", "D", "D_how",
        "eps", "max_iter", "gamma0", "max_trials", "box", "B", "params", "region_claim")}
    return {"name": case.name, "summary": jsonable(case.summary()), "fields": fields,
            "start": _digest(case.start()),
            "problem": {"kind": int(p.kind), "n": int(p.n), "data": _digest(list(p.data)),
                        "f_star": _digest(p.f_star), "name": p.name}}


def task_key(case, *, seed: int, budget, eps) -> str:
    """The content hash of one case's task (module docstring)."""
    from gnsverify.report.format import jsonable
    what = {"code": code_version(), "case": case_fingerprint(case),
            "seed": int(seed), "budget": jsonable(budget),
            "eps": None if eps is None else [float(e) for e in eps]}
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def _real(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


class Store:
    """One SQLite file of finished tasks (module docstring). Use as a context manager
    or call :meth:`close`."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise ValueError(f"store must be a file, {self.path} is a folder.")
        existed = self.path.exists()
        if existed and not _is_store(self.path):
            raise ValueError(f"{self.path} exists and is not a gnsverify store; "
                             "refusing to write into it (choose another --store path).")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        if not existed:
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.db.executescript(SCHEMA)
        self.campaign = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.db.close()

    def begin(self, provenance: dict, started: str) -> int:
        """Record a campaign; its id tags the tasks it writes."""
        cur = self.db.execute("INSERT INTO campaigns (started_utc, provenance) VALUES (?, ?)",
                              (started, json.dumps(provenance, default=str)))
        self.db.commit()
        self.campaign = cur.lastrowid
        return self.campaign

    def get(self, key: str):
        """The stored report of ``key``, or ``None``."""
        row = self.db.execute("SELECT report FROM tasks WHERE key = ?", (key,)).fetchone()
        return None if row is None else pickle.loads(row[0])

    def keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM tasks")}

    def put(self, key: str, report, *, seed: int, budget, eps) -> None:
        """Store a finished task (replacing an earlier one of the same key)."""
        from gnsverify.portable import portable
        rep = portable(report)
        name = rep.case.name
        with self.db:
            self.db.execute("DELETE FROM claims WHERE key = ?", (key,))
            self.db.execute("DELETE FROM trace WHERE key = ?", (key,))
            self.db.execute("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (key, self.campaign, name, int(seed), json.dumps(budget, default=str),
                             json.dumps(None if eps is None else [float(e) for e in eps]),
                             rep.verdict, float(rep.wall_time), pickle.dumps(rep)))
            self.db.executemany(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(key, name, v.claim, v.verdict, _real(v.observed), _real(v.predicted),
                  int(v.tried), v.detail) for v in rep.verdicts])
            rows = []
            for run, res in rep.runs.items():
                tr = res.trace
                K = tr.n_steps
                for k in range(len(tr.f)):
                    rows.append((key, name, run, k, _real(tr.f[k]), _real(tr.gnorm[k]),
                                 int(tr.n_value[k]), int(tr.n_grad[k]), int(tr.n_hess[k]),
                                 _real(tr.time[k]), _real(tr.gamma[k]) if k < K else None))
            self.db.executemany("INSERT INTO trace VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _is_store(path: Path) -> bool:
    """Whether ``path`` is an SQLite file gnsverify wrote (its ``application_id``)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (app,) = db.execute("PRAGMA application_id").fetchone()
        finally:
            db.close()
        return app == APPLICATION_ID
    except (OSError, sqlite3.DatabaseError):
        return False
