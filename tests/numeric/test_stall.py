"""The stall rule (docs/theory.md, ``stall_rule``): every method stops with status
``stalled`` once no decrease of ``f`` is representable, instead of burning its
iteration budget.

Two instances:

* **stalls by construction**: ``f(x) = 2^60 + x^2/2`` from ``x0 = 10^-3``. The spacing
  of doubles at ``2^60`` is 256, so ``fl(2^60 + x^2/2) = 2^60`` for every ``|x| < 16``:
  every trial point any method can reach from ``x0`` (all lie in ``[-x0, x0]`` or
  close) has exactly the value of ``x0``. No method that compares values of ``f`` can
  accept a certified decrease, so each must report ``stalled`` at iteration 0. The
  theory step does not compare values and must still converge in the gradient.
* **a quadratic at its precision floor**: ``1/2 x^T Q x - b^T x`` with ``f* = -0.285``;
  near ``x*`` the decrease ``~ ||g||^2 / L`` falls below the rounding of ``f`` long
  before ``||g|| = 0``. Each method must stop before its budget, and the trial that
  stopped it must satisfy the rule as recomputed from the trace.
"""
import numpy as np
import pytest

from numeric._record import STALL_RESOLUTION
from numeric.baselines import BASELINES
from numeric.problems import quadratic
from numeric.problems.expression import expression_problem
from numeric.reference import minimize_reference
from numeric.solver import minimize_gns

C = 2.0 ** 60


def flat_problem():
    """``f(x) = 2^60 + x^2/2`` as a tape problem (see the module docstring)."""
    vg = dict(n_vars=1, init=[0.0, 0.5, C, 0.0, 0.0, 0.0],
              instructions=[("mul", 3, 0, 0), ("mul", 4, 1, 3), ("add", 5, 4, 2)], outputs=[5, 0])
    hs = dict(n_vars=1, init=[0.0, 1.0], instructions=[], outputs=[1])
    return expression_problem(vg, hs, [1e-3], convex=True)


FLAT = flat_problem()
QUAD = quadratic(n=5, cond=20.0, seed=0)


def test_flat_instance_is_flat():
    """The premise of the construction, checked on the compiled oracle."""
    for x in np.linspace(-15.9, 15.9, 101):
        assert FLAT.value([x]) == C


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_every_baseline_stalls_at_once_on_the_flat_instance(name):
    res = BASELINES[name](FLAT, max_iter=1000, gtol=0.0, f_star=None)
    assert res.status == "stalled" and not res.success
    assert res.nit == 0 and np.array_equal(res.x, FLAT.x0)


@pytest.mark.parametrize("solve", [minimize_gns, minimize_reference], ids=["compiled", "reference"])
def test_gns_adaptive_stalls_at_once_and_theory_step_does_not(solve):
    res = solve(FLAT, max_iter=1000, gtol=0.0)
    assert res.status == "stalled" and res.nit == 0
    # one trial: rejected, and its predicted decrease is below the resolution of f
    tr = res.trace
    assert tr.trial_gamma.size == 1 and not tr.trial_accepted[0]
    assert tr.gnorm[0] * tr.trial_step[0] <= STALL_RESOLUTION * abs(tr.f[0])
    # the theory step needs no comparison of values: on x^2/2 (Lipschitz Hessian with any
    # L2 > 0) it is a damped Newton step and converges in the gradient
    th = solve(FLAT, step="theory", bound=([0.5], [1.0]), max_iter=1000, gtol=1e-12)
    assert th.status == "converged_gnorm" and abs(th.x[0]) <= 1e-12


def _stopping_trial_justified(res):
    """The last trial satisfies the stall rule, recomputed from the recorded numbers:
    rejected, with ||g_k|| * ||x_trial - x_k|| <= STALL_RESOLUTION |f_k|. The fast
    gradient method measures its trials from the extrapolated point y, whose value and
    gradient the trace does not hold: only the shape of the stop is checked there."""
    tr = res.trace
    k = tr.n_steps
    j = tr.trial_gamma.size - 1
    assert tr.trial_iter[j] == k          # the stalling iteration took no step
    if tr.trial_accepted[j]:
        return False
    if res.method == "fast_gradient":
        return True
    return tr.gnorm[k] * tr.trial_step[j] <= STALL_RESOLUTION * abs(tr.f[k])


@pytest.mark.parametrize("name", sorted(BASELINES) + ["gns_adaptive"])
def test_precision_floor_ends_in_a_justified_stall(name):
    run = minimize_gns if name == "gns_adaptive" else BASELINES[name]
    res = run(QUAD, max_iter=3000, gtol=0.0, ftol=0.0, f_star=None) if name != "gns_adaptive" \
        else run(QUAD, max_iter=3000, gtol=0.0, ftol=0.0)
    if res.status == "converged_gnorm":          # ||g|| = 0 exactly: nothing to stall on
        assert res.gnorm == 0.0
        return
    if res.status == "converged_fgap":           # f <= f* in floating point (GNS only)
        assert res.fun <= QUAD.f_star
        return
    assert res.status == "stalled" and res.nit < 3000
    assert _stopping_trial_justified(res)
    # the point is at the precision floor. On a quadratic ||x - x*|| <= ||g|| / lambda_min
    # and f - f* <= ||g||^2 / (2 lambda_min); a stop by the rule's first part has
    # ||g||^2 <= 4 u |f| / s with s = ||h|| / ||g|| the trial's length per unit gradient,
    # which is ~1/L for these methods (1/L <= 1/lambda_min = 20/L here): a gap above
    # 1000 u |f*| would mean the method stopped with s < 1/(25 L), i.e. far too early.
    # Rounding: the computed g carries n u (||Q|| ||x|| + ||b||), and x* itself (a
    # computed solve) is off by about n u cond(Q) ||x*||.
    Q, b = QUAD.data[0], QUAD.data[1]
    ev = np.linalg.eigvalsh(Q)
    u, n = 2.0 ** -53, QUAD.n
    g = Q @ res.x - b
    g_err = n * u * (ev[-1] * np.linalg.norm(res.x) + np.linalg.norm(b))
    x_err = n * u * ev[-1] / ev[0] * np.linalg.norm(QUAD.x_star)
    assert np.linalg.norm(res.x - QUAD.x_star) <= (np.linalg.norm(g) + g_err) / ev[0] + x_err
    assert np.linalg.norm(g) ** 2 / (2 * ev[0]) <= 1e3 * u * abs(QUAD.f_star)
