"""A case report that can travel: the case replaced by what the report needs of it.

A :class:`gnsverify.pipeline.CaseReport` holds its :class:`gnsverify.Case`, which may
hold closures and the user's callables; once the runs are done the report needs only
the case's name, description, Hessian rule and summary. :func:`portable` swaps the case
for that :class:`CaseInfo`, so that the report pickles (from a worker process, a dask
worker, or into the results store).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class CaseInfo:
    """What a report needs of a case once its runs are done (a portable stand-in)."""

    name: str
    description: str = ""
    hessian: str = "exact"
    info: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return dict(self.info)


def portable(report):
    """``report`` with its case replaced by a :class:`CaseInfo` (picklable); anything
    that is not a case report is returned as it is."""
    case = getattr(report, "case", None)
    if case is None or not hasattr(report, "verdicts"):
        return report
    if isinstance(case, CaseInfo):
        return report
    info = CaseInfo(name=case.name, description=case.description, hessian=case.hessian,
                    info=case.summary())
    return replace(report, case=info)
