"""Figures rendered on every core: each figure is an independent job (plot data, path),
so a campaign's PNGs are drawn by a pool of worker processes.

Drawing is the largest part of a warm campaign's report writing (about 1.1 s per
four-panel figure at 110 dpi, nearly all of it Agg rendering; laying the figure out
once instead of twice saves nothing measurable). The workers are forked (POSIX), so
they start with matplotlib and the package already imported; where fork is not
available, or with one worker, the figures are drawn in this process. A job that
fails in a worker raises here, as it would inline.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable


def _draw(kind: str, args: tuple, kwargs: dict):
    from gnsverify import figures
    return getattr(figures, kind)(*args, **kwargs)


def draw_all(jobs: list[tuple[str, tuple, dict]], *, workers: int | None = None,
             progress: Callable[[int, int, str], Any] | None = None) -> None:
    """Draw every ``(figure function name in gnsverify.figures, args, kwargs)`` job.

    ``progress(done, total, label)`` after each figure (``label`` = the job's ``title``
    keyword or its function name)."""
    from gnsverify.parallel import default_workers
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}.")
    total = len(jobs)
    label = [str(kw.get("title") or kind) for kind, _, kw in jobs]
    fork = "fork" in multiprocessing.get_all_start_methods()
    if workers == 1 or total <= 1 or not fork:
        for i, (kind, args, kw) in enumerate(jobs):
            _draw(kind, args, kw)
            if progress:
                progress(i + 1, total, f"figure {label[i]}")
        return
    ctx = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx)
    try:
        futures = {pool.submit(_draw, kind, args, kw): i for i, (kind, args, kw) in enumerate(jobs)}
        for done, fut in enumerate(as_completed(futures), start=1):
            fut.result()
            if progress:
                progress(done, total, f"figure {label[futures[fut]]}")
        pool.shutdown(wait=True)
    except BaseException:      # an interrupt or a failed figure: stop the workers now
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
