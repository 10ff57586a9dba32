"""Root pytest configuration (see tests/conftest.py for fixtures)."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from live-server tests are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
