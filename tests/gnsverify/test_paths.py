"""The paths section reads what the runs did (options, status, the solver's own solve
counts): a Woodbury case is seen as Woodbury, an exhausted search as exhausted."""
from gnsverify import catalog
from gnsverify.report import paths
from gnsverify.verify import verify


def _covered(reports):
    return {(r["group"], r["path"]): r["by"] for r in paths.coverage(reports)}


def test_woodbury_and_search_exhaustion_are_seen_from_the_runs():
    reps = [verify(catalog.get_case(n), budget="quick")
            for n in ("logistic_wide_exact_qsc", "holder_1d_nu1_exhausted")]
    cov = _covered(reps)
    assert "logistic_wide_exact_qsc / theory" in cov[("linear solver", "Woodbury (rank > 0)")]
    assert cov[("run ends", "step-size search exhausted")] == ["holder_1d_nu1_exhausted / adaptive"]
    assert "holder_1d_nu1_exhausted / theory" in cov[("linear solver", "dense Cholesky")]
    # B = I only here: the dense metric is reported as not covered
    assert cov[("metric", "dense B")] == []
    s = paths.summary(reps)
    assert "metric: dense B" in s["not_covered"]
    assert "Not covered" in paths.section(reps)


def test_the_solver_counts_its_linear_solves():
    from gnsverify.runs import run_gns
    wide = run_gns(catalog.get_case("logistic_wide_exact_qsc"), "adaptive", max_iter=5)
    assert wide.linear_solves["woodbury"] >= wide.trace.n_steps > 0
    assert wide.linear_solves["dense"] == 0
    narrow = run_gns(catalog.get_case("logistic_exact_qsc"), "adaptive", max_iter=5)
    assert narrow.linear_solves["woodbury"] == 0
    assert narrow.linear_solves["dense"] == len(narrow.trace.trial_iter)
