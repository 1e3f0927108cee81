"""Numeric layer: problems with compiled oracles, the compiled solver, traces.

The names below are imported on first use, so that ``import numeric.solver`` (or any
other submodule) loads only what it needs (the NumPy reference pulls in scipy).
"""
from importlib import import_module

_WHERE = {
    "REGISTRY": "numeric.problems", "Problem": "numeric.problems",
    "GNSReference": "numeric.reference", "minimize_reference": "numeric.reference",
    "HessianRule": "numeric.hessians", "hessian_rule": "numeric.hessians",
    "minimize_gns": "numeric.solver", "count_gns": "numeric.solver", "Result": "numeric.trace", "Trace": "numeric.trace",
    "compile_seconds": "numeric._jit",
}

__all__ = list(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'numeric' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
