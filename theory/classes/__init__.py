"""The catalog of function classes (THEORY.md section 5) and a lookup by name.

``CATALOG`` holds one instance of every class with default parameter values;
``get_class(name, **params)`` builds a class from its identifier, filling
unspecified parameters with those defaults.
"""
from __future__ import annotations

from .base import FunctionClass
from .first_order import FirstOrder
from .gsc import GeneralizedSelfConcordant
from .holder_hessian import (BoundedHessianVariation, HolderHessian, LipschitzHessian,
                             bounded_hessian_variation, lipschitz_hessian)
from .holder_third import HolderThird
from .l0l1 import L0L1Smooth
from .qsc import QSC_ROOT, QuasiSelfConcordant

#: name -> class (its parameters, their ranges and defaults are the class's own)
CLASSES = {cls.name: cls for cls in (HolderHessian, LipschitzHessian, BoundedHessianVariation,
                                     FirstOrder, HolderThird, QuasiSelfConcordant, L0L1Smooth,
                                     GeneralizedSelfConcordant)}
NAMES = tuple(CLASSES)


def get_class(name: str, **params) -> FunctionClass:
    """The class ``name`` (one of ``NAMES``) with ``params`` (the class defaults for the rest)."""
    if name not in CLASSES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}; got {name!r}.")
    return CLASSES[name](**params)


CATALOG: list[FunctionClass] = [get_class(n) for n in NAMES]

#: Names of the inequalities the class constants rest on (docs/theory.md section 3).
DERIVATION_STEPS = tuple(sorted({step.strip() for c in CATALOG for step in c.derivation.split(",")}))

__all__ = ["CATALOG", "CLASSES", "NAMES", "DERIVATION_STEPS", "get_class", "FunctionClass", "HolderHessian",
           "LipschitzHessian", "BoundedHessianVariation", "lipschitz_hessian", "bounded_hessian_variation", "FirstOrder", "HolderThird", "QuasiSelfConcordant",
           "L0L1Smooth", "GeneralizedSelfConcordant", "QSC_ROOT"]
