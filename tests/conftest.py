"""Test configuration: hypothesis profiles.

* ``ci`` (default under CI=true or HYPOTHESIS_PROFILE=ci): derandomized, modest
  example counts, no deadline (numba compiles on first call).
* ``dev`` (default locally): same, random seeds.
* ``heavy``: a long local search for counterexamples (HYPOTHESIS_PROFILE=heavy).
"""
import os

from hypothesis import HealthCheck, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", derandomize=True, max_examples=60, print_blob=True, **_common)
settings.register_profile("dev", max_examples=60, **_common)
settings.register_profile("heavy", max_examples=2000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
