"""Named trace quantities: the vocabulary shared by rate models and the checker.

Per-step inequalities are sympy relations over these symbols. The checker binds
each name to an array taken from a numeric trace (index ``k`` = step
``x_k -> x_{k+1}``) and evaluates the relation elementwise. Same names in
``docs/theory.md``.

=========  ==========================================================
name       meaning
=========  ==========================================================
f_k        f(x_k)
f_next     f(x_{k+1})
g_k        ||grad f(x_k)||_*
g_next     ||grad f(x_{k+1})||_*
gamma_k    accepted second-order step size gamma_k
lam_k      lambda_k = g_k / gamma_k
step_k     ||h_k|| = ||x_{k+1} - x_k|| (metric B)
pi_k       pi(g_k), the class lower bound on gamma(x_k)
pi_next    pi(g_next)
D          bound on ||x - x*|| over the initial sublevel set
f_star     f* (optimal value)
eps        target accuracy
G0         ||grad f(x_0)||_*
F0         f(x_0) - f*
trial_gamma  gamma of one step-size trial at x_k (one entry per trial)
trial_first  first trial gamma of the search at x_k
=========  ==========================================================
"""
from __future__ import annotations

import sympy as sp

_NAMES = ("f_k", "f_next", "g_k", "g_next", "gamma_k", "lam_k", "step_k",
          "pi_k", "pi_next", "D", "f_star", "eps", "G0", "F0", "trial_gamma", "trial_first")

(f_k, f_next, g_k, g_next, gamma_k, lam_k, step_k, pi_k, pi_next, D, f_star, eps, G0, F0,
 trial_gamma, trial_first) = (sp.Symbol(name, real=True) for name in _NAMES)
SYMBOLS = {name: sp.Symbol(name, real=True) for name in _NAMES}

#: The step-size rules of the method (THEORY.md section 2), the theory layer's one list.
STEPS = ("adaptive", "theory", "ideal")
TRACE_NAMES = _NAMES
