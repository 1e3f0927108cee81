"""Compiled oracle dispatch, generated from the problem declarations.

Functions (``kind``: the problem's dispatch code; ``hcode``, ``hdata``: the Hessian
rule's code and data, :class:`numeric.hessians.HessianRule`)::

    value(kind, data, x) -> float
    value_grad(kind, data, x) -> (float, float64[n])
    exact_hess(kind, data, x) -> float64[n, n]
    hess(kind, data, hcode, hdata, x, g, gnorm) -> float64[n, n]
    has_lowrank(kind, hcode) -> bool
    hess_lowrank(kind, data, hcode, hdata, x, g, gnorm) -> (d[n], e[n-1 or 0], U[k, n], w[k])
    is_residual(kind) -> bool
    residual_parts(kind, data, x) -> (u, J, J^T u, p)

``hess`` and ``hess_lowrank`` return fresh arrays the caller may overwrite, except
that ``U`` may be the problem's own data matrix (read only); ``H = diag(d) + U^T
diag(w) U`` with ``d >= 0``, ``w >= 0``, or ``H = tridiag(d, e) + U^T diag(w) U``
where ``e`` (the off-diagonal) is not empty. ``g`` is ``grad f(x)`` and ``gnorm`` its dual
norm, needed by the perturbation rules (``H = hess f + (C1 + C2 gnorm^(1-beta)) E0``
with ``||E0|| = 1``, so ``||H - hess f|| = C1 + C2 gnorm^(1-beta)`` up to rounding). An
unsupported ``(kind, rule)`` pair yields NaN (the Python side rejects it first:
:meth:`numeric.problems.base.Problem.hessian_rule`).

**How it is built.** Every problem type compiles its own oracles from its declaration
(:attr:`numeric.problems.base.ProblemType.kernels`, inlined into their callers: the
generic rules ``zero``, ``perturbed``, ``perturbed_psd`` and the residual rules
``gauss_newton``, ``fisher_term`` are written once, there). :func:`generate` writes the
switch on ``kind`` over :data:`numeric.problems.PROBLEM_TYPES`; it is compiled here under
this file's name (:data:`SOURCE` holds it, and tracebacks show it), so the functions stay
module-level kernels that numba caches on disk. The solver calls them directly (no
compiled function is ever passed as an argument). Adding a problem needs no change here.
"""
from __future__ import annotations

import linecache

import numpy as np

from numeric._jit import inlined, jit
from numeric.problems import PROBLEM_TYPES

#: generated code starts at this line of the (virtual) file, below the real text
_FIRST_LINE = 10_001


#: function -> (arguments, the value for an unknown kind)
_SIGNATURES = {
    "value_grad": ("data, x", "np.nan, np.full(x.shape[0], np.nan)"),
    "exact_hess": ("data, x", "np.full((x.shape[0], x.shape[0]), np.nan)"),
    "residual_parts": ("data, x", "np.zeros(0), np.zeros((0, x.shape[0])), np.zeros(x.shape[0]), np.nan"),
    "has_lowrank": ("hcode", "False"),
    "hess_lowrank": ("data, hcode, hdata, x, g, gnorm",
                     "np.full(x.shape[0], np.nan), np.zeros(0), np.zeros((0, x.shape[0])), np.zeros(0)"),
    "hess": ("data, hcode, hdata, x, g, gnorm", "np.full((x.shape[0], x.shape[0]), np.nan)"),
}


def generate(types=PROBLEM_TYPES) -> tuple[str, dict]:
    """``(source, globals)`` of the switch on ``kind`` over the types' own kernels."""
    ns = {"__name__": __name__, "np": np}
    blocks = []
    for fn, (args, unknown) in _SIGNATURES.items():
        lines = [f"def {fn}(kind, {args}):"]
        for d in types:
            ns[f"_k{d.kind}_{fn}"] = d.kernels[fn]
            lines += [f"    if kind == {d.kind}:", f"        return _k{d.kind}_{fn}({args})"]
        lines.append(f"    return {unknown}")
        blocks.append("\n".join(lines))
    blocks.append('def value(kind, data, x):\n'
                  '    """``f(x)`` (the value of :func:`value_grad`: one code path keeps both '
                  'consistent)."""\n'
                  '    return value_grad(kind, data, x)[0]')
    blocks.append('def is_residual(kind):\n'
                  '    """Whether ``f = (1/p) ||u(x)||^p`` (the Gauss-Newton and Fisher-term rules '
                  'apply)."""\n'
                  '    return ' + (" or ".join(f"kind == {d.kind}" for d in types if d.residual is not None)
                                  or "False"))
    return "\n\n\n".join(blocks) + "\n", ns


FUNCTIONS = ("value_grad", "value", "exact_hess", "is_residual", "residual_parts", "has_lowrank",
             "hess_lowrank", "hess")
SOURCE, _ns = generate()


def _compile():
    """Compile :data:`SOURCE` as part of this file (numba caches functions by their file)."""
    text = "\n" * (_FIRST_LINE - 1) + SOURCE
    real = open(__file__, encoding="utf-8").read().splitlines(True)
    virtual = real + ["\n"] * (_FIRST_LINE - 1 - len(real)) + SOURCE.splitlines(True)
    linecache.cache[__file__] = (len("".join(virtual)), None, virtual, __file__)
    exec(compile(text, __file__, "exec"), _ns)
    for name in FUNCTIONS:
        _ns[name] = jit(_ns[name])      # callers inside the source resolve these names
    return {name: _ns[name] for name in FUNCTIONS}


globals().update(_compile())

# Copies inlined into the caller's numba IR (no call boundary, hence no reference
# counts on the arguments), for the solver's inner loop. Only the solver uses them:
# inlining the dispatch at every call site of the gamma estimator and the baselines
# would cost compile time for no measurable gain there.
value_grad_inlined = inlined(value_grad)     # noqa: F821 - defined by _compile
hess_inlined = inlined(hess)                 # noqa: F821
