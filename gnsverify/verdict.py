"""Verdicts: what the checker says about one claim on one case.

``verdict`` is ``PASS`` (no violation found; ``tried`` says how many cases/steps
were examined), ``FAIL`` (with a minimal ``counterexample``: instance, point,
iteration, and both sides of the violated inequality) or ``INCONCLUSIVE`` (with
the reason in ``detail``, naming what is missing to decide).
"""
from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Any

PASS, FAIL, INCONCLUSIVE = "PASS", "FAIL", "INCONCLUSIVE"


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def worst(verdicts) -> str:
    """FAIL if any FAILs, else INCONCLUSIVE if any is, else PASS."""
    vs = [v.verdict for v in verdicts]
    if FAIL in vs:
        return FAIL
    if INCONCLUSIVE in vs:
        return INCONCLUSIVE
    return PASS
