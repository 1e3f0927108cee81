"""gnsverify: check convergence theorems of Newton-type methods with gradient-normalized
smoothness on real instances.

Public API (everything else lives in the submodules):

* :class:`Case`, :class:`Family`, :class:`RateModel`: a problem instance with its claim;
* :func:`verify` -> :class:`CaseReport`; :func:`campaign` over the default catalog;
* :func:`get_case`, :func:`default_cases`: the catalog;
* :func:`search`: the falsification search (hypothesis);
* :func:`phase_experiment`: the synthetic phase-diagram data;
* :func:`minimize`: the method and the baselines on your own callables, called like
  ``scipy.optimize.minimize`` (:mod:`gnsverify.minimize`);
* :func:`reproduce`: a published experiment of the paper's authors, rerun and checked
  (:mod:`gnsverify.reproduce`, :mod:`gnsverify.experiments`);
* :class:`Verdict` and the verdict strings ``PASS``, ``FAIL``, ``INCONCLUSIVE``.
"""
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS, Verdict, worst
from gnsverify.cases import Case, Family, RateModel
from gnsverify.verify import CaseReport, campaign, verify
from gnsverify.catalog import default_cases, get_case
from gnsverify.falsify import search
from gnsverify.phase_experiment import phase_experiment
from gnsverify.minimize import minimize
from gnsverify.reproduce import reproduce

__all__ = ["Case", "Family", "RateModel", "CaseReport", "verify", "campaign", "get_case",
           "default_cases", "search", "phase_experiment", "minimize", "reproduce", "Verdict", "PASS", "FAIL",
           "INCONCLUSIVE", "worst"]
