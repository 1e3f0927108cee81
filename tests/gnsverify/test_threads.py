"""The checker's numerical work runs with one BLAS thread (gnsverify.threads)."""
import importlib

from threadpoolctl import threadpool_info

from gnsverify import cli
from gnsverify.catalog import holder_1d_case
from gnsverify.threads import single_threaded_blas

V = importlib.import_module("gnsverify.verify")   # the module (the package re-exports the function)


def _blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_single_threaded_blas_limits_numpy_and_scipy_and_restores():
    import scipy.linalg  # noqa: F401  (so that "before" sees the same libraries)
    before = _blas_threads()
    with single_threaded_blas():
        inside = [(i["filepath"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]
    # numpy's and scipy's OpenBLAS (the one the compiled kernels call) are both limited
    assert len(inside) >= 2 and all(n == 1 for _, n in inside), inside
    assert _blas_threads() == before


def test_every_cli_command_runs_single_threaded(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(cli, "cmd_classes", lambda args: seen.append(_blas_threads()) or 0)
    assert cli.main(["classes"]) == 0
    assert seen and seen[0] and set(seen[0]) == {1}


def test_campaign_runs_single_threaded(monkeypatch):
    seen = []
    monkeypatch.setattr(V, "verify", lambda case, **kw: seen.append(_blas_threads()) or case.name)
    assert V.campaign([holder_1d_case(dict(nu=1.0, x0=1.0))]) == ["holder_1d_nu1"]
    assert seen and set(seen[0]) == {1}
