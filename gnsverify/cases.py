"""A *case*: one numeric problem instance joined with the theory claim about it.

The claim is a class bound ``gamma(x) >= pi(||g(x)||_*)`` with
``1/pi(t) = sum_i M_i t^(-alpha_i)``, obtained from a function class and an optional
Hessian error model through the harmonic-mean composition (an error
``||hess f - H|| <= C1 + C2 ||g||_*^(1-beta)`` adds the monomials ``C1 t^-1`` and
``C2 t^-beta``), together with convexity, ``f*`` and ``D`` and *how each number was
obtained*. Provenance decides what a verdict may say:

* constants of ``pi``: ``"closed form"`` / ``"certified"`` (decidable) or
  ``"estimated"`` (claims resting on them are INCONCLUSIVE);
* ``f*``: ``"construction"`` (exact), ``"computed"`` (a long accurate solve; accepted
  only with a certified error bound ``f_star_err``: the true ``f*`` lies in
  ``[f_star - f_star_err, f_star]``), ``"estimated"`` or ``None`` (undecidable);
* ``D``: ``"construction"`` / ``"certified"`` (decidable), ``"estimated"`` or ``None``.

The rate model is pluggable (:class:`RateModel`, a small abstract class): by default
the checker uses the theorems of :mod:`theory.rates`; tests substitute a wrong model
to show the checker notices.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

F_STAR_HOW = ("construction", "computed", "estimated", None)
D_HOW = ("construction", "certified", "estimated", None)


class RateModel(ABC):
    """The iteration bound a theorem claims, as plain numbers.

    ``K(eps, data)`` returns the bound for one target ``eps``; ``data`` is a dict with
    ``F0``, ``G0``, ``D`` (or ``None``) and ``n_lag`` (lag iterations, adaptive runs).
    ``order()`` returns ``{"kind": "sublinear" | "linear", "exponent": e}``.
    """

    name: str = "rate"

    @abstractmethod
    def K(self, eps: float, data: dict) -> float:
        """The claimed bound: the conclusion holds for every ``K > K(eps)``."""

    @abstractmethod
    def order(self) -> dict:
        """``{"kind", "exponent"}`` of ``K(eps)`` as ``eps -> 0``."""


class TheoryRate(RateModel):
    """The rate theorem of :mod:`theory.rates` for a class bound (the default)."""

    def __init__(self, bound, convex: bool, step: str = "theory"):
        from theory import rates
        self.theorem = rates.theorem(bound, convex=convex, step=step)
        self.name = self.theorem.name

    def K(self, eps: float, data: dict) -> float:
        return float(self.theorem.K_numeric(np.array([eps]), F0=data["F0"], G0=data["G0"],
                                            D=data.get("D"), n_lag=data.get("n_lag", 0))[0])

    def order(self) -> dict:
        o = self.theorem.order()
        return {"kind": o["kind"], "exponent": float(o["exponent"]), "text": o.get("text", "")}


@dataclass
class Family:
    """Instances of one class claim, for the falsification search.

    ``strategy`` is a hypothesis strategy drawing plain parameter dicts; ``build``
    turns one such dict into a :class:`Case` (its own problem, claim and ``x0``).
    """

    name: str
    strategy: Any
    build: Callable[[dict], "Case"]


@dataclass
class Case:
    """A problem instance plus the claim about it (see the module docstring).

    ``problem`` is a numeric ``Problem`` or a zero-argument builder (called once, on
    first use). ``claim`` is a theory function class (with ``bound()``) or directly a
    class bound; ``error_model`` a theory error model composed with it (``None`` = the
    class already describes the Hessian rule). ``hessian`` names the Hessian rule and
    ``hessian_params`` its parameters (``C1``, ``C2``, ``beta``, ``seed`` of the
    synthetic perturbation).
    """

    name: str
    problem: Any
    claim: Any
    hessian: str = "exact"
    hessian_params: dict = field(default_factory=dict)
    error_model: Any = None
    convex: bool | None = None          # setting of the claim; a convex f may be claimed
                                        # in the non-convex (stationarity) setting when D is unknown
    f_star: float | None = None
    f_star_how: str | None = None
    f_star_err: float = 0.0
    D: float | None = None
    D_how: str | None = None
    constants_how: dict = field(default_factory=dict)
    x0: Any = None
    B: Any = None
    eps: tuple | None = None
    max_iter: int = 100
    gamma0: float = 1.0
    max_trials: int = 60                # trials per step of the adaptive search
    description: str = ""
    family: Family | None = None
    rate_model: RateModel | None = None
    params: dict = field(default_factory=dict)
    box: Any = None                     # [(lo_i, hi_i)]: where the claim's constants hold
                                        # (None: everywhere); claims are decided only where
                                        # the ball of radius pi(||g(x)||) around x lies in it
    #: ``region_claim(points, radii)``: the class claim with constants certified on the
    #: union of the balls ``B(points[k], radii[k])`` (instance constants, when the class
    #: constant has a closed form in the region; gnsverify.instance_constants)
    region_claim: Callable[[np.ndarray, np.ndarray], Any] | None = None
    _problem_cache: Any = field(default=None, init=False, repr=False, compare=False)
    _bound_cache: Any = field(default=None, init=False, repr=False, compare=False)
    #: the catalog name this case was built from by gnsverify.catalog.get_case (None for
    #: any other case): lets a remote worker rebuild it instead of receiving it pickled
    catalog_name: str | None = field(default=None, init=False, repr=False, compare=False)

    def __setattr__(self, name, value):
        # a catalog case changed after get_case is no longer the catalog's: forget the name
        if not name.startswith("_") and name != "catalog_name" and getattr(self, "catalog_name", None):
            object.__setattr__(self, "catalog_name", None)
        object.__setattr__(self, name, value)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}.")
        if self.f_star_how not in F_STAR_HOW:
            raise ValueError(f"f_star_how must be one of {F_STAR_HOW}, got {self.f_star_how!r}.")
        if self.D_how not in D_HOW:
            raise ValueError(f"D_how must be one of {D_HOW}, got {self.D_how!r}.")
        try:
            self.D = None if self.D is None else float(self.D)
            self.f_star = None if self.f_star is None else float(self.f_star)
            self.f_star_err = float(self.f_star_err)
        except (TypeError, ValueError):
            raise ValueError("D, f_star and f_star_err must be numbers (or None).") from None
        if self.D is not None and not (math.isfinite(self.D) and self.D > 0):
            raise ValueError(f"D must be a finite number > 0, got {self.D!r}.")
        if self.f_star is not None and not math.isfinite(self.f_star):
            raise ValueError(f"f_star must be a finite number, got {self.f_star!r}.")
        if not (math.isfinite(self.f_star_err) and self.f_star_err >= 0):
            raise ValueError(f"f_star_err must be a finite number >= 0, got {self.f_star_err!r}.")
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, (int, np.integer)) \
                or self.max_iter < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}.")
        if not (math.isfinite(self.gamma0) and self.gamma0 > 0):
            raise ValueError(f"gamma0 must be a finite number > 0, got {self.gamma0!r}.")
        if isinstance(self.max_trials, bool) or not isinstance(self.max_trials, (int, np.integer)) \
                or self.max_trials < 1:
            raise ValueError(f"max_trials must be an integer >= 1, got {self.max_trials!r}.")
        if self.eps is not None:
            e = np.asarray(self.eps, dtype=float)
            if e.ndim != 1 or e.size == 0 or not np.all(np.isfinite(e) & (e > 0)):
                raise ValueError(f"eps must be a non-empty list of finite numbers > 0, got {self.eps!r}.")
        if not (hasattr(self.claim, "bound") or hasattr(self.claim, "monomials")):
            raise ValueError(f"claim must be a function class (with bound()) or a class bound, "
                             f"got {type(self.claim).__name__}.")
        if not (callable(self.problem) or hasattr(self.problem, "kind")):
            raise ValueError(f"problem must be a numeric Problem or a zero-argument builder, "
                             f"got {type(self.problem).__name__}.")

    # ------------------------------------------------------------------ problem
    def get_problem(self):
        """The numeric problem (built on first use)."""
        if self._problem_cache is None:
            p = self.problem if hasattr(self.problem, "kind") else self.problem()
            if not hasattr(p, "kind"):
                raise ValueError(f"problem builder of case {self.name!r} did not return a Problem.")
            if self.hessian not in p.hessians:
                raise ValueError(f"hessian must be one of {p.hessians} for case {self.name!r}, "
                                 f"got {self.hessian!r}.")
            self._problem_cache = p
        return self._problem_cache

    def hessian_rule(self):
        """The numeric Hessian rule object."""
        from numeric.hessians import hessian_rule
        return hessian_rule(self.hessian, self.get_problem().n, **self.hessian_params)

    def start(self) -> np.ndarray:
        p = self.get_problem()
        x0 = p.x0 if self.x0 is None else self.x0
        x0 = np.array(x0, dtype=np.float64)
        if x0.shape != (p.n,) or not np.all(np.isfinite(x0)):
            raise ValueError(f"x0 must be a finite vector of length {p.n} for case {self.name!r}.")
        return x0

    @property
    def is_convex(self) -> bool:
        """The setting of the claim: convex (function gap, needs ``D``) or not
        (stationarity). ``None`` = the problem's own convexity."""
        if self.convex is not None:
            return bool(self.convex)
        return bool(self.get_problem().convex)

    @property
    def psd(self) -> bool:
        """Whether ``H(x)`` is PSD for this rule and instance (Lemma 1 applies); uses the
        convexity of the problem itself, not the setting of the claim
        (:data:`numeric.hessians.HESSIANS`)."""
        from numeric.hessians import is_psd
        return is_psd(self.hessian, bool(self.get_problem().convex))

    # ------------------------------------------------------------------ claim
    def bound(self):
        """The claimed class bound (class composed with the error model)."""
        if self._bound_cache is None:
            base = self.claim
            if self.error_model is not None:
                from theory.approximations import apply
                b = apply(base, self.error_model)
            else:
                b = base.bound() if hasattr(base, "bound") else base
            self._bound_cache = b
        return self._bound_cache

    def strengthened(self, s: float) -> "Case":
        """The same case claiming ``gamma >= s pi`` (theory step and rate theorem follow
        the stronger ``pi``): for ``s`` above the detection threshold of its class bound,
        a false claim the checker must catch (:mod:`gnsverify.thresholds`)."""
        import dataclasses
        return dataclasses.replace(self, name=f"{self.name} (pi x {float(s):.6g})",
                                   claim=self.bound().scaled(s), error_model=None,
                                   rate_model=None)

    def rate(self, step: str = "theory") -> RateModel:
        """The rate model of the claim for runs of the step rule ``step``."""
        if self.rate_model is not None:
            return self.rate_model
        return TheoryRate(self.bound(), self.is_convex, step)

    def provenance(self) -> dict:
        """How every number of the claim was obtained (JSON-ready)."""
        how = dict(getattr(self.bound(), "how", {}) or {})
        how.update(self.constants_how)
        return {"constants": how, "f_star": self.f_star_how_resolved(),
                "D": self.D_how if self.D is not None else None}

    def undecided_constants(self) -> list[str]:
        """Names of class-bound constants that are only estimated (or of unknown origin).

        Provenance entries are free text from the theory layer ("closed form",
        "certified", "derived", "by construction", or notes on how a rule was
        applied); an entry counts as undecidable when it says "estimated" or
        "unknown" or is empty."""
        out = []
        for k, v in self.provenance()["constants"].items():
            text = str(v or "").lower()
            if not text or "estimat" in text or "unknown" in text:
                out.append(k)
        return sorted(out)

    # ------------------------------------------------------------------ f*, D
    def f_star_how_resolved(self) -> str | None:
        if self.f_star is not None:
            return self.f_star_how or "estimated"
        return "construction" if self.get_problem().f_star is not None else None

    def f_star_bounds(self) -> tuple[float, float] | None:
        """``(lo, hi)`` with the true ``f*`` in ``[lo, hi]``, or ``None`` if not decidable.

        By construction ``lo = hi``; computed with a certified error ``e``:
        ``[f_star - e, f_star]`` (a computed value is attained, hence ``>= f*``).
        """
        how = self.f_star_how_resolved()
        if how == "construction":
            v = self.f_star if self.f_star is not None else self.get_problem().f_star
            return float(v), float(v)
        if how == "computed" and self.f_star is not None:
            return float(self.f_star) - self.f_star_err, float(self.f_star)
        return None

    def f_star_reason(self) -> str:
        how = self.f_star_how_resolved()
        if how is None:
            return "f* is unknown"
        return f"f* is only {how}" + (" (no certified error bound)" if how == "computed" else "")

    def D_decidable(self) -> bool:
        return self.D is not None and self.D_how in ("construction", "certified")

    # ------------------------------------------------------------------ misc
    def metric_norms(self):
        """``(primal, dual)`` norm functions of the metric ``B``."""
        if self.B is None:
            return (lambda h: float(np.linalg.norm(h))), (lambda s: float(np.linalg.norm(s)))
        B = np.asarray(self.B, dtype=float)
        L = np.linalg.cholesky(B)
        from scipy.linalg import solve_triangular

        def primal(h):
            return float(np.sqrt(max(h @ (B @ h), 0.0)))

        def dual(s):
            y = solve_triangular(L, s, lower=True)
            return float(np.sqrt(y @ y))
        return primal, dual

    def summary(self) -> dict:
        """JSON-ready description of the case (for reports)."""
        b = self.bound()
        return {
            "name": self.name, "hessian": self.hessian, "hessian_params": dict(self.hessian_params),
            "class": getattr(self.claim, "name", getattr(b, "name", "")),
            "monomials": [dict(alpha=float(m.alpha_f), M=float(m.M_f), source=m.source)
                          for m in b.monomials],
            "convex": self.is_convex, "psd": self.psd,
            "f_star": self.f_star, "D": self.D, "provenance": self.provenance(),
            "description": self.description, "params": dict(self.params),
        }
