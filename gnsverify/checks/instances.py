"""Claim kind ``falsify:instances``: property-based generation of instances of the
case's family and starting points; each is run with the theory step and the adaptive
search and checked (per-step invariants and the global bound); a FAIL is shrunk by
hypothesis to a minimal instance (:func:`gnsverify.falsify.search`)."""
from __future__ import annotations

from gnsverify import falsify
from gnsverify.checks.base import Check


class InstancesCheck(Check):
    name = "instance search"
    claims = ("falsify:instances",)

    def applies(self, ctx):
        if ctx.case.family is None:
            return False, "no instance family: falsify:instances not run"
        if ctx.budget["instances"] <= 0:
            return False, "instance search not run (budget)"
        return True, ""

    def run(self, ctx):
        return [falsify.instances_search(ctx.case.family, ctx.case.name, ctx.budget["instances"],
                                         ctx.seed)]
