"""Hessian rules: which matrix ``H(x)`` the method uses (THEORY.md section 5).

A rule is a small integer code understood by the compiled oracle dispatch, plus
rule data (``rp``: float parameters, ``E0``: a fixed symmetric matrix used by the
synthetic perturbation). :data:`HESSIANS` is the one table of rules: name, code,
whether ``H(x)`` is positive semidefinite, and who implements it:

=============  =========  ===========  ===================================================
rule           PSD        provided by  ``H(x)``
=============  =========  ===========  ===================================================
exact          if convex  problem      ``hess f(x)``
fisher         always     problem      finite sums ``f = (1/m) sum_j l_j + (lam/2)||x||^2``
                                       (logistic, softmax; ``l_j`` the data loss of sample
                                       ``j``): ``(1/m) sum_j grad l_j grad l_j^T + lam I``
gauss_newton   always     residual     ``f = (1/p)||u||^p``: ``||u||^(p-2) J^T J +
                                       (p-2)||u||^(p-4) (J^T u)(J^T u)^T`` (drops
                                       ``||u||^(p-2) sum_i u_i hess u_i``; exact for
                                       affine ``u``)
fisher_term    always     residual     ``f = (1/p)||u||^p``: the rank-one part
                                       ``(p-2)||u||^(p-4) (J^T u)(J^T u)^T`` alone
weighted_gn    always     problem      LogSumExp: ``(1/mu) A^T diag(softmax) A`` (drops
                                       ``-(1/mu) g g^T``)
perturbed      never      generic      ``hess f + (C1 + C2 ||g||_*^(1-beta)) E0``, ``E0``
                                       symmetric, ``||E0|| = 1``
perturbed_psd  if convex  generic      the same with ``E0`` PSD (keeps ``H`` PSD when
                                       ``hess f`` is)
zero           always     generic      ``0`` (first-order limit)
=============  =========  ===========  ===================================================

*provided by*: ``problem`` rules are implemented by the problem modules that declare
them (:class:`numeric.problems.base.ProblemType`); ``residual`` rules by every
problem that declares its residual ``u`` (``f = (1/p)||u||^p``); ``generic`` rules by
every problem. Which problem supports which rule: ``Problem.hessians``;
``Problem.hessian_rule(name)`` builds a rule and rejects unsupported combinations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EXACT = 0          # H = hess f(x)
FISHER = 1         # finite sums: (1/m) sum_j grad l_j grad l_j^T (+ regularizer's Hessian)
GAUSS_NEWTON = 2   # (1/p)||u||^p: ||u||^(p-2) J^T J + (p-2)||u||^(p-4) (J^T u)(J^T u)^T
FISHER_TERM = 3    # (1/p)||u||^p: the rank-one part (p-2)||u||^(p-4) (J^T u)(J^T u)^T alone
WEIGHTED_GN = 4    # LogSumExp: (1/mu) A^T diag(softmax) A
PERTURBED = 5      # hess f + E(x), ||E(x)|| = C1 + C2 ||g||_*^(1-beta), E0 symmetric, ||E0|| = 1
PERTURBED_PSD = 6  # same with E0 PSD, so hess f + E(x) stays PSD when hess f is
ZERO = 7           # H = 0 (first-order limit)

PSD_ALWAYS, PSD_IF_CONVEX, PSD_NEVER = "always", "if convex", "never"
BY_PROBLEM, BY_RESIDUAL, GENERIC = "problem", "residual", "generic"


@dataclass(frozen=True)
class HessianSpec:
    """One row of :data:`HESSIANS` (see the module docstring)."""

    name: str
    code: int
    psd: str
    provided_by: str

    def is_psd(self, convex: bool) -> bool:
        """Whether ``H(x)`` is PSD at every ``x`` for a problem of that convexity."""
        return self.psd == PSD_ALWAYS or (self.psd == PSD_IF_CONVEX and bool(convex))


HESSIANS = {spec.name: spec for spec in (
    HessianSpec("exact", EXACT, PSD_IF_CONVEX, BY_PROBLEM),
    HessianSpec("fisher", FISHER, PSD_ALWAYS, BY_PROBLEM),
    HessianSpec("gauss_newton", GAUSS_NEWTON, PSD_ALWAYS, BY_RESIDUAL),
    HessianSpec("fisher_term", FISHER_TERM, PSD_ALWAYS, BY_RESIDUAL),
    HessianSpec("weighted_gn", WEIGHTED_GN, PSD_ALWAYS, BY_PROBLEM),
    HessianSpec("perturbed", PERTURBED, PSD_NEVER, GENERIC),
    HessianSpec("perturbed_psd", PERTURBED_PSD, PSD_IF_CONVEX, GENERIC),
    HessianSpec("zero", ZERO, PSD_ALWAYS, GENERIC),
)}
HESSIAN_NAMES = {spec.code: name for name, spec in HESSIANS.items()}
GENERIC_HESSIANS = tuple(n for n, s in HESSIANS.items() if s.provided_by == GENERIC)
RESIDUAL_HESSIANS = tuple(n for n, s in HESSIANS.items() if s.provided_by == BY_RESIDUAL)


def is_psd(name: str, convex: bool) -> bool:
    """Whether the rule ``name`` gives a PSD ``H(x)`` on a problem of that convexity."""
    if name not in HESSIANS:
        raise ValueError(f"hessian must be one of {sorted(HESSIANS)}, got {name!r}.")
    return HESSIANS[name].is_psd(convex)


_NO_PARAMS, _NO_MATRIX = np.zeros(0), np.zeros((0, 0))   # shared, of size 0


@dataclass(frozen=True)
class HessianRule:
    """A Hessian rule with its data, ready for the compiled oracles.

    ``rp`` holds float parameters (for the perturbation: ``[C1, C2, beta]``);
    ``E0`` is an ``n x n`` symmetric matrix of spectral norm 1 (zeros(0, 0) when
    unused). ``data`` is what the compiled oracles receive as ``hdata``.
    """

    name: str
    code: int
    rp: np.ndarray = field(default_factory=lambda: _NO_PARAMS)
    E0: np.ndarray = field(default_factory=lambda: _NO_MATRIX)

    @property
    def data(self):
        return (self.rp, self.E0)


def perturbation_matrix(n: int, seed: int, psd: bool) -> np.ndarray:
    """Deterministic symmetric ``n x n`` matrix of spectral norm exactly 1.

    ``psd=False``: eigenvalues in ``[-1, 1]`` with ``+1`` attained; ``psd=True``:
    eigenvalues in ``[0, 1]`` with ``1`` attained. Orthogonal eigenvectors come from
    the QR factorization of a seeded Gaussian matrix.
    """
    rng = np.random.default_rng(seed)
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    Q = Q * np.sign(np.diag(R))
    lo = 0.0 if psd else -1.0
    ev = rng.uniform(lo, 1.0, size=n)
    ev[0] = 1.0
    E = (Q * ev) @ Q.T
    return 0.5 * (E + E.T)


def hessian_rule(name: str, n: int | None = None, *, C1: float = 0.0, C2: float = 0.0,
                 beta: float = 0.0, seed: int = 0, B=None) -> HessianRule:
    """Build a validated :class:`HessianRule` by name.

    The perturbation rules need ``n`` and use ``||E(x)|| = C1 + C2 ||g(x)||_*^(1-beta)``
    with ``C1, C2 >= 0`` and ``beta`` in ``[0, 1]``. The norm of ``E`` is the operator
    norm from primal to dual, ``||E|| = ||L^-1 E L^-T||_2`` for the metric
    ``B = L L^T``: with a metric ``B`` (dense SPD, ``None`` = identity) the stored
    matrix is ``L E0 L^T`` (``E0`` of :func:`perturbation_matrix`), whose norm in that
    sense is exactly 1 and which is PSD whenever ``E0`` is.
    """
    if name not in HESSIANS:
        raise ValueError(f"hessian must be one of {sorted(HESSIANS)}, got {name!r}.")
    code = HESSIANS[name].code
    if code in (PERTURBED, PERTURBED_PSD):
        if n is None or int(n) < 1:
            raise ValueError("n must be a positive integer for a perturbation rule.")
        for pname, val in (("C1", C1), ("C2", C2)):
            if not np.isfinite(val) or val < 0:
                raise ValueError(f"{pname} must be a finite number >= 0, got {val!r}.")
        if not (0.0 <= beta <= 1.0):
            raise ValueError(f"beta must lie in [0, 1], got {beta!r}.")
        if int(seed) != seed or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}.")
        E0 = perturbation_matrix(int(n), seed, psd=(code == PERTURBED_PSD))
        if B is not None:
            from numeric.metric import make_metric
            L = make_metric(B, int(n)).L
            E0 = L @ E0 @ L.T
            E0 = np.ascontiguousarray(0.5 * (E0 + E0.T))
        return HessianRule(name, code, np.array([C1, C2, beta], dtype=np.float64), E0)
    return HessianRule(name, code)
