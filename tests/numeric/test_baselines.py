"""Tests of the compiled baselines: convergence, per-step guarantees recomputed from
the trace, trace layout, determinism, the exact cubic subproblem, bad input."""
import numpy as np
import pytest

from numeric.baselines import (BASELINES, cubic_newton, damped_newton, fast_gradient_method,
                               gradient_method, super_universal_newton)
from numeric.baselines.cubic import cubic_step
from numeric.problems import logistic, power, quadratic, rosenbrock
from numeric.hessians import hessian_rule

QUAD = quadratic(n=5, cond=20.0, seed=0)
# the same Hessian with b = 0: x* = 0, f* = 0 and f = x^T Q x / 2 is computed to full
# relative accuracy near x*, so no method meets the precision floor of a cancelling f
# before ||g|| = 1e-8 (for QUAD itself the floor is ~1e-7: tests/numeric/test_stall.py)
QUAD0 = quadratic(Q=QUAD.data[0], b=np.zeros(5))
LOGI = logistic(m=60, n=4, lam=1e-2, seed=1)
POW = power(n=3, p=3.0, seed=2)
MONOTONE = ("gradient", "cubic_newton", "super_universal", "damped_newton")


def _run(name, problem, **kw):
    kw.setdefault("max_iter", 3000)
    return BASELINES[name](problem, **kw)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_converges_on_strongly_convex_quadratic(name):
    res = _run(name, QUAD0, gtol=1e-8, ftol=0.0)
    assert res.success
    # what either stopping test guarantees on this quadratic (g = Q x, f* = 0):
    # ||x - x*|| <= ||g|| / lambda_min and f - f* <= ||g||^2 / (2 lambda_min)
    lam_min = np.linalg.eigvalsh(QUAD0.data[0])[0]
    g = QUAD0.data[0] @ res.x
    assert np.linalg.norm(g) <= 1e-8 * (1 + 1e-12) or res.fun <= 0.0
    assert np.linalg.norm(res.x) <= np.linalg.norm(g) / lam_min * (1 + 1e-9)
    assert res.fun <= np.linalg.norm(g) ** 2 / (2 * lam_min) * (1 + 1e-9)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_converges_on_logistic_and_power(name):
    res = _run(name, LOGI, gtol=1e-7)
    assert res.status == "converged_gnorm"
    assert np.linalg.norm(LOGI.grad(res.x)) <= 1e-7
    # power p = 3 is degenerate at its minimizer (f* = 0): ask for the function gap
    res = _run(name, POW, gtol=0.0, ftol=1e-9)
    assert res.status == "converged_fgap", res
    assert POW.value(res.x) <= 1e-9


@pytest.mark.parametrize("name", MONOTONE)
def test_monotone_decrease(name):
    for prob in (LOGI, POW, rosenbrock()):
        tr = _run(name, prob, max_iter=200, gtol=1e-10).trace
        assert np.all(np.diff(tr.f) <= 0.0)


def test_per_step_tests_recomputed_from_trace():
    tr = gradient_method(LOGI, max_iter=100).trace
    # Armijo with c = 1/2: f_{k+1} <= f_k - (t/2) ||g_k||^2 and lam = 1/t
    assert np.all(tr.f[1:] <= tr.f[:-1] - 0.5 * tr.gamma * tr.gnorm[:-1] ** 2)
    np.testing.assert_allclose(tr.lam, 1.0 / tr.gamma, rtol=1e-15)
    alpha = 2.0 / 3.0
    tr = super_universal_newton(POW, alpha=alpha, max_iter=30).trace
    np.testing.assert_allclose(tr.lam, tr.gamma * tr.gnorm[:-1] ** alpha, rtol=1e-14)
    assert np.all(tr.f[:-1] - tr.f[1:] >= tr.gnorm[1:] ** 2 / (4 * tr.lam))
    tr = cubic_newton(POW, max_iter=30).trace
    np.testing.assert_allclose(tr.lam, tr.gamma * tr.step / 2, rtol=1e-10)


def test_fast_gradient_convex_rate():
    """f(x_k) - f* <= ||x0 - x*||^2 / (2 A_k), A_k rebuilt from the accepted L_k."""
    res = fast_gradient_method(QUAD, max_iter=60, gtol=0.0)
    tr = res.trace
    R2 = np.sum((QUAD.x0 - QUAD.x_star) ** 2)
    A = 0.0
    for k, L in enumerate(tr.lam):
        A += (1 + np.sqrt(1 + 4 * L * A)) / (2 * L)
        assert tr.f[k + 1] - QUAD.f_star <= R2 / (2 * A) * (1 + 1e-12) + 1e-14


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_trace_layout_and_determinism(name):
    a = _run(name, LOGI, max_iter=25, gtol=0.0)
    b = _run(name, LOGI, max_iter=25, gtol=0.0)
    tr, K = a.trace, a.nit
    assert tr.f.shape == tr.gnorm.shape == tr.n_value.shape == tr.n_hess.shape == (K + 1,)
    assert tr.gamma.shape == tr.lam.shape == tr.step.shape == (K,)
    m = tr.trial_gamma.shape[0]
    for arr in (tr.trial_iter, tr.trial_accepted, tr.trial_f, tr.trial_gnorm, tr.trial_step):
        assert arr.shape == (m,)
    assert np.all(np.diff(tr.trial_iter) >= 0)
    assert tr.trial_accepted.sum() == K
    # the accepted trial of iteration k is its last one and carries gamma_k
    for k in range(K):
        idx = np.flatnonzero(tr.trial_iter == k)
        assert tr.trial_accepted[idx[-1]] and not tr.trial_accepted[idx[:-1]].any()
        assert tr.trial_gamma[idx[-1]] == tr.gamma[k]
        assert tr.trial_f[idx[-1]] == tr.f[k + 1]
    assert np.all(np.diff(tr.n_value) >= 1) and np.all(np.diff(tr.time) >= 0)
    assert np.array_equal(a.x, b.x)
    for field in ("f", "gnorm", "gamma", "lam", "step", "trial_gamma", "trial_f"):
        assert np.array_equal(getattr(a.trace, field), getattr(b.trace, field), equal_nan=True)


def _model(g, H, M, h):
    return g @ h + 0.5 * h @ H @ h + M / 6 * np.linalg.norm(h) ** 3


@pytest.mark.parametrize("case", range(6))
def test_cubic_subproblem_global_optimality(case):
    rng = np.random.default_rng(case)
    n = 4
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    w = rng.uniform(-2, 3, n) if case % 2 else rng.uniform(0.1, 3, n)
    H = (Q * w) @ Q.T
    g = rng.standard_normal(n)
    M = [0.1, 1.0, 10.0][case % 3]
    h, mu = cubic_step(g, H, M)
    # optimality conditions (cubic_optimality): (H + mu I) h = -g, H + mu I PSD, mu = M||h||/2
    np.testing.assert_allclose((H + mu * np.eye(n)) @ h, -g, atol=1e-9)
    assert np.linalg.eigvalsh(H + mu * np.eye(n))[0] >= -1e-10
    assert mu == pytest.approx(M * np.linalg.norm(h) / 2, rel=1e-9)
    # and no random point or local search does better
    from scipy.optimize import minimize
    best = _model(g, H, M, h)
    for s in range(5):
        z = minimize(lambda v: _model(g, H, M, v), rng.standard_normal(n) * 3).x
        assert best <= _model(g, H, M, z) + 1e-9


def test_cubic_subproblem_hard_case():
    H = np.diag([-1.0, 2.0])
    g = np.array([0.0, 1.0])
    M = 1.0
    h, mu = cubic_step(g, H, M)
    assert mu == pytest.approx(1.0)                      # mu = -w_min
    assert np.linalg.norm(h) == pytest.approx(2.0)        # ||h|| = 2 mu / M
    np.testing.assert_allclose((H + mu * np.eye(2)) @ h, -g, atol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="problem"):
        gradient_method("quadratic")
    with pytest.raises(ValueError, match="x must"):
        gradient_method(QUAD, x0=[1.0])
    with pytest.raises(ValueError, match="t0"):
        gradient_method(QUAD, t0=0.0)
    with pytest.raises(ValueError, match="L0"):
        fast_gradient_method(QUAD, L0=-1.0)
    with pytest.raises(ValueError, match="M0"):
        cubic_newton(QUAD, M0=np.nan)
    with pytest.raises(ValueError, match="H0"):
        super_universal_newton(QUAD, H0=np.inf)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="alpha"):
            super_universal_newton(QUAD, alpha=bad)
    with pytest.raises(ValueError, match="hessian"):
        damped_newton(QUAD, hessian="fisher")
    with pytest.raises(ValueError, match="hessian must be built for dimension 5"):
        cubic_newton(QUAD, hessian=hessian_rule("perturbed", 2, C1=1.0))
    with pytest.raises(ValueError, match="max_iter"):
        damped_newton(QUAD, max_iter=-1)
    with pytest.raises(ValueError, match="max_trials"):
        damped_newton(QUAD, max_trials=0)
    for name in ("gtol", "ftol"):
        with pytest.raises(ValueError, match=name):
            damped_newton(QUAD, **{name: -1.0})
    with pytest.raises(ValueError, match="f_star"):
        damped_newton(QUAD, f_star=np.nan)
