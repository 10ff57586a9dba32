"""Root pytest configuration (see tests/conftest.py for fixtures)."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from live-server tests are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis: CI runs a bounded, derandomised profile (the same examples every run, so a
# red build is reproducible and the suite's time is stable); locally the default explores.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
