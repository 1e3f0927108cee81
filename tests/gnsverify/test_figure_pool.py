"""Figures drawn by the worker pool are the files an inline run draws, and a job that
fails in a worker fails the call."""
from __future__ import annotations

import pytest

from gnsverify.figure_pool import draw_all

CURVES = {"measure": "f - f*", "eps": [1e-1, 1e-2],
          "runs": {"theory": {"k": [0, 1, 2], "value": [1.0, 0.1, 0.01], "calls": [2, 5, 8],
                              "time": [0.0, 0.1, 0.2]}},
          "bound": {"theory": {"eps": [1e-1, 1e-2], "K": [3.0, 30.0]}}}


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_draws_every_figure(tmp_path, workers):
    jobs = [("convergence_figure", (CURVES, tmp_path / f"c{i}.png"), {"title": f"case {i}"})
            for i in range(3)]
    seen = []
    draw_all(jobs, workers=workers, progress=lambda d, t, label: seen.append((d, t, label)))
    for i in range(3):
        data = (tmp_path / f"c{i}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    assert [d for d, _, _ in seen] == [1, 2, 3] and {t for _, t, _ in seen} == {3}
    assert {label for _, _, label in seen} == {f"figure case {i}" for i in range(3)}


def test_a_failing_job_raises(tmp_path):
    jobs = [("convergence_figure", (CURVES, tmp_path / "ok.png"), {}),
            ("no_such_figure", (), {})]
    for workers in (1, 2):
        with pytest.raises(AttributeError):
            draw_all(jobs, workers=workers)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        draw_all(jobs, workers=0)
