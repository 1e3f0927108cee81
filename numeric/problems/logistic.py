"""l2-regularized binary logistic regression (convex, smooth).

With rows ``a_j`` of ``A`` (``m x n``), labels ``y_j in {-1, +1}`` and margins
``z_j = y_j <a_j, x>``:

    f(x)  = (1/m) sum_j l_j(x) + (lam/2) ||x||^2,    l_j(x) = log(1 + exp(-z_j))
    grad  = -(1/m) sum_j sigma(-z_j) y_j a_j + lam x
    hess  = (1/m) sum_j sigma(z_j) sigma(-z_j) a_j a_j^T + lam I
    Fisher: (1/m) sum_j grad l_j grad l_j^T + lam I
          = (1/m) sum_j sigma(-z_j)^2 a_j a_j^T + lam I

``l_j`` is the data loss of sample ``j`` alone; the regularizer enters the Fisher
rule through its exact Hessian ``lam I``. Hence
``hess - Fisher = (1/m) sum_j sigma(-z_j) (sigma(z_j) - sigma(-z_j)) a_j a_j^T``
(``fisher_logistic_gap`` in the derivations, with ``p_j = sigma(-z_j)``).
No intercept is modelled (append a column of ones to ``A`` for one).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._scalar import log1pexp, sigmoid
from numeric.problems.base import (FLOAT, MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_matrix, check_positive, check_vector)
from numeric.problems import datasets

LAYOUT = Layout(A=MATRIX, y=VECTOR, lam=FLOAT)     # labels y in {-1, +1}
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    A, y, lam = _unpack(data)
    m = A.shape[0]
    z = y * (A @ x)
    s = 0.0
    c = np.empty(m)
    for j in range(m):
        s += log1pexp(-z[j])
        c[j] = -y[j] * sigmoid(-z[j]) / m
    return s / m + 0.5 * lam * np.dot(x, x), A.T @ c + lam * x


@jit
def _lowrank(data, x, fisher):
    """``(lam 1, A, w)``: ``w_j = sigma(z_j) sigma(-z_j) / m`` (exact) or ``sigma(-z_j)^2 / m`` (Fisher)."""
    A, y, lam = _unpack(data)
    m = A.shape[0]
    z = y * (A @ x)
    w = np.empty(m)
    for j in range(m):
        sm = sigmoid(-z[j])
        w[j] = sm * (sm if fisher else sigmoid(z[j])) / m
    return np.full(x.shape[0], lam), A, w


@jit
def _exact_lowrank(data, x):
    return _lowrank(data, x, False)


@jit
def _fisher_lowrank(data, x):
    return _lowrank(data, x, True)



def _make(name, A, y, lam, params):
    A = check_matrix("A", A)
    m, n = A.shape
    y = check_vector("y", y, m)
    if not np.all(np.abs(y) == 1.0):
        raise ValueError("y must contain labels -1 or +1 only.")
    lam = check_positive("lam", lam, strict=False)
    return Problem(
        name=name, kind=PROBLEM.kind, data=LAYOUT.pack(A=A, y=y, lam=lam), n=n, x0=np.zeros(n),
        convex=True, params=dict(params, lam=lam),
    )


def logistic(m: int = 100, n: int = 5, lam: float = 1e-3, noise: float = 0.5, seed: int = 0,
             A=None, y=None) -> Problem:
    """Synthetic (seeded) or given logistic regression; ``f*`` unknown, ``x0 = 0``.

    Synthetic: ``A`` standard Gaussian ``m x n``, ``y = sign(A w + noise * z)`` for a
    seeded ``w`` (``noise = 0`` gives separable data: then ``f*`` is approached only
    through the regularizer, ``lam > 0`` recommended).
    """
    if (A is None) != (y is None):
        raise ValueError("y must be given together with A (or neither).")
    if A is None:
        m, n = check_int("m", m, 1), check_int("n", n, 1)
        noise = check_positive("noise", noise, strict=False)
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((m, n))
        t = A @ rng.standard_normal(n) + noise * rng.standard_normal(m)
        y = np.where(t >= 0, 1.0, -1.0)
    return _make("logistic", A, y, lam, dict(m=m, n=n, noise=noise, seed=seed))


def logistic_breast_cancer(lam: float = 1e-3) -> Problem:
    """scikit-learn's breast-cancer data (569 x 30, standardized); ``y = +1`` for benign (target 1)."""
    lam = check_positive("lam", lam, strict=False)
    X, t = datasets.load("breast_cancer")
    return _make("logistic_breast_cancer", X, 2.0 * t - 1.0, lam, dict(dataset="breast_cancer"))


PROBLEM = ProblemType("logistic", 3, LAYOUT, _value_grad, {
    "exact": Hessian(lowrank=_exact_lowrank),
    "fisher": Hessian(lowrank=_fisher_lowrank),
})
BUILDERS = {"logistic": logistic, "logistic_breast_cancer": logistic_breast_cancer}
