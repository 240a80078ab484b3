"""Shared test configuration: hypothesis profiles.

Pick one with ``HYPOTHESIS_PROFILE=<name>`` or pytest's ``--hypothesis-profile=<name>``:

- ``ci`` (the default): few examples per property, so the whole suite stays fast;
- ``dev``: hypothesis's usual 100 examples per property;
- ``thorough``: 1000 examples per property, for hunting rare bugs.

Deadlines are off everywhere: timing depends on the machine, and a slow example is not a
wrong one.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("ci", deadline=None, max_examples=25, suppress_health_check=_quiet)
settings.register_profile("dev", deadline=None, max_examples=100, suppress_health_check=_quiet)
settings.register_profile(
    "thorough", deadline=None, max_examples=1000, suppress_health_check=_quiet
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
