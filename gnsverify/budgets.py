"""Effort levels of a verification: how long the runs are and how hard the searches try.

Per budget: ``iter_scale`` (multiplies a case's ``max_iter``), ``run_points`` /
``random_points`` (points of the numerical ``gamma`` search along the runs / in the
initial sublevel set), ``climb`` (points of the adversarial local search that follows,
maximizing ``pi / gamma_est``), ``instances`` (examples of the instance search), ``baselines``
(run them), ``ideal_max_n`` (largest ``n`` for the ideal step) and ``gamma_max_n``
(largest ``n`` for the full ``gamma`` search: its sample set grows with ``n``, 4n
coordinate and eigen-directions times ``n_radii`` radii, ~30 s per point at
``n = 640``). Above ``gamma_max_n`` the search is reduced, not skipped (``large_n``):
fewer points, few random directions and the single radius ``pi(||g||)`` (plus the
refinement around it), the exact falsification question.
"""
from __future__ import annotations

import numpy as np

BUDGETS = {
    "quick": dict(iter_scale=0.5, run_points=3, random_points=2, climb=6, instances=0,
                  baselines=False, ideal_max_n=3, gamma_max_n=16,
                  large_n=dict(run_points=1, random_points=1, climb=0, n_dirs=4, n_radii=1)),
    "default": dict(iter_scale=1.0, run_points=4, random_points=3, climb=30, instances=3,
                    baselines=True, ideal_max_n=5, gamma_max_n=64,
                    large_n=dict(run_points=2, random_points=2, climb=2, n_dirs=8, n_radii=1)),
    "thorough": dict(iter_scale=3.0, run_points=20, random_points=20, climb=200, instances=40,
                     baselines=True, ideal_max_n=8, gamma_max_n=10**6,
                     large_n=dict(run_points=20, random_points=20, climb=20, n_dirs=16, n_radii=24)),
}


def resolve_budget(budget) -> dict:
    """A budget preset by name, or ``default`` with ``n`` points and examples."""
    if isinstance(budget, str):
        if budget not in BUDGETS:
            raise ValueError(f"budget must be one of {sorted(BUDGETS)} or a positive integer, "
                             f"got {budget!r}.")
        return dict(BUDGETS[budget])
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise ValueError(f"budget must be one of {sorted(BUDGETS)} or a positive integer, "
                         f"got {budget!r}.")
    b = dict(BUDGETS["default"])
    b.update(run_points=int(budget), random_points=int(budget), climb=int(budget),
             instances=int(budget))
    return b
