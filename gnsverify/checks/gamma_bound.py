"""Claim kind ``falsify:gamma_lower_bound``: a numerical search for a step ``h`` with
``||h|| <= pi(||g(x)||_*)`` (and ``h`` in ``O(x, g)`` for a region-``O`` bound) and
``||r_x(h)||_* > ||g(x)||_* ||h|| / pi(||g(x)||_*)``, at points along the runs and random
points of the initial sublevel set, then adversarial points (:mod:`gnsverify.gamma_search`).

The searcher samples, so it can only miss violations, never invent one: a reported
``h`` is a counterexample to ``gamma(x) >= pi``. Above the budget's ``gamma_max_n``
the search is reduced (fewer points, the radius ``pi`` only): still genuine, only
less thorough, and the verdict says what was tried.
"""
from __future__ import annotations

from gnsverify import gamma_search
from gnsverify.checks.base import Check


class GammaBoundCheck(Check):
    name = "gamma lower bound"
    claims = ("falsify:gamma_lower_bound",)
    needs = ("theory", "adaptive")

    def run(self, ctx):
        b, n = ctx.budget, ctx.problem.n
        if n > b["gamma_max_n"]:
            red = b["large_n"]
            pts = gamma_search.sample_points(ctx, ctx.runs, red["run_points"], red["random_points"],
                                        ctx.seed)
            search = dict(n_dirs=red["n_dirs"], n_radii=red["n_radii"])
            label = f"reduced search (n = {n} > {b['gamma_max_n']})"
            climb, bisections = red["climb"], 0   # threshold: the candidate, confirmed
        else:
            pts = gamma_search.sample_points(ctx, ctx.runs, b["run_points"], b["random_points"], ctx.seed)
            search, label, climb, bisections = None, "full search", b["climb"], None
        if ctx.box is not None and pts:
            # the bound is derived on the box: test it only where the ball of radius pi
            # around the point lies in the box
            g = [ctx.dual(ctx.problem.grad(x)) for x in pts]
            keep = ctx.covers(pts, g)
            if not keep.all():
                skipped = (f"{int((~keep).sum())} of {len(pts)} points skipped: the ball of radius "
                           "pi around them leaves the box the constants hold on")
                ctx.notes.append(f"gamma search: {skipped}")
                label = f"{label}; {skipped}"
            pts = [x for x, k in zip(pts, keep) if k]
        return [gamma_search.gamma_check(ctx.case, pts, undecided=ctx.undecided, seed=ctx.seed,
                                    search=search, label=label, climb=climb,
                                    admissible=lambda x: self.admissible(ctx, x),
                                    center=self.center(ctx), bisections=bisections)]

    @staticmethod
    def admissible(ctx, x) -> bool:
        """Where the class claim is asserted: the initial sublevel set ``{f <= f(x_0)}``
        (the constants of the catalog are derived there), and, with a box, where the
        ball of radius ``pi`` lies in it."""
        import math
        fx = ctx.problem.value(x)
        if not (math.isfinite(fx) and fx <= ctx.f0):
            return False
        if ctx.box is None:
            return True
        return bool(ctx.covers([x], [ctx.dual(ctx.problem.grad(x))])[0])

    @staticmethod
    def center(ctx):
        """The last iterate of the theory or adaptive run (near a minimizer)."""
        for name in ("adaptive", "theory"):
            r = ctx.runs.get(name)
            if r is not None:
                return r.x
        return None
