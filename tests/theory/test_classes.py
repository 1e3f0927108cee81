"""Function classes: every derived constant is checked against a brute-force GNS test.

For a 1-D function of the class, ``gamma(x) >= pi(|g(x)|)`` is equivalent to: for
every step ``h`` with ``|h| <= pi`` (and ``h in O(x, g)`` when the class bound is
proven on ``O``), ``|r_x(h)| <= |g| |h| / pi``. In 1-D the steps are sampled
exhaustively on a dense grid (linear and geometric in ``|h|``). The same code must
flag a deliberately too-small constant, so the check can fail.
"""
import math

import numpy as np
import pytest
import sympy as sp

from theory.classes import (CATALOG, NAMES, FirstOrder, GeneralizedSelfConcordant, HolderHessian,
                            HolderThird, L0L1Smooth, QSC_ROOT, QuasiSelfConcordant,
                            bounded_hessian_variation, get_class, lipschitz_hessian)

# Rounding allowance: r = f'(x+h) - f'(x) - H h is a difference of O(1) numbers, so
# it carries an absolute error of a few ulps of the terms; 64 ulps is allowed.
_ULPS = 64 * np.finfo(float).eps


def _steps(gamma, n=3000):
    lin = np.linspace(gamma / n, gamma, n)
    geo = np.geomspace(1e-4 * gamma, gamma, 400)
    pos = np.concatenate([lin, geo])
    return np.concatenate([pos, -pos])


def worst_ratio(d1, H, x, gamma, region):
    """max over sampled h of |r_x(h)| / (|g||h|/gamma) (minus rounding allowance)."""
    g = d1(x)
    t = abs(g)
    h = _steps(gamma)
    if region == "O":
        h = h[H * h * h + g * h <= 0]
    if h.size == 0:
        return 0.0
    gxh = d1(x + h)
    r = gxh - g - H * h
    slack = _ULPS * (np.abs(gxh) + abs(g) + np.abs(H * h))
    return float(np.max((np.abs(r) - slack) / (t * np.abs(h) / gamma)))


def max_violation(d1, d2, xs, cls, scale=1.0):
    """Largest ratio over points ``xs`` at ``gamma = scale * pi(|g(x)|)``; ``<= 1`` means the bound holds."""
    b = cls.bound()
    H_of = (lambda x: 0.0) if cls.hessian == "zero" else d2
    worst = 0.0
    for x in xs:
        t = abs(d1(x))
        if t == 0.0:
            continue
        gam = scale * float(b.pi(t))
        worst = max(worst, worst_ratio(d1, H_of(x), x, gam, cls.region))
    return worst


XS = np.concatenate([np.linspace(-4, 4, 81), [1e-3, -2e-2, 0.3]])


def sgnpow(x, p):
    return np.sign(x) * np.abs(x) ** p


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# ---- Hölder Hessian: f = |x|^(2+nu)/((2+nu)(1+nu)), f'' = |x|^nu, L_nu = 1; cos: L_nu = 2^(1-nu)

@pytest.mark.parametrize("nu", [0.25, 0.5, 1.0])
def test_holder_hessian_power(nu):
    d1 = lambda x: sgnpow(x, 1 + nu) / (1 + nu)
    d2 = lambda x: np.abs(x) ** nu
    cls = HolderHessian(nu=nu, L_nu=1)
    assert max_violation(d1, d2, XS, cls) <= 1.0
    assert max_violation(d1, d2, XS, cls, scale=4.0) > 1.0   # M/4 is caught


@pytest.mark.parametrize("nu", [0.0, 0.5, 1.0])
def test_holder_hessian_cosine_nonconvex(nu):
    # f = -cos: f'' = cos, |cos x - cos y| <= 2 |sin((x-y)/2)| <= 2^(1-nu) |x-y|^nu
    cls = HolderHessian(nu=nu, L_nu=2 ** (1 - nu))
    assert max_violation(np.sin, np.cos, XS, cls) <= 1.0
    assert max_violation(np.sin, np.cos, XS, cls, scale=4.0) > 1.0


def test_holder_aliases():
    assert lipschitz_hessian(L2=3).bound().monomials[0].M == sp.sqrt(sp.Rational(3, 2))
    assert lipschitz_hessian(L2=3).bound().monomials[0].alpha == sp.Rational(1, 2)
    b = bounded_hessian_variation(L0=5).bound().monomials[0]
    assert (b.alpha, b.M) == (1, 5)
    assert lipschitz_hessian().name == "lipschitz_hessian"


# ---- first-order, H = 0: f = -cos (L = 1), log cosh (L = 1)

@pytest.mark.parametrize("d1", [np.sin, np.tanh])
def test_first_order(d1):
    cls = FirstOrder(L=1)
    assert max_violation(d1, None, XS, cls) <= 1.0
    assert max_violation(d1, None, XS, cls, scale=4.0) > 1.0


# ---- Hölder third derivative, convex: |x|^(3+nu)/((3+nu)(2+nu)(1+nu)), D^3 = sign|x|^nu, L = 2^(1-nu)

@pytest.mark.parametrize("nu", [0.0, 0.5, 1.0])
def test_holder_third_power(nu):
    d1 = lambda x: np.abs(x) ** (2 + nu) / ((2 + nu) * (1 + nu))
    d2 = lambda x: sgnpow(x, 1 + nu) / (1 + nu)
    cls = HolderThird(nu=nu, L_3nu=2 ** (1 - nu))
    assert max_violation(d1, d2, XS, cls) <= 1.0
    assert max_violation(d1, d2, XS, cls, scale=4.0) > 1.0


@pytest.mark.parametrize("c", [0.0, 0.1, 1.0])
def test_holder_third_quartic_family(c):
    # f = x^4/24 + c x^2/2: D^3 = x, L_3 = 1 (nu = 1)
    d1 = lambda x: x ** 3 / 6 + c * x
    d2 = lambda x: x ** 2 / 2 + c
    cls = HolderThird(nu=1, L_3nu=1)
    assert max_violation(d1, d2, XS, cls) <= 1.0


def test_holder_third_quartic_small_constant_caught():
    cls = HolderThird(nu=1, L_3nu=1)
    d1, d2 = (lambda x: x ** 3 / 6), (lambda x: x ** 2 / 2)
    assert max_violation(d1, d2, XS, cls, scale=4.0) > 1.0


def test_holder_third_constant_closed_form():
    for nu in (0.25, 0.5, 1.0):
        M = float(HolderThird(nu=nu, L_3nu=3).bound().monomials[0].M)
        assert math.isclose(M, ((1 + nu) / nu) ** (nu / (2 + nu)) * 3 ** (1 / (2 + nu)), rel_tol=1e-12)
        # the chosen s solves the split condition a s^p + b s^(2+nu) <= 1
        a = 0.5 * ((1 + nu) / nu) ** (nu / (1 + nu))
        b = 1 / ((1 + nu) * (2 + nu))
        s = 3 ** (1 / (2 + nu)) / M
        assert a * s ** ((2 + nu) / (1 + nu)) + b * s ** (2 + nu) <= 1 + 1e-12
    assert HolderThird(nu=0, L_3nu=4).bound().monomials[0].M == 2


# ---- QSC: softplus (Q = 1), log cosh (Q = 2), exp (Q = 1)

QSC_FUNCS = {
    "softplus": (sigmoid, lambda x: sigmoid(x) * sigmoid(-x), 1.0, XS * 2),
    "logcosh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2, 2.0, XS),
    "exp": (np.exp, np.exp, 1.0, XS),
}


@pytest.mark.parametrize("fname", sorted(QSC_FUNCS))
def test_qsc(fname):
    d1, d2, Q, xs = QSC_FUNCS[fname]
    cls = QuasiSelfConcordant(Q=Q)
    assert max_violation(d1, d2, xs, cls) <= 1.0
    assert max_violation(d1, d2, xs, cls, scale=4.0) > 1.0


def test_qsc_root():
    z = float(QSC_ROOT)
    assert math.isclose(math.exp(z), 1 + 2 * z, rel_tol=1e-14)
    assert 1.25 < z < 1.26
    # psi(z) = (e^z - 1 - z)/z equals 1 at the root
    assert math.isclose((math.exp(z) - 1 - z) / z, 1.0, rel_tol=1e-13)


# ---- (L0, L1)-smooth with H = 0: cosh (L0 = L1 = 1), exp (L0 = 0, L1 = 1: c = 1/ln 2 is sharp)

def test_l0l1_cosh():
    cls = L0L1Smooth(L0=1, L1=1)
    assert max_violation(np.sinh, None, XS, cls) <= 1.0
    assert max_violation(np.sinh, None, XS, cls, scale=4.0) > 1.0


def test_l0l1_exp_sharp_constant():
    cls = L0L1Smooth(L0=0, L1=1)
    assert max_violation(np.exp, None, XS, cls) <= 1.0
    assert max_violation(np.exp, None, XS, cls, scale=1.02) > 1.0


# ---- generalized self-concordant with bounded Hessian: f = x^2/2 + softplus(x), nu = 3

def test_gsc_reduction():
    d1 = lambda x: x + sigmoid(x)
    d2 = lambda x: 1 + sigmoid(x) * sigmoid(-x)
    Mf = 1 / (6 * math.sqrt(3))          # max |s(1-s)(1-2s)|, and f'' >= 1
    cls = GeneralizedSelfConcordant(nu=3, M_f=Mf, L=1.25)
    assert math.isclose(float(cls.bound().monomials[0].M), Mf * math.sqrt(1.25) / float(QSC_ROOT),
                        rel_tol=1e-12)
    assert max_violation(d1, d2, XS, cls) <= 1.0
    # nu = 2 is QSC with Q = M_f
    assert float(GeneralizedSelfConcordant(nu=2, M_f=3, L=7).bound().monomials[0].M) == \
        pytest.approx(float(QuasiSelfConcordant(Q=3).bound().monomials[0].M), rel=1e-14)


# ---- interface

def test_catalog_and_lookup():
    assert {c.name for c in CATALOG} == set(NAMES)
    for c in CATALOG:
        b = c.bound()
        assert b.monomials and all(m.from_smoothness for m in b.monomials)
        assert c.hessian in ("exact", "zero")
        assert isinstance(c.describe(), str) and c.title in c.describe()
        assert b.region == c.region
        # symbolic bound evaluates to the numeric one
        sub = {c.symbols[k]: v for k, v in c.params.items()}
        for ms, mn in zip(c.bound(symbolic=True).monomials, b.monomials):
            assert float(sp.sympify(ms.M).subs(sub)) == pytest.approx(mn.M_f, rel=1e-12)
    assert get_class("holder_hessian", nu=0.5).params["nu"] == sp.Rational(1, 2)
    assert get_class("qsc", Q=2).alpha == 0.0
    assert get_class("holder_third").alpha == pytest.approx(1 / 3)
    assert get_class("l0l1").alpha == 0.0


BAD = [
    ("holder_hessian", {"nu": 1.5}, "nu"), ("holder_hessian", {"nu": -0.1}, "nu"),
    ("holder_hessian", {"L_nu": -1}, "L_nu"), ("holder_hessian", {"L_nu": float("nan")}, "L_nu"),
    ("holder_third", {"nu": 2}, "nu"), ("holder_third", {"L_3nu": float("inf")}, "L_3nu"),
    ("first_order", {"L": -2}, "L"), ("qsc", {"Q": -1}, "Q"), ("l0l1", {"L0": -1}, "L0"),
    ("l0l1", {"L1": -1}, "L1"), ("generalized_self_concordant", {"nu": 1.5}, "nu"),
    ("generalized_self_concordant", {"M_f": -1}, "M_f"), ("lipschitz_hessian", {"L2": -1}, "L2"), ("bounded_hessian_variation", {"L0": -3}, "L0"),
    ("qsc", {"R": 1}, "R"), ("no_such_class", {}, "name"),
]


@pytest.mark.parametrize("name,params,word", BAD)
def test_bad_parameters(name, params, word):
    with pytest.raises(ValueError, match=word):
        get_class(name, **params)


def test_derivation_names_are_documented():
    from pathlib import Path

    from theory.classes import DERIVATION_STEPS
    doc = (Path(__file__).resolve().parents[2] / "docs" / "theory.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 3. Class bounds"):doc.index("## 4. Hessian approximations")]
    assert "gns_worst_radius" in DERIVATION_STEPS and "qsc_root" in DERIVATION_STEPS
    for name in DERIVATION_STEPS:
        assert f"**`{name}`**" in section, name


def _logistic_2d(seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((5, 2))

    def grad(X):      # X: (k, 2) -> (k, 2); f(x) = (1/m) sum softplus(<a_j, x>)
        return sigmoid(X @ A.T) @ A / len(A)

    def hess(x):
        s = sigmoid(A @ x)
        return (A.T * (s * (1 - s))) @ A / len(A)

    return A, grad, hess


def worst_ratio_2d(grad, H, x, gamma, n_dir=360, n_rad=120):
    """max over a polar grid of h in Ball(gamma) ∩ O(x, g) of ||r_x(h)|| / (||g|| ||h|| / gamma)."""
    th = np.linspace(0, 2 * np.pi, n_dir, endpoint=False)
    dirs = np.stack([np.cos(th), np.sin(th)], axis=1)
    rad = np.concatenate([np.linspace(gamma / n_rad, gamma, n_rad), np.geomspace(1e-3 * gamma, gamma, 30)])
    h = (dirs[:, None, :] * rad[None, :, None]).reshape(-1, 2)
    g = grad(x[None, :])[0]
    h = h[np.einsum("ij,jk,ik->i", h, H, h) + h @ g <= 0]
    gxh = grad(x + h)
    r = gxh - g - h @ H
    slack = _ULPS * (np.linalg.norm(gxh, axis=1) + np.linalg.norm(g) + np.linalg.norm(h @ H, axis=1))
    return float(np.max((np.linalg.norm(r, axis=1) - slack) / (np.linalg.norm(g) * np.linalg.norm(h, axis=1) / gamma)))


@pytest.mark.parametrize("seed", [0, 1])
def test_qsc_logistic_2d(seed):
    # D^3 f[u,h,h] = (1/m) sum s'''(<a,x>) <a,u><a,h>^2 and |s'''| <= s'': Q = max ||a_j||
    A, grad, hess = _logistic_2d(seed)
    cls = QuasiSelfConcordant(Q=np.max(np.linalg.norm(A, axis=1)))
    pts = np.random.default_rng(seed + 10).standard_normal((25, 2)) * 3
    gam = float(cls.bound().pi(1.0))          # alpha = 0: pi does not depend on t
    assert max(worst_ratio_2d(grad, hess(x), x, gam) for x in pts) <= 1.0
    assert max(worst_ratio_2d(grad, hess(x), x, 4 * gam) for x in pts) > 1.0
