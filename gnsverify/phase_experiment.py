"""The phase diagram of inexact Hessians: observed vs predicted complexity exponents.

Instances: the Hölder power family ``|x|^(2+nu)/(2+nu)`` (class exponent
``alpha = 1/(1+nu)``) with the synthetic PSD perturbation
``H = hess f + C2 |g|^(1-beta)`` (``C1 = 0``). The convex rate theorem predicts
iterations to ``f - f* <= eps`` of order ``eps^-max(alpha, beta)``: the
approximation is harmless ("smoothness dominates") when ``beta <= alpha``.

For every grid point the chosen method (default: the theory step, whose rate the
theorem states) is run, the iterations to ``eps`` are read over a ladder
``eps = F0 10^-j``, and the observed exponent is the least-squares log-log slope
(:func:`gnsverify.verify.fit_order`). Beside each benign instance the grid point also
runs the worst-case family of its class and perturbation (the ramp of
:mod:`gnsverify.tightness` with the same ``H``, one instance per ``eps``, convex
setting): ``worst_exponent`` is the exponent fitted there, ``worst_ratio`` its best
``K_last / K(eps)``. The result is plain data for a figure.
"""
from __future__ import annotations

import numpy as np

STEPS = ("theory", "adaptive")


def _check_grid(name, values, lo, hi):
    try:
        v = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers in [{lo}, {hi}], got {values!r}.") from None
    if v.size == 0 or not np.all(np.isfinite(v)) or v.min() < lo or v.max() > hi:
        raise ValueError(f"{name} must be a non-empty list of numbers in [{lo}, {hi}], got {values!r}.")
    return v


def phase_experiment(nus=(0.0, 0.5, 1.0), betas=(0.0, 0.25, 0.5, 0.75, 1.0), *, C2: float = 1.0,
                     x0: float = 1.0, rungs: int = 8, max_iter: int = 400, step: str = "theory",
                     seed: int = 0, progress=None) -> dict:
    """Run the grid ``nus x betas`` and return::

        {"C1": 0, "C2", "step", "measure": "f - f*",
         "points": [{"nu", "alpha", "beta", "predicted_exponent", "observed_exponent",
                     "dominant": "smoothness" | "approximation" | "tie",
                     "eps": [...], "iterations": [...], "status",
                     "worst_exponent", "worst_ratio", "worst_verdict"}, ...]}

    ``observed_exponent`` is ``None`` when fewer than 3 rungs were reached with at
    least 2 iterations (e.g. a superlinear run); such points still list their counts.
    """
    from gnsverify.catalog import synthetic_case
    from gnsverify.checks.order import fit_order
    from gnsverify.runs import run_gns
    from gnsverify.tightness import family_row, perturbed_ramp
    nus = _check_grid("nus", nus, 0.0, 1.0)
    betas = _check_grid("betas", betas, 0.0, 1.0)
    if not (np.isfinite(C2) and C2 > 0):
        raise ValueError(f"C2 must be a finite number > 0, got {C2!r}.")
    if not (np.isfinite(x0) and x0 != 0):
        raise ValueError(f"x0 must be a finite nonzero number, got {x0!r}.")
    if isinstance(rungs, bool) or not isinstance(rungs, (int, np.integer)) or not 3 <= rungs <= 14:
        raise ValueError(f"rungs must be an integer in [3, 14], got {rungs!r}.")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}.")
    if step not in STEPS:
        raise ValueError(f"step must be one of {STEPS}, got {step!r}.")
    points = []
    total = nus.size * betas.size
    for i, nu in enumerate(nus):
        for j, beta in enumerate(betas):
            case = synthetic_case(dict(nu=float(nu), C2=float(C2), beta=float(beta), x0=float(x0)))
            alpha = 1.0 / (1.0 + nu)
            F0 = case.get_problem().value(case.start())
            eps = F0 * 10.0 ** -np.arange(1, rungs + 1)
            r = run_gns(case, step, max_iter=int(max_iter), record_x=False,
                        stop=dict(gtol=0.0, ftol=0.5 * float(eps[-1]), f_star=0.0))
            gap = np.minimum.accumulate(np.asarray(r.trace.f, float))
            its = [int(np.argmax(gap <= e)) if np.any(gap <= e) else None for e in eps]
            pts = [(e, k) for e, k in zip(eps, its) if k is not None and k >= 2]
            obs = fit_order(*map(np.array, zip(*pts)), "sublinear")["slope"] if len(pts) >= 3 else None
            pred = max(alpha, float(beta))
            worst, _ = family_row(perturbed_ramp(float(nu), float(C2), float(beta)), "convex", step)
            points.append(dict(
                nu=float(nu), alpha=alpha, beta=float(beta), predicted_exponent=pred,
                observed_exponent=obs,
                dominant="tie" if alpha == beta else ("smoothness" if alpha > beta else "approximation"),
                eps=eps.tolist(), iterations=its, status=r.status,
                worst_exponent=worst["fitted_exponent"], worst_ratio=worst["best_ratio"],
                worst_verdict=worst["verdict"]))
            if progress is not None:
                progress({"case": "phase_experiment", "stage": f"nu={nu:g}, beta={beta:g}",
                          "done": i * betas.size + j + 1, "total": total})
    return {"C1": 0.0, "C2": float(C2), "step": step, "measure": "f - f*", "x0": float(x0),
            "seed": int(seed), "points": points}
