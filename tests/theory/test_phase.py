"""The theoretical phase diagram over (alpha, beta)."""
from __future__ import annotations

import numpy as np
import pytest

from theory.monomials import PHASE_APPROXIMATION, PHASE_SMOOTHNESS
from theory.phase import phase_figure, phase_grid

AX = np.linspace(0.0, 1.0, 9)


def test_exponent_is_max_alpha_beta():
    g = phase_grid(AX, AX)
    A, B = np.meshgrid(AX, AX)
    np.testing.assert_array_equal(g["exponent"], np.maximum(A, B))
    np.testing.assert_array_equal(g["region"] == PHASE_SMOOTHNESS, B <= A)
    assert g["linear"][0, 0] and g["linear"].sum() == 1          # only alpha = beta = 0
    np.testing.assert_array_equal(g["region"], g["paper_phase"])  # single monomials, C1 = 0


def test_nonconvex_adds_one():
    g = phase_grid(AX, AX, setting="nonconvex")
    A, B = np.meshgrid(AX, AX)
    np.testing.assert_array_equal(g["exponent"], 1 + np.maximum(A, B))
    assert not g["linear"].any()


def test_C1_term_gives_eps_inverse():
    g = phase_grid(AX, AX, C1=0.3)
    assert (g["exponent"] == 1.0).all()
    # the order is unchanged only where the class already has alpha = 1
    np.testing.assert_array_equal(g["region"] == PHASE_SMOOTHNESS,
                                  np.broadcast_to(AX == 1.0, g["region"].shape))
    # the paper's criterion calls every C1 > 0 cell "approximation dominates"
    assert (g["paper_phase"] == PHASE_APPROXIMATION).all()


def test_figure(tmp_path):
    path = tmp_path / "phase.png"
    out = phase_figure(phase_grid(AX, AX), path)
    assert out == str(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input():
    with pytest.raises(ValueError, match="alphas"):
        phase_grid([0.5, 1.5], AX)
    with pytest.raises(ValueError, match="betas"):
        phase_grid(AX, [])
    with pytest.raises(ValueError, match="C1"):
        phase_grid(AX, AX, C1=-1.0)
    with pytest.raises(ValueError, match="setting"):
        phase_grid(AX, AX, setting="strongly convex")
    with pytest.raises(ValueError, match="grid"):
        phase_figure({"alpha": AX}, "unused.png")
