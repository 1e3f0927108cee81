"""What a PASS is worth: the detection threshold of a claim (docs/theory.md,
``detection_threshold``).

A check that PASSes says the claim survived what was tried; the detection threshold
says how wrong the claim could have been and still survive it. It is the factor
``s > 1`` by which the claim has to be strengthened for the *same* check, on the same
runs, points and budget, to stop passing:

* **class bound** (``gamma(x) >= pi(||g(x)||_*)``): the claim ``gamma >= s pi``.

  - ``falsify:gamma_lower_bound``: the searcher at radius ``s pi`` finds a violating
    step. Per point the searcher reports the worst ratio
    ``q(x) = pi (||r_x(h)||_* - tau(h)) / (||g||_* ||h||)`` over its steps; the step
    attaining it violates ``s pi`` for every ``s > 1/q(x)``, so the candidate is
    ``min_x 1/q(x)``, confirmed and refined by bisection with the searcher itself at
    radius ``s pi`` at that point (:func:`bisect`): the threshold reported is a factor
    at which the check was *seen* to FAIL.
  - the per-step invariants on the runs that do not use ``pi`` (adaptive search, ideal
    step): every claimed inequality is re-evaluated with ``pi`` replaced by ``s pi``;
    their failure sets grow with ``s`` (``rejection_certificate``: more rejected
    trials fall below ``s pi_k``; ``search_floor``: a higher floor; Lemma 1's
    consequences: more steps with ``gamma_k <= s pi_k`` come under the claim), so
    bisection finds the transition. The theory-step run is excluded: its steps are
    made with ``pi`` itself and a different ``pi`` would give a different run.
* **rate claims**: ``global_bound`` holds when ``K_last <= K(eps)`` on every decided
  rung; the claim ``K(eps)/s`` fails as soon as ``s > K(eps)/K_last`` on some rung
  with ``K_last >= 1``, so the threshold is ``min K(eps)/K_last`` (closed form).
  ``order`` passes when the smallest fitted slope over the quantization box is at most
  the predicted one ``e``; the exponent ``e/s`` fails for ``s > e/slope_min``, so the
  threshold is ``min e/slope_min`` over the fitted runs.

A threshold above :data:`WEAK` marks the claim as **weakly tested**: a constant that
much too optimistic would have passed unnoticed. A threshold is reported only on a
PASS (a FAIL already caught the claim as stated); ``None`` comes with the reason.
"""
from __future__ import annotations

import math
from typing import Callable

#: above this threshold a PASS is flagged as weakly tested
WEAK = 2.0
#: largest factor tried by the bracketing search (``2**40``: beyond it, "not caught")
S_MAX = 2.0 ** 40
#: bisection steps after bracketing: the bracket [lo, hi] shrinks to (hi/lo)^(2^-steps)
BISECTIONS = 8


def bisect(caught: Callable[[float], bool], start: float = 2.0, *, s_max: float = S_MAX,
           steps: int = BISECTIONS) -> tuple[float | None, str]:
    """The transition of a check that catches ``s`` from some ``s`` on (monotone).

    ``caught(s)`` runs the check against the claim strengthened by ``s``. From
    ``start`` (a candidate, > 1) the bracket is widened by doubling until ``caught``
    (``None`` if not by ``s_max``), then narrowed geometrically ``steps`` times
    between the largest ``s`` not caught (1: the check passed the claim as stated) and
    the smallest caught.
    Returns ``(hi, note)``: ``hi`` is a factor at which the check was seen to catch.
    """
    start = max(float(start), 1.0 + 2.0 ** -20)
    hi, lo = start, 1.0
    while not caught(hi):
        lo = hi
        hi *= 2.0
        if hi > s_max:
            return None, f"not caught by any factor up to {s_max:.3g}"
    for _ in range(steps):
        mid = math.sqrt(lo * hi)
        if mid <= lo or mid >= hi:
            break
        if caught(mid):
            hi = mid
        else:
            lo = mid
    if steps == 0:
        return hi, f"caught at {hi:.4g} (not refined below it)"
    digits = max(4, 2 - int(math.floor(math.log10(max(hi / lo - 1.0, 1e-15)))))
    return hi, f"bisection: caught at {hi:.{digits}g}, not at {lo:.{digits}g}"


def closed_form(values, what: str) -> tuple[float | None, str]:
    """``min(values)`` of the per-item thresholds of a closed-form rule (``None``, with
    the reason, when there is none)."""
    vals = [float(v) for v in values if v is not None and math.isfinite(v) and v > 0]
    if not vals:
        return None, f"no {what} could catch a strengthened claim"
    return min(vals), f"closed form over {len(vals)} {what}"


def rate_threshold(rows) -> tuple[float | None, str]:
    """``min K(eps)/K_last`` over the rungs with ``K_last >= 1`` (see the module
    docstring)."""
    return closed_form([r["predicted"] / r["K_last"] for r in rows
                        if r["K_last"] >= 1 and math.isfinite(r["predicted"])], "rung(s)")


def order_threshold(fits: dict) -> tuple[float | None, str]:
    """``min e/slope_min`` over the fitted runs (see the module docstring)."""
    return closed_form([f["predicted_slope"] / f["slope_min"] for f in fits.values()
                        if f["slope_min"] > 0], "fitted run(s)")


def attach(verdict, threshold: float | None, note: str):
    """Record the threshold on a PASS (other verdicts keep ``None`` and say why)."""
    from gnsverify.verdict import PASS
    if verdict.verdict != PASS:
        verdict.detection_threshold = None
        verdict.threshold_note = f"no threshold: the verdict is {verdict.verdict}"
        return verdict
    verdict.detection_threshold = None if threshold is None else float(threshold)
    verdict.threshold_note = note
    return verdict


def weakly_tested(verdict) -> bool:
    t = getattr(verdict, "detection_threshold", None)
    if isinstance(verdict, dict):
        t = verdict.get("detection_threshold")
    return t is not None and t > WEAK


#: how each claim with a threshold is strengthened (the words of :func:`describe`)
STRENGTHENED = {"falsify:gamma_lower_bound": "pi x {}", "falsify:instances": "pi x {}",
                "invariant:no_rejection_below_pi": "pi x {}",
                "invariant:lemma1_decrease": "pi x {}", "invariant:convex_gap": "pi x {}",
                "global_bound": "K(eps) / {}", "order": "exponent / {}"}


def describe(record: dict) -> str:
    """The verdict with what it is worth: ``"PASS, would catch pi x 1.3"`` (rate
    claims: ``K(eps) / s``, ``exponent / s``)."""
    v, t = record["verdict"], record.get("detection_threshold")
    form = STRENGTHENED.get(record.get("claim"))
    if v != "PASS" or form is None:
        return v
    if t is None:
        return "PASS (threshold not determined)"
    what = form.format(f"{t:.3g}")
    return f"PASS, would catch {what}" + (" (weakly tested)" if t > WEAK else "")
