"""The flagship consequence: logistic and softmax regression with the Fisher approximation.

Statement (docs/theory.md section 5.F). For ``f(x) = (1/m) sum_j l_j(x) + (reg/2)||x||^2``
with logistic or softmax losses ``l_j`` and ``H`` = empirical Fisher of the losses
+ ``reg B``, the composed class bound is

    1/pi(t) = M0 + C1 / t,   M0 = 2 Q / z* + kappa R^2 D,   C1 = kappa R^2 f*

(`flagship_qsc_logistic` / `flagship_qsc_softmax`: ``Q = R`` resp. ``Q = sqrt(2) R``
with ``R = max_j ||a_j||_*``; the factor 2 on ``Q/z*`` is `region_relaxation`;
``kappa = 1`` logistic, ``2`` softmax). The convex theorem's ``K(eps)`` splits
exactly into (`flagship_split`)

    K(eps) = K_lin(eps) + K_C1(eps),
    K_lin(eps) = J + log2(G0 D/eps) + c * 2 D M0 * J (+ 2 n_lag),
    K_C1(eps)  = c * 4 C1 D^2 (2^J - 1) / F0 <= 8 c C1 D^2 / eps   (`flagship_c1_term`),

``J = max(0, ceil(log2(F0/eps)))``. With ``eps_lin = 2 D C1 / M0 < 2 f*``
(`flagship_linear_until`), every ``eps >= eps_lin`` has
``K(eps) <= J + log2(G0 D/eps) + c * 4 D M0 * J`` (+ ``2 n_lag``): a linear rate with
the per-phase cost doubled. ``f* = 0`` removes ``C1``: the order is ``log(1/eps)``.

Since ``f* > 0`` for every logistic/softmax instance with an attained minimum,
"linearly outright on separable data" is encoded separately
(:func:`separable_logistic_claim`, :func:`separable_softmax_claim`): unregularized,
linearly separable data, ``f* = inf f = 0`` (not attained), a separating direction
``w`` with margin ``mu``; then `flagship_separable_gap` gives ``C1 = 0``,
``C2 = kappa R^2 / mu`` everywhere and `flagship_separable_gradient` gives
``f(x) <= D_sep ||g(x)||_*`` on the initial sublevel set, which is all the convex
theorem uses of ``D`` (`gap_by_gradient`).

Inputs are plain numpy arrays; the metric ``B`` (dense SPD, default ``I``) acts on
``x`` (logistic) and on the rows of the weight matrix ``X`` (softmax, metric
``I_K ⊗ B``); ``||a||_* = <a, B^-1 a>^(1/2)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from theory.approximations import ErrorModel, apply, fisher_logistic, fisher_softmax
from theory.classes import get_class
from theory.monomials import ClassBound, exact_float, float_view
from theory.rates import RateTheorem, geometric_sum, n_lag, theorem
from theory.symbols import D as D_sym, F0 as F0_sym, G0 as G0_sym, eps as eps_sym

#: Named inequalities of docs/theory.md section 5.F (name -> statement).
INEQUALITIES = {
    "flagship_qsc_scalar": "softplus-type loss phi(s) = log(1 + e^-s): |phi'''(s)| = |1 - 2 sigma(s)| phi''(s) <= phi''(s)",
    "flagship_qsc_lse": "LSE(z): |D^3 LSE[u,h,h]| = |E_p[(U - EU)(H - EH)^2]| <= (max u - min u) Var_p(H) <= sqrt(2) ||u||_2 <h, Cov(p) h>",
    "flagship_qsc_sum": "QSC with Q_j for each l_j and a convex quadratic added: QSC with max_j Q_j",
    "flagship_qsc_logistic": "l2-regularized logistic regression is QSC with Q = max_j ||a_j||_* = R",
    "flagship_qsc_softmax": "l2-regularized softmax regression is QSC with Q = sqrt(2) max_j ||a_j||_* = sqrt(2) R",
    "flagship_split": "K(eps) = K_lin(eps) + K_C1(eps), the alpha = 0 and the alpha = 1 monomials of the convex theorem",
    "flagship_c1_term": "K_C1(eps) = 4 c C1 D^2 (2^J - 1)/F0 <= 8 c C1 D^2 / eps",
    "flagship_linear_until": "eps >= eps_lin = 2 D C1 / M0 implies K_C1(eps) <= K_lin phase term, so K(eps) <= J + log2(G0 D/eps) + 4 c D M0 J",
    "strong_convexity_radius": "reg-strongly convex f: (reg/2)||x - x*||^2 <= f(x) - f*, so D = sqrt(2 F0 / reg)",
    "flagship_separable_gap": "separable data, margin mu of unit w: ||hess f - H|| <= kappa R^2 (1/m) sum_j q_j <= (kappa R^2/mu) ||g||_*",
    "flagship_separable_gradient": "f(x) <= f0: l_j <= m f0, so l_j <= (m f0/(1 - e^(-m f0))) q_j and f(x) <= D_sep ||g(x)||_*",
}


# ------------------------------------------------------------------ validation
def _matrix(name, A):
    try:
        A = np.asarray(A, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 2-D array of finite real numbers.") from None
    if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1 or not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be a non-empty 2-D array (m x n) of finite real numbers, got shape {A.shape}.")
    return A


def _scalar(name, v, lo=0.0, lo_open=False):
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number {'>' if lo_open else '>='} {lo}, got {v!r}.") from None
    if not math.isfinite(x) or (x <= lo if lo_open else x < lo):
        raise ValueError(f"{name} must be a finite real number {'>' if lo_open else '>='} {lo}, got {v!r}.")
    return x


def _metric(B, n):
    """``B^-1`` for the dual norm (``None`` means ``B = I``)."""
    if B is None:
        return None
    try:
        B = np.asarray(B, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("B must be a symmetric positive definite n x n matrix.") from None
    if B.shape != (n, n) or not np.all(np.isfinite(B)) or not np.allclose(B, B.T, rtol=1e-12, atol=0):
        raise ValueError(f"B must be a symmetric positive definite {n} x {n} matrix of finite numbers.")
    try:
        L = np.linalg.cholesky(B)
    except np.linalg.LinAlgError:
        raise ValueError(f"B must be a symmetric positive definite {n} x {n} matrix (Cholesky failed).") from None
    Linv = np.linalg.inv(L)
    return Linv.T @ Linv


def dual_norms(A, B=None) -> np.ndarray:
    """``||a_j||_* = <a_j, B^-1 a_j>^(1/2)`` for each row ``a_j`` of ``A``."""
    A = _matrix("A", A)
    Binv = _metric(B, A.shape[1])
    if Binv is None:
        return np.sqrt(np.einsum("ij,ij->i", A, A))
    return np.sqrt(np.einsum("ij,jk,ik->i", A, Binv, A))


def data_radius(A, B=None) -> float:
    """``R = max_j ||a_j||_*`` (the ``R`` of the Fisher error models)."""
    return float(np.max(dual_norms(A, B)))


def _labels_pm(y, m):
    y = np.asarray(y)
    if y.shape != (m,) or not np.all(np.isin(y, (-1, 1))):
        raise ValueError(f"y must be an array of m = {m} labels in {{-1, +1}}.")
    return y.astype(np.float64)


def _labels_cls(labels, m, n_classes):
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}.")
    lab = np.asarray(labels)
    if lab.shape != (m,) or not np.issubdtype(lab.dtype, np.integer) or lab.min() < 0 or lab.max() >= n_classes:
        raise ValueError(f"labels must be an integer array of m = {m} entries in [0, {int(n_classes) - 1}].")
    return lab.astype(np.int64)


# ------------------------------------------------------------------ constants
def qsc_constant_logistic(A, B=None) -> float:
    """`flagship_qsc_logistic`: ``Q = max_j ||a_j||_*``.

    ``l_j(x) = phi(y_j <a_j, x>)``, ``phi(s) = log(1 + e^-s)``, ``phi'' = sigma(1 - sigma)``,
    ``phi''' = (1 - 2 sigma) phi''`` (`flagship_qsc_scalar`), so
    ``|D^3 l_j[u,h,h]| = |phi'''| |<a_j,u>| <a_j,h>^2 <= ||a_j||_* ||u|| <hess l_j h, h>``;
    `flagship_qsc_sum` gives the maximum over ``j`` (the regularizer has ``D^3 = 0`` and
    only enlarges the Hessian). Tight: the ratio tends to ``||a_j||_*`` as ``|s| -> inf``.
    """
    return data_radius(A, B)


def qsc_constant_softmax(A, B=None) -> float:
    """`flagship_qsc_softmax`: ``Q = sqrt(2) max_j ||a_j||_*`` (metric ``I_K ⊗ B`` on ``X``).

    ``l_j(X) = LSE(X a_j) - (X a_j)_{y_j}``. For the logits ``z``, with ``U, H`` the
    random variables taking values ``u_k, h_k`` with probability ``p_k = softmax(z)_k``,
    ``D^2 LSE[h,h] = Var(H)`` and ``D^3 LSE[u,h,h] = E[(U - EU)(H - EH)^2]``, so
    ``|D^3| <= (max_k u_k - min_k u_k) Var(H) <= sqrt(2) ||u||_2 Var(H)`` (`flagship_qsc_lse`).
    With ``u = U a_j``: ``||U a_j||_2 <= ||U|| ||a_j||_*``. Tight: two logits, ``u`` along
    ``e_1 - e_2``, ``p_2 -> 0`` gives the ratio ``sqrt(2) ||a_j||_*``.
    """
    return math.sqrt(2.0) * data_radius(A, B)


def D_strong_convexity(F0, reg) -> float:
    """`strong_convexity_radius`: ``D = sqrt(2 F0 / reg)``.

    ``f`` is ``reg``-strongly convex in the metric ``B`` (the losses are convex and the
    regularizer is ``(reg/2)||x||^2``), so ``(reg/2)||x - x*||^2 <= f(x) - f* <= F0`` on
    the sublevel set ``{f <= f(x0)}``, ``F0 = f(x0) - f*``. Any upper bound on ``F0``
    (e.g. ``f(x0)`` itself, since ``f* >= 0``) gives a valid, larger ``D``.
    """
    F0 = _scalar("F0", F0)
    reg = _scalar("reg", reg, lo_open=True)
    return math.sqrt(2.0 * F0 / reg)


def f_star_upper_logistic() -> float:
    """``f* <= f(0) = log 2`` (logistic): a valid ``f_star`` for ``C1`` when ``f*`` is unknown."""
    return math.log(2.0)


def f_star_upper_softmax(n_classes) -> float:
    """``f* <= f(0) = log K`` (softmax with ``K`` classes)."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"n_classes must be an integer >= 2, got {n_classes!r}.")
    return math.log(float(n_classes))


def separable_radius(m, f0, mu) -> float:
    """`flagship_separable_gradient`: ``D_sep = m f0 / ((1 - exp(-m f0)) mu)``.

    On ``{f <= f0}`` (no regularizer) every loss ``l_j = -log(1 - q_j) <= m f0``; ``l/q``
    increases in ``q``, so ``l_j <= (m f0 / (1 - e^(-m f0))) q_j``, and
    ``mu (1/m) sum_j q_j <= -<g, w> <= ||g||_*`` for a unit separating ``w`` with margin
    ``mu``. Hence ``f(x) <= D_sep ||g(x)||_*`` (``= (2 log 2/mu)`` at ``m f0 = log 2``).
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be an integer >= 1, got {m!r}.")
    f0 = _scalar("f0", f0, lo_open=True)
    mu = _scalar("mu", mu, lo_open=True)
    s = m * f0
    return s / (-math.expm1(-s) * mu)


# ------------------------------------------------------------------ the claim
@dataclass(frozen=True)
class FlagshipClaim:
    """The flagship statement for one data set (module docstring).

    Fields: ``function_class`` (QSC with the derived ``Q``), ``error_model``,
    ``bound`` (composed by :func:`theory.approximations.apply`), ``theorems``
    (step rule -> convex :class:`RateTheorem`), ``R``, ``Q``, ``D``, ``f_star``, ``kappa``,
    ``M0`` (the ``alpha = 0`` constant of the composed bound), ``C1`` (its
    ``alpha = 1`` constant), ``statement`` (text), ``separable``.
    """

    problem: str
    function_class: object
    error_model: ErrorModel
    bound: ClassBound
    theorems: dict
    R: float
    Q: float
    D: float
    f_star: float
    kappa: int
    separable: bool = False
    notes: tuple = field(default_factory=tuple)

    # -- constants of the composed bound
    def _const(self, alpha):
        return sum((m.M for m in self.bound.monomials if float(m.alpha) == alpha), sp.Integer(0))

    @property
    def M0_expr(self) -> sp.Expr:
        return self._const(0.0)

    @property
    def C1_expr(self) -> sp.Expr:
        return self._const(1.0)

    M0 = float_view("M0_expr", "``M0`` (the ``alpha = 0`` constant) as a float.")
    C1 = float_view("C1_expr", "``C1`` (the ``alpha = 1`` constant) as a float.")

    @property
    def eps_lin(self) -> float:
        """`flagship_linear_until`: ``2 D C1 / M0`` (0 when ``C1 = 0``)."""
        return 2.0 * self.D * self.C1 / self.M0 if self.M0 > 0 else (0.0 if self.C1 == 0 else math.inf)

    def linear_until(self, eps) -> bool:
        """``True`` iff ``eps >= eps_lin``: then ``K(eps) <= K_linear_bound(eps)``."""
        e = _scalar("eps", eps, lo_open=True)
        return e >= self.eps_lin

    def order(self, step="theory") -> dict:
        return self.theorem(step).order()

    def theorem(self, step="theory") -> RateTheorem:
        if step not in self.theorems:
            raise ValueError(f"step must be one of {tuple(self.theorems)}, got {step!r}.")
        return self.theorems[step]

    # -- the split of K(eps) (`flagship_split`)
    def K_split(self, step="theory") -> tuple[sp.Expr, sp.Expr]:
        """``(K_lin, K_C1)`` as sympy expressions in ``eps, F0, G0, D`` (``n_lag`` for
        the adaptive step, in ``K_lin``); their sum is the theorem's ``K()``."""
        thm = self.theorem(step)
        c = sp.nsimplify(thm.c)
        Jv = sp.Max(0, sp.ceiling(sp.log(F0_sym / eps_sym, 2)))
        lag = sp.nsimplify(thm.lag_weight) * n_lag if thm.step == "adaptive" else 0
        lin = Jv + sp.log(G0_sym * D_sym / eps_sym, 2) + c * self.M0_expr * 2 * D_sym * geometric_sum(0, Jv) + lag
        c1 = c * self.C1_expr * (2 * D_sym) ** 2 / F0_sym * geometric_sum(1, Jv)
        return lin, c1

    def _J(self, e, F0):
        return np.maximum(0.0, np.ceil(np.log2(F0 / e))) if F0 > 0 else np.zeros_like(e)

    def _args(self, eps_values, F0, G0):
        e = np.asarray(eps_values, dtype=np.float64)
        if np.any(~(e > 0)) or np.any(~np.isfinite(e)):
            raise ValueError("eps must be finite and > 0.")
        return e, _scalar("F0", F0), _scalar("G0", G0)

    def K_linear(self, eps_values, F0, G0, step="theory", n_lag=0):
        """``K_lin(eps)``: the ``alpha = 0`` part (log terms + ``c 2 D M0 J``, + ``2 n_lag``)."""
        e, F0, G0 = self._args(eps_values, F0, G0)
        thm = self.theorem(step)
        Jv = self._J(e, F0)
        lag = thm.lag_weight * np.asarray(n_lag, dtype=np.float64) if thm.step == "adaptive" else 0.0
        with np.errstate(divide="ignore"):
            return Jv + np.log2(G0 * self.D / e) + thm.c * 2.0 * self.D * self.M0 * Jv + lag

    def K_c1(self, eps_values, F0, G0=1.0, step="theory"):
        """``K_C1(eps) = 4 c C1 D^2 (2^J - 1)/F0`` (`flagship_c1_term`)."""
        e, F0, _ = self._args(eps_values, F0, G0)
        if F0 == 0 or self.C1 == 0:
            return np.zeros_like(e)
        Jv = self._J(e, F0)
        return self.theorem(step).c * 4.0 * self.C1 * self.D ** 2 * np.expm1(Jv * math.log(2.0)) / F0

    def K_c1_upper(self, eps_values, step="theory"):
        """``8 c C1 D^2 / eps`` >= ``K_C1(eps)``: the ``O(C1 D^2/eps)`` term, named ``C1 term``."""
        e = np.asarray(eps_values, dtype=np.float64)
        return 8.0 * self.theorem(step).c * self.C1 * self.D ** 2 / e

    def K_linear_bound(self, eps_values, F0, G0, step="theory", n_lag=0):
        """``J + log2(G0 D/eps) + 4 c D M0 J`` (+ ``2 n_lag``): bounds ``K(eps)`` for
        ``eps >= eps_lin`` (`flagship_linear_until`)."""
        e, F0, G0 = self._args(eps_values, F0, G0)
        thm = self.theorem(step)
        Jv = self._J(e, F0)
        lag = thm.lag_weight * np.asarray(n_lag, dtype=np.float64) if thm.step == "adaptive" else 0.0
        with np.errstate(divide="ignore"):
            return Jv + np.log2(G0 * self.D / e) + thm.c * 4.0 * self.D * self.M0 * Jv + lag

    @property
    def statement(self) -> str:
        o = self.order()
        if self.C1 == 0:
            tail = ("C1 = 0: K(eps) = J + log2(G0 D/eps) + c 2 D M0 J, order log(1/eps) (linear rate) "
                    "for every eps > 0.")
        else:
            tail = (f"K(eps) = K_lin(eps) + K_C1(eps) with K_lin = J + log2(G0 D/eps) + c 2 D M0 J "
                    f"(M0 = {self.M0:.6g}) and the C1 term K_C1 <= 8 c C1 D^2/eps (C1 = {self.C1:.6g}); "
                    f"for eps >= eps_lin = 2 D C1/M0 = {self.eps_lin:.6g} (< 2 f*), "
                    "K(eps) <= J + log2(G0 D/eps) + c 4 D M0 J: linear until eps_lin, order eps^-1 below.")
        return (f"{self.problem} with the Fisher approximation: QSC with Q = {self.Q:.6g}, "
                f"R = {self.R:.6g}, D = {self.D:.6g}, f* = {self.f_star:.6g}; overall order {o['text']}. " + tail)

    def as_dict(self) -> dict:
        return dict(problem=self.problem, Q=self.Q, R=self.R, D=self.D, f_star=self.f_star, kappa=self.kappa,
                    M0=self.M0, C1=self.C1, eps_lin=self.eps_lin, separable=self.separable,
                    order=self.order()["text"], statement=self.statement, notes=list(self.notes))


def _build(problem, Q, R, D, f_star, kappa, err, separable=False, notes=()):
    cls = get_class("qsc", Q=Q)
    bound = apply(cls, err)
    thms = {step: theorem(bound, convex=True, step=step) for step in ("theory", "adaptive")}
    return FlagshipClaim(problem, cls, err, bound, thms, R, Q, D, f_star, kappa, separable, tuple(notes))


def _fisher_claim(problem, q_factor, kappa, fisher, A, check_labels, reg, f_star, D, B, notes):
    """The regularized flagship claim shared by logistic (``kappa = 1``) and softmax
    (``kappa = 2``) regression: validate, compute ``R`` and build ``Q = q_factor R``."""
    A = _matrix("A", A)
    check_labels(A.shape[0])
    reg = _scalar("reg", reg)
    f_star = _scalar("f_star", f_star)
    D = _scalar("D", D, lo_open=True)
    R = data_radius(A, B)
    if R == 0:
        raise ValueError("A must have a non-zero row (R = max_j ||a_j||_* must be > 0).")
    err = fisher(exact_float(R), exact_float(f_star), exact_float(D))
    return _build(problem, q_factor * R, R, D, f_star, kappa, err, notes=(f"reg = {reg:g}",) + notes)


def logistic_fisher_claim(A, y, reg, f_star, D, B=None) -> FlagshipClaim:
    """The flagship claim for l2-regularized logistic regression (``y_j in {-1, +1}``).

    ``reg >= 0``; ``f_star >= 0`` is ``f*`` or an upper bound on it (e.g.
    :func:`f_star_upper_logistic`); ``D > 0`` bounds ``||x - x*||`` on the initial
    sublevel set (e.g. :func:`D_strong_convexity`).
    """
    return _fisher_claim("l2-regularized logistic regression", 1.0, 1, fisher_logistic, A,
                         lambda m: _labels_pm(y, m), reg, f_star, D, B, ())


def softmax_fisher_claim(A, labels, n_classes, reg, f_star, D, B=None) -> FlagshipClaim:
    """The flagship claim for l2-regularized softmax regression (``labels in [0, K)``)."""
    return _fisher_claim("l2-regularized softmax regression", math.sqrt(2.0), 2, fisher_softmax, A,
                         lambda m: _labels_cls(labels, m, n_classes), reg, f_star, D, B,
                         (f"n_classes = {int(n_classes)}",))


def _unit(w, B):
    nrm = math.sqrt(float(np.sum(w * (w @ B)))) if B is not None else float(np.linalg.norm(w))
    return w / nrm


def logistic_margin(A, y, w, B=None) -> float:
    """``mu = min_j y_j <a_j, w> / ||w||``; raises unless ``w`` separates the data."""
    A = _matrix("A", A)
    yy = _labels_pm(y, A.shape[0])
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (A.shape[1],) or not np.all(np.isfinite(w)) or not np.any(w):
        raise ValueError(f"w must be a non-zero finite vector of length n = {A.shape[1]}.")
    if B is not None:
        _metric(B, A.shape[1])
        B = np.asarray(B, dtype=np.float64)
    mu = float(np.min(yy * (A @ _unit(w, B))))
    if not mu > 0:
        raise ValueError(f"w must separate the data (min_j y_j <a_j, w> > 0), got margin {mu:.3g}.")
    return mu


def softmax_margin(A, labels, n_classes, W, B=None) -> float:
    """``mu = min_j min_{k != y_j} ((W a_j)_{y_j} - (W a_j)_k) / ||W||``, ``W`` of shape ``(K, n)``."""
    A = _matrix("A", A)
    lab = _labels_cls(labels, A.shape[0], n_classes)
    W = np.asarray(W, dtype=np.float64)
    if W.shape != (int(n_classes), A.shape[1]) or not np.all(np.isfinite(W)) or not np.any(W):
        raise ValueError(f"W must be a non-zero finite array of shape ({int(n_classes)}, {A.shape[1]}).")
    if B is not None:
        _metric(B, A.shape[1])
        nrm = math.sqrt(float(np.trace(W @ np.asarray(B, dtype=np.float64) @ W.T)))
    else:
        nrm = float(np.linalg.norm(W))
    Z = A @ (W / nrm).T
    zy = Z[np.arange(A.shape[0]), lab]
    Z[np.arange(A.shape[0]), lab] = -np.inf
    mu = float(np.min(zy[:, None] - Z))
    if not mu > 0:
        raise ValueError(f"W must separate the data (every true logit exceeds the others), got margin {mu:.3g}.")
    return mu


def _separable(problem, kappa, Q, R, m, mu, f0, notes):
    D = separable_radius(m, f0, mu)
    err = ErrorModel(
        f"{problem}_fisher_separable", 0, exact_float(kappa * R ** 2 / mu), 0,
        how={"C2": "derived"},
        assumptions=("f(x) = (1/m) sum_j l_j(x) without regularizer, H = (1/m) sum_j grad l_j grad l_j^T.",
                     "w (unit in the metric B) separates the data with margin mu > 0.",
                     "R >= max_j ||a_j||_*."))
    return _build(f"{problem} on separable data (no regularizer)", Q, R, D, 0.0, kappa, err,
                  separable=True, notes=notes + (f"margin = {mu:.6g}", f"f(x0) = {f0:.6g}",
                                                 "f* = inf f = 0 is not attained; D is D_sep of "
                                                 "flagship_separable_gradient, used only through gap_by_gradient."))


def _separable_claim(problem, kappa, q_factor, A, margin, f0, B, notes):
    """The separable flagship claim shared by logistic and softmax regression."""
    A = _matrix("A", A)
    mu = margin(A)
    R = data_radius(A, B)
    return _separable(problem, kappa, q_factor * R, R, A.shape[0], mu, f0, notes)


def separable_logistic_claim(A, y, w, f0, B=None) -> FlagshipClaim:
    """Unregularized logistic regression on data separated by ``w``, started where
    ``f(x0) = f0``: ``C1 = 0``, ``C2 = R^2/mu`` (`flagship_separable_gap`),
    ``D = D_sep`` (`flagship_separable_gradient`): a purely linear rate."""
    return _separable_claim("logistic", 1, 1.0, A, lambda A_: logistic_margin(A_, y, w, B), f0, B, ())


def separable_softmax_claim(A, labels, n_classes, W, f0, B=None) -> FlagshipClaim:
    """Unregularized softmax regression on data separated by ``W``: ``C1 = 0``,
    ``C2 = 2 R^2/mu``, ``D = D_sep``."""
    return _separable_claim("softmax", 2, math.sqrt(2.0), A,
                            lambda A_: softmax_margin(A_, labels, n_classes, W, B), f0, B,
                            (f"n_classes = {int(n_classes)}",))


__all__ = ["INEQUALITIES", "FlagshipClaim", "logistic_fisher_claim", "softmax_fisher_claim",
           "separable_logistic_claim", "separable_softmax_claim", "qsc_constant_logistic",
           "qsc_constant_softmax", "D_strong_convexity", "data_radius", "dual_norms", "separable_radius",
           "logistic_margin", "softmax_margin", "f_star_upper_logistic", "f_star_upper_softmax"]
