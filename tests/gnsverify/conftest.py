"""Fixtures shared by the checker's tests."""
import pytest

from gnsverify.catalog import holder_1d_case


@pytest.fixture
def rejects_on_cubic():
    """``rejects_on_cubic(fn, kwargs, match)``: calling ``fn`` on the cubic case
    (``|x|^3/3`` from ``x0 = 1``, a true claim) with the bad ``kwargs`` raises a
    ValueError whose message matches ``match``."""
    def check(fn, kwargs, match):
        case = holder_1d_case(dict(nu=1.0, x0=1.0))
        with pytest.raises(ValueError, match=match):
            fn(case, **kwargs)
    return check
