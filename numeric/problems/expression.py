"""A problem given by straight-line programs ("tapes"): user functions, compiled once.

A tape is plain data (produced e.g. from a sympy expression by the symbolic layer):
``n_vars`` variables in registers ``0..n-1``, initial register values ``init``
(constants pre-loaded), instructions ``(op, out, a, b)`` meaning
``reg[out] = op(reg[a], reg[b])`` and output registers. Two tapes define a problem:
one whose outputs are ``[f, df/dx_0, ..., df/dx_{n-1}]`` and one whose outputs are
the Hessian entries in row-major order. Both are interpreted by one compiled kernel,
so a new user function needs no new compilation and the solver stays served from
numba's disk cache.

Data (:data:`LAYOUT`): ``init1``/``init2`` the initial registers of the two tapes,
``program = [n, m1, m2, ops1 (4*m1), ops2 (4*m2), out1 (1+n), out2 (n*n)]``.
"""
from __future__ import annotations

import math

import numpy as np

from numeric._jit import jit
from numeric.problems.base import (INTS, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_finite)

LAYOUT = Layout(init1=VECTOR, init2=VECTOR, program=INTS)
_unpack = LAYOUT.unpack

OPCODES = {
    "add": 0, "mul": 1, "div": 2, "pow": 3, "powi": 4, "neg": 5, "copy": 6, "exp": 7,
    "log": 8, "sqrt": 9, "sin": 10, "cos": 11, "tan": 12, "sinh": 13, "cosh": 14,
    "tanh": 15, "atan": 16, "log1p": 17,
}


@jit
def _run(ip, init, start, m, x):
    """Execute ``m`` instructions starting at ``ip[start]``; return the registers."""
    reg = init.copy()
    n = x.shape[0]
    for i in range(n):
        reg[i] = x[i]
    for k in range(m):
        j = start + 4 * k
        op, out, a, b = ip[j], ip[j + 1], ip[j + 2], ip[j + 3]
        u = reg[a]
        if op == 0:
            r = u + reg[b]
        elif op == 1:
            r = u * reg[b]
        elif op == 2:
            r = u / reg[b]
        elif op == 3:
            r = u ** reg[b]
        elif op == 4:
            r = u ** int(reg[b])
        elif op == 5:
            r = -u
        elif op == 6:
            r = u
        elif op == 7:
            r = math.exp(u)
        elif op == 8:
            r = math.log(u) if u > 0 else (-np.inf if u == 0 else np.nan)
        elif op == 9:
            r = math.sqrt(u) if u >= 0 else np.nan
        elif op == 10:
            r = math.sin(u)
        elif op == 11:
            r = math.cos(u)
        elif op == 12:
            r = math.tan(u)
        elif op == 13:
            r = math.sinh(u)
        elif op == 14:
            r = math.cosh(u)
        elif op == 15:
            r = math.tanh(u)
        elif op == 16:
            r = math.atan(u)
        else:
            r = math.log1p(u) if u > -1 else (-np.inf if u == -1 else np.nan)
        reg[out] = r
    return reg


@jit
def _value_grad(data, x):
    init1, _, ip = _unpack(data)
    n, m1, m2 = ip[0], ip[1], ip[2]
    reg = _run(ip, init1, 3, m1, x)
    o = 3 + 4 * (m1 + m2)
    g = np.empty(n)
    for i in range(n):
        g[i] = reg[ip[o + 1 + i]]
    return reg[ip[o]], g


@jit
def _hess(data, x):
    _, init2, ip = _unpack(data)
    n, m1, m2 = ip[0], ip[1], ip[2]
    reg = _run(ip, init2, 3 + 4 * m1, m2, x)
    o = 3 + 4 * (m1 + m2) + 1 + n
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            H[i, j] = reg[ip[o + i * n + j]]
    return 0.5 * (H + H.T)


def _ops(tape: dict) -> list[int]:
    out = []
    for op, o, a, b in tape["instructions"]:
        if op not in OPCODES:
            raise ValueError(f"tape instruction {op!r} is not one of {sorted(OPCODES)}.")
        out += [OPCODES[op], o, a, max(b, 0)]
    return out


def expression_problem(value_grad_tape: dict, hess_tape: dict, x0, *, name: str = "expression",
                       convex: bool = False, f_star=None, x_star=None, params=None) -> Problem:
    """Build a :class:`Problem` from two tapes (dicts with ``n_vars``, ``init``,
    ``instructions``, ``outputs``; see the module docstring).

    ``value_grad_tape`` outputs ``[f, grad...]`` (``1 + n`` registers);
    ``hess_tape`` outputs the ``n*n`` Hessian entries row-major.
    """
    n = int(value_grad_tape["n_vars"])
    if int(hess_tape["n_vars"]) != n:
        raise ValueError("hess_tape must have the same n_vars as value_grad_tape.")
    if len(value_grad_tape["outputs"]) != 1 + n:
        raise ValueError(f"value_grad_tape must have {1 + n} outputs (f and the gradient).")
    if len(hess_tape["outputs"]) != n * n:
        raise ValueError(f"hess_tape must have {n * n} outputs (the Hessian, row-major).")
    x0 = check_finite("x0", x0).ravel()
    if x0.shape != (n,):
        raise ValueError(f"x0 must be a vector of length {n}, got shape {x0.shape}.")
    ops1, ops2 = _ops(value_grad_tape), _ops(hess_tape)
    ip = np.array([n, len(ops1) // 4, len(ops2) // 4, *ops1, *ops2,
                   *value_grad_tape["outputs"], *hess_tape["outputs"]], dtype=np.int64)
    for t, label in ((value_grad_tape, "value_grad_tape"), (hess_tape, "hess_tape")):
        regs = len(t["init"])
        if any(not (0 <= r < regs) for ins in t["instructions"] for r in ins[1:3]) or \
           any(not (0 <= r < regs) for r in t["outputs"]):
            raise ValueError(f"{label} refers to a register outside 0..{regs - 1}.")
    data = LAYOUT.pack(init1=np.asarray(value_grad_tape["init"], dtype=np.float64),
                       init2=np.asarray(hess_tape["init"], dtype=np.float64), program=ip)
    return Problem(name=name, kind=PROBLEM.kind, data=data, n=n, x0=x0, convex=bool(convex),
                   f_star=None if f_star is None else float(f_star),
                   x_star=None if x_star is None else np.asarray(x_star, dtype=np.float64),
                   params=dict(params or {}))


PROBLEM = ProblemType("expression", 100, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)})
BUILDERS = {}     # built from tapes (expression_problem), not from keyword arguments
