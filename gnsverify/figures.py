"""Figures from backend-neutral plot data (plain dicts), rendered with matplotlib (Agg).

Convergence plot data (``CaseReport.curves``) may come in any of these shapes:

* the shape :func:`gnsverify.verify.verify` produces:
  ``{"measure", "runs": {name: {"k", "value"}}, "bound": {step: {"eps", "K"}}}``,
  drawn as two panels: the runs against the iteration (with the points
  ``(K(eps), eps)`` that fall in range), and the iterations to reach each ``eps``,
  observed against the theorem's ``K(eps)`` (see :func:`_verify_panels`);
* ``{"panels": [panel, ...], "title": ...}``;
* one panel: ``{"series": [series, ...], "xlabel", "ylabel", "yscale", "title"}``;
* a mapping ``name -> series`` (each with ``x``/``y``, or ``k`` and one measured
  array), or ``name -> {quantity: array}`` (one panel per quantity).

A *series* is ``{"label", "x", "y"}`` plus optional ``"kind"``: ``"observed"``
(solid line, the default), ``"predicted"`` / ``"bound"`` (dashed: the theorem's
bound overlaid) or ``"fit"`` (dotted); ``"marker"`` adds markers and ``"scatter":
true`` drops the line. A series whose label contains "predicted" or "bound" is
dashed too.

Phase data (``phase_experiment``'s dict) is read by :func:`phase_points` into
``{"alpha", "beta", "predicted", "observed"}`` points; the figure shows observed vs
predicted exponent (the diagonal is agreement) and the grid coloured by observed
exponent.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

_BOUND_WORDS = ("predicted", "bound", "theory bound", "theorem")
#: Bound points ``(K(eps), eps)`` beyond this many times the longest run are not drawn
#: (they would flatten the observed curves); the panel notes how many and the smallest.
BOUND_RANGE = 20
_ARRAY_KEYS = ("y", "values", "value", "data")


def _is_seq(v) -> bool:
    return isinstance(v, (list, tuple, np.ndarray))


def _is_bound(series: dict) -> bool:
    kind = str(series.get("kind", "")).lower()
    if kind in ("predicted", "bound"):
        return True
    return any(w in str(series.get("label", "")).lower() for w in _BOUND_WORDS)


def _series_from(name: str, spec: Any) -> list[dict]:
    """Series out of ``name -> spec`` (spec: a series dict, a dict of arrays, or an array)."""
    if _is_seq(spec):
        return [{"label": name, "y": list(spec)}]
    if not isinstance(spec, dict):
        return []
    if "y" in spec:
        s = dict(spec)
        s.setdefault("label", name)
        return [s]
    xs = spec.get("x", spec.get("k", spec.get("iteration")))
    out = []
    for key, arr in spec.items():
        if key in ("x", "k", "iteration", "label", "kind", "style") or not _is_seq(arr):
            continue
        s = {"label": f"{name}: {key}" if name else key, "y": list(arr), "quantity": key}
        if xs is not None and len(xs) == len(arr):
            s["x"] = list(xs)
        if "kind" in spec:
            s["kind"] = spec["kind"]
        out.append(s)
    return out


def _first_reach(values, eps: float):
    """First index ``k`` with ``min_{j<=k} values_j <= eps`` (``None`` if never)."""
    v = _as_float_array(values)
    v = np.where(np.isfinite(v), v, np.inf)
    hit = np.nonzero(np.minimum.accumulate(v) <= eps)[0] if v.size else np.array([], dtype=int)
    return int(hit[0]) if hit.size else None


def _verify_panels(curves: dict) -> list[dict]:
    """The shape of :func:`gnsverify.verify.verify`'s curves, as two panels.

    Left: the measured quantity of every run against the iteration, with the theorem's
    ``K(eps)`` drawn as the points ``(K(eps), eps)`` (the run must be at or below
    ``eps`` from iteration ``K(eps)`` on) where they fall within the plotted range.
    Right: iterations to reach each ``eps`` of the ladder, observed (method runs)
    against the theorem's ``K(eps)`` (dashed), on log-log axes.
    """
    measure = str(curves.get("measure", "measured quantity"))
    series, counts = [], []
    kmax = 1
    bounds = curves.get("bound") or {}
    ladder = next((b.get("eps") for b in bounds.values() if b.get("eps")), None)
    for name, run in curves["runs"].items():
        y = run.get("value", run.get("y", []))
        x = run.get("k", run.get("x", list(range(len(y)))))
        kmax = max(kmax, len(y))
        series.append({"label": str(name), "x": list(x), "y": list(y), "kind": "observed"})
        if ladder and not str(name).startswith("baseline:"):
            hits = [(e, _first_reach(y, e)) for e in _as_float_array(ladder)]
            hits = [(e, k) for e, k in hits if k is not None and k > 0]
            if hits:
                counts.append({"label": f"{name} (observed)", "x": [e for e, _ in hits],
                               "y": [k for _, k in hits], "kind": "observed", "marker": "o"})
    notes = []
    limit = BOUND_RANGE * kmax
    for step, b in bounds.items():
        K = _as_float_array(b.get("K", []))
        e = _as_float_array(b.get("eps", []))
        shown = np.isfinite(K) & (K <= limit)
        hidden = K[np.isfinite(K) & ~shown]
        if shown.any():
            series.append({"label": f"K(eps), {step} theorem", "x": K[shown].tolist(), "y": e[shown].tolist(),
                           "kind": "bound", "marker": "v"})
        if hidden.size:
            notes.append(f"{step}: {hidden.size} of {K.size} points (K(eps), eps) beyond k = {limit:.0f}")
        ok = np.isfinite(K) & (K > 0)
        if ok.any():
            counts.append({"label": f"K(eps), {step} theorem", "x": e[ok].tolist(), "y": K[ok].tolist(),
                           "kind": "bound", "marker": "v"})
    left = {"series": series, "xlabel": "iteration k", "ylabel": measure, "yscale": "log",
            "title": "convergence"}
    if notes:
        left["note"] = "; ".join(notes) + " (see right)"
    panels = [left]
    if counts:
        panels.append({"series": counts, "xlabel": f"eps (target for {measure})",
                       "ylabel": "iterations to reach eps", "xscale": "log", "yscale": "log",
                       "invert_x": True, "title": "observed iterations vs the theorem's K(eps)"})
    for key, xlabel, title in (("calls", "oracle calls (values + gradients + Hessians)", "against oracle calls"),
                               ("time", "wall time (s)", "against wall time")):
        cost = []
        for name, run in curves["runs"].items():
            pts = [(c, v) for c, v in zip(run.get(key) or [], run.get("value", [])) if c > 0]
            if pts:   # log axis: the start (time 0) is left out of the time panel
                cost.append({"label": str(name), "x": [c for c, _ in pts], "y": [v for _, v in pts],
                             "kind": "observed"})
        if cost:
            panels.append({"series": cost, "xlabel": xlabel, "ylabel": measure, "yscale": "log",
                           "xscale": "log", "title": title})
    return panels


def normalize(curves: dict) -> tuple[str | None, list[dict]]:
    """``(title, panels)`` out of any accepted shape (see the module docstring)."""
    if not isinstance(curves, dict):
        raise ValueError(f"plot data must be a dict, got {type(curves).__name__}.")
    title = curves.get("title")
    if isinstance(curves.get("runs"), dict):
        return title, _verify_panels(curves)
    if "panels" in curves:
        return title, [dict(p) for p in curves["panels"]]
    if "series" in curves:
        return title, [dict(curves)]
    series: list[dict] = []
    meta_keys = ("title", "xlabel", "ylabel", "yscale", "xscale")
    for name, spec in curves.items():
        if name in meta_keys:
            continue
        series += _series_from(str(name), spec)
    # one panel per measured quantity when series carry one
    quantities = []
    for s in series:
        q = s.get("quantity", s.get("ylabel", ""))
        if q not in quantities:
            quantities.append(q)
    panels = []
    for q in quantities:
        ss = [s for s in series if s.get("quantity", s.get("ylabel", "")) == q]
        panels.append({"series": ss, "ylabel": q or curves.get("ylabel", ""),
                       "xlabel": curves.get("xlabel", "iteration k"), "yscale": curves.get("yscale", "log")})
    return title, panels


def _positive(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    return np.where(y > 0, y, np.nan)


def _as_float_array(values) -> np.ndarray:
    out = []
    for v in values:
        if v is None:
            out.append(np.nan)
        elif isinstance(v, str):
            out.append(np.inf if v == "inf" else -np.inf if v == "-inf" else np.nan)
        else:
            out.append(float(v))
    return np.asarray(out, dtype=np.float64)


def _save(fig, path, **savefig) -> Path:
    """Lay ``fig`` out, write it to ``path`` (the format from its suffix), close it."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, **savefig)
    plt.close(fig)
    return path


def convergence_figure(curves: dict, path, *, title: str | None = None) -> Path:
    """Render convergence plot data to a PNG at ``path`` (observed solid, bounds dashed)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    head, panels = normalize(curves)
    panels = [p for p in panels if p.get("series")] or [{"series": []}]
    ncols = min(2, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.0 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, panel in zip(axes.flat, panels):
        yscale = panel.get("yscale", "log")
        for s in panel.get("series", []):
            y = _as_float_array(s.get("y", []))
            if y.size == 0:
                continue
            x = _as_float_array(s["x"]) if s.get("x") is not None else np.arange(y.size, dtype=float)
            if yscale == "log":
                y = _positive(y)
            if _is_bound(s):
                style = dict(ls="--", lw=1.5)
            elif s.get("kind") == "fit":
                style = dict(ls=":", lw=1.5)
            else:
                style = dict(ls="-", lw=1.3)
            if s.get("marker") or y.size == 1:
                style["marker"] = s.get("marker", "o")
            if s.get("scatter"):
                style["ls"] = "none"
            ax.plot(x, y, label=str(s.get("label", "")), **style)
        ax.set_yscale(yscale)
        if panel.get("xscale") == "symlog":
            ax.set_xscale("symlog", linthresh=10)
        elif panel.get("xscale"):
            ax.set_xscale(panel["xscale"])
        ax.set_xlabel(panel.get("xlabel", "iteration k"))
        ax.set_ylabel(panel.get("ylabel", ""))
        if panel.get("title"):
            ax.set_title(panel["title"], fontsize=10)
        if panel.get("invert_x"):
            ax.invert_xaxis()
        if panel.get("note"):
            import textwrap
            ax.annotate(textwrap.fill(str(panel["note"]), 80), xy=(0.0, -0.2), xycoords="axes fraction",
                        fontsize=6.5, va="top", ha="left")
        if any(s.get("label") for s in panel.get("series", [])):
            ax.legend(fontsize=6.5, loc="best", framealpha=0.8)
        ax.grid(True, which="major", alpha=0.3)
    if title or head:
        fig.suptitle(str(title or head), fontsize=11)
    return _save(fig, path, bbox_inches="tight")


# -- phase diagram --------------------------------------------------------------

def _pick(d: dict, *names):
    for n in names:
        if n in d:
            return d[n]
    return None


def phase_points(phase: dict) -> list[dict]:
    """Grid points ``{"alpha", "beta", "predicted", "observed", ...}`` from phase data.

    Accepts ``{"points": [...]}``, a list of points, or a grid
    ``{"alpha": [...], "beta": [...], "observed": [[...]], "predicted": [[...]]}``
    (rows indexed by alpha, columns by beta).
    """
    if phase is None:
        return []
    if isinstance(phase, list):
        return [dict(p) for p in phase]
    pts = _pick(phase, "points", "rows", "grid_points")
    if isinstance(pts, list):
        out = []
        for p in pts:
            q = dict(p)
            q.setdefault("observed", _pick(p, "observed_exponent", "fitted_exponent", "fitted"))
            q.setdefault("predicted", _pick(p, "predicted_exponent", "max_alpha_beta"))
            out.append(q)
        return out
    alphas = _pick(phase, "alpha", "alphas")
    betas = _pick(phase, "beta", "betas")
    obs = _pick(phase, "observed", "observed_exponent", "fitted")
    pred = _pick(phase, "predicted", "predicted_exponent")
    if alphas is None or betas is None or obs is None:
        return []
    out = []
    for i, a in enumerate(alphas):
        for j, b in enumerate(betas):
            o = obs[i][j] if _is_seq(obs[i]) else obs[i * len(betas) + j]
            p = (pred[i][j] if _is_seq(pred[i]) else pred[i * len(betas) + j]) if pred is not None \
                else max(float(a), float(b))
            out.append({"alpha": a, "beta": b, "predicted": p, "observed": o})
    return out


def _edges(centers: np.ndarray) -> np.ndarray:
    """Cell edges around sorted grid centres (for ``pcolormesh``)."""
    if centers.size == 1:
        return np.array([centers[0] - 0.5, centers[0] + 0.5])
    mid = 0.5 * (centers[1:] + centers[:-1])
    return np.concatenate([[2 * centers[0] - mid[0]], mid, [2 * centers[-1] - mid[-1]]])


def phase_figure(phase: dict, path) -> Path:
    """Empirical phase diagram: observed vs predicted exponent, and the (alpha, beta) grid."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = phase_points(phase)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.4, 4.2))
    if pts:
        a = _as_float_array([p.get("alpha") for p in pts])
        b = _as_float_array([p.get("beta") for p in pts])
        pr = _as_float_array([p.get("predicted") for p in pts])
        ob = _as_float_array([p.get("observed") for p in pts])
        ok = np.isfinite(pr) & np.isfinite(ob)
        lo = float(np.nanmin(np.concatenate([pr[ok], ob[ok]]))) if ok.any() else 0.0
        hi = max(float(np.nanmax(pr[np.isfinite(pr)])) if np.isfinite(pr).any() else 1.0,
                 float(np.nanmax(np.concatenate([pr[ok], ob[ok]]))) if ok.any() else 1.0)
        pad = 0.05 * max(hi - lo, 0.1)
        ax1.plot([lo - pad, hi + pad], [lo - pad, hi + pad], "k--", lw=1, label="observed = predicted")
        sc = ax1.scatter(pr[ok], ob[ok], c=b[ok], cmap="viridis", s=36, edgecolor="k", lw=0.4,
                         label="benign instances (power)")
        wo = _as_float_array([p.get("worst_exponent") for p in pts])
        okw = np.isfinite(pr) & np.isfinite(wo)
        if okw.any():
            ax1.scatter(pr[okw], wo[okw], c=b[okw], cmap="viridis", s=56, marker="^",
                        edgecolor="r", lw=0.8, label="worst-case instances (ramp)")
        fig.colorbar(sc, ax=ax1, label="beta")
        ax1.legend(fontsize=8)
        ua, ub = np.unique(a[np.isfinite(a)]), np.unique(b[np.isfinite(b)])
        if ua.size * ub.size == len(pts) and ua.size > 1 and ub.size > 1:
            Z = np.full((ub.size, ua.size), np.nan)
            for x, y, o in zip(a, b, ob):
                Z[np.searchsorted(ub, y), np.searchsorted(ua, x)] = o
            mesh = ax2.pcolormesh(_edges(ua), _edges(ub), np.ma.masked_invalid(Z), cmap="viridis",
                                  shading="flat")
        else:
            mesh = ax2.scatter(a, b, c=ob, cmap="viridis", s=300, marker="s", edgecolor="k", lw=0.4)
        fig.colorbar(mesh, ax=ax2, label="observed exponent")
        lo2 = float(np.nanmin(np.concatenate([a, b])))
        hi2 = float(np.nanmax(np.concatenate([a, b])))
        ax2.plot([lo2, hi2], [lo2, hi2], color="0.5", ls="--", lw=1, label="alpha = beta")
        for x, y, o, p in zip(a, b, ob, pr):
            if np.isfinite(o):
                ax2.annotate(f"{o:.2f}\n({p:.2f})", (x, y), fontsize=7, ha="center", va="center",
                             color="white", fontweight="bold")
        ax2.legend(fontsize=7, loc="upper left")
    ax1.set_xlabel("predicted exponent max(alpha, beta)")
    ax1.set_ylabel("observed exponent")
    ax1.set_title("iterations ~ eps^(-exponent)", fontsize=10)
    ax2.set_xlabel("class exponent alpha")
    ax2.set_ylabel("approximation exponent beta")
    ax2.set_title("observed (predicted) exponent; smoothness dominates where alpha >= beta", fontsize=9)
    return _save(fig, path)


# -- performance profiles ------------------------------------------------------------

def profile_figure(profiles: list[dict], path) -> Path:
    """Dolan-Moré performance profiles (:func:`gnsverify.report.methods.profile`), one
    panel per cost: ``rho_s(tau)`` as a step function of ``tau`` (log2 axis)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profiles = [p for p in profiles if p.get("cases")] or [{"label": "no cases", "curves": {}}]
    fig, axes = plt.subplots(1, len(profiles), figsize=(5.2 * len(profiles), 4.0), squeeze=False)
    for ax, prof in zip(axes[0], profiles):
        top = 1.0
        for curve in prof["curves"].values():
            if curve["tau"]:
                top = max(top, max(curve["tau"]))
        for name, curve in prof["curves"].items():
            tau = [1.0] + list(curve["tau"]) + [2.0 * top]
            rho = [0.0] + list(curve["rho"]) + [curve["rho"][-1] if curve["rho"] else 0.0]
            ax.step(tau, rho, where="post", lw=1.4, label=str(name))
        ax.set_xscale("log", base=2)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("tau (cost / cheapest method's cost)")
        ax.set_ylabel("fraction of cases within tau")
        ax.set_title(str(prof.get("label", "")), fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        if prof["curves"]:
            ax.legend(fontsize=7, loc="lower right", framealpha=0.8)
    fig.suptitle("performance profiles over the catalog", fontsize=11)
    return _save(fig, path)
