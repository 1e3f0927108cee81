"""Numeric layer: problems with compiled oracles, the compiled solver, traces."""
from numeric.problems import REGISTRY, Problem
from numeric.reference import GNSReference, minimize_reference
from numeric.rules import HessianRule, make_rule
from numeric.solver import minimize_gns
from numeric.trace import Result, Trace

__all__ = ["REGISTRY", "Problem", "GNSReference", "minimize_reference", "HessianRule",
           "make_rule", "minimize_gns", "Result", "Trace"]
