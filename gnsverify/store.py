"""The results store: every finished task of a campaign in one SQLite file.

A task's **key** is the SHA-256 of what determines its result: the code (a hash of
every source file of ``theory``, ``numeric`` and ``gnsverify``), the case (its name
and :meth:`Case.summary`: class, constants, monomials, ``f*``, ``D``, parameters),
the seed, the budget and the ``eps`` ladder. A campaign run with a store writes each
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


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of every ``.py`` file of the three packages (relative path and bytes)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for pkg in ("theory", "numeric", "gnsverify"):
        for path in sorted((root / pkg).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def task_key(case, *, seed: int, budget, eps) -> str:
    """The content hash of one case's task (module docstring)."""
    from gnsverify.report.format import jsonable
    what = {"code": code_version(), "case": case.name, "summary": jsonable(case.summary()),
            "seed": int(seed), "budget": jsonable(budget),
            "eps": None if eps is None else [float(e) for e in eps]}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


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
        if self.path.exists() and not _is_store(self.path):
            raise ValueError(f"{self.path} exists and is not a gnsverify store; "
                             "refusing to write into it (choose another --store path).")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
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
    """Whether ``path`` is an SQLite file with this module's ``tasks`` table."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        db = sqlite3.connect(path)
        try:
            names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
        return "tasks" in names or not names
    except (OSError, sqlite3.DatabaseError):
        return False
