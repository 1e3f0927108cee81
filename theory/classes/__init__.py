"""The catalog of function classes (THEORY.md section 5) and a lookup by name.

``CATALOG`` holds one instance of every class with default parameter values;
``get_class(name, **params)`` builds a class from its identifier, filling
unspecified parameters with those defaults.
"""
from __future__ import annotations

from .base import FunctionClass
from .first_order import FirstOrder
from .gsc import GeneralizedSelfConcordant
from .holder_hessian import HolderHessian, bounded_hessian_variation, lipschitz_hessian
from .holder_third import HolderThird
from .l0l1 import L0L1Smooth
from .qsc import QSC_ROOT, QuasiSelfConcordant

_FACTORIES = {
    "holder_hessian": (HolderHessian, {"nu": 1, "L_nu": 1}),
    "lipschitz_hessian": (lipschitz_hessian, {"L2": 1}),
    "bounded_hessian_variation": (bounded_hessian_variation, {"L0": 1}),
    "first_order": (FirstOrder, {"L": 1}),
    "holder_third": (HolderThird, {"nu": 1, "L_3nu": 1}),
    "qsc": (QuasiSelfConcordant, {"Q": 1}),
    "l0l1": (L0L1Smooth, {"L0": 1, "L1": 1}),
    "generalized_self_concordant": (GeneralizedSelfConcordant, {"nu": 3, "M_f": 1, "L": 1}),
}

NAMES = tuple(_FACTORIES)


def get_class(name: str, **params) -> FunctionClass:
    """The class ``name`` (one of ``NAMES``) with ``params`` (defaults for the rest)."""
    if name not in _FACTORIES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}; got {name!r}.")
    factory, defaults = _FACTORIES[name]
    unknown = set(params) - set(defaults)
    if unknown:
        raise ValueError(f"unknown parameter(s) {sorted(unknown)} for class {name}; "
                         f"accepted: {sorted(defaults)}.")
    return factory(**{**defaults, **params})


CATALOG: list[FunctionClass] = [get_class(n) for n in NAMES]

#: Names of the inequalities the class constants rest on (docs/theory.md section 3).
DERIVATION_STEPS = tuple(sorted({step.strip() for c in CATALOG for step in c.derivation.split(",")}))

__all__ = ["CATALOG", "NAMES", "DERIVATION_STEPS", "get_class", "FunctionClass", "HolderHessian", "lipschitz_hessian",
           "bounded_hessian_variation", "FirstOrder", "HolderThird", "QuasiSelfConcordant",
           "L0L1Smooth", "GeneralizedSelfConcordant", "QSC_ROOT"]
