"""The result object follows scipy.optimize's conventions: ``success`` only when a
stopping test fired, a status of its own for a callback stop, ``nfev``/``njev``/
``nhev`` for the oracle calls of the whole run and ``jac`` for the gradient at ``x``.
The counts are checked against what the algorithm must do (one value-and-gradient
call at ``x0`` and one per trial whose linear solve succeeded; one Hessian-rule
evaluation per iteration entered) and against the NumPy reference's own counters."""
from __future__ import annotations

import numpy as np
import pytest

from numeric.baselines import gradient_method
from numeric.hessians import hessian_rule
from numeric.problems import REGISTRY
from numeric.reference import minimize_reference
from numeric.solver import minimize_gns


@pytest.fixture(scope="module")
def rosen():
    return REGISTRY["rosenbrock"]()


def expected_counts(res):
    """``(nfev, njev, nhev)`` implied by the trial record of a GNS run."""
    tr = res.trace
    solved = int(np.sum(~np.isnan(tr.trial_step)))
    iterations_entered = len(np.unique(tr.trial_iter)) if len(tr.trial_iter) else 0
    return 1 + solved, 1 + solved, iterations_entered


def test_max_iter_is_not_a_success(rosen):
    res = minimize_gns(rosen, max_iter=1)
    assert res.status == "max_iter" and not res.success and res.gnorm > 1e-8
    base = gradient_method(rosen, max_iter=1)
    assert base.status == "max_iter" and not base.success
    done = minimize_gns(rosen, gtol=1e-8)
    assert done.success and done.status == "converged_gnorm"


def test_a_callback_stop_has_its_own_status(rosen):
    res = minimize_gns(rosen, callback=lambda r: r.nit >= 3)
    assert res.status == "callback" and not res.success and res.nit == 3
    assert res.message == "Stopped by the callback."
    np.testing.assert_array_equal(res.jac, rosen.grad(res.x))


@pytest.mark.parametrize("step", ["adaptive", "theory"])
def test_oracle_counts_are_those_of_the_algorithm(rosen, step):
    kw = dict(step=step, max_iter=25)
    if step == "theory":
        kw["bound"] = ([0.5], [2.0])
    res = minimize_gns(rosen, **kw)
    assert (res.nfev, res.njev, res.nhev) == expected_counts(res)
    assert (res.nfev, res.njev, res.nhev) == (res.trace.n_value[-1], res.trace.n_grad[-1],
                                               res.trace.n_hess[-1])


def test_counts_include_the_trials_after_the_last_accepted_step(rosen):
    # an indefinite rule with a huge first trial: the last iteration's trials are all
    # rejected (search_exhausted), so the trace's last cumulative count misses them
    rule = hessian_rule("perturbed", rosen.n, C1=50.0, C2=0.0, beta=0.0, seed=1)
    kw = dict(hessian=rule, gamma0=1e6, max_trials=3, max_iter=50)
    res = minimize_gns(rosen, **kw)
    assert res.status == "search_exhausted"
    assert (res.nfev, res.njev, res.nhev) == expected_counts(res)
    ref = minimize_reference(rosen, **kw)
    assert ref.status == res.status and (ref.nfev, ref.njev, ref.nhev) == (res.nfev, res.njev, res.nhev)


def test_jac_is_the_gradient_at_x(rosen):
    for res in (minimize_gns(rosen, max_iter=5), gradient_method(rosen, max_iter=5),
                minimize_reference(rosen, max_iter=5)):
        np.testing.assert_array_equal(res.jac, rosen.grad(res.x))
        assert "nfev=" in repr(res)
