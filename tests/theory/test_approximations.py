"""Hessian error models against brute-force matrix norms on random numpy instances,
and the composition rule ``apply`` against a brute-force GNS test in 1-D.

Every check is run twice with the same code: on the derived model (must hold) and
on a deliberately wrong model (must be caught somewhere).
"""
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from theory.approximations import (ErrorModel, apply, fisher_logistic, fisher_softmax, fisher_term,
                                   gauss_newton, synthetic, weighted_gauss_newton_lse, zero)
from theory.classes import HolderHessian, QuasiSelfConcordant, lipschitz_hessian
from theory.monomials import ClassBound, Monomial

_spec = importlib.util.spec_from_file_location("_gns_brute_force", Path(__file__).with_name("test_classes.py"))
_bf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bf)
worst_ratio, sigmoid = _bf.worst_ratio, _bf.sigmoid

REL = 1e-10   # rounding allowance on matrix norms of O(1) entries


def opnorm(M):
    return float(np.linalg.norm(M, 2))


def holds(model, E_norms, g_norms):
    """max over samples of ||E|| / (C1 + C2 ||g||^(1-beta)); <= 1 (+ rounding) means the model holds."""
    bound = model.norm_bound(np.asarray(g_norms))
    with np.errstate(divide="ignore"):
        return float(np.max(np.asarray(E_norms) / bound))


def fd_check(fun, grad, x, eps=1e-6):
    """Central differences of ``fun`` against ``grad`` (validates the test's own formulas)."""
    n = x.size
    G = np.array([(fun(x + eps * e) - fun(x - eps * e)) / (2 * eps) for e in np.eye(n)])
    return np.max(np.abs(G - grad(x))) / (1 + np.max(np.abs(G)))


def newton_min(fun, grad, hess, x0, iters=100):
    x = x0.copy()
    for _ in range(iters):
        d = np.linalg.solve(hess(x), grad(x))
        s = 1.0
        while fun(x - s * d) > fun(x) - 0.25 * s * grad(x) @ d and s > 1e-12:
            s *= 0.5
        x = x - s * d
        if np.linalg.norm(grad(x)) < 1e-13:
            break
    return x


def sample_ball(rng, center, D, k):
    u = rng.standard_normal((k, center.size))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return center + D * rng.uniform(0, 1, (k, 1)) ** (1 / center.size) * u


# ---------------------------------------------------------------- logistic regression

def logistic_instance(rng, m, d, lam, tight):
    if tight:   # nearly parallel data, all labels +1: the bound is nearly attained
        A = np.ones((m, d)) / math.sqrt(d) + 0.01 * rng.standard_normal((m, d))
        y = np.ones(m)
    else:
        A = rng.standard_normal((m, d))
        y = np.where(rng.standard_normal(m) + A[:, 0] > 0, 1.0, -1.0)
    Ay = A * y[:, None]

    def fun(x):
        return np.mean(np.logaddexp(0, -Ay @ x)) + 0.5 * lam * x @ x

    def p_of(x):
        return sigmoid(-Ay @ x)          # p_j = 1/(1+exp(y_j <a_j,x>))

    def grad(x):
        return -Ay.T @ p_of(x) / m + lam * x

    def hess(x):
        p = p_of(x)
        return (A.T * (p * (1 - p))) @ A / m + lam * np.eye(d)

    def fisher(x):
        G = -Ay * p_of(x)[:, None]      # rows: grad l_j
        return G.T @ G / m + lam * np.eye(d)

    return A, fun, grad, hess, fisher


@pytest.mark.parametrize("seed,tight", [(0, False), (1, False), (2, True), (3, True)])
def test_fisher_logistic(seed, tight):
    rng = np.random.default_rng(seed)
    m, d, lam = 40, 3, 0.05
    A, fun, grad, hess, fisher = logistic_instance(rng, m, d, lam, tight)
    x0 = rng.standard_normal(d)
    assert fd_check(fun, grad, x0) < 1e-7
    assert fd_check(lambda x: grad(x)[0], lambda x: hess(x)[0], x0) < 1e-7
    xs = newton_min(fun, grad, hess, np.zeros(d))
    f_star, R, D = fun(xs), np.max(np.linalg.norm(A, axis=1)), 5.0
    pts = np.vstack([sample_ball(rng, xs, D, 300), xs[None, :]])
    E = [opnorm(hess(x) - fisher(x)) for x in pts]
    g = [np.linalg.norm(grad(x)) for x in pts]
    model = fisher_logistic(R=R, f_star=f_star, D=D)
    assert float(model.C1) == pytest.approx(R ** 2 * f_star, rel=1e-12)
    assert float(model.C2) == pytest.approx(R ** 2 * D, rel=1e-12) and model.beta == 0
    assert holds(model, E, g) <= 1 + REL
    if tight:   # on random data the bound is loose; on the tight family the dropped term is needed
        wrong = ErrorModel("C2 omitted", R ** 2 * f_star, 0, 0)     # "C1 = f*, beta = 0" read alone
        assert holds(wrong, E, g) > 1


# ---------------------------------------------------------------- softmax regression

def softmax_rows(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)


def softmax_instance(rng, m, d, K, lam, tight=False):
    if tight:   # nearly parallel data, one label: f* small, the bound nearly attained
        A = np.ones((m, d)) / math.sqrt(d) + 0.01 * rng.standard_normal((m, d))
        labels = np.zeros(m, dtype=int)
    else:
        A = rng.standard_normal((m, d))
        labels = rng.integers(0, K, m)
    Y = np.eye(K)[labels]

    def unpack(x):
        return x.reshape(d, K)          # row-major: index i*K + k

    def fun(x):
        Z = A @ unpack(x)
        zmax = Z.max(axis=1)
        lse = zmax + np.log(np.exp(Z - zmax[:, None]).sum(axis=1))
        return np.mean(lse - Z[np.arange(m), labels]) + 0.5 * lam * x @ x

    def grad(x):
        P = softmax_rows(A @ unpack(x))
        return (A.T @ (P - Y) / m).ravel() + lam * x

    def hess(x):
        P = softmax_rows(A @ unpack(x))
        Hm = sum(np.kron(np.outer(a, a), np.diag(p) - np.outer(p, p)) for a, p in zip(A, P))
        return Hm / m + lam * np.eye(d * K)

    def fisher(x):
        P = softmax_rows(A @ unpack(x))
        Gj = np.array([np.kron(a, c) for a, c in zip(A, P - Y)])
        return Gj.T @ Gj / m + lam * np.eye(d * K)

    return A, fun, grad, hess, fisher


@pytest.mark.parametrize("seed,tight", [(0, False), (1, False), (2, True), (3, True)])
def test_fisher_softmax(seed, tight):
    rng = np.random.default_rng(seed)
    m, d, K, lam = 30, 2, 3, 0.05
    A, fun, grad, hess, fisher = softmax_instance(rng, m, d, K, lam, tight)
    x0 = rng.standard_normal(d * K)
    assert fd_check(fun, grad, x0) < 1e-7
    assert fd_check(lambda x: grad(x)[1], lambda x: hess(x)[1], x0) < 1e-7
    xs = newton_min(fun, grad, hess, np.zeros(d * K))
    f_star, R, D = fun(xs), np.max(np.linalg.norm(A, axis=1)), 4.0
    pts = np.vstack([sample_ball(rng, xs, D, 200), xs[None, :]])
    E = [opnorm(hess(x) - fisher(x)) for x in pts]
    g = [np.linalg.norm(grad(x)) for x in pts]
    assert holds(fisher_softmax(R=R, f_star=f_star, D=D), E, g) <= 1 + REL
    if tight:   # on random data the bound is loose; on the tight family the dropped term is needed
        assert holds(ErrorModel("C2 omitted", 2 * R ** 2 * f_star, 0, 0), E, g) > 1


def test_softmax_gap_factor_two_needed():
    # `fisher_softmax_gap`: ||Cov(p) - (p-e)(p-e)^T|| <= 2 q; the factor 2 is approached
    # for two classes with p_y -> 1/2 + (Cov = p1 p2 [[1,-1],[-1,1]], norm 2 q (1-q)).
    rng = np.random.default_rng(5)
    worst = 0.0
    for _ in range(2000):
        K = rng.integers(2, 6)
        p = rng.dirichlet(np.ones(K) * rng.uniform(0.05, 3))
        y = rng.integers(0, K)
        c = p - np.eye(K)[y]
        S = np.diag(p) - np.outer(p, p) - np.outer(c, c)
        q = p.sum() - p[y]              # 1 - p_y without cancellation
        if q > 1e-12:
            ratio = opnorm(S) / q
            assert opnorm(S) <= 2 * q + 1e-14      # absolute rounding of O(1) entries
            loss = -math.log(p[y]) if p[y] > 0 else math.inf
            assert opnorm(S) <= 2 * loss + 1e-14
            worst = max(worst, ratio)
    assert worst > 1.0          # a constant 1 in place of 2 would be wrong


# ---------------------------------------------------------------- (1/p)||u||^p: Gauss-Newton and Fisher term

def power_instance(rng, m, n, p, curved=True):
    A = rng.standard_normal((m, n))
    b = rng.standard_normal(m)
    c = rng.standard_normal(m) if curved else np.zeros(m)

    def u(x):
        return A @ x - b + 0.5 * c * (x @ x)

    def J(x):
        return A + np.outer(c, x)

    def fun(x):
        return np.linalg.norm(u(x)) ** p / p

    def grad(x):
        uu = u(x)
        return np.linalg.norm(uu) ** (p - 2) * J(x).T @ uu

    def parts(x):
        uu, JJ = u(x), J(x)
        nu_ = np.linalg.norm(uu)
        Ju = JJ.T @ uu
        gn = nu_ ** (p - 2) * JJ.T @ JJ + (p - 2) * nu_ ** (p - 4) * np.outer(Ju, Ju)
        second = nu_ ** (p - 2) * (uu @ c) * np.eye(n)       # ||u||^(p-2) sum_i u_i hess u_i
        rank_one = (p - 2) * nu_ ** (p - 4) * np.outer(Ju, Ju)
        return gn + second, gn, rank_one

    return c, u, J, fun, grad, parts


@pytest.mark.parametrize("seed,m,p", [(0, 1, 2.0), (1, 1, 3.0), (2, 2, 4.0), (3, 2, 2.5), (4, 1, 4.0)])
def test_gauss_newton(seed, m, p):
    rng = np.random.default_rng(seed)
    n = 3
    c, u, J, fun, grad, parts = power_instance(rng, m, n, p)
    x0 = rng.standard_normal(n)
    assert fd_check(fun, grad, x0) < 1e-7
    assert fd_check(lambda x: grad(x)[0], lambda x: parts(x)[0][0], x0) < 1e-6
    pts = rng.standard_normal((300, n))
    L_u = np.linalg.norm(c)                                   # ||sum w_i c_i I|| = |<w, c>| <= ||c||
    mu = min(np.linalg.svd(J(x), compute_uv=False)[-1] for x in pts)
    U = max(np.linalg.norm(u(x)) for x in pts)
    E = [opnorm(parts(x)[0] - parts(x)[1]) for x in pts]
    g = [np.linalg.norm(grad(x)) for x in pts]
    assert holds(gauss_newton(p, L_u, mu=mu), E, g) <= 1 + REL
    assert holds(gauss_newton(p, L_u, U=U), E, g) <= 1 + REL
    assert holds(ErrorModel("GN claimed exact", 0, 0, 0), E, g) > 1
    if m == 1:   # tight: ||E||/||g|| = |c|/||a + c x|| equals L_u/mu at the minimizing sample
        assert holds(ErrorModel("half", 0, L_u / mu / 2, 0), E, g) > 1


def test_gauss_newton_linear_is_exact():
    rng = np.random.default_rng(7)
    for p in (2.0, 3.0, 4.0):
        _, _, _, _, _, parts = power_instance(rng, 2, 3, p, curved=False)
        for x in rng.standard_normal((20, 3)):
            H, gn, _ = parts(x)
            assert opnorm(H - gn) <= 1e-12 * (1 + opnorm(H))
        model = gauss_newton(p, 0)
        assert model.C1 == 0 and model.C2 == 0


@pytest.mark.parametrize("seed,m,p,curved", [(0, 1, 2.0, True), (1, 2, 3.0, True), (2, 2, 4.0, False),
                                             (3, 1, 4.0, True)])
def test_fisher_term(seed, m, p, curved):
    rng = np.random.default_rng(seed)
    n = 3
    c, u, J, fun, grad, parts = power_instance(rng, m, n, p, curved)
    pts = rng.standard_normal((300, n))
    S = max(opnorm(J(x)) for x in pts)
    mu = min(np.linalg.svd(J(x), compute_uv=False)[-1] for x in pts)
    U = max(np.linalg.norm(u(x)) for x in pts)
    E = [opnorm(parts(x)[0] - parts(x)[2]) for x in pts]
    g = [np.linalg.norm(grad(x)) for x in pts]
    model = fisher_term(p, S=S, mu=mu, L_u=np.linalg.norm(c), U=U)
    assert float(model.beta) == pytest.approx(1 / (p - 1))
    assert holds(model, E, g) <= 1 + REL
    assert holds(ErrorModel("tenth", 0, float(model.C2) / 10, model.beta), E, g) > 1


# ---------------------------------------------------------------- LogSumExp weighted Gauss-Newton

@pytest.mark.parametrize("seed,mu", [(0, 0.1), (1, 1.0), (2, 3.0)])
def test_weighted_gauss_newton_lse(seed, mu):
    rng = np.random.default_rng(seed)
    m, n = 6, 3
    A, b = rng.standard_normal((m, n)), rng.standard_normal(m)

    def fun(x):
        z = (A @ x - b) / mu
        return mu * (z.max() + np.log(np.exp(z - z.max()).sum()))

    def s_of(x):
        return softmax_rows(((A @ x - b) / mu)[None, :])[0]

    def grad(x):
        return A.T @ s_of(x)

    def hess(x):
        s, g = s_of(x), grad(x)
        return ((A.T * s) @ A - np.outer(g, g)) / mu

    def wgn(x):
        return (A.T * s_of(x)) @ A / mu

    x0 = rng.standard_normal(n)
    assert fd_check(fun, grad, x0) < 1e-7
    assert fd_check(lambda x: grad(x)[2], lambda x: hess(x)[2], x0) < 1e-6
    pts = rng.standard_normal((300, n)) * np.geomspace(0.01, 30, 300)[:, None]
    E = np.array([opnorm(wgn(x) - hess(x)) for x in pts])
    g = np.array([np.linalg.norm(grad(x)) for x in pts])
    assert np.allclose(E, g ** 2 / mu, rtol=1e-9, atol=1e-12)        # `lse_gap`, exact
    assert all(np.linalg.eigvalsh(wgn(x) - hess(x)).min() >= -1e-12 for x in pts[:20])   # H >= hess f
    G = np.max(np.linalg.norm(A, axis=1))
    model = weighted_gauss_newton_lse(mu, G)
    assert model.dominates_hessian
    assert holds(model, E, g) <= 1 + REL
    assert holds(ErrorModel("half", 0, G / mu / 2, 0), E, g) > 1


# ---------------------------------------------------------------- zero

def test_zero_model():
    rng = np.random.default_rng(3)
    m, d, lam = 40, 3, 0.05
    A, fun, grad, hess, _ = logistic_instance(rng, m, d, lam, tight=True)
    L = np.max(np.linalg.norm(A, axis=1)) ** 2 / 4 + lam      # p(1-p) <= 1/4
    pts = rng.standard_normal((200, d)) * 0.1
    E = [opnorm(hess(x)) for x in pts]
    g = [np.linalg.norm(grad(x)) for x in pts]
    assert holds(zero(L), E, g) <= 1 + REL
    assert holds(zero(L / 2), E, g) > 1


# ---------------------------------------------------------------- composition by apply

def _composed_worst(d1, d2, xs, bound, C1, C2, beta, signs, scale=1.0):
    """Brute-force GNS ratio for H = f'' + s (C1 + C2 t^(1-beta)), s in ``signs``."""
    worst = 0.0
    for i, x in enumerate(xs):
        t = abs(d1(x))
        if t == 0.0:
            continue
        s = signs[i % len(signs)]
        H = d2(x) + s * (C1 + C2 * t ** (1 - beta))
        gam = scale * float(bound.pi(t))
        worst = max(worst, worst_ratio(d1, H, x, gam, bound.region))
    return worst


XS = np.linspace(-4, 4, 41) + 0.013


@pytest.mark.parametrize("C1,C2,beta", [(0.0, 0.5, 0.5), (0.2, 0.0, 0.0), (0.1, 0.3, 1.0), (0.0, 2.0, 0.0)])
def test_apply_ball_class(C1, C2, beta):
    cls = lipschitz_hessian(L2=1)          # f = -cos, f'' = cos, L_2 = 1
    b = apply(cls, synthetic(C1, C2, beta))
    assert b.region == "ball"
    assert np.allclose(1 / b.pi(XS[XS > 0]), 1 / cls.bound().pi(XS[XS > 0]) + C1 / XS[XS > 0]
                       + C2 * XS[XS > 0] ** -beta)
    assert _composed_worst(np.sin, np.cos, XS, b, C1, C2, beta, (1, -1)) <= 1.0
    # the exact-Hessian bound alone is not valid for the perturbed Hessian
    assert _composed_worst(np.sin, np.cos, XS, cls.bound(), C1, C2, beta, (1, -1), scale=4.0) > 1.0


@pytest.mark.parametrize("C1,C2,beta", [(0.0, 0.5, 0.5), (0.05, 0.0, 0.0), (0.0, 1.0, 0.0)])
def test_apply_region_O_class(C1, C2, beta):
    cls = QuasiSelfConcordant(Q=1)          # softplus
    d2 = lambda x: sigmoid(x) * sigmoid(-x)
    b = apply(cls, synthetic(C1, C2, beta))
    # `region_relaxation`: smoothness term doubled (alpha = 0), error terms added
    expect = 2 * float(cls.bound().monomials[0].M)
    tt = np.geomspace(1e-3, 1, 7)
    assert np.allclose(1 / b.pi(tt), expect + C1 / tt + C2 * tt ** -beta)
    assert _composed_worst(sigmoid, d2, XS * 2, b, C1, C2, beta, (1, -1)) <= 1.0
    assert _composed_worst(sigmoid, d2, XS * 2, cls.bound(), C1, C2, beta, (1, -1), scale=4.0) > 1.0
    # with H >= hess f the plain harmonic rule applies (no relaxation)
    dom = ErrorModel("dominating", C1, C2, beta, dominates_hessian=True)
    bd = apply(cls, dom)
    assert np.allclose(1 / bd.pi(tt), expect / 2 + C1 / tt + C2 * tt ** -beta)
    assert _composed_worst(sigmoid, d2, XS * 2, bd, C1, C2, beta, (1,)) <= 1.0


def test_apply_rejects():
    with pytest.raises(ValueError, match="err"):
        apply(lipschitz_hessian(), (0, 1, 0))
    from theory.classes import FirstOrder
    with pytest.raises(ValueError, match="exact"):
        apply(FirstOrder(L=1), synthetic(1, 0, 0))
    twice = apply(QuasiSelfConcordant(Q=1), synthetic(0, 1, 0))
    with pytest.raises(ValueError, match="cls_or_bound"):
        apply(twice, synthetic(0, 1, 0))
    # a ball bound may be composed twice (errors add)
    b2 = apply(apply(HolderHessian(nu=1, L_nu=2), synthetic(1, 0, 0)), synthetic(1, 0, 0))
    assert [m for m in b2.monomials if m.alpha == 1][0].M == 2


def test_error_model_monomials():
    e = ErrorModel("x", 0.25, 3, 0.5)
    m1, m2 = e.monomials()
    assert (m1.alpha, m1.M, m2.alpha, m2.M) == (1, sp.Rational(1, 4), sp.Rational(1, 2), 3)
    tt = np.geomspace(1e-3, 1e3, 13)
    # 1/gamma_12 = ||E||/t <= C1/t + C2 t^-beta
    assert np.allclose(e.norm_bound(tt) / tt, 1 / e.as_bound().pi(tt))


BAD = [
    (lambda: ErrorModel("x", -1, 0, 0), "C1"), (lambda: ErrorModel("x", 0, -1, 0), "C2"),
    (lambda: ErrorModel("x", 0, 0, 1.5), "beta"), (lambda: ErrorModel("x", float("inf"), 0, 0), "C1"),
    (lambda: synthetic(0, 0, -0.5), "beta"), (lambda: zero(-1), "L"),
    (lambda: fisher_logistic(-1, 0.1, 1), "R"), (lambda: fisher_logistic(1, -0.1, 1), "f_star"),
    (lambda: fisher_softmax(1, 0.1, float("nan")), "D"), (lambda: gauss_newton(1.5, 1, mu=1), "p"),
    (lambda: gauss_newton(2, -1, mu=1), "L_u"), (lambda: gauss_newton(2, 1, mu=0), "mu"),
    (lambda: gauss_newton(2, 1), "mu or U"), (lambda: gauss_newton(2, 1, U=-1), "U"),
    (lambda: fisher_term(3, 1, 0), "mu"), (lambda: fisher_term(3, -1, 1), "S"),
    (lambda: weighted_gauss_newton_lse(0, 1), "mu"), (lambda: weighted_gauss_newton_lse(1, -1), "G"),
]


@pytest.mark.parametrize("make,word", BAD)
def test_bad_input(make, word):
    with pytest.raises(ValueError, match=word):
        make()


def test_inequality_names_are_documented():
    from theory.approximations import INEQUALITIES
    doc = (Path(__file__).resolve().parents[2] / "docs" / "theory.md").read_text(encoding="utf-8")
    for name in INEQUALITIES:
        assert f"**`{name}`**" in doc, name
