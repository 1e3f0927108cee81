"""The methods compared: every run's cost to each eps (gnsverify.summary.methods), and the
Dolan-Moré profiles over cases (gnsverify.report.methods), checked against values worked
out by hand and against the traces themselves."""
from __future__ import annotations

import csv
import math
from types import SimpleNamespace

import numpy as np
import pytest

from gnsverify.catalog import holder_1d_case
from gnsverify.report import methods as M
from gnsverify.verify import verify


@pytest.fixture(scope="module")
def report():
    return verify(holder_1d_case(dict(nu=1.0, x0=1.0)), budget="default",
                  runs=("theory", "adaptive", "baselines"))


def test_costs_to_each_eps_are_read_off_the_trace(report):
    names = set()
    for row in report.methods:
        res = report.runs[row["run"]]
        names.add(row["run"])
        assert (row["nfev"], row["njev"], row["nhev"], row["iterations"]) == (res.nfev, res.njev, res.nhev, res.nit)
        assert row["measure"] == report.curves["measure"] == "f - f*"
        gap = np.array([np.inf if v is None else v for v in report.curves["runs"][row["run"]]["value"]])
        calls = res.trace.n_value + res.trace.n_grad + res.trace.n_hess
        for hit in row["to_eps"]:
            below = np.nonzero(gap <= hit["eps"])[0]
            if hit["k"] is None:
                assert below.size == 0
                continue
            k = hit["k"]
            assert k == below[0]                          # the first iterate at or below eps
            assert hit["calls"] == calls[k] and hit["time_s"] == res.trace.time[k] - res.trace.time[0]
    assert names == set(report.runs) and any(n.startswith("baseline:") for n in names)


def _rep(name, costs):
    """A stand-in report whose methods reached one eps with the given iteration counts."""
    rows = [{"run": run, "to_eps": [{"eps": 1e-3, "k": k, "calls": None if k is None else 3 * k,
                                     "time_s": None if k is None else 0.5 * k}]}
            for run, k in costs.items()]
    return SimpleNamespace(case=SimpleNamespace(name=name), methods=rows)


def test_profile_matches_the_definition_worked_by_hand():
    reports = [_rep("A", {"theory": 10, "baseline:gradient": 20}),
               _rep("B", {"theory": None, "baseline:gradient": 5}),
               _rep("C", {"theory": None, "baseline:gradient": None})]   # nobody: left out
    p = M.profile(reports, "iterations")
    assert p["cases"] == ["A", "B"] and p["left_out"] == ["C"]
    assert p["ratios"] == {"gns theory": [1.0, math.inf], "gradient": [2.0, 1.0]}
    assert p["curves"]["gns theory"] == {"tau": [1.0], "rho": [0.5]}
    assert p["curves"]["gradient"] == {"tau": [1.0, 2.0], "rho": [0.5, 1.0]}
    # every cost gives the same ratios here (calls and time are multiples of k)
    assert M.profile(reports, "calls")["ratios"] == M.profile(reports, "time_s")["ratios"] == p["ratios"]
    table = M.profile_table(p)
    assert "| gns theory | 0.5 | 0.5 | 0.5 | 0.5 |" in table and "| gradient | 0.5 | 1 | 1 | 1 |" in table
    with pytest.raises(ValueError, match="cost must be one of"):
        M.profile(reports, "flops")


def test_tables_and_csv(report, tmp_path):
    text = M.section([report])
    assert "## Methods compared" in text and "| gns theory |" in text and "| gradient |" in text
    path = M.write_methods(tmp_path, [report])
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(len(r["to_eps"]) for r in report.methods)
    assert {r["method"] for r in rows} >= {"gns theory", "gns adaptive", "gradient"}
