"""Claim kind ``falsify:gamma_lower_bound``: a numerical search for a step ``h`` with
``||h|| <= pi(||g(x)||_*)`` (and ``h`` in ``O(x, g)`` for a region-``O`` bound) and
``||r_x(h)||_* > ||g(x)||_* ||h|| / pi(||g(x)||_*)``, at points along the runs and random
points of the initial sublevel set (:mod:`gnsverify.falsify`).

The searcher samples, so it can only miss violations, never invent one: a reported
``h`` is a counterexample to ``gamma(x) >= pi``. Above the budget's ``gamma_max_n``
the search is reduced (fewer points, the radius ``pi`` only): still genuine, only
less thorough, and the verdict says what was tried.
"""
from __future__ import annotations

from gnsverify import falsify
from gnsverify.checks.base import Check


class GammaBoundCheck(Check):
    name = "gamma lower bound"
    needs = ("theory", "adaptive")

    def run(self, ctx):
        b, n = ctx.budget, ctx.problem.n
        if n > b["gamma_max_n"]:
            red = b["large_n"]
            pts = falsify.sample_points(ctx, ctx.runs, red["run_points"], red["random_points"],
                                        ctx.seed)
            search = dict(n_dirs=red["n_dirs"], n_radii=red["n_radii"])
            label = f"reduced search (n = {n} > {b['gamma_max_n']})"
        else:
            pts = falsify.sample_points(ctx, ctx.runs, b["run_points"], b["random_points"], ctx.seed)
            search, label = None, "full search"
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
        return [falsify.gamma_check(ctx.case, pts, undecided=ctx.undecided, seed=ctx.seed,
                                    search=search, label=label)]
