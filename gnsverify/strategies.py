"""Hypothesis strategies for function-class instances, starting points and error models.

Every strategy draws *plain data* (dicts of numbers, arrays) that a builder turns
into a problem, so the shrunk counterexample hypothesis reports is readable and
reproducible. Use them in your own test suites, e.g.::

    from hypothesis import given
    from gnsverify import strategies as gs

    @given(gs.holder_power_params())
    def test_my_claim(params): ...

Shrinking goes towards the simplest instance: small dimensions, seed 0, exponents
at the lower end of their range, starting points near the minimizer.

Whole objects (:mod:`gnsverify.hypothesis_plugin`): ``catalog_cases()`` draws
:class:`gnsverify.Case` objects from the catalog's instance families and
``synthetic_error_models()`` error models. Both are registered with hypothesis through
this package's ``hypothesis`` entry point, so
``st.from_type(Case)`` works in any test suite of an environment where gnsverify is
installed. A test to copy (docs/usage.md has it too)::

    from hypothesis import given, settings, strategies as st
    from gnsverify import FAIL, Case, verify

    @settings(max_examples=5, deadline=None)
    @given(st.from_type(Case))
    def test_no_catalog_instance_refutes_its_claim(case):
        assert verify(case, budget="quick").verdict != FAIL
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


def _unit_floats(lo: float, hi: float):
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


def _grid(lo: float, hi: float, steps: int):
    """Numbers ``lo + (hi - lo) k / steps``: exponents and constants enter exact symbolic
    formulas, so they are drawn from a fine rational grid rather than as raw floats."""
    if hi == lo:
        return st.just(float(lo))
    # rounded so that the decimal form is short (0.35, not 0.35000000000000003): the
    # symbolic layer turns a float into the rational of its decimal form
    return st.integers(0, steps).map(lambda k: round(lo + (hi - lo) * k / steps, 10))


def holder_power_params(nu=(0.05, 1.0), x0=(0.1, 4.0)):
    """``|x|^(2+nu)/(2+nu)`` in 1-D: ``{"nu", "x0"}`` with ``nu`` in the range and a
    starting point ``x0`` of either sign with ``|x0|`` in the range."""
    return st.fixed_dictionaries({
        "nu": _grid(*nu, 19),
        "x0": st.tuples(_unit_floats(*x0), st.booleans()).map(lambda t: t[0] if t[1] else -t[0]),
    })


def holder_tilted_params(nu=(0.05, 1.0), a=(0.1, 4.0)):
    """``|x|^(2+nu)/((1+nu)(2+nu)) + a x`` from ``x0 = 0`` (the extremal instance of the
    Hölder class): ``{"nu", "a"}``, ``a`` of either sign with ``|a|`` in the range."""
    return st.fixed_dictionaries({
        "nu": _grid(*nu, 19),
        "a": st.tuples(_unit_floats(*a), st.booleans()).map(lambda t: t[0] if t[1] else -t[0]),
    })


def power_params(n=(1, 4), p=(2.0, 3.0)):
    """``(1/p)||Ax - b||^p`` with seeded Gaussian ``A``: ``{"n", "p", "seed"}``."""
    return st.fixed_dictionaries({"n": st.integers(*n), "p": _grid(*p, 20),
                                  "seed": st.integers(0, 2**16)})


def quadratic_params(n=(1, 5), cond=(1.0, 20.0)):
    """SPD quadratic: ``{"n", "cond", "seed"}``."""
    return st.fixed_dictionaries({"n": st.integers(*n), "cond": _unit_floats(*cond),
                                  "seed": st.integers(0, 2**16)})


def quartic_params(n=(1, 4), lam=(0.05, 1.0)):
    """Quartic family ``(1/4) sum (<a_i,x> - b_i)^4 + (lam/2)||x||^2 - <q,x>``:
    ``{"n", "lam", "seed"}``."""
    return st.fixed_dictionaries({"n": st.integers(*n), "lam": _unit_floats(*lam),
                                  "seed": st.integers(0, 2**16)})


def logistic_data(m=(10, 60), n=(1, 5), lam=(1e-3, 1e-1)):
    """Synthetic logistic regression: ``{"m", "n", "lam", "seed"}``."""
    return st.fixed_dictionaries({"m": st.integers(*m), "n": st.integers(*n),
                                  "lam": _unit_floats(*lam), "seed": st.integers(0, 2**16)})


def softmax_data(m=(10, 40), d=(1, 4), K=(2, 4), lam=(1e-3, 1e-1)):
    """Synthetic softmax regression: ``{"m", "d", "K", "lam", "seed"}``."""
    return st.fixed_dictionaries({"m": st.integers(*m), "d": st.integers(*d),
                                  "K": st.integers(*K), "lam": _unit_floats(*lam),
                                  "seed": st.integers(0, 2**16)})


def separable_data(m=(8, 40), n=(2, 5), margin=(0.1, 0.5)):
    """Separable logistic regression (no regularizer): ``{"m", "n", "margin", "seed"}``."""
    return st.fixed_dictionaries({"m": st.integers(*m), "n": st.integers(*n),
                                  "margin": _unit_floats(*margin),
                                  "seed": st.integers(0, 2**16)})


def plane_points(lo=-2.5, hi=2.5):
    """Starting points in the square ``[lo, hi]^2``: ``{"x0": [x1, x2]}``."""
    return st.tuples(_unit_floats(lo, hi), _unit_floats(lo, hi)).map(
        lambda t: {"x0": [t[0], t[1]]})


def chebyshev_params(n=(2, 4), x1=(-1.5, 1.5)):
    """Chebyshev-Rosenbrock chain: ``{"n", "x1"}`` (``x0 = (x1, 1, ..., 1)``, never the
    minimizer ``x1 = 1``)."""
    return st.fixed_dictionaries({"n": st.integers(*n), "x1": _grid(*x1, 30).filter(
        lambda v: v != 1.0)})


def far_starts(scale_max: float, steps: int = 16):
    """How far the start is moved from the builder's default: ``{"x0_scale"}`` on a grid
    in ``[0, scale_max]`` (``0``: the default start)."""
    return st.fixed_dictionaries({"x0_scale": _grid(0.0, float(scale_max), steps)})


def cosh_params(n=(1, 4)):
    """``(1/n) sum cosh(a_j^T x - b_j)`` with a square seeded ``A``: ``{"n", "seed"}``."""
    return st.fixed_dictionaries({"n": st.integers(*n), "seed": st.integers(0, 2**16)})


def polytope_params(n=(1, 4), facets=(1, 4)):
    """Polytope feasibility with ``m = k n`` seeded facets: ``{"n", "m", "seed"}``."""
    return st.tuples(st.integers(*n), st.integers(*facets), st.integers(0, 2**16)).map(
        lambda t: {"n": t[0], "m": t[0] * t[1], "seed": t[2]})


def nesterov_params(n=(1, 8), L=(0.1, 10.0)):
    """Nesterov's chain: ``{"n", "L"}`` (``L`` on a grid: it enters the exact ``L_2 = 8 L``)."""
    return st.fixed_dictionaries({"n": st.integers(*n), "L": _grid(*L, 99)})


def logsumexp_params(n=(1, 5), terms=(2, 4), mu=(0.25, 2.0)):
    """LogSumExp ``mu lse((Ax - b)/mu)`` with ``m = k n`` seeded terms:
    ``{"n", "m", "mu", "seed"}``."""
    return st.tuples(st.integers(*n), st.integers(*terms), _grid(*mu, 7),
                     st.integers(0, 2**16)).map(
        lambda t: {"n": t[0], "m": t[0] * t[1], "mu": t[2], "seed": t[3]})


def error_models(C1=(0.0, 0.0), C2=(0.0, 2.0), beta=(0.0, 1.0)):
    """Synthetic perturbation sizes ``||E(x)|| = C1 + C2 ||g||^(1-beta)``:
    ``{"C1", "C2", "beta"}`` (``C1 = 0`` by default: the phase-diagram regime)."""
    return st.fixed_dictionaries({"C1": _grid(*C1, 20), "C2": _grid(*C2, 20),
                                  "beta": _grid(*beta, 8)})


def starting_points(center, radius: float = 1.0):
    """Points ``center + radius * s * u`` with ``s`` in ``[0, 1]`` and ``u`` a seeded
    random unit direction (one integer seed per draw, so any dimension shrinks well)."""
    c = np.asarray(center, dtype=float)
    if c.ndim != 1 or not np.all(np.isfinite(c)):
        raise ValueError("center must be a finite vector.")
    if not (np.isfinite(radius) and radius >= 0):
        raise ValueError(f"radius must be a finite number >= 0, got {radius!r}.")

    def build(t):
        s, k = t
        z = np.random.default_rng(k).standard_normal(c.shape[0])
        return c + radius * s * z / max(float(np.linalg.norm(z)), 1e-300)
    return st.tuples(_unit_floats(0.0, 1.0), st.integers(0, 2**16)).map(build)

