"""scikit-learn's bundled datasets, standardized (no download, no network).

Features are centred and scaled to unit standard deviation per column (constant
columns become zero); no intercept column is added.
"""
from __future__ import annotations

import numpy as np

from numeric.problems.base import standardize

DATASETS = ("breast_cancer", "digits", "wine")


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X, t)``: standardized features (``m x d``) and integer targets (``m``)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}, got {name!r}.")
    from sklearn import datasets as skd
    bunch = getattr(skd, f"load_{name}")()
    return standardize(bunch.data), np.asarray(bunch.target, dtype=np.int64)
