"""Compiled oracle dispatch, generated from the problem declarations.

Functions (``kind``: the problem's dispatch code; ``hcode``, ``hdata``: the Hessian
rule's code and data, :class:`numeric.hessians.HessianRule`)::

    value(kind, data, x) -> float
    value_grad(kind, data, x) -> (float, float64[n])
    exact_hess(kind, data, x) -> float64[n, n]
    hess(kind, data, hcode, hdata, x, g, gnorm) -> float64[n, n]
    has_lowrank(kind, hcode) -> bool
    hess_lowrank(kind, data, hcode, hdata, x, g, gnorm) -> (d[n], U[k, n], w[k])
    is_residual(kind) -> bool
    residual_parts(kind, data, x) -> (u, J, J^T u, p)

``hess`` and ``hess_lowrank`` return fresh arrays the caller may overwrite, except
that ``U`` may be the problem's own data matrix (read only); ``H = diag(d) + U^T
diag(w) U`` with ``d >= 0``, ``w >= 0``. ``g`` is ``grad f(x)`` and ``gnorm`` its dual
norm, needed by the perturbation rules (``H = hess f + (C1 + C2 gnorm^(1-beta)) E0``
with ``||E0|| = 1``, so ``||H - hess f|| = C1 + C2 gnorm^(1-beta)`` up to rounding). An
unsupported ``(kind, rule)`` pair yields NaN (the Python side rejects it first:
:meth:`numeric.problems.base.Problem.hessian_rule`).

**How it is built.** :func:`generate` writes the source of these functions from
:data:`numeric.problems.PROBLEM_TYPES` (one branch per problem and rule; the generic
rules ``zero``, ``perturbed``, ``perturbed_psd`` and the residual rules
``gauss_newton``, ``fisher_term`` are written once); it is compiled here under this
file's name (:data:`SOURCE` holds it, and tracebacks show it), so the kernels stay
module-level functions that numba caches on disk. The solver calls them directly (no
compiled function is ever passed as an argument). Adding a problem needs no change
here.
"""
from __future__ import annotations

import linecache

import numpy as np

from numeric._jit import inlined, jit
from numeric import hessians as _H
from numeric.problems import PROBLEM_TYPES
from numeric.problems import _powernorm as PN
from numeric.problems._gram import lowrank_dense

#: generated code starts at this line of the (virtual) file, below the real text
_FIRST_LINE = 10_001


def _name(decl, what):
    return f"_k{decl.kind}_{what}"


def generate(types=PROBLEM_TYPES) -> tuple[str, dict]:
    """``(source, globals)`` of the dispatch functions for the declarations ``types``."""
    ns = {"__name__": __name__, "np": np, "PN": PN, "lowrank_dense": lowrank_dense,
          **{f"H_{name.upper()}": spec.code for name, spec in _H.HESSIANS.items()}}
    code = lambda name: f"H_{name.upper()}"    # noqa: E731 - the constant's name in the source
    vg, ex, res, isres, haslr, lr, dense = [], [], [], [], [], [], []
    for d in types:
        k = d.kind
        ns[_name(d, "value_grad")] = d.value_grad
        vg.append(f"    if kind == {k}:\n        return {_name(d, 'value_grad')}(data, x)")
        for rule, h in d.hessians.items():
            if h.dense is not None:
                ns[_name(d, f"{rule}_dense")] = h.dense
            if h.lowrank is not None:
                ns[_name(d, f"{rule}_lowrank")] = h.lowrank

        def dense_call(rule, h):
            if h.dense is not None:
                return f"{_name(d, rule + '_dense')}(data, x)"
            return f"lowrank_dense(*{_name(d, rule + '_lowrank')}(data, x))"
        ex.append(f"    if kind == {k}:\n        return {dense_call('exact', d.hessians['exact'])}")
        own = [(rule, h) for rule, h in d.hessians.items() if rule != "exact"]
        lowrank_rules = [rule for rule, h in d.hessians.items() if h.lowrank is not None]
        branches_lr = [f"        if hcode == {code(rule)}:\n"
                       f"            return {_name(d, rule + '_lowrank')}(data, x)"
                       for rule in lowrank_rules]
        branches_dense = [f"        if hcode == {code(rule)}:\n            return {dense_call(rule, h)}"
                          for rule, h in own]
        if d.residual is not None:
            ns[_name(d, "residual")] = d.residual
            res.append(f"    if kind == {k}:\n        return {_name(d, 'residual')}(data, x)")
            isres.append(f"kind == {k}")
            lowrank_rules += list(_H.RESIDUAL_HESSIANS)
            branches_lr.append(
                f"        if hcode == H_GAUSS_NEWTON or hcode == H_FISHER_TERM:\n"
                f"            u, J, jtu, p = {_name(d, 'residual')}(data, x)\n"
                f"            if hcode == H_FISHER_TERM:\n"
                f"                return PN.fisher_term_lowrank(u, jtu, p)\n"
                f"            return PN.gauss_newton_lowrank(u, J, jtu, p)")
            branches_dense.append(
                "        if hcode == H_GAUSS_NEWTON or hcode == H_FISHER_TERM:\n"
                "            return lowrank_dense(*hess_lowrank(kind, data, hcode, hdata, x, g, gnorm))")
        if lowrank_rules:
            haslr.append(f"    if kind == {k}:\n        return "
                         + " or ".join(f"hcode == {code(r)}" for r in lowrank_rules))
        if branches_lr:
            lr.append(f"    if kind == {k}:\n" + "\n".join(branches_lr))
        if branches_dense:
            dense.append(f"    if kind == {k}:\n" + "\n".join(branches_dense))
    src = f'''
def value_grad(kind, data, x):
    """``(f(x), grad f(x))``."""
{chr(10).join(vg)}
    return np.nan, np.full(x.shape[0], np.nan)


def value(kind, data, x):
    """``f(x)`` (the value of :func:`value_grad`: one code path keeps both consistent)."""
    return value_grad(kind, data, x)[0]


def exact_hess(kind, data, x):
    """``hess f(x)`` (dense)."""
{chr(10).join(ex)}
    return np.full((x.shape[0], x.shape[0]), np.nan)


def is_residual(kind):
    """Whether ``f = (1/p) ||u(x)||^p`` (the Gauss-Newton and Fisher-term rules apply)."""
    return {" or ".join(isres) or "False"}


def residual_parts(kind, data, x):
    """``(u, J, J^T u, p)`` of a residual problem (NaN ``p`` otherwise)."""
{chr(10).join(res)}
    n = x.shape[0]
    return np.zeros(0), np.zeros((0, n)), np.zeros(n), np.nan


def has_lowrank(kind, hcode):
    """Whether :func:`hess_lowrank` serves ``(kind, hcode)``."""
    if hcode == H_ZERO:
        return True
{chr(10).join(haslr)}
    return False


def hess_lowrank(kind, data, hcode, hdata, x, g, gnorm):
    """``(d, U, w)`` with ``H(x) = diag(d) + U^T diag(w) U`` for the pairs of :func:`has_lowrank`."""
    n = x.shape[0]
    if hcode == H_ZERO:
        return np.zeros(n), np.zeros((0, n)), np.zeros(0)
{chr(10).join(lr)}
    return np.full(n, np.nan), np.zeros((0, n)), np.zeros(0)


def hess(kind, data, hcode, hdata, x, g, gnorm):
    """Dense ``H(x)`` of the Hessian rule ``hcode``."""
    n = x.shape[0]
    if hcode == H_ZERO:
        return np.zeros((n, n))
    if hcode == H_PERTURBED or hcode == H_PERTURBED_PSD:
        rp, E0 = hdata
        scale = rp[0] + rp[1] * gnorm ** (1.0 - rp[2])
        return exact_hess(kind, data, x) + scale * E0
    if hcode == H_EXACT:
        return exact_hess(kind, data, x)
{chr(10).join(dense)}
    return np.full((n, n), np.nan)
'''
    return src, ns


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
