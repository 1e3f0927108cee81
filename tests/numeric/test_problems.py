"""Every problem's oracles against independent computations.

* ``value`` against a slow, obviously-correct numpy formula written here;
* ``grad`` against central finite differences of ``value``;
* ``hess`` (exact) against central finite differences of ``grad``;
* ``f_star`` / ``x_star``: the gradient vanishes at ``x_star``, the value there is
  ``f_star``, and no sampled point goes below ``f_star``.

Finite-difference tolerances. Derivatives are estimated by Richardson-extrapolated
central differences, ``D = (4 D(h/2) - D(h)) / 3`` with ``h = 1e-4 s`` and
``s = max(1, ||x||_inf)`` (the step follows the point's scale far from the optimum).
The truncation error is ``O(h^4)`` times the fifth derivative, i.e. of relative size
``(h / l)^4`` where ``l`` is the length on which the function's curvature changes
(``l >= 0.05 s`` for the instances drawn here, e.g. Rosenbrock's ``1/(20 x_1)``),
so at most ``~1e-8``; rounding contributes about ``eps |f| / h``, i.e. ``~1e-12``
relative to the magnitude ``1 + max|g| + |f| / s`` (Hessian: ``1 + max|H| +
max|g| / s``). The tolerance ``1e-6`` times that magnitude leaves two orders of
margin and is still far below the error of any wrong derivative formula (of the
order of the magnitude itself). Points closer than ``10 h`` to a set where the
function is not smooth enough (the kinks of the Nesterov chain and the polytope
penalty, ``u = 0`` of the power family) are not used: there the difference quotient
itself is inaccurate.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp as sp_logsumexp

from numeric.problems import REGISTRY

# ---------------------------------------------------------------- instances

SMALL = {
    "quadratic": dict(n=4, cond=10.0, seed=1),
    "power": dict(n=4, m=6, p=3.0, seed=2),
    "power_1d": dict(nu=0.5),
    "quartic": dict(n=4, m=7, lam=0.3, seed=3),
    "logistic": dict(m=30, n=4, lam=0.01, seed=4),
    "logistic_breast_cancer": dict(lam=1e-2),
    "softmax": dict(m=25, d=3, K=3, lam=0.01, seed=5),
    "softmax_wine": dict(lam=1e-2),
    "logsumexp": dict(n=4, m=9, mu=0.7, seed=6),
    "chebyshev_rosenbrock": dict(n=5, p=3.0),
    "rosenbrock": dict(),
    "rosenbrock_equations": dict(p=2.5),
    "nesterov_chain": dict(n=5, L=2.0),
    "cosh_sum": dict(n=4, m=8, spread=0.8, seed=7),
    "polytope": dict(n=4, m=10, p=2.5, seed=8),
    "tilted_power_1d": dict(nu=0.5, a=-0.7),
    "ramp_1d": dict(p=3.0, c=0.4, a=0.9, T=2.0, b=0.3, omega=2.5),
}
FD_NAMES = sorted(SMALL)  # softmax_digits (n = 640) is checked separately below


def build(name):
    return REGISTRY[name](**SMALL.get(name, {}))


# ------------------------------------------------- slow reference values

def ref_value(P, x):
    """``f(x)`` from the documented formula, in plain numpy."""
    A, b, c, ip, fp = P.data
    name = P.name
    if name == "quadratic":
        return 0.5 * x @ A @ x - b @ x
    if name in ("power", "power_1d"):
        return np.linalg.norm(A @ x - b) ** fp[0] / fp[0]
    if name == "quartic":
        return 0.25 * np.sum((A @ x - b) ** 4) + 0.5 * fp[0] * x @ x - c @ x
    if name.startswith("logistic"):
        return np.mean(np.logaddexp(0.0, -b * (A @ x))) + 0.5 * fp[0] * x @ x
    if name.startswith("softmax"):
        K = int(ip[0])
        W = x.reshape(A.shape[1], K)
        loss = 0.0
        for j in range(A.shape[0]):
            z = A[j] @ W
            loss += sp_logsumexp(z) - z[int(b[j])]
        return loss / A.shape[0] + 0.5 * fp[0] * x @ x
    if name == "logsumexp":
        return fp[0] * sp_logsumexp((A @ x - b) / fp[0])
    if name == "chebyshev_rosenbrock":
        u = [(1 - x[0]) / 2] + [x[i] - 2 * x[i - 1] ** 2 + 1 for i in range(1, len(x))]
        return np.linalg.norm(u) ** fp[0] / fp[0]
    if name == "rosenbrock":
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    if name == "rosenbrock_equations":
        return np.hypot(10 * (x[1] - x[0] ** 2), 1 - x[0]) ** fp[0] / fp[0]
    if name == "nesterov_chain":
        d = np.append(x[:-1] - x[1:], x[-1])
        return fp[0] / 6 * np.sum(np.abs(d) ** 3) - x[0]
    if name == "cosh_sum":
        return np.mean(np.cosh(A @ x - b))
    if name == "polytope":
        return np.sum(np.maximum(A @ x - b, 0.0) ** fp[0]) / fp[0]
    if name == "tilted_power_1d":
        nu, a = fp[0], fp[1]
        return abs(x[0]) ** (2 + nu) / ((1 + nu) * (2 + nu)) + a * x[0]
    if name == "ramp_1d":
        p, c, a, b, om = fp
        t = x[0]
        wash = b * (t - np.sin(om * t) / om) if t <= 0 else 0.0
        return -a * t + c * max(t, 0.0) ** p + wash
    raise KeyError(name)


def _richardson(F, x):
    """Richardson-extrapolated central differences of ``F`` along each coordinate."""
    s = max(1.0, np.max(np.abs(x)))
    h = 1e-4 * s
    cols = []
    for i in range(x.shape[0]):
        e = np.zeros(x.shape[0])
        e[i] = 1.0
        d1 = (np.asarray(F(x + h * e)) - np.asarray(F(x - h * e))) / (2 * h)
        d2 = (np.asarray(F(x + 0.5 * h * e)) - np.asarray(F(x - 0.5 * h * e))) / h
        cols.append((4 * d2 - d1) / 3)
    return np.array(cols).T, s, h


def fd_grad(P, x):
    g, s, h = _richardson(P.value, x)
    return g, s


def fd_hess(P, x):
    H, s, h = _richardson(P.grad, x)
    return H, s


def residual_and_jacobian(P, x):
    """``u``, ``J`` and ``S = sum_i u_i hess u_i`` written out by hand."""
    A, b, c, ip, fp = P.data
    if P.name in ("power", "power_1d"):
        return A @ x - b, A.copy(), np.zeros((P.n, P.n))
    if P.name == "chebyshev_rosenbrock":
        n = P.n
        u = np.array([(1 - x[0]) / 2] + [x[i] - 2 * x[i - 1] ** 2 + 1 for i in range(1, n)])
        J = np.zeros((n, n))
        J[0, 0] = -0.5
        for i in range(1, n):
            J[i, i], J[i, i - 1] = 1.0, -4 * x[i - 1]
        S = sum(u[i] * np.diag(np.eye(n)[i - 1] * -4.0) for i in range(1, n))
        return u, J, S
    if P.name in ("rosenbrock", "rosenbrock_equations"):
        s = fp[1]
        u = s * np.array([10 * (x[1] - x[0] ** 2), 1 - x[0]])
        J = s * np.array([[-20 * x[0], 10.0], [-1.0, 0.0]])
        S = u[0] * s * np.array([[-20.0, 0.0], [0.0, 0.0]])
        return u, J, S
    raise KeyError(P.name)


def kink_distance(P, x):
    """Distance from ``x`` to the set where ``f`` is not C^4 (infinite if none)."""
    A, b = P.data[0], P.data[1]
    if P.name == "nesterov_chain":
        d = np.append(x[:-1] - x[1:], x[-1])
        return np.min(np.abs(d)) / np.sqrt(2.0)
    if P.name == "polytope":
        return np.min(np.abs(A @ x - b) / np.linalg.norm(A, axis=1))
    if P.name in ("power", "power_1d", "chebyshev_rosenbrock", "rosenbrock_equations"):
        u, J, _ = residual_and_jacobian(P, x)   # ||u||^p is smooth away from u = 0
        return np.linalg.norm(u) / max(np.linalg.norm(J, 2), 1e-300)
    if P.name in ("tilted_power_1d", "ramp_1d"):
        return abs(x[0])
    return np.inf


def points(P, seed=0):
    """A near-optimum point, the default start and a far point (10x the scale),
    each redrawn (deterministically) while it lies too close to a kink."""
    rng = np.random.default_rng(seed)
    centre = P.x_star if P.x_star is not None else P.x0
    out = []
    for base, r in ((centre, 0.1), (P.x0, 0.01), (centre, 10.0)):
        x = base + r * rng.standard_normal(P.n)
        while kink_distance(P, x) <= 1e-3 * max(1.0, np.max(np.abs(x))):
            x = base + r * rng.standard_normal(P.n)
        out.append(x)
    return out


# ------------------------------------------------------------ the checks

@pytest.mark.parametrize("name", FD_NAMES)
def test_value_matches_reference(name):
    P = build(name)
    for x in points(P, seed=11):
        ref = ref_value(P, x)
        assert P.value(x) == pytest.approx(ref, rel=1e-12, abs=1e-14)
        f, g = P.value(x), P.grad(x)
        assert f == pytest.approx(ref, rel=1e-12, abs=1e-14) and g.shape == (P.n,)


@pytest.mark.parametrize("name", FD_NAMES)
def test_gradient_matches_finite_differences(name):
    P = build(name)
    for x in points(P, seed=12):
        assert kink_distance(P, x) > 1e-3 * max(1.0, np.max(np.abs(x)))
        g = P.grad(x)
        g_fd, s = fd_grad(P, x)
        mag = 1.0 + np.max(np.abs(g)) + abs(P.value(x)) / s
        assert np.max(np.abs(g - g_fd)) <= 1e-6 * mag, (x, g, g_fd)


@pytest.mark.parametrize("name", FD_NAMES)
def test_hessian_matches_finite_differences(name):
    P = build(name)
    for x in points(P, seed=13):
        assert kink_distance(P, x) > 1e-3 * max(1.0, np.max(np.abs(x)))
        H = P.hess(x)
        assert H.shape == (P.n, P.n)
        assert np.array_equal(H, H.T), "exact Hessian must be symmetric to the last bit"
        H_fd, s = fd_hess(P, x)
        mag = 1.0 + np.max(np.abs(H)) + np.max(np.abs(P.grad(x))) / s
        assert np.max(np.abs(H - H_fd)) <= 1e-6 * mag, (x, H, H_fd)


@pytest.mark.parametrize("name", [n for n in FD_NAMES if build(n).x_star is not None])
def test_optimum_by_construction(name):
    P = build(name)
    x_star, f_star = P.x_star, P.f_star
    assert f_star is not None and x_star.shape == (P.n,)
    # value at x* equals f*, to rounding of the terms of f
    assert P.value(x_star) == pytest.approx(f_star, rel=1e-10, abs=1e-12)
    # gradient vanishes; its rounding error is ~ eps * ||H(x*)|| * ||x*||
    H = P.hess(x_star)
    scale = max(1.0, np.max(np.abs(H))) * max(1.0, np.max(np.abs(x_star)))
    assert np.max(np.abs(P.grad(x_star))) <= 1e-10 * scale
    # f* is a lower bound on sampled values, near and far
    rng = np.random.default_rng(3)
    for r in (1e-3, 1e-1, 1.0, 10.0):
        for _ in range(5):
            x = x_star + r * rng.standard_normal(P.n)
            assert P.value(x) >= f_star - 1e-12 * (1 + abs(f_star))


def test_convexity_flags():
    convex = {n: build(n).convex for n in FD_NAMES}
    assert not convex["chebyshev_rosenbrock"] and not convex["rosenbrock"]
    assert not convex["rosenbrock_equations"]
    for name, flag in convex.items():
        if flag:  # convex problems have a PSD Hessian at sampled points
            P = build(name)
            for x in points(P, seed=14):
                H = P.hess(x)
                assert np.linalg.eigvalsh(H)[0] >= -1e-10 * max(1.0, np.max(np.abs(H)))


def test_rosenbrock_is_classic_and_nonconvex_somewhere():
    P = build("rosenbrock")
    x = np.array([-1.2, 1.0])
    assert P.value(x) == pytest.approx(24.2, rel=1e-14)
    g = P.grad(x)
    assert g == pytest.approx([-400 * -1.2 * (1.0 - 1.44) - 2 * 2.2, 200 * (1.0 - 1.44)], rel=1e-13)
    assert np.linalg.eigvalsh(P.hess(np.array([0.0, 1.0])))[0] < 0


def test_nesterov_chain_optimum_closed_form():
    for n, L in ((1, 1.0), (4, 3.0)):
        P = REGISTRY["nesterov_chain"](n=n, L=L)
        r = np.sqrt(2 / L)
        assert P.f_star == pytest.approx(-2 * n / 3 * r, rel=1e-15)
        assert P.x_star == pytest.approx(r * np.arange(n, 0, -1), rel=1e-15)
        # separability: f(x*) with d = r per link
        assert ref_value(P, P.x_star) == pytest.approx(P.f_star, rel=1e-13)


def test_logsumexp_construction_puts_optimum_at_origin():
    P = build("logsumexp")
    A, b, mu = P.data[0], P.data[1], P.data[4][0]
    w0 = np.exp(-b / mu - sp_logsumexp(-b / mu))
    assert np.abs(A.T @ w0).max() <= 1e-13 * np.abs(A).sum()
    assert P.f_star == pytest.approx(ref_value(P, np.zeros(P.n)), abs=1e-14)


def test_power_1d_is_the_holder_family():
    for nu in (0.0, 0.3, 1.0):
        P = REGISTRY["power_1d"](nu=nu)
        for x in (-2.0, 0.7):
            assert P.value(np.array([x])) == pytest.approx(abs(x) ** (2 + nu) / (2 + nu), rel=1e-14)
            assert P.hess(np.array([x]))[0, 0] == pytest.approx((1 + nu) * abs(x) ** nu, rel=1e-13)
        assert P.hess(np.zeros(1))[0, 0] == (1.0 if nu == 0 else 0.0)


def test_tilted_power_is_extremal_for_the_holder_bound_at_its_kink():
    """At ``x = 0`` the remainder ``r(h) = g(h) - g(0) - f''(0) h`` is
    ``|h|^(1+nu) sign(h) / (1+nu)``: the Hölder bound ``L_nu |h|^(1+nu)/(1+nu)`` with
    ``L_nu = 1``, attained for every ``h`` (``nu > 0``; at ``nu = 0`` ``f`` is a quadratic)."""
    for nu in (0.05, 0.25, 0.5, 1.0):
        for a in (-1.3, 0.4):
            P = REGISTRY["tilted_power_1d"](nu=nu, a=a)
            x0 = np.zeros(1)
            g0, H0 = P.grad(x0)[0], P.hess(x0)[0, 0]
            assert g0 == a and P.value(x0) == 0.0
            for h in (-2.0, -1e-3, 1e-3, 0.5, 3.0):
                r = P.grad(np.array([h]))[0] - g0 - H0 * h
                assert r == pytest.approx(abs(h) ** (1 + nu) * np.sign(h) / (1 + nu), rel=1e-13)
            for x, y in ((-1.0, 0.3), (0.2, 2.0)):      # f'' = |x|^nu, L_nu = 1
                dH = abs(P.hess(np.array([x]))[0, 0] - P.hess(np.array([y]))[0, 0])
                assert dH <= abs(x - y) ** nu * (1 + 1e-15)
            # the sublevel set {f <= f(0)} lies within |x*| of x*
            t0 = (2 + nu) ** (1 / (1 + nu)) * P.x_star[0]
            assert P.value(np.array([t0])) == pytest.approx(0.0, abs=1e-12)
            assert abs(t0 - P.x_star[0]) <= abs(P.x_star[0]) * (1 + 1e-15)


def test_power_with_given_data_uses_least_squares():
    rng = np.random.default_rng(9)
    A, b = rng.standard_normal((7, 3)), rng.standard_normal(7)
    P = REGISTRY["power"](A=A, b=b, p=4.0)
    x_ls = np.linalg.lstsq(A, b, rcond=None)[0]
    assert P.x_star == pytest.approx(x_ls, rel=1e-12)
    assert P.f_star == pytest.approx(np.linalg.norm(A @ x_ls - b) ** 4 / 4, rel=1e-12)
    assert np.abs(P.grad(P.x_star)).max() <= 1e-10


def test_softmax_digits_layout_and_directional_derivative():
    P = REGISTRY["softmax_digits"](lam=1e-2)
    A, y = P.data[0], P.data[1]
    assert A.shape == (1797, 64) and P.n == 640 and int(P.data[3][0]) == 10
    assert np.allclose(A.mean(axis=0), 0.0, atol=1e-12)
    assert set(np.unique(y)) == set(range(10))
    rng = np.random.default_rng(1)
    x = 0.1 * rng.standard_normal(P.n)
    assert P.value(x) == pytest.approx(ref_value(P, x), rel=1e-12)
    # layout x[i*K + k] = W[i, k]: the gradient of the data loss is A^T (P - Y) / m
    W = x.reshape(64, 10)
    Z = A @ W
    Pr = np.exp(Z - sp_logsumexp(Z, axis=1, keepdims=True))
    Pr[np.arange(1797), y.astype(int)] -= 1.0
    G = A.T @ Pr / 1797 + 1e-2 * W
    assert P.grad(x) == pytest.approx(G.ravel(), rel=1e-10, abs=1e-13)
    v = rng.standard_normal(P.n)
    h = 1e-5
    dd = (P.value(x + h * v) - P.value(x - h * v)) / (2 * h)
    assert dd == pytest.approx(P.grad(x) @ v, rel=1e-6, abs=1e-6)


def test_breast_cancer_labels_and_standardization():
    P = build("logistic_breast_cancer")
    A, y = P.data[0], P.data[1]
    assert A.shape == (569, 30) and set(np.unique(y)) == {-1.0, 1.0}
    assert np.allclose(A.mean(axis=0), 0.0, atol=1e-12) and np.allclose(A.std(axis=0), 1.0)
    assert int(np.sum(y == 1.0)) == 357  # benign samples (target 1)


def test_registry_builders_are_deterministic():
    for name in FD_NAMES:
        P1, P2 = build(name), build(name)
        for a1, a2 in zip(P1.data, P2.data):
            assert np.array_equal(a1, a2)
        assert np.array_equal(P1.x0, P2.x0)
        assert P1.value(P1.x0) == P2.value(P2.x0)


# ------------------------------------------ random instances (hypothesis)

from hypothesis import assume, given, strategies as st  # noqa: E402

FAMILIES = {
    # parameter ranges keep the finite-difference step (1e-5 of the point's scale)
    # well below the scale on which each function's curvature changes (mu >= 0.2)
    "power": lambda d: dict(n=d.draw(st.integers(1, 4)), m=d.draw(st.integers(1, 5)),
                            p=d.draw(st.floats(2.0, 5.0)), seed=d.draw(st.integers(0, 99))),
    "quartic": lambda d: dict(n=d.draw(st.integers(1, 4)), lam=d.draw(st.floats(0.0, 2.0)),
                              spread=d.draw(st.floats(0.0, 2.0)), seed=d.draw(st.integers(0, 99))),
    "logistic": lambda d: dict(m=d.draw(st.integers(1, 20)), n=d.draw(st.integers(1, 4)),
                               lam=d.draw(st.floats(0.0, 1.0)), seed=d.draw(st.integers(0, 99))),
    "softmax": lambda d: dict(m=d.draw(st.integers(1, 15)), d=d.draw(st.integers(1, 3)),
                              K=d.draw(st.integers(2, 4)), lam=d.draw(st.floats(0.0, 1.0)),
                              seed=d.draw(st.integers(0, 99))),
    "logsumexp": lambda d: dict(n=d.draw(st.integers(1, 4)), mu=d.draw(st.floats(0.2, 5.0)),
                                seed=d.draw(st.integers(0, 99))),
    "chebyshev_rosenbrock": lambda d: dict(n=d.draw(st.integers(1, 5)), p=d.draw(st.floats(2.0, 4.0))),
    "rosenbrock_equations": lambda d: dict(p=d.draw(st.floats(2.0, 4.0))),
    "nesterov_chain": lambda d: dict(n=d.draw(st.integers(1, 5)), L=d.draw(st.floats(0.1, 10.0))),
    "cosh_sum": lambda d: dict(n=d.draw(st.integers(1, 4)), spread=d.draw(st.floats(0.0, 2.0)),
                               seed=d.draw(st.integers(0, 99))),
    "polytope": lambda d: dict(n=d.draw(st.integers(1, 4)), p=d.draw(st.floats(2.0, 4.0)),
                               seed=d.draw(st.integers(0, 99))),
}


@given(st.data())
def test_random_instances_match_reference_and_finite_differences(data):
    name = data.draw(st.sampled_from(sorted(FAMILIES)))
    P = REGISTRY[name](**FAMILIES[name](data))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**31)))
    x = P.x0 + data.draw(st.sampled_from([0.1, 1.0, 5.0])) * rng.standard_normal(P.n)
    assume(kink_distance(P, x) > 1e-3 * max(1.0, np.max(np.abs(x))))
    assert P.value(x) == pytest.approx(ref_value(P, x), rel=1e-12, abs=1e-14)
    g, H = P.grad(x), P.hess(x)
    g_fd, s = fd_grad(P, x)
    assert np.max(np.abs(g - g_fd)) <= 1e-6 * (1.0 + np.max(np.abs(g)) + abs(P.value(x)) / s)
    H_fd, s = fd_hess(P, x)
    assert np.max(np.abs(H - H_fd)) <= 1e-6 * (1.0 + np.max(np.abs(H)) + np.max(np.abs(g)) / s)
    if P.f_star is not None:
        assert P.value(x) >= P.f_star - 1e-12 * (1 + abs(P.f_star))


def test_generated_quadratic_is_built_without_cubic_work(monkeypatch):
    """The builder costs O(n^2) (Householder reflections, no dense factorization): the
    generated instance must come out right with every O(n^3) routine unavailable, and
    its spectrum, minimizer and optimal value must be the constructed ones."""
    import scipy.linalg
    from numeric.problems.quadratic import quadratic
    real_eigvalsh = np.linalg.eigvalsh

    def forbidden(*a, **k):
        raise AssertionError("an O(n^3) routine was called by the quadratic builder")
    for mod, names in ((np.linalg, ("qr", "eigvalsh", "eigh", "solve", "cholesky", "inv", "svd")),
                       (scipy.linalg, ("cho_factor", "qr", "eigh", "solve"))):
        for name in names:
            monkeypatch.setattr(mod, name, forbidden)
    import importlib
    qmod = importlib.import_module("numeric.problems.quadratic")
    monkeypatch.setattr(qmod, "cho_factor", forbidden)
    p = quadratic(n=40, cond=50.0, seed=3)
    monkeypatch.undo()
    Q, b = p.data[0], p.data[1]
    assert np.array_equal(Q, Q.T)
    np.testing.assert_allclose(real_eigvalsh(Q), np.geomspace(1.0, 50.0, 40), rtol=1e-12)
    np.testing.assert_allclose(Q @ p.x_star, b, atol=1e-12 * np.linalg.norm(b))
    assert p.f_star == -0.5 * b @ p.x_star
