"""A concrete smooth function ``f(x; params)`` given as a sympy expression.

:class:`SymbolicFunction` validates the expression, substitutes the parameter
values (as exact rationals), and derives

    grad f = (d_i f),  hess f = (d_ij f),  D^3 f = (d_ijk f),  D^4 f = (d_ijkl f)

symbolically. Other layers receive them as plain numpy callables
(:meth:`SymbolicFunction.numpy_functions`) or as the source of a small module of
plain functions ``value(x)``, ``grad(x)``, ``hess(x)``, ``third(x)`` that use
only ``math``/``numpy`` (:meth:`SymbolicFunction.source`), ready for a compiler
the theory layer does not import.

Only smooth building blocks are accepted: ``+ - * /``, powers, and the functions
in ``SMOOTH_FUNCTIONS``. Non-smooth functions (``Abs``, ``sign``, ``Max``, ...)
are rejected by name: the derivative formulas and every constant built on them
assume ``f`` is smooth (at least C^4) on the box.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import cached_property

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import PythonCodePrinter

SMOOTH_FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "atan": sp.atan, "asinh": sp.asinh, "erf": sp.erf,
}
"""Functions an expression may use (smooth on the interior of their domains)."""

NON_SMOOTH = {
    "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign, "Max": sp.Max, "Min": sp.Min,
    "max": sp.Max, "min": sp.Min, "floor": sp.floor, "ceiling": sp.ceiling,
    "Heaviside": sp.Heaviside, "Piecewise": sp.Piecewise, "DiracDelta": sp.DiracDelta,
    "frac": sp.frac,
}
"""Names recognised when parsing only to be rejected with a precise message."""

_CONSTANTS = {"pi": sp.pi, "E": sp.E}


def _exact(value, what: str) -> sp.Expr:
    """A finite real number as an exact sympy number (floats via their shortest repr)."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a finite real number, got {value!r}.")
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        if not (value.is_number and value.is_real and value.is_finite):
            raise ValueError(f"{what} must be a finite real number, got {value}.")
        return sp.Rational(repr(float(value))) if isinstance(value, sp.Float) else value
    try:
        fv = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a finite real number, got {value!r}.") from None
    if not math.isfinite(fv):
        raise ValueError(f"{what} must be a finite real number, got {value!r}.")
    return sp.Rational(repr(fv))


def _split_names(variables) -> list[str]:
    if isinstance(variables, str):
        names = [v for v in variables.replace(",", " ").split() if v]
    else:
        names = [str(v) for v in variables]
    if not names:
        raise ValueError("variables must name at least one variable, e.g. 'x' or 'x0,x1'.")
    for v in names:
        if not v.isidentifier() or v.startswith("_"):
            raise ValueError(f"variables must be identifiers not starting with '_', got {v!r}.")
    return names


def _check_smooth(expr: sp.Expr) -> None:
    """Reject non-smooth or unknown functions and non-real constants, by name."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, tuple(set(NON_SMOOTH.values()))):
            raise ValueError(f"expression uses {type(node).__name__}, which is not smooth; "
                             "only smooth expressions are supported.")
        if isinstance(node, sp.core.function.AppliedUndef):
            raise ValueError(f"expression uses the unknown function {type(node).__name__}; "
                             f"known functions are {', '.join(sorted(SMOOTH_FUNCTIONS))}.")
        if isinstance(node, sp.Function) and type(node).__name__ not in SMOOTH_FUNCTIONS:
            raise ValueError(f"expression uses {type(node).__name__}, which is not supported; "
                             f"known functions are {', '.join(sorted(SMOOTH_FUNCTIONS))}.")
        if node in (sp.zoo, sp.oo, -sp.oo, sp.nan) or node == sp.I:
            raise ValueError(f"expression must be real and finite, but contains {node}.")


#: limits checked before sympy evaluates anything (``check_expression_size``)
MAX_TEXT_LENGTH = 10_000
MAX_NODES = 2_000
MAX_LITERAL_DIGITS = 60
MAX_LOG10_MAGNITUDE = 300.0      # numbers stay well inside double precision
MAX_SYMBOLIC_EXPONENT = 1_000.0  # x**e with |e| above this: derivatives and bounds explode


def check_expression_size(text: str) -> None:
    """Reject, with one sentence and before sympy evaluates it, an expression whose
    numbers or evaluation cost are absurd.

    The text is read with Python's own parser (it evaluates nothing). Refused: more
    than :data:`MAX_TEXT_LENGTH` characters or :data:`MAX_NODES` syntax nodes; a literal
    that is not finite in double precision (``1e400``) or has more than
    :data:`MAX_LITERAL_DIGITS` digits; a constant power whose value would exceed
    ``10^MAX_LOG10_MAGNITUDE`` in magnitude (``9**9**9``, ``10**400``); a power of a
    variable expression with an exponent above :data:`MAX_SYMBOLIC_EXPONENT` in size.
    Syntax errors are left to the sympy parser, which reports them.
    """
    import ast
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"text must have at most {MAX_TEXT_LENGTH} characters, got {len(text)}.")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ValueError(f"text must have at most {MAX_NODES} terms and operators, got {len(nodes)}.")

    def log10_size(node):
        """``log10 |value|`` of a constant subexpression (an upper bound), else ``None``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            v = node.value
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"text contains a number that is not finite in double precision "
                                 f"({ast.get_source_segment(text.strip(), node) or v}).")
            if isinstance(v, int) and len(str(abs(v))) > MAX_LITERAL_DIGITS:
                raise ValueError(f"text contains an integer with more than {MAX_LITERAL_DIGITS} digits.")
            return math.log10(abs(v)) if v != 0 else -math.inf
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return log10_size(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = log10_size(node.left), log10_size(node.right)
            if a is None or b is None:
                return None
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return max(a, b) + math.log10(2.0)
            if isinstance(node.op, ast.Mult):
                return a + b
            if isinstance(node.op, ast.Div):
                return None          # the divisor's size gives no upper bound
            if isinstance(node.op, ast.Pow):
                if b == -math.inf or a == -math.inf:
                    return 0.0 if b == -math.inf else -math.inf
                # |base|^|exp| <= 10^(max(a, 0) * 10^b): an upper bound on the size
                exp_bound = 10.0 ** min(b, 300.0)
                return max(a, 0.0) * exp_bound if a > 0 else 0.0
        return None

    for node in nodes:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exp = log10_size(node.right)
            base = log10_size(node.left)
            if base is not None and exp is not None:
                size = log10_size(node)
                if size is not None and size > MAX_LOG10_MAGNITUDE:
                    raise ValueError("text contains a constant power too large for double precision "
                                     f"({ast.get_source_segment(text.strip(), node)}).")
            elif exp is not None and exp > math.log10(MAX_SYMBOLIC_EXPONENT):
                raise ValueError(f"text raises an expression to a power larger than "
                                 f"{MAX_SYMBOLIC_EXPONENT:g} in size "
                                 f"({ast.get_source_segment(text.strip(), node.right)}).")
        elif isinstance(node, ast.Constant):
            log10_size(node)
        if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Pow):
            size = log10_size(node)
            if size is not None and size > MAX_LOG10_MAGNITUDE:
                raise ValueError("text contains a constant too large for double precision "
                                 f"({ast.get_source_segment(text.strip(), node)}).")


def _unique_indices(n: int, order: int):
    """Sorted multi-indices ``i_1 <= ... <= i_order`` (one per symmetric entry)."""
    return list(itertools.combinations_with_replacement(range(n), order))


def enclosure_form(e: sp.Expr, max_ops: int = 300) -> sp.Expr:
    """``e`` over a common denominator with factored numerator and denominator,
    when that is not longer: fewer repeated occurrences of a variable make
    interval enclosures much tighter (same function, exact rewriting)."""
    if sp.count_ops(e) > max_ops:
        return e
    f = sp.factor(sp.together(e))
    return f if sp.count_ops(f) <= sp.count_ops(e) else e


class SymbolicFunction:
    """``f(x; params)`` with parameters fixed to numbers; ``x`` has ``n`` coordinates.

    Parameters
    ----------
    expr : sympy expression (a string is parsed with :meth:`parse`).
    variables : a sympy Symbol or a sequence of Symbols (the coordinates of ``x``,
        in order; a column/row Matrix of Symbols is flattened).
    params : mapping from a Symbol (or its name) to a finite real number; every
        free symbol of ``expr`` must be a variable or a parameter.
    """

    def __init__(self, expr, variables, params=None):
        if isinstance(expr, str):
            names = [variables.name] if isinstance(variables, sp.Symbol) else variables
            self.__dict__.update(SymbolicFunction.parse(expr, names, params).__dict__)
            return
        if isinstance(variables, (sp.MatrixBase,)):
            variables = list(variables)
        elif isinstance(variables, sp.Symbol):
            variables = [variables]
        try:
            variables = list(variables)
        except TypeError:
            raise ValueError("variables must be a sympy Symbol or a sequence of Symbols.") from None
        if not variables or not all(isinstance(v, sp.Symbol) for v in variables):
            raise ValueError("variables must be a sympy Symbol or a non-empty sequence of Symbols, "
                             f"got {variables!r}.")
        if len(set(variables)) != len(variables):
            raise ValueError("variables must be distinct symbols.")
        try:
            expr = sp.sympify(expr, strict=True)
        except (sp.SympifyError, TypeError):
            raise ValueError(f"expr must be a sympy expression, got {type(expr).__name__}.") from None
        if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixBase):
            raise ValueError("expr must be a scalar sympy expression.")
        params = dict(params or {})
        by_name = {}
        for key, val in params.items():
            sym = key if isinstance(key, sp.Symbol) else sp.Symbol(str(key))
            if sym in variables:
                raise ValueError(f"params must not include the variable {sym}.")
            by_name[sym.name] = (sym, _exact(val, f"parameter {sym.name}"))
        _check_smooth(expr)
        known = {v.name for v in variables} | set(by_name)
        unknown = sorted(s.name for s in expr.free_symbols if s.name not in known)
        if unknown:
            raise ValueError(f"expression contains {', '.join(unknown)}, which is neither a variable "
                             f"({', '.join(v.name for v in variables)}) nor a given parameter.")
        sub = {s: by_name[s.name][1] for s in expr.free_symbols if s.name in by_name}
        # Coordinates become real symbols; floats become exact rationals.
        self._x = [sp.Symbol(v.name, real=True) for v in variables]
        sub.update({s: self._x[[v.name for v in variables].index(s.name)]
                    for s in expr.free_symbols if s.name not in by_name})
        concrete = expr.xreplace(sub)
        concrete = concrete.xreplace({f: sp.Rational(repr(float(f))) for f in concrete.atoms(sp.Float)})
        self.original = expr
        self.variables = tuple(variables)
        self.params = {name: val for name, (_, val) in by_name.items()}
        self.expr = concrete
        self.n = len(variables)

    # -- construction from text -------------------------------------------------
    @classmethod
    def parse(cls, text: str, variables="x", params=None) -> "SymbolicFunction":
        """Parse ``text`` such as ``"log(1+exp(x0)) + x1**2"`` with variables ``"x0,x1"``.

        Only the variables, the parameter names, the numbers, ``pi``, ``E`` and
        the functions in ``SMOOTH_FUNCTIONS`` are known; anything else is
        rejected with a sentence that names it.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text must be a non-empty string.")
        if "__" in text or any(w in text for w in ("lambda", "import", ";")):
            raise ValueError("text must be a plain arithmetic expression.")
        check_expression_size(text)
        names = _split_names(variables)
        params = dict(params or {})
        local = {name: sp.Symbol(name, real=True) for name in names}
        for key in params:
            local[str(key)] = sp.Symbol(str(key), real=True)
        local.update(_CONSTANTS)
        local.update(SMOOTH_FUNCTIONS)
        local.update(NON_SMOOTH)
        glob = {"__builtins__": {}, "Symbol": sp.Symbol, "Integer": sp.Integer, "Float": sp.Float,
                "Rational": sp.Rational, "Function": sp.Function}
        try:
            expr = parse_expr(text, local_dict=local, global_dict=glob,
                              transformations=standard_transformations)
        except Exception as exc:  # noqa: BLE001 - any parse failure is bad input
            raise ValueError(f"text {text!r} could not be parsed as an expression ({exc}).") from None
        if isinstance(expr, sp.Basic):
            for node in sp.preorder_traversal(expr):
                if isinstance(node, sp.core.function.AppliedUndef):
                    raise ValueError(f"text uses the unknown function {type(node).__name__}; "
                                     f"known functions are {', '.join(sorted(SMOOTH_FUNCTIONS))}.")
        for atom in (expr.atoms(sp.Number) if isinstance(expr, sp.Basic) else ()):
            if atom.is_finite and atom.is_real and not math.isfinite(float(atom)):
                raise ValueError(f"text contains the number {sp.sstr(atom)[:40]}, which is not "
                                 "finite in double precision.")
        unknown = sorted(s.name for s in getattr(expr, "free_symbols", ()) if s.name not in local)
        if unknown:
            raise ValueError(f"text uses {', '.join(unknown)}, which is neither a variable "
                             f"({', '.join(names)}) nor a given parameter.")
        return cls(expr, [local[n] for n in names], {local[str(k)]: v for k, v in params.items()})

    # -- derivatives ----------------------------------------------------------
    @property
    def x(self) -> tuple[sp.Symbol, ...]:
        """The (real) coordinate symbols the derivative expressions are written in."""
        return tuple(self._x)

    def derivative(self, index, tidy: bool = False) -> sp.Expr:
        """``d^k f / dx_{i_1} ... dx_{i_k}`` for a multi-index ``(i_1, ..., i_k)``."""
        return self.derivatives(len(index), tidy)[tuple(sorted(index))]

    def derivatives(self, order: int, tidy: bool = False) -> dict:
        """``{(i_1 <= ... <= i_k): d^k f / dx_{i_1} ... dx_{i_k}}`` for ``k = order``.

        ``tidy=True`` gives the same functions in the form of :func:`enclosure_form` (for
        interval enclosures); the plain form is the one the generated code uses.
        """
        if not isinstance(order, int) or order < 0:
            raise ValueError(f"order must be an integer >= 0, got {order!r}.")
        if tidy:
            tidied = self.__dict__.setdefault("_tcache", {})
            if order not in tidied:
                tidied[order] = {k: enclosure_form(e) for k, e in self.derivatives(order).items()}
            return tidied[order]
        cache = self.__dict__.setdefault("_dcache", {0: {(): self.expr}})
        if order not in cache:
            lower = self.derivatives(order - 1)
            cache[order] = {idx: sp.diff(lower[idx[:-1]], self._x[idx[-1]])
                            for idx in _unique_indices(self.n, order)}
        return cache[order]

    def tensor(self, order: int) -> np.ndarray:
        """The symmetric derivative tensor of the given order as an object array
        (order 0: ``f``; 1: gradient; 2: Hessian; 3: ``D^3 f``; 4: ``D^4 f``)."""
        out = np.empty((self.n,) * order, dtype=object)
        for idx, e in self.derivatives(order).items():
            for perm in set(itertools.permutations(idx)):
                out[perm] = e
        return out

    @cached_property
    def gradient(self) -> sp.Matrix:
        return sp.Matrix(self.tensor(1).tolist())

    @cached_property
    def hessian(self) -> sp.Matrix:
        return sp.Matrix(self.tensor(2).tolist())

    # -- code generation ------------------------------------------------------
    def source(self, kind: str = "numba") -> str:
        """Source of a module with ``value(x)``, ``grad(x)``, ``hess(x)``, ``third(x)``.

        ``x`` is a float64 vector of length ``n``. ``kind="numba"`` writes scalar
        ``math`` calls (accepted by numba's nopython mode); ``kind="numpy"``
        writes ``numpy`` calls. Common subexpressions are shared (sympy ``cse``);
        parameters appear as their exact values.
        """
        if kind not in ("numba", "numpy"):
            raise ValueError(f"kind must be 'numba' or 'numpy', got {kind!r}.")
        printer = PythonCodePrinter() if kind == "numba" else NumPyPrinter()
        lines = ['"""Generated from f = ' + str(self.expr).replace('"', "'") + '."""',
                 "import math", "import numpy", ""]
        for name, order in (("value", 0), ("grad", 1), ("hess", 2), ("third", 3)):
            lines += self._function_source(name, order, printer) + [""]
        return "\n".join(lines)

    def _function_source(self, name: str, order: int, printer) -> list[str]:
        coords = sp.symbols(f"_v0:{self.n}", real=True)
        ders = self.derivatives(order)
        keys = list(ders)
        exprs = [ders[k].xreplace(dict(zip(self._x, coords))) for k in keys]
        repl, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("_c"))
        body = [f"def {name}(x):"]
        body += [f"    {c} = x[{i}]" for i, c in enumerate(coords)]
        body += [f"    {s} = {printer.doprint(e)}" for s, e in repl]
        if order == 0:
            body.append(f"    return float({printer.doprint(reduced[0])})")
            return body
        body.append(f"    out = numpy.empty(({', '.join([str(self.n)] * order)},))")
        for idx, e in zip(keys, reduced):
            code = printer.doprint(e)
            perms = sorted(set(itertools.permutations(idx)))
            body.append(f"    out[{', '.join(map(str, perms[0]))}] = {code}")
            body += [f"    out[{', '.join(map(str, p))}] = out[{', '.join(map(str, perms[0]))}]"
                     for p in perms[1:]]
        body.append("    return out")
        return body

    def numpy_functions(self) -> dict:
        """``{"value", "grad", "hess", "third"}``: numpy callables of a vector ``x``
        of length ``n`` (built from :meth:`source` with ``kind="numpy"``)."""
        namespace: dict = {}
        exec(compile(self.source("numpy"), f"<SymbolicFunction {self.expr}>", "exec"), namespace)  # noqa: S102
        n = self.n

        def checked(fn):
            def call(x):
                x = np.asarray(x, dtype=np.float64)
                if x.shape != (n,):
                    raise ValueError(f"x must be a vector of length {n}, got shape {x.shape}.")
                return fn(x)
            call.__name__ = fn.__name__
            call.__doc__ = f"{fn.__name__} of f = {self.expr}"
            return call
        return {k: checked(namespace[k]) for k in ("value", "grad", "hess", "third")}

    def __repr__(self) -> str:
        return f"SymbolicFunction({self.expr}, variables={[v.name for v in self.variables]})"
