"""Compiled linear algebra with info codes, and the compiled clock.

Expected values come from numpy.linalg (an independent LAPACK/BLAS path) and from
the defining equations (residuals of the solved systems).
"""
import time

import numpy as np
import pytest
from hypothesis import given, strategies as st

from numeric._clock import monotonic
from numeric._linalg import SMALL_N, cho_solve, cholesky_inplace, solve_lowrank, solve_shifted
from numeric.problems._gram import weighted_gram

EMPTY = np.zeros((0, 0))


def spd(rng, n, shift=0.1):
    M = rng.standard_normal((n, n))
    return M @ M.T + shift * np.eye(n)


# Residual tolerance for a backward-stable Cholesky solve: ||A x - r|| is of order
# n * eps * ||A|| * ||x||; we allow 100 n eps on well-conditioned systems (cond <~ 1e4).
def rel_residual(A, x, r):
    return np.linalg.norm(A @ x - r) / (np.linalg.norm(A, 2) * np.linalg.norm(x) + np.linalg.norm(r))


@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_cholesky_matches_numpy(n):
    rng = np.random.default_rng(n)
    A = spd(rng, n)
    F = A.copy()
    assert cholesky_inplace(F) == 0
    L = np.tril(F)
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-12, atol=1e-12 * np.abs(A).max())
    r = rng.standard_normal(n)
    x = cho_solve(F, r)
    assert rel_residual(A, x, r) < 100 * n * np.finfo(float).eps


def test_cholesky_info_on_indefinite_and_nan():
    A = np.diag([1.0, -1.0, 2.0])
    assert cholesky_inplace(A.copy()) == 2     # LAPACK: minor of order 2 not positive
    B = np.eye(3)
    B[1, 1] = np.nan
    assert cholesky_inplace(B) != 0
    assert cholesky_inplace(np.zeros((2, 2))) != 0   # PSD but singular is a failure


@pytest.mark.parametrize("n", [SMALL_N, SMALL_N + 1])
def test_cholesky_info_same_on_both_sides_of_the_small_path(n):
    """Orders up to SMALL_N are factored by loops, larger ones by LAPACK: the failure
    code (order of the first non-positive leading minor) is the same contract."""
    rng = np.random.default_rng(5)
    A = spd(rng, n, shift=1.0)
    A[5, 5] = -1e3                   # leading minors of order <= 5 are fine, order 6 is not
    assert cholesky_inplace(A.copy()) == 6


@pytest.mark.parametrize("n,m", [(2, 3), (SMALL_N, 50), (SMALL_N + 1, 50), (30, 569)])
def test_weighted_gram_matches_numpy(n, m):
    rng = np.random.default_rng(n + m)
    A = rng.standard_normal((m, n))
    w = rng.uniform(0.0, 2.0, m)
    w[::3] = 0.0                     # zero weights are skipped
    G = weighted_gram(A, w)
    np.testing.assert_array_equal(G, G.T)
    np.testing.assert_allclose(G, A.T @ (w[:, None] * A), rtol=1e-12,
                               atol=1e-13 * np.abs(A).max() ** 2 * w.sum())


def test_solve_shifted_identity_and_dense_metric():
    rng = np.random.default_rng(3)
    n = 9
    H = rng.standard_normal((n, n))
    H = H + H.T                                  # indefinite
    r = rng.standard_normal(n)
    lam_big = np.abs(np.linalg.eigvalsh(H)).max() + 1.0
    ok, h = solve_shifted(H, lam_big, 0, EMPTY, r)
    assert ok
    assert rel_residual(H + lam_big * np.eye(n), h, r) < 100 * n * np.finfo(float).eps
    ok, h = solve_shifted(H, 1e-3, 0, EMPTY, r)   # H + 1e-3 I is indefinite
    assert not ok and np.all(np.isnan(h))
    Bm = spd(rng, n, 1.0)
    lam = lam_big * 2
    mu_min = np.linalg.eigvalsh(H + lam * Bm).min()
    assert mu_min > 0
    ok, h = solve_shifted(H, lam, 1, Bm, r)
    assert ok
    assert rel_residual(H + lam * Bm, h, r) < 100 * n * np.finfo(float).eps


@given(n=st.integers(1, 12), k=st.integers(0, 5), lam=st.floats(1e-3, 1e3),
       seed=st.integers(0, 2**16), banded=st.booleans())
def test_woodbury_matches_dense_solve(n, k, lam, seed, banded):
    """Diagonal or tridiagonal base (``e``) plus ``U^T diag(w) U``, against a dense LU
    solve of the same matrix."""
    rng = np.random.default_rng(seed)
    d = rng.uniform(0.0, 2.0, n)
    e = rng.uniform(-1.0, 1.0, n - 1) if banded else np.zeros(0)
    if banded:      # diagonally dominant: tridiag(d, e) is positive semidefinite
        d[:-1] += np.abs(e)
        d[1:] += np.abs(e)
    U = rng.standard_normal((k, n))
    w = rng.uniform(0.0, 3.0, k)
    if k:
        w[0] = 0.0 if seed % 3 == 0 else w[0]      # zero weights are allowed
    r = rng.standard_normal(n)
    A = np.diag(d + lam) + U.T @ np.diag(w) @ U
    if banded:
        A += np.diag(e, 1) + np.diag(e, -1)
    ok, h = solve_lowrank(d, e, U, w, lam, r)
    assert ok
    expected = np.linalg.solve(A, r)
    # Woodbury is forward-stable when D is well conditioned; cond(D) <= (4 + lam) / lam
    # here, and we compare to a dense LU solve, so the error bound is cond * eps up
    # to a modest factor.
    cond = max(np.linalg.cond(A), (4.0 + lam) / lam)
    assert np.linalg.norm(h - expected) <= 1e3 * cond * np.finfo(float).eps * np.linalg.norm(expected)


def test_woodbury_declines_what_it_cannot_certify():
    rng = np.random.default_rng(0)
    n, k = 5, 2
    U = rng.standard_normal((k, n))
    r = rng.standard_normal(n)
    none = np.zeros(0)
    ok, h = solve_lowrank(np.ones(n), none, U, np.array([1.0, -0.5]), 0.1, r)   # negative weight
    assert not ok and np.all(np.isnan(h))
    d = np.ones(n)
    d[2] = -1.0
    ok, _ = solve_lowrank(d, none, U, np.ones(k), 0.5, r)                       # d_i + lam < 0
    assert not ok
    # a tridiagonal base with positive diagonal that is not positive definite:
    # tridiag(1, 1) + 0.5 I has the leading minor 1.5^2 - 1 > 0 but the 3x3 minor
    # 1.5^3 - 2 * 1.5 < 0 (its eigenvalues are 1.5 + 2 cos(j pi / (n + 1)))
    ok, h = solve_lowrank(np.ones(n), np.ones(n - 1), U, np.ones(k), 0.5, r)
    assert not ok and np.all(np.isnan(h))
    assert np.linalg.eigvalsh(np.eye(n) * 1.5 + np.diag(np.ones(n - 1), 1)
                              + np.diag(np.ones(n - 1), -1))[0] < 0


def test_clock_is_monotonic_seconds():
    a = monotonic()
    b = time.monotonic()
    time.sleep(0.02)
    c = monotonic()
    assert abs(a - b) < 0.5            # same clock (CLOCK_MONOTONIC)
    assert 0.015 < c - a < 1.0
