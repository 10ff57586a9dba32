"""Pages fetched whole over HTTP by the benchmarks: the Django test client, logged in,
on the project's URLs plus the reference admin, and a GET that must answer 200."""

from __future__ import annotations

import warnings
from contextlib import contextmanager

from django.test import Client, override_settings

from casemgmt.benchmarks.registry import BenchmarkError
from casemgmt.models import User


@contextmanager
def logged_in_client(user: User):
    """A client logged in as ``user``; the benchmarks' URLconf while it is open."""
    with override_settings(ROOT_URLCONF="casemgmt.benchmarks.urls"), warnings.catch_warnings():
        # WhiteNoise warns that nothing was collected: the pages need no static file here.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        yield client


def get_ok(client: Client, path: str, params: dict[str, str] | None = None):
    response = client.get(path, params or {})
    if response.status_code != 200:
        raise BenchmarkError(f"{path} answered {response.status_code}, not 200")
    return response
