"""Verdicts: what the checker says about one claim on one case, and the one rule that
decides them.

``verdict`` is ``PASS`` (something that could have failed was checked and held;
``tried`` says how much, ``detail`` what), ``FAIL`` (with a minimal
``counterexample``: instance, point, iteration, and both sides of the violated
inequality), ``INCONCLUSIVE`` (with the reason in ``detail``, naming what is
missing to decide) or ``NOT CLAIMED`` (the theory makes no such claim for this case,
e.g. a rate theorem for an indefinite ``H``; ``detail`` says why). Every verdict of
the package is made by :func:`decide`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASS, FAIL, INCONCLUSIVE, NOT_CLAIMED = "PASS", "FAIL", "INCONCLUSIVE", "NOT CLAIMED"
VERDICTS = (PASS, FAIL, INCONCLUSIVE, NOT_CLAIMED)


@dataclass
class Verdict:
    case: str
    claim: str                 # e.g. "invariant:acceptance", "global_bound", "order", "falsify:gamma_lower_bound"
    verdict: str               # PASS | FAIL | INCONCLUSIVE
    observed: Any = None       # number or small dict (JSON-ready)
    predicted: Any = None
    detail: str = ""
    tried: int = 0
    counterexample: dict[str, Any] | None = None
    #: what a PASS is worth (gnsverify.thresholds): the factor by which the claim would
    #: have to be wrong for this very check to stop passing it (pi inflated by it for a
    #: class bound, K(eps) or the exponent deflated by it for a rate claim); None when
    #: not determined, with the reason in threshold_note
    detection_threshold: float | None = None
    threshold_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Counterexample:
    """Everything needed to replay a violation: the violated inequality (its name and
    statement), both sides, the instance, and where (run, iteration, point)."""

    inequality: str
    statement: str
    lhs: Any
    rhs: Any
    instance: dict = field(default_factory=dict)
    run: str | None = None
    iteration: int | None = None
    x: list | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {"instance": self.instance, "run": self.run, "iteration": self.iteration,
               "inequality": self.inequality, "statement": self.statement, "lhs": self.lhs,
               "rhs": self.rhs}
        if self.x is not None:
            out["x"] = self.x
        out.update(self.extra)
        return out


def decide(case: str, claim: str, *, tried: int, what: str,
           violation: Counterexample | dict | None = None, violation_detail: str = "",
           undecided=(), minimum: int = 1, observed=None, predicted=None,
           not_claimed: str = "") -> Verdict:
    """The verdict rule, the one place verdicts are made.

    * ``not_claimed`` (a reason): NOT CLAIMED, whatever else is given;
    * a ``violation`` with nothing ``undecided`` is a FAIL (``violation_detail`` says
      what was violated; the counterexample is attached);
    * a ``violation`` that rests on something ``undecided`` (an estimated constant, an
      unknown ``f*``, ...) is INCONCLUSIVE, with the counterexample;
    * no violation but something ``undecided``: INCONCLUSIVE, saying what is missing;
    * fewer than ``minimum`` things ``tried``: INCONCLUSIVE ("nothing ... checked": a PASS
      needs something that could have failed);
    * otherwise PASS; ``what`` says what was tried.
    """
    if not_claimed:
        return Verdict(case, claim, NOT_CLAIMED, observed, predicted, tried=tried,
                       detail=f"not claimed: {not_claimed}")
    reasons = "; ".join(dict.fromkeys(str(u) for u in undecided if u))
    cx = violation.to_dict() if isinstance(violation, Counterexample) else violation
    if cx is not None:
        if reasons:
            return Verdict(case, claim, INCONCLUSIVE, observed, predicted, tried=tried,
                           counterexample=cx,
                           detail=f"{violation_detail} but cannot decide: {reasons}")
        return Verdict(case, claim, FAIL, observed, predicted, violation_detail, tried, cx)
    if reasons:
        return Verdict(case, claim, INCONCLUSIVE, observed, predicted, tried=tried,
                       detail=f"cannot decide: {reasons} ({what})")
    if tried < minimum:
        return Verdict(case, claim, INCONCLUSIVE, observed, predicted, tried=tried,
                       detail=f"nothing decidable was checked: {what}")
    return Verdict(case, claim, PASS, observed, predicted, what, tried)


def worst(verdicts) -> str:
    """FAIL if any FAILs, else INCONCLUSIVE if any is, else PASS if any claim was made
    and checked, else NOT CLAIMED (verdicts or their strings; no verdict at all is
    INCONCLUSIVE: nothing was checked)."""
    vs = [v if isinstance(v, str) else v.verdict for v in verdicts]
    for v in (FAIL, INCONCLUSIVE, PASS, NOT_CLAIMED):
        if v in vs:
            return v
    return INCONCLUSIVE
