"""The flagship consequence (docs/theory.md section 5.F) against brute force in numpy.

Every instance, Hessian, Fisher matrix, third derivative (central differences of the
Hessian), minimizer (damped Newton) and QSC root (bisection) is computed here, not
taken from the module under test.
"""
import math

import numpy as np
import pytest
import sympy as sp

from theory import fisher_regression as fl
from theory.rates import check_conclusion

FD_STEP = 1e-5
FD_REL = 1e-6   # central differences of an analytic Hessian: O(step^2) truncation, O(1e-16/step) rounding


def sig(s):
    return 0.5 * (1.0 + np.tanh(0.5 * s))


def spd(rng, n):
    G = rng.standard_normal((n, n))
    return G @ G.T / n + 0.5 * np.eye(n)


def qsc_root():
    lo, hi = 0.5, 3.0          # e^z - 1 - 2z < 0 at 0.5, > 0 at 3
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if math.exp(mid) - 1 - 2 * mid < 0 else (lo, mid)
    return lo


# ----------------------------------------------------------------- instances (numpy)

class Logistic:
    def __init__(self, A, y, reg, B=None):
        self.A, self.y, self.reg = A, y.astype(float), reg
        self.m, self.n = A.shape
        self.B = np.eye(self.n) if B is None else B
        self.Binv = np.linalg.inv(self.B)
        self.Ay = A * self.y[:, None]

    def f(self, x):
        return np.mean(np.logaddexp(0, -self.Ay @ x)) + 0.5 * self.reg * x @ self.B @ x

    def p(self, x):
        return sig(-self.Ay @ x)

    def grad(self, x):
        return -self.Ay.T @ self.p(x) / self.m + self.reg * self.B @ x

    def hess(self, x):
        p = self.p(x)
        return (self.A.T * (p * (1 - p))) @ self.A / self.m + self.reg * self.B

    def fisher(self, x):
        G = -self.Ay * self.p(x)[:, None]
        return G.T @ G / self.m + self.reg * self.B

    def dual(self, g):
        return math.sqrt(g @ self.Binv @ g)

    def prim(self, u):
        return math.sqrt(u @ self.B @ u)

    def opnorm(self, E):
        w, V = np.linalg.eigh(self.B)
        S = V @ np.diag(w ** -0.5) @ V.T
        return float(np.linalg.norm(S @ E @ S, 2))


class Softmax:
    """Weights X of shape (K, n), flattened row-major; regularizer (reg/2)||X||_F^2."""

    def __init__(self, A, labels, K, reg):
        self.A, self.lab, self.K, self.reg = A, labels, K, reg
        self.m, self.n = A.shape
        self.Y = np.eye(K)[labels]

    def P(self, x):
        Z = self.A @ x.reshape(self.K, self.n).T
        Z = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)

    def f(self, x):
        Z = self.A @ x.reshape(self.K, self.n).T
        lse = np.logaddexp.reduce(Z, axis=1)
        return np.mean(lse - Z[np.arange(self.m), self.lab]) + 0.5 * self.reg * x @ x

    def grad(self, x):
        return ((self.P(x) - self.Y).T @ self.A).ravel() / self.m + self.reg * x

    def hess(self, x):
        P = self.P(x)
        Hs = sum(np.kron(np.diag(p) - np.outer(p, p), np.outer(a, a)) for p, a in zip(P, self.A))
        return Hs / self.m + self.reg * np.eye(self.K * self.n)

    def fisher(self, x):
        C = self.P(x) - self.Y
        G = np.stack([np.outer(c, a).ravel() for c, a in zip(C, self.A)])
        return G.T @ G / self.m + self.reg * np.eye(self.K * self.n)

    def dual(self, g):
        return float(np.linalg.norm(g))

    def opnorm(self, E):
        return float(np.linalg.norm(E, 2))


def newton_min(prob, x0, iters=200):
    x = x0.copy()
    for _ in range(iters):
        g = prob.grad(x)
        d = np.linalg.solve(prob.hess(x), g)
        s = 1.0
        while prob.f(x - s * d) > prob.f(x) - 0.25 * s * g @ d and s > 1e-12:
            s *= 0.5
        x = x - s * d
        if np.linalg.norm(prob.grad(x)) < 1e-14:
            break
    return x


def third(prob, x, u, h):
    """D^3 f(x)[u, h, h] by central differences of the analytic Hessian."""
    return (h @ prob.hess(x + FD_STEP * u) @ h - h @ prob.hess(x - FD_STEP * u) @ h) / (2 * FD_STEP)


def qsc_ratio(prob, x, u, h, unorm):
    return abs(third(prob, x, u, h)) / (unorm * (h @ prob.hess(x) @ h))


def logistic_data(rng, m, n):
    A = rng.standard_normal((m, n))
    y = np.where(A[:, 0] + rng.standard_normal(m) > 0, 1, -1)
    return A, y


# ----------------------------------------------------------------- 1. QSC constants

@pytest.mark.parametrize("use_B", [False, True])
def test_qsc_logistic_random_below_Q(use_B):
    rng = np.random.default_rng(1)
    A, y = logistic_data(rng, 6, 3)
    B = spd(rng, 3) if use_B else None
    prob = Logistic(A, y, 0.0, B)
    Q = fl.qsc_constant_logistic(A, B)
    assert Q == pytest.approx(max(prob.dual(a) for a in A), rel=1e-14)
    worst = 0.0
    for _ in range(300):
        x = rng.standard_normal(3) * rng.choice([0.3, 3.0, 10.0])
        u, h = rng.standard_normal(3), rng.standard_normal(3)
        worst = max(worst, qsc_ratio(prob, x, u, h, prob.prim(u)))
    assert worst <= Q * (1 + FD_REL)
    assert worst > 0.3 * Q     # the sampler sees a non-trivial part of the range


def test_qsc_logistic_tight_refutes_half():
    rng = np.random.default_rng(2)
    a = rng.standard_normal(4)
    prob = Logistic(a[None, :], np.array([1]), 0.0)
    Q = fl.qsc_constant_logistic(a[None, :])
    x = 6.0 * a / (a @ a)                      # s = <a, x> = 6: |1 - 2 sigma(6)| = tanh(3)
    u = h = a / np.linalg.norm(a)
    r = qsc_ratio(prob, x, u, h, 1.0)
    assert r <= Q * (1 + FD_REL)
    assert r > Q / 2 and r == pytest.approx(math.tanh(3.0) * Q, rel=1e-6)


def test_qsc_softmax_random_below_Q():
    rng = np.random.default_rng(3)
    K, n, m = 3, 3, 5
    A = rng.standard_normal((m, n))
    prob = Softmax(A, rng.integers(0, K, m), K, 0.0)
    Q = fl.qsc_constant_softmax(A)
    assert Q == pytest.approx(math.sqrt(2) * np.max(np.linalg.norm(A, axis=1)), rel=1e-14)
    worst = 0.0
    for _ in range(200):
        x = rng.standard_normal(K * n) * rng.choice([0.3, 3.0])
        u, h = rng.standard_normal(K * n), rng.standard_normal(K * n)
        worst = max(worst, qsc_ratio(prob, x, u, h, np.linalg.norm(u)))
    assert worst <= Q * (1 + FD_REL)


def test_qsc_softmax_tight_needs_sqrt2():
    """Two dominant logits, the smaller one with probability ~2.5e-3: the ratio is
    sqrt(2) R (1 - 2 p2/(p1 + p2)), above R = Q/sqrt(2) (so R alone is refuted) and below Q."""
    rng = np.random.default_rng(4)
    K, a = 3, rng.standard_normal(4)
    n, R = a.size, np.linalg.norm(a)
    prob = Softmax(a[None, :], np.array([0]), K, 0.0)
    z = np.array([0.0, -6.0, -40.0])
    X = np.outer(z, a) / (a @ a)               # logits X a = z
    U = np.outer(np.array([1.0, -1.0, 0.0]), a) / (math.sqrt(2) * R)   # ||U||_F = 1
    r = qsc_ratio(prob, X.ravel(), U.ravel(), U.ravel(), 1.0)
    Q = fl.qsc_constant_softmax(a[None, :])
    p = np.exp(z) / np.exp(z).sum()
    assert r == pytest.approx(math.sqrt(2) * R * (p[0] - p[1]) / (p[0] + p[1]), rel=1e-5)
    assert R < r <= Q * (1 + FD_REL) and r > Q / 2


# ----------------------------------------------------------------- 2-3. error model and D

def check_error_model(prob, claim, xs, D, rng, k=200):
    u = rng.standard_normal((k, xs.size))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    pts = xs + D * rng.uniform(0, 1, (k, 1)) ** (1 / xs.size) * u     # Euclidean ball, radius D
    if isinstance(prob, Logistic):                                     # keep ||x - x*||_B <= D
        pts = pts[[prob.prim(p - xs) <= D for p in pts]]
    worst = 0.0
    for x in np.vstack([pts, xs[None, :]]):
        E = prob.opnorm(prob.hess(x) - prob.fisher(x))
        worst = max(worst, E / claim.error_model.norm_bound(prob.dual(prob.grad(x))))
    return worst


@pytest.mark.parametrize("seed,use_B", [(5, False), (6, True)])
def test_logistic_claim_error_model_and_D(seed, use_B):
    rng = np.random.default_rng(seed)
    A, y = logistic_data(rng, 30, 3)
    B = spd(rng, 3) if use_B else None
    reg = 0.05
    prob = Logistic(A, y, reg, B)
    xs = newton_min(prob, np.zeros(3))
    f_star = prob.f(xs)
    x0 = 3 * rng.standard_normal(3)
    F0 = prob.f(x0) - f_star
    D = fl.D_strong_convexity(F0, reg)
    assert D == pytest.approx(math.sqrt(2 * F0 / reg), rel=1e-14)
    # strong_convexity_radius: every point of the sublevel set lies within D of x*
    cand = np.vstack([x0, xs + rng.standard_normal((2000, 3)) * D / 2])
    sub = [x for x in cand if prob.f(x) <= prob.f(x0)]
    assert len(sub) > 50
    assert max(prob.prim(x - xs) for x in sub) <= D
    claim = fl.logistic_fisher_claim(A, y, reg, f_star, D, B=B)
    R = max(prob.dual(a) for a in A)
    assert claim.R == pytest.approx(R, rel=1e-14) and claim.Q == pytest.approx(R, rel=1e-14)
    assert float(claim.error_model.C1) == pytest.approx(R ** 2 * f_star, rel=1e-12)
    assert float(claim.error_model.C2) == pytest.approx(R ** 2 * D, rel=1e-12)
    assert check_error_model(prob, claim, xs, D, rng) <= 1 + 1e-10


def test_softmax_claim_error_model_and_D():
    rng = np.random.default_rng(7)
    K, n, m, reg = 3, 2, 25, 0.1
    A = rng.standard_normal((m, n))
    labels = rng.integers(0, K, m)
    prob = Softmax(A, labels, K, reg)
    xs = newton_min(prob, np.zeros(K * n))
    f_star = prob.f(xs)
    x0 = 2 * rng.standard_normal(K * n)
    D = fl.D_strong_convexity(prob.f(x0) - f_star, reg)
    assert np.linalg.norm(x0 - xs) <= D
    claim = fl.softmax_fisher_claim(A, labels, K, reg, f_star, D)
    R = np.max(np.linalg.norm(A, axis=1))
    assert float(claim.error_model.C1) == pytest.approx(2 * R ** 2 * f_star, rel=1e-12)
    assert claim.Q == pytest.approx(math.sqrt(2) * R, rel=1e-14)
    assert check_error_model(prob, claim, xs, D, rng, k=150) <= 1 + 1e-10


# ----------------------------------------------------------------- 4. orders and the split

def small_claim(f_star, softmax=False):
    rng = np.random.default_rng(8)
    A, y = logistic_data(rng, 10, 3)
    if softmax:
        return fl.softmax_fisher_claim(A, (y > 0).astype(int), 2, 0.1, f_star, 4.0)
    return fl.logistic_fisher_claim(A, y, 0.1, f_star, 4.0)


@pytest.mark.parametrize("softmax", [False, True])
def test_order_linear_iff_f_star_zero(softmax):
    for rule in ("theory", "adaptive"):
        o0 = small_claim(0.0, softmax).order(rule)
        assert o0["kind"] == "linear" and o0["text"] == "log(1/eps)"
        o1 = small_claim(0.3, softmax).order(rule)
        assert o1["kind"] == "sublinear" and o1["exponent"] == 1.0
        assert o1["dominant"] == ["approximation:C1"]
    assert small_claim(0.0, softmax).eps_lin == 0.0


@pytest.mark.parametrize("softmax", [False, True])
def test_constants_match_derivation(softmax):
    c = small_claim(0.3, softmax)
    kappa = 2 if softmax else 1
    Q = (math.sqrt(2) if softmax else 1.0) * c.R
    M0 = 2 * Q / qsc_root() + kappa * c.R ** 2 * c.D          # region_relaxation factor 2, plus C2
    C1 = kappa * c.R ** 2 * 0.3
    assert c.M0 == pytest.approx(M0, rel=1e-12) and c.C1 == pytest.approx(C1, rel=1e-12)
    assert c.eps_lin == pytest.approx(2 * c.D * C1 / M0, rel=1e-12)
    assert c.eps_lin < 2 * 0.3


@pytest.mark.parametrize("rule", ["theory", "adaptive"])
def test_split_sums_to_theorem(rule):
    c = small_claim(0.3)
    lin, c1 = c.K_split(rule)
    assert sp.simplify(lin + c1 - c.theorem(rule).K()) == 0
    eps = np.logspace(-9, 1, 41)
    F0, G0 = 2.5, 1.7
    K = c.theorem(rule).K_numeric(eps, F0, G0, D=c.D, n_lag=3)
    parts = c.K_linear(eps, F0, G0, rule, n_lag=3) + c.K_c1(eps, F0, G0, rule)
    np.testing.assert_allclose(parts, K, rtol=1e-12)
    assert np.all(c.K_c1(eps, F0, G0, rule) <= c.K_c1_upper(eps, rule))


@pytest.mark.parametrize("rule", ["theory", "adaptive"])
def test_linear_until_eps_lin(rule):
    c = small_claim(0.3)
    F0, G0 = 50.0, 3.0
    assert c.eps_lin < F0
    thm = c.theorem(rule)
    e_ok = np.geomspace(c.eps_lin, F0, 200)
    K = thm.K_numeric(e_ok, F0, G0, D=c.D, n_lag=5)
    assert np.all(K <= c.K_linear_bound(e_ok, F0, G0, rule, n_lag=5))
    assert all(c.linear_until(e) for e in e_ok)
    e_bad = c.eps_lin * np.geomspace(1e-6, 1e-3, 10)                # far below eps_lin the C1 term wins
    assert not any(c.linear_until(e) for e in e_bad)
    assert np.all(thm.K_numeric(e_bad, F0, G0, D=c.D, n_lag=5) > c.K_linear_bound(e_bad, F0, G0, rule, n_lag=5))
    # flagship_linear_until, phase by phase: C1 cost <= alpha = 0 cost iff the level 2^-j F0 >= eps_lin
    levels = F0 * 2.0 ** -np.arange(40)
    c1_cost = thm.c * c.C1 * 4 * c.D ** 2 / levels
    lin_cost = thm.c * c.M0 * 2 * c.D
    np.testing.assert_array_equal(c1_cost <= lin_cost * (1 + 1e-12), levels >= c.eps_lin * (1 - 1e-12))


# ----------------------------------------------------------------- end to end (numpy runs)

def run_theory_step(prob, claim, x0, iters):
    """Algorithm 1 with gamma_k = pi(||g_k||_*) and the Fisher matrix; returns f_k, g_k and
    the Lemma-1 slack min_k (f_k - f_{k+1}) - g_{k+1}^2/(8 lam_k)."""
    al, Ms = claim.bound.alphas(), claim.bound.Ms()
    x, fs, gs, slack = x0.copy(), [], [], np.inf
    for _ in range(iters):
        g = prob.grad(x)
        t = prob.dual(g)
        fs.append(prob.f(x))
        gs.append(t)
        if t == 0:
            break
        lam = t * float(np.sum(Ms * t ** -al))          # t / pi(t)
        xn = x - np.linalg.solve(prob.fisher(x) + lam * prob.B, g)
        slack = min(slack, (prob.f(x) - prob.f(xn)) - prob.dual(prob.grad(xn)) ** 2 / (8 * lam))
        x = xn
    return np.array(fs), np.array(gs), slack


def test_regularized_logistic_run_meets_theorem():
    rng = np.random.default_rng(9)
    A, y = logistic_data(rng, 30, 3)
    reg = 0.05
    prob = Logistic(A, y, reg)
    xs = newton_min(prob, np.zeros(3))
    f_star = prob.f(xs)
    x0 = rng.standard_normal(3)
    F0 = prob.f(x0) - f_star
    claim = fl.logistic_fisher_claim(A, y, reg, f_star, fl.D_strong_convexity(F0, reg))
    fs, gs, slack = run_theory_step(prob, claim, x0, 1500)
    assert slack >= -1e-12                                      # Lemma 1 on every step
    delta = fs - f_star
    for e in (1e-1, 1e-3, 1e-5):
        ok, K_last, bound = check_conclusion(claim.theorem(), delta, e, F0, gs[0], D=claim.D)
        assert K_last >= 0 and delta.min() <= e and ok


# ----------------------------------------------------------------- separable data

def separable_logistic(rng, m, n, margin):
    w = rng.standard_normal(n)
    w /= np.linalg.norm(w)
    A = rng.standard_normal((4 * m, n))
    A = A[np.abs(A @ w) >= margin][:m]
    return A, np.where(A @ w > 0, 1, -1), w


def test_separable_logistic_claim():
    rng = np.random.default_rng(10)
    A, y, w = separable_logistic(rng, 20, 3, 0.3)
    prob = Logistic(A, y, 0.0)
    mu = float(np.min(y * (A @ w)))
    assert fl.logistic_margin(A, y, 5 * w) == pytest.approx(mu, rel=1e-12)
    x0 = 2.0 * w + 0.5 * rng.standard_normal(3)
    f0 = prob.f(x0)
    claim = fl.separable_logistic_claim(A, y, w, f0)
    R = np.max(np.linalg.norm(A, axis=1))
    assert claim.C1 == 0 and claim.order()["kind"] == "linear"
    assert float(claim.error_model.C2) == pytest.approx(R ** 2 / mu, rel=1e-12)
    m_f0 = len(y) * f0
    Dsep = m_f0 / ((1 - math.exp(-m_f0)) * mu)
    assert claim.D == pytest.approx(Dsep, rel=1e-12)
    # flagship_separable_gap at arbitrary points; flagship_separable_gradient on the sublevel set
    pts = np.vstack([x0, rng.standard_normal((300, 3)) * 4, x0 + rng.standard_normal((300, 3))])
    for x in pts:
        g = prob.dual(prob.grad(x))
        assert prob.opnorm(prob.hess(x) - prob.fisher(x)) <= float(claim.error_model.C2) * g * (1 + 1e-12)
        if prob.f(x) <= f0:
            assert prob.f(x) <= claim.D * g * (1 + 1e-12)
    # the run: f* = 0 (not attained) and a purely logarithmic K(eps)
    fs, gs, slack = run_theory_step(prob, claim, x0, 3000)
    assert slack >= -1e-12
    for e in (1e-2, 1e-4, 1e-6):
        ok, K_last, bound = check_conclusion(claim.theorem(), fs, e, f0, gs[0], D=claim.D)
        assert fs.min() <= e and ok


def test_separable_softmax_claim():
    rng = np.random.default_rng(11)
    K, n = 3, 2
    W = rng.standard_normal((K, n))
    A = rng.standard_normal((200, n)) * 2
    Z = A @ W.T
    srt = np.sort(Z, axis=1)
    A = A[srt[:, -1] - srt[:, -2] > 0.3][:15]
    labels = np.argmax(A @ W.T, axis=1)
    prob = Softmax(A, labels, K, 0.0)
    Wu = W / np.linalg.norm(W)
    Zu = A @ Wu.T
    mu = min(Zu[j, labels[j]] - Zu[j, k] for j in range(len(A)) for k in range(K) if k != labels[j])
    assert fl.softmax_margin(A, labels, K, 3 * W) == pytest.approx(mu, rel=1e-12)
    x0 = 2 * Wu.ravel() + 0.3 * rng.standard_normal(K * n)
    f0 = prob.f(x0)
    claim = fl.separable_softmax_claim(A, labels, K, W, f0)
    assert claim.C1 == 0 and claim.order()["kind"] == "linear"
    pts = np.vstack([x0, rng.standard_normal((200, K * n)) * 3, x0 + 0.5 * rng.standard_normal((200, K * n))])
    for x in pts:
        g = prob.dual(prob.grad(x))
        assert prob.opnorm(prob.hess(x) - prob.fisher(x)) <= float(claim.error_model.C2) * g * (1 + 1e-12)
        if prob.f(x) <= f0:
            assert prob.f(x) <= claim.D * g * (1 + 1e-12)


# ----------------------------------------------------------------- bad input

def test_bad_input():
    rng = np.random.default_rng(12)
    A, y = logistic_data(rng, 5, 2)
    with pytest.raises(ValueError, match="reg"):
        fl.logistic_fisher_claim(A, y, -1.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="f_star"):
        fl.logistic_fisher_claim(A, y, 0.1, float("nan"), 1.0)
    with pytest.raises(ValueError, match="D"):
        fl.logistic_fisher_claim(A, y, 0.1, 0.1, 0.0)
    with pytest.raises(ValueError, match="y"):
        fl.logistic_fisher_claim(A, np.zeros(5), 0.1, 0.1, 1.0)
    with pytest.raises(ValueError, match="A"):
        fl.logistic_fisher_claim(np.zeros(5), y, 0.1, 0.1, 1.0)
    with pytest.raises(ValueError, match="A"):
        fl.logistic_fisher_claim(np.zeros((5, 2)), y, 0.1, 0.1, 1.0)
    with pytest.raises(ValueError, match="B"):
        fl.logistic_fisher_claim(A, y, 0.1, 0.1, 1.0, B=-np.eye(2))
    with pytest.raises(ValueError, match="n_classes"):
        fl.softmax_fisher_claim(A, np.zeros(5, dtype=int), 1, 0.1, 0.1, 1.0)
    with pytest.raises(ValueError, match="labels"):
        fl.softmax_fisher_claim(A, np.full(5, 3), 3, 0.1, 0.1, 1.0)
    with pytest.raises(ValueError, match="reg"):
        fl.D_strong_convexity(1.0, 0.0)
    with pytest.raises(ValueError, match="F0"):
        fl.D_strong_convexity(-1.0, 1.0)
    with pytest.raises(ValueError, match="w must separate"):
        fl.logistic_margin(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1, 1]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="W must separate"):
        fl.softmax_margin(np.array([[1.0, 0.0]]), np.array([1]), 2, np.array([[1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="f0"):
        fl.separable_radius(3, 0.0, 1.0)
    with pytest.raises(ValueError, match="eps"):
        small_claim(0.1).linear_until(0.0)
    with pytest.raises(ValueError, match="step"):
        small_claim(0.1).theorem("ideal")


def test_inequality_names_documented():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "theory.md").read_text(encoding="utf-8")
    for name in fl.INEQUALITIES:
        assert f"`{name}`" in doc, name
