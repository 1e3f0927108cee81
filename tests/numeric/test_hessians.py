"""Hessian rules: each approximation against its formula, computed independently here.

The exact Hessians are checked against finite differences in ``test_problems.py``;
here each approximation ``H`` is compared with the documented formula written in
plain numpy (per-sample loops, explicit Jacobians), and ``hess f - H`` with the
documented error term. Comparisons are relative to the size of the matrices
involved (``rtol = 1e-11``: a handful of roundings of sums of a few dozen terms).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, softmax as sp_softmax

from numeric import oracles
from numeric.problems import REGISTRY
from numeric.hessians import HESSIANS, hessian_rule, perturbation_matrix

from test_problems import SMALL, build, residual_and_jacobian  # the same small instances (tests/numeric is on sys.path)


def close(M, ref, rtol=1e-11):
    scale = max(1.0, np.max(np.abs(ref)))
    assert M.shape == ref.shape
    assert np.max(np.abs(M - ref)) <= rtol * scale, np.max(np.abs(M - ref))


def sample_points(P, k=3, seed=0, spread=1.0):
    rng = np.random.default_rng(seed)
    return [P.x0 + spread * rng.standard_normal(P.n) for _ in range(k)]


# --------------------------------------------------- residual problems

RESIDUAL = [("power", {}), ("power", dict(p=2.0)), ("power", dict(p=4.0, m=3)),
            ("chebyshev_rosenbrock", {}), ("chebyshev_rosenbrock", dict(p=2.0)),
            ("rosenbrock", {}), ("rosenbrock_equations", {})]


@pytest.mark.parametrize("name,over", RESIDUAL)
def test_gauss_newton_and_fisher_term_formulas(name, over):
    P = REGISTRY[name](**{**SMALL[name], **over})
    p = P.data[4][0]
    for x in sample_points(P, seed=1):
        u, J, S = residual_and_jacobian(P, x)
        nu = np.linalg.norm(u)
        v = J.T @ u
        fisher_term = (p - 2) * nu ** (p - 4) * np.outer(v, v)
        gn = nu ** (p - 2) * J.T @ J + fisher_term
        close(P.hess(x, "gauss_newton"), gn)
        close(P.hess(x, "fisher_term"), fisher_term)
        # `gauss_newton_gap`: what Gauss-Newton drops is ||u||^(p-2) sum_i u_i hess u_i
        close(P.hess(x, "exact") - P.hess(x, "gauss_newton"), nu ** (p - 2) * S,
              rtol=1e-11 * max(1.0, np.abs(gn).max()) / max(1.0, np.abs(nu ** (p - 2) * S).max()))


def test_gauss_newton_is_exact_for_linear_residuals():
    for p in (2.0, 2.5, 3.0, 5.0):
        P = REGISTRY["power"](n=4, m=5, p=p, seed=3)
        for x in sample_points(P, seed=2, spread=3.0):
            close(P.hess(x, "gauss_newton"), P.hess(x, "exact"))


def test_fisher_term_vanishes_at_zero_residual_and_for_p2():
    P = REGISTRY["power"](n=3, p=3.0, seed=1)
    assert np.array_equal(P.hess(P.x_star, "fisher_term"), np.zeros((3, 3)))
    Q = REGISTRY["chebyshev_rosenbrock"](n=3, p=2.0)
    assert np.array_equal(Q.hess(Q.x0, "fisher_term"), np.zeros((3, 3)))
    # p in (2, 4): finite (and tiny) arbitrarily close to u = 0
    R = REGISTRY["power"](n=3, p=2.5, seed=1)
    H = R.hess(R.x_star + 1e-150, "fisher_term")
    assert np.all(np.isfinite(H)) and np.abs(H).max() < 1e-70


# ------------------------------------------------------------ LogSumExp

def test_weighted_gauss_newton_logsumexp():
    P = build("logsumexp")
    A, b, mu = P.data[0], P.data[1], P.data[4][0]
    for x in sample_points(P, seed=3, spread=2.0):
        w = sp_softmax((A @ x - b) / mu)
        g = A.T @ w
        wgn = (A.T * w) @ A / mu
        close(P.hess(x, "weighted_gn"), wgn)
        # `lse_gap`: hess f - H = -(1/mu) g g^T, of spectral norm ||g||^2 / mu
        close(P.hess(x, "exact") - P.hess(x, "weighted_gn"), -np.outer(g, g) / mu)
        E = P.hess(x, "exact") - P.hess(x, "weighted_gn")
        assert np.linalg.norm(E, 2) == pytest.approx(g @ g / mu, rel=1e-10)


def test_logsumexp_flushes_tiny_weights():
    P = REGISTRY["logsumexp"](n=3, m=12, mu=0.01, seed=2)
    A, b, mu = P.data[0], P.data[1], P.data[4][0]
    x = 5.0 * np.ones(3)
    z = (A @ x - b) / mu
    w_ref = sp_softmax(z)
    assert np.any((w_ref > 0) & (w_ref < 1e-300)) or np.any(w_ref == 0)
    d, _, U, w = P.hess_lowrank(x, "weighted_gn")
    w = w * mu
    assert np.all((w == 0) | (w >= 1e-300))          # no subnormal weight survives
    assert np.array_equal(w == 0, w_ref < 1e-300)
    close(P.hess(x, "weighted_gn"), (A.T * w_ref) @ A / mu)


# ------------------------------------------------ finite sums (Fisher)

def test_logistic_fisher_and_its_error():
    P = build("logistic")
    A, y, lam = P.data[0], P.data[1], P.data[4][0]
    m = A.shape[0]
    for x in sample_points(P, seed=4, spread=2.0):
        grads = [-y[j] * expit(-y[j] * A[j] @ x) * A[j] for j in range(m)]   # grad l_j
        fisher = sum(np.outer(gj, gj) for gj in grads) / m + lam * np.eye(P.n)
        close(P.hess(x, "fisher"), fisher)
        # the per-sample gradients average to the gradient of the data loss
        close(np.mean(grads, axis=0) + lam * x, P.grad(x), rtol=1e-12)
        z = y * (A @ x)   # `fisher_logistic_gap`: hess f - H = (1/m) sum_j p_j (1 - 2 p_j) a_j a_j^T
        err = (A.T * (expit(-z) * (expit(z) - expit(-z)))) @ A / m
        close(P.hess(x, "exact") - P.hess(x, "fisher"), err)


@pytest.mark.parametrize("name", ["softmax", "softmax_wine"])
def test_softmax_fisher(name):
    P = build(name)
    A, y, K, lam = P.data[0], P.data[1].astype(int), int(P.data[3][0]), P.data[4][0]
    m, d = A.shape
    for x in sample_points(P, k=2, seed=5, spread=0.5):
        W = x.reshape(d, K)
        fisher = lam * np.eye(P.n)
        total = np.zeros(P.n)
        for j in range(m):
            pj = sp_softmax(A[j] @ W)
            pj[y[j]] -= 1.0
            gj = np.outer(A[j], pj).ravel()        # grad l_j in the layout x[i*K + k]
            fisher += np.outer(gj, gj) / m
            total += gj / m
        close(P.hess(x, "fisher"), fisher)
        close(total + lam * x, P.grad(x), rtol=1e-12)


# ------------------------------------------------ perturbation, zero

@pytest.mark.parametrize("name", ["quadratic", "logistic", "chebyshev_rosenbrock", "polytope"])
@pytest.mark.parametrize("rule", ["perturbed", "perturbed_psd"])
def test_perturbation_has_the_chosen_norm(name, rule):
    P = build(name)
    for C1, C2, beta in ((0.5, 0.0, 0.0), (0.0, 2.0, 0.3), (0.1, 1.0, 1.0), (0.2, 0.7, 0.0)):
        r = hessian_rule(rule, P.n, C1=C1, C2=C2, beta=beta, seed=3)
        for x in sample_points(P, k=2, seed=6):
            gn = np.linalg.norm(P.grad(x))
            E = P.hess(x, r) - P.hess(x)
            target = C1 + C2 * gn ** (1 - beta)
            assert np.array_equal(E, E.T) or np.abs(E - E.T).max() <= 1e-15 * np.abs(P.hess(x)).max()
            assert np.linalg.norm(E, 2) == pytest.approx(target, rel=1e-9, abs=1e-9 * np.abs(P.hess(x)).max())
            ev = np.linalg.eigvalsh(E)
            if rule == "perturbed_psd":
                assert ev[0] >= -1e-9 * max(1.0, np.abs(P.hess(x)).max())


def test_perturbation_matrices():
    for n in (1, 4, 9):
        for psd in (False, True):
            E0 = perturbation_matrix(n, seed=n, psd=psd)
            assert np.array_equal(E0, E0.T)
            ev = np.linalg.eigvalsh(E0)
            assert ev[-1] == pytest.approx(1.0, rel=1e-13) and ev[0] >= -1.0 - 1e-13
            if psd:
                assert ev[0] >= -1e-14
    assert np.array_equal(perturbation_matrix(5, 1, False), perturbation_matrix(5, 1, False))
    assert np.linalg.eigvalsh(perturbation_matrix(6, 0, False))[0] < 0  # genuinely indefinite


def test_perturbed_psd_keeps_convex_hessians_psd():
    P = REGISTRY["power_1d"](nu=0.5)
    r = hessian_rule("perturbed_psd", 1, C1=1.0, C2=1.0, beta=0.5)
    for x in (-3.0, 0.0, 0.2):
        assert P.hess(np.array([x]), r)[0, 0] >= P.hess(np.array([x]))[0, 0]
    Q = build("logsumexp")
    r = hessian_rule("perturbed_psd", Q.n, C1=0.3, C2=0.2, beta=0.5, seed=4)
    for x in sample_points(Q, seed=7):
        assert np.linalg.eigvalsh(Q.hess(x, r))[0] >= -1e-12


@pytest.mark.parametrize("name", sorted(SMALL))
def test_zero_rule(name):
    P = build(name)
    assert np.array_equal(P.hess(P.x0, "zero"), np.zeros((P.n, P.n)))


# ------------------------------------------------ support and low rank

@pytest.mark.parametrize("name", sorted(SMALL))
def test_supported_rules_and_lowrank_forms(name):
    P = build(name)
    assert "exact" in P.hessians and "zero" in P.hessians
    for rule in HESSIANS:
        if rule not in P.hessians:
            with pytest.raises(ValueError, match="hessian"):
                P.hess(P.x0, rule)
            continue
        opts = dict(C1=0.1, C2=0.2, beta=0.5) if rule.startswith("perturbed") else {}
        for x in sample_points(P, k=2, seed=8):
            H = P.hess(x, rule, **opts)
            assert H.shape == (P.n, P.n) and np.all(np.isfinite(H))
            if not P.has_lowrank(rule):
                with pytest.raises(ValueError, match="hessian"):
                    P.hess_lowrank(x, rule)
                continue
            d, e, U, w = P.hess_lowrank(x, rule)
            assert d.shape == (P.n,) and U.ndim == 2 and U.shape[1] == P.n and w.shape == (U.shape[0],)
            assert e.shape in ((0,), (P.n - 1,)) and np.all(w >= 0)
            assert np.all(d >= 0) or e.size        # a tridiagonal part may need e to be PSD
            close(np.diag(d) + np.diag(e, 1) + np.diag(e, -1) + (U.T * w) @ U, H)


def test_lowrank_coverage():
    """The pairs the solver may run in low-rank form (kept in sync with the docs)."""
    expected = {
        "power": {"exact", "gauss_newton", "fisher_term", "zero"},
        "quartic": {"exact", "zero"},
        "logistic": {"exact", "fisher", "zero"},
        "softmax": {"fisher", "zero"},
        "logsumexp": {"weighted_gn", "zero"},
        "chebyshev_rosenbrock": {"gauss_newton", "fisher_term", "zero"},
        "rosenbrock": {"gauss_newton", "fisher_term", "zero"},
        "nesterov_chain": {"exact", "zero"},
        "cosh_sum": {"exact", "zero"},
        "polytope": {"exact", "zero"},
        "quadratic": {"zero"},
    }
    for name, rules in expected.items():
        P = build(name)
        got = {r for r in P.hessians if P.has_lowrank(r)}
        assert got == rules, name
        # the compiled predicate says False for every unsupported pair
        for r, spec in HESSIANS.items():
            if r not in P.hessians:
                assert oracles.has_lowrank(P.kind, spec.code) is False or r == "zero"


def test_unknown_and_mismatched_rules_are_rejected():
    P = build("quadratic")
    with pytest.raises(ValueError, match="hessian"):
        P.hess(P.x0, "newton")
    with pytest.raises(ValueError, match="hessian"):
        hessian_rule("bogus")
    with pytest.raises(ValueError, match="hessian"):
        P.hess(P.x0, hessian_rule("perturbed", P.n + 1, C1=1.0))
    with pytest.raises(ValueError, match="hessian must be one of"):
        build("logistic").hess(np.zeros(4), "gauss_newton")
    with pytest.raises(ValueError, match="hessian must be one of"):
        build("power").hessian_rule("fisher")
    with pytest.raises(ValueError, match="hessian must be one of"):
        build("softmax").hessian_rule("weighted_gn")


def test_perturbation_norm_in_a_metric():
    """With ``B = L L^T`` the primal-to-dual norm ``||L^-1 E L^-T||_2`` is the chosen size."""
    P = build("logistic")
    rng = np.random.default_rng(10)
    M = rng.standard_normal((P.n, P.n))
    B = M @ M.T + P.n * np.eye(P.n)
    L = np.linalg.cholesky(B)
    for rule in ("perturbed", "perturbed_psd"):
        r = hessian_rule(rule, P.n, C1=0.3, C2=1.5, beta=0.4, seed=2, B=B)
        x = P.x0 + rng.standard_normal(P.n)
        g = P.grad(x)
        gdual = np.sqrt(g @ np.linalg.solve(B, g))
        E = oracles.hess(P.kind, P.data, r.code, r.data, x, g, gdual) - P.hess(x)
        En = np.linalg.solve(L, np.linalg.solve(L, E.T).T)
        assert np.linalg.norm(En, 2) == pytest.approx(0.3 + 1.5 * gdual ** 0.6, rel=1e-9)
        if rule == "perturbed_psd":
            assert np.linalg.eigvalsh(En)[0] >= -1e-12
