"""A problem is data plus compiled oracles, declared once per module and dispatched on
an integer ``kind``.

**Declaration.** Each problem module defines ``PROBLEM``, a :class:`ProblemType`: its
``kind`` (a unique integer), its data :class:`Layout` (named fields), its compiled
``value_grad``, the Hessian rules it implements itself (:class:`Hessian`: a dense
and/or a diagonal-plus-low-rank form; ``"exact"`` is required), and, for
``f = (1/p) ||u(x)||^p``, its ``residual`` (which gives it the Gauss-Newton and
Fisher-term rules); ``BUILDERS`` maps builder names to the public functions that
validate arguments and return a :class:`Problem`. The package discovers the modules
(:mod:`numeric.problems`) and the compiled dispatch (:mod:`numeric.oracles`) is
generated from their declarations: adding a problem is one module and its tests.

**Data.** The compiled solver has one signature for every problem (so that it is
served from numba's disk cache), so the data of every problem travels in one fixed
tuple ``data = (A, b, c, ip, fp)`` (``float64[:, :]``, ``float64[:]``,
``float64[:]``, ``int64[:]``, ``float64[:]``). A :class:`Layout` names the fields of
one problem and assigns them to these slots; kernels read them with the layout's
compiled ``unpack(data)`` (the fields in declaration order), Python code with
:meth:`Problem.fields`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: field kinds of a :class:`Layout`
MATRIX, VECTOR, INT, FLOAT, INTS, FLOATS = "matrix", "vector", "int", "float", "ints", "floats"
_KINDS = (MATRIX, VECTOR, INT, FLOAT, INTS, FLOATS)


class Layout:
    """Named data fields of a problem, packed into the fixed slots ``(A, b, c, ip, fp)``.

    ``Layout(A=MATRIX, y=VECTOR, lam=FLOAT)``: at most one ``MATRIX`` (slot ``A``), at
    most two ``VECTOR`` fields (``b``, then ``c``), ``INT``/``FLOAT`` scalars in order in
    ``ip``/``fp``, or one ``INTS``/``FLOATS`` field taking the whole of ``ip``/``fp``.
    :meth:`pack` builds the data tuple from the fields by name; :attr:`unpack` is the
    compiled (inlined) ``unpack(data) -> (field_1, field_2, ...)`` in declaration
    order; :meth:`fields` gives the same to Python, as a dict.
    """

    def __init__(self, **fields):
        bad = [k for k, v in fields.items() if v not in _KINDS]
        if bad:
            raise ValueError(f"layout fields {bad} must have a kind among {_KINDS}.")
        self.names = tuple(fields)
        self.kinds = dict(fields)
        slots, vec, ints, floats = {}, 0, 0, 0        # name -> (slot, index or None)
        for name, kind in fields.items():
            if kind == MATRIX:
                slots[name] = (0, None)
            elif kind == VECTOR:
                slots[name] = (1 + vec, None)
                vec += 1
            elif kind in (INT, INTS):
                slots[name] = (3, ints if kind == INT else None)
                ints += 1
            else:
                slots[name] = (4, floats if kind == FLOAT else None)
                floats += 1
        kinds = list(fields.values())
        if kinds.count(MATRIX) > 1 or vec > 2 or (INTS in kinds and ints > 1) \
                or (FLOATS in kinds and floats > 1):
            raise ValueError("a layout holds at most one matrix, two vectors, and either int "
                             "(float) scalars or one ints (floats) vector.")
        self.slots = slots
        self._unpack = None

    @property
    def unpack(self):
        """The compiled ``unpack(data)`` (built on first use; inlined into its callers)."""
        if self._unpack is None:
            from numeric._jit import jit
            body = ", ".join(f"data[{slot}]" + ("" if i is None else f"[{i}]")
                             for slot, i in (self.slots[n] for n in self.names))
            ns: dict = {}
            exec(compile(f"def unpack(data):\n    return ({body},)\n",
                         f"<layout {', '.join(self.names)}>", "exec"), ns)
            self._unpack = jit(inline="always", cache=False)(ns["unpack"])
        return self._unpack

    def pack(self, **values) -> tuple:
        """The data tuple from the fields by name (every field required)."""
        missing, unknown = set(self.names) - set(values), set(values) - set(self.names)
        if missing or unknown:
            raise ValueError(f"layout needs exactly the fields {list(self.names)}; "
                             f"missing {sorted(missing)}, unknown {sorted(unknown)}.")
        slots: dict = {0: None, 1: None, 2: None, 3: [], 4: []}
        for name in self.names:
            slot, i = self.slots[name]
            if slot in (3, 4):
                if i is None:
                    slots[slot] = list(np.asarray(values[name]).ravel())
                else:
                    slots[slot].append(values[name])
            else:
                slots[slot] = values[name]
        return pack(A=slots[0], b=slots[1], c=slots[2], ip=slots[3] or None, fp=slots[4] or None)

    def fields(self, data) -> dict:
        """``{name: value}`` of a data tuple (scalars as Python numbers)."""
        out = {}
        for name in self.names:
            slot, i = self.slots[name]
            out[name] = data[slot] if i is None else data[slot][i].item()
        return out


@dataclass(frozen=True)
class Hessian:
    """A Hessian rule implemented by a problem: ``dense(data, x) -> H`` and/or
    ``lowrank(data, x) -> (d, U, w)`` with ``H = diag(d) + U^T diag(w) U`` (``d >= 0``,
    ``w >= 0``; ``U`` may be the problem's data matrix: read only). A rule given only in
    low-rank form is formed densely (:func:`numeric.problems._gram.lowrank_dense`)
    where a dense matrix is needed."""

    dense: Callable | None = None
    lowrank: Callable | None = None

    def __post_init__(self):
        if self.dense is None and self.lowrank is None:
            raise ValueError("a Hessian needs a dense or a low-rank form (or both).")


_TYPES: dict[int, "ProblemType"] = {}       # kind -> declaration (every declared type)


def problem_type(kind: int) -> "ProblemType":
    """The declaration of the problem module with this ``kind``."""
    try:
        return _TYPES[int(kind)]
    except KeyError:
        raise ValueError(f"kind must be one of {sorted(_TYPES)}, got {kind!r}.") from None


@dataclass(frozen=True)
class ProblemType:
    """The declaration of a problem module (see the module docstring).

    ``hessians`` maps the rules of :data:`numeric.hessians.HESSIANS` that the problem
    provides itself (``"exact"`` is required) to their :class:`Hessian`;
    ``residual(data, x) -> (u, J, J^T u, p)`` (``J`` a fresh ``(m, n)`` array) is given
    by problems of the form ``f = (1/p) ||u||^p``; such a problem may also give
    ``residual_error(data, xabs) -> (e, jf)`` (plain NumPy, not compiled): for every
    ``x`` with ``|x| <= xabs`` componentwise, ``e >= ||fl(u(x)) - u(x)||_2`` (the
    rounding of the computed residual, from the magnitudes of the terms it sums) and
    ``jf >= ||J(x)||_F``. The checker turns it into its rounding allowance where ``u``
    is computed by cancellation (``gnsverify.rounding``). A residual problem whose
    ``J`` is square and lower bidiagonal may give ``residual_bidiagonal(data, x) -> (u,
    jd, je, J^T u, p)`` (``jd`` the diagonal, ``je`` the subdiagonal ``J[i+1, i]``): its
    Gauss-Newton and Fisher-term rules are then formed in ``O(n)`` as tridiagonal plus
    rank one (no dense ``J``), and the solver's Woodbury path factors the tridiagonal
    part in ``O(n)`` (:func:`numeric._linalg.solve_lowrank`).
    """

    name: str
    kind: int
    layout: Layout
    value_grad: Callable
    hessians: dict
    residual: Callable | None = None
    residual_error: Callable | None = None
    residual_bidiagonal: Callable | None = None

    def __post_init__(self):
        from numeric.hessians import BY_PROBLEM, HESSIANS
        if self.kind in _TYPES and _TYPES[self.kind].name != self.name:
            raise ValueError(f"problem kind {self.kind} is declared twice ({_TYPES[self.kind].name!r} "
                             f"and {self.name!r}).")
        _TYPES[self.kind] = self
        if "exact" not in self.hessians:
            raise ValueError(f"problem {self.name!r} must declare its exact Hessian.")
        for name, h in self.hessians.items():
            if name not in HESSIANS or HESSIANS[name].provided_by != BY_PROBLEM:
                raise ValueError(f"problem {self.name!r} declares the rule {name!r}, which is "
                                 "not a rule problems provide.")
            if not isinstance(h, Hessian):
                raise ValueError(f"problem {self.name!r}: rule {name!r} must be a Hessian.")

    @property
    def hessian_names(self) -> tuple[str, ...]:
        """Every rule the problem supports, in the order of ``HESSIANS``."""
        from numeric.hessians import BY_RESIDUAL, GENERIC, HESSIANS
        return tuple(n for n, spec in HESSIANS.items()
                     if n in self.hessians or spec.provided_by == GENERIC
                     or (spec.provided_by == BY_RESIDUAL and self.residual is not None))

    @property
    def kernels(self) -> dict:
        """The compiled oracles of this type (``value_grad``, ``exact_hess``,
        ``residual_parts``, ``has_lowrank``, ``hess_lowrank``, ``hess``; signatures as
        in :mod:`numeric.oracles` without ``kind``), generated from the declaration and
        inlined into their callers (built on first use)."""
        cache = self.__dict__.get("_kernels")
        if cache is None:
            cache = _compile_kernels(self)
            object.__setattr__(self, "_kernels", cache)
        return cache


# ---------------------------------------------------------------- compiled kernels of a type

#: line of base.py's (virtual) text at which the generated kernels of kind ``k`` start
def _first_line(kind: int) -> int:
    return 20_000 + 300 * int(kind)


_GENERATED: dict[int, str] = {}        # kind -> generated source (for tracebacks)

KERNEL_NAMES = ("value_grad", "exact_hess", "residual_parts", "has_lowrank", "hess_lowrank", "hess")


def _kernel_source(decl: "ProblemType") -> tuple[str, dict]:
    """``(source, globals)`` of the compiled oracles of one problem type, from its
    declaration: the generic rules (``zero``, ``perturbed``, ``perturbed_psd``) and the
    residual rules (``gauss_newton``, ``fisher_term``) are written here once, for every
    type; the rules the problem provides call its own kernels."""
    from numeric import hessians as H
    from numeric.problems import _powernorm as PN
    from numeric.problems._gram import lowrank_dense, structured_dense
    ns = {"__name__": __name__, "np": np, "PN": PN, "lowrank_dense": lowrank_dense,
          "structured_dense": structured_dense,
          "VALUE_GRAD": decl.value_grad, "RESIDUAL": decl.residual,
          **{f"H_{name.upper()}": spec.code for name, spec in H.HESSIANS.items()}}
    code = lambda name: f"H_{name.upper()}"     # noqa: E731 - the constant's name in the source

    def dense(rule):
        h = decl.hessians[rule]
        if h.dense is not None:
            ns[f"{rule.upper()}_DENSE"] = h.dense
            return f"{rule.upper()}_DENSE(data, x)"
        ns[f"{rule.upper()}_LOWRANK"] = h.lowrank
        return f"lowrank_dense(*{rule.upper()}_LOWRANK(data, x))"
    lowrank = [r for r, h in decl.hessians.items() if h.lowrank is not None]
    for r in lowrank:
        ns[f"{r.upper()}_LOWRANK"] = decl.hessians[r].lowrank
    lr_branches = [f"    if hcode == {code(r)}:\n        d, U, w = {r.upper()}_LOWRANK(data, x)\n"
                   "        return d, np.zeros(0), U, w" for r in lowrank]
    dense_branches = [f"    if hcode == {code(r)}:\n        return {dense(r)}"
                      for r in decl.hessians if r != "exact"]
    has = ["H_ZERO"] + [code(r) for r in lowrank]
    if decl.residual is not None:
        has += [code(r) for r in H.RESIDUAL_HESSIANS]
        if decl.residual_bidiagonal is not None:     # J bidiagonal: J^T J tridiagonal, O(n)
            ns["RESIDUAL_BIDIAGONAL"] = decl.residual_bidiagonal
            parts, gn = ("u, jd, je, jtu, p = RESIDUAL_BIDIAGONAL(data, x)",
                         "return PN.gauss_newton_bidiagonal(u, jd, je, jtu, p)")
        else:
            parts, gn = ("u, J, jtu, p = RESIDUAL(data, x)",
                         "d, U, w = PN.gauss_newton_lowrank(u, J, jtu, p)\n"
                         "            return d, np.zeros(0), U, w")
        lr_branches.append("    if hcode == H_GAUSS_NEWTON or hcode == H_FISHER_TERM:\n"
                           f"        {parts}\n"
                           "        if hcode == H_GAUSS_NEWTON:\n"
                           f"            {gn}\n"
                           "        d, U, w = PN.fisher_term_lowrank(u, jtu, p)\n"
                           "        return d, np.zeros(0), U, w")
        dense_branches.append("    if hcode == H_GAUSS_NEWTON or hcode == H_FISHER_TERM:\n"
                              "        return structured_dense(*hess_lowrank(data, hcode, hdata, x, g, gnorm))")
        residual = "    return RESIDUAL(data, x)"
    else:
        residual = ("    n = x.shape[0]\n"
                    "    return np.zeros(0), np.zeros((0, n)), np.zeros(n), np.nan")
    nl = "\n"
    src = f'''def value_grad(data, x):
    """``(f(x), grad f(x))`` of problem kind {decl.kind} ({decl.name})."""
    return VALUE_GRAD(data, x)


def exact_hess(data, x):
    """``hess f(x)`` (dense)."""
    return {dense("exact")}


def residual_parts(data, x):
    """``(u, J, J^T u, p)`` of ``f = (1/p) ||u||^p`` (NaN ``p`` when not a residual problem)."""
{residual}


def has_lowrank(hcode):
    """Whether :func:`hess_lowrank` serves the rule ``hcode``."""
    return {" or ".join(f"hcode == {c}" for c in has)}


def hess_lowrank(data, hcode, hdata, x, g, gnorm):
    """``(d, e, U, w)`` with ``H(x) = tridiag(d, e) + U^T diag(w) U`` (``e`` empty: diagonal)
    for the rules of :func:`has_lowrank`."""
    n = x.shape[0]
    if hcode == H_ZERO:
        return np.zeros(n), np.zeros(0), np.zeros((0, n)), np.zeros(0)
{nl.join(lr_branches)}
    return np.full(n, np.nan), np.zeros(0), np.zeros((0, n)), np.zeros(0)


def hess(data, hcode, hdata, x, g, gnorm):
    """Dense ``H(x)`` of the rule ``hcode`` (NaN for a rule the problem does not support)."""
    n = x.shape[0]
    if hcode == H_ZERO:
        return np.zeros((n, n))
    if hcode == H_PERTURBED or hcode == H_PERTURBED_PSD:
        rp, E0 = hdata
        scale = rp[0] + rp[1] * gnorm ** (1.0 - rp[2])
        return exact_hess(data, x) + scale * E0
    if hcode == H_EXACT:
        return exact_hess(data, x)
{nl.join(dense_branches)}
    return np.full((n, n), np.nan)
'''
    return src, ns


def _kernel_name(name: str, kind: int) -> str:
    """The generated kernel's own name: unique per kind. numba names a compiled function
    (and the environment a cached one boxes its results with) after its module, its
    qualified name and a per-process counter; kernels of different kinds that shared
    ``value_grad`` as a name, compiled by different processes and loaded from the cache
    into one, could resolve to one another's environment ("'descr' is NULL" when an
    array is returned to Python)."""
    return f"{name}_k{int(kind)}"


def _unique_names(src: str, kind: int) -> str:
    """``src`` with every definition of and call to a kernel of :data:`KERNEL_NAMES`
    renamed by :func:`_kernel_name`."""
    import re
    pattern = re.compile(r"\b(" + "|".join(KERNEL_NAMES) + r")\(")
    return pattern.sub(lambda m: _kernel_name(m.group(1), kind) + "(", src)


def _compile_kernels(decl: "ProblemType") -> dict:
    """Compile :func:`_kernel_source` as part of this file, at lines reserved for the kind
    (numba caches a function by its file and first line), inlined into their callers."""
    import linecache
    from numeric._jit import jit
    src, ns = _kernel_source(decl)
    src = _unique_names(src, decl.kind)
    first = _first_line(decl.kind)
    _GENERATED[decl.kind] = src
    virtual = open(__file__, encoding="utf-8").read().splitlines(True)
    for kind in sorted(_GENERATED):
        start = _first_line(kind) - 1
        virtual += ["\n"] * (start - len(virtual)) + _GENERATED[kind].splitlines(True)
    linecache.cache[__file__] = (len("".join(virtual)), None, virtual, __file__)
    exec(compile("\n" * (first - 1) + src, __file__, "exec"), ns)
    for name in KERNEL_NAMES:
        u = _kernel_name(name, decl.kind)
        ns[u] = jit(inline="always")(ns[u])           # callers in the source use the dispatchers
    return {name: ns[_kernel_name(name, decl.kind)] for name in KERNEL_NAMES}


@dataclass(frozen=True)
class Problem:
    """A numeric problem instance.

    Attributes
    ----------
    name : short identifier, e.g. ``"quadratic"``.
    kind : dispatch code of the compiled oracles (its module's ``PROBLEM.kind``).
    data : the packed data tuple ``(A, b, c, ip, fp)`` (by name: :meth:`fields`).
    n : dimension of ``x``.
    x0 : default starting point.
    convex : whether ``f`` is convex (by construction).
    f_star : optimal value when known by construction, else ``None``.
    x_star : a minimizer when known by construction, else ``None``.
    hessians : names of the Hessian rules this problem supports (default: all its
        type declares).
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
    hessians: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if not self.hessians:
            object.__setattr__(self, "hessians", self.type.hessian_names)

    @property
    def type(self) -> ProblemType:
        """The declaration of this problem's module."""
        return problem_type(self.kind)

    def fields(self) -> dict:
        """The data by field name (see :class:`Layout`)."""
        return self.type.layout.fields(self.data)

    def value(self, x) -> float:
        return float(self.type.kernels["value_grad"](self.data, check_point(self, x))[0])

    def grad(self, x) -> np.ndarray:
        return self.type.kernels["value_grad"](self.data, check_point(self, x))[1]

    def residual_error(self, xabs) -> tuple[float, float] | None:
        """``(e, jf)`` of :class:`ProblemType` for the points ``|x| <= xabs`` (``None``
        when the problem declares no residual rounding bound)."""
        fn = self.type.residual_error
        return None if fn is None else fn(self.data, np.abs(np.asarray(xabs, dtype=np.float64)))

    def hessian_rule(self, hessian="exact", **options):
        """A :class:`numeric.hessians.HessianRule` for this problem (a name or a rule).

        Raises ``ValueError`` when the rule is unknown, not supported by this problem
        (see ``hessians``), or built for another dimension.
        """
        from numeric.hessians import HessianRule, hessian_rule
        r = hessian if isinstance(hessian, HessianRule) else hessian_rule(hessian, self.n, **options)
        if r.name not in self.hessians:
            raise ValueError(f"hessian must be one of {self.hessians} for problem {self.name!r}, "
                             f"got {r.name!r}.")
        if r.E0.size and r.E0.shape != (self.n, self.n):
            raise ValueError(f"hessian must be built for dimension {self.n} (its E0 has shape "
                             f"{r.E0.shape}).")
        return r

    def hess(self, x, hessian="exact", **options) -> np.ndarray:
        """Dense ``H(x)`` of a rule (a name or a :class:`numeric.hessians.HessianRule`).

        ``options`` go to :func:`numeric.hessians.hessian_rule` (``C1``, ``C2``, ``beta``,
        ``seed`` of the perturbation rules); the gradient norm is Euclidean (``B = I``).
        """
        k = self.type.kernels
        x = check_point(self, x)
        r = self.hessian_rule(hessian, **options)
        g = k["value_grad"](self.data, x)[1]
        return k["hess"](self.data, r.code, r.data, x, g, float(np.linalg.norm(g)))

    def has_lowrank(self, hessian="exact") -> bool:
        """Whether ``hess_lowrank`` serves this rule for this problem."""
        return bool(self.type.kernels["has_lowrank"](self.hessian_rule(hessian).code))

    def hess_lowrank(self, x, hessian="exact", **options):
        """``(d, e, U, w)`` with ``H(x) = tridiag(d, e) + U^T diag(w) U`` (``w >= 0``; ``e``
        the off-diagonal, empty where ``H`` is diagonal plus low rank, ``d >= 0`` then)."""
        k = self.type.kernels
        x = check_point(self, x)
        r = self.hessian_rule(hessian, **options)
        if not k["has_lowrank"](r.code):
            raise ValueError(f"hessian must have a low-rank form for problem {self.name!r}; "
                             f"{r.name!r} has none.")
        g = k["value_grad"](self.data, x)[1]
        return k["hess_lowrank"](self.data, r.code, r.data, x, g, float(np.linalg.norm(g)))


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
