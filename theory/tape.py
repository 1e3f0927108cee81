"""Straight-line programs ("tapes") for sympy expressions: plain data for other layers.

A :class:`Tape` evaluates a list of expressions in the variables ``x_0..x_{n-1}``
with a register machine: registers ``0..n-1`` hold ``x``; constant registers are
pre-loaded from ``init``; every instruction ``(op, out, a, b)`` writes
``reg[out] = op(reg[a], reg[b])`` (``b = -1`` for unary ops). Common
subexpressions are shared (``sympy.cse``), so value, gradient and Hessian of one
function cost one pass. The instruction names below are the whole interface: the
numeric layer maps them to its own compiled codes.

======  =====================  ======  ==================
name    meaning                name    meaning
======  =====================  ======  ==================
add     a + b                  exp     exp(a)
mul     a * b                  log     log(a)
div     a / b                  sqrt    sqrt(a)
pow     a ** b (real)          sin     sin(a)
powi    a ** b (b integral)    cos     cos(a)
neg     -a                     tan     tan(a)
copy    a                      sinh    sinh(a)
                               cosh    cosh(a)
                               tanh    tanh(a)
                               atan    atan(a)
                               log1p   log(1 + a)
======  =====================  ======  ==================
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

import sympy as sp

UNARY = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
    sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "atan",
}
OPS = ("add", "mul", "div", "pow", "powi", "neg", "copy", "exp", "log", "sqrt", "sin",
       "cos", "tan", "sinh", "cosh", "tanh", "atan", "log1p")


@dataclass
class Tape:
    """A straight-line program; see the module docstring."""

    n_vars: int
    init: list[float]                          # initial register values (x slots: 0.0)
    instructions: list[tuple[str, int, int, int]] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)   # register of each requested expression

    @property
    def n_regs(self) -> int:
        return len(self.init)

    def to_dict(self) -> dict:
        return asdict(self)

    def evaluate(self, x) -> list[float]:
        """Reference evaluation in plain Python (floats); used by tests."""
        import math
        fn = {
            "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
            "pow": lambda a, b: a ** b, "powi": lambda a, b: a ** int(b), "neg": lambda a, b: -a,
            "copy": lambda a, b: a, "exp": lambda a, b: math.exp(a), "log": lambda a, b: math.log(a),
            "sqrt": lambda a, b: math.sqrt(a), "sin": lambda a, b: math.sin(a),
            "cos": lambda a, b: math.cos(a), "tan": lambda a, b: math.tan(a),
            "sinh": lambda a, b: math.sinh(a), "cosh": lambda a, b: math.cosh(a),
            "tanh": lambda a, b: math.tanh(a), "atan": lambda a, b: math.atan(a),
            "log1p": lambda a, b: math.log1p(a),
        }
        reg = [float(v) for v in self.init]
        reg[: self.n_vars] = [float(v) for v in x]
        for op, out, a, b in self.instructions:
            reg[out] = fn[op](reg[a], reg[b] if b >= 0 else 0.0)
        return [reg[i] for i in self.outputs]


class _Builder:
    def __init__(self, variables):
        self.tape = Tape(n_vars=len(variables), init=[0.0] * len(variables))
        self.memo = {v: i for i, v in enumerate(variables)}

    def const(self, value) -> int:
        key = ("const", float(value))
        if key not in self.memo:
            self.tape.init.append(float(value))
            self.memo[key] = len(self.tape.init) - 1
        return self.memo[key]

    def emit(self, op, a, b=-1) -> int:
        self.tape.init.append(0.0)
        out = len(self.tape.init) - 1
        self.tape.instructions.append((op, out, a, b))
        return out

    def node(self, e) -> int:
        if e in self.memo:
            return self.memo[e]
        r = self._lower(e)
        self.memo[e] = r
        return r

    def _fold(self, op, args) -> int:
        regs = [self.node(a) for a in args]
        acc = regs[0]
        for r in regs[1:]:
            acc = self.emit(op, acc, r)
        return acc

    def _lower(self, e) -> int:
        if e.is_Number or e in (sp.pi, sp.E):
            v = complex(e.evalf())
            if v.imag != 0 or v.real != v.real:
                raise ValueError(f"expression has a non-real constant {e}.")
            return self.const(v.real)
        if e.is_Add:
            return self._fold("add", e.args)
        if e.is_Mul:
            return self._fold("mul", e.args)
        if e.is_Pow:
            base, ex = e.args
            if ex == sp.Rational(1, 2):
                return self.emit("sqrt", self.node(base))
            if ex == -1:
                return self.emit("div", self.const(1.0), self.node(base))
            if ex.is_Integer:
                return self.emit("powi", self.node(base), self.const(int(ex)))
            return self.emit("pow", self.node(base), self.node(ex))
        if e.func in UNARY:
            (arg,) = e.args
            if e.func is sp.log and arg.is_Add and sp.S.One in arg.args:
                return self.emit("log1p", self.node(arg - 1))
            return self.emit(UNARY[e.func], self.node(arg))
        raise ValueError(f"expression contains {e.func.__name__}, which the tape does not support.")


def compile_tape(expressions, variables) -> Tape:
    """Compile ``expressions`` (sympy, in ``variables`` only) into one shared :class:`Tape`.

    Raises ``ValueError`` naming the first unsupported function or a free symbol
    that is not a variable.
    """
    variables = list(variables)
    exprs = [sp.sympify(e) for e in expressions]
    allowed = set(variables)
    for e in exprs:
        extra = e.free_symbols - allowed
        if extra:
            raise ValueError(f"expression has symbols {sorted(map(str, extra))} that are not variables.")
    replacements, reduced = sp.cse(exprs, optimizations="basic")
    b = _Builder(variables)
    for sym, sub in replacements:
        b.memo[sym] = b.node(sub)
    b.tape.outputs = [b.node(e) for e in reduced]
    return b.tape


def derivative_tape(f, variables) -> Tape:
    """Tape whose outputs are ``[f, df/dx_i (i < n), d2f/dx_i dx_j (row-major n x n)]``."""
    variables = list(variables)
    grad = [sp.diff(f, v) for v in variables]
    hess = [sp.diff(gi, v) for gi in grad for v in variables]
    return compile_tape([f, *grad, *hess], variables)
