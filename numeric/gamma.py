"""Numerical estimate of the gradient-normalized smoothness ``gamma(x)`` (docs/theory.md, section 2).

Definition (``g = grad f(x)``, ``r_x(h) = grad f(x+h) - g - H(x) h``)::

    gamma(x) = sup{ gamma >= 0 : ||r_x(h)||_* <= ||g||_* ||h|| / gamma  for all h in S(gamma) }

with ``S(gamma) = Ball(gamma)`` (``gamma_ball``, region 0) or ``Ball(gamma) ∩ O(x, g)``,
``O(x, g) = {h : <H h, h> + <g, h> <= 0}`` (region 1).

**Identity** ``gamma_as_inf``. A step ``h != 0`` violates the condition at ``gamma``
iff ``||h|| <= gamma`` and ``gamma > ||g||_* ||h|| / ||r_x(h)||_*``; so the set of
``gamma`` it rules out is ``(t(h), inf)`` with

    t(h) = max(||h||, ||g||_* ||h|| / ||r_x(h)||_*)          (t(h) = inf when r_x(h) = 0)

and ``gamma(x) = inf { t(h) : h != 0 admissible }`` (admissible = in ``O`` for region 1).
This is the same number as ``sup{gamma : gamma rho(gamma) <= ||g||_*}`` with the
non-decreasing ``rho(t) = sup{||r_x(h)||_*/||h|| : 0 < ||h|| <= t}``; the infimum form
needs no bisection and makes the estimate a plain minimum over the sampled steps.

**Upper estimate** (``gamma_upper_estimate``). The estimator takes the minimum of
``t(h)`` over a finite set of sampled steps, hence never below the true infimum:
``estimate >= gamma(x)``. Every finite value it returns is *witnessed* by a sampled
``h`` that genuinely violates the condition at every ``gamma`` above the estimate.
This is the right direction for falsification: a claimed lower bound
``gamma(x) >= pi`` is refuted only by such a witness (an ``h`` with ``||h|| <= pi`` and
``||r_x(h)||_* > ||g||_* ||h|| / pi``), never by a sampling miss. Adding samples can
only lower the estimate (nested sample sets give a non-increasing estimate).

**Rounding guard** (``residual_noise``). The computed residual is a difference of
gradients and carries an absolute rounding error that does not shrink with ``h``.
A step counts as a violation only by its guarded residual
``rg(h) = ||r_x(h)||_* - tau(h)``, where

    tau(h) = 16 (eps0 + u (||g(x+h)||_* + ||g||_* + n || |H| (|x| + |h|) ||_*)),

``u`` is the unit roundoff (machine epsilon), ``|H|`` the entrywise absolute value and
``eps0`` the largest computed residual at probe steps of size
``sqrt(u) (1 + max_i |x_i|)`` (at such tiny steps the residual of a ``C^2`` function is
at rounding level, so ``eps0`` measures the gradient's own rounding noise; for
functions whose Hessian is not smooth it also contains a small true residual, which
only makes the guard more conservative). ``t(h)`` uses ``rg`` in place of
``||r_x(h)||_*``. The guard can only raise the estimate, so ``gamma_upper_estimate``
still holds; its price is that violations smaller than the noise level ``tau`` are
not reported (relevant only when ``||g||_*`` itself is near rounding level). A
non-finite gradient at ``x + h`` counts as a violation (``rg = inf``).

**Sample set.** Directions ``u`` of unit length in the metric ``B`` (all generated in
whitened coordinates ``z = L^T u`` when ``B = L L^T``, identity otherwise), in this
fixed order: ``-B^-1 g``; the saddle-free Newton direction ``-|H|^-1 g`` (eigenvalues
replaced by their absolute values); ``N_PATH`` points of the method's own path
``-(H + lambda B)^-1 g`` (``lambda`` geometric between the smallest and largest
eigenvalue modulus, skipped when ``H + lambda B`` is not positive definite);
``+-`` eigenvectors of ``B^-1/2 H B^-1/2``; ``+-`` coordinate directions; then ``n_dirs``
Gaussian directions from a seeded splitmix64 generator (uniform on the ``B``-sphere).
Radii: ``gamma_hi * 2^-j`` for ``j = 0..n_radii-1``, restricted to the admissible
radii of the direction, plus the endpoints of that admissible interval. For region 1
the admissible radii of a direction ``u`` are ``{s >= 0 : s^2 a + s b <= 0}`` with
``a = <H u, u>``, ``b = <g, u>``: ``[0, -b/a]`` if ``a > 0`` and ``b < 0``; ``[0, inf)``
if ``a <= 0`` and ``b <= 0``; ``[-b/a, inf)`` if ``a < 0 < b``; empty otherwise.
Then *refinement*: golden-section search in ``log s`` around the ``N_TOP`` best
sampled steps (distinct); up to ``N_ASCENT`` ascent steps of ``||r_x(s u)||_*`` on the direction at
fixed radius (gradient ``s L^-1 (hess f(x+h) - H) B^-1 r`` in whitened coordinates:
power iteration when ``r`` is linear in ``h``), each followed by a radius search; and
an adaptive random pattern search on ``(u, s)`` from the best step. The refinement
only adds samples, so it can only lower the estimate. Everything is deterministic
given ``seed`` (a private splitmix64 stream: no global random state is touched).

Compiled interface (agreed with the solver and the checker)::

    gamma_estimate(kind, data, hcode, hdata, mode, B, L, x, region, n_dirs, n_radii,
                   seed, gamma_hi) -> float
    violation_at(kind, data, hcode, hdata, mode, B, L, x, radius, region, n_dirs,
                 n_radii, seed) -> (ratio, h)
    violation_report(same arguments) -> (ratio, h, ||g||_*, ||r_x(h)||_*, tau(h))

Python: :func:`estimate_gamma`, :func:`find_violation` (returns :class:`Violation`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric._jit import jit
from numeric import metric as _metric
from numeric import oracles as _or

U_ROUND = np.finfo(np.float64).eps
NOISE_FACTOR = 16.0
RADIUS_RATIO = 2.0
N_PATH = 6
N_TOP = 6
N_LINE = 20
N_PATTERN = 48
N_ASCENT = 8
GOLDEN = 0.5 * (np.sqrt(5.0) - 1.0)

BALL, REGION_O = 0, 1

# Sample-set defaults, shared by :func:`estimate_gamma`, :func:`find_violation` and the
# solver's ideal step (``numeric.solver``). Radii are ``gamma_hi * 2^-j``,
# ``j < n_radii``: ``1e8 * 2^-47 ~ 7e-7``, so every scale from ``1e-6`` to ``1e8`` is
# sampled (a finer ``gamma`` below the smallest radius is still found through the
# admissible endpoints and the refinement, but the grid must reach down to it).
ESTIMATOR_DEFAULTS = dict(n_dirs=32, n_radii=48, seed=0, gamma_hi=1e8)
MODE_GAMMA, MODE_VIOLATION = 0, 1


# ----------------------------------------------------------------------------- RNG
@jit
def _splitmix(state):
    """Advance the splitmix64 state (``uint64[1]``) and return a uniform in ``[0, 1)``."""
    state[0] = state[0] + np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def _normal(state):
    """Standard normal by Box-Muller from two uniforms."""
    u1 = 1.0 - _splitmix(state)          # in (0, 1]
    u2 = _splitmix(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@jit
def _gaussian_unit(state, n):
    z = np.empty(n)
    nz = 0.0
    while nz == 0.0:
        for i in range(n):
            z[i] = _normal(state)
        nz = np.sqrt(np.dot(z, z))
    return z / nz


# ------------------------------------------------------------------- metric helpers
@jit
def _upper_solve_t(mode, L, z):
    """``L^-T z`` (the primal step whose ``B``-norm is ``|z|``); ``z`` itself for ``B = I``."""
    if mode == _metric.IDENTITY:
        return z.copy()
    n = z.shape[0]
    y = np.empty(n)
    for i in range(n - 1, -1, -1):
        acc = z[i]
        for j in range(i + 1, n):
            acc -= L[j, i] * y[j]
        y[i] = acc / L[i, i]
    return y


@jit
def _whiten(mode, L, g, H):
    """``(g_w, C) = (L^-1 g, L^-1 H L^-T)``: gradient and ``H`` in whitened coordinates."""
    if mode == _metric.IDENTITY:
        return g.copy(), H.copy()
    n = g.shape[0]
    gw = _metric._lower_solve(L, g)
    M = np.empty((n, n))                   # L^-1 H
    for j in range(n):
        M[:, j] = _metric._lower_solve(L, np.ascontiguousarray(H[:, j]))
    C = np.empty((n, n))                   # (L^-1 (L^-1 H)^T)^T = L^-1 H L^-T
    for i in range(n):
        C[i, :] = _metric._lower_solve(L, np.ascontiguousarray(M[i, :]))
    return gw, 0.5 * (C + C.T)


# ----------------------------------------------------------------- sample directions
@jit
def _directions(gw, C):
    """Deterministic unit directions (whitened coordinates) in the documented order,
    before the coordinate and random ones: ``(Z, keep, rows)``; ``keep[k]`` is false for
    a direction that does not exist (e.g. ``g = 0``)."""
    n = gw.shape[0]
    n_path = N_PATH if n > 1 else 0
    n_eig = 2 * n if n > 1 else 0
    m = 2 + n_path + n_eig
    Z = np.zeros((m, n))
    keep = np.zeros(m, dtype=np.bool_)
    gn = np.sqrt(np.dot(gw, gw))
    w, V = np.linalg.eigh(C)
    row = 0
    if gn > 0.0:
        Z[row] = -gw / gn
        keep[row] = True
    row += 1
    wmax = 0.0
    for i in range(n):
        wmax = max(wmax, abs(w[i]))
    cut = 1e-12 * wmax
    proj = V.T @ gw
    if gn > 0.0 and wmax > 0.0:
        d = np.zeros(n)
        for i in range(n):
            if abs(w[i]) > cut:
                d -= V[:, i] * (proj[i] / abs(w[i]))
        nd = np.sqrt(np.dot(d, d))
        if nd > 0.0 and np.isfinite(nd):
            Z[row] = d / nd
            keep[row] = True
    row += 1
    if n_path > 0:
        wmin = wmax
        for i in range(n):
            if abs(w[i]) > cut:
                wmin = min(wmin, abs(w[i]))
        for j in range(n_path):
            lam = wmin * (wmax / wmin) ** ((j + 0.5) / n_path) if wmax > 0.0 else 0.0
            ok = gn > 0.0 and wmax > 0.0
            d = np.zeros(n)
            for i in range(n):
                den = w[i] + lam
                if not (den > 0.0):
                    ok = False
                    break
                d -= V[:, i] * (proj[i] / den)
            nd = np.sqrt(np.dot(d, d))
            if ok and nd > 0.0 and np.isfinite(nd):
                Z[row] = d / nd
                keep[row] = True
            row += 1
    if n_eig > 0:
        for i in range(n):
            Z[row] = V[:, i]
            Z[row + 1] = -V[:, i]
            keep[row] = True
            keep[row + 1] = True
            row += 2
    return Z, keep, row


@jit
def _coordinate_rows(Z, keep, row, mode, L):
    """``+-e_i / ||e_i||`` in whitened coordinates (``L^T e_i / |L^T e_i|``)."""
    n = Z.shape[1]
    for i in range(n):
        z = np.zeros(n)
        if mode == _metric.IDENTITY:
            z[i] = 1.0
        else:
            for k in range(n):
                z[k] = L[i, k]   # row i of L = column i of L^T
            z /= np.sqrt(np.dot(z, z))
        Z[row] = z
        Z[row + 1] = -z
        keep[row] = True
        keep[row + 1] = True
        row += 2
    return row


@jit
def _admissible(region, gw, C, z, cap):
    """Admissible radii ``[lo, hi]`` of direction ``z`` within ``(0, cap]`` (``lo > hi``: none)."""
    if region == BALL:
        return 0.0, cap
    a = np.dot(z, C @ z)
    b = np.dot(gw, z)
    if a > 0.0:
        if b < 0.0:
            return 0.0, min(-b / a, cap)
        return 1.0, 0.0
    if a == 0.0:
        if b <= 0.0:
            return 0.0, cap
        return 1.0, 0.0
    if b <= 0.0:
        return 0.0, cap
    return -b / a, cap


# ----------------------------------------------------------------- residual and score
@jit
def guarded_residual(kind, data, mode, B, L, x, g, gnorm, H, eps0, h):
    """``(||r_x(h)||_*, tau(h))``: the residual's dual norm and its rounding guard.

    ``||r||_* = inf`` when the gradient at ``x + h`` is not finite.
    """
    n = x.shape[0]
    _, gh = _or.value_grad(kind, data, x + h)
    r = gh - g - H @ h
    rn = _metric.norm_dual(mode, B, L, r)
    if not np.isfinite(rn):
        return np.inf, 0.0
    ah = np.abs(H) @ (np.abs(x) + np.abs(h))
    tau = NOISE_FACTOR * (eps0 + U_ROUND * (_metric.norm_dual(mode, B, L, gh) + gnorm
                                            + n * _metric.norm_dual(mode, B, L, ah)))
    return rn, tau


@jit
def _score(how, s, rg, gnorm):
    """Quantity minimized by the search.

    ``MODE_GAMMA``: ``t(h) = max(s, gnorm s / rg)`` (``inf`` unless ``rg > 0``).
    ``MODE_VIOLATION``: ``-rg / s`` (minus the guarded residual per unit step).
    """
    if how == MODE_GAMMA:
        if rg > 0.0:
            return max(s, gnorm * s / rg)
        return np.inf
    return -rg / s


@jit
def _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, s):
    h = _upper_solve_t(mode, L, s * z)
    rn, tau = guarded_residual(kind, data, mode, B, L, x, g, gnorm, H, eps0, h)
    return _score(how, s, rn - tau, gnorm), h


@jit
def _line(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, region, gw, C, cap, z, s0,
          best, best_h, best_z, best_s):
    """Golden-section search of the score in ``log s`` on ``[s0/2, 2 s0]`` ∩ admissible
    radii of ``z``; returns the updated ``(best, best_h, best_z, best_s)``."""
    lo, hi = _admissible(region, gw, C, z, cap)
    a = np.log(max(s0 / RADIUS_RATIO, lo))
    b = np.log(min(s0 * RADIUS_RATIO, hi))
    if not (b > a):
        return best, best_h, best_z, best_s
    c1 = b - GOLDEN * (b - a)
    c2 = a + GOLDEN * (b - a)
    f1, h1 = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, np.exp(c1))
    f2, h2 = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, np.exp(c2))
    for it in range(N_LINE):
        if f1 < best:
            best, best_h, best_z, best_s = f1, h1, z.copy(), np.exp(c1)
        if f2 < best:
            best, best_h, best_z, best_s = f2, h2, z.copy(), np.exp(c2)
        if f1 <= f2:
            b, c2, f2, h2 = c2, c1, f1, h1
            c1 = b - GOLDEN * (b - a)
            f1, h1 = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, np.exp(c1))
        else:
            a, c1, f1, h1 = c1, c2, f2, h2
            c2 = a + GOLDEN * (b - a)
            f2, h2 = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, np.exp(c2))
    if f1 < best:
        best, best_h, best_z, best_s = f1, h1, z.copy(), np.exp(c1)
    if f2 < best:
        best, best_h, best_z, best_s = f2, h2, z.copy(), np.exp(c2)
    return best, best_h, best_z, best_s


@jit
def _noise_floor(kind, data, mode, B, L, x, g, gnorm, H, Z, keep):
    """``eps0``: largest computed residual over probe steps of size ``sqrt(u)(1 + max|x|)``."""
    xm = 0.0
    for i in range(x.shape[0]):
        xm = max(xm, abs(x[i]))
    delta = np.sqrt(U_ROUND) * (1.0 + xm)
    eps0 = 0.0
    used = 0
    for k in range(Z.shape[0]):
        if not keep[k]:
            continue
        h = _upper_solve_t(mode, L, delta * Z[k])
        _, gh = _or.value_grad(kind, data, x + h)
        rn = _metric.norm_dual(mode, B, L, gh - g - H @ h)
        if np.isfinite(rn):
            eps0 = max(eps0, rn)
        used += 1
        if used >= 4:
            break
    return eps0


@jit
def _keep_top(top_sc, top_k, top_s, sc, k, s):
    """Insert ``(sc, k, s)`` into the sorted list of the best scores; a score equal to a
    listed one at the same radius (a duplicate direction) is skipped."""
    K = top_sc.shape[0]
    if not (sc < top_sc[K - 1]):
        return
    for i in range(K):
        if sc == top_sc[i] and s == top_s[i]:
            return
    i = K - 1
    while i > 0 and sc < top_sc[i - 1]:
        top_sc[i] = top_sc[i - 1]
        top_k[i] = top_k[i - 1]
        top_s[i] = top_s[i - 1]
        i -= 1
    top_sc[i] = sc
    top_k[i] = k
    top_s[i] = s


@jit
def _search(kind, data, hcode, hdata, mode, B, L, x, region, how, cap, n_dirs, n_radii,
            seed, refine):
    """Minimize the score over the sample set (+ refinement when ``refine``).

    Returns ``(best_score, best_h, gnorm, eps0)``; ``best_h`` is zeros when nothing
    finite was found. ``gnorm`` is ``nan`` when ``f``, its gradient or ``H`` is not
    finite at ``x``; ``eps0`` is the noise floor of ``residual_noise``.
    """
    n = x.shape[0]
    _, g = _or.value_grad(kind, data, x)
    gnorm = _metric.norm_dual(mode, B, L, g)
    best_h = np.zeros(n)
    if not np.isfinite(gnorm):
        return np.nan, best_h, np.nan, 0.0
    H = _or.hess(kind, data, hcode, hdata, x, g, gnorm)
    for i in range(n):
        for j in range(n):
            if not np.isfinite(H[i, j]):
                return np.nan, best_h, np.nan, 0.0
    gw, C = _whiten(mode, L, g, H)
    state = np.zeros(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    Z0, keep0, row = _directions(gw, C)
    m = row + 2 * n + n_dirs
    Z = np.zeros((m, n))
    keep = np.zeros(m, dtype=np.bool_)
    Z[:row] = Z0[:row]
    keep[:row] = keep0[:row]
    row = _coordinate_rows(Z, keep, row, mode, L)
    for k in range(n_dirs):
        Z[row + k] = _gaussian_unit(state, n)
        keep[row + k] = True
    eps0 = _noise_floor(kind, data, mode, B, L, x, g, gnorm, H, Z, keep)

    best = np.inf
    best_z = np.zeros(n)
    best_s = 0.0
    top_sc = np.full(N_TOP, np.inf)       # the N_TOP best distinct (score, direction, radius)
    top_k = np.zeros(N_TOP, dtype=np.int64)
    top_s = np.zeros(N_TOP)
    radii = np.empty(n_radii + 2)
    for k in range(m):
        if not keep[k]:
            continue
        z = Z[k]
        lo, hi = _admissible(region, gw, C, z, cap)
        if not (lo <= hi) or hi <= 0.0:
            continue
        # radii ascending: admissible endpoints and the grid cap * 2^-j inside [lo, hi]
        cnt = 0
        if lo > 0.0:
            radii[cnt] = lo
            cnt += 1
        for j in range(n_radii - 1, -1, -1):
            s = cap * RADIUS_RATIO ** (-j)
            if s > lo and s < hi:
                radii[cnt] = s
                cnt += 1
        if hi > lo:
            radii[cnt] = hi
            cnt += 1
        for q in range(cnt):
            s = radii[q]
            if how == MODE_GAMMA and s >= best:
                break                       # t(h) >= ||h||: cannot improve
            sc, h = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, s)
            _keep_top(top_sc, top_k, top_s, sc, k, s)
            if sc < best:
                best = sc
                best_h = h
                best_z = z.copy()
                best_s = s
    if not refine or not np.isfinite(best):
        return best, best_h, gnorm, eps0

    # line refinement (golden section in log s) around the N_TOP best sampled steps
    for t in range(N_TOP):
        if not np.isfinite(top_sc[t]):
            break
        best, best_h, best_z, best_s = _line(kind, data, mode, B, L, x, g, gnorm, H, eps0,
                                             how, region, gw, C, cap, Z[top_k[t]], top_s[t],
                                             best, best_h, best_z, best_s)

    # ascent on the direction at fixed radius: gradient of 1/2 ||r(s u)||_*^2 with respect
    # to the whitened direction z is  s L^-1 (hess f(x+h) - H)^T B^-1 r  (power iteration
    # when r is linear in h); the new direction is then line-searched in radius
    for it in range(N_ASCENT):
        h = _upper_solve_t(mode, L, best_s * best_z)
        xh = x + h
        _, gh = _or.value_grad(kind, data, xh)
        r = gh - g - H @ h
        J = _or.exact_hess(kind, data, xh) - H
        if mode == _metric.IDENTITY:
            d = J.T @ r
        else:
            d = _metric._lower_solve(L, J.T @ np.linalg.solve(B, r))
        d = d - np.dot(d, best_z) * best_z
        nd = np.sqrt(np.dot(d, d))
        if not (nd > 0.0) or not np.isfinite(nd):
            break
        d /= nd
        improved = False
        for step in (2.0, 0.5, 0.125):
            z = best_z + step * d
            z = z / np.sqrt(np.dot(z, z))
            lo, hi = _admissible(region, gw, C, z, cap)
            if not (lo <= hi) or hi <= 0.0:
                continue
            s = min(max(best_s, lo), hi)
            if s <= 0.0:
                continue
            sc, hz = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, s)
            if sc < best:
                best, best_h, best_z, best_s = sc, hz, z, s
                improved = True
                break
        if not improved:
            break
        best, best_h, best_z, best_s = _line(kind, data, mode, B, L, x, g, gnorm, H, eps0,
                                             how, region, gw, C, cap, best_z, best_s,
                                             best, best_h, best_z, best_s)

    # adaptive random pattern search on (direction, radius) from the best step
    sigma = 0.1
    for it in range(N_PATTERN):
        z = best_z + sigma * _gaussian_unit(state, n)
        nz = np.sqrt(np.dot(z, z))
        if nz == 0.0:
            continue
        z = z / nz
        s = best_s * np.exp(sigma * _normal(state))
        lo, hi = _admissible(region, gw, C, z, cap)
        if not (lo <= hi) or hi <= 0.0:
            sigma *= 0.7
            continue
        s = min(max(s, lo), hi)
        if s <= 0.0:
            sigma *= 0.7
            continue
        sc, h = _eval(kind, data, mode, B, L, x, g, gnorm, H, eps0, how, z, s)
        if sc < best:
            best, best_h, best_z, best_s = sc, h, z, s
            sigma = min(1.0, 1.5 * sigma)
        else:
            sigma *= 0.7
    return best, best_h, gnorm, eps0


# ----------------------------------------------------------------- public kernels
@jit
def gamma_estimate(kind, data, hcode, hdata, mode, B, L, x, region, n_dirs, n_radii, seed,
                   gamma_hi):
    """Upper estimate of ``gamma(x)`` (region 0: ``gamma_ball``; 1: ball ∩ ``O``).

    ``inf`` when no sampled step of length ``<= gamma_hi`` violates the condition at
    any ``gamma <= gamma_hi`` (the estimate is then ``>= gamma_hi``); ``nan`` when
    ``f``, its gradient or ``H`` is not finite at ``x``. Deterministic given ``seed``.
    """
    # np.int64 / np.bool_ keep the arguments non-literal: one compiled _search serves
    # this kernel and the Python wrapper estimate_gamma (which calls _search directly:
    # a compiled wrapper in between would link and optimize all of _search once more)
    best, _, gnorm, _ = _search(kind, data, hcode, hdata, mode, B, L, x, region,
                                np.int64(MODE_GAMMA), gamma_hi, n_dirs, n_radii, seed,
                                np.bool_(True))
    return _estimate(best, gnorm, gamma_hi)


@jit
def _estimate(best, gnorm, gamma_hi):
    """The estimate from the minimum ``best`` of the search: ``nan`` when the oracles
    were not finite (``gnorm`` is ``nan``), ``inf`` above ``gamma_hi``."""
    if np.isnan(gnorm):
        return np.nan
    if best > gamma_hi:
        return np.inf
    return best


@jit
def violation_report(kind, data, hcode, hdata, mode, B, L, x, radius, region, n_dirs, n_radii,
                     seed):
    """Worst sampled step for the claim ``gamma(x) >= radius``:
    ``(ratio, h, ||g||_*, ||r_x(h)||_*, tau(h))``.

    ``ratio = radius (||r_x(h)||_* - tau(h)) / (||g||_* ||h||)`` maximized over sampled
    admissible ``h`` with ``0 < ||h|| <= radius``. ``ratio > 1`` means ``h`` violates the
    GNS condition at ``gamma = radius`` even after the rounding guard: a genuine
    counterexample to ``gamma(x) >= radius``. ``ratio = inf`` when ``||g||_* = 0`` and some
    guarded residual is positive; ``nan`` when the oracles are not finite at ``x``.
    """
    best, h, gnorm, eps0 = _search(kind, data, hcode, hdata, mode, B, L, x, region,
                                   np.int64(MODE_VIOLATION), radius, n_dirs, n_radii, seed,
                                   np.bool_(True))
    return _violation_of(kind, data, hcode, hdata, mode, B, L, x, radius, best, h, gnorm, eps0)


@jit
def _violation_of(kind, data, hcode, hdata, mode, B, L, x, radius, best, h, gnorm, eps0):
    """:func:`violation_report` from the search's result ``(best, h, gnorm, eps0)``
    (separate so that the Python wrapper can call ``_search`` itself: a compiled
    caller of ``_search`` links and optimizes all of it once more)."""
    if np.isnan(gnorm):
        return np.nan, h, np.nan, np.nan, np.nan
    _, g = _or.value_grad(kind, data, x)
    H = _or.hess(kind, data, hcode, hdata, x, g, gnorm)
    rn, tau = guarded_residual(kind, data, mode, B, L, x, g, gnorm, H, eps0, h)
    q = -best                              # max guarded residual per unit step
    if not np.isfinite(q) and q < 0.0:
        ratio = -np.inf
    elif gnorm == 0.0:
        ratio = np.inf if q > 0.0 else 0.0
    else:
        ratio = radius * q / gnorm
    return ratio, h, gnorm, rn, tau


@jit
def violation_at(kind, data, hcode, hdata, mode, B, L, x, radius, region, n_dirs, n_radii,
                 seed):
    """``(ratio, h)`` of :func:`violation_report` (the compiled interface)."""
    ratio, h, _, _, _ = violation_report(kind, data, hcode, hdata, mode, B, L, x, radius,
                                         region, n_dirs, n_radii, seed)
    return ratio, h


# ----------------------------------------------------------------- Python wrappers
REGIONS = {"ball": BALL, "O": REGION_O}


@dataclass(frozen=True)
class Violation:
    """The worst sampled step for the claim ``gamma(x) >= radius``.

    ``violated`` is true when ``residual - noise > bound``, i.e.
    ``||r_x(h)||_* - tau(h) > ||g||_* ||h|| / radius``: then ``h`` (with
    ``||h|| <= radius``, and ``h`` in ``O`` for region ``"O"``) is a genuine counterexample.
    """

    ratio: float        # radius (||r||_* - tau) / (||g||_* ||h||)
    h: np.ndarray
    step: float         # ||h||
    residual: float     # ||r_x(h)||_*
    noise: float        # tau(h), the rounding guard
    bound: float        # ||g||_* ||h|| / radius
    gnorm: float
    radius: float

    @property
    def violated(self) -> bool:
        return bool(self.step > 0 and self.residual - self.noise > self.bound)


def _check_count(name, value, lo, hi):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not lo <= int(value) <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}.")
    return int(value)


def _prepare(problem, x, hessian, B, region, n_dirs, n_radii, seed):
    from numeric.metric import make_metric
    from numeric.problems.base import Problem, check_point
    from numeric._checks import resolve_hessian
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a numeric.problems.base.Problem, got {type(problem).__name__}.")
    x = check_point(problem, x)
    r = resolve_hessian(problem, hessian)
    if region not in REGIONS:
        raise ValueError(f"region must be one of {sorted(REGIONS)}, got {region!r}.")
    n_dirs = _check_count("n_dirs", n_dirs, 0, 100000)
    n_radii = _check_count("n_radii", n_radii, 1, 1000)
    seed = _check_count("seed", seed, 0, 2**63 - 1)
    met = make_metric(B, problem.n)
    _, g = _or.value_grad(problem.kind, problem.data, x)
    if not np.all(np.isfinite(g)):
        raise ValueError("x must be a point where the gradient of f is finite.")
    return x, r, met, REGIONS[region], n_dirs, n_radii, seed


def estimate_gamma(problem, x, hessian="exact", B=None, region="ball",
                   n_dirs=ESTIMATOR_DEFAULTS["n_dirs"], n_radii=ESTIMATOR_DEFAULTS["n_radii"],
                   seed=ESTIMATOR_DEFAULTS["seed"], gamma_hi=ESTIMATOR_DEFAULTS["gamma_hi"],
                   refine=True) -> float:
    """Upper estimate of ``gamma(x)`` (``region="ball"``: ``gamma_ball``; ``"O"``: ball ∩ O).

    Returns ``inf`` when no violation is found up to ``gamma_hi`` (the true value may
    be any number ``>= gamma_hi`` as far as the samples can tell). ``refine=False``
    skips the refinement (plain minimum over the grid sample set). Raises
    ``ValueError`` on invalid input, before any compiled code runs.
    """
    from numeric.problems.base import check_positive
    gamma_hi = check_positive("gamma_hi", gamma_hi)
    x, r, met, reg, n_dirs, n_radii, seed = _prepare(problem, x, hessian, B, region, n_dirs,
                                                     n_radii, seed)
    best, _, gnorm, _ = _search(problem.kind, problem.data, r.code, r.data, met.mode, met.B,
                                met.L, x, reg, MODE_GAMMA, gamma_hi, n_dirs, n_radii, seed,
                                bool(refine))
    return float(_estimate(best, gnorm, gamma_hi))


def find_violation(problem, x, radius, hessian="exact", B=None, region="ball",
                   n_dirs=ESTIMATOR_DEFAULTS["n_dirs"], n_radii=ESTIMATOR_DEFAULTS["n_radii"],
                   seed=ESTIMATOR_DEFAULTS["seed"]) -> Violation:
    """Search for a step ``h`` refuting ``gamma(x) >= radius``; return the worst one found.

    ``result.violated`` is true for a genuine counterexample (see :class:`Violation`).
    """
    from numeric.problems.base import check_positive
    radius = check_positive("radius", radius)
    x, r, met, reg, n_dirs, n_radii, seed = _prepare(problem, x, hessian, B, region, n_dirs,
                                                     n_radii, seed)
    args = (problem.kind, problem.data, r.code, r.data, met.mode, met.B, met.L, x)
    best, h, gnorm, eps0 = _search(*args, reg, MODE_VIOLATION, radius, n_dirs, n_radii, seed,
                                   True)
    ratio, h, gnorm, rn, tau = _violation_of(*args, radius, best, h, gnorm, eps0)
    step = float(np.sqrt(h @ (h if met.mode == 0 else met.B @ h)))
    return Violation(ratio=float(ratio), h=np.asarray(h), step=float(step),
                     residual=float(rn), noise=float(tau), bound=float(gnorm * step / radius),
                     gnorm=float(gnorm), radius=radius)
