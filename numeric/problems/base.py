"""A problem is data plus compiled oracles, dispatched on an integer ``kind``.

The data of every problem is packed into one fixed tuple layout so that the
compiled solver has a single signature (and is served from numba's disk cache):

    data = (A, b, c, ip, fp)
        A  : float64[:, :]   a matrix (design matrix, ...), zeros((0, 0)) if unused
        b  : float64[:]      a vector (targets, labels as floats, ...)
        c  : float64[:]      a second vector (whatever the problem documents)
        ip : int64[:]        integer parameters
        fp : float64[:]      float parameters

Each problem module defines ``KIND`` (a unique int), private ``@jit`` kernels and a
public builder that validates its arguments and returns a :class:`Problem`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Problem:
    """A numeric problem instance.

    Attributes
    ----------
    name : short identifier, e.g. ``"quadratic"``.
    kind : dispatch code of the compiled oracles.
    data : the packed data tuple ``(A, b, c, ip, fp)``.
    n : dimension of ``x``.
    x0 : default starting point.
    convex : whether ``f`` is convex (by construction).
    f_star : optimal value when known by construction, else ``None``.
    x_star : a minimizer when known by construction, else ``None``.
    rules : names of the Hessian rules this problem supports.
    params : the builder's arguments (for reports and reproducibility).
    """

    name: str
    kind: int
    data: tuple
    n: int
    x0: np.ndarray
    convex: bool
    f_star: float | None = None
    x_star: np.ndarray | None = None
    rules: tuple[str, ...] = ("exact", "perturbed", "perturbed_psd", "zero")
    params: dict[str, Any] = field(default_factory=dict)

    def value(self, x) -> float:
        from numeric.oracles import value
        return float(value(self.kind, self.data, check_point(self, x)))

    def grad(self, x) -> np.ndarray:
        from numeric.oracles import value_grad
        return value_grad(self.kind, self.data, check_point(self, x))[1]

    def rule(self, rule="exact", **options):
        """A :class:`numeric.rules.HessianRule` for this problem (a name or a rule).

        Raises ``ValueError`` when the rule is unknown, not supported by this problem
        (see ``rules``), or built for another dimension.
        """
        from numeric.rules import HessianRule, make_rule
        r = rule if isinstance(rule, HessianRule) else make_rule(rule, self.n, **options)
        if r.name not in self.rules:
            raise ValueError(f"rule must be one of {self.rules} for problem {self.name!r}, got {r.name!r}.")
        if r.E0.shape[0] not in (0, self.n):
            raise ValueError(f"rule must be built for dimension n={self.n}, got a perturbation of size {r.E0.shape[0]}.")
        return r

    def hess(self, x, rule="exact", **options) -> np.ndarray:
        """Dense ``H(x)`` of a rule (a name or a :class:`numeric.rules.HessianRule`).

        ``options`` go to :func:`numeric.rules.make_rule` (``C1``, ``C2``, ``beta``,
        ``seed`` of the perturbation rules); the gradient norm is Euclidean (``B = I``).
        """
        from numeric.oracles import hess, value_grad
        x = check_point(self, x)
        r = self.rule(rule, **options)
        g = value_grad(self.kind, self.data, x)[1]
        return hess(self.kind, self.data, r.code, r.data, x, g, float(np.linalg.norm(g)))

    def has_lowrank(self, rule="exact") -> bool:
        """Whether ``hess_lowrank`` serves this rule for this problem."""
        from numeric.oracles import has_lowrank
        return bool(has_lowrank(self.kind, self.rule(rule).code))

    def hess_lowrank(self, x, rule="exact", **options):
        """``(d, U, w)`` with ``H(x) = diag(d) + U^T diag(w) U`` (``d >= 0``, ``w >= 0``)."""
        from numeric.oracles import has_lowrank, hess_lowrank, value_grad
        x = check_point(self, x)
        r = self.rule(rule, **options)
        if not has_lowrank(self.kind, r.code):
            raise ValueError(f"rule must have a low-rank form for problem {self.name!r}; {r.name!r} has none.")
        g = value_grad(self.kind, self.data, x)[1]
        return hess_lowrank(self.kind, self.data, r.code, r.data, x, g, float(np.linalg.norm(g)))


def pack(A=None, b=None, c=None, ip=None, fp=None) -> tuple:
    """Pack problem data into the fixed tuple layout (contiguous float64/int64)."""
    A = np.zeros((0, 0)) if A is None else np.ascontiguousarray(A, dtype=np.float64)
    b = np.zeros(0) if b is None else np.ascontiguousarray(b, dtype=np.float64)
    c = np.zeros(0) if c is None else np.ascontiguousarray(c, dtype=np.float64)
    ip = np.zeros(0, dtype=np.int64) if ip is None else np.ascontiguousarray(ip, dtype=np.int64)
    fp = np.zeros(0) if fp is None else np.ascontiguousarray(fp, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"A must be a 2-D array, got shape {A.shape}.")
    return (A, b, c, ip, fp)


def check_point(problem: Problem, x) -> np.ndarray:
    """Validate a point: float64 vector of length ``problem.n`` with finite entries."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 1 or x.shape[0] != problem.n:
        raise ValueError(f"x must be a vector of length {problem.n}, got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must have finite entries only.")
    return x


def check_finite(name: str, arr) -> np.ndarray:
    """Return ``arr`` as float64, raising one clear sentence if it is not finite."""
    a = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must have finite entries only.")
    return a


def check_positive(name: str, value, *, strict: bool = True) -> float:
    """A finite scalar ``> 0`` (or ``>= 0`` with ``strict=False``)."""
    v = float(value)
    ok = np.isfinite(v) and (v > 0 if strict else v >= 0)
    if not ok:
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} 0, got {value!r}.")
    return v


def check_int(name: str, value, lo: int = 1) -> int:
    """An integer ``>= lo``."""
    try:
        v = int(value)
    except (TypeError, ValueError):
        v = None
    if v is None or v != value or v < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}.")
    return v


def check_power(name: str, value, lo: float = 2.0) -> float:
    """A finite exponent ``>= lo`` (``lo = 2`` for the power families)."""
    v = float(value)
    if not (np.isfinite(v) and v >= lo):
        raise ValueError(f"{name} must be a finite number >= {lo:g}, got {value!r}.")
    return v


def check_matrix(name: str, A, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """A finite non-empty 2-D float64 matrix (optionally of a given number of rows/columns)."""
    A = check_finite(name, A)
    if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {A.shape}.")
    if rows is not None and A.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, got shape {A.shape}.")
    if cols is not None and A.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, got shape {A.shape}.")
    return np.ascontiguousarray(A)


def check_vector(name: str, v, length: int) -> np.ndarray:
    """A finite float64 vector of the given length."""
    v = check_finite(name, v)
    if v.shape != (length,):
        raise ValueError(f"{name} must be a vector of length {length}, got shape {v.shape}.")
    return np.ascontiguousarray(v)


def standardize(X: np.ndarray) -> np.ndarray:
    """Columns centred to mean 0 and scaled to standard deviation 1 (constant columns: 0)."""
    X = np.asarray(X, dtype=np.float64)
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0
    return (X - mu) / sd
