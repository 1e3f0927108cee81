"""Figures rendered on every core: each figure is an independent job (plot data, path),
so a campaign's PNGs are drawn by a pool of worker processes.

Drawing is the largest part of a warm campaign's report writing (about 1.1 s per
four-panel figure at 110 dpi, nearly all of it Agg rendering; laying the figure out
once instead of twice saves nothing measurable). The jobs run on the campaign's
executor (:func:`gnsverify.parallel.run_tasks`): forked workers (POSIX), which start
with matplotlib and the package already imported, or this process where fork is not
available or with one worker. A job that fails in a worker raises here, as it would
inline, and an interrupt stops the workers at once.
"""
from __future__ import annotations

from typing import Any, Callable


def _draw(job: tuple, progress=None):
    from gnsverify import figures
    kind, args, kwargs = job
    return getattr(figures, kind)(*args, **kwargs)


def draw_all(jobs: list[tuple[str, tuple, dict]], *, workers: int | None = None,
             progress: Callable[[int, int, str], Any] | None = None) -> None:
    """Draw every ``(figure function name in gnsverify.figures, args, kwargs)`` job, on
    the campaign's executor (:func:`gnsverify.parallel.run_tasks`: forked workers, or
    this process with one worker).

    ``progress(done, total, label)`` after each figure (``label`` = the job's ``title``
    keyword or its function name)."""
    from gnsverify.parallel import default_workers, run_tasks
    workers = default_workers() if workers is None else int(workers)
    total = len(jobs)
    label = [str(kw.get("title") or kind) for kind, _, kw in jobs]
    count = [0]

    def done(i, _path):
        count[0] += 1
        if progress:
            progress(count[0], total, f"figure {label[i]}")
    run_tasks(_draw, list(jobs), workers=workers, done=done)
