"""LogSumExp ``f(x) = mu log sum_j exp((<a_j, x> - b_j) / mu)``, ``mu > 0`` (convex).

With ``w = softmax((Ax - b) / mu)``:

    grad f = A^T w,    hess f = (1/mu) (A^T diag(w) A - g g^T).

Weighted Gauss-Newton drops ``-(1/mu) g g^T``: ``H = (1/mu) A^T diag(w) A``, an
error of spectral norm ``||g||^2 / mu`` (``lse_gap``).

Numerics: the softmax is computed after subtracting the largest score, and weights
below ``1e-300`` are flushed to exactly zero (:data:`FLUSH`). Their contribution is
far below rounding (at most ``m 1e-300 max_j ||a_j||^2 / mu`` in ``H``); subnormal
weights can make the BLAS product several times slower on some CPUs (a fivefold
slowdown of this Hessian has been reported), and zero weights are skipped
altogether by the weighted Gram product, which pays off far from the optimum where
most weights underflow.

Optimum at the origin by construction: draw ``A0`` and positive weights ``w0``
(``sum w0 = 1``), take ``A = A0 - 1 abar^T`` with ``abar = A0^T w0`` (so
``A^T w0 = 0``) and ``b = -mu log w0``. Then ``softmax(-b/mu) = w0``,
``grad f(0) = A^T w0 = 0``, and ``f* = f(0) = mu log sum_j w0_j = 0``.

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import weighted_gram
from numeric.problems.base import (FLOAT, MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_matrix, check_positive, check_vector)

LAYOUT = Layout(A=MATRIX, b=VECTOR, mu=FLOAT)
_unpack = LAYOUT.unpack
FLUSH = 1e-300


@jit
def _softmax(data, x):
    """``(f, w)`` with tiny weights flushed to zero."""
    A, b, mu = _unpack(data)
    z = (A @ x - b) / mu
    zmax = np.max(z)
    w = np.exp(z - zmax)
    s = np.sum(w)
    w /= s
    for j in range(w.shape[0]):
        if w[j] < FLUSH:
            w[j] = 0.0
    return mu * (zmax + np.log(s)), w


@jit
def _value_grad(data, x):
    f, w = _softmax(data, x)
    return f, _unpack(data)[0].T @ w


@jit
def _weighted_gn_lowrank(data, x):
    """``(0, A, w / mu)``."""
    f, w = _softmax(data, x)
    A, _, mu = _unpack(data)
    return np.zeros(x.shape[0]), A, w / mu


@jit
def _weighted_gn(data, x):
    A, _, mu = _unpack(data)
    f, w = _softmax(data, x)
    return weighted_gram(A, w / mu)


@jit
def _hess(data, x):
    A, _, mu = _unpack(data)
    f, w = _softmax(data, x)
    g = A.T @ w
    H = weighted_gram(A, w / mu)
    n = x.shape[0]
    for i in range(n):
        for k in range(n):
            H[i, k] -= g[i] * g[k] / mu
    return H


def _f_at_origin(b, mu):
    """``f(0) = mu log sum_j exp(-b_j / mu)`` (zero up to rounding for built instances)."""
    z = -b / mu
    return float(mu * (z.max() + np.log(np.sum(np.exp(z - z.max())))))


def logsumexp(n: int = 5, m: int | None = None, mu: float = 1.0, seed: int = 0) -> Problem:
    """Seeded LogSumExp instance (``m = 4n`` terms by default) with ``x* = 0``, ``f* = f(0) = 0`` (up to rounding).

    ``w0`` is uniform on ``[0.5, 1.5]`` normalized; ``A0`` standard Gaussian.
    Default ``x0`` is a seeded standard normal point.
    """
    mu = check_positive("mu", mu)
    n = check_int("n", n, 1)
    m = 4 * n if m is None else check_int("m", m, 2)
    rng = np.random.default_rng(seed)
    A0 = rng.standard_normal((m, n))
    w0 = rng.uniform(0.5, 1.5, size=m)
    w0 /= w0.sum()
    A = A0 - np.outer(np.ones(m), A0.T @ w0)
    b = -mu * np.log(w0)
    return Problem(
        name="logsumexp", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b, mu=mu), n=n,
        x0=rng.standard_normal(n), convex=True, f_star=_f_at_origin(b, mu), x_star=np.zeros(n),
        params=dict(n=n, m=m, mu=mu, seed=seed),
    )


def logsumexp_data(A, b, mu: float = 1.0) -> Problem:
    """LogSumExp with given ``A`` (``m x n``) and ``b`` (``m``); ``f*`` unknown, ``x0 = 0``."""
    mu = check_positive("mu", mu)
    A = check_matrix("A", A)
    m, n = A.shape
    b = check_vector("b", b, m)
    return Problem(
        name="logsumexp", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b, mu=mu), n=n,
        x0=np.zeros(n), convex=True, params=dict(n=n, m=m, mu=mu),
    )


PROBLEM = ProblemType("logsumexp", 5, LAYOUT, _value_grad, {
    "exact": Hessian(dense=_hess),
    "weighted_gn": Hessian(dense=_weighted_gn, lowrank=_weighted_gn_lowrank),
})
BUILDERS = {"logsumexp": logsumexp}
