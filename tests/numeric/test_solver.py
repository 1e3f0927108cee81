"""The compiled solver (Algorithm 1): input validation, trace bookkeeping, the three
step rules, failed factorizations, determinism, metrics, callback.

Expected values are recomputed independently from the recorded iterates with the
problem's oracles and NumPy (never copied from a run).
"""
import numpy as np
import pytest

from numeric import oracles
from numeric.problems.quadratic import quadratic
from numeric.hessians import hessian_rule
from numeric.solver import count_gns, minimize_gns, pi_bound

TRACE_FIELDS = ("f", "gnorm", "gamma", "lam", "step", "n_value", "n_grad", "n_hess",
                "trial_iter", "trial_gamma", "trial_accepted", "trial_f", "trial_gnorm",
                "trial_step", "x")


@pytest.fixture(scope="module")
def quad():
    return quadratic(6, cond=30.0, seed=1)


@pytest.fixture(scope="module")
def quad0(quad):
    """The same Hessian with ``b = 0`` (``x* = 0``, ``f* = 0``): ``f`` is computed to full
    relative accuracy near ``x*``, so ``||g|| = 1e-9`` lies far above the precision floor
    of the acceptance test (for ``quad`` it does not: tests/numeric/test_stall.py)."""
    return quadratic(Q=quad.data[0], b=np.zeros(quad.n))


def assert_converged(problem, res, gtol):
    """What either stopping test guarantees on a quadratic with ``f* = 0``:
    ``||g|| <= gtol`` (or ``f <= f*``), ``||x - x*|| <= ||g|| / lambda_min`` (metric
    ``I``)."""
    assert res.success
    Q = problem.data[0]
    g = Q @ res.x - problem.data[1]
    assert np.linalg.norm(g) <= gtol * (1 + 1e-12) or res.fun <= problem.f_star
    lam_min = np.linalg.eigvalsh(Q)[0]
    assert np.linalg.norm(res.x - problem.x_star) <= np.linalg.norm(g) / lam_min * (1 + 1e-9)


@pytest.fixture(scope="module")
def indefinite(quad):
    """Convex quadratic ``f`` but an indefinite ``H = Q + 40 E0`` (``E0`` has eigenvalue
    -1 somewhere unless the seed is unlucky; asserted below): small ``lambda`` makes the
    Cholesky factorization fail."""
    rule = hessian_rule("perturbed", quad.n, C1=40.0, seed=3)
    H = quad.hess(quad.x0, rule)
    assert np.linalg.eigvalsh(H).min() < -5.0
    return rule


def check_trace(problem, res, *, B=None, adaptive=True, gamma0=1.0, gamma_min=0.0):
    """Every invariant of the trace that follows from the definition of Algorithm 1."""
    tr = res.trace
    K = tr.n_steps
    X = tr.x
    Bm = np.eye(problem.n) if B is None else B
    Binv = np.linalg.inv(Bm)
    assert X.shape == (K + 1, problem.n) and np.all(np.isfinite(X))
    assert len(tr.f) == len(tr.gnorm) == len(tr.time) == K + 1
    assert len(tr.gamma) == len(tr.lam) == len(tr.step) == K
    np.testing.assert_array_equal(res.x, X[-1])
    for k in range(K + 1):
        f, g = oracles.value_grad(problem.kind, problem.data, X[k])
        assert tr.f[k] == f                                        # never a stale f
        np.testing.assert_allclose(tr.gnorm[k], np.sqrt(g @ Binv @ g), rtol=1e-12)
    for k in range(K):
        h = X[k + 1] - X[k]
        assert np.any(h != 0.0)                                    # each step moves x
        # the recorded step is ||h|| of the computed h; x_{k+1} = fl(x_k - h) differs from
        # x_k - h by at most eps |x_{k+1}| per entry, whence the absolute slack
        slack = 2 * np.finfo(float).eps * np.sqrt(np.linalg.norm(Bm, 2)) * np.linalg.norm(X[k + 1])
        np.testing.assert_allclose(tr.step[k], np.sqrt(h @ Bm @ h), rtol=1e-12, atol=slack)
        assert tr.lam[k] == tr.gnorm[k] / tr.gamma[k]
    # trials: grouped by iteration, at most one accepted, it is the last one
    assert np.all(np.diff(tr.trial_iter) >= 0)
    for k in range(K + (res.status in ("search_exhausted", "step_failed", "non_finite"))):
        idx = np.flatnonzero(tr.trial_iter == k)
        assert idx.size >= 1
        gam = tr.trial_gamma[idx]
        if adaptive:
            first = gamma0 if k == 0 else max(2.0 * tr.gamma[k - 1], gamma_min)
            assert gam[0] == first
            np.testing.assert_array_equal(gam[1:], 0.5 * gam[:-1])
            assert not np.any(tr.trial_accepted[idx[:-1]])
        if k < K:
            j = idx[-1]
            assert tr.gamma[k] == gam[-1]
            assert tr.trial_f[j] == tr.f[k + 1] and tr.trial_gnorm[j] == tr.gnorm[k + 1]
            if adaptive:
                assert tr.trial_accepted[j]
        for j in idx:
            lam = tr.gnorm[k] / tr.trial_gamma[j]
            if np.isfinite(tr.trial_f[j]):
                # the recorded decision is the acceptance inequality as written
                # (lam = 0 for gamma = inf: the right side is inf, or nan if g_next = 0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    rhs = tr.trial_gnorm[j] ** 2 / (8 * lam)
                assert tr.trial_accepted[j] == (tr.f[k] - tr.trial_f[j] >= rhs)
            else:
                assert not tr.trial_accepted[j]
    # oracle counts: one value+gradient at x0 and at every trial point that was evaluated
    evaluated = np.isfinite(tr.trial_step)
    for k in range(K + 1):
        before = np.sum(evaluated[tr.trial_iter < k])
        assert tr.n_value[k] == tr.n_grad[k] == 1 + before
        assert tr.n_hess[k] == k
    assert np.all(np.diff(tr.time) >= 0)


def test_adaptive_on_quadratic_converges_and_trace_is_consistent(quad0):
    res = minimize_gns(quad0, record_x=True, gtol=1e-9)
    assert_converged(quad0, res, 1e-9)
    check_trace(quad0, res)
    # PSD H: step bound ||h_k|| <= gamma_k (C3), exact inequality up to rounding of
    # the norm computation
    assert np.all(res.trace.step <= res.trace.gamma * (1 + 1e-12))


def test_gamma0_and_gamma_min_drive_the_first_trials(quad):
    res = minimize_gns(quad, record_x=True, gamma0=1e-3, gamma_min=0.5, max_iter=4)
    check_trace(quad, res, gamma0=1e-3, gamma_min=0.5)
    assert res.trace.trial_gamma[0] == 1e-3


def test_failed_factorizations_are_rejections_without_stale_state(quad, indefinite):
    res = minimize_gns(quad, hessian=indefinite, record_x=True, gamma0=1e3, max_iter=30)
    tr = res.trace
    failed = np.isnan(tr.trial_step)
    assert failed.sum() >= 1                        # the test exercises the failure path
    assert not np.any(tr.trial_accepted[failed])
    assert np.all(np.isnan(tr.trial_f[failed])) and np.all(np.isnan(tr.trial_gnorm[failed]))
    check_trace(quad, res, gamma0=1e3)
    assert tr.n_steps >= 5
    assert np.all(np.diff(tr.f) < 0)                # accepted steps decrease f (test with 8 lam > 0)


def test_chebyshev_rosenbrock_exact_hessian_failures_leave_no_stale_step():
    """Non-convex chain with the exact (indefinite) Hessian: failed factorizations occur
    and the trace must still match the oracles at every recorded iterate."""
    from numeric.problems import REGISTRY
    p = REGISTRY["chebyshev_rosenbrock"](n=4)
    res = minimize_gns(p, record_x=True, max_iter=60, gtol=0.0)
    assert np.isnan(res.trace.trial_step).sum() >= 1
    check_trace(p, res)
    assert np.all(np.diff(res.trace.f) < 0)


def test_search_exhausted_is_reported_and_x_is_kept(quad, indefinite):
    res = minimize_gns(quad, hessian=indefinite, record_x=True, gamma0=1e8, max_trials=2)
    assert res.status == "search_exhausted" and not res.success
    assert res.nit == 0 and len(res.trace.trial_gamma) == 2
    np.testing.assert_array_equal(res.x, quad.x0)
    check_trace(quad, res, gamma0=1e8)


def test_theory_step_failure_and_newton_limit(quad, indefinite):
    # M = 0: pi = inf, lambda = 0, the Newton step: exact on a quadratic in one step
    res = minimize_gns(quad, step="theory", bound=([0.5], [0.0]), record_x=True, gtol=1e-9)
    assert res.nit == 1 and res.status == "converged_gnorm"
    assert np.isinf(res.trace.gamma[0]) and res.trace.lam[0] == 0.0
    np.testing.assert_allclose(res.x, quad.x_star, atol=1e-10)
    # indefinite H with lambda = 0 cannot be factored: step_failed, nothing taken
    res = minimize_gns(quad, hessian=indefinite, step="theory", bound=([0.5], [0.0]))
    assert res.status == "step_failed" and res.nit == 0
    np.testing.assert_array_equal(res.x, quad.x0)


def test_theory_step_uses_pi_of_gradient_norm(quad):
    alphas, Ms = np.array([0.5, 1.0]), np.array([0.3, 2.0])
    res = minimize_gns(quad, step="theory", bound=(alphas, Ms), record_x=True, max_iter=5)
    check_trace(quad, res, adaptive=False)
    tr = res.trace
    for k in range(tr.n_steps):
        t = tr.gnorm[k]
        expected = 1.0 / (0.3 * t ** -0.5 + 2.0 * t ** -1.0)
        np.testing.assert_allclose(tr.gamma[k], expected, rtol=1e-14)
        assert pi_bound(t, alphas, Ms) == tr.gamma[k]
    # one trial per iteration, acceptance recorded (for Lemma 1) even if not required
    np.testing.assert_array_equal(tr.trial_iter, np.arange(tr.n_steps))


def test_class_bound_object_is_accepted(quad):
    class Bound:
        def alphas(self):
            return np.array([1.0])

        def Ms(self):
            return np.array([2.0])

    a = minimize_gns(quad, step="theory", bound=Bound(), max_iter=3)
    b = minimize_gns(quad, step="theory", bound=([1.0], [2.0]), max_iter=3)
    np.testing.assert_array_equal(a.trace.gamma, b.trace.gamma)


def test_determinism_bit_identical(quad, indefinite):
    runs = [minimize_gns(quad, hessian=indefinite, record_x=True, gamma0=1e3, max_iter=20)
            for _ in range(2)]
    for name in TRACE_FIELDS:
        np.testing.assert_array_equal(getattr(runs[0].trace, name), getattr(runs[1].trace, name))


def test_dense_identity_metric_matches_fast_path(quad0):
    # quad0: no acceptance decision near the precision floor, where rounding decides
    a = minimize_gns(quad0, record_x=True)
    b = minimize_gns(quad0, record_x=True, B=np.eye(quad0.n))
    assert a.options["metric"] == "identity" and b.options["metric"] == "dense"
    np.testing.assert_array_equal(a.trace.trial_accepted, b.trace.trial_accepted)
    # same arithmetic up to the order of operations in the norms and the factorization
    np.testing.assert_allclose(a.trace.x, b.trace.x, rtol=1e-10, atol=1e-12)


def test_dense_metric_trace(quad0):
    rng = np.random.default_rng(5)
    M = rng.standard_normal((quad0.n, quad0.n))
    Bm = M @ M.T + quad0.n * np.eye(quad0.n)
    res = minimize_gns(quad0, B=Bm, record_x=True, gtol=1e-9)
    # ||g||_* <= 1e-9 in the metric B: ||g||_2 <= sqrt(lambda_max(B)) 1e-9
    assert_converged(quad0, res, 1e-9 * np.sqrt(np.linalg.eigvalsh(Bm)[-1]))
    check_trace(quad0, res, B=Bm)
    assert np.all(res.trace.step <= res.trace.gamma * (1 + 1e-12))


def test_stopping_rules(quad):
    r0 = minimize_gns(quad, max_iter=0)
    assert r0.status == "max_iter" and r0.nit == 0 and len(r0.trace.f) == 1
    r3 = minimize_gns(quad, max_iter=3, gtol=0.0)
    assert r3.status == "max_iter" and r3.nit == 3
    rf = minimize_gns(quad, ftol=1e-3)
    assert rf.status == "converged_fgap"
    assert rf.fun - quad.f_star <= 1e-3 and rf.trace.f[-2] - quad.f_star > 1e-3
    rn = minimize_gns(quad, ftol=1e-3, f_star=None)   # problem's f* is the default
    assert rn.status == "converged_fgap"


def test_callback_chunks_reproduce_the_trace_and_can_stop(quad):
    seen = []
    a = minimize_gns(quad, record_x=True, callback=lambda r: seen.append((r.nit, r.fun)))
    b = minimize_gns(quad, record_x=True)
    for name in TRACE_FIELDS:
        np.testing.assert_array_equal(getattr(a.trace, name), getattr(b.trace, name))
    # once after every accepted step, the last one included (scipy's convention)
    assert [s[0] for s in seen] == list(range(1, a.nit + 1))
    assert [s[1] for s in seen] == list(a.trace.f[1:a.nit + 1])
    c = minimize_gns(quad, callback=lambda r: r.nit >= 2)
    assert c.nit == 2 and "callback" in c.message


@pytest.mark.parametrize("step, chunk", [("adaptive", 3), ("adaptive", 1 << 16), ("theory", 2)])
def test_count_gns_keeps_the_counts_of_the_full_run(quad, step, chunk):
    """Run in chunks without a trace, ``count_gns`` reports what the trace of the same
    run says: the same last iterate (bit for bit), oracle counts, rejected trials, the
    largest gradient norm and the largest increase of ``f``."""
    kw = dict(step=step, max_iter=40, gtol=1e-10)
    if step == "theory":
        kw["bound"] = ([0.5], [3.0])
    full = minimize_gns(quad, **kw)
    c = count_gns(quad, chunk=chunk, **kw)
    tr = full.trace
    assert (c["status"], c["nit"]) == (full.status, full.nit)
    assert c["fun"] == full.fun and c["gnorm"] == full.gnorm
    np.testing.assert_array_equal(c["x"], full.x)
    assert (c["n_value"], c["n_grad"], c["n_hess"]) == (tr.n_value[-1], tr.n_grad[-1], tr.n_hess[-1])
    assert c["n_trials"] == tr.trial_gamma.size
    assert c["n_rejected"] == int(np.count_nonzero(~tr.trial_accepted))
    assert c["gnorm_max"] == tr.gnorm.max()
    assert c["f_increase_max"] == np.diff(tr.f).max()


def test_count_gns_refuses_trace_options(quad):
    for bad in (dict(callback=print), dict(record_x=True), dict(chunk=0), dict(colour=1)):
        with pytest.raises(ValueError):
            count_gns(quad, **bad)


def test_ideal_step_defaults_find_small_gamma(quad):
    """With H = 0 on f = 1/2 x^T Q x - b^T x the residual is r_x(h) = Q h, so the
    condition ||Q h|| <= ||g|| ||h|| / gamma on Ball(gamma) ∩ O holds iff
    gamma <= ||g|| / ||Q||_2 (O = {<g, h> <= 0} contains v or -v for the top
    eigenvector v, and the ratio ||Q h|| / ||h|| does not depend on the radius):
    gamma(x) = ||g(x)|| / ||Q||_2 exactly. The ideal step with its default sample set
    must find it to the estimator's accuracy (an upper estimate within 1%), and the
    step must then decrease f. The true value here is O(1), far below the largest
    radius, so a grid that does not reach small radii fails this test."""
    Q = quad.data[0]
    res = minimize_gns(quad, hessian="zero", step="ideal", max_iter=2, record_x=True)
    assert res.nit == 2
    norm_Q = np.linalg.norm(Q, 2)
    for k in range(res.nit):
        g = Q @ res.trace.x[k] - quad.data[1]
        exact = np.linalg.norm(g) / norm_Q
        assert exact * (1 - 1e-9) <= res.trace.gamma[k] <= exact * 1.01
        assert res.trace.f[k + 1] < res.trace.f[k]


def test_ideal_step_uses_the_estimator(quad):
    """On a quadratic with the exact Hessian gamma(x) = inf (Newton step); on logistic
    regression the estimate is finite and the trace is consistent."""
    res = minimize_gns(quad, step="ideal", record_x=True, max_iter=3,
                       ideal=dict(n_dirs=8, n_radii=6, gamma_hi=1e6))
    assert np.isinf(res.trace.gamma[0]) and res.nit == 1
    from numeric.gamma import gamma_estimate
    from numeric.problems import REGISTRY
    p = REGISTRY["logistic"]()
    opts = dict(region="O", n_dirs=8, n_radii=6, seed=0, gamma_hi=1e6)
    res = minimize_gns(p, step="ideal", record_x=True, max_iter=3, ideal=opts)
    assert res.nit >= 1
    check_trace(p, res, adaptive=False)
    r = hessian_rule("exact", p.n)
    for k in range(res.nit):       # gamma_k is the estimator's value at x_k (seed + k)
        est = gamma_estimate(p.kind, p.data, r.code, r.data, 0, np.zeros((0, 0)),
                             np.zeros((0, 0)), res.trace.x[k], 1, 8, 6, k, 1e6)
        assert res.trace.gamma[k] == est and np.isfinite(est)


def test_woodbury_path_matches_dense_path():
    """A rank-one Hessian rule (k = 1 <= n / 3) goes through Woodbury with B = I and
    through the dense Cholesky with B given as a dense identity: same iterates up to
    the rounding of the two solves (relative 1e-9 over a few well-conditioned steps)."""
    from numeric.problems import REGISTRY
    p = REGISTRY["chebyshev_rosenbrock"](n=6)
    a = minimize_gns(p, hessian="fisher_term", record_x=True, max_iter=8)
    b = minimize_gns(p, hessian="fisher_term", record_x=True, max_iter=8, B=np.eye(p.n))
    np.testing.assert_array_equal(a.trace.trial_accepted, b.trace.trial_accepted)
    np.testing.assert_allclose(a.trace.x, b.trace.x, rtol=1e-9, atol=1e-12)


def test_bidiagonal_gauss_newton_is_solved_in_banded_form():
    """Chebyshev-Rosenbrock declares its bidiagonal Jacobian: Gauss-Newton is tridiagonal
    plus rank one, solved by Sherman-Morrison on an O(n) factorization (no dense
    solve at all), with the iterates of the dense Cholesky path (B a dense identity) up
    to the rounding of the two solves over a few steps."""
    from numeric.problems import REGISTRY
    p = REGISTRY["chebyshev_rosenbrock"](n=40, p=4.0)
    x0 = np.random.default_rng(0).uniform(0.0, 1.0, p.n)
    a = minimize_gns(p, x0, hessian="gauss_newton", record_x=True, max_iter=8)
    b = minimize_gns(p, x0, hessian="gauss_newton", record_x=True, max_iter=8, B=np.eye(p.n))
    assert a.linear_solves == dict(woodbury=len(a.trace.trial_gamma), dense=0)
    assert b.linear_solves["woodbury"] == 0 and b.linear_solves["dense"] == len(b.trace.trial_gamma)
    np.testing.assert_array_equal(a.trace.trial_accepted, b.trace.trial_accepted)
    np.testing.assert_allclose(a.trace.x, b.trace.x, rtol=1e-9, atol=1e-12)


BAD_INPUTS = [
    (dict(x0=np.full(6, np.nan)), "x0"),
    (dict(x0=np.zeros(5)), "x0"),
    (dict(B=np.eye(5)), "B"),
    (dict(B=-np.eye(6)), "B"),
    (dict(B=np.triu(np.ones((6, 6)))), "B"),
    (dict(gamma0=0.0), "gamma0"),
    (dict(gamma0=np.inf), "gamma0"),
    (dict(gamma_min=-1.0), "gamma_min"),
    (dict(max_iter=-1), "max_iter"),
    (dict(max_iter=2.5), "max_iter"),
    (dict(max_trials=0), "max_trials"),
    (dict(gtol=-1e-3), "gtol"),
    (dict(ftol=np.nan), "ftol"),
    (dict(f_star=np.inf), "f_star"),
    (dict(step="newton"), "step"),
    (dict(step="theory"), "bound"),
    (dict(step="theory", bound=([0.5], [-1.0])), "bound"),
    (dict(step="theory", bound=([0.5, 1.0], [1.0])), "bound"),
    (dict(step="theory", bound=([np.nan], [1.0])), "bound"),
    (dict(hessian="nonsense"), "hessian"),
    (dict(hessian="fisher"), "hessian"),               # not a rule of the quadratic
    (dict(callback=3), "callback"),
    (dict(step="ideal", ideal=dict(region="cube")), "region"),
    (dict(step="ideal", ideal=dict(n_dirs=0)), "n_dirs"),
    (dict(step="ideal", ideal=dict(colour=1)), "ideal"),
    (dict(blas_threads=0), "blas_threads"),
]


@pytest.mark.parametrize("kwargs,word", BAD_INPUTS)
def test_bad_input_raises_one_sentence(quad, kwargs, word):
    with pytest.raises(ValueError, match=word):
        minimize_gns(quad, **kwargs)


def test_bad_problem_raises():
    with pytest.raises(ValueError, match="problem"):
        minimize_gns("quadratic")
