"""The one place where numba options are set.

Every compiled kernel of the numeric layer is decorated with :func:`jit`.
``fastmath`` is never enabled: the checker compares inequalities such as
``f(x) - f(x+h) >= ||g(x+h)||^2 / (8 lambda)`` to the last bit that matters, and
fast-math reassociation would change which side wins near equality.
``cache=True`` stores machine code on disk so that a new process does not compile
again. Kernels take arrays and scalars only (never compiled functions as
arguments): numba cannot cache a kernel that receives a dispatcher.
"""
from __future__ import annotations

import numba

JIT_OPTIONS = dict(cache=True, fastmath=False, nogil=True, error_model="numpy")


def jit(func=None, **overrides):
    """``numba.njit`` with the project's options (overrides only for good reason)."""
    options = {**JIT_OPTIONS, **overrides}
    if func is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(func)
