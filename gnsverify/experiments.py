"""The paper authors' published experiments, rebuilt as instances with claims.

The authors' notebook (``notebooks/examples.ipynb`` of ``epfml/grad-norm-smooth``)
runs five synthetic experiments, each seeded with ``np.random.seed(3124)`` and
drawn with NumPy's legacy generator (whose stream NumPy keeps fixed across
versions, so :func:`_legacy` redraws the very same numbers). :data:`EXPERIMENTS`
holds one :class:`Experiment` per notebook section: how its instance is built, the
methods it compares (with the published wall times, measured on the authors'
machine), and, where it could be derived, the claim of the paper that the
instance satisfies with certified constants (docs/theory.md section 8, one named
derivation per claim). :mod:`gnsverify.reproduce` runs them.

Sizes: ``"paper"`` is the published size; ``"small"`` the same construction at a
size that runs in seconds (tests, a first look). Every derivation below holds at
any size.

Rounding of the metric (`metric_rounding`): the solver works with the computed
``B_fl = fl(A0^T A0)`` (symmetrized), not with ``A0^T A0``. Entrywise
``|B_fl - A0^T A0| <= 2 gamma_n |A0|^T |A0|`` (``gamma_n = n u / (1 - n u)``; the
factor 2 covers the symmetrization), so for every ``u``
``u^T B_fl u >= ||A0 u||^2 - 2 gamma_n ||A0||_F^2 ||u||^2 >= (1 - delta) ||A0 u||^2``
with ``delta = 2 gamma_n ||A0||_F^2 / sigma_min(A0)^2``; ``sigma_min`` is taken as a
lower bound (the computed value minus the backward error
of the SVD, taken as ``4 n u ||A0||_2``). Every constant that uses
``||A0 u|| <= ||u||_B`` is inflated by ``(1 - delta)^(-1/2)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gnsverify.cases import Case
from gnsverify.catalog import _approx, _classes, _down, _problems, _up
from numeric.problems._powernorm import gamma as _gamma

#: the seed of every experiment of the notebook
SEED = 3124
#: the derivations of this module, each defined in docs/theory.md section 8
RELATIONS = ("metric_rounding", "lse_qsc_metric", "lse_variance_metric", "quartic_norm_third",
             "rosenbrock_third")
SIZES = ("paper", "small")
_U = 2.0 ** -53
#: the placeholder provenance of a claim whose constants are not derived for the instance
NOT_DERIVED = "unknown: not derived for this instance"


def _legacy(seed: int = SEED):
    """NumPy's legacy generator, as ``np.random.seed(seed)`` sets it up."""
    return np.random.RandomState(seed)


@dataclass(frozen=True)
class Method:
    """One curve of a published plot.

    ``solver`` is ``"gns"`` (Algorithm 1 with the adaptive search, in the
    experiment's metric ``B`` unless ``metric`` is False) or the name of a baseline of
    :data:`numeric.baselines.BASELINES` (identity metric); ``hessian`` the Hessian
    rule; ``published_s`` the wall time the notebook prints (``None``: not printed).
    """

    label: str
    solver: str
    hessian: str = "exact"
    max_iter: int = 100
    metric: bool = True
    published_s: float | None = None
    options: dict = field(default_factory=dict)
    published_label: str = ""

    @property
    def key(self) -> str:
        """A file-name-safe identifier."""
        words = "".join(c if c.isalnum() else " " for c in self.label.lower()).split()
        return "_".join(words)


@dataclass
class Instance:
    """A built experiment: the problem, the start, the metric, ``f*`` and, per GNS
    Hessian rule, the :class:`~gnsverify.cases.Case` carrying the claim checked on that
    run (its constants "unknown" when not derived)."""

    problem: object
    x0: np.ndarray
    B: np.ndarray | None
    f_star: float
    cases: dict
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    section: str
    build: Callable[[str], Instance]
    methods: tuple
    #: the accuracy the notebook asks for (``f - f* < eps``)
    ftol: float = 1e-8
    #: whether the notebook gives the methods ``f*`` (they then stop at ``f - f* < eps``);
    #: otherwise they run their whole iteration budget, and so do ours (no stopping test)
    stops_at_eps: bool = False
    note: str = ""


# ------------------------------------------------------------------------ helpers
def _sigma_bounds(A):
    """``(lower bound of sigma_min, upper bound of sigma_max)`` of ``A``: the computed
    singular values moved by ``4 n u ||A||_2`` (LAPACK's SVD is backward stable with an
    error ``p(n) u ||A||_2`` for a modest ``p(n)``; ``4 n`` is the multiple taken here)."""
    s = np.linalg.svd(np.asarray(A, float), compute_uv=False)
    err = max(A.shape) * _U * float(s[0]) * 4.0
    return float(s[-1]) - err, float(s[0]) + err


def metric_margin(A0) -> float:
    """`metric_rounding`: ``(1 - delta)^(-1/2)`` with
    ``delta = 2 gamma_n ||A0||_F^2 / sigma_min(A0)^2`` (module docstring); raises if
    ``delta`` is not small (the metric is then too ill-conditioned to certify)."""
    A0 = np.asarray(A0, float)
    n = A0.shape[0]
    gamma = _gamma(n)
    lo, _ = _sigma_bounds(A0)
    if lo <= 0:
        raise ValueError("A0 is numerically singular: the metric B = A0^T A0 cannot be certified.")
    delta = 2.0 * gamma * float(np.sum(A0 * A0)) / lo ** 2
    if delta >= 0.5:
        raise ValueError(f"the rounding of B = A0^T A0 is too large to certify (delta = {delta:.3g}).")
    return 1.0 / math.sqrt(1.0 - delta)


def _unknown_case(name, problem, x0, hessian, *, convex=False, B=None, f_star=0.0, max_iter=100,
                  description=""):
    """A case whose class constants are not derived (:data:`NOT_DERIVED`): the claimed
    inequalities and the rate theorem are undecided; what the algorithm guarantees
    (acceptance, descent, the step definitions, the trace audit) is decided."""
    return Case(name=name, problem=problem, claim=_classes().lipschitz_hessian(L2=1),
                hessian=hessian, convex=convex, B=B, x0=x0, f_star=f_star,
                f_star_how="construction", max_iter=max_iter,
                constants_how={"M": NOT_DERIVED},
                description=description + " Class constants: " + NOT_DERIVED + ".")


# -------------------------------------------------------------------- LogSumExp
def logsumexp_instance(size: str = "paper") -> Instance:
    """Notebook section "LogSumExp": ``A`` (``n x m``) and ``b`` uniform on
    ``[-1, 1]``, ``mu = 1``, ``f(x) = mu log sum_j exp((<a_j, x> - b_j)/mu)`` with the
    rows ``a0_j`` of ``A0 = A^T`` moved to ``a_j = a0_j - g0`` (``g0 = grad f(0)`` of the
    unmoved data) so that ``grad f(0) = 0``; ``x0 = 1``; metric ``B = A A^T = A0^T A0``.

    Claims (stationarity; ``D`` is not known): `lse_qsc_metric` gives QSC with
    ``Q = sqrt(2)/mu`` in the norm of ``B``: ``D^3 f[u,h,h] =
    E_s[(y_u - E y_u)(y_h - E y_h)^2]/mu^2`` with ``y_u = <a_j, u>`` under the softmax
    weights ``s``, so ``|D^3 f[u,h,h]| <= range_j(y_u) <hess f h, h>/mu``, and
    ``range_j(y_u) = max_ij <a0_i - a0_j, u> <= sqrt(2) ||A0 u||_2 = sqrt(2) ||u||_B``
    (``(y_i - y_j)^2 <= 2(y_i^2 + y_j^2)``). Weighted Gauss-Newton adds `lse_gap` with
    ``G = max_j ||a_j||_*`` (`lse_gradient_bound`), computed by triangular solves with
    ``B``'s Cholesky factor and inflated by ``1 + 4 gamma_n kappa(A0)`` (the forward
    error of a triangular solve). ``H = 0`` (the gradient method in ``B``) adds `zero`
    with `lse_variance_metric`: ``<hess f h, h> <= Var_s(y_h)/mu <= range_j(y_h)^2/(4 mu)
    <= ||h||_B^2/(2 mu)`` (Popoviciu), so ``L = 1/(2 mu)``. Q and L are inflated by
    `metric_rounding`.
    """
    n = {"paper": 1000, "small": 40}[size]
    m, mu = n, 1.0
    rng = _legacy()
    A = rng.rand(n, m) * 2 - 1
    b = rng.rand(m) * 2 - 1
    A0 = np.ascontiguousarray(A.T)
    z = -b / mu
    w0 = np.exp(z - z.max())
    w0 /= w0.sum()
    A_new = A0 - A0.T @ w0                  # subtract g0 = A0^T softmax(-b/mu) from every row
    problem = _problems().logsumexp_data(A_new, b, mu)
    x0 = np.ones(n)
    B = A0.T @ A0
    f_star = float(problem.value(np.zeros(n)))
    margin = metric_margin(A0)
    lo, hi = _sigma_bounds(A0)
    L = np.linalg.cholesky(0.5 * (B + B.T))
    import scipy.linalg as sla
    row_dual = np.linalg.norm(sla.solve_triangular(L, A_new.T, lower=True), axis=0)
    gamma_n = _gamma(n)
    # the triangular solves' forward error, and the Cholesky factor's backward error
    # (L L^T = B_fl + dB, |dB| <= gamma_(n+1) |L||L^T|, so a^T (L L^T)^-1 a moves by a
    # relative gamma_(n+1) ||A0||_F^2 / sigma_min^2 at most)
    chol = _gamma(n + 1) * float(np.sum(A0 * A0)) / lo ** 2
    if chol >= 0.5:
        raise ValueError("the Cholesky factor of B is too inaccurate to certify G.")
    G = float(row_dual.max()) * (1.0 + 4.0 * gamma_n * hi / lo) / math.sqrt(1.0 - chol)
    Q = math.sqrt(2.0) / mu * margin
    cls = _classes().QuasiSelfConcordant(Q=_up(Q))
    facts = dict(shape=f"A0 {m}x{n}", n=n, m=m, mu=mu, Q=Q, G=G, metric_margin=margin, sigma_min_A0=lo,
                 f_star=f_star, grad_at_zero=float(np.linalg.norm(problem.grad(np.zeros(n)))))
    common = dict(problem=problem, x0=x0, B=B, convex=False, f_star=f_star,
                  # f(0) - f* <= ||g(0)||^2 / (2 lambda_+): the exact gradient at 0 of the
                  # floating data is O(n u ||A0||) (about 1e-14) and lambda_+, the smallest
                  # positive Hessian eigenvalue there, is about sigma_min(A0)^2 / (n mu):
                  # below 1e-20 at both sizes; the error 1e-12 |f*| leaves a wide margin
                  f_star_how="computed", f_star_err=1e-12 * max(1.0, abs(f_star)), max_iter=1000,
                  params=dict(experiment="logsumexp", size=size))
    cases = {
        "exact": Case(name=f"logsumexp_{size}_exact", claim=cls, hessian="exact",
                      constants_how={"M": "derived (lse_qsc_metric, metric_rounding)"},
                      description=logsumexp_instance.__doc__.split("\n")[0], **common),
        "weighted_gn": Case(name=f"logsumexp_{size}_weighted_gn", claim=cls,
                            error_model=_approx().weighted_gauss_newton_lse(mu, _up(G)),
                            hessian="weighted_gn",
                            constants_how={"M": "derived (lse_qsc_metric, metric_rounding)",
                                           "C2": "derived (lse_gap, lse_gradient_bound)"},
                            description=logsumexp_instance.__doc__.split("\n")[0], **common),
        "zero": Case(name=f"logsumexp_{size}_zero", claim=cls,
                     error_model=_approx().zero(_up(margin ** 2 / (2.0 * mu))), hessian="zero",
                     constants_how={"M": "derived (lse_qsc_metric, metric_rounding)",
                                    "C1": "derived (lse_variance_metric, metric_rounding)"},
                     description=logsumexp_instance.__doc__.split("\n")[0], **common),
    }
    return Instance(problem, x0, B, f_star, cases, facts)


# ------------------------------------------------------------- linear equations
def linear_equations_instance(size: str = "paper") -> Instance:
    """Notebook section "Inexact Hessian for linear operators": ``f(x) = (1/4)||Ax - b||^4``
    with ``A`` (``100 x 200``) and ``b`` uniform on ``[-1, 1]``, ``x0 = 1``, metric
    ``B = A^T A + 1e-8 I``.

    Claims (stationarity; the minimizers form an affine subspace, so ``D`` is
    infinite): `quartic_norm_third` gives ``D^3 phi(y)[h]^3 = 6 <y, h> ||h||^2`` for
    ``phi(y) = ||y||^4/4``, so ``D^3 phi`` is 6-Lipschitz, and ``||A h|| <= ||h||_B``
    (``B_fl >= A^T A`` in the quadratic-form order: ``1e-8`` exceeds the rounding
    ``2 gamma_m ||A||_F^2`` of the product): Hölder third derivative, ``nu = 1``,
    ``L_3 = 6`` in the norm of ``B``. The Fisher term alone adds `fisher_term_gap`
    with ``S = 1`` and ``mu = sigma_min / (sigma_min^2 + 1e-8 + 2 gamma_m ||A||_F^2)^(1/2)``
    (`jacobian_lower` in the dual norm of ``B``: ``||A^T w||_* >= mu ||w||``,
    ``sigma_min`` of ``A`` a certified lower bound). ``f* = 0``: ``A`` has full row rank.
    """
    rows, cols = {"paper": (100, 200), "small": (10, 20)}[size]
    p, reg = 4.0, 1e-8
    rng = _legacy()
    A = rng.rand(rows, cols) * 2 - 1
    b = rng.rand(rows) * 2 - 1
    problem = _problems().power(A=A, b=b, p=p)
    x0 = np.ones(cols)
    B = A.T @ A + reg * np.eye(cols)
    lo, _ = _sigma_bounds(A)
    gamma_m = _gamma(rows)
    rounding = 2.0 * gamma_m * float(np.sum(A * A))
    if not (lo > 0 and rounding < reg):
        raise ValueError("the linear-equations instance cannot be certified (rank or rounding).")
    mu = lo / math.sqrt(lo * lo + reg + rounding)
    cls = _classes().HolderThird(nu=1, L_3nu=6)
    facts = dict(shape=f"A {rows}x{cols}", rows=rows, cols=cols, p=p, sigma_min_A=lo, mu=mu, product_rounding=rounding)
    common = dict(problem=problem, x0=x0, B=B, convex=False, f_star=0.0, f_star_how="construction",
                  max_iter=100, params=dict(experiment="linear_equations", size=size))
    cases = {
        "exact": Case(name=f"linear_equations_{size}_exact", claim=cls, hessian="exact",
                      constants_how={"M": "derived (quartic_norm_third)"},
                      description=linear_equations_instance.__doc__.split("\n")[0], **common),
        "fisher_term": Case(name=f"linear_equations_{size}_fisher_term", claim=cls,
                            error_model=_approx().fisher_term(p, 1, _down(mu)), hessian="fisher_term",
                            constants_how={"M": "derived (quartic_norm_third)",
                                           "C2": "derived (fisher_term_gap, jacobian_lower)"},
                            description=linear_equations_instance.__doc__.split("\n")[0], **common),
    }
    return Instance(problem, x0, B, 0.0, cases, facts)


# ------------------------------------------------------------------ Rosenbrock
def rosenbrock_instance(size: str = "paper") -> Instance:
    """Notebook section "Rosenbrock function": ``(1 - x_1)^2 + 100 (x_2 - x_1^2)^2`` from
    ``x0 = (-2, 2)``, exact Hessian, identity metric.

    Claim (stationarity): `rosenbrock_third` gives ``D^3 f(x)[h]^3 =
    -1200 (h_2 - 2 x_1 h_1) h_1^2``, so ``||D^3 f(x)|| <= 1200 (1 + 4 x_1^2)^(1/2)``
    (Cauchy-Schwarz; the norm of a symmetric trilinear form is attained on the
    diagonal) and the Hessian is Lipschitz with ``L_2 = 1200 (1 + 4 X^2)^(1/2)`` on the
    box ``|x_1| <= X = 25``, ``|x_2| <= 700``, which holds the initial sublevel set
    ``{f <= 409}`` (``|1 - x_1| <= sqrt(409)``, ``|x_2 - x_1^2| <= sqrt(4.09)``) with room for
    every step; claims are decided where the ball of radius ``pi`` lies in the box.
    """
    problem = _problems().rosenbrock()
    x0 = np.array([-2.0, 2.0])
    X = 25.0
    L2 = 1200.0 * math.sqrt(1.0 + 4.0 * X * X)
    case = Case(name=f"rosenbrock_{size}_exact", problem=problem,
                claim=_classes().lipschitz_hessian(L2=_up(L2)), hessian="exact", convex=False,
                x0=x0, f_star=0.0, f_star_how="construction", max_iter=60,
                box=[(-X, X), (-700.0, 700.0)], constants_how={"M": "derived (rosenbrock_third)"},
                params=dict(experiment="rosenbrock", size=size),
                description=rosenbrock_instance.__doc__.split("\n")[0])
    return Instance(problem, x0, None, 0.0, {"exact": case},
                    dict(shape="n = 2", L2=L2, f0=problem.value(x0)))


def rosenbrock_equations_instance(size: str = "paper") -> Instance:
    """Notebook section "Nonlinear Equations & Rosenbrock": ``(1/5)||u||^5`` with
    ``u = (1 - x_1, 10 (x_2 - x_1^2))`` from ``x0 = (-2, 2)``; exact Hessian and the
    Gauss-Newton form. Class constants are not derived here (:data:`NOT_DERIVED`)."""
    problem = _problems().rosenbrock_equations(5.0)
    x0 = np.array([-2.0, 2.0])
    doc = rosenbrock_equations_instance.__doc__.split("\n")[0]
    cases = {h: _unknown_case(f"rosenbrock_equations_{size}_{h}", problem, x0, h, description=doc)
             for h in ("exact", "gauss_newton")}
    return Instance(problem, x0, None, 0.0, cases, dict(shape="n = 2", p=5.0))


def chebyshev_instance(size: str = "paper") -> Instance:
    """Notebook section "Chebyshev Polynomial": the Chebyshev-Rosenbrock chain
    ``(1/4)||u||^4``, ``u_1 = (1 - x_1)/2``, ``u_i = x_i - 2 x_{i-1}^2 + 1``, ``n = 1000``,
    ``x0`` uniform on ``[0, 1]``; Gauss-Newton form. Class constants are not derived
    (the certified bound on ``sigma_min(J)`` decays like ``4^-n``: :data:`NOT_DERIVED`)."""
    n = {"paper": 1000, "small": 20}[size]
    problem = _problems().chebyshev_rosenbrock(n=n, p=4.0)
    x0 = _legacy().rand(n)
    doc = chebyshev_instance.__doc__.split("\n")[0]
    cases = {"gauss_newton": _unknown_case(f"chebyshev_{size}_gauss_newton", problem, x0,
                                           "gauss_newton", description=doc)}
    return Instance(problem, x0, None, 0.0, cases, dict(shape=f"n = {n}", n=n, p=4.0))


# ------------------------------------------------------------------- registry
def _metric_plot(approx, *, newton_iters, gradient_iters, published):
    """The four curves of the notebook's plots in a metric ``B``: GNS with the exact
    Hessian and with ``approx = (label, rule, published label)``, the gradient method in
    ``B`` (GNS with ``H = 0``: the same direction, the GNS acceptance test) and the
    gradient method in the identity metric; ``published`` their four printed times."""
    label, rule, published_label = approx
    return (Method("GNS exact Hessian", "gns", "exact", newton_iters, published_s=published[0],
                   published_label="Exact Newton"),
            Method(label, "gns", rule, newton_iters, published_s=published[1],
                   published_label=published_label),
            Method("gradient in B (GNS, H = 0)", "gns", "zero", gradient_iters,
                   published_s=published[2], published_label="Gauss-Newton (gradient method in B)"),
            Method("gradient method", "gradient", "exact", gradient_iters, metric=False,
                   published_s=published[3], published_label="Gradient Method"))


EXPERIMENTS = {e.name: e for e in (
    Experiment(
        "logsumexp", "LogSumExp, A uniform on [-1, 1], mu = 1, metric B = A A^T", "LogSumExp",
        logsumexp_instance,
        _metric_plot(("GNS weighted Gauss-Newton", "weighted_gn", "Weighted Gauss-Newton"),
                     newton_iters=1000, gradient_iters=1000,
                     published=(29.012, 83.920, 3.937, 1.962)),
        stops_at_eps=True,
        note="The published 'Gauss-Newton' curve is the gradient method in the metric B with a "
             "line search; here it is Algorithm 1 with H = 0 in B (the same direction, the "
             "GNS acceptance test instead of Armijo's)."),
    Experiment(
        "linear_equations", "(1/4)||Ax - b||^4, A uniform on [-1, 1], metric B = A^T A + 1e-8 I",
        "Inexact Hessian for linear operators", linear_equations_instance,
        _metric_plot(("GNS Fisher term", "fisher_term", "Fisher Term of H"),
                     newton_iters=100, gradient_iters=200,
                     published=(442.007, 0.910, 0.029, 0.015)),
        note="The published Fisher-term run solves with the Woodbury formula; ours factorizes "
             "H + lambda B densely (n = 200)."),
    Experiment(
        "rosenbrock", "Rosenbrock, x0 = (-2, 2)", "Rosenbrock function", rosenbrock_instance,
        (Method("GNS exact Hessian", "gns", "exact", 60, published_label="Exact Newton"),
         Method("gradient method", "gradient", "exact", 5000, metric=False,
                published_label="Gradient Method"))),
    Experiment(
        "rosenbrock_equations", "(1/5)||u||^5, u the Rosenbrock residuals, x0 = (-2, 2)",
        "Nonlinear Equations & Rosenbrock", rosenbrock_equations_instance,
        (Method("GNS exact Hessian", "gns", "exact", 100, published_s=0.009,
                published_label="Exact Newton"),
         Method("GNS Gauss-Newton", "gns", "gauss_newton", 100, published_s=0.008,
                published_label="Inexact Hessian"),
         Method("gradient method", "gradient", "exact", 10000, metric=False, published_s=0.203,
                published_label="Gradient Method"))),
    Experiment(
        "chebyshev", "Chebyshev-Rosenbrock chain, p = 4, x0 uniform on [0, 1]",
        "Chebyshev Polynomial", chebyshev_instance,
        (Method("super-universal Newton", "super_universal", "exact", 100, metric=False,
                published_s=328.608, options=dict(H0=1.0, alpha=1.0),
                published_label="Exact Newton (super-universal)"),
         Method("GNS Gauss-Newton", "gns", "gauss_newton", 100, published_s=87.134,
                published_label="Inexact Hessian"),
         Method("gradient method", "gradient", "exact", 200, metric=False, published_s=1.207,
                published_label="Gradient Method"))),
)}


def get_experiment(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise ValueError(f"experiment must be one of {sorted(EXPERIMENTS)}, got {name!r}.")
    return EXPERIMENTS[name]
