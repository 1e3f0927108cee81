"""What the numeric layer hands over: a trace of everything a run did, and a result.

Index conventions (``K`` = number of accepted steps):

* per-iterate arrays have length ``K + 1`` (index ``k`` is the iterate ``x_k``):
  ``f``, ``gnorm`` (``||g(x_k)||_*``), ``n_value``, ``n_grad``, ``n_hess``
  (cumulative oracle calls when ``x_k`` was reached), ``time`` (seconds since start);
* per-step arrays have length ``K`` (index ``k`` is the step ``x_k -> x_{k+1}``):
  ``gamma`` (accepted ``gamma_k``), ``lam`` (``lambda_k = ||g_k||_*/gamma_k``),
  ``step`` (``||h_k||`` in the metric ``B``);
* per-trial arrays (every step-size trial, accepted or not, in order):
  ``trial_iter`` (the ``k`` it belongs to), ``trial_gamma``, ``trial_accepted``,
  ``trial_f`` (``f(x_k + h)`` or ``nan`` when not computed / non-finite),
  ``trial_gnorm`` (``||g(x_k + h)||_*`` or ``nan``), ``trial_step`` (``||h||`` or
  ``nan`` when the factorization failed).

For methods without a ``gamma`` (baselines), ``gamma`` holds the method's own
step parameter and ``lam`` its regularization, as documented by each baseline.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Any

import numpy as np

STATUSES = (
    "converged_gnorm",     # ||g(x_k)||_* <= gtol
    "converged_fgap",      # f(x_k) - f* <= ftol (f* known)
    "max_iter",            # iteration budget used up
    "search_exhausted",    # step-size search hit its trial cap without acceptance
    "non_finite",          # the oracle returned a non-finite value at an accepted point or at x0
    "step_failed",         # no step could be computed (e.g. theory/ideal step not acceptable)
    "stalled",             # no decrease of f is representable any more (stall_rule)
    "callback",            # the callback returned True (set by the Python wrapper, no kernel code)
)

PER_ITERATE = ("f", "gnorm", "n_value", "n_grad", "n_hess", "time")
PER_STEP = ("gamma", "lam", "step")
PER_TRIAL = ("trial_iter", "trial_gamma", "trial_accepted", "trial_f", "trial_gnorm", "trial_step")


@dataclass
class Trace:
    """Arrays per iterate, per step and per trial (see module docstring)."""

    f: np.ndarray
    gnorm: np.ndarray
    gamma: np.ndarray
    lam: np.ndarray
    step: np.ndarray
    n_value: np.ndarray
    n_grad: np.ndarray
    n_hess: np.ndarray
    time: np.ndarray
    trial_iter: np.ndarray
    trial_gamma: np.ndarray
    trial_accepted: np.ndarray
    trial_f: np.ndarray
    trial_gnorm: np.ndarray
    trial_step: np.ndarray
    x: np.ndarray | None = None   # optional (K+1, n) iterates, when recorded

    @property
    def n_steps(self) -> int:
        return int(self.gamma.shape[0])

    def to_dict(self) -> dict[str, list]:
        """Plain lists (JSON-ready); ``x`` omitted unless recorded."""
        out = {}
        for k, v in asdict(self).items():
            if v is None:
                continue
            out[k] = np.asarray(v).tolist()
        return out


@dataclass
class Result:
    """Outcome of a run, in the spirit of ``scipy.optimize.OptimizeResult``.

    ``status`` is one of :data:`STATUSES`; ``success`` is true for the two
    ``converged_*`` statuses only, as in ``scipy.optimize`` (``max_iter`` and
    ``callback``, a run the callback stopped, are not a success).
    ``nfev``, ``njev``, ``nhev`` are scipy's names for the oracle calls of the run
    (values, gradients, Hessian-rule evaluations, rejected trials included). The GNS
    solver and the NumPy reference count every call; the baselines report the trace's
    count at the last iterate, which misses the trials of a final search that found no
    step (status ``search_exhausted``). ``jac`` is the gradient at ``x`` (for a
    baseline: one more gradient call, not counted). ``stalled`` (the method can no longer make progress in floating point: its
    next trial predicts a decrease of ``f`` below the rounding of ``f``; the
    ``stall_rule`` of docs/theory.md) is not a success: the run converged to the
    precision of ``f``, which says nothing about ``gtol`` unless the gradient test
    fired, and then the status is ``converged_gnorm``.
    """

    x: np.ndarray
    fun: float
    gnorm: float
    nit: int
    status: str
    message: str
    trace: Trace
    method: str
    hessian: str = "exact"
    options: dict[str, Any] = field(default_factory=dict)
    #: the step's linear solves: ``woodbury`` (Sherman-Morrison-Woodbury, rank > 0, that
    #: succeeded) and ``dense`` (Cholesky of ``H + lambda B``, attempted); empty for
    #: methods that do not count them
    linear_solves: dict[str, int] = field(default_factory=dict)
    #: oracle calls of the run (default: the trace's cumulative counts at the last iterate)
    nfev: int | None = None
    njev: int | None = None
    nhev: int | None = None
    #: the gradient at ``x`` (``None`` when the method did not return it)
    jac: np.ndarray | None = None

    def __post_init__(self):
        for name, counts in (("nfev", self.trace.n_value), ("njev", self.trace.n_grad),
                             ("nhev", self.trace.n_hess)):
            if getattr(self, name) is None:
                setattr(self, name, int(counts[-1]) if len(counts) else 0)

    @property
    def success(self) -> bool:
        return self.status in ("converged_gnorm", "converged_fgap")

    def __repr__(self) -> str:
        return (f"Result(method={self.method!r}, hessian={self.hessian!r}, status={self.status!r}, "
                f"nit={self.nit}, fun={self.fun:.6g}, gnorm={self.gnorm:.3g}, "
                f"nfev={self.nfev}, njev={self.njev}, nhev={self.nhev})")
