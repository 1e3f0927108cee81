"""Overflow-free scalar functions ``log(1 + e^t)`` and ``1 / (1 + e^-t)``."""
from __future__ import annotations

import numpy as np

from numeric._jit import jit


@jit
def log1pexp(t):
    """``log(1 + exp(t))`` without overflow."""
    if t > 0.0:
        return t + np.log1p(np.exp(-t))
    return np.log1p(np.exp(t))


@jit
def sigmoid(t):
    """``1 / (1 + exp(-t))`` without overflow."""
    if t >= 0.0:
        return 1.0 / (1.0 + np.exp(-t))
    e = np.exp(t)
    return e / (1.0 + e)
