"""The metric ``B``: ``||h|| = <Bh, h>^(1/2)``, ``||s||_* = <s, B^-1 s>^(1/2)``.

Compiled code receives the metric as ``(mode, B, L)``: ``mode = 0`` is the identity
fast path (``B`` and ``L`` are ``zeros((0, 0))``); ``mode = 1`` is a dense SPD ``B``
with lower Cholesky factor ``L`` (``B = L L^T``), so ``||h|| = ||L^T h||_2`` and
``||s||_* = ||L^-1 s||_2``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numeric._jit import jit
from numeric._linalg import dot as _dot, lower_solve as _lower_solve   # L y = s

IDENTITY, DENSE = 0, 1


@dataclass(frozen=True)
class Metric:
    mode: int
    B: np.ndarray
    L: np.ndarray

    @property
    def data(self):
        return (self.mode, self.B, self.L)


_IDENTITY = Metric(IDENTITY, np.zeros((0, 0)), np.zeros((0, 0)))   # arrays of size 0


def make_metric(B, n: int) -> Metric:
    """Validate ``B`` (``None`` = identity) for dimension ``n``.

    Raises ``ValueError`` unless ``B`` is a finite symmetric positive definite
    ``n x n`` matrix.
    """
    if B is None:
        return _IDENTITY
    B = np.asarray(B, dtype=np.float64)
    if B.shape != (n, n):
        raise ValueError(f"B must be a {n}x{n} matrix, got shape {B.shape}.")
    if not np.all(np.isfinite(B)):
        raise ValueError("B must have finite entries only.")
    if not np.allclose(B, B.T, rtol=1e-12, atol=0.0):
        raise ValueError("B must be symmetric positive definite (it is not symmetric).")
    B = np.ascontiguousarray(0.5 * (B + B.T))
    try:
        L = np.linalg.cholesky(B)
    except np.linalg.LinAlgError:
        raise ValueError("B must be symmetric positive definite (Cholesky failed).") from None
    return Metric(DENSE, B, np.ascontiguousarray(L))


@jit
def norm_primal(mode, B, L, h):
    """``||h|| = <Bh, h>^(1/2)``."""
    if mode == IDENTITY:
        return np.sqrt(_dot(h, h))
    return np.sqrt(max(_dot(h, B @ h), 0.0))


@jit
def norm_dual(mode, B, L, s):
    """``||s||_* = <s, B^-1 s>^(1/2) = ||L^-1 s||_2``."""
    if mode == IDENTITY:
        return np.sqrt(_dot(s, s))
    y = _lower_solve(L, s)
    return np.sqrt(_dot(y, y))
