"""The theoretical phase diagram over (class exponent alpha, approximation exponent beta).

For a class with one smoothness monomial ``M t^-alpha`` and a Hessian approximation
with error ``C1 + C2 ||g||^(1-beta)`` (``C2 > 0``), the composed bound is
``1/pi(t) = M t^-alpha + C2 t^-beta + C1 t^-1``, and the rate theorem
(:mod:`theory.rates`) gives ``K(eps) = O(eps^-e)`` with

    convex:      e = max(alpha, beta, 1 if C1 > 0 else 0)      (e = 0: log(1/eps))
    non-convex:  e = 1 + max(alpha, beta, 1 if C1 > 0 else 0).

The region is ``"smoothness dominates"`` where the approximation terms do not raise
the exponent (``e`` equals the exact method's exponent) and ``"approximation
dominates"`` where they do.
"""
from __future__ import annotations

import numpy as np

from theory.monomials import PHASE_APPROXIMATION, PHASE_SMOOTHNESS, phase as paper_phase
from theory.rates import SETTINGS, overall_order


def _grid_axis(name, values):
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or a.size == 0 or np.any(~np.isfinite(a)) or a.min() < 0 or a.max() > 1:
        raise ValueError(f"{name} must be a non-empty 1-d sequence of numbers in [0, 1].")
    return a


def phase_grid(alphas, betas, C1=0.0, setting: str = "convex") -> dict:
    """Predicted exponents and regions on the grid ``betas x alphas``.

    Returns ``alpha``, ``beta`` (the axes), ``exponent`` (shape
    ``(len(betas), len(alphas))``, from :func:`theory.rates.overall_order`),
    ``exact_exponent`` (the class alone), ``region`` (module docstring),
    ``linear`` (convex exponent 0: a linear rate), ``paper_phase`` (the criterion of
    :func:`theory.monomials.phase`), ``C1`` and ``setting``.
    """
    al = _grid_axis("alphas", alphas)
    be = _grid_axis("betas", betas)
    if not (np.isfinite(C1) and C1 >= 0):
        raise ValueError(f"C1 must be a finite number >= 0, got {C1!r}.")
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}.")
    extra = [1.0] if C1 > 0 else []
    shape = (be.size, al.size)
    exponent = np.empty(shape)
    exact = np.empty(shape)
    region = np.empty(shape, dtype=object)
    linear = np.zeros(shape, dtype=bool)
    paper = np.empty(shape, dtype=object)
    for i, b in enumerate(be):
        for j, a in enumerate(al):
            full = overall_order([a, b] + extra, setting)
            own = overall_order([a], setting)
            exponent[i, j] = full["exponent"]
            exact[i, j] = own["exponent"]
            linear[i, j] = full["kind"] == "linear"
            region[i, j] = PHASE_APPROXIMATION if full["exponent"] > own["exponent"] else PHASE_SMOOTHNESS
            paper[i, j] = paper_phase(float(a), float(b), float(C1))
    return {"alpha": al, "beta": be, "C1": float(C1), "setting": setting,
            "exponent": exponent, "exact_exponent": exact, "region": region,
            "linear": linear, "paper_phase": paper}


def phase_figure(grid: dict, path) -> str:
    """Draw ``grid`` (from :func:`phase_grid`) as a heat map of the predicted exponent
    with the region boundary, and save it to ``path`` (format from the suffix)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for key in ("alpha", "beta", "exponent", "region", "setting", "C1"):
        if key not in grid:
            raise ValueError(f"grid must be a phase_grid result; missing {key!r}.")
    al, be, ex = grid["alpha"], grid["beta"], grid["exponent"]
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    try:
        mesh = ax.pcolormesh(al, be, ex, shading="nearest", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label="predicted exponent e in K(eps) = O(eps^-e)")
        approx = (grid["region"] == PHASE_APPROXIMATION).astype(float)
        if 0 < approx.sum() < approx.size and al.size > 1 and be.size > 1:
            ax.contour(al, be, approx, levels=[0.5], colors="white", linewidths=1.5)
        ax.set_xlabel("class exponent alpha")
        ax.set_ylabel("approximation exponent beta")
        ax.set_title(f"{grid['setting']}, C1 = {grid['C1']:g}: "
                     "white line separates smoothness / approximation dominates", fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return str(path)
