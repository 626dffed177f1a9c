"""Shared pytest configuration: hypothesis profiles (`HYPOTHESIS_PROFILE=ci` in CI)."""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
