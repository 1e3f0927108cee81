"""Where a campaign's numbers come from: package versions, the code's git commit, the
machine and its BLAS kernels, seed, budget, wall and CPU time.

Written into ``summary.json["provenance"]`` and REPORT.md (never into
``results.json``, whose verdicts must not depend on the machine or the clock).
Different CPUs run different BLAS kernels (``blas[].architecture``) and differ in the
last bits; the verdicts assert what the mathematics guarantees with rounding
allowances, so they agree across machines, but iteration counts and timings may not.
"""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("gnsverify", "numpy", "scipy", "numba", "sympy", "mpmath", "python-flint",
            "matplotlib", "scikit-learn", "hypothesis", "threadpoolctl")


def versions() -> dict[str, str | None]:
    """``{distribution: version}`` (``None`` when not installed), and Python's."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(where: Path | None = None) -> str | None:
    """The commit of the git checkout holding the package (``+dirty`` when tracked files
    differ from it), or ``None`` (an installed copy, or no git)."""
    where = where or Path(__file__).resolve().parent
    try:
        run = dict(cwd=where, capture_output=True, text=True, timeout=10)
        head = subprocess.run(["git", "rev-parse", "HEAD"], **run)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], **run)
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def machine() -> dict:
    """Platform, CPU count, load average, and the BLAS libraries loaded with their kernels."""
    from threadpoolctl import threadpool_info
    import numpy  # noqa: F401  (loads the BLAS libraries threadpoolctl reports)
    import scipy.linalg  # noqa: F401
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"platform": platform.platform(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "load_average_1min": load,
            "blas": [{k: lib.get(k) for k in ("internal_api", "version", "architecture", "prefix")}
                     for lib in threadpool_info() if lib.get("user_api") == "blas"]}


def provenance(*, seed: int, budget: str, wall_s: float, cpu_s: float, started: str,
               command: list[str] | None = None) -> dict:
    """The whole record (see the module docstring). ``wall_s`` and ``cpu_s`` cover the
    campaign up to writing the report (``cpu_s``: this process and its finished worker
    processes, :func:`cpu_seconds`); ``command`` is the command line (default: this
    process's)."""
    return {"versions": versions(), "git_commit": git_commit(), "machine": machine(),
            "seed": seed, "budget": budget,
            "command": command if command is not None else [Path(sys.argv[0]).name] + sys.argv[1:],
            "started_utc": started, "wall_s": round(wall_s, 2), "cpu_s": round(cpu_s, 2)}


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended
    (the campaign's worker processes, once their pool is shut down)."""
    import resource
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def now_utc() -> str:
    """The current time, ISO 8601 in UTC, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
