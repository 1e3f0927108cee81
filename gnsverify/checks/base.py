"""The contract of a claim kind: one :class:`Check` per module of this package.

A check reads a :class:`gnsverify.context.Context` (the case, its claim, its runs)
and returns verdicts, each made by :func:`gnsverify.verdict.decide`:

* :meth:`Check.applies` ``(ctx) -> (bool, reason)``: whether the claim is made for this
  case at all (the reason becomes a note of the report when it is not);
* :meth:`Check.run` ``(ctx) -> list[Verdict]``.

A check states what it needs run (:attr:`Check.needs`: names of
:data:`gnsverify.runs.RUNS`); :func:`gnsverify.pipeline.check_case` runs the union of
the needs of its checks, then each check in order. A new claim kind is one module
with one subclass, added to :data:`gnsverify.checks.CHECKS`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod


class Check(ABC):
    """One claim kind (see the module docstring)."""

    #: short name (used in notes and progress)
    name: str = ""
    #: the runs the check reads (subset of gnsverify.runs.RUNS)
    needs: tuple[str, ...] = ()
    #: the claim names its verdicts carry (each of gnsverify's own is mapped to the
    #: paper's statement in gnsverify.paper_map); when declared, check_case refuses a
    #: verdict with a claim not in the list. A check defined outside the package may
    #: leave it empty: its claims are then reported as not mapped to the paper.
    claims: tuple[str, ...] = ()

    def applies(self, ctx) -> tuple[bool, str]:
        """``(True, "")`` when the claim is made for this case, else ``(False, reason)``."""
        return True, ""

    @abstractmethod
    def run(self, ctx) -> list:
        """The verdicts of this claim kind on the context's case."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
