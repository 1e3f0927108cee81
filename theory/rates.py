"""Rate theorems (docs/theory.md section 5; THEORY.md section 6).

A :class:`RateTheorem` is one of four statements, (non-convex stationarity | convex
function gap) x (theory step | adaptive search), for a class bound
``1/pi(t) = sum_i M_i t^(-alpha_i)`` with ``alpha_i in [0, 1]`` and
``1/phi(t) = 1/(t pi(t)) = sum_i M_i t^(-1-alpha_i)``. With ``c = 16`` (theory step)
or ``c = 32`` (adaptive search) and ``n_lag`` the number of lag iterations
(``gamma_k < pi_k/2``) among the first ``K`` (adaptive only, else 0):

* non-convex: ``min_{k<=K} g_k <= eps`` for every ``K > K(eps)``,
  ``K(eps) = c F0 sum_i M_i eps^(-(1+alpha_i)) + log2(G0/eps) + 2 n_lag``;
* convex (``f(x_k) - f* <= D g_k``): ``delta_K <= eps`` for every ``K > K(eps)``,
  ``K(eps) = J + log2(G0 D/eps) + c sum_{j<J} 2^-j F0 / phi(2^-(j+1) F0 / D) + 2 n_lag``
  with ``J = max(0, ceil(log2(F0/eps)))``; the phase sum in closed form is
  ``sum_i M_i (2D)^(1+alpha_i) F0^(-alpha_i) S(alpha_i, J)``,
  ``S(a, J) = sum_{j<J} 2^(j a) = (2^(aJ) - 1)/(2^a - 1)`` (``= J`` for ``a = 0``).

Here ``F0 = f(x_0) - f* = delta_0`` and ``G0 = ||g(x_0)||_*``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from theory import inequalities as _ineqs
from theory.monomials import ClassBound
from theory.symbols import D, F0, G0, eps

SETTINGS = ("nonconvex", "convex")
#: The step rules with a rate theorem (the ideal step has none of its own).
STEPS = ("theory", "adaptive")
#: The decrease constant ``c`` of each step rule (docs/theory.md section 5).
DECREASE_CONSTANT = {"theory": 16, "adaptive": 32}
#: Number of lag iterations among the first ``K`` (adaptive search).
n_lag = sp.Symbol("n_lag", real=True)
J = sp.Max(0, sp.ceiling(sp.log(F0 / eps, 2)))

_PROOF = {
    ("nonconvex", "theory"): ("gamma_is_pi", "acceptance", "theory_step_decrease",
                              "mild_decrease", "log_ratio_bound", "descent"),
    ("nonconvex", "adaptive"): ("acceptance", "good_step_decrease", "grad_growth",
                                "log_ratio_bound", "descent"),
}
_PROOF[("convex", "theory")] = _PROOF[("nonconvex", "theory")] + ("gap_by_gradient",)
_PROOF[("convex", "adaptive")] = _PROOF[("nonconvex", "adaptive")] + ("gap_by_gradient",)


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}.")


def _active(bound: ClassBound):
    """Monomials with a constant that is not identically zero."""
    return [m for m in bound.monomials if sp.sympify(m.M).is_zero is not True]


def geometric_sum(a, Jv):
    """``S(a, J) = sum_{j<J} 2^(j a)`` (sympy); ``J`` when ``a = 0``."""
    a = sp.sympify(a)
    geo = (2 ** (a * Jv) - 1) / (2 ** a - 1)
    if a.is_zero:
        return Jv
    if a.is_zero is False:
        return geo
    return sp.Piecewise((Jv, sp.Eq(a, 0)), (geo, True))


def overall_order(alphas, setting: str) -> dict:
    """Order of ``K(eps)`` as ``eps -> 0`` from the exponents of the active monomials.

    Non-convex: ``eps^-(1 + max alpha)``; convex: ``eps^-(max alpha)`` when
    ``max alpha > 0``, else ``log(1/eps)`` (a linear rate). No monomial at all
    (``pi = inf``) leaves only the logarithmic terms.
    """
    _check_choice("setting", setting, SETTINGS)
    a = np.asarray(alphas, dtype=np.float64).ravel()
    if a.size and (np.any(~np.isfinite(a)) or a.min() < 0 or a.max() > 1):
        raise ValueError("alphas must lie in [0, 1].")
    amax = float(a.max()) if a.size else None
    if amax is None or (setting == "convex" and amax == 0.0):
        return {"kind": "linear", "exponent": 0.0, "text": "log(1/eps)"}
    e = amax + (1.0 if setting == "nonconvex" else 0.0)
    return {"kind": "sublinear", "exponent": e, "text": f"eps^(-{_fmt(e)})"}


def _fmt(x: float) -> str:
    r = sp.nsimplify(x, tolerance=1e-12, rational=True)
    return str(r) if r.q <= 12 else f"{x:g}"


@dataclass(frozen=True)
class RateTheorem:
    """Iteration bound ``K(eps)`` of one of the four rate theorems (module docstring).

    ``constant`` defaults to :data:`DECREASE_CONSTANT` of the step rule and ``lag_weight``
    (adaptive: lag iterations are added ``lag_weight`` times) to 2; they are fields
    only so that tests can show that a wrong constant is caught.
    """

    bound: ClassBound
    setting: str = "nonconvex"
    step: str = "theory"
    constant: float | None = None
    lag_weight: float = 2.0

    def __post_init__(self):
        _check_choice("setting", self.setting, SETTINGS)
        _check_choice("step", self.step, STEPS)
        for m in self.bound.monomials:
            a, M = sp.sympify(m.alpha), sp.sympify(m.M)
            if a.is_number and not (0 <= float(a) <= 1):
                raise ValueError(f"alpha of every monomial must lie in [0, 1], got {a}.")
            if M.is_number and float(M) < 0:
                raise ValueError(f"M of every monomial must be >= 0, got {M}.")
        if self.constant is not None and not self.constant > 0:
            raise ValueError(f"constant must be > 0, got {self.constant!r}.")
        if not self.lag_weight >= 0:
            raise ValueError(f"lag_weight must be >= 0, got {self.lag_weight!r}.")

    # ---------------------------------------------------------------- identity
    @property
    def c(self):
        return self.constant if self.constant is not None else DECREASE_CONSTANT[self.step]

    @property
    def name(self) -> str:
        return f"{self.setting}_{self.step}"

    @property
    def conclusion(self) -> str:
        if self.setting == "nonconvex":
            return "min_{0<=k<=K} ||g(x_k)||_* <= eps for every K > K(eps)"
        return "f(x_K) - f* <= eps for every K > K(eps)"

    @property
    def inequalities(self) -> tuple:
        """The per-step inequalities (:mod:`theory.inequalities`) the proof uses."""
        return tuple(_ineqs.get(n) for n in _PROOF[(self.setting, self.step)])

    # ---------------------------------------------------------------- symbolic
    def K(self) -> sp.Expr:
        """``K(eps)`` in ``eps, F0, G0`` (and ``D``, ``n_lag``) as a sympy expression."""
        c = sp.nsimplify(self.c)
        act = _active(self.bound)
        lag = sp.nsimplify(self.lag_weight) * n_lag if self.step == "adaptive" else 0
        if self.setting == "nonconvex":
            inv_phi = sp.Add(*[m.M * eps ** (-(1 + m.alpha)) for m in act])
            return c * F0 * inv_phi + sp.log(G0 / eps, 2) + lag
        phase = sp.Add(*[m.M * (2 * D) ** (1 + m.alpha) * F0 ** (-m.alpha)
                         * geometric_sum(m.alpha, J) for m in act])
        return J + sp.log(G0 * D / eps, 2) + c * phase + lag

    def K_upper(self) -> sp.Expr:
        """A simpler upper bound on ``K(eps)`` (valid for ``eps < F0``).

        Non-convex: ``K(eps)`` itself. Convex: with ``J <= log2(F0/eps) + 1`` and
        ``S(a, J) <= 2^a (F0/eps)^a / (2^a - 1)`` for ``a > 0``, each monomial
        contributes at most ``c M (2D)^(1+a) 2^a/(2^a-1) eps^-a`` and, for ``a = 0``,
        ``2 c M D (log2(F0/eps) + 1)``.
        """
        if self.setting == "nonconvex":
            return self.K()
        c = sp.nsimplify(self.c)
        Jup = sp.log(F0 / eps, 2) + 1
        terms = []
        for m in _active(self.bound):
            a = sp.sympify(m.alpha)
            if a.is_zero:
                terms.append(2 * c * m.M * D * Jup)
            else:
                terms.append(c * m.M * (2 * D) ** (1 + a) * 2 ** a / (2 ** a - 1) * eps ** (-a))
        lag = sp.nsimplify(self.lag_weight) * n_lag if self.step == "adaptive" else 0
        return Jup + sp.log(G0 * D / eps, 2) + sp.Add(*terms) + lag

    def latex(self) -> str:
        return sp.latex(self.K())

    # ---------------------------------------------------------------- numeric
    def K_numeric(self, eps_values, F0, G0, D=None, n_lag=0):
        """``K(eps)`` elementwise for an array of ``eps`` (numpy broadcasting).

        ``F0 >= 0``, ``G0 >= 0``; convex: ``D > 0``; adaptive: ``n_lag >= 0`` (may be
        an array broadcast against ``eps``).
        """
        e = np.asarray(eps_values, dtype=np.float64)
        if np.any(~(e > 0)) or np.any(~np.isfinite(e)):
            raise ValueError("eps must be finite and > 0.")
        if not (np.isfinite(F0) and F0 >= 0):
            raise ValueError(f"F0 must be finite and >= 0, got {F0!r}.")
        if not (np.isfinite(G0) and G0 >= 0):
            raise ValueError(f"G0 must be finite and >= 0, got {G0!r}.")
        nl = np.asarray(n_lag, dtype=np.float64)
        if np.any(~(nl >= 0)):
            raise ValueError("n_lag must be >= 0.")
        act = _active(self.bound)
        al = np.array([m.alpha_f for m in act], dtype=np.float64)
        Ms = np.array([m.M_f for m in act], dtype=np.float64)
        lag = self.lag_weight * nl if self.step == "adaptive" else 0.0
        with np.errstate(divide="ignore", over="ignore"):    # a bound may be +inf
            if self.setting == "nonconvex":
                inv_phi = sum((M * e ** (-(1.0 + a)) for a, M in zip(al, Ms)), np.zeros_like(e))
                return self.c * F0 * inv_phi + np.log2(G0 / e) + lag
            if D is None or not (np.isfinite(D) and D > 0):
                raise ValueError(f"D must be finite and > 0 for the convex theorem, got {D!r}.")
            Jv = np.maximum(0.0, np.ceil(np.log2(F0 / e))) if F0 > 0 else np.zeros_like(e)
            phase = np.zeros_like(e)
            for a, M in zip(al, Ms):
                S = Jv if a == 0.0 else np.expm1(Jv * a * np.log(2.0)) / np.expm1(a * np.log(2.0))
                coef = M * (2.0 * D) ** (1.0 + a) * (F0 ** (-a) if F0 > 0 else 0.0)
                phase = phase + np.where(Jv > 0, coef * S, 0.0)
            return Jv + np.log2(G0 * D / e) + self.c * phase + lag

    # ---------------------------------------------------------------- order
    def order(self) -> dict:
        """Closed-form order of ``K(eps)``: ``{"kind", "exponent", "text", "terms"}``.

        ``terms`` lists each active monomial's own contribution (its ``alpha``,
        ``source``, and the order it adds), so approximation terms are visible.
        """
        act = _active(self.bound)
        if not all(sp.sympify(m.alpha).is_number for m in act):
            return self._symbolic_order(act)
        out = overall_order([m.alpha_f for m in act], self.setting)
        out["terms"] = [dict(alpha=m.alpha, M=m.M, source=m.source,
                             **{k: v for k, v in overall_order([m.alpha_f], self.setting).items()})
                        for m in act]
        top = max((m.alpha_f for m in act), default=None)
        out["dominant"] = sorted({m.source for m in act if m.alpha_f == top})
        return out

    def _symbolic_order(self, act) -> dict:
        """:meth:`order` for exponents in symbols (e.g. ``alpha = 1/(1 + nu)``): the
        exponent ``max_i alpha_i`` (``+ 1`` non-convex) as a sympy expression. Convex:
        ``eps^-(max alpha)``, the order for ``max alpha > 0``; a linear rate where the
        parameters make every ``alpha = 0`` (the text says so)."""
        alphas = []
        for a in (sp.sympify(m.alpha) for m in act):   # one of each value, however written
            if not any(sp.simplify(a - b) == 0 for b in alphas):
                alphas.append(a)
        # drop an exponent another one provably dominates (nu >= 0: 1 >= 1/(1 + nu)); the
        # values are distinct, so "b - a >= 0" means strictly larger somewhere
        kept = [a for i, a in enumerate(alphas)
                if not any(j != i and sp.simplify(b - a).is_nonnegative for j, b in enumerate(alphas))]
        # every alpha lies in [0, 1] (the theorem's hypothesis), so an exponent 1 is the max
        top = sp.Integer(1) if sp.Integer(1) in alphas else sp.Max(*(kept or alphas[:1]))
        e = sp.simplify(top + (1 if self.setting == "nonconvex" else 0))
        text = f"eps^(-({sp.sstr(e)}))" if not e.is_Atom else f"eps^(-{sp.sstr(e)})"
        if self.setting == "convex" and not top.is_positive:
            text += " (log(1/eps) where every alpha = 0)"
        terms = [dict(alpha=m.alpha, M=m.M, source=m.source, kind="sublinear",
                      exponent=sp.sympify(m.alpha) + (1 if self.setting == "nonconvex" else 0))
                 for m in act]
        tops = kept or alphas[:1]
        return {"kind": "sublinear", "exponent": e, "text": text, "terms": terms,
                "dominant": sorted({m.source for m in act
                                    if any(sp.simplify(sp.sympify(m.alpha) - t) == 0 for t in tops)})}

    def leading_terms(self) -> sp.Expr:
        """``K(eps)`` up to absolute constants, one term per active monomial:
        non-convex ``M F0 eps^-(1+alpha)``; convex ``M D^(1+alpha) eps^-alpha``, or
        ``M D log(F0/eps)`` for ``alpha = 0``. (Symbolic exponents are kept as is.)"""
        terms = []
        for m in _active(self.bound):
            a = sp.sympify(m.alpha)
            if self.setting == "nonconvex":
                terms.append(m.M * F0 * eps ** (-(1 + a)))
            elif a.is_zero:
                terms.append(m.M * D * sp.log(F0 / eps))
            else:
                terms.append(m.M * D ** (1 + a) * eps ** (-a))
        return sp.Add(*terms)

    @property
    def predicted_exponent(self) -> float:
        """``e`` with ``K(eps) = O(eps^-e)`` (0 for a linear rate)."""
        return self.order()["exponent"]


def theorem(bound: ClassBound, convex: bool, step: str = "theory") -> RateTheorem:
    """The rate theorem for ``bound`` in the convex or non-convex setting."""
    return RateTheorem(bound=bound, setting="convex" if convex else "nonconvex", step=step)


# -------------------------------------------------------------------- traces
def lag_mask(gamma, pi) -> np.ndarray:
    """Lag iterations of the adaptive search: accepted ``gamma_k < pi_k / 2``."""
    return np.asarray(gamma, dtype=np.float64) < np.asarray(pi, dtype=np.float64) / 2


def cumulative_lag(gamma, pi) -> np.ndarray:
    """``n_lag(K)`` for ``K = 0..N``: lag iterations among the steps ``k < K``."""
    return np.concatenate([[0], np.cumsum(lag_mask(gamma, pi))]).astype(np.int64)


def check_conclusion(thm: RateTheorem, seq, eps_value: float, F0, G0, D=None, n_lag_cum=None):
    """Test the theorem's conclusion on one sequence ``seq_0..seq_N``.

    ``seq`` is ``g_k`` (non-convex) or ``delta_k`` (convex). Returns
    ``(ok, K_last, bound)``: ``K_last`` is the largest ``K <= N`` with
    ``min_{k<=K} seq_k > eps`` (``-1`` if none) and ``bound = K(eps)`` evaluated with
    ``n_lag(K_last)``; the conclusion requires ``K_last <= bound`` (``n_lag`` is
    non-decreasing in ``K``, so checking ``K_last`` checks every ``K``).
    """
    s = np.asarray(seq, dtype=np.float64)
    above = np.minimum.accumulate(s) > eps_value
    K_last = int(np.count_nonzero(above)) - 1
    if K_last < 0:
        return True, -1, -np.inf
    nl = 0 if n_lag_cum is None else int(np.asarray(n_lag_cum)[K_last])
    b = float(thm.K_numeric(np.array([eps_value]), F0=F0, G0=G0, D=D, n_lag=nl)[0])
    return K_last <= b, K_last, b
