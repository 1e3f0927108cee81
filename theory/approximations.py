"""Hessian approximations as error models (THEORY.md section 5; docs/theory.md section 4).

An :class:`ErrorModel` states, for every ``x`` of the region considered,

    ||hess f(x) - H(x)|| <= C1 + C2 ||g(x)||_*^(1 - beta)          (`error_model`)

(operator norm from primal to dual). With ``gamma_12 = ||g||_*/||E||`` this gives
``1/gamma_12 <= C1 t^-1 + C2 t^-beta`` at ``t = ||g||_*``: the monomials
``(1, C1)`` and ``(beta, C2)`` (:meth:`ErrorModel.monomials`). :func:`apply`
composes any class bound with any error model by one generic rule:

* `harmonic_mean` (class bound proven on the ball, or ``H(x) >= hess f(x)`` so that
  ``O(x, g)`` of ``H`` lies inside that of ``hess f``): ``1/pi_H = 1/pi + 1/gamma_12``;
* `region_relaxation` (class bound proven only on ``O`` of ``hess f`` via
  `o_curvature`): on ``O`` of ``H`` and within ``||h|| <= gamma_12`` one has
  ``<hess f(x) h, h> <= 2 t ||h||``, so the class derivation applies with ``2t``:
  ``1/pi_H(t) = 2/pi(2t) + 1/gamma_12``, i.e. each smoothness monomial
  ``M t^-alpha`` becomes ``2^(1-alpha) M t^-alpha``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .monomials import ClassBound, Monomial, _check_range, _is_numeric, combine, tidy


def _nonneg(name, value):
    ex = _check_range(name, value, 0.0, None)
    return ex


@dataclass(frozen=True)
class ErrorModel:
    """``||hess f(x) - H(x)|| <= C1 + C2 ||g(x)||_*^(1-beta)`` (`error_model`).

    ``C1, C2 >= 0`` and ``beta in [0, 1]`` (sympy expressions or numbers);
    ``how``: constant name -> provenance; ``assumptions``: the hypotheses under
    which the inequality was derived (one sentence each); ``dominates_hessian``:
    ``H(x) >= hess f(x)`` (PSD order) holds, which makes the plain `harmonic_mean`
    rule valid for class bounds proven on the region ``O``.
    """

    name: str
    C1: sp.Expr
    C2: sp.Expr
    beta: sp.Expr
    how: dict = field(default_factory=dict)
    assumptions: tuple = ()
    dominates_hessian: bool = False

    def __post_init__(self):
        object.__setattr__(self, "C1", _nonneg("C1", self.C1))
        object.__setattr__(self, "C2", _nonneg("C2", self.C2))
        object.__setattr__(self, "beta", _check_range("beta", self.beta, 0.0, 1.0))
        object.__setattr__(self, "assumptions", tuple(self.assumptions))

    def monomials(self) -> tuple[Monomial, Monomial]:
        """``C1 t^-1`` and ``C2 t^-beta``: the terms ``1/gamma_12`` adds to ``1/pi``."""
        return (Monomial(1, self.C1, "approximation:C1"),
                Monomial(self.beta, self.C2, "approximation:C2"))

    def norm_bound(self, tval):
        """``C1 + C2 t^(1-beta)`` numerically (the claimed bound on ``||E(x)||``)."""
        import numpy as np
        tv = np.asarray(tval, dtype=np.float64)
        return float(self.C1) + float(self.C2) * tv ** (1.0 - float(self.beta))

    def norm_bound_expr(self, tsym=None) -> sp.Expr:
        from .monomials import t as t_default
        ts = t_default if tsym is None else tsym
        return self.C1 + self.C2 * ts ** (1 - self.beta)

    def as_bound(self) -> ClassBound:
        """The error monomials as a :class:`ClassBound` (``1/gamma_12``)."""
        return ClassBound(self.monomials(), self.name, dict(self.how), "ball")


def apply(cls_or_bound, err: ErrorModel) -> ClassBound:
    """The class bound for the method using ``H`` instead of ``hess f``.

    ``cls_or_bound``: a :class:`ClassBound` or a function class (anything with
    ``bound()``) whose bound is for the *exact* Hessian. Rule (module docstring):
    `harmonic_mean` if the bound holds on the ball or ``err.dominates_hessian``,
    else `region_relaxation` then `harmonic_mean`. No per-pair cases.
    """
    if not isinstance(err, ErrorModel):
        raise ValueError(f"err must be an ErrorModel, got {type(err).__name__}.")
    bound = cls_or_bound if isinstance(cls_or_bound, ClassBound) else cls_or_bound.bound()
    if getattr(cls_or_bound, "hessian", "exact") != "exact":
        raise ValueError("cls_or_bound must be a class with the exact Hessian rule "
                         "(an error model measures the distance to hess f).")
    if any("approximation" in m.source for m in bound.monomials) and bound.region == "O":
        raise ValueError("cls_or_bound already contains approximation terms and is proven on O only; "
                         "compose the exact-Hessian bound with the summed error model instead.")
    if bound.region == "O" and not err.dominates_hessian:
        relaxed = tuple(Monomial(m.alpha, tidy(2 ** (1 - m.alpha) * m.M), m.source)
                        for m in bound.monomials)
        how = dict(bound.how, region_relaxation="factor 2^(1-alpha) on smoothness terms")
        bound = ClassBound(relaxed, bound.name, how, bound.region)
    return combine(bound, err.as_bound(), name=f"{bound.name} with {err.name}")


# ---------------------------------------------------------------- constructors


def synthetic(C1=0, C2=0, beta=0) -> ErrorModel:
    """``H = hess f + E(x)`` with ``||E(x)|| = C1 + C2 ||g||^(1-beta)`` by construction
    (`perturbation_norm`: ``E(x) = (C1 + C2 ||g||_*^(1-beta)) E0`` with ``||E0|| = 1``)."""
    return ErrorModel("synthetic", C1, C2, beta, how={"C1": "by construction", "C2": "by construction"},
                      assumptions=("||E(x)|| <= C1 + C2 ||g(x)||_*^(1-beta) holds by construction of E.",))


def zero(L) -> ErrorModel:
    """``H = 0`` for ``f`` with ``||hess f(x)|| <= L``: ``C1 = L``, ``C2 = 0``."""
    return ErrorModel("zero", _nonneg("L", L), 0, 0, how={"C1": "closed form"},
                      assumptions=("||hess f(x)|| <= L on the region considered (L-smooth f).",))


def _fisher(name, kappa, R, f_star, D):
    R, f_star, D = _nonneg("R", R), _nonneg("f_star", f_star), _nonneg("D", D)
    return ErrorModel(
        name, kappa * R ** 2 * f_star, kappa * R ** 2 * D, 0,
        how={"C1": "derived", "C2": "derived"},
        assumptions=(
            "f(x) = (1/m) sum_j l_j(x) + (lam/2)||x||^2 with lam >= 0 and H(x) = (1/m) sum_j grad l_j grad l_j^T + lam B.",
            "R >= max_j ||a_j||_* (dual norm of the data vectors).",
            "f_star = min f and D >= ||x - x*|| at every point x considered (e.g. the initial sublevel set).",
        ))


def fisher_logistic(R, f_star, D) -> ErrorModel:
    """Empirical Fisher for l2-regularized logistic regression.

    ``l_j(x) = log(1 + exp(-y_j <a_j, x>))``, ``H = (1/m) sum grad l_j grad l_j^T + lam B``.
    `fisher_logistic_gap`: ``hess f - H = (1/m) sum p_j(1 - 2 p_j) a_j a_j^T`` with
    ``p_j = 1/(1+exp(y_j <a_j,x>))``, and ``|p(1-2p)| <= p <= -log(1-p) = l_j``;
    `fisher_loss_bound` + `gap_by_gradient` (``(1/m) sum l_j <= f(x) <= f* + D ||g||_*``)
    give ``C1 = R^2 f*``, ``C2 = R^2 D``, ``beta = 0``.
    """
    return _fisher("fisher_logistic", 1, R, f_star, D)


def fisher_softmax(R, f_star, D) -> ErrorModel:
    """Empirical Fisher for l2-regularized softmax (multinomial logistic) regression.

    ``l_j(X) = log sum_k exp(<x_k, a_j>) - <x_{y_j}, a_j>``. `fisher_softmax_gap`:
    ``hess l_j - grad l_j grad l_j^T = (Cov(p_j) - (p_j - e_y)(p_j - e_y)^T) ⊗ a_j a_j^T``,
    both matrices PSD with norms ``<= 2 q_j`` (``q_j = 1 - p_{j,y_j} <= l_j``), so the
    difference has norm ``<= 2 q_j``. Then `fisher_loss_bound` + `gap_by_gradient`:
    ``C1 = 2 R^2 f*``, ``C2 = 2 R^2 D``, ``beta = 0``.
    """
    return _fisher("fisher_softmax", 2, R, f_star, D)


def _check_p(p):
    return _check_range("p", p, 2.0, None)


def gauss_newton(p, L_u, mu=None, U=None) -> ErrorModel:
    """Gauss–Newton for ``f = (1/p) ||u(x)||^p``, ``p >= 2`` (`gauss_newton_gap`).

    ``hess f - H_GN = ||u||^(p-2) sum_i u_i hess u_i``, so
    ``||E|| <= L_u ||u||^(p-1)`` with ``L_u = sup_{||w||=1} ||sum_i w_i hess u_i||``.
    With ``mu > 0``, ``||J(x)^T w||_* >= mu ||w||`` (`jacobian_lower`):
    ``||g|| = ||u||^(p-2) ||J^T u|| >= mu ||u||^(p-1)``, hence ``C2 = L_u/mu``,
    ``beta = 0``, ``C1 = 0``. Otherwise, with ``U >= ||u(x)||`` on the region:
    ``C1 = L_u U^(p-1)``. Linear ``u`` (``L_u = 0``): exact, ``C1 = C2 = 0``.
    """
    _check_p(p)
    L_u = _nonneg("L_u", L_u)
    base = ("f(x) = (1/p)||u(x)||^p with p >= 2; H = ||u||^(p-2) J^T J + (p-2)||u||^(p-4) (J^T u)(J^T u)^T.",
            "L_u >= sup over the region and over unit w of ||sum_i w_i hess u_i(x)||.")
    if _is_numeric(L_u) and float(L_u) == 0.0:
        return ErrorModel("gauss_newton", 0, 0, 0, how={"C1": "closed form", "C2": "closed form"},
                          assumptions=base + ("u is affine: the Gauss-Newton matrix is the Hessian.",),
                          dominates_hessian=True)
    if mu is not None:
        mu = _check_range("mu", mu, 0.0, None)
        if _is_numeric(mu) and float(mu) == 0.0:
            raise ValueError("mu must be > 0 (a lower bound on the smallest singular value of J^T), got 0.")
        return ErrorModel("gauss_newton", 0, L_u / mu, 0, how={"C2": "derived"},
                          assumptions=base + ("||J(x)^T w||_* >= mu ||w|| for all w on the region (J has full row rank).",))
    if U is None:
        raise ValueError("mu or U must be given when L_u > 0 (mu > 0: Jacobian lower bound; U >= 0: bound on ||u||).")
    U = _nonneg("U", U)
    return ErrorModel("gauss_newton", L_u * U ** (p - 1), 0, 0, how={"C1": "derived"},
                      assumptions=base + ("||u(x)|| <= U on the region (e.g. U = (p f(x_0))^(1/p) on the sublevel set).",))


def fisher_term(p, S, mu, L_u=0, U=0) -> ErrorModel:
    """The Fisher (rank-one) term alone for ``f = (1/p)||u||^p``: ``H = (p-2)||u||^(p-4)(J^T u)(J^T u)^T``.

    `fisher_term_gap`: ``hess f - H = ||u||^(p-2) (J^T J + sum_i u_i hess u_i)``, so
    ``||E|| <= ||u||^(p-2) (S^2 + U L_u)`` with ``S >= ||J||`` and ``U >= ||u||``; by
    `jacobian_lower` ``||u||^(p-1) <= ||g||/mu``, so
    ``||u||^(p-2) <= (||g||/mu)^((p-2)/(p-1))``: ``C1 = 0``,
    ``C2 = (S^2 + U L_u) mu^(-(p-2)/(p-1))``, ``beta = 1/(p-1)``.
    """
    p = _check_p(p)
    S, L_u, U = _nonneg("S", S), _nonneg("L_u", L_u), _nonneg("U", U)
    mu = _check_range("mu", mu, 0.0, None)
    if _is_numeric(mu) and float(mu) == 0.0:
        raise ValueError("mu must be > 0 (a lower bound on the smallest singular value of J^T), got 0.")
    return ErrorModel(
        "fisher_term", 0, (S ** 2 + U * L_u) * mu ** (-(p - 2) / (p - 1)), 1 / (p - 1),
        how={"C2": "derived"},
        assumptions=("f(x) = (1/p)||u(x)||^p with p >= 2; H = (p-2)||u||^(p-4) (J^T u)(J^T u)^T.",
                     "||J(x)|| <= S, ||u(x)|| <= U and ||sum_i w_i hess u_i(x)|| <= L_u ||w|| on the region.",
                     "||J(x)^T w||_* >= mu ||w|| for all w on the region."))


def weighted_gauss_newton_lse(mu, G) -> ErrorModel:
    """Weighted Gauss–Newton for ``f = mu log sum_j exp((<a_j,x> - b_j)/mu)``.

    `lse_gap`: ``H - hess f = g g^T / mu`` exactly, so ``||E|| = ||g||_*^2/mu`` (an
    exponent ``1 - beta = 2`` outside the model). `lse_gradient_bound`:
    ``g = sum_j s_j a_j`` is a convex combination, so ``||g||_* <= G`` whenever
    ``G >= max_j ||a_j||_*``; hence ``||E|| <= (G/mu) ||g||_*``: ``C1 = 0``,
    ``C2 = G/mu``, ``beta = 0``. ``H >= hess f`` (dominates).
    """
    mu = _check_range("mu", mu, 0.0, None)
    if _is_numeric(mu) and float(mu) == 0.0:
        raise ValueError("mu must be > 0 (the LogSumExp smoothing parameter), got 0.")
    G = _nonneg("G", G)
    return ErrorModel("weighted_gauss_newton_lse", 0, G / mu, 0, how={"C2": "derived"},
                      assumptions=("f(x) = mu log sum_j exp((<a_j,x> - b_j)/mu), H = (1/mu) A^T diag(softmax) A.",
                                   "G >= max_j ||a_j||_* (then ||g(x)||_* <= G everywhere)."),
                      dominates_hessian=True)


#: The named inequalities of docs/theory.md section 4 (name -> statement).
INEQUALITIES = {
    "error_model": "||hess f(x) - H(x)|| <= C1 + C2 ||g(x)||_*^(1-beta)",
    "harmonic_mean": "gamma_H(x) >= (1/pi(t) + 1/gamma_12)^(-1), gamma_12 = t/||E||, when the class bound covers the steps of O(H)",
    "region_relaxation": "on O of H with ||h|| <= gamma_12: <hess f h, h> <= 2 ||g||_* ||h||; 1/pi_H(t) = 2/pi(2t) + 1/gamma_12",
    "fisher_logistic_gap": "hess f - H = (1/m) sum p_j (1 - 2 p_j) a_j a_j^T, |p(1-2p)| <= p <= l_j",
    "fisher_softmax_gap": "||Cov(p_j) - c_j c_j^T|| <= 2 q_j <= 2 l_j",
    "fisher_loss_bound": "||hess f - H|| <= kappa R^2 (1/m) sum_j l_j <= kappa R^2 f(x)",
    "gauss_newton_gap": "||hess f - H_GN|| <= L_u ||u||^(p-1)",
    "jacobian_lower": "||g||_* >= mu ||u||^(p-1) when ||J^T w||_* >= mu ||w||",
    "fisher_term_gap": "||hess f - H_F|| <= ||u||^(p-2) (S^2 + U L_u)",
    "lse_gap": "H - hess f = g g^T / mu",
    "lse_gradient_bound": "||g||_* <= max_j ||a_j||_*",
    "perturbation_norm": "E(x) = (C1 + C2 ||g(x)||_*^(1-beta)) E0 with ||E0|| = 1, so the error model holds with equality",
}
