"""Hessian rules: which matrix ``H(x)`` the method uses (THEORY.md section 5).

A rule is a small integer code understood by the compiled oracle dispatch, plus
rule data (``rp``: float parameters, ``E0``: a fixed symmetric matrix used by the
synthetic perturbation). :class:`HessianRule` is the validated Python-side object.

=============  ==================================================================
rule           ``H(x)``
=============  ==================================================================
exact          ``hess f(x)``
fisher         finite sums ``f = (1/m) sum_j l_j + (lam/2)||x||^2`` (logistic,
               softmax; ``l_j`` the data loss of sample ``j``):
               ``(1/m) sum_j grad l_j grad l_j^T + lam I``
gauss_newton   ``f = (1/p)||u||^p``: ``||u||^(p-2) J^T J + (p-2)||u||^(p-4) (J^T u)(J^T u)^T``
               (drops ``||u||^(p-2) sum_i u_i hess u_i``; exact for affine ``u``)
fisher_term    ``f = (1/p)||u||^p``: the rank-one part
               ``(p-2)||u||^(p-4) (J^T u)(J^T u)^T`` alone (zero when ``p = 2``)
weighted_gn    LogSumExp: ``(1/mu) A^T diag(softmax) A`` (drops ``-(1/mu) g g^T``)
perturbed      ``hess f + (C1 + C2 ||g||_*^(1-beta)) E0``, ``E0`` symmetric,
               ``||E0|| = 1``: ``||H - hess f|| = C1 + C2 ||g||_*^(1-beta)``
perturbed_psd  the same with ``E0`` PSD (keeps ``H`` PSD when ``hess f`` is)
zero           ``0`` (first-order limit)
=============  ==================================================================

Which problem supports which rule: ``Problem.rules``; ``Problem.rule(name)``
builds a rule and rejects unsupported combinations.
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

RULE_CODES = {
    "exact": EXACT,
    "fisher": FISHER,
    "gauss_newton": GAUSS_NEWTON,
    "fisher_term": FISHER_TERM,
    "weighted_gn": WEIGHTED_GN,
    "perturbed": PERTURBED,
    "perturbed_psd": PERTURBED_PSD,
    "zero": ZERO,
}
RULE_NAMES = {v: k for k, v in RULE_CODES.items()}


_NO_PARAMS, _NO_MATRIX = np.zeros(0), np.zeros((0, 0))   # shared, of size 0


@dataclass(frozen=True)
class HessianRule:
    """A Hessian rule with its data, ready for the compiled oracles.

    ``rp`` holds float parameters (for the perturbation: ``[C1, C2, beta]``);
    ``E0`` is an ``n x n`` symmetric matrix of spectral norm 1 (zeros(0, 0) when
    unused).
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


def make_rule(name: str, n: int | None = None, *, C1: float = 0.0, C2: float = 0.0,
              beta: float = 0.0, seed: int = 0, B=None) -> HessianRule:
    """Build a validated :class:`HessianRule` by name.

    The perturbation rules need ``n`` and use ``||E(x)|| = C1 + C2 ||g(x)||_*^(1-beta)``
    with ``C1, C2 >= 0`` and ``beta`` in ``[0, 1]``. The norm of ``E`` is the operator
    norm from primal to dual, ``||E|| = ||L^-1 E L^-T||_2`` for the metric
    ``B = L L^T``: with a metric ``B`` (dense SPD, ``None`` = identity) the stored
    matrix is ``L E0 L^T`` (``E0`` of :func:`perturbation_matrix`), whose norm in that
    sense is exactly 1 and which is PSD whenever ``E0`` is.
    """
    if name not in RULE_CODES:
        raise ValueError(f"rule must be one of {sorted(RULE_CODES)}, got {name!r}.")
    code = RULE_CODES[name]
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
