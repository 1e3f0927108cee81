"""Worked example: a new function class and a case, without touching the package.

The class: one-dimensional quartics ``f(x) = c (x - a)^4 / 4`` with ``c > 0``.

Derivation of its bound (exact Hessian, Euclidean norm; shift ``a = 0`` without loss
of generality). ``g = c x^3``, ``H = 3 c x^2`` and the linearization residual is

    r_x(h) = c (x + h)^3 - c x^3 - 3 c x^2 h = c (3 x h^2 + h^3).

On ``|h| <= gamma``, ``|r_x(h)| / |h| = c |3 x h + h^2| <= c (3 |x| gamma + gamma^2)``
with equality at ``h = gamma sign(x)``. The GNS condition
``|r_x(h)| <= |g| |h| / gamma`` therefore holds on the whole ball exactly when
``c (3 |x| gamma + gamma^2) gamma <= c |x|^3``; with ``gamma = s |x|`` this reads
``s^3 + 3 s^2 <= 1``. So ``gamma(x) = S |x|`` where ``S ~ 0.532`` is the positive
root of ``s^3 + 3 s^2 - 1``, and with ``|x| = (|g| / c)^(1/3)``

    gamma(x) = S c^(-1/3) |g|^(1/3),   i.e.  pi(t) = (M t^(-1/3))^(-1),  M = c^(1/3) / S.

The class exponent is ``alpha = 1/3``: below the Lipschitz-Hessian ``1/2`` (``f'''``
is not bounded globally, yet the quartic is *more* benign in the GNS sense).

Run it as a script (writes a report folder, default ``quartic_report``)::

    python docs/examples/new_function_class.py [OUT_DIR]

or reach the objects from the command line::

    gnsverify classes --class docs/examples/new_function_class.py:Quartic1D --param c=2
    gnsverify verify  --case docs/examples/new_function_class.py:CASES --budget quick
    gnsverify check   docs/examples/new_function_class.py:OVERCLAIMED_CASE --what gamma
    gnsverify check   docs/examples/new_function_class.py:FAMILY --what instances --examples 20

The script exits with 0 when the true claim passes and the deliberately wrong
one (a bound twice too large) is refuted, and 1 otherwise.

What refutes the over-claim is the search for a step ``h`` that violates the GNS
condition at radius ``pi(||g||)`` (``falsify:gamma_lower_bound``). Runs alone may
not: the acceptance test can hold for ``gamma`` above ``gamma(x)`` (Lemma 1 is a
sufficient condition), so ``check ...:OVERCLAIMED_FAMILY --what instances`` can pass.
"""
from __future__ import annotations

import sys

import numpy as np
import sympy as sp

from hypothesis import strategies as st

from gnsverify import Case, Family, PASS, FAIL, verify
from gnsverify import report
from gnsverify.outdir import atomic_dir
from numeric.problems.power import power
from theory.classes.base import FunctionClass

_s = sp.Symbol("s", positive=True)
#: The exact constant S: the positive root of s^3 + 3 s^2 - 1 (about 0.532).
S = sp.CRootOf(_s**3 + 3 * _s**2 - 1, 2)


class Quartic1D(FunctionClass):
    """``f(x) = c (x - a)^4 / 4`` in one dimension: ``gamma(x) >= S c^(-1/3) |g|^(1/3)``."""

    name = "quartic_1d"
    title = "one-dimensional quartic c (x - a)^4 / 4"
    convex_required = False
    hessian = "exact"
    region = "ball"
    param_ranges = {"c": (0, None, True)}        # (lo, hi, lo_open): c > 0
    condition = "f(x) = c (x - a)^4 / 4 with c > 0"
    derivation = "worst residual at h = gamma sign(x); S is the root of s^3 + 3 s^2 - 1"
    claimed_s = S

    def monomial_exprs(self):
        c = self.symbols["c"]
        return [(sp.Rational(1, 3), c ** sp.Rational(1, 3) / self.claimed_s, "smoothness")]

    def how(self):
        return {"M": "closed form"}


class OverclaimedQuartic1D(Quartic1D):
    """A deliberately wrong claim: ``gamma(x)`` twice as large as it is."""

    name = "quartic_1d_overclaimed"
    claimed_s = 2 * S


def quartic_problem(c: float = 1.0, x0: float = 1.5):
    """``c x^4 / 4`` as the numeric ``(1/p) ||A x - b||^p`` with ``p = 4``, ``A = c^(1/4)``."""
    prob = power(A=np.array([[c ** 0.25]]), b=np.zeros(1), p=4.0)
    from dataclasses import replace
    return replace(prob, x0=np.array([x0]))


def quartic_case(cls=Quartic1D, c: float = 16.0, x0: float = 1.5, name: str | None = None) -> Case:
    """A case: the problem, the claim, and how every number is known."""
    return Case(
        name=name or f"{cls.name}_c{c:g}",
        problem=lambda: quartic_problem(c, x0),
        claim=cls(c=c),
        hessian="exact",
        convex=True,
        f_star=0.0, f_star_how="construction",
        D=abs(x0), D_how="construction",            # sublevel set of f(x0) is |x| <= |x0|
        max_iter=60,
        description=f"{c:g} x^4 / 4 from x0 = {x0:g}",
    )


def family(cls=Quartic1D) -> Family:
    """Instances of the class for the falsification search: ``c = k^4`` (so that
    ``A = k`` is exact) and a start ``x0`` of either sign; hypothesis shrinks a
    counterexample towards ``k = 1`` and small ``|x0|``."""
    params = st.fixed_dictionaries({
        "k": st.integers(1, 4),
        "x0": st.floats(0.1, 4.0).flatmap(lambda v: st.sampled_from([v, -v])),
    })
    return Family(f"{cls.name}_family", params,
                  lambda p: quartic_case(cls, c=float(p["k"]) ** 4, x0=p["x0"],
                                         name=f"{cls.name}_k{p['k']}_x{p['x0']:.3g}"))


# Objects for the command line (``file.py:object`` references).
FAMILY = family()
OVERCLAIMED_FAMILY = family(OverclaimedQuartic1D)
CASE = quartic_case()
CASE.family = FAMILY                 # verify also searches generated instances
OVERCLAIMED_CASE = quartic_case(OverclaimedQuartic1D)
CASES = [CASE, OVERCLAIMED_CASE]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "quartic_report"
    print(f"S = {float(S):.6f}; the claim: 1/pi(t) = {CASE.bound().monomials[0].M} t^(-1/3)")
    reports = [verify(case, budget="quick", seed=0) for case in (quartic_case(), quartic_case(OverclaimedQuartic1D))]
    print(report.summary_table(reports))
    with atomic_dir(out) as tmp:
        report.write_campaign(tmp, reports, meta={"example": "new_function_class"})
    print(f"wrote {out}/REPORT.md, results.json, results.csv and figures")
    true_ok = reports[0].verdict == PASS
    wrong_caught = reports[1].verdict == FAIL
    print(f"true claim: {reports[0].verdict}; over-claim: {reports[1].verdict}")
    return 0 if (true_ok and wrong_caught) else 1


if __name__ == "__main__":
    sys.exit(main())
