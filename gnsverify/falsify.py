"""Falsification: try hard to break a claim, and shrink what breaks it.

Two searches driven by hypothesis, usable outside any test runner:

* **gamma** (``falsify:gamma_lower_bound``): hypothesis draws points of the initial
  sublevel set and :func:`gnsverify.gamma_search.violation_at` looks for a step that
  refutes ``gamma(x) >= pi(||g(x)||_*)`` there; a found point is shrunk.
* **instances** (``falsify:instances``): property-based generation of instances of
  the case's family; each is run with the theory step and the adaptive search and
  checked (trace audit, per-step invariants, global bound, gamma search). A FAIL is
  shrunk by hypothesis to a minimal instance.

:func:`search` drives both with hypothesis (explicit seed, no example database), so
a result is reproducible from ``(examples, seed)``.
"""
from __future__ import annotations

import math

import numpy as np

from gnsverify.cases import Case, Family
from gnsverify.gamma_search import violation_at
from gnsverify.thresholds import attach
from gnsverify.verdict import FAIL, INCONCLUSIVE, Verdict, decide, worst

WHATS = ("gamma", "instances", "both")
# ------------------------------------------------------------------------- hypothesis
class _Found(Exception):
    """Raised inside a property to hand a counterexample to hypothesis for shrinking."""


SHRINK_BUDGET = 40  # checks computed while shrinking, after the first failure


def _key(arg) -> bytes:
    import pickle
    return pickle.dumps(arg, protocol=4)


def _run_property(strategy, check, examples: int, seed: int, shrink_budget: int = SHRINK_BUDGET):
    """Run ``check`` on ``examples`` draws of ``strategy`` (hypothesis, seeded, no
    database); return ``(counterexample or None, number of checks computed)``.

    Shrinking is bounded: after the first failure at most ``shrink_budget`` further
    candidates are checked; past it a candidate counts as passing unless it was already
    checked (results are memoized), so the reported counterexample is always one that
    failed when checked, and replays."""
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis import seed as hseed
    calls = [0]
    memo: dict = {}
    first_fail = [None]

    def checked(arg):
        k = _key(arg)
        if k in memo:
            return memo[k]
        if first_fail[0] is not None and calls[0] - first_fail[0] >= shrink_budget:
            return None
        calls[0] += 1
        memo[k] = cx = check(arg)
        if cx is not None and first_fail[0] is None:
            first_fail[0] = calls[0]
        return cx

    @hseed(int(seed))
    @settings(max_examples=int(examples), database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              verbosity=Verbosity.quiet, print_blob=False)
    @given(strategy)
    def prop(arg):
        cx = checked(arg)
        if cx is not None:
            raise _Found(cx)

    try:
        prop()
    except _Found as e:
        return e.args[0], calls[0]
    return None, calls[0]


def _gamma_search(case: Case, examples: int, seed: int) -> Verdict:
    from hypothesis import strategies as st
    p = case.get_problem()
    x0 = case.start()
    f0 = p.value(x0)
    xs = p.x_star if getattr(p, "x_star", None) is not None else x0
    R = float(np.linalg.norm(x0 - xs)) + 1e-3

    def point(arg):
        """Draw -> a point of the sublevel set: ``t`` along the segment x* -> x0 plus a
        seeded random offset of relative size ``s``, pulled back until ``f <= f(x0)``."""
        t, s, k = arg
        z = np.random.default_rng(k).standard_normal(p.n)
        x = xs + t * (x0 - xs) + s * R * z / max(np.linalg.norm(z), 1e-300)
        for _ in range(40):
            fx = p.value(x)
            if math.isfinite(fx) and fx <= f0:
                return x
            x = xs + 0.5 * (x - xs)
        return None

    strat = st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**16))

    def check(arg):
        x = point(arg)
        return None if x is None else violation_at(case, x, seed=seed)

    cx, calls = _run_property(strat, check, examples, seed)
    und = case.undecided_constants()
    return decide(case.name, "falsify:gamma_lower_bound", tried=calls,
                  what=f"no violation at {calls} generated points", violation=cx,
                  violation_detail="minimal point violating gamma(x) >= pi(||g(x)||_*)",
                  undecided=[f"constant(s) {', '.join(und)} only estimated"] if und else [],
                  observed=None if cx is None else cx["lhs"],
                  predicted=None if cx is None else cx["rhs"])


def check_instance(case: Case, thresholds: list | None = None) -> dict | None:
    """Run one instance (theory step and adaptive search) through the trace audit, the
    invariants, the global bound and the gamma search (budget ``quick``) and return the
    counterexample of the first decidable FAIL, or ``None``. The passed gamma search's
    detection threshold is appended to ``thresholds`` (when given)."""
    from gnsverify.checks.audit import AuditCheck
    from gnsverify.checks.gamma_bound import GammaBoundCheck
    from gnsverify.checks.global_bound import GlobalBoundCheck
    from gnsverify.checks.invariants import InvariantsCheck
    from gnsverify.pipeline import check_case
    rep = check_case(case, [AuditCheck(), InvariantsCheck(), GlobalBoundCheck()], budget="quick",
                     runs=("theory", "adaptive"))
    # the gamma search only on an instance whose runs passed (it costs the most, and a
    # shrinking search repeats failing instances)
    if not any(v.verdict == FAIL for v in rep.verdicts):
        rep = check_case(case, [GammaBoundCheck()], budget="quick",
                         given_runs=lambda ctx, runs=rep.runs: dict(runs))
    for v in rep.verdicts:
        if v.verdict == FAIL:
            cx = dict(v.counterexample or {})
            cx.setdefault("instance", case.params)
            cx["claim"] = v.claim
            return cx
    if thresholds is not None:
        for v in rep.verdicts:
            if v.claim == "falsify:gamma_lower_bound" and v.detection_threshold is not None:
                thresholds.append((v.detection_threshold, case.params))
    return None


def instances_search(family: Family, name: str, examples: int, seed: int) -> Verdict:
    """The instance search over ``family`` (verdicts named for the case ``name``). A PASS
    carries the smallest detection threshold of the gamma search over the generated
    instances (the class bound ``s pi`` is caught on some instance of the class from
    that ``s`` on)."""
    found: list = []

    def check(params):
        return check_instance(family.build(params), found)

    cx, calls = _run_property(family.strategy, check, examples, seed)
    detail = "" if cx is None else (f"minimal failing instance of family {family.name}: "
                                    f"{cx.get('claim')} ({cx.get('inequality')}) at iteration "
                                    f"{cx.get('iteration')}")
    v = decide(name, "falsify:instances", tried=calls, violation=cx, violation_detail=detail,
               what=f"{calls} generated instances of family {family.name} pass the trace audit, "
                    "the invariants, the global bound and the gamma search")
    best = min(found, key=lambda t: t[0], default=None)
    return attach(v, None if best is None else best[0],
                  "no generated instance gave a gamma threshold" if best is None else
                  f"the smallest gamma-search threshold over {len(found)} generated instances "
                  f"(at {best[1]})")


def search(claim_or_case, *, examples: int = 20, seed: int = 0, what: str = "both") -> Verdict:
    """Falsification search on a :class:`Case` (``gamma`` and/or its family's
    ``instances``) or a :class:`Family` (``instances`` only).

    Returns a Verdict: FAIL with the shrunk counterexample (instance parameters, point
    ``x``, iteration, inequality name, ``lhs``, ``rhs``), PASS with the number of
    examples tried, or INCONCLUSIVE with the reason.
    """
    if what not in WHATS:
        raise ValueError(f"what must be one of {WHATS}, got {what!r}.")
    if isinstance(examples, bool) or not isinstance(examples, (int, np.integer)) or examples < 1:
        raise ValueError(f"examples must be an integer >= 1, got {examples!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}.")
    if isinstance(claim_or_case, Family):
        if what == "gamma":
            raise ValueError("what must be 'instances' or 'both' for a Family (gamma needs a Case).")
        return instances_search(claim_or_case, claim_or_case.name, examples, seed)
    if not isinstance(claim_or_case, Case):
        raise ValueError(f"claim_or_case must be a gnsverify Case or Family, "
                         f"got {type(claim_or_case).__name__}.")
    case = claim_or_case
    out = []
    if what in ("gamma", "both"):
        out.append(_gamma_search(case, examples, seed))
    if what in ("instances", "both"):
        if case.family is None:
            out.append(decide(case.name, "falsify:instances", tried=0,
                              what="the case has no instance family to generate from"))
        else:
            out.append(instances_search(case.family, case.name, examples, seed))
    if len(out) == 1:
        return out[0]
    w = worst(out)
    chosen = next(v for v in out if v.verdict == w)
    return decide(case.name, "falsify:both", tried=sum(v.tried for v in out),
                  what="; ".join(f"{v.claim}: {v.verdict} ({v.detail})" for v in out),
                  violation=chosen.counterexample if w != "PASS" else None,
                  violation_detail="; ".join(f"{v.claim}: {v.verdict} ({v.detail})" for v in out),
                  undecided=[chosen.detail] if w == INCONCLUSIVE else [])
