"""Numeric problems: data plus compiled oracles (see :mod:`numeric.problems.base`).

``REGISTRY`` maps a problem name to its builder; every builder takes keyword
arguments with defaults, validates them and returns a :class:`Problem`.
Importing this package binds each builder under the name of its module (e.g.
``numeric.problems.power`` is the builder); reach a module's kernels and ``KIND``
with ``from numeric.problems.power import KIND`` or ``importlib.import_module``.
"""
from numeric.problems.base import Problem, pack
from numeric.problems.quadratic import quadratic
from numeric.problems.power import power, power_1d
from numeric.problems.quartic import quartic
from numeric.problems.logistic import logistic, logistic_breast_cancer
from numeric.problems.softmax import softmax, softmax_digits, softmax_wine
from numeric.problems.logsumexp import logsumexp, logsumexp_data
from numeric.problems.chebyshev_rosenbrock import chebyshev_rosenbrock
from numeric.problems.rosenbrock import rosenbrock, rosenbrock_equations
from numeric.problems.nesterov_chain import nesterov_chain
from numeric.problems.cosh_sum import cosh_sum
from numeric.problems.polytope import polytope

REGISTRY = {
    "quadratic": quadratic,
    "power": power,
    "power_1d": power_1d,
    "quartic": quartic,
    "logistic": logistic,
    "logistic_breast_cancer": logistic_breast_cancer,
    "softmax": softmax,
    "softmax_digits": softmax_digits,
    "softmax_wine": softmax_wine,
    "logsumexp": logsumexp,
    "chebyshev_rosenbrock": chebyshev_rosenbrock,
    "rosenbrock": rosenbrock,
    "rosenbrock_equations": rosenbrock_equations,
    "nesterov_chain": nesterov_chain,
    "cosh_sum": cosh_sum,
    "polytope": polytope,
}

__all__ = ["Problem", "pack", "REGISTRY", *REGISTRY, "logsumexp_data"]
