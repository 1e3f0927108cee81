"""l2-regularized multiclass softmax (multinomial logistic) regression (convex).

Features ``A`` (``m x d``), labels ``y_j in {0, ..., K-1}``, weights
``W`` (``d x K``) flattened row-major: ``x[i*K + k] = W[i, k]`` (``n = d K``).
With scores ``Z = A W``, probabilities ``P_j = softmax(Z_j)`` and one-hot ``Y``:

    f(x)  = (1/m) sum_j l_j(x) + (lam/2) ||x||^2,   l_j = logsumexp(Z_j) - Z_{j, y_j}
    grad  = vec((1/m) A^T (P - Y)) + lam x
    hess[(i,k),(i',k')] = (1/m) sum_j A_ji A_ji' P_jk (delta_kk' - P_jk') + lam delta
    Fisher: (1/m) sum_j grad l_j grad l_j^T + lam I,  grad l_j = vec(a_j (P_j - Y_j)^T)

``l_j`` is the data loss of sample ``j`` alone; the regularizer enters the Fisher
rule through its exact Hessian ``lam I`` (``fisher_softmax_gap`` bounds the
difference). Column ``k`` of ``W`` is the weight vector of class ``k``. The model has
no intercept.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import weighted_gram
from numeric.problems.base import (FLOAT, INT, MATRIX, VECTOR, Hessian, Layout, Problem,
                                   ProblemType, check_int, check_matrix, check_positive,
                                   check_vector)
from numeric.problems import datasets

LAYOUT = Layout(A=MATRIX, y=VECTOR, K=INT, lam=FLOAT)   # y: class indices as floats
_unpack = LAYOUT.unpack


@jit
def _probabilities(data, x):
    """``(loss, P)``: the mean data loss and the row-wise softmax of ``Z = A W``."""
    A, y, K, _ = _unpack(data)
    m, d = A.shape
    Z = A @ np.ascontiguousarray(x).reshape((d, K))
    P = np.empty((m, K))
    loss = 0.0
    for j in range(m):
        zmax = Z[j, 0]
        for k in range(1, K):
            zmax = max(zmax, Z[j, k])
        s = 0.0
        for k in range(K):
            P[j, k] = np.exp(Z[j, k] - zmax)
            s += P[j, k]
        for k in range(K):
            P[j, k] /= s
        loss += zmax + np.log(s) - Z[j, int(y[j])]
    return loss / m, P


@jit
def _residual_matrix(data, P):
    """``(P - Y) / m``."""
    y = _unpack(data)[1]
    m = P.shape[0]
    R = P / m
    for j in range(m):
        R[j, int(y[j])] -= 1.0 / m
    return R


@jit
def _value_grad(data, x):
    A, _, _, lam = _unpack(data)
    loss, P = _probabilities(data, x)
    G = A.T @ _residual_matrix(data, P)
    return loss + 0.5 * lam * np.dot(x, x), G.ravel() + lam * x


@jit
def _hess(data, x):
    A, _, K, lam = _unpack(data)
    m, d = A.shape
    loss, P = _probabilities(data, x)
    H = np.empty((d * K, d * K))
    w = np.empty(m)
    for k in range(K):
        for k2 in range(k, K):
            for j in range(m):
                w[j] = P[j, k] * ((1.0 if k == k2 else 0.0) - P[j, k2]) / m
            G = weighted_gram(A, w)
            for i in range(d):
                for i2 in range(d):
                    H[i * K + k, i2 * K + k2] = G[i, i2]
                    H[i2 * K + k2, i * K + k] = G[i, i2]
    for i in range(d * K):
        H[i, i] += lam
    return H


@jit
def _fisher_lowrank(data, x):
    """``(lam 1, U, 1/m)`` with row ``j`` of ``U`` equal to ``grad l_j = vec(a_j (P_j - Y_j)^T)``."""
    A, _, K, lam = _unpack(data)
    m, d = A.shape
    loss, P = _probabilities(data, x)
    R = _residual_matrix(data, P) * m
    U = np.empty((m, d * K))
    for j in range(m):
        for i in range(d):
            for k in range(K):
                U[j, i * K + k] = A[j, i] * R[j, k]
    return np.full(d * K, lam), U, np.full(m, 1.0 / m)



def _make(name, A, y, K, lam, params):
    A = check_matrix("A", A)
    m, d = A.shape
    K = check_int("K", K, 2)
    y = check_vector("y", y, m)
    if not np.all((y == np.round(y)) & (y >= 0) & (y < K)):
        raise ValueError(f"y must contain class indices in {{0, ..., {K - 1}}} only.")
    lam = check_positive("lam", lam, strict=False)
    return Problem(
        name=name, kind=PROBLEM.kind, data=LAYOUT.pack(A=A, y=y, K=K, lam=lam), n=d * K,
        x0=np.zeros(d * K), convex=True, params=dict(params, K=K, lam=lam),
    )


def softmax(m: int = 60, d: int = 4, K: int = 3, lam: float = 1e-3, sep: float = 1.0,
            seed: int = 0, A=None, y=None) -> Problem:
    """Synthetic (seeded) or given softmax regression; ``f*`` unknown, ``x0 = 0``.

    Synthetic: class ``y_j`` uniform in ``{0..K-1}``, features ``A_j = sep * mu_{y_j} + z_j``
    with seeded Gaussian class means ``mu_k`` and noise ``z_j``.
    """
    if (A is None) != (y is None):
        raise ValueError("y must be given together with A (or neither).")
    if A is None:
        m, d, K = check_int("m", m, 1), check_int("d", d, 1), check_int("K", K, 2)
        sep = check_positive("sep", sep, strict=False)
        rng = np.random.default_rng(seed)
        y = rng.integers(0, K, size=m)
        A = sep * rng.standard_normal((K, d))[y] + rng.standard_normal((m, d))
    return _make("softmax", A, y, K, lam, dict(m=m, d=d, sep=sep, seed=seed))


def softmax_digits(lam: float = 1e-3) -> Problem:
    """scikit-learn's digits (1797 x 64 standardized, ``K = 10``, ``n = 640``)."""
    lam = check_positive("lam", lam, strict=False)
    X, t = datasets.load("digits")
    return _make("softmax_digits", X, t, 10, lam, dict(dataset="digits"))


def softmax_wine(lam: float = 1e-3) -> Problem:
    """scikit-learn's wine (178 x 13 standardized, ``K = 3``, ``n = 39``)."""
    lam = check_positive("lam", lam, strict=False)
    X, t = datasets.load("wine")
    return _make("softmax_wine", X, t, 3, lam, dict(dataset="wine"))


PROBLEM = ProblemType("softmax", 4, LAYOUT, _value_grad, {
    "exact": Hessian(dense=_hess),
    "fisher": Hessian(lowrank=_fisher_lowrank),
})
BUILDERS = {"softmax": softmax, "softmax_digits": softmax_digits, "softmax_wine": softmax_wine}
