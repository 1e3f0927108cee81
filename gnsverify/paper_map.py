"""Which statement of the paper each claim checks, and which claims exhibit each
finding of docs/theory.md section 7.

The paper is Semenov, Jaggi, Doikov, "Gradient-Normalized Smoothness for Optimization
with Approximate Hessians" (arXiv:2506.13710). Its statements are named as the
project's mathematical reference restates them (THEORY.md, cited by section): the
method (Algorithm 1) and its adaptive search (the appendix's Algorithm 3), Lemma 1 and
its corollaries C1-C5, the class bounds (the class table), the two global rate
theorems (non-convex stationarity, convex function gap) and their orders (the rate
table), and the flagship consequence for logistic and softmax regression. Every claim
a check can return (``Check.claims``) has an entry in :data:`CLAIMS`; the tests hold
the map to the checks and to the findings of the docs.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    """A statement of the paper: its name, what the claim checks of it, and where
    THEORY.md restates it."""

    statement: str
    checks: str
    theory_md: str


_CLASS = "the class bound gamma(x) >= pi(||g(x)||_*) (class table; with an approximation, the harmonic-mean composition)"
_RATE = "the global rate theorems: non-convex stationarity and convex function gap (theory step; adaptive variant)"

CLAIMS: dict[str, Statement] = {
    "audit:trace": Statement("Algorithm 1 and the adaptive search (Algorithm 3)",
                             "every recorded decision of every run re-derived from its numbers", "2"),
    "invariant:acceptance": Statement("the adaptive search's acceptance test (Algorithm 3)",
                                      "f_k - f_{k+1} >= ||g_{k+1}||_*^2 / (8 lambda_k) and descent on accepted steps", "2"),
    "invariant:step_bound": Statement("Lemma 1, corollary C3; the definition of lambda_k",
                                      "||h_k|| <= gamma_k for PSD H; lambda_k = ||g_k||_*/gamma_k; gamma_k = pi(g_k) for the theory step", "2, 4"),
    "invariant:no_rejection_below_pi": Statement("Lemma 1, corollary C1, with the class bound",
                                                 "no rejected trial at or below pi(||g_k||_*)", "4, 5"),
    "invariant:lemma1_decrease": Statement("Lemma 1 (and C4)", "the decrease of Lemma 1 and the gradient growth on every step with gamma_k <= gamma(x_k)", "4"),
    "invariant:convex_gap": Statement("Lemma 1, corollary C5", "f(x_{k+1}) - f* <= 2 lambda_k ||h_k|| D; f - f* <= D ||g||_*", "4, 6"),
    "global_bound": Statement(_RATE, "observed iterations to each eps <= the theorem's K(eps)", "6"),
    "order": Statement("the rate table's orders", "the iterations-to-eps curve is never slower than the predicted order", "6"),
    "falsify:gamma_lower_bound": Statement(_CLASS, "a numerical search for a point with gamma(x) < pi(||g(x)||_*)", "3, 5"),
    "falsify:instances": Statement(_CLASS, "the same search on generated instances of the class", "3, 5"),
    "falsify:both": Statement(_CLASS, "both searches (gnsverify check)", "3, 5"),
    "tightness:nonconvex_theory": Statement(_RATE, "the stationarity theorem's order attained on a worst-case family (theory step)", "6"),
    "tightness:nonconvex_adaptive": Statement(_RATE, "the same, adaptive search", "6"),
    "tightness:convex_theory": Statement(_RATE, "the function-gap theorem's order attained on a worst-case family (theory step)", "6"),
    "tightness:convex_adaptive": Statement(_RATE, "the same, adaptive search", "6"),
    "instance_constants": Statement("the flagship consequence (logistic and softmax regression with Fisher) and the class bounds, with constants of the instance",
                                    "the theory step with constants certified along the run reaches eps within its theorem", "5, 6"),
}

#: finding number of docs/theory.md section 7 -> (short title, claims exhibiting it, where to look)
FINDINGS: dict[int, tuple[str, tuple[str, ...], str]] = {
    1: ("the convex phase counting needs two repairs", ("global_bound", "tightness:convex_theory"), "every convex case; the convex worst-case rows"),
    2: ("which exponent decides the order", ("order",), "the phase diagram (regions by order vs the paper's criterion)"),
    3: ("the adaptive variant of the rate theorems", ("global_bound", "tightness:nonconvex_adaptive", "tightness:convex_adaptive"), "the adaptive runs of every case"),
    4: ("composition with an approximation for region-O classes", ("falsify:gamma_lower_bound",), "region-O classes with an approximation: logistic_*_fisher, softmax_*_fisher"),
    5: ("Fisher for regularized logistic/softmax regression", ("falsify:gamma_lower_bound", "falsify:instances"), "logistic_breast_cancer_fisher, softmax_wine_fisher, softmax_digits_fisher"),
    6: ("LogSumExp weighted Gauss-Newton", ("falsify:gamma_lower_bound",), "logsumexp_weighted_gn"),
    7: ("generalized self-concordant", ("falsify:gamma_lower_bound", "global_bound"), "gsc_log_barrier"),
    8: ("(L0, L1)-smooth", ("falsify:gamma_lower_bound",), "cosh_l0l1_zero"),
    9: ("linearly up to the C1 = f* term", ("global_bound",), "the Fisher cases"),
    10: ("linearly outright on separable data", ("global_bound",), "logistic_separable_fisher"),
    11: ("the eps^-1 C1 term is not observed", ("order",), "the Fisher cases (runs faster than the C1 term allows)"),
    12: ("softmax QSC constant", ("falsify:gamma_lower_bound",), "softmax_wine_fisher, softmax_digits_fisher"),
    13: ("class bounds: tight on extremal instances, loose elsewhere", ("falsify:gamma_lower_bound", "falsify:instances"), "the detection thresholds of the class bounds"),
    14: ("rate theorems: never close to binding on the catalog", ("global_bound",), "the detection thresholds of the rate claims"),
    15: ("broken methods and traces: all caught", ("audit:trace",), "SELFTEST.md (broken methods and traces)"),
    16: ("two false alarms of the audit, fixed", ("falsify:instances", "audit:trace"), "the instance searches of every family"),
    17: ("each rate theorem's order is attained by its class (theory step)", ("tightness:nonconvex_theory", "tightness:convex_theory", "tightness:nonconvex_adaptive",
          "tightness:convex_adaptive"), "the tightness table"),
    18: ("with instance constants the flagship bounds bind within 10x", ("instance_constants",), "the instance-constants table"),
    19: ("a false alarm of the rejection certificate at the rounding floor, fixed",
         ("invariant:no_rejection_below_pi",), "gnsverify reproduce linear_equations (REPRODUCTION.md)"),
    20: ("the authors' experiments reproduce draw for draw, iteration for iteration",
         ("audit:trace", "invariant:no_rejection_below_pi", "global_bound"),
         "gnsverify reproduce all (REPRODUCTION.md); scripts/compare_authors.py"),
}


def statement(claim: str) -> Statement:
    """The paper's statement ``claim`` checks."""
    try:
        return CLAIMS[claim]
    except KeyError:
        raise ValueError(f"claim must be one of {', '.join(CLAIMS)}; got {claim!r}.") from None


def findings_of(claim: str) -> list[int]:
    """The findings of docs/theory.md section 7 that ``claim`` exhibits."""
    statement(claim)
    return [n for n, (_, claims, _) in FINDINGS.items() if claim in claims]
